"""One table as CSV bytes that any spreadsheet opens with the right letters and no formulas."""

from __future__ import annotations

import io

import pandas as pd

from calc.exports.neutralise import neutralise


def to_csv(df: pd.DataFrame) -> bytes:
    """A table as CSV bytes (UTF-8 with BOM, so Excel shows ø, ł, ä, ç), formula-safe.

    Text a spreadsheet would run as a formula gets a leading apostrophe
    (:func:`calc.exports.neutralise.neutralise`); numbers are written as
    numbers, a refund as ``-5.0``. Lines end in CRLF (RFC 4180).

    >>> data = to_csv(pd.DataFrame({"kunde": ["Sørensen", "=HYPERLINK(1)"], "beløp": [-5.0, 1]}))
    >>> data[:3] == b"\\xef\\xbb\\xbf", data.decode("utf-8-sig").splitlines()
    (True, ['kunde,beløp', 'Sørensen,-5.0', "'=HYPERLINK(1),1.0"])
    """
    buf = io.StringIO()
    neutralise(df).to_csv(buf, index=False, lineterminator="\r\n")
    return buf.getvalue().encode("utf-8-sig")
