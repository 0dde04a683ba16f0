"""Order-log summaries computed where the orders live (DuckDB, PostgreSQL, Spark, ...).

Everything the models need from an order log reduces to group-bys: per
customer the first and last purchase day, the number of repeat purchase
days, the age and the mean repeat spend; per month the cohort counts; per
period the active, new, retained and churned customers; per segment of the
first order the customers, repeat customers, orders and values. They are written once
as Ibis expressions (:mod:`calc.warehouse.expressions`), which Ibis compiles
to the SQL of the engine holding the table, and only the summaries come back
(:mod:`calc.warehouse.run`). The numbers equal those of the in-memory path
(:func:`calc.models.summary.summarize`, the order-log retention and cohort
tables and :func:`calc.history.segments.segment`) to 1e-9.

:mod:`calc.warehouse.sources` opens a table: a Parquet file or folder read by
DuckDB (never loaded into pandas), a pandas frame, or a database URL.
"""

from calc.warehouse.run import cohorts, retention, segments, summarize
from calc.warehouse.sources import connect, from_frame, from_parquet, open_table

__all__ = [
    "cohorts",
    "connect",
    "from_frame",
    "from_parquet",
    "open_table",
    "retention",
    "segments",
    "summarize",
]
