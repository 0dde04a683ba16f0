"""Read an uploaded file of orders, customers or subscriptions into a clean table.

Entry point: :func:`read` (``bytes`` in, :class:`Upload` out). It recognises
the file format (CSV/TSV/TXT, XLSX, XLS, ODS), the encoding, the separator,
the header row, the kind of table and the meaning of each column; cleans
amounts and dates written the European or the American way; and reports every
row it had to skip, with the reason and the row number as a spreadsheet shows
it. Nothing is written to disk or logged.

Questions for the user
----------------------
When every date fits both day/month and month/day order (all day and month
numbers 12 or less) and the dates use ``/`` or ``-``, :func:`read` raises
:class:`AmbiguousDateOrderError` (a :class:`~calc.errors.DataError`); ask the
user and call again with ``date_order="DMY"`` or ``"MDY"``. Dotted dates
(``05.03.2026``) are read day-first in that case, and the report says so
(``date_order_source == "convention"``).

Readers
-------
Text: Arrow's CSV reader with every column as text (no type guessing, so no
leading zeros lost and no date turned into a number), then vectorised
cleaning of the columns that matter, on their distinct values. Measured here
at a million rows: about 0.2 s on two threads, against 0.3 s for pandas' C
engine with type guessing and 2.6 s for it with ``dtype=str``. Spreadsheets:
fastexcel (calamine, Rust, Arrow output), the fastest reader available.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from calc.errors import CalcError, DataError
from calc.messages import Message
from calc.upload import currency, guard, platforms, sniff, statuses
from calc.upload.columns import (
    SHAPE_FIELDS,
    amount_candidates,
    fill_by_content,
    match_names,
    profile,
)
from calc.upload.dates import DATE_ORDERS, AmbiguousDateOrderError
from calc.upload.order_log import build_orders
from calc.upload.shapes import (
    FIELD_WORDS,
    SHAPES,
    SKIP_REASONS,
    build_customers,
    build_subscriptions,
    build_wide,
    missing_fields,
    required_score,
    wide_months,
)

__all__ = [
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_MB",
    "SKIP_REASONS",
    "AmbiguousDateOrderError",
    "Report",
    "Upload",
    "read",
]

#: Largest upload accepted, in megabytes of 1,000,000 bytes: the same number as
#: server.maxUploadSize in .streamlit/config.toml (a test checks), counted the way the
#: uploader counts it in the browser (1,000-based except on Windows, where it lets up to
#: 200 x 1,048,576 bytes through and this limit answers with its own message).
MAX_UPLOAD_MB = 200
#: The same limit in bytes.
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1000 * 1000

_CONTENT = re.compile(rb"[^\s\x00\xef\xbb\xbf\xff\xfe]")
_TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab", ".dat", ".prn")
_SHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")
# Money fields only a platform's own layout may name: its other money columns (Square's
# "Partial Refunds", already taken off "Total Collected") must not be guessed into them.
_PLATFORM_ONLY = frozenset({"amount", "refund_amount", "returned", "mrr"})
BUILDERS = {
    "orders": build_orders,
    "customers": build_customers,
    "subscriptions": build_subscriptions,
}
_SHAPE_WORDS = {
    "orders": Message("upload.shape.orders"),
    "customers": Message("upload.shape.customers"),
    "subscriptions": Message("upload.shape.subscriptions"),
}


@dataclass(frozen=True)
class Report:
    """What was found in the file and what was done with it, for the validation report.

    Attributes
    ----------
    rows_read : int
        Data rows found below the header (blank rows not counted).
    rows_used : int
        Rows in the parsed table (for wide subscription tables: customers).
    rows_skipped : int
        Rows left out; every one is listed in ``skipped``.
    skipped : pandas.DataFrame
        One line per skipped row: ``row`` (as a spreadsheet numbers it, first
        row is 1), ``reason`` (a message code such as
        ``"upload.skip.customer_missing"``; its text in a language is
        ``Message(code).text(language)``, and :data:`SKIP_REASONS` lists them
        all), ``column`` (as named in the file), ``value``.
    blank_rows : int
        Empty rows ignored.
    shape : str
        ``"orders"``, ``"customers"`` or ``"subscriptions"``.
    shape_source : str
        ``"detected"``, ``"platform"`` (a platform's export layout, see
        ``platform``) or ``"override"``.
    layout : str
        ``"long"``, or ``"wide"`` for one column of revenue per month.
    file_format : str
        ``"csv"``, ``"xlsx"``, ``"xls"`` or ``"ods"``.
    encoding, separator : str or None
        For text files: the encoding and the separator character.
    decimal : str or None
        Decimal mark of the amounts, ``"."`` or ``","``.
    date_order : str or None
        ``"YMD"``, ``"DMY"`` or ``"MDY"``.
    date_order_source : str or None
        ``"data"``, ``"convention"`` (dotted dates, read day-first),
        ``"override"`` or ``"typed"`` (Excel date cells).
    date_min, date_max : pandas.Timestamp or None
        Date range of the used rows.
    currency : str or None
        Currency found in the amount cells, a currency column or the amount
        column's header (ISO code; ``"kr"`` when only ``kr`` is written and
        nothing tells Norwegian, Danish or Swedish kroner apart).
    currency_source : str or None
        Where: ``"cells"``, ``"column"``, ``"header"`` or ``"override"``.
    header_row : int or None
        Row number of the header; None when the file has none.
    sheet : str or None
        Sheet read; ``sheet_names`` lists all sheets of a workbook.
    sheet_names : tuple of str
    columns : tuple of str
        Every column of the file, as named there.
    unused_columns : tuple of str
        Columns not mapped to anything.
    refund_rows : int
        Rows with a negative amount (refunds or returns; kept).
    warnings : tuple of Message
        Plain-language notes for the user (``Message.text()`` reads one in English).
    platform : str or None
        Key of the platform export recognised by its headers
        (:data:`calc.upload.platforms.PLATFORMS`), or None.
    amount_column : str or None
        The column read as the amount (orders) or monthly amount.
    amount_passed_over : tuple of str
        Other columns that hold money and were not used as the amount.
    not_counted : pandas.DataFrame
        Money that was not kept, one row per status class: ``status_class``
        (``failed``, ``cancelled``, ``pending``, ``draft``, ``excluded``: orders
        left out; ``refunded``: orders with no revenue; ``partially_refunded``:
        the refunds netted; for subscriptions ``trial`` and ``unpaid``, kept
        apart from MRR), ``statuses`` (the words as written), ``orders``,
        ``amount`` (order totals, refunds or monthly amounts).
    statuses : tuple of (str, str)
        Every status value of the file, as written, with its class
        (:mod:`calc.upload.statuses`), for choosing which count.
    unknown_statuses : tuple of str
        Status words not in the table; their orders were counted.
    """

    rows_read: int
    rows_used: int
    rows_skipped: int
    skipped: pd.DataFrame
    blank_rows: int
    shape: str
    shape_source: str
    layout: str
    file_format: str
    encoding: str | None
    separator: str | None
    decimal: str | None
    date_order: str | None
    date_order_source: str | None
    date_min: pd.Timestamp | None
    date_max: pd.Timestamp | None
    currency: str | None
    header_row: int | None
    sheet: str | None
    sheet_names: tuple[str, ...]
    columns: tuple[str, ...]
    unused_columns: tuple[str, ...]
    refund_rows: int
    warnings: tuple[Message, ...] = ()
    platform: str | None = None
    currency_source: str | None = None
    amount_column: str | None = None
    amount_passed_over: tuple[str, ...] = ()
    not_counted: pd.DataFrame | None = None
    statuses: tuple[tuple[str, str], ...] = ()
    unknown_statuses: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Upload:
    """A parsed upload.

    Attributes
    ----------
    shape : str
        ``"orders"``, ``"customers"`` or ``"subscriptions"``.
    mapping : dict
        Canonical column name -> column name in the file.
    table : pandas.DataFrame
        The data with canonical columns. Orders: ``customer_id``
        (categorical), ``date`` (datetime64), ``amount`` (float, the file's
        currency, negative for refunds), and where the file has them
        ``order_id``, ``customer_name``, ``product``, ``category``,
        ``quantity``, ``status``, ``returned`` (bool), ``channel``,
        ``country``. Customers: ``customer_id`` and any of
        ``first_purchase``, ``last_purchase``, ``orders``, ``revenue``,
        ``frequency``, ``recency``, ``T``, ``monetary_value``.
        Subscriptions: ``customer_id``, ``start``, ``end`` (NaT while
        active), ``mrr`` (per month), ``plan``; or, for a wide table,
        ``customer_id``, ``month``, ``mrr``.
    report : Report
    """

    shape: str
    mapping: dict[str, str]
    table: pd.DataFrame
    report: Report = field(repr=False)


def _format_of(data: bytes, filename: str) -> str:
    kind = sniff.container(data, filename)
    lower = filename.lower()
    if kind == "text" and lower.endswith(_SHEET_SUFFIXES):
        raise DataError("upload.named_like_workbook", filename=filename)
    return kind


def read(data: bytes, filename: str, **overrides) -> Upload:
    """Read an uploaded file of orders, customers or subscriptions.

    Parameters
    ----------
    data : bytes
        The file's content, at most :data:`MAX_UPLOAD_BYTES`.
    filename : str
        The file's name, for messages.
    **overrides
        ``shape`` ("orders", "customers", "subscriptions"); ``mapping``
        (dict canonical name -> column in the file; merged over the detected
        one); ``sep`` ("," ";" tab "|"); ``decimal`` ("." or ","); ``date_order``
        ("DMY", "MDY", "YMD"); ``sheet`` (name or 0-based index);
        ``encoding`` (Python codec name); ``currency`` (ISO code, instead of
        the one found); ``statuses`` (tuple of the status values, as written,
        whose orders count; by default those :mod:`calc.upload.statuses`
        counts).

    Returns
    -------
    Upload

    Raises
    ------
    AmbiguousDateOrderError
        When the day/month order cannot be told from the data (ask, then pass
        ``date_order``).
    DataError
        For a file that cannot be used, with a message saying what to do.

    Examples
    --------
    >>> csv = "kunde;dato;beløp\\nSørensen;23.11.2026;1 234,50\\nSørensen;02.12.2026;-34,50\\n"
    >>> up = read(csv.encode("cp1252"), "salg.csv")
    >>> up.shape, up.mapping["amount"], up.table["amount"].tolist(), up.report.decimal
    ('orders', 'beløp', [1234.5, -34.5], ',')
    """
    unknown = set(overrides) - {
        "shape",
        "mapping",
        "sep",
        "decimal",
        "date_order",
        "sheet",
        "encoding",
        "currency",
        "statuses",
    }
    if unknown:
        raise TypeError(f"read() got unexpected overrides: {', '.join(sorted(unknown))}")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("read() takes the file's content as bytes")
    data = bytes(data)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DataError(
            "upload.too_large",
            size=math.ceil(len(data) / 100_000) / 10,  # 200.1 MB, never a rounded-down 200
            limit=MAX_UPLOAD_MB,
        )
    if not _CONTENT.search(data):
        raise DataError("upload.empty", filename=filename)
    shape_override = overrides.get("shape")
    if shape_override is not None and shape_override not in SHAPES:
        raise DataError("upload.unknown_shape", value=repr(shape_override), choices=SHAPES)
    date_order = overrides.get("date_order")
    if date_order is not None and date_order not in DATE_ORDERS:
        raise DataError("upload.unknown_date_order", value=repr(date_order))
    decimal = overrides.get("decimal")
    if decimal is not None and decimal not in (".", ","):
        raise DataError("upload.unknown_decimal")

    kind = _format_of(data, filename)
    with guard.reading(_read_raw, data, kind, overrides) as raw:
        try:
            return _interpret(raw, filename, overrides, shape_override, date_order, decimal)
        except CalcError:
            raise
        except Exception as exc:  # a defect of ours on a strange file: a message, not a traceback
            raise DataError("guard.failed") from exc


def _read_raw(data, kind, overrides) -> sniff.RawTable:
    """Check the container and read its cells: the work :mod:`calc.upload.guard` isolates.

    Only the readers (Arrow's CSV reader, calamine, xlrd), which trust what a
    file says about itself, run in the worker; the interpretation that
    follows is this package's own array code on a table whose size the
    reader has bounded, and runs in the calling process.
    """
    if kind == "zip":
        guard.check_container(data)
    if kind == "text":
        return sniff.read_text(data, encoding=overrides.get("encoding"), sep=overrides.get("sep"))
    return sniff.read_excel(data, kind, overrides.get("sheet"))


def _interpret(raw, filename, overrides, shape_override, date_order, decimal) -> Upload:
    n = len(raw.rows)
    blank = sniff.is_blank(raw.columns, n) if n else np.zeros(0, bool)
    if blank.any():
        raw = sniff.RawTable(
            names=raw.names,
            columns=tuple(c.filter(~blank) for c in raw.columns),
            rows=raw.rows[~blank],
            details=raw.details,
            problems=raw.problems,
        )
    if len(raw.rows) == 0:
        raise DataError("upload.header_only", filename=filename)
    user_map = dict(overrides.get("mapping") or {})
    missing_cols = [c for c in user_map.values() if c not in raw.names]
    if missing_cols:
        raise DataError(
            "upload.no_such_column", column=missing_cols[0], columns=guard.some(raw.names)
        )
    platform = platforms.detect(raw.names)
    if platform is not None and shape_override not in (None, platform.shape):
        platform = None
    shape, mapping, layout, source = _choose_shape(raw, shape_override, user_map, platform)
    if platform is not None and (layout != "long" or shape != platform.shape):
        platform = None
    opts = {
        "format": raw.details.get("format"),
        "date_order": date_order or (platform.date_order if platform else None),
        "decimal": decimal,
        "hint": "," if raw.details.get("separator") == ";" else ".",
        "platform": platform,
        "statuses": overrides.get("statuses"),
    }
    built = (
        build_wide(raw, mapping, opts) if layout == "wide" else BUILDERS[shape](raw, mapping, opts)
    )
    info = built.info
    used_cols = set(mapping.values())
    if layout == "wide":
        used_cols |= set(wide_months(raw.names))
    warnings = list(info.get("warnings", ()))
    encoding = raw.details.get("encoding") or ""
    if encoding.startswith("utf-8+"):  # lines in two encodings, each read in its own
        page = encoding.replace("utf-8+cp", "Windows-")
        warnings.append(Message("guard.mixed_encoding", encoding=page))
    if len(built.skipped):
        warnings.append(
            Message("upload.note.rows_skipped", skipped=len(built.skipped), rows=len(raw.rows))
        )
    # (the order log's customers are categories, each used by a row)
    if shape == "orders" and len(built.table["customer_id"].cat.categories) == 1:
        warnings.append(Message("upload.note.one_customer"))
    if shape == "orders" and info["date_min"] == info["date_max"]:
        warnings.append(Message("upload.note.one_day"))
    money_column = mapping.get("amount") or mapping.get("mrr") or mapping.get("revenue")
    found, found_where = currency.resolve(
        info.get("currency"),
        info.get("currency_source") or ("cells" if info.get("currency") else None),
        money_column,
        raw.names,
        built.table["country"] if "country" in built.table.columns else None,
    )
    if overrides.get("currency"):
        found, found_where = str(overrides["currency"]), "override"
    report = Report(
        rows_read=len(raw.rows) + len(raw.problems),
        rows_used=len(built.table) if layout != "wide" else built.table["customer_id"].nunique(),
        rows_skipped=len(built.skipped),
        skipped=built.skipped,
        blank_rows=int(blank.sum()) + int(raw.details.get("empty_lines", 0)),
        shape=shape,
        shape_source=source,
        layout=layout,
        file_format=raw.details.get("format", "csv"),
        encoding=raw.details.get("encoding"),
        separator=raw.details.get("separator"),
        decimal=info.get("decimal"),
        date_order=info.get("date_order"),
        date_order_source=info.get("date_order_source"),
        date_min=_stamp(info.get("date_min")),
        date_max=_stamp(info.get("date_max")),
        currency=found,
        header_row=raw.details.get("header_row"),
        sheet=raw.details.get("sheet"),
        sheet_names=tuple(raw.details.get("sheet_names", ())),
        columns=raw.names,
        unused_columns=tuple(c for c in raw.names if c not in used_cols),
        refund_rows=int(info.get("refund_rows", 0)),
        warnings=tuple(warnings),
        platform=platform.key if platform is not None else None,
        currency_source=found_where,
        amount_column=money_column,
        amount_passed_over=tuple(c for c in amount_candidates(raw.names) if c not in used_cols)
        if shape == "orders"
        else (),
        not_counted=info.get("not_counted"),
        statuses=_statuses(raw, mapping),
        unknown_statuses=tuple(info.get("unknown_statuses", ())),
    )
    return Upload(shape=shape, mapping=mapping, table=built.table, report=report)


def _passed_over(raw, used: set[str]) -> tuple[str, ...]:
    """Columns of money other than the amount chosen, as the report names them (four at most)."""
    out = []
    for name in amount_candidates(raw.names):
        column = raw.columns[raw.names.index(name)]
        if name not in used and profile(column)["numbers"] >= 0.5:
            out.append(name)
        if len(out) == 4:
            break
    return tuple(out)


def _statuses(raw, mapping) -> tuple[tuple[str, str], ...]:
    """Every status value of the file with its class, most frequent first."""
    if "status" not in mapping:
        return ()
    column = raw.columns[raw.names.index(mapping["status"])]
    counts = pc.value_counts(pc.utf8_trim_whitespace(pc.cast(column, pa.string())))
    words = [
        (str(v["values"]), int(v["counts"]))
        for v in counts.to_pylist()
        if v["values"] is not None and str(v["values"]).strip()
    ][:50]
    words.sort(key=lambda wc: -wc[1])
    return tuple((w, statuses.classify(w)) for w, _ in words)


def _stamp(value) -> pd.Timestamp | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value)


def _choose_shape(
    raw, shape_override, user_map, platform=None
) -> tuple[str, dict[str, str], str, str]:
    """Pick the kind of table and map its columns: a platform's layout, names, then content."""
    names = raw.names
    if platform is not None:
        known = platforms.platform_mapping(platform, names)
        known = {k: v for k, v in known.items() if v not in user_map.values()}
        taken = set(known.values()) | set(user_map.values())
        free = tuple(n for n in names if n not in taken)
        rest = {
            k: v
            for k, v in match_names(free, platform.shape).items()
            if k not in known and k not in _PLATFORM_ONLY
        }
        mapping = {**rest, **known, **{k: v for k, v in user_map.items()}}
        if not missing_fields(mapping, platform.shape):
            return platform.shape, mapping, "long", "platform"
    profiles: dict[str, dict] = {}

    def profiles_for() -> dict[str, dict]:
        if not profiles:
            for name, col in zip(names, raw.columns, strict=True):
                profiles[name] = profile(col)
        return profiles

    def mapping_for(shape: str) -> dict[str, str]:
        by_name = match_names(names, shape)
        by_name = {k: v for k, v in by_name.items() if v not in user_map.values()}
        merged = {**by_name, **{k: v for k, v in user_map.items() if k in SHAPE_FIELDS[shape]}}
        if missing_fields(merged, shape):
            merged = fill_by_content(merged, names, profiles_for(), shape)
        return merged

    months = wide_months(names)
    if len(months) >= 3 and shape_override in (None, "subscriptions"):
        others = tuple(n for n in names if n not in months)
        mapping = {
            k: v for k, v in match_names(others, "subscriptions").items() if k == "customer_id"
        }
        mapping.update({k: v for k, v in user_map.items() if k == "customer_id"})
        if "customer_id" not in mapping and others:
            mapping["customer_id"] = others[0]
        if "customer_id" in mapping:
            return "subscriptions", mapping, "wide", "override" if shape_override else "detected"
    if shape_override:
        mapping = mapping_for(shape_override)
        missing = missing_fields(mapping, shape_override)
        if missing:
            raise _wrong_shape(shape_override, missing, names, raw)
        return shape_override, mapping, "long", "override"
    order = sorted(SHAPES, key=lambda s: (-required_score(names, s), SHAPES.index(s)))
    tried = []
    for shape in order:
        mapping = mapping_for(shape)
        missing = missing_fields(mapping, shape)
        if not missing:
            return shape, mapping, "long", "detected"
        tried.append((shape, missing))
    raise _wrong_shape(order[0], dict(tried)[order[0]], names, raw)


def _wrong_shape(shape: str, missing: list[str], names, raw) -> DataError:
    return DataError(
        "upload.wrong_shape",
        shape=_SHAPE_WORDS[shape],
        missing=[FIELD_WORDS[f] for f in missing],
        columns=guard.some(names),
    )
