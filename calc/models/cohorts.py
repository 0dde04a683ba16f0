"""Subscription cohorts: how many subscribers of each start month are still active.

The table the sBG model (:mod:`calc.models.sbg`) is fitted to, built from a
subscription table as :func:`calc.upload.read` returns it.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from calc.errors import DataError
from calc.models.summary import DAYS_PER_UNIT

__all__ = ["observed_survival", "subscription_cohorts"]


def subscription_cohorts(table: pd.DataFrame) -> pd.DataFrame:
    """Subscribers still active 0, 1, 2, ... months after they started, per start month.

    Parameters
    ----------
    table : DataFrame
        A subscription table as :func:`calc.upload.read` returns it: either
        ``customer_id``, ``start`` and ``end`` (empty while running); or a
        wide revenue table turned long, ``customer_id``, ``month`` (first
        day) and ``mrr``.

    Returns
    -------
    DataFrame
        One row per start month (index ``"2024-01"``), columns ``0 .. n``:
        subscribers of that month still active that many months after their
        own start; empty where the month's latest starter has not reached
        that age by the end of the file.

    Raises
    ------
    DataError
        ``orders.no_paying_subscription`` when no row starts a subscription
        (a wide table where no month has an amount above zero).

    Notes
    -----
    Start and end dates: a month is 30.4375 days. A customer's rows are
    joined: the subscription runs from the first start to the last end, and
    stays open if any row is open, so a plan change is not a loss. A customer
    is active at month ``k`` when their end lies more than ``k`` months after
    their start; the file ends at its last date.

    Months with revenue (the wide layout): a customer starts in their first
    month with an amount above zero and is active through their last such
    month; a gap between paid months is not a loss (they came back, as a
    plan change is not one). The file is seen through its last month with an
    amount, so a customer paying in it is still running, and one whose last
    paid month is earlier left after it. Ages are whole calendar months.

    Examples
    --------
    Two January starters, one leaving after 40 days (so still counted at
    month 1, gone from month 2); one February starter. The file ends on
    14 February, so January's cohort is seen for one month:

    >>> table = pd.DataFrame({
    ...     "customer_id": ["a", "b", "c"],
    ...     "start": pd.to_datetime(["2026-01-05", "2026-01-10", "2026-02-01"]),
    ...     "end": pd.to_datetime(["2026-02-14", None, None]),
    ... })
    >>> subscription_cohorts(table).loc["2026-01"].tolist()
    [2.0, 2.0]

    The same from months with revenue: a pays January to March, b January
    only, c from February; the file runs to March.

    >>> wide = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b", "c", "c"],
    ...     "month": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01",
    ...                              "2026-01-01", "2026-02-01", "2026-03-01"]),
    ...     "mrr": [10.0, 10.0, 10.0, 5.0, 8.0, 8.0],
    ... })
    >>> subscription_cohorts(wide).loc["2026-01"].tolist()
    [2.0, 1.0, 1.0]
    """
    if "start" in table.columns:
        cohort, leave, reach = _from_spans(table)
    else:
        cohort, leave, reach = _from_paid_months(table)
    if cohort.size == 0:
        raise DataError("orders.no_paying_subscription")
    order = np.argsort(cohort, kind="stable")
    cohort, leave, reach = cohort[order], leave[order], reach[order]
    bounds = np.flatnonzero(np.r_[True, cohort[1:] != cohort[:-1], True])
    rows = {}
    for first, stop in itertools.pairwise(bounds):
        reached = int(reach[first:stop].min())
        left = np.bincount(
            np.minimum(leave[first:stop], reached + 1).astype(int), minlength=reached + 2
        )
        label = str(np.datetime64(int(cohort[first]), "M"))
        rows[label] = (stop - first) - np.cumsum(left)[: reached + 1]
    width = max(len(r) for r in rows.values())
    padded = [
        np.pad(r.astype(float), (0, width - len(r)), constant_values=np.nan) for r in rows.values()
    ]
    return pd.DataFrame(
        padded,
        index=pd.Index(list(rows), name="cohort"),
        columns=range(width),
    )


def _from_spans(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per customer: start month, months until they left (inf: running), age reached."""
    by = table.groupby("customer_id", observed=True, sort=False)
    start = by["start"].min()
    running = by["end"].count() < by.size()
    end = by["end"].max().where(~running)
    last = pd.concat([table["start"], table["end"]]).max()
    month = DAYS_PER_UNIT["M"]
    lived = ((end - start).dt.days / month).to_numpy(dtype=float)
    leave = np.where(np.isnan(lived), np.inf, np.maximum(np.ceil(lived), 1))
    reach = ((last - start).dt.days // month).to_numpy(dtype=float)
    began = start.to_numpy(dtype="datetime64[ns]")
    dated = ~np.isnat(began)
    cohort = began[dated].astype("datetime64[M]").astype(np.int64)
    return cohort, leave[dated], reach[dated]


def _from_paid_months(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same from one row per customer and month with revenue (whole calendar months)."""
    month = table["month"].to_numpy(dtype="datetime64[ns]").astype("datetime64[M]")
    month = month.astype(np.int64)
    if month.size == 0:
        return np.zeros(0, np.int64), np.zeros(0), np.zeros(0)
    last = int(month.max())
    paid = table["mrr"].to_numpy(dtype=float) > 0
    frame = pd.DataFrame({"customer_id": table["customer_id"].to_numpy()[paid], "m": month[paid]})
    by = frame.groupby("customer_id", sort=False)["m"]
    first, final = by.min().to_numpy(np.int64), by.max().to_numpy(np.int64)
    leave = np.where(final < last, final - first + 1, np.inf)
    return first, leave, (last - first).astype(float)


def observed_survival(cohorts: pd.DataFrame) -> pd.DataFrame:
    """Share of subscribers still active after each month, all start months pooled.

    Month ``k``'s renewal rate is taken over the cohorts that have reached
    ``k`` (active at ``k`` / active at ``k - 1``); the share still active is
    the running product, so it never rises.

    Examples
    --------
    >>> cohorts = pd.DataFrame([[10.0, 8.0, 6.0], [10.0, 9.0, float("nan")]])
    >>> observed_survival(cohorts)["survival"].round(4).tolist()
    [1.0, 0.85, 0.6375]
    """
    counts = cohorts.to_numpy(dtype=float)
    now, before = counts[:, 1:], counts[:, :-1]
    seen = ~np.isnan(now)
    kept = np.where(seen, now, 0).sum(axis=0)
    base = np.where(seen, before, 0).sum(axis=0)
    usable = base > 0
    rate = np.divide(kept, base, out=np.zeros_like(kept), where=usable)
    n = int(np.argmin(usable)) if not usable.all() else usable.size
    survival = np.concatenate([[1.0], np.cumprod(rate[:n])])
    return pd.DataFrame({"period": np.arange(survival.size), "survival": survival})
