"""The segment counts of the warehouse path (Ibis on DuckDB) equal the in-memory path.

Oracle: calc.history.segments.segment on the same rows (customers grouped by the value on
their first order), its per-segment table and retention curves, tolerance 1e-9. The log
(tests/warehouse_data.py) has orders of several lines, blank values, refunds and customers
with refunds only, and is long enough for a yearly churn.
"""

import numpy as np
import pandas as pd
import pytest

from calc.errors import DataError
from calc.history.segments import BLANK, segment
from calc.warehouse import from_frame, segments
from tests.warehouse_data import segment_log

LOG = segment_log(rows=5_000, customers=1_500)


def by_name(frame: pd.DataFrame, *keys: str) -> pd.DataFrame:
    return frame.sort_values([*keys, "segment"]).reset_index(drop=True)


def assert_same_segments(got, want) -> None:
    """Same table and curves; the order may differ only between segments of equal size."""
    pd.testing.assert_frame_equal(
        by_name(got.table), by_name(want.table), check_dtype=False, rtol=1e-9, atol=1e-9
    )
    pd.testing.assert_frame_equal(
        by_name(got.curves, "months"),
        by_name(want.curves, "months"),
        check_dtype=False,
        rtol=1e-9,
        atol=1e-9,
    )
    assert np.all(np.diff(got.table["customers"].to_numpy()) <= 0)  # largest first
    assert got.churn_windows == want.churn_windows


def test_the_log_has_what_the_rules_are_about():
    """Blank channels, several orders a day, refund-only customers, repeat and one-time buyers."""
    paid = LOG[LOG["amount"] >= 0]
    assert LOG["channel"].isna().any() and LOG["category"].isna().any()
    assert (LOG.groupby("customer_id")["amount"].max() < 0).sum() >= 5
    assert paid.groupby(["customer_id", paid["date"].dt.date])["order_id"].nunique().max() == 2
    repeat = segment(LOG, "channel").table["repeat_rate"]
    assert ((repeat > 0.2) & (repeat < 0.9)).all()


def test_channel_with_order_ids_equals_in_memory():
    got = segments(from_frame(LOG), "channel", order_id="order_id")
    want = segment(LOG, "channel")
    assert BLANK in got.table["segment"].tolist()
    assert got.churn_windows is not None
    assert_same_segments(got, want)


def test_category_per_line_without_order_ids_equals_in_memory():
    """Without order ids every row is an order; rows sorted so the first listed is the smallest."""
    log = LOG.drop(columns="order_id").assign(day=LOG["date"].dt.floor("D"))
    log = log.sort_values(["day", "category"], na_position="last", kind="stable")
    log = log.drop(columns="day").reset_index(drop=True)
    got = segments(from_frame(log), "category")
    want = segment(log, "category")
    assert_same_segments(got, want)


def test_hand_worked_example():
    """a buys on web on 1 and 11 January (one gap of 10 days), b on web once, c in the shop once;
    c's shop order is 60, web's two customers spent 60 in 3 orders (AOV 20)."""
    t = pd.DataFrame(
        {
            "customer_id": ["a", "b", "a", "c"],
            "date": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-11", "2026-01-03"]),
            "amount": [30.0, 10.0, 20.0, 60.0],
            "channel": ["web", "web", "shop", "shop"],
        }
    )
    got = segments(from_frame(t), "channel").table
    assert got["segment"].tolist() == ["web", "shop"]
    assert got["customers"].tolist() == [2, 1]
    assert got["repeat_customers"].tolist() == [1, 0]
    assert got["aov"].tolist() == [20.0, 60.0]
    assert got["median_days_between"].iloc[0] == 10.0 and np.isnan(got["median_days_between"][1])
    assert got["churn_rate"].isna().all()  # a few days: no yearly churn


def test_a_short_log_has_no_churn_windows():
    short = LOG[LOG["date"] < "2023-09-01"]
    got = segments(from_frame(short), "channel", order_id="order_id")
    assert got.churn_windows is None
    assert_same_segments(got, segment(short, "channel"))


def test_missing_columns_are_named():
    with pytest.raises(DataError, match="'region'") as error:
        segments(from_frame(LOG), "region")
    assert error.value.about.code == "segments.no_column"
    with pytest.raises(DataError, match='"order_no"') as error:
        segments(from_frame(LOG), "channel", order_id="order_no")
    assert error.value.about.code == "warehouse.column_missing"
    with pytest.raises(DataError, match='"paid"'):
        segments(from_frame(LOG), "channel", columns={"amount": "paid"})


def test_segment_counts_compile_to_bigquery_and_snowflake():
    """No connection: the same expressions as SQL of the two warehouses."""
    import ibis

    from calc.warehouse import expressions as ex

    schema = {"customer_id": "string", "date": "timestamp", "amount": "float64", "ch": "string"}
    orders = ex.segment_orders(ibis.table(schema, name="orders"), segment="ch")
    counts, gaps = ex.segment_counts(
        orders, last_day=20_000, a0=19_271, a1=19_635, b0=19_636, measured=True
    )
    for dialect, quote in (("bigquery", "`orders`"), ("snowflake", '"orders"')):
        for expr in (counts, gaps):
            sql = ibis.to_sql(expr, dialect=dialect)
            assert quote in sql and "GROUP BY" in sql and "LAG(" in sql.upper()
