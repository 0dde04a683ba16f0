"""AppTest checks of the Forecast page on the shipped samples and on files too small to fit.

Every number the page shows is recomputed here with ``calc.models`` on the same
sample, with the worked example's margin (40%) and discount rate (8% a year).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from calc import history, upload
from calc.clv import clv_report
from calc.models import sbg
from calc.models.clv import discount_rate_per_unit, holdout_check, value_customers
from calc.models.cohorts import observed_survival, subscription_cohorts
from calc.models.summary import calibration_holdout, convert_time, summarize
from ui import forecast_view
from ui.format import duration, money, number, pct
from ui.i18n import t

ROOT = Path(__file__).parents[1]
APP = str(ROOT / "app.py")
MARGIN, DISC, CAC, YEARS = 0.40, 0.08, 60.0, 3


def forecast_page(sample: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/6_Forecast.py").run()
    assert not at.exception
    if sample is not None:
        at.session_state["up_sample"] = sample
        at.run()
        assert not at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def read(sample: str) -> upload.Upload:
    return upload.read((ROOT / "samples" / sample).read_bytes(), sample)


@pytest.fixture(scope="module")
def european():
    """The European orders sample as the page fits it: paid orders, weeks."""
    read_file = read("orders_european.csv")
    log = read_file.table[read_file.table["amount"] > 0]
    summary = summarize(log["customer_id"], log["date"], log["amount"], unit="W")
    valuation = value_customers(
        summary, horizon=YEARS, horizon_unit="Y", annual_discount_rate=DISC, margin=MARGIN
    )
    return read_file, log, summary, valuation


def test_without_data_the_page_explains_itself_and_offers_the_samples():
    at = forecast_page()
    assert at.info[0].value == t("forecast.no_data")
    assert at.pills(key="up_sample").value is None
    assert not at.metric


def test_order_sample_shows_the_models_numbers(european):
    read_file, _, summary, valuation = european
    at = forecast_page("orders_european.csv")
    assert not at.error and not at.warning
    cur = read_file.report.currency
    rfm = (summary.frequency, summary.recency, summary.age)
    model = valuation.purchases
    for days in (90, 365):
        total = model.expected_total(convert_time(days, "D", "W"), *rfm)
        label = t("forecast.purchases_next", days=number(days))
        assert metric(at, label) == number(total.likely)
    total_clv = valuation.values.total_clv
    assert metric(at, t("forecast.book_value", years=duration(YEARS, "years"))) == money(
        total_clv.likely, cur
    )
    assert metric(at, t("forecast.active_now")) == number(valuation.values.table["p_alive"].sum())
    per_customer = total_clv.likely / summary.n_customers
    label = t("forecast.model_clv", years=duration(YEARS, "years"))
    assert metric(at, label) == money(per_customer, cur)


def test_order_sample_table_shows_the_most_valuable_customers_with_calc_values(european):
    _, _, summary, valuation = european
    at = forecast_page("orders_european.csv")
    table = at.dataframe[0].value
    rows = forecast_view.SHOWN_ROWS
    assert summary.n_customers > rows and len(table) == rows
    expected = valuation.values.table
    shown = table["clv"].to_numpy()
    assert shown == pytest.approx(np.sort(expected["clv"].to_numpy())[::-1][:rows], rel=1e-9)
    caption = t("forecast.rows_shown", rows=number(rows), total=number(summary.n_customers))
    assert caption in [c.value for c in at.caption]
    # Shown in percent, for the progress bar's whole-percent format.
    alive = expected["p_alive"].reindex(table.index).to_numpy() * 100
    assert table["p_alive"].to_numpy() == pytest.approx(alive, rel=1e-9)


def test_a_new_horizon_reuses_the_fitted_models_and_a_new_file_drops_them(european):
    """Issue 14/15: the fits are held in the session, one file at a time; the horizon,
    margin and discount rate only change the values, so the models are not fitted again."""
    _, _, summary, _ = european
    at = forecast_page("orders_european.csv")
    held = at.session_state["_fc_held"]
    fits, first = held["fits"].purchases, held["result"]
    label = t("forecast.book_value", years=duration(YEARS, "years"))
    before = metric(at, label)
    at.select_slider(key="fc_years").set_value(5).run()
    held = at.session_state["_fc_held"]
    assert held["fits"].purchases is fits and held["result"] is not first
    assert held["settings"][2] == 5
    five = held["result"].forecast.values.total_clv.likely
    three = first.forecast.values.total_clv.likely
    assert five > three and before == money(three, read("orders_european.csv").report.currency)
    assert len(held["result"].table) == summary.n_customers
    at.session_state["up_sample"] = "orders_english.csv"
    at.run()
    assert at.session_state["_fc_held"]["fits"].purchases is not fits


def test_formula_clv_uses_the_measured_averages(european):
    read_file = european[0]
    at = forecast_page("orders_european.csv")
    c = history.analyse(read_file.table).clv
    report = clv_report(c.aov, c.purchases_per_year, MARGIN, DISC, CAC, churn_rate=c.annual_churn)
    cur = read_file.report.currency
    assert metric(at, t("forecast.formula_clv")) == money(report.discounted_margin_clv, cur)
    why = t("forecast.why_lower")
    assert any(m.value == why for m in at.markdown)


def test_holdout_check_in_plain_words(european):
    _, log, _, _ = european
    cut = log["date"].max() - pd.Timedelta(weeks=13)
    split = calibration_holdout(
        log["customer_id"], log["date"], log["amount"], calibration_end=cut, unit="W"
    )
    check = holdout_check(split)
    at = forecast_page("orders_european.csv")
    sentence = t(
        "forecast.holdout_sentence",
        end=f"{cut:%Y-%m-%d}",
        customers=number(check.customers),
        expected=number(check.expected.likely),
        low=number(check.expected.low),
        high=number(check.expected.high),
        weeks="13",
        actual=number(check.actual),
    )
    assert any(m.value == sentence for m in at.markdown)


def test_at_risk_slider_changes_the_list(european):
    _, _, _, valuation = european
    p_alive = valuation.values.table["p_alive"]
    at = forecast_page("orders_european.csv")
    assert len(at.dataframe[1].value) == int((p_alive < 0.5).sum())
    at.slider(key="fc_risk").set_value(20).run()
    assert not at.exception
    slipping = at.dataframe[1].value
    assert len(slipping) == int((p_alive < 0.2).sum())
    assert 0 < len(slipping) < int((p_alive < 0.5).sum())
    at_stake = slipping["worth_if_active"].to_numpy()
    assert (np.diff(at_stake) <= 0).all()


def test_horizon_changes_the_customer_value(european):
    read_file, _, summary, _ = european
    at = forecast_page("orders_european.csv")
    at.select_slider(key="fc_years").set_value(1).run()
    assert not at.exception
    one_year = value_customers(
        summary, horizon=1, horizon_unit="Y", annual_discount_rate=DISC, margin=MARGIN
    )
    label = t("forecast.book_value", years=duration(1, "years"))
    assert metric(at, label) == money(one_year.values.total_clv.likely, read_file.report.currency)


def test_subscription_sample_shows_the_retention_model():
    read_file = read("subscriptions.csv")
    cohorts = subscription_cohorts(read_file.table)
    model = sbg.fit(cohorts)
    at = forecast_page("subscriptions.csv")
    assert not at.error and not at.warning
    # The sample's subscribers all cancel at about 3% a month: said in plain words.
    assert model.churn_alike
    churn = pct(model.alpha / (model.alpha + model.beta))
    assert t("readiness.held_churn", churn=churn) in [i.value for i in at.info]
    assert metric(at, t("forecast.sub_customers")) == number(model.n_customers)
    assert metric(at, t("forecast.sub_after_year")) == pct(model.survival(12))
    lifetime = model.expected_lifetime_range(forecast_view.LIFETIME_CAP_MONTHS)
    assert metric(at, t("forecast.sub_lifetime")) == duration(lifetime.likely, "months")
    s = history.subscription_summary(read_file.table)
    derl = model.derl(discount_rate_per_unit(DISC, "M"), renewals=0)
    assert metric(at, t("forecast.sub_clv")) == money(s.mrr / s.customers * MARGIN * derl, "EUR")
    at.slider(key="fc_months").set_value(36).run()
    assert not at.exception


def test_customer_list_says_the_forecast_needs_dated_history():
    at = forecast_page("customers_polish.csv")
    assert at.info[0].value == t("forecast.customers_only")


def upload_file(at: AppTest, data: bytes) -> AppTest:
    at.file_uploader[0].set_value(("x.csv", data, "text/csv")).run()
    assert not at.exception
    return at


def test_one_customer_shows_why_there_is_no_forecast_and_keeps_the_formula():
    """No model, but the readiness check and a ranking by recency and frequency."""
    one = b"customer,date,amount\na,2024-01-05,10\na,2024-03-01,20\na,2024-06-01,15\n"
    at = upload_file(forecast_page(), one)
    assert at.warning
    assert "at least 20 customers" in at.warning[0].value
    assert t("forecast.model_missing") in [c.value for c in at.caption]
    # five months of orders: no yearly churn, so no formula CLV either (issue 12: a
    # monthly churn is never annualised into one); the headline churn panel says why
    assert [m.label for m in at.metric] == [t("datachurn.metric"), t("datachurn.lapsed")]
    assert any("18 months" in w.value for w in at.warning)
    assert t("readiness.ranking_title") in [s.value for s in at.subheader]
    ranking = at.dataframe[0].value
    assert ranking["customer_id"].tolist() == ["a"] and ranking["orders"].tolist() == [3]
    needs = [m.value for m in at.markdown if "**" + t("readiness.need_customers") + "**" in m.value]
    assert len(needs) == 1 and "1 in this file" in needs[0]


def test_the_small_regular_shop_of_issue_14_gets_a_forecast_and_says_what_was_done():
    """It used to get "could not find a sensible value for alpha" and the formula alone."""
    at = upload_file(
        forecast_page(), (ROOT / "tests/fixtures/models/regular_shop.csv").read_bytes()
    )
    assert not at.error
    assert not any(t("forecast.fit_failed_label") in w.value for w in at.warning)
    shown = [i.value for i in at.info]
    assert any(t("readiness.held_rates") in v and t("readiness.held_trust") in v for v in shown)
    assert any(t("readiness.held_dropout") in v for v in shown)
    assert metric(at, t("forecast.purchases_next", days=number(90)))
    assert len(at.dataframe[0].value) == 60  # every customer forecast
    assert metric(at, t("forecast.model_clv", years=duration(YEARS, "years")))
    # its held b (about 5e4) once made the share still active a year on NaN
    still = metric(at, t("datachurn.model"))
    assert still and still != t("fmt.not_available") and still.endswith("%")


def test_subscriptions_where_nobody_left_show_a_fit_message():
    rows = "".join(f"c{i},2024-0{1 + i % 3}-01,,10\n" for i in range(30))
    data = f"customer_id,start_date,end_date,monthly_amount\n{rows}late,2024-12-01,,10\n".encode()
    at = upload_file(forecast_page(), data)
    assert at.warning
    assert "No customer left" in at.warning[0].value


def test_cohorts_count_subscribers_still_active_by_start_month():
    """Hand-worked: last date in the table 2024-04-20 (c's end).

    January: a (open) and b (ends 2024-02-15, 45 days = 1.48 months: active at 0 and 1,
    gone at 2); the latest January starter (b, 10 January) has 101 days = 3.3 months of
    history: months 0-3. March: c, from 2024-03-01 to 2024-04-20 (50 days = 1.64 months,
    gone at 2) with 1.6 months of history: months 0-1. A plan change of a (two rows that
    join) is not a loss.
    """
    table = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "a"],
            "start": pd.to_datetime(["2024-01-01", "2024-01-10", "2024-03-01", "2024-02-01"]),
            "end": pd.to_datetime(["2024-02-01", "2024-02-15", "2024-04-20", None]),
        }
    )
    cohorts = subscription_cohorts(table)
    assert cohorts.index.tolist() == ["2024-01", "2024-03"]
    assert cohorts.loc["2024-01"].tolist() == [2, 2, 1, 1]
    assert cohorts.loc["2024-03"].tolist()[:2] == [1, 1]
    assert np.isnan(cohorts.loc["2024-03"].tolist()[2:]).all()
    observed = observed_survival(cohorts)
    assert observed["survival"].tolist() == pytest.approx([1.0, 1.0, 0.5, 0.5])
