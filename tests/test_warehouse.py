"""The warehouse summaries (Ibis on DuckDB) equal the in-memory path on the same rows.

Oracle: calc.models.summary.summarize (per-customer statistics) and the order-log
retention and cohort tables of calc.history, on a generated log with refunds,
same-day orders, times of day and a month without purchases; tolerance 1e-9.
"""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from calc import history
from calc.errors import DataError, InputError
from calc.models import summary as memory
from calc.warehouse import cohorts, from_frame, from_parquet, retention, summarize
from calc.warehouse.errors import classify, scrub
from tests.warehouse_data import order_log

LOG = order_log()


def in_memory(unit, observation_end=None):
    s = memory.summarize(
        LOG["customer_id"], LOG["date"], LOG["amount"], unit=unit, observation_end=observation_end
    )
    return s.to_frame().sort_index()


def assert_same_summary(got, want):
    frame = got.to_frame()
    assert frame.index.tolist() == want.index.tolist()
    np.testing.assert_array_equal(frame["frequency"], want["frequency"])
    for column in ("recency", "age", "mean_value", "total_value"):
        np.testing.assert_allclose(frame[column], want[column], rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(frame["first_purchase"], want["first_purchase"])


@pytest.mark.parametrize("unit", ["D", "W", "M"])
def test_summary_equals_in_memory_summarize(unit):
    got = summarize(from_frame(LOG), unit=unit)
    assert_same_summary(got, in_memory(unit))
    assert got.observation_end == np.datetime64(LOG["date"].max().date())


def test_summary_with_observation_end_equals_in_memory():
    got = summarize(from_frame(LOG), unit="W", observation_end="2025-12-31")
    assert_same_summary(got, in_memory("W", "2025-12-31"))


def test_summary_hand_worked_example():
    """The worked example of calc.models.summary.summarize's docstring: a buys 1, 8 (twice) and
    29 January, b on 15 January; weeks to 31 January."""
    t = from_frame(
        pd.DataFrame(
            {
                "customer_id": ["a", "a", "a", "a", "b"],
                "date": pd.to_datetime(
                    ["2024-01-01", "2024-01-08", "2024-01-08", "2024-01-29", "2024-01-15"]
                ),
                "amount": [10.0, 5.0, 15.0, 30.0, 8.0],
            }
        )
    )
    s = summarize(t, unit="W", observation_end="2024-01-31")
    assert s.frequency.tolist() == [2, 0]
    assert s.recency.tolist() == [4.0, 0.0]
    assert s.age.tolist() == pytest.approx([30 / 7, 16 / 7], abs=1e-12)
    assert s.mean_value.tolist() == [25.0, 0.0]


def test_parquet_folder_read_by_duckdb(tmp_path):
    """A folder of Parquet files (text dates, other column names) gives the same summary."""
    renamed = LOG.rename(columns={"customer_id": "who", "date": "when", "amount": "paid"})
    renamed["when"] = renamed["when"].dt.strftime("%Y-%m-%dT%H:%M:%S")
    half = len(renamed) // 2
    for i, part in enumerate((renamed.iloc[:half], renamed.iloc[half:])):
        pq.write_table(pa.Table.from_pandas(part, preserve_index=False), tmp_path / f"{i}.parquet")
    table = from_parquet(str(tmp_path))
    got = summarize(
        table, unit="D", columns={"customer_id": "who", "date": "when", "amount": "paid"}
    )
    assert_same_summary(got, in_memory("D"))


@pytest.mark.parametrize("period", ["M", "Q", "Y"])
def test_retention_equals_in_memory(period):
    got = retention(from_frame(LOG), period)
    want = history.retention(LOG, period)
    assert (got["active"] == 0).any() == (period == "M")  # the empty March
    pd.testing.assert_frame_equal(got, want, check_dtype=False, rtol=1e-9)


def test_cohorts_equal_in_memory():
    got = cohorts(from_frame(LOG))
    want = history.cohorts(LOG)
    assert len(got) > 100
    pd.testing.assert_frame_equal(got, want, check_dtype=False, rtol=1e-9)


def test_missing_column_names_the_column():
    with pytest.raises(DataError, match='no column "paid"') as error:
        summarize(from_frame(LOG), unit="D", columns={"amount": "paid"})
    assert error.value.about.values["role"] == "amount"


def test_wrong_column_type_names_the_column():
    log = LOG.assign(amount=LOG["amount"].astype(str))
    with pytest.raises(DataError, match=r'"amount" .* type string') as error:
        summarize(from_frame(log), unit="D")
    assert error.value.about.code == "warehouse.column_type"


def test_rows_without_customer_are_refused():
    log = LOG.astype({"customer_id": "object"})
    log.loc[3, "customer_id"] = None
    with pytest.raises(DataError, match="1 rows have no customer"):
        summarize(from_frame(log), unit="D")


def test_orders_after_observation_end_are_refused():
    with pytest.raises(DataError, match="dated after the end of observation") as error:
        summarize(from_frame(LOG), unit="D", observation_end="2024-06-30")
    assert error.value.about.values["count"] == int((LOG["date"] >= "2024-07-01").sum())


def test_unknown_unit_and_unreadable_end():
    with pytest.raises(InputError) as error:
        summarize(from_frame(LOG), unit="Y")
    assert error.value.field == "unit"
    with pytest.raises(InputError) as error:
        summarize(from_frame(LOG), unit="D", observation_end="not a date")
    assert error.value.field == "observation_end"


def test_missing_parquet_names_the_file(tmp_path):
    with pytest.raises(DataError, match=r"nothing\.parquet"):
        from_parquet(str(tmp_path / "nothing.parquet"))


def test_driver_messages_lose_credentials():
    assert "hunter2" not in scrub("failed for postgresql://bob:hunter2@db/shop")
    assert "hunter2" not in scrub("password=hunter2 host=db")
    assert classify(RuntimeError('relation "orders" does not exist')) == "warehouse.table_missing"
    assert classify(ConnectionError("server closed the connection")) == "warehouse.connection_lost"


def test_empty_table_and_unknown_period_and_no_purchases():
    with pytest.raises(DataError, match="no rows"):
        summarize(from_frame(LOG.iloc[:0]), unit="D")
    with pytest.raises(DataError, match="Unknown period"):
        retention(from_frame(LOG), "W")
    refunds = LOG.assign(amount=-LOG["amount"].abs() - 1)
    with pytest.raises(DataError, match="no purchases"):
        retention(from_frame(refunds), "M")
    with pytest.raises(DataError, match="no purchases"):
        cohorts(from_frame(refunds))


def test_missing_dates_and_amounts_are_counted():
    log = LOG.copy()
    log.loc[[1, 2], "date"] = pd.NaT
    with pytest.raises(DataError, match="2 rows have no date"):
        summarize(from_frame(log), unit="D")
    log = LOG.copy()
    log.loc[[5], "amount"] = np.nan
    with pytest.raises(DataError, match="1 rows have no amount"):
        summarize(from_frame(log), unit="D")


def test_sources_by_url_and_sqlalchemy():
    from sqlalchemy.engine import make_url

    from calc.warehouse import connect, open_table
    from calc.warehouse.sources import from_sqlalchemy

    backend = from_sqlalchemy(make_url("duckdb:///:memory:"))
    backend.create_table("orders", LOG)
    assert summarize(open_table(backend, table="orders"), unit="D").n_customers == len(
        set(LOG["customer_id"])
    )
    with pytest.raises(DataError) as error:
        from_sqlalchemy(make_url("sqlite:///shop.db"))
    assert error.value.about.code == "warehouse.engine_unsupported"
    with pytest.raises(DataError) as error:
        open_table(backend)
    assert error.value.about.code == "warehouse.no_table"
    with pytest.raises(DataError) as error:
        connect("nosuchengine://bob:hunter2@db/shop")
    assert error.value.about.code == "warehouse.cannot_connect"
    assert "hunter2" not in str(error.value)
