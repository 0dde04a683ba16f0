"""The "Metrics" sheet of the results workbook: every retention metric, typed or measured.

One row per metric: its group, its name, where the figure came from (typed on the
Retention metrics page, or measured in the uploaded file), the formula with the
numbers that went into it, the value, its unit, the period it covers, the verdict
against the line for the kind of business, and what it rests on. The interface
writes the words in its user's language; this module orders the columns, keeps
numbers as numbers and makes every text safe to open in a spreadsheet
(:mod:`calc.exports.neutralise`), so the sheet is as safe as a CSV as in the workbook.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass, fields

import pandas as pd

from calc.exports.neutralise import neutralise

__all__ = ["COLUMNS", "MetricRow", "metrics_sheet"]

_BOLD = re.compile(r"\*\*(.*?)\*\*")


@dataclass(frozen=True)
class MetricRow:
    """One metric as the sheet shows it; every text already in the user's language.

    Attributes
    ----------
    group : str
        The block of the page (first weeks, satisfaction, ...).
    metric : str
        Its name.
    source : str
        Typed or measured in the file (as the page says it).
    formula : str
        The formula with the numbers used; Markdown bold (``**x**``) is dropped.
    value : float
        The figure in ``unit`` (a percentage as 7.5 with unit ``%``); NaN: none.
    unit : str
        ``%``, days, a currency code, or empty for a plain ratio.
    period : str
        The period or dates the figure covers.
    verdict : str
        The verdict and the line it was judged by, or empty.
    basis : str
        What it rests on (customers, answers, tickets counted).
    """

    group: str
    metric: str
    source: str
    formula: str
    value: float
    unit: str
    period: str
    verdict: str
    basis: str = ""


#: Column codes of the sheet, in order (the interface heads them in its language).
COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(MetricRow))


def metrics_sheet(
    rows: Iterable[MetricRow], headers: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The metrics as one table for the results workbook (or a CSV).

    Parameters
    ----------
    rows : iterable of MetricRow
        In the order the page shows them.
    headers : mapping, optional
        Column code (:data:`COLUMNS`) -> its heading in the user's language;
        codes without one keep the code.

    Returns
    -------
    pandas.DataFrame
        One row per metric; ``value`` a float column (NaN where there is no
        figure), every other column text, neutralised: a text that a
        spreadsheet would run as a formula starts with an apostrophe.

    Examples
    --------
    >>> row = MetricRow("First weeks", "Activation", "typed", "**=HYPERLINK(1)** 84 / 120",
    ...     70.0, "%", "year", "watch")
    >>> sheet = metrics_sheet([row], {"metric": "Metric"})
    >>> sheet.loc[0, "Metric"], sheet.loc[0, "formula"], float(sheet.loc[0, "value"])
    ('Activation', "'=HYPERLINK(1) 84 / 120", 70.0)
    """
    records = []
    for row in rows:
        values = dict(zip(COLUMNS, astuple(row), strict=True))
        values["formula"] = _BOLD.sub(r"\1", str(values["formula"]))
        value = values["value"]
        values["value"] = float(value) if value is not None and math.isfinite(value) else math.nan
        records.append(values)
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    text = [c for c in COLUMNS if c != "value"]
    frame[text] = frame[text].astype("object").fillna("").astype(str)
    frame["value"] = frame["value"].astype(float)
    frame = neutralise(frame)
    return frame.rename(columns=dict(headers or {}))
