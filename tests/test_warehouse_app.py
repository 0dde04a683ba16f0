"""The "Connect a database" panel of Your data, driven through AppTest against a real
PostgreSQL server (credentials in AppTest's secrets, as .streamlit/secrets.toml holds them).

Oracle for the numbers: calc.models.summary.summarize on the same rows (customers and
net revenue). Without PostgreSQL the server tests skip locally and fail in CI.
"""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.warehouse_data import order_log
from tests.warehouse_engines import PASSWORD, copy_frame, postgres_server

APP = str(Path(__file__).parents[1] / "app.py")
LOG = order_log(rows=1_500, customers=200, seed=3)
TYPES = {"customer_id": "text", "date": "timestamp", "amount": "double precision"}


@pytest.fixture(scope="module")
def server():
    with postgres_server() as running:
        copy_frame(running, "orders", LOG, TYPES)
        yield running


def page(secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if secrets:
        at.secrets["connections"] = secrets
    at.run()
    at.switch_page("pages/5_Your_data.py").run()
    assert not at.exception
    return at


def shop(server, password=PASSWORD) -> dict:
    return {
        "shop": {
            "dialect": "postgresql",
            "driver": "psycopg",
            "host": server.host,
            "port": server.port,
            "database": "postgres",
            "username": "postgres",
            "password": password,
        }
    }


def texts(at: AppTest) -> str:
    parts = [
        e.value for kind in ("error", "markdown", "caption", "info", "code") for e in at.get(kind)
    ]
    return "\n".join(str(p) for p in parts)


def summarise(at: AppTest, table: str = "orders", **columns) -> AppTest:
    at.text_input(key="wh_table").set_value(table)
    for key, value in columns.items():
        at.text_input(key=key).set_value(value)
    at.button(key="wh_run").click().run()
    assert not at.exception
    return at


def test_without_connections_the_panel_says_how_to_add_one():
    at = page()
    assert "secrets.toml" in texts(at)
    assert not [box for box in at.selectbox if box.key == "wh_conn"]


def test_summary_from_the_database(server):
    at = summarise(page(shop(server)))
    shown = {m.label: m.value for m in at.metric}
    assert shown["Customers"] == f"{LOG['customer_id'].nunique():,}"
    assert len(at.dataframe) == 2  # retention per month and cohorts
    assert PASSWORD not in texts(at)


def test_wrong_password_is_a_message_without_it(server):
    wrong = "wrong-" + PASSWORD
    at = summarise(page(shop(server, password=wrong)))
    assert "Could not connect to the" in at.error[0].value
    assert "secrets.toml" in at.error[0].value
    assert wrong not in texts(at) and PASSWORD not in texts(at)


def test_missing_table_is_named(server):
    at = summarise(page(shop(server)), table="no_such_orders")
    assert "no_such_orders" in at.error[0].value.replace("\\_", "_")  # Markdown-escaped


def test_wrong_column_name_is_named(server):
    at = summarise(page(shop(server)), wh_amount="paid")
    assert '"paid"' in at.error[0].value
    at.text_input(key="wh_amount").set_value("").run()  # the rest still works
    at.button(key="wh_run").click().run()
    assert not at.error and at.metric


def test_incomplete_connection_settings_are_a_message():
    """A [connections.broken] section without host or username: st.connection refuses it."""
    at = summarise(page({"broken": {"dialect": "postgresql", "password": "p4ss-not-shown"}}))
    assert "Could not connect to the" in at.error[0].value
    assert "p4ss-not-shown" not in texts(at)
