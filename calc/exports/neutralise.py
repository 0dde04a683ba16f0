"""Text that a spreadsheet would run as a formula, made inert; everything else left as it is.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
can run as a formula when a CSV file is opened in a spreadsheet (OWASP, *CSV
Injection*): ``=HYPERLINK("http://...")`` becomes a live link. Such text gets a
leading apostrophe, which spreadsheets show as text. Two things are never
changed: numbers (a refund of -34.5 stays the number -34.5, and so do numbers
inside a column of mixed values) and text that is a plain number (``"-2"``,
``"+47"``), which a spreadsheet reads as that number, not as a formula.

References
----------
OWASP, *CSV Injection*, https://owasp.org/www-community/attacks/CSV_Injection
"""

from __future__ import annotations

import re

import pandas as pd

#: Text starting with one of these can run as a formula (also valid RE2, for Arrow kernels).
RISKY_PATTERN = r"^[=+\-@\t\r]"
#: A plain number written as text: sign, digits, one decimal mark, exponent; never a formula.
PLAIN_NUMBER_PATTERN = r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$"
_RISKY_RE = re.compile(RISKY_PATTERN)
_PLAIN_NUMBER_RE = re.compile(PLAIN_NUMBER_PATTERN)


def is_risky(text: str) -> bool:
    """Whether a spreadsheet could run ``text`` as a formula.

    >>> [is_risky(x) for x in ("=1+1", "@SUM(A1)", "-2", "+47", "-2+3", "Ola", "")]
    [True, True, False, False, True, False, False]
    """
    return bool(_RISKY_RE.match(text)) and not _PLAIN_NUMBER_RE.match(text)


def neutralise_text(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet could run it as a formula.

    >>> neutralise_text('=HYPERLINK("http://x")'), neutralise_text("-2"), neutralise_text("Ola")
    ('\\'=HYPERLINK("http://x")', '-2', 'Ola')
    """
    return "'" + text if is_risky(text) else text


def risky_mask(values: pd.Series) -> pd.Series:
    """True where a text cell of ``values`` could run as a formula (vectorised on text columns).

    Numbers, dates and missing values in the series are never risky.
    """
    if _is_text_dtype(values.dtype):
        text = values.astype("str")
        risky = text.str.match(RISKY_PATTERN, na=False)
        plain = text.str.match(PLAIN_NUMBER_PATTERN, na=False)
        return (risky & ~plain).where(values.notna(), False)
    return values.map(lambda v: isinstance(v, str) and is_risky(v)).astype(bool)


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` safe to open in a spreadsheet: risky text gets a leading apostrophe.

    Only text changes: text cells (in text, categorical or mixed columns) and
    column names. Numbers and dates keep their type and value, also inside a
    column of mixed values.

    >>> df = pd.DataFrame({"n": ["=1+1", "Ola", "-2", "-2+3"], "x": [-1.5, 2, 3, 4]})
    >>> neutralise(df).to_dict("list")
    {'n': ["'=1+1", 'Ola', '-2', "'-2+3"], 'x': [-1.5, 2.0, 3.0, 4.0]}
    >>> neutralise(pd.DataFrame({"value": [-2614.49, "=x", 3]}, dtype=object))["value"].tolist()
    [-2614.49, "'=x", 3]
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object).where(s.notna(), None)
        elif not (_is_text_dtype(s.dtype) or s.dtype == object):
            continue
        risky = risky_mask(s)
        if risky.any():
            s = s.astype(object).copy()
            s[risky] = "'" + s[risky].astype(str)
        out[col] = s
    out.columns = [neutralise_text(str(c)) for c in out.columns]
    return out


def _is_text_dtype(dtype) -> bool:
    return isinstance(dtype, pd.StringDtype)
