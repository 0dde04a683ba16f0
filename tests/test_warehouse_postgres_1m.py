"""A 1M-row order table generated inside PostgreSQL: the warehouse summary equals the in-memory
path on the same rows.

The rows are made by ``generate_series`` with integer arithmetic only (no random()), so every
server makes the same table: 400,000 customers, each starting on one of 500 days from
2022-01-01 and buying over the next 600 days, times of day, amounts of 0 to 199.99 and a
refund (1 to 201) every 31st row. They are pulled once (COPY, about 40 MB of text) and
summarised by calc.models.summary.summarize and calc.history.retention, the oracles;
tolerance 1e-9. Without PostgreSQL's binaries the test skips locally with a message
(tests/warehouse_engines.py) and fails in CI, where .ci/run installs them.
"""

import io

import numpy as np
import pandas as pd
import psycopg
import pytest

from calc import history
from calc.models import summary as memory
from calc.warehouse import connect, open_table, retention, summarize
from tests.warehouse_engines import postgres_server

ROWS = 1_000_000
GENERATE = f"""
CREATE TABLE big_orders AS
SELECT 'c' || lpad(c::text, 6, '0') AS customer_id,
       timestamp '2022-01-01'
         + ((c * 31) % 500 + ((i * 104729) % 600) * (CASE WHEN i % 5 = 0 THEN 0 ELSE 1 END))
           * interval '1 day'
         + ((i * 7) % 86400) * interval '1 second' AS date,
       CASE WHEN i % 31 = 0 THEN -1 - ((i * 2654435761) % 20000) / 100.0
            ELSE ((i * 2654435761) % 20000) / 100.0 END AS amount
FROM (SELECT i, (i * 7919) % 400000 AS c FROM generate_series(1::bigint, {ROWS}) AS i) AS g
"""


@pytest.fixture(scope="module")
def generated():
    """The server, and the generated rows as pulled once into pandas."""
    with postgres_server() as server:
        login = dict(
            host=server.host,
            port=server.port,
            user=server.user,
            password=server.password,
            dbname=server.database,
        )
        with psycopg.connect(**login) as con:
            con.execute(GENERATE)
            con.execute("ALTER TABLE big_orders ALTER COLUMN amount TYPE double precision")
            buffer = io.BytesIO()
            query = "COPY big_orders TO STDOUT WITH (FORMAT csv)"
            with con.cursor().copy(query) as copy:
                for block in copy:
                    buffer.write(block)
        buffer.seek(0)
        rows = pd.read_csv(
            buffer, names=["customer_id", "date", "amount"], dtype={"customer_id": str}
        )
        rows["date"] = pd.to_datetime(rows["date"], format="%Y-%m-%d %H:%M:%S")
        yield server, rows


def test_generated_table_is_what_the_docstring_says(generated):
    _, rows = generated
    assert len(rows) == ROWS
    assert rows["customer_id"].nunique() == 400_000
    assert (rows["amount"] < 0).sum() == ROWS // 31
    assert rows["date"].min().normalize() == pd.Timestamp("2022-01-01")
    assert rows["date"].max() < pd.Timestamp("2022-01-01") + pd.Timedelta(days=499 + 599 + 1)


def test_summary_of_a_million_rows_equals_in_memory(generated):
    server, rows = generated
    table = open_table(connect(server.url), table="big_orders")
    got = summarize(table, unit="W").to_frame()
    want = memory.summarize(rows["customer_id"], rows["date"], rows["amount"], unit="W")
    want = want.to_frame().sort_index()
    assert got.index.tolist() == want.index.tolist()
    assert (want["frequency"] > 0).mean() > 0.5  # most customers bought again
    np.testing.assert_array_equal(got["frequency"], want["frequency"])
    for column in ("recency", "age", "mean_value", "total_value"):
        np.testing.assert_allclose(got[column], want[column], rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(got["first_purchase"], want["first_purchase"])


def test_retention_of_a_million_rows_equals_in_memory(generated):
    server, rows = generated
    table = open_table(connect(server.url), table="big_orders")
    pd.testing.assert_frame_equal(
        retention(table, "Q"), history.retention(rows, "Q"), check_dtype=False, rtol=1e-9
    )
