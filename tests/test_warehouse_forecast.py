"""A table connected on Your data feeds the Forecast page, as an uploaded file does (AppTest,
DuckDB database file through st.connection).

Oracle: calc.models.summary.summarize on the same rows' paid orders (weeks) and
calc.models.clv.value_customers with the app's default margin (40%) and discount rate
(8% a year) over 3 years, as tests/test_app_forecast.py checks a file.
"""

from pathlib import Path

import duckdb
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from calc.models.clv import value_customers
from calc.models.summary import convert_time, summarize
from tests.warehouse_data import order_log
from ui.format import number
from ui.i18n import t

APP = str(Path(__file__).parents[1] / "app.py")
LOG = order_log(rows=1_500, customers=200, seed=5)
MARGIN, DISC, YEARS = 0.40, 0.08, 3


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("duckdb") / "shop.duckdb"
    with duckdb.connect(str(path)) as con:
        con.register("log", LOG)
        con.execute("CREATE TABLE orders AS SELECT * FROM log")
    return path


@pytest.fixture(scope="module")
def expected():
    paid = LOG[LOG["amount"] > 0]
    summary = summarize(paid["customer_id"], paid["date"], paid["amount"], unit="W")
    valuation = value_customers(
        summary, horizon=YEARS, horizon_unit="Y", annual_discount_rate=DISC, margin=MARGIN
    )
    return summary, valuation


def connected(database) -> AppTest:
    """Your data, the DuckDB file connected and the orders table summarised, then Forecast."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["connections"] = {"local": {"url": f"duckdb:///{database}"}}
    at.run()
    at.switch_page("pages/5_Your_data.py").run()
    at.text_input(key="wh_table").set_value("orders")
    at.button(key="wh_run").click().run()
    assert not at.exception and not at.error
    assert t("wh_more.forecast_note") in [c.value for c in at.caption]
    at.switch_page("pages/6_Forecast.py").run()
    assert not at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_forecast_uses_the_connected_table(database, expected):
    summary, valuation = expected
    at = connected(database)
    assert not at.error and not at.warning
    assert any("orders" in i.value for i in at.info)  # the note naming the table
    rfm = (summary.frequency, summary.recency, summary.age)
    for days in (90, 365):
        total = valuation.purchases.expected_total(convert_time(days, "D", "W"), *rfm)
        assert metric(at, t("forecast.purchases_next", days=number(days))) == number(total.likely)
    assert metric(at, t("forecast.active_now")) == number(valuation.values.table["p_alive"].sum())
    table = at.dataframe[0].value
    assert len(table) == summary.n_customers
    want = np.sort(valuation.values.table["clv"].to_numpy())[::-1]
    assert table["clv"].to_numpy() == pytest.approx(want, rel=1e-9)
    # a rerun (the at-risk slider) reads the held fit back and shows the same
    at.slider(key="fc_risk").set_value(20).run()
    assert not at.exception
    assert len(at.dataframe[0].value) == summary.n_customers


def test_a_sample_chosen_afterwards_takes_over_and_the_button_lets_go(database):
    at = connected(database)
    at.session_state["up_sample"] = "orders_european.csv"
    at.run()
    assert not at.exception
    assert not [b for b in at.button if b.key == "wh_forget"]  # the file is in use
    at.session_state["up_sample"] = None
    at.run()
    assert [b for b in at.button if b.key == "wh_forget"]  # back to the database
    at.button(key="wh_forget").click().run()
    assert not at.exception
    assert at.info[0].value == t("forecast.no_data")
