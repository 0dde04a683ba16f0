"""The warehouse summaries on a real PostgreSQL server equal the in-memory path.

A throwaway cluster (Debian's ``postgresql``) is started on a free port for this module;
without the binaries the tests are skipped locally and fail in CI. Oracle: as in
test_warehouse.py (calc.models.summary.summarize and calc.history), tolerance 1e-9.
"""

import ibis
import numpy as np
import pandas as pd
import psycopg
import pytest
from sqlalchemy.engine import make_url

from calc import history
from calc.errors import DataError
from calc.history.segments import segment
from calc.models import summary as memory
from calc.warehouse import cohorts, connect, open_table, retention, segments, summarize
from calc.warehouse.sources import from_sqlalchemy
from tests.warehouse_data import order_log, segment_log
from tests.warehouse_engines import PASSWORD, copy_frame, postgres_server

LOG = order_log()
TYPES = {"customer_id": "text", "date": "timestamp", "amount": "double precision"}
SEGMENT_LOG = segment_log(rows=5_000, customers=1_500)
SEGMENT_TYPES = {**TYPES, "order_id": "text", "channel": "text"}


@pytest.fixture(scope="module")
def server():
    with postgres_server() as running:
        copy_frame(running, "orders", LOG, TYPES)
        copy_frame(running, "bad_orders", LOG, {**TYPES, "amount": "text"})
        copy_frame(running, "order_lines", SEGMENT_LOG, SEGMENT_TYPES)
        yield running


@pytest.fixture()
def table(server):
    return open_table(connect(server.url), table="orders")


@pytest.mark.parametrize("unit", ["D", "W", "M"])
def test_summary_equals_in_memory(table, unit):
    got = summarize(table, unit=unit).to_frame()
    want = memory.summarize(LOG["customer_id"], LOG["date"], LOG["amount"], unit=unit)
    want = want.to_frame().sort_index()
    assert got.index.tolist() == want.index.tolist()
    np.testing.assert_array_equal(got["frequency"], want["frequency"])
    for column in ("recency", "age", "mean_value", "total_value"):
        np.testing.assert_allclose(got[column], want[column], rtol=1e-9, atol=1e-9)


def test_retention_and_cohorts_equal_in_memory(table):
    pd.testing.assert_frame_equal(
        retention(table, "Q"), history.retention(LOG, "Q"), check_dtype=False, rtol=1e-9
    )
    pd.testing.assert_frame_equal(
        cohorts(table), history.cohorts(LOG), check_dtype=False, rtol=1e-9
    )


def test_segment_counts_equal_in_memory(server):
    """Oracle: calc.history.segments.segment on the same rows (see test_warehouse_segments.py)."""
    table = open_table(connect(server.url), table="order_lines")
    got = segments(table, "channel", order_id="order_id")
    want = segment(SEGMENT_LOG, "channel")
    for frame, keys in ((got.table, want.table), (got.curves, want.curves)):
        order = ["months", "segment"] if "months" in frame else ["segment"]
        pd.testing.assert_frame_equal(
            frame.sort_values(order).reset_index(drop=True),
            keys.sort_values(order).reset_index(drop=True),
            check_dtype=False,
            rtol=1e-9,
            atol=1e-9,
        )
    assert got.churn_windows == want.churn_windows


def test_a_sql_query_as_the_source(server):
    backend = connect(server.url)
    table = open_table(backend, sql="SELECT * FROM orders WHERE amount >= 0")
    got = summarize(table, unit="D")
    kept = LOG[LOG["amount"] >= 0]
    want = memory.summarize(kept["customer_id"], kept["date"], kept["amount"], unit="D")
    np.testing.assert_allclose(np.sort(got.total_value), np.sort(want.total_value), rtol=1e-9)


def test_sqlalchemy_url_as_st_connection_holds_it(server):
    url = make_url(f"postgresql+psycopg://postgres:{PASSWORD}@{server.host}:{server.port}/postgres")
    table = open_table(from_sqlalchemy(url), table="orders")
    assert summarize(table, unit="W").n_customers == LOG["customer_id"].nunique()


def test_wrong_password_is_a_message_without_the_password(server):
    url = f"postgres://postgres:wrong-{PASSWORD}@{server.host}:{server.port}/postgres"
    with pytest.raises(DataError) as error:
        connect(url)
    assert error.value.about.code == "warehouse.cannot_connect"
    assert PASSWORD not in str(error.value)
    assert error.value.__cause__ is None and error.value.__context__ is not None


def test_missing_table_names_it(server):
    with pytest.raises(DataError, match="no_such_orders") as error:
        open_table(connect(server.url), table="no_such_orders")
    assert error.value.about.code == "warehouse.table_missing"


def test_amount_stored_as_text_names_the_column(server):
    table = open_table(connect(server.url), table="bad_orders")
    with pytest.raises(DataError, match='"amount"') as error:
        summarize(table, unit="D")
    assert error.value.about.code == "warehouse.column_type"


def test_dropped_connection_is_a_message(server):
    backend = connect(server.url)
    table = open_table(backend, table="orders")
    pid = backend.raw_sql("SELECT pg_backend_pid()").fetchone()[0]
    with psycopg.connect(
        host=server.host, port=server.port, user="postgres", password=PASSWORD, autocommit=True
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(DataError) as error:
        summarize(table, unit="D")
    assert error.value.about.code == "warehouse.connection_lost"
    assert PASSWORD not in str(error.value)
    # the rest still works: a fresh connection answers
    assert summarize(open_table(connect(server.url), table="orders"), unit="D").n_customers


def test_summary_compiles_to_bigquery_and_snowflake():
    """No connection: the same expression as SQL of the two warehouses."""
    from calc.warehouse import expressions as ex
    from calc.warehouse.run import standard

    schema = {"customer_id": "string", "date": "timestamp", "amount": "float64"}
    source = ibis.table(schema, name="orders")
    stats = ex.customer_stats(standard(source))
    bigquery = ibis.to_sql(stats, dialect="bigquery")
    snowflake = ibis.to_sql(stats, dialect="snowflake")
    assert "DATE_DIFF" in bigquery and "`orders`" in bigquery
    assert "DATEDIFF" in snowflake and '"orders"' in snowflake
    for sql in (bigquery, snowflake):
        assert "GROUP BY" in sql and "MIN_BY" in sql


def test_batch_scoring_from_the_database(server, tmp_path, capsys):
    """python -m calc.score with a database URL and a query: every customer scored."""
    from calc import score

    out = tmp_path / "scores.parquet"
    query = "SELECT * FROM orders WHERE amount >= 0"
    code = score.main(["--source", server.url, "--sql", query, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err
    assert PASSWORD not in err
    scores = pd.read_parquet(out)
    assert len(scores) == LOG.loc[LOG["amount"] >= 0, "customer_id"].nunique()
    assert {"p_alive", "next_365", "clv"} <= set(scores.columns)
    # the refunds left in: some mean spends are negative, a message and exit code 2
    code = score.main(["--source", server.url, "--table", "orders", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "Mean order value" in err and "Traceback" not in err
