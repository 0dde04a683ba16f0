"""The Segments tab's tables as sheets of the results workbook.

Three tables, by code (the interface names the sheets and their columns in
its user's language, as it does the order log's own tables):

- ``segments``: the comparison table, every segment (not only the ten the
  charts draw), with the models' figures when they ran;
- ``segment_retention``: the retention curves, share of a segment's
  customers who bought again within N months, with how many were observed;
- ``segment_value``: what a customer of each segment is worth: the value
  after 12 and 24 months, and with the models the model CLV with its range.

Values stay numbers; the segment names come from the user's file and are
written as text, made formula-safe by the workbook writer
(:mod:`calc.exports.neutralise`), like every text cell.
"""

from __future__ import annotations

import pandas as pd

from calc.history.segments import Segments

#: The sheets, by code, in the order the workbook holds them.
SHEETS = ("segments", "segment_retention", "segment_value")
#: Columns of the value sheet: the historic value, then the models' figures when they ran.
VALUE_COLUMNS = (
    "segment",
    "customers",
    "value_first_year",
    "customers_first_year",
    "value_two_years",
    "customers_two_years",
)
MODEL_VALUE_COLUMNS = ("model", "clv_low", "clv", "clv_high")


def segment_tables(s: Segments, models: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The segments of an order log as the results workbook's tables, by code.

    Parameters
    ----------
    s : Segments
        From :func:`calc.history.segments.segment`.
    models : DataFrame, optional
        :func:`calc.history.segment_models.segment_models` of ``s``; its
        ``model`` column keeps its codes (``own``, ``pooled``, ``none``) for
        the interface to word.

    Returns
    -------
    dict
        :data:`SHEETS` -> table: one row per segment (``segments``,
        ``segment_value``) or per segment and month (``segment_retention``).

    Examples
    --------
    >>> from calc.history.segments import segment
    >>> log = pd.DataFrame({"customer_id": ["a", "a", "b"], "amount": [10.0, 5.0, 8.0],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-02-01"]),
    ...     "channel": ["=web", "web", "shop"]})
    >>> tables = segment_tables(segment(log, "channel"))
    >>> list(tables), tables["segment_value"]["segment"].tolist()
    (['segments', 'segment_retention', 'segment_value'], ['=web', 'shop'])
    """
    table = s.table
    if models is not None:
        table = table.merge(models.drop(columns=["model_customers"]), on="segment", how="left")
    value = [c for c in VALUE_COLUMNS if c in table.columns]
    if models is not None:
        value += [c for c in MODEL_VALUE_COLUMNS if c in table.columns]
    return {
        "segments": table.reset_index(drop=True),
        "segment_retention": s.curves.reset_index(drop=True),
        "segment_value": table[value].reset_index(drop=True),
    }
