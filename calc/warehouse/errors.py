"""Engine failures as clear messages that never carry credentials.

Drivers raise their own exception types with texts that may hold a
connection string. :func:`engine_errors` turns them into a
:class:`~calc.errors.DataError` chosen from :data:`FAILURES` by the
exception's type name (knowledge as a table), with at most the first line of
the driver's text, scrubbed of anything that looks like a password.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from calc.errors import CalcError, DataError

#: Words in a driver exception's type name (or, second, its text) -> message code. First match wins.
FAILURES = (
    ("password authentication", "warehouse.cannot_connect"),
    ("authentication", "warehouse.cannot_connect"),
    ("connection refused", "warehouse.cannot_connect"),
    ("could not connect", "warehouse.cannot_connect"),
    ("connection failed", "warehouse.cannot_connect"),
    ("tablenotfound", "warehouse.table_missing"),
    ("undefinedtable", "warehouse.table_missing"),
    ("does not exist", "warehouse.table_missing"),
    ("catalog", "warehouse.table_missing"),
    ("table or view not found", "warehouse.table_missing"),
    ("undefinedcolumn", "warehouse.query_failed"),
    ("adminshutdown", "warehouse.connection_lost"),
    ("terminating connection", "warehouse.connection_lost"),
    ("server closed the connection", "warehouse.connection_lost"),
    ("connection is closed", "warehouse.connection_lost"),
    ("the connection is lost", "warehouse.connection_lost"),
    ("interfaceerror", "warehouse.connection_lost"),
    ("operationalerror", "warehouse.connection_lost"),
)
_SECRETS = (
    re.compile(r"(\w+://)[^/@\s]*@"),  # scheme://user:password@
    re.compile(r"(password\s*[=:]\s*)\S+", re.IGNORECASE),
)


def scrub(text: str) -> str:
    """The first line of a driver's message, without anything that looks like a credential.

    Examples
    --------
    >>> scrub("could not open postgresql://bob:hunter2@db:5432/shop\\nmore")
    'could not open postgresql://***@db:5432/shop'
    >>> scrub("bad option password=hunter2 host=db")
    'bad option password=*** host=db'
    """
    first = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    first = _SECRETS[0].sub(r"\1***@", first)
    first = _SECRETS[1].sub(r"\1***", first)
    return first[:240]


def classify(error: BaseException) -> str:
    """Message code for a driver exception (``warehouse.query_failed`` when nothing matches).

    Examples
    --------
    >>> classify(RuntimeError('relation "orders" does not exist'))
    'warehouse.table_missing'
    """
    name = type(error).__name__.lower()
    text = str(error).lower()
    for words, code in FAILURES:
        if words in name:
            return code
    for words, code in FAILURES:
        if words in text:
            return code
    return "warehouse.query_failed"


def as_data_error(error: BaseException, engine: str, what: str = "") -> DataError:
    """A :class:`DataError` naming the engine and what failed, credentials scrubbed.

    Any failure while connecting (``what="connect"``) is ``warehouse.cannot_connect``.
    """
    code = "warehouse.cannot_connect" if what == "connect" else classify(error)
    return DataError(code, engine=engine, what=what, detail=scrub(str(error)))


@contextmanager
def engine_errors(engine: str, what: str = ""):
    """Turn any engine or driver exception raised inside into a scrubbed :class:`DataError`."""
    try:
        yield
    except CalcError:
        raise
    except Exception as error:
        raise as_data_error(error, engine, what) from None
