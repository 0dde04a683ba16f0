"""Order tables summarised where they live: DuckDB on Parquet, PostgreSQL, and the upload path.

Run from the repository root (needs ~1 GB free under ``--dir`` for 50M rows)::

    python3 benchmarks/warehouse.py                    # Parquet 5M and 50M, PostgreSQL 5M
    python3 benchmarks/warehouse.py --parquet 5000000  # a quick run
    python3 benchmarks/warehouse.py --postgres 0 --memory 1000000
    python3 benchmarks/warehouse.py --parquet 5000000 --segments --postgres 0 --memory 0

Data: customers simulated from known BG/NBD and Gamma-Gamma parameters (one small row
each), expanded into orders by DuckDB itself (never pandas, see ``ORDERS_SQL``): about 19
orders per customer (2.7M customers at 50M rows), integer ids, up to two years of history.
Every scale runs in a fresh process, which reads the Parquet file with DuckDB
(``calc.warehouse.from_parquet``), summarises it per customer
(``calc.warehouse.summarize``, weekly units) and fits BG/NBD + Gamma-Gamma + CLV of
every customer (``calc.models.forecast.forecast_orders``). It prints the seconds of
each step after imports, the whole-process time and the peak resident memory of
that process (``ru_maxrss``: DuckDB's buffers included). Target on the 2-core
reference machine: 50M rows in <= 30 s and <= 2 GB. PostgreSQL (a throwaway cluster
from ``tests/warehouse_engines.py``) gets the same orders at 5M rows through
``generate_series``. ``--segments`` times the segment counts
(``calc.warehouse.segments``, a 5-value channel) on the smallest Parquet file.
``--memory`` compares, on an in-memory frame, the numpy summary
of the upload path with the same summary run by DuckDB on that frame.
Timings vary with the machine's load: ``os.getloadavg()`` is printed at the top.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
#: BG/NBD parameters (per week) of the generated customers: about 19 orders each over
#: up to two years, so 50M orders are about 2.7M customers.
TRUE_BGNBD = {"r": 4.0, "alpha": 10.0, "a": 0.3, "b": 10.0}
ORDERS_PER_CUSTOMER = 18.75

#: One row per order from one row per customer (``c``, ``start`` day, ``x`` repeat
#: purchases, ``tx`` days to the last one, ``m`` mean spend): the first order on
#: ``start``, the last repeat on ``start + tx``, the others uniform in between (as the
#: BG/NBD story has them, given the last); amounts m * (0.5..1.5).
ORDERS_SQL = """
SELECT c AS customer_id, DATE '1970-01-01' + start AS date,
       ROUND((m * (0.5 + random()))::NUMERIC, 2)::DOUBLE PRECISION AS amount
FROM customers
UNION ALL
SELECT c, DATE '1970-01-01' + start + CASE WHEN k = x THEN tx
                                         ELSE FLOOR(random() * (tx + 1))::INTEGER END,
       ROUND((m * (0.5 + random()))::NUMERIC, 2)::DOUBLE PRECISION
FROM {repeats}
"""
#: The repeat purchases, one row each, in each engine's words.
REPEATS = {
    "duckdb": "(SELECT *, UNNEST(RANGE(1, x + 1)) AS k FROM customers WHERE x > 0) AS r",
    "postgres": "customers, generate_series(1, x) AS k",
}


def customers_table(rows: int):
    """Customers simulated from :data:`TRUE_BGNBD` (Arrow table, a few columns, small)."""
    import numpy as np
    import pyarrow as pa

    from calc.models import bgnbd, gamma_gamma

    n = max(10, round(rows / ORDERS_PER_CUSTOMER))
    x, t_x, age = bgnbd.simulate(n, **TRUE_BGNBD, max_age=104.0, resolution=1 / 7, seed=1)
    end = int(np.datetime64("2025-12-31").astype(np.int64))
    return pa.table(
        {
            "c": np.arange(n, dtype=np.int64),
            "start": (end - np.round(age * 7)).astype(np.int32),
            "x": x.astype(np.int32),
            "tx": np.round(t_x * 7).astype(np.int32),
            "m": gamma_gamma.simulate(np.maximum(x, 1), seed=2),
        }
    )


def generate_parquet(rows: int, path: str) -> float:
    """Write about ``rows`` generated orders to ``path`` with DuckDB; seconds taken."""
    import duckdb

    start = time.perf_counter()
    customers = customers_table(rows)  # noqa: F841 - DuckDB reads it by name
    con = duckdb.connect(config={"threads": 2, "preserve_insertion_order": False})
    query = ORDERS_SQL.format(repeats=REPEATS["duckdb"])
    con.execute(f"COPY ({query}) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)")
    con.close()
    return time.perf_counter() - start


def score_parquet(path: str, memory_limit: str) -> dict:
    """In this process: DuckDB summary of the Parquet file, then the models; seconds and peak."""
    began = time.perf_counter()
    from calc.models.forecast import forecast_orders
    from calc.warehouse import from_parquet, summarize

    imported = time.perf_counter()
    table = from_parquet(path, threads=2, memory_limit=memory_limit)
    summary = summarize(table, unit="W")
    summarised = time.perf_counter()
    forecast = forecast_orders(summary, horizon_years=3, margin=0.3)
    fitted = time.perf_counter()
    assert forecast.values is not None, forecast.purchases_error or forecast.spend_error
    return {
        "customers": summary.n_customers,
        "imports_s": imported - began,
        "summary_s": summarised - imported,
        "fit_s": fitted - summarised,
        "total_s": fitted - imported,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def segment_parquet(path: str, memory_limit: str) -> dict:
    """In this process: the segment counts of the Parquet file by a 5-value channel; seconds."""
    began = time.perf_counter()
    from calc.warehouse import from_parquet, segments

    imported = time.perf_counter()
    table = from_parquet(path, threads=2, memory_limit=memory_limit)
    table = table.mutate(channel=(table.customer_id % 5).cast("string"))
    counted = segments(table, "channel")
    done = time.perf_counter()
    return {
        "segments": len(counted.table),
        "customers": int(counted.table["customers"].sum()),
        "imports_s": imported - began,
        "segments_s": done - imported,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def score_postgres(rows: int) -> dict:
    """A throwaway PostgreSQL cluster filled by generate_series, summarised there, then fitted."""
    import psycopg

    from calc.models.forecast import forecast_orders
    from calc.warehouse import connect, open_table, summarize
    from tests.warehouse_engines import postgres_server

    with postgres_server() as server:
        load = time.perf_counter()
        with psycopg.connect(
            host=server.host, port=server.port, user=server.user, password=server.password,
            dbname=server.database, autocommit=True,
        ) as con:  # fmt: skip
            con.execute("CREATE TABLE customers (c BIGINT, start INT, x INT, tx INT, m FLOAT8)")
            with con.cursor().copy("COPY customers FROM STDIN") as copy:
                for row in zip(*customers_table(rows).to_pydict().values(), strict=True):
                    copy.write_row(row)
            query = ORDERS_SQL.format(repeats=REPEATS["postgres"])
            con.execute(f"CREATE UNLOGGED TABLE orders AS {query}")
            con.execute("ANALYZE orders")
            count = con.execute("SELECT count(*) FROM orders").fetchone()[0]
            con.execute("SET work_mem = '256MB'")
        loaded = time.perf_counter()
        backend = connect(server.url)
        backend.raw_sql("SET work_mem = '256MB'")
        summary = summarize(open_table(backend, table="orders"), unit="W")
        summarised = time.perf_counter()
        forecast = forecast_orders(summary, horizon_years=3, margin=0.3)
        fitted = time.perf_counter()
    assert forecast.values is not None
    return {
        "rows": count,
        "customers": summary.n_customers,
        "load_s": loaded - load,
        "summary_s": summarised - loaded,
        "fit_s": fitted - summarised,
        "total_s": fitted - loaded,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def compare_in_memory(rows: int) -> dict:
    """The upload path's numpy summary against DuckDB on the same pandas frame (median of 3)."""
    import statistics

    import duckdb

    from calc.models.summary import summarize as numpy_summary
    from calc.warehouse import from_frame, summarize

    customers = customers_table(rows)  # noqa: F841 - DuckDB reads it by name
    con = duckdb.connect()
    frame = con.execute(ORDERS_SQL.format(repeats=REPEATS["duckdb"])).df()
    frame["customer_id"] = "c" + frame["customer_id"].astype(str)  # ids as text, as uploads
    frame["date"] = frame["date"].astype("datetime64[ns]")
    timings = {"numpy": [], "duckdb": []}
    for _ in range(3):
        start = time.perf_counter()
        numpy_summary(frame["customer_id"], frame["date"], frame["amount"], unit="W")
        timings["numpy"].append(time.perf_counter() - start)
        start = time.perf_counter()
        summarize(from_frame(frame), unit="W")
        timings["duckdb"].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in timings.items()}


def _child(kind: str, *args: str) -> dict:
    """Run one measurement in a fresh process (its own peak memory); parse its JSON line."""
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, *args[1:], "--child", kind, args[0]],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_s"] = time.perf_counter() - began
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parquet", type=int, nargs="*", default=[5_000_000, 50_000_000])
    parser.add_argument("--postgres", type=int, default=5_000_000, help="rows; 0 to skip")
    parser.add_argument("--memory", type=int, default=1_000_000, help="rows; 0 to skip")
    parser.add_argument(
        "--segments", action="store_true", help="segment counts on the smallest Parquet scale"
    )
    parser.add_argument("--dir", default=tempfile.gettempdir())
    parser.add_argument(
        "--duckdb-memory", default="1400MB", help="DuckDB's memory_limit (it spills past it)"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        kind, *args = options.child
        if kind == "parquet":
            print(json.dumps(score_parquet(args[0], options.duckdb_memory)))
        elif kind == "segments":
            print(json.dumps(segment_parquet(args[0], options.duckdb_memory)))
        elif kind == "postgres":
            print(json.dumps(score_postgres(int(args[0]))))
        else:
            print(json.dumps(compare_in_memory(int(args[0]))))
        return

    print(f"load average: {os.getloadavg()}")
    results = {}
    for rows in options.parquet:
        path = os.path.join(options.dir, f"calc_bench_orders_{rows}.parquet")
        if not os.path.exists(path):
            seconds = generate_parquet(rows, path)
            print(f"generated {rows:,} rows with DuckDB in {seconds:.1f} s -> {path}")
        found = results[rows] = _child("parquet", path, "--duckdb-memory", options.duckdb_memory)
        import pyarrow.parquet as pq

        print(
            f"Parquet {pq.read_metadata(path).num_rows:>11,} rows, "
            f"{found['customers']:,} customers: "
            f"summary {found['summary_s']:.1f} s + fit/CLV {found['fit_s']:.1f} s = "
            f"{found['total_s']:.1f} s after imports ({found['process_s']:.1f} s whole process), "
            f"peak {found['peak_mb']:,.0f} MB"
        )
    if len(results) >= 2:
        small, large = min(results), max(results)
        print(
            f"growth {small:,} -> {large:,} rows (x{large / small:.0f}): "
            f"time x{results[large]['total_s'] / results[small]['total_s']:.1f}, "
            f"peak memory x{results[large]['peak_mb'] / results[small]['peak_mb']:.1f}"
        )
    if options.segments and options.parquet:
        rows = min(options.parquet)
        path = os.path.join(options.dir, f"calc_bench_orders_{rows}.parquet")
        found = _child("segments", path, "--duckdb-memory", options.duckdb_memory)
        print(
            f"segment counts of the {rows:,}-row Parquet file ({found['segments']} channels, "
            f"{found['customers']:,} customers): {found['segments_s']:.1f} s after imports, "
            f"peak {found['peak_mb']:,.0f} MB"
        )
    if options.postgres:
        found = _child("postgres", str(options.postgres))
        print(
            f"PostgreSQL {found['rows']:,} rows, {found['customers']:,} customers: "
            f"load {found['load_s']:.1f} s (not counted); summary {found['summary_s']:.1f} s + "
            f"fit/CLV {found['fit_s']:.1f} s = {found['total_s']:.1f} s, "
            f"peak {found['peak_mb']:,.0f} MB (this process; the server's memory not included)"
        )
    if options.memory:
        found = _child("memory", str(options.memory))
        print(
            f"in-memory frame of {options.memory:,} rows, summary only (median of 3): "
            f"numpy (upload path) {found['numpy']:.2f} s, "
            f"DuckDB on the frame {found['duckdb']:.2f} s"
        )


if __name__ == "__main__":
    main()
