"""Turn amount text such as ``kr 1 234,50`` or ``$1,200`` into numbers.

The decimal mark is decided once per column from all its distinct values, not
cell by cell: ``1,50`` anywhere in a column means a decimal comma for every
cell of it. Work is done on the distinct values only (an order log repeats
its prices), with Arrow's vectorised string functions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_CURRENCY = (
    r"kr\.?|nok|dkk|sek|isk|zł|zl|pln|€|eur|euro|\$|us\$|usd|£|gbp|lekë|leke|lek|all|chf|fr\.?"
)
# sign, currency, sign, number, ",-" (whole kroner), currency, trailing sign
_MINUS = r"[-\x{2212}\x{2013}]"  # hyphen, minus sign, en dash
_SPACES = r"\x{2019}\x{00a0}\x{202f}\x{2009}"  # right quote, no-break, narrow and thin space
_CUR = r"(?i:" + _CURRENCY + r")"
_GAP = r"[\s\x{00a0}\x{202f}\x{2009}]*"  # RE2's \s is ASCII only; Babel writes "12,50\u00a0€"
_AMOUNT = (
    r"^(?P<s1>"
    + _MINUS
    + r"?|\+)"
    + _GAP
    + r"(?P<c1>"
    + _CUR
    + r")?"
    + _GAP
    + r"(?P<s2>"
    + _MINUS
    + r"?|\+)"
    + _GAP
    + r"(?P<num>[0-9][0-9 .,'"
    + _SPACES
    + r"]*[0-9]|[0-9]|[.,][0-9]+)"
    r"(?P<dash>[.,]"
    + _MINUS
    + r")?"
    + _GAP
    + r"(?P<c2>"
    + _CUR
    + r")?"
    + _GAP
    + r"(?P<s3>"
    + _MINUS
    + r"?)$"
)
#: Largest amount read (a quadrillion): beyond it a cell is not understood, so that
#: no sum of a million rows overflows to infinity.
MAX_AMOUNT = 1e15
_GROUP = r"[ '" + _SPACES + r"]"
_COMMA_DECIMAL = r"^(?:[0-9]{1,3}(?:(?:" + _GROUP + r"|\.)[0-9]{3})+|[0-9]+)(?:,[0-9]*)?$|^,[0-9]+$"
_DOT_DECIMAL = (
    r"^(?:[0-9]{1,3}(?:(?:" + _GROUP + r"|,)[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?$|^\.[0-9]+$"
    r"|^[0-9]+(?:\.[0-9]+)?[eE][-+]?[0-9]+$"
)
_THOUSAND = r"^[-+]?[0-9]{1,3}\.[0-9]{3}$"
_EXCEL_NUMBER = r"^-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$"
_CODES = {
    "kr": "kr", "kr.": "kr", "nok": "NOK", "dkk": "DKK", "sek": "SEK", "isk": "ISK",
    "zł": "PLN", "zl": "PLN", "pln": "PLN", "€": "EUR", "eur": "EUR", "euro": "EUR",
    "$": "USD", "us$": "USD", "usd": "USD", "£": "GBP", "gbp": "GBP", "lek": "ALL",
    "lekë": "ALL", "leke": "ALL", "all": "ALL", "chf": "CHF", "fr": "CHF", "fr.": "CHF",
}  # fmt: skip


@dataclass(frozen=True)
class Amounts:
    """Parsed amounts of one column.

    Attributes
    ----------
    values : numpy.ndarray
        float64, NaN where the cell was empty or not an amount.
    invalid : numpy.ndarray
        bool, True where the cell had text that is not an amount.
    decimal : str
        ``"."`` or ``","``: the decimal mark used for this column.
    currency : str or None
        Most common currency seen in the cells (ISO code, or ``"kr"``).
    """

    values: np.ndarray
    invalid: np.ndarray
    decimal: str
    currency: str | None


def _distinct(arr: pa.Array) -> tuple[pa.Array, np.ndarray]:
    enc = pc.dictionary_encode(arr)
    if isinstance(enc, pa.ChunkedArray):
        enc = enc.combine_chunks()
    return enc.dictionary, pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False)


def _bool(arr) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def decimal_votes(values: pa.Array) -> tuple[int, int]:
    """Count distinct cells that only fit a decimal comma, and only a decimal point.

    ``1.234`` fits both (a thousands dot or a decimal point) and counts for
    neither.

    >>> decimal_votes(pa.array(["1.234,50", "99,00", "1.234"]))
    (2, 0)
    """
    comma = _bool(pc.match_substring_regex(values, _COMMA_DECIMAL))
    dot = _bool(pc.match_substring_regex(values, _DOT_DECIMAL))
    return int(np.sum(comma & ~dot)), int(np.sum(dot & ~comma))


def parse_amounts(
    arr: pa.Array, *, decimal: str | None = None, hint: str = ".", excel: bool = False
) -> Amounts:
    """Parse a column of amounts written by people or by shop systems.

    Parameters
    ----------
    arr : pyarrow.Array
        The column's cells, as text or already as numbers (Excel).
    decimal : {".", ","}, optional
        Force the decimal mark; by default it is read from the data.
    hint : {".", ","}
        Decimal mark to assume when the data cannot tell (every value is like
        ``1.200`` or ``450``); callers pass ``","`` for semicolon-separated
        files.
    excel : bool
        The cells come from a spreadsheet column mixing number cells (given
        as plain ``12.5`` text) with typed text: the plain ones are numbers
        with a decimal point whatever the decimal mark of the typed ones.

    Returns
    -------
    Amounts
        Values in the file's currency, negative for refunds.

    Notes
    -----
    Accepted: thousands groups of three with ``.``, ``,``, space, no-break
    space or ``'``; a currency sign or code before or after (kr, NOK, zł, €,
    $, £, ...); a minus before or after the number or accounting brackets
    ``(12.50)``; the Scandinavian ``1.234,-``. A date such as ``23.11.2026``
    is never an amount: its groups are not groups of three.

    Examples
    --------
    >>> a = parse_amounts(pa.array(["kr 1 234,50", "1 234,50 zł", "-99,5", "(10,00)"]))
    >>> a.values.tolist(), a.decimal, a.currency
    ([1234.5, 1234.5, -99.5, -10.0], ',', 'kr')
    >>> parse_amounts(pa.array(["€12.50", "$1,200", "23.11.2026"])).values.tolist()
    [12.5, 1200.0, nan]
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    if (
        pa.types.is_integer(arr.type)
        or pa.types.is_floating(arr.type)
        or pa.types.is_null(arr.type)
    ):
        values = np.array(pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False), np.float64)
        huge = np.abs(values) > MAX_AMOUNT  # NaN compares False: empty cells stay empty
        values[huge] = np.nan
        return Amounts(values, huge, decimal or ".", None)
    if not pa.types.is_string(arr.type):
        arr = pc.cast(arr, pa.string())
    fast = _plain_numbers(arr, decimal, hint)
    if fast is not None:
        return Amounts(fast, np.zeros(n, bool), ".", None)
    uniq, codes = _distinct(arr)
    text = pc.utf8_trim_whitespace(uniq)
    empty = _bool(pc.equal(text, "")) | _bool(pc.is_null(text))
    brackets = _bool(pc.match_substring_regex(text, r"^\(.*\)$"))
    inner = pc.if_else(pa.array(brackets), pc.utf8_slice_codeunits(text, 1, -1), text)
    parts = pc.extract_regex(pc.utf8_trim_whitespace(inner), _AMOUNT)
    matched = _bool(pc.is_valid(parts))
    num = pc.utf8_trim_whitespace(pc.struct_field(parts, "num"))
    typed = np.zeros(len(uniq), dtype=bool)
    if excel:
        typed = _bool(pc.match_substring_regex(text, _EXCEL_NUMBER))
    if decimal is None:
        commas, dots = decimal_votes(pc.filter(num, pa.array(matched & ~typed)))
        decimal = "," if commas > dots else "." if dots > commas else hint
    shape = _COMMA_DECIMAL if decimal == "," else _DOT_DECIMAL
    ok = matched & _bool(pc.match_substring_regex(num, shape))
    thousands = r"[ .'" + _SPACES + "]" if decimal == "," else r"[ ,'" + _SPACES + "]"
    plain = pc.replace_substring_regex(num, thousands, "")
    if decimal == ",":
        plain = pc.replace_substring(plain, ",", ".")
    plain = pc.if_else(pa.array(ok), plain, pa.scalar(None, pa.string()))
    values = np.asarray(pc.cast(plain, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)
    minus = pc.or_(
        pc.or_(
            pc.match_substring_regex(pc.struct_field(parts, "s1"), "^" + _MINUS + "$"),
            pc.match_substring_regex(pc.struct_field(parts, "s2"), "^" + _MINUS + "$"),
        ),
        pc.match_substring_regex(pc.struct_field(parts, "s3"), "^" + _MINUS + "$"),
    )
    negative = _bool(minus) | brackets
    values = np.where(negative, -values, values)
    ok &= ~(np.abs(values) > MAX_AMOUNT)  # 400 digits read as infinity: not understood
    values[~ok] = np.nan
    if typed.any():
        cells = pc.if_else(pa.array(typed), text, pa.scalar(None, pa.string()))
        direct = np.asarray(pc.cast(cells, pa.float64()).to_numpy(zero_copy_only=False), float)
        values = np.where(typed, direct, values)
        ok |= typed & ~(np.abs(direct) > MAX_AMOUNT)
        values[~ok] = np.nan
    bad = ~ok & ~empty
    currency = None
    cur = pc.if_else(
        pc.equal(pc.struct_field(parts, "c1"), ""),
        pc.struct_field(parts, "c2"),
        pc.struct_field(parts, "c1"),
    )
    if matched.any():
        weights = np.bincount(codes[codes >= 0], minlength=len(uniq)) if n else np.zeros(0)
        found = pc.utf8_lower(pc.filter(cur, pa.array(matched))).to_pylist()
        w = weights[matched]
        tally: dict[str, int] = {}
        for token, count in zip(found, w, strict=True):
            if token:
                key = _CODES.get(token, token.upper())
                tally[key] = tally.get(key, 0) + int(count)
        if tally:
            currency = max(tally, key=tally.get)
    valid_codes = codes >= 0
    out = np.full(n, np.nan)
    out[valid_codes] = values[codes[valid_codes]]
    invalid = np.zeros(n, bool)
    invalid[valid_codes] = bad[codes[valid_codes]]
    return Amounts(out, invalid, decimal, currency)


def _plain_numbers(arr: pa.Array, decimal: str | None, hint: str) -> np.ndarray | None:
    """Fast path for exports that write plain numbers (``-12.5``): one cast, no cleaning.

    Taken only when every cell casts to a finite number and a decimal point is
    certain: forced, hinted, or no cell looks like ``1.234`` (which a
    European file means as 1234).
    """
    if decimal == ",":
        return None
    if pa.types.is_string(arr.type):
        # order fields on an order's first row only (Shopify): empty cells are missing amounts
        empty = pc.equal(arr, "")
        if pc.any(empty).as_py():
            arr = pc.if_else(empty, None, arr)
    try:
        # Arrow's cast reads the whole array even when it fails, and each cell it cannot
        # read costs more (a million cells, half of them empty: 0.15 s against 0.01 s);
        # a few cells go first: text that is not plain numbers mostly shows there
        pc.cast(arr.slice(0, 1024), pa.float64())
        values = pc.cast(arr, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    out = np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)
    finite = out[~np.isnan(out)] if values.null_count else out
    if not (np.abs(finite) <= MAX_AMOUNT).all():  # infinite, NaN or beyond the largest amount
        return None
    if decimal is None and hint == "," and pc.any(pc.match_substring_regex(arr, _THOUSAND)).as_py():
        return None
    return out


def share_numeric(arr: pa.Array) -> float:
    """Share of non-empty cells that read as amounts (for recognising columns).

    >>> share_numeric(pa.array(["12,50", "kr 7", "", "n/a"]))
    0.6666666666666666
    """
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return 1.0 if pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type) else 0.0
    parsed = parse_amounts(arr)
    filled = int(np.sum(~np.isnan(parsed.values))) + int(np.sum(parsed.invalid))
    return float(np.sum(~np.isnan(parsed.values)) / filled) if filled else 0.0
