"""Acquisition cohorts: customers, active customers and revenue by months since the first order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from calc.history._prep import _Prep, _prepare, _starts
from calc.history.retention import _active_pairs, _period_label, _period_start


def _cohorts(p: _Prep) -> pd.DataFrame:
    codes, month = _active_pairs(p, "M")
    if len(month) == 0:
        return pd.DataFrame(
            columns=[
                "cohort", "label", "months_since_first", "cohort_size", "customers",
                "customers_pct", "revenue", "revenue_pct",
            ]
        )  # fmt: skip
    first_month = np.full(p.n_customers, np.iinfo(np.int64).max)
    starts = _starts(codes)
    first_month[codes[starts]] = month[starts]
    m0, m1 = int(month.min()), int(month.max())
    n = m1 - m0 + 1
    offset = month - first_month[codes]
    cohort = first_month[codes] - m0
    counts = np.bincount(cohort * n + offset, minlength=n * n).reshape(n, n)
    # revenue of every row (refunds too) by the customer's cohort and month offset
    has_cohort = first_month[p.code] != np.iinfo(np.int64).max
    row_month = p.month[has_cohort]
    row_cohort = first_month[p.code[has_cohort]]
    row_offset = np.clip(row_month - row_cohort, 0, None)  # a refund before the first buy
    in_range = row_offset < n
    revenue = np.bincount(
        (row_cohort[in_range] - m0) * n + row_offset[in_range],
        weights=p.amount[has_cohort][in_range],
        minlength=n * n,
    ).reshape(n, n)
    ci, oi = np.nonzero(np.tri(n, dtype=bool)[::-1])  # cohort c has offsets 0..n-1-c
    size = counts[:, 0]
    keep = size[ci] > 0
    ci, oi = ci[keep], oi[keep]
    starts_ts = _period_start(ci + m0, "M")
    with np.errstate(invalid="ignore", divide="ignore"):
        rev0 = revenue[ci, 0]
        revenue_pct = np.where(rev0 != 0, revenue[ci, oi] / np.where(rev0 != 0, rev0, 1), np.nan)
    return pd.DataFrame(
        {
            "cohort": starts_ts,
            "label": _period_label(starts_ts, "M"),
            "months_since_first": oi,
            "cohort_size": size[ci],
            "customers": counts[ci, oi],
            "customers_pct": counts[ci, oi] / size[ci],
            "revenue": revenue[ci, oi],
            "revenue_pct": revenue_pct,
        }
    )


def cohorts(table: pd.DataFrame) -> pd.DataFrame:
    """Cohort table by month of first purchase: customers and revenue, as counts and shares.

    Returns
    -------
    pandas.DataFrame
        Long (tidy) form, one row per cohort and month since first purchase
        (0 = the first month): ``cohort`` (first day of the month), ``label``,
        ``months_since_first``, ``cohort_size``, ``customers`` (of the cohort
        buying in that month), ``customers_pct`` (customers / cohort_size),
        ``revenue`` (net, in the file's currency) and ``revenue_pct``
        (revenue / the cohort's revenue in month 0). Months after the last
        month in the data are not listed.

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": ["a", "b", "a", "c"],
    ...     "date": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-02-10", "2026-02-01"]),
    ...     "amount": [100.0, 80.0, 50.0, 20.0]})
    >>> cohorts(t)[["label", "months_since_first", "customers", "customers_pct", "revenue"]]
         label  months_since_first  customers  customers_pct  revenue
    0  2026-01                   0          2            1.0    180.0
    1  2026-01                   1          1            0.5     50.0
    2  2026-02                   0          1            1.0     20.0
    """
    return _cohorts(_prepare(table))


def cohort_matrix(cohort_table: pd.DataFrame, value: str = "customers_pct") -> pd.DataFrame:
    """Pivot :func:`cohorts` into a cohort x months-since-first matrix (for a heatmap or sheet).

    >>> t = pd.DataFrame({"cohort": ["2026-01", "2026-01", "2026-02"],
    ...     "label": ["2026-01", "2026-01", "2026-02"], "months_since_first": [0, 1, 0],
    ...     "customers_pct": [1.0, 0.5, 1.0]})
    >>> cohort_matrix(t).to_dict("index")
    {'2026-01': {0: 1.0, 1: 0.5}, '2026-02': {0: 1.0, 1: nan}}
    """
    out = cohort_table.pivot(index="label", columns="months_since_first", values=value)
    out.index.name, out.columns.name = "cohort", "months_since_first"
    return out
