"""Turn date cells (ISO, ``23.11.2026``, ``11/23/2026``, with or without time) into dates.

The order of day and month is decided once per column from all its values: a
first number above 12 means day-month-year, a second number above 12 means
month-day-year. When no value tells (every day is 12 or less), dotted dates are
read day-first, the European convention, and slashed or dashed dates raise
:class:`AmbiguousDateOrderError` so the interface can ask the user.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from calc.errors import DataError

DATE_ORDERS = ("DMY", "MDY", "YMD")
#: First and last year read as a date; a cell outside them is a row skipped with a reason.
YEARS = (1900, 2100)

_TIME = (
    r"(?:[ T,]+(?P<H>[0-9]{1,2})[:.](?P<M>[0-9]{2})(?:[:.](?P<S>[0-9]{2})(?:[.,][0-9]+)?)?"
    r"\s*(?P<ampm>(?i:am|pm))?\s*(?:Z|UTC|[-+][0-9]{2}:?[0-9]{2})?)?"
)
_YMD = r"^(?P<a>[0-9]{4})(?P<sep>[-/.])(?P<b>[0-9]{1,2})[-/.](?P<c>[0-9]{1,2})" + _TIME + "$"
_XYY = (
    r"^(?P<a>[0-9]{1,2})(?P<sep>[-/.])(?P<b>[0-9]{1,2})[-/.](?P<c>[0-9]{4}|[0-9]{2})\.?"
    + _TIME
    + "$"
)
_COMPACT = r"^(?P<a>(?:19|20)[0-9]{2})(?P<b>[01][0-9])(?P<c>[0-3][0-9])$"
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
_WORDY = (
    r"(?i)^(?:[a-z]{3,}\.?,?\s+[0-9]{1,2},?\s+|[0-9]{1,2}\.?\s+[a-z]{3,}\.?,?\s+)(?P<y>[0-9]{4})"
)


class AmbiguousDateOrderError(DataError):
    """Every date in a column fits both day-month and month-day order.

    The interface should ask the user which order the file uses and call
    :func:`calc.upload.read` again with ``date_order="DMY"`` or ``"MDY"``.

    Attributes
    ----------
    column : str
        The column, as named in the file.
    examples : tuple of str
        A few of its values, for the question shown to the user.
    """

    def __init__(self, column: str, examples: tuple[str, ...]) -> None:
        super().__init__(
            "upload.ambiguous_date_order",
            column=column,
            examples=examples[:3],
            example=examples[0] if examples else None,
        )
        self.examples = examples


@dataclass(frozen=True)
class Dates:
    """Parsed dates of one column.

    Attributes
    ----------
    values : numpy.ndarray
        datetime64[ns], NaT where the cell was empty or not a date.
    invalid : numpy.ndarray
        bool, True where the cell had text that is not a date.
    order : str
        ``"YMD"``, ``"DMY"`` or ``"MDY"``; ``"YMD"`` for typed Excel dates.
    source : str
        How the order was decided: ``"data"``, ``"convention"``, ``"override"``
        or ``"typed"`` (Excel date cells).
    """

    values: np.ndarray
    invalid: np.ndarray
    order: str
    source: str


def _bool(arr) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _ints(parts, name: str) -> np.ndarray:
    field = pc.struct_field(parts, name)
    field = pc.if_else(pc.equal(field, ""), pa.scalar(None, pa.string()), field)
    return np.asarray(pc.cast(field, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)


def _compose(y, m, d, hh, mm, ss) -> np.ndarray:
    """Build datetime64[ns] from float parts; NaN parts or impossible dates give NaT."""
    ok = ~(np.isnan(y) | np.isnan(m) | np.isnan(d))
    ok &= (m >= 1) & (m <= 12) & (d >= 1) & (d <= 31) & (y >= YEARS[0]) & (y <= YEARS[1])
    hh, mm, ss = (np.nan_to_num(v) for v in (hh, mm, ss))
    ok &= (hh < 24) & (mm < 60) & (ss < 61)
    out = np.full(len(y), np.datetime64("NaT"), dtype="datetime64[ns]")
    if not ok.any():
        return out
    yi, mi, di = y[ok].astype(np.int64), m[ok].astype(np.int64), d[ok].astype(np.int64)
    month = ((yi - 1970) * 12 + mi - 1).astype("datetime64[M]")
    day = month.astype("datetime64[D]") + (di - 1)
    real = day.astype("datetime64[M]") == month  # 31.02 rolls into March: not a date
    secs = (hh[ok] * 3600 + mm[ok] * 60 + ss[ok]).astype(np.int64)
    stamp = day.astype("datetime64[ns]") + secs.astype("timedelta64[s]")
    stamp[~real] = np.datetime64("NaT")
    out[ok] = stamp
    return out


def _distinct(arr: pa.Array) -> tuple[pa.Array, np.ndarray]:
    enc = pc.dictionary_encode(arr)
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    return enc.dictionary, pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False)


def from_excel_serial(serial: np.ndarray) -> np.ndarray:
    """Excel day numbers (1900 system) to datetime64[ns]; outside 1955-2100 gives NaT.

    >>> from_excel_serial(np.array([46349.5])).astype("datetime64[m]").tolist()
    [datetime.datetime(2026, 11, 23, 12, 0)]
    """
    ok = (serial > 20000) & (serial < 73051)
    out = np.full(len(serial), np.datetime64("NaT"), dtype="datetime64[ns]")
    ns = np.round(serial[ok] * 86_400_000_000_000).astype(np.int64)
    out[ok] = _EXCEL_EPOCH.astype("datetime64[ns]") + ns.astype("timedelta64[ns]")
    return out


def parse_dates(
    arr: pa.Array, *, order: str | None = None, column: str = "date", serials: bool = False
) -> Dates:
    """Parse a column of dates, deciding the day/month order from the data.

    Parameters
    ----------
    arr : pyarrow.Array
        The column's cells: text, or Excel date cells (timestamps).
    order : {"DMY", "MDY", "YMD"}, optional
        Force the order of day, month and year for dates written with
        ``.``, ``/`` or ``-``; by default it is read from the data.
    column : str
        Column name, for messages.
    serials : bool
        Read numbers as Excel day numbers (for spreadsheet cells that lost
        their date format).

    Returns
    -------
    Dates

    Raises
    ------
    AmbiguousDateOrderError
        When slashed or dashed dates fit both orders and ``order`` is not given.

    Notes
    -----
    Two-digit years are 2000-2069 for ``00``-``69`` and 1970-1999 otherwise;
    a year written with four digits is that year, and one outside
    :data:`YEARS` (``0001``, ``2999``) is not understood as a date.
    A time after the date (``13:05``, ``1:05 PM``) is kept; a time zone suffix
    is ignored (local time as written).

    Examples
    --------
    >>> d = parse_dates(pa.array(["23.11.2026", "01.12.2026 13:05"]))
    >>> d.values.astype("datetime64[m]").astype(str).tolist(), d.order, d.source
    (['2026-11-23T00:00', '2026-12-01T13:05'], 'DMY', 'data')
    >>> d = parse_dates(pa.array(["11/23/2026", "2/1/2027 1:05 PM", "02/30/2027"]))
    >>> d.values.astype("datetime64[m]").astype(str).tolist(), d.order, d.invalid.tolist()
    (['2026-11-23T00:00', '2027-02-01T13:05', 'NaT'], 'MDY', [False, False, True])
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    if pa.types.is_timestamp(arr.type) or pa.types.is_date(arr.type):
        if pa.types.is_timestamp(arr.type) and arr.type.tz is not None:
            arr = arr.cast(pa.timestamp(arr.type.unit))
        year = pc.year(arr)
        outside = _bool(pc.or_(pc.less(year, YEARS[0]), pc.greater(year, YEARS[1])))
        kept = pc.if_else(pa.array(outside), pa.scalar(None, arr.type), arr)
        values = np.asarray(
            pc.cast(kept, pa.timestamp("ns")).to_numpy(zero_copy_only=False), "datetime64[ns]"
        )
        return Dates(values, outside, "YMD", "typed")
    if (
        pa.types.is_integer(arr.type)
        or pa.types.is_floating(arr.type)
        or pa.types.is_null(arr.type)
    ):
        num = np.asarray(pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False), float)
        values = from_excel_serial(num) if serials else np.full(n, np.datetime64("NaT"), "M8[ns]")
        return Dates(values, np.isnat(values) & ~np.isnan(num), "YMD", "typed")
    if not pa.types.is_string(arr.type):
        arr = pc.cast(arr, pa.string())
    uniq, codes = _distinct(arr)
    text = pc.utf8_trim_whitespace(uniq)
    empty = _bool(pc.equal(text, "")) | _bool(pc.is_null(text))
    parsed = np.full(len(uniq), np.datetime64("NaT"), dtype="datetime64[ns]")
    ymd = pc.extract_regex(text, _YMD)
    is_ymd = _bool(pc.is_valid(ymd))
    xyy = pc.extract_regex(text, _XYY)
    is_xyy = _bool(pc.is_valid(xyy))
    compact = pc.extract_regex(text, _COMPACT)
    is_compact = _bool(pc.is_valid(compact))
    used, source = "YMD", "data"
    if is_ymd.any():
        parsed[is_ymd] = _from_parts(ymd, ("a", "b", "c"))[is_ymd]
    if is_compact.any() and not is_xyy.any():
        parsed[is_compact] = _from_parts(compact, ("a", "b", "c"))[is_compact]
    if is_xyy.any():
        first, second = _ints(xyy, "a")[is_xyy], _ints(xyy, "b")[is_xyy]
        day_first, month_first = bool((first > 12).any()), bool((second > 12).any())
        if order in ("DMY", "MDY"):
            used, source = order, "override"
        elif day_first and not month_first:
            used = "DMY"
        elif month_first and not day_first:
            used = "MDY"
        elif day_first and month_first:
            used = "DMY" if (first > 12).sum() >= (second > 12).sum() else "MDY"
        else:
            seps = set(
                pc.unique(pc.filter(pc.struct_field(xyy, "sep"), pa.array(is_xyy))).to_pylist()
            )
            if seps == {"."}:
                used, source = "DMY", "convention"
            else:
                examples = pc.filter(text, pa.array(is_xyy)).to_pylist()[:3]
                raise AmbiguousDateOrderError(column, tuple(examples))
        names = ("c", "b", "a") if used == "DMY" else ("c", "a", "b")
        parsed[is_xyy] = _from_parts(xyy, names)[is_xyy]
    elif order in DATE_ORDERS:
        used, source = order, "override"
    rest = ~(is_ymd | is_xyy | is_compact) & ~empty
    wordy = pc.extract_regex(text, _WORDY)  # month names and a full year only
    rest &= _bool(pc.is_valid(wordy))
    if rest.any() and rest.sum() * 2 > (~empty).sum():
        year = _ints(wordy, "y")
        rest &= (year >= YEARS[0]) & (year <= YEARS[1])
        parsed[rest] = _fallback(pc.filter(text, pa.array(rest)), used)
    bad = np.isnat(parsed) & ~empty
    valid = codes >= 0
    if valid.all():  # a date in every cell (most files): no masks over the rows
        out = parsed[codes]
        invalid = bad[codes] if bad.any() else np.zeros(n, bool)
        return Dates(out, invalid, used, source)
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    out[valid] = parsed[codes[valid]]
    invalid = np.zeros(n, bool)
    invalid[valid] = bad[codes[valid]]
    return Dates(out, invalid, used, source)


def _from_parts(parts, names: tuple[str, str, str]) -> np.ndarray:
    y, m, d = (_ints(parts, k) for k in names)
    short = _bool(pc.less_equal(pc.utf8_length(pc.struct_field(parts, names[0])), 2))
    y = np.where(short & (y < 70), y + 2000, np.where(short & (y < 100), y + 1900, y))
    fields = {f.name for f in parts.type}
    if "H" not in fields:
        zero = np.zeros(len(y))
        return _compose(y, m, d, zero, zero, zero)
    hh, mm, ss = _ints(parts, "H"), _ints(parts, "M"), _ints(parts, "S")
    ampm = pc.utf8_lower(pc.struct_field(parts, "ampm")).to_numpy(zero_copy_only=False)
    hh = np.where((ampm == "pm") & (hh < 12), hh + 12, np.where((ampm == "am") & (hh == 12), 0, hh))
    return _compose(y, m, d, hh, mm, ss)


def _fallback(text: pa.Array, order: str) -> np.ndarray:
    """Dates with month names ("23 Nov 2026", "Nov 23, 2026"), read by pandas."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = pd.to_datetime(
            pd.Series(text.to_pylist(), dtype=object),
            format="mixed",
            dayfirst=order == "DMY",
            errors="coerce",
        )
    if getattr(got.dt, "tz", None) is not None:
        got = got.dt.tz_localize(None)
    return got.to_numpy(dtype="datetime64[ns]")


def share_dates(arr: pa.Array) -> float:
    """Share of non-empty cells that read as dates (for recognising columns).

    >>> share_dates(pa.array(["2026-01-02", "03.01.2026", "", "soon"]))
    0.6666666666666666
    """
    if pa.types.is_timestamp(arr.type) or pa.types.is_date(arr.type):
        return 1.0
    if not pa.types.is_string(arr.type):
        return 0.0
    try:
        got = parse_dates(arr, order="DMY")
    except DataError:  # pragma: no cover - an order is given, so no question is raised
        return 0.0
    ok = int(np.sum(~np.isnat(got.values)))
    filled = ok + int(np.sum(got.invalid))
    return ok / filled if filled else 0.0
