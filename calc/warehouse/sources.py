"""Where the orders live: a Parquet file or folder, a pandas frame, or a database.

Each function returns an Ibis table (or backend) that
:mod:`calc.warehouse.run` summarises where it lives. This is the one part of
:mod:`calc` that reaches outside the process: DuckDB reads the Parquet file
(never loading it into pandas) and a database URL opens a connection.
Credentials are passed on to the driver and never appear in a message.
"""

from __future__ import annotations

import os

import ibis
import pandas as pd

from calc.errors import DataError
from calc.warehouse.errors import engine_errors

#: SQLAlchemy dialect names -> Ibis backend names (for st.connection's engines).
DIALECTS = {
    "postgresql": "postgres",
    "postgres": "postgres",
    "duckdb": "duckdb",
    "mysql": "mysql",
    "mariadb": "mysql",
    "mssql": "mssql",
}


def from_frame(frame: pd.DataFrame):
    """An in-memory order table that DuckDB reads in place (no copy into a database).

    Examples
    --------
    >>> from_frame(pd.DataFrame({"customer_id": [1], "amount": [2.0]})).columns
    ('customer_id', 'amount')
    """
    return ibis.memtable(frame)


def from_parquet(path: str, *, threads: int | None = None, memory_limit: str | None = None):
    """A Parquet file, a folder of Parquet files or a glob, read by an in-process DuckDB.

    Parameters
    ----------
    path : str
        File, folder (every ``*.parquet`` below it) or glob pattern.
    threads, memory_limit : optional
        DuckDB settings (``memory_limit="1GB"`` keeps big group-bys within
        bounds by spilling to disk).

    Raises
    ------
    DataError
        ``warehouse.source_missing`` when nothing is found at ``path``.
    """
    pattern = os.path.join(path, "**", "*.parquet") if os.path.isdir(path) else path
    config = {}
    if threads:
        config["threads"] = threads
    if memory_limit:
        config["memory_limit"] = memory_limit
    con = ibis.duckdb.connect(**config)
    try:
        return con.read_parquet(pattern, table_name="orders")
    except Exception as error:
        raise DataError("warehouse.source_missing", path=os.path.basename(path)) from error


def connect(url: str):
    """An Ibis backend for a database URL (``postgres://user:pw@host:5432/db``, ``duckdb://f.db``).

    Raises
    ------
    DataError
        ``warehouse.cannot_connect`` (the password never in the message).
    """
    engine = url.split("://", 1)[0].split("+", 1)[0] or "database"
    with engine_errors(engine, "connect"):
        return ibis.connect(url)


def from_sqlalchemy(url):
    """An Ibis backend for a SQLAlchemy URL, as ``st.connection(type="sql")`` holds it.

    Parameters
    ----------
    url : sqlalchemy.engine.URL
        ``engine.url`` of the connection; the password is handed to the
        driver as a keyword, never put into text.

    Raises
    ------
    DataError
        ``warehouse.engine_unsupported`` for a dialect Ibis is not set up for
        here, ``warehouse.cannot_connect`` when the connection fails.
    """
    dialect = url.get_backend_name()
    backend = DIALECTS.get(dialect)
    if backend is None:
        raise DataError(
            "warehouse.engine_unsupported", engine=dialect, supported=", ".join(sorted(DIALECTS))
        )
    with engine_errors(dialect, "connect"):
        if backend == "duckdb":
            return ibis.duckdb.connect(url.database or ":memory:")
        kwargs = {
            "host": url.host,
            "port": url.port,
            "user": url.username,
            "password": url.password,
            "database": url.database,
        }
        return getattr(ibis, backend).connect(
            **{key: value for key, value in kwargs.items() if value is not None}
        )


def open_table(backend, *, table: str | None = None, sql: str | None = None):
    """The order table of a backend: a table by name, or the result of a SQL query.

    Raises
    ------
    DataError
        ``warehouse.table_missing`` or ``warehouse.query_failed``.
    """
    if not table and not sql:
        raise DataError("warehouse.no_table")
    engine = getattr(backend, "name", "database")
    with engine_errors(engine, table or "SQL"):
        return backend.table(table) if table else backend.sql(sql)
