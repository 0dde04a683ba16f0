"""Batch scoring from the command line: every customer's P(alive), expected purchases and CLV.

Usage::

    python -m calc.score --source orders.parquet --out forecasts.parquet
    python -m calc.score --source 'postgresql://user@host:5432/shop' --table orders \\
        --out forecasts.parquet --unit W --horizon-years 3 --margin 0.3

``--source`` is a Parquet file, folder or glob (read by DuckDB, never loaded
into pandas) or a database URL (``postgresql://``, ``duckdb://``, ...; Ibis
opens it). The engine summarises the orders per customer
(:func:`calc.warehouse.summarize`); BG/NBD and Gamma-Gamma are fitted on the
summary and every customer is scored (:func:`calc.models.forecast.forecast_orders`).
A password is best left out of the URL and given in ``PGPASSWORD`` (or the
driver's own variable); it is never printed.

This module is the one place in :mod:`calc` that writes a file (the
``--out`` Parquet file); everything it calls stays pure.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from calc.errors import CalcError
from calc.models.forecast import OrderForecast, forecast_orders
from calc.warehouse import connect, from_parquet, open_table, summarize

#: The steps the progress bar counts, in order.
STEPS = ("open the source", "summarise per customer", "fit the models", "write the scores")
#: Rows written per Parquet row group.
CHUNK = 250_000


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options.

    Examples
    --------
    >>> parse(["--source", "o.parquet", "--out", "f.parquet"]).unit
    'W'
    """
    parser = argparse.ArgumentParser(
        prog="python -m calc.score", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--source", required=True, help="Parquet file/folder/glob or database URL")
    parser.add_argument("--table", help="table or view name (databases)")
    parser.add_argument("--sql", help="a SQL query returning the orders, instead of --table")
    parser.add_argument("--out", required=True, help="Parquet file to write")
    parser.add_argument("--customer-id", default="customer_id", help="customer column")
    parser.add_argument("--date", default="date", help="order date column")
    parser.add_argument("--amount", default="amount", help="order amount column")
    parser.add_argument("--unit", default="W", choices=("D", "W", "M"), help="model time unit")
    parser.add_argument("--observation-end", help="last day observed (default: last order)")
    parser.add_argument("--horizon-years", type=float, default=3.0)
    parser.add_argument("--discount-rate", type=float, default=0.10, help="per year, a fraction")
    parser.add_argument("--margin", type=float, default=1.0, help="share of revenue, a fraction")
    parser.add_argument("--threads", type=int, help="DuckDB threads (Parquet sources)")
    parser.add_argument("--memory-limit", help="DuckDB memory limit, e.g. 1GB (Parquet sources)")
    return parser.parse_args(argv)


def _is_database(source: str) -> bool:
    """A URL that is not a Parquet location.

    Examples
    --------
    >>> _is_database("postgresql://db/shop"), _is_database("data/*.parquet")
    (True, False)
    """
    return "://" in source and not source.rstrip("/").endswith(".parquet")


def _progress(total: int) -> Callable[[str], None]:
    """A step counter: tqdm's bar on stderr when tqdm is installed, plain lines otherwise."""
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is installed here
        done = [0]

        def line(label: str) -> None:
            done[0] += 1
            print(f"[{done[0]}/{total}] {label}", file=sys.stderr, flush=True)

        return line
    bar = tqdm(total=total, file=sys.stderr, unit="step", leave=True)

    def tick(label: str) -> None:
        bar.set_description(label)
        bar.update(1)
        if bar.n >= bar.total:
            bar.close()

    return tick


def score(options: argparse.Namespace, step: Callable[[str], None]) -> OrderForecast:
    """Open the source, summarise it where it lives and fit the models (no file written)."""
    if _is_database(options.source):
        table = open_table(connect(options.source), table=options.table, sql=options.sql)
    else:
        table = from_parquet(
            options.source, threads=options.threads, memory_limit=options.memory_limit
        )
    step(STEPS[0])
    summary = summarize(
        table,
        unit=options.unit,
        observation_end=options.observation_end,
        columns={
            "customer_id": options.customer_id,
            "date": options.date,
            "amount": options.amount,
        },
    )
    step(STEPS[1])
    forecast = forecast_orders(
        summary,
        horizon_years=options.horizon_years,
        annual_discount_rate=options.discount_rate,
        margin=options.margin,
    )
    step(STEPS[2])
    return forecast


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; 0 on success, 2 with a clear message on bad input."""
    options = parse(argv)
    try:
        ticks = _progress(len(STEPS))
        forecast = score(options, ticks)
    except CalcError as error:
        print(f"error: {error.text()}", file=sys.stderr)
        return 2
    if forecast.table is None:
        print(f"error: {forecast.purchases_error.text()}", file=sys.stderr)
        return 2
    table = pa.Table.from_pandas(forecast.table.reset_index(), preserve_index=False)
    with pq.ParquetWriter(options.out, table.schema) as writer:
        for start in range(0, table.num_rows, CHUNK):
            writer.write_table(table.slice(start, CHUNK))
    ticks(STEPS[3])
    print(f"{forecast.customers:,} customers scored -> {options.out}", file=sys.stderr)
    if forecast.spend_error is not None:
        print(f"no CLV columns: {forecast.spend_error.text()}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through main() in the tests
    sys.exit(main())
