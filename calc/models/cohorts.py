"""Subscription cohorts: how many subscribers of each start month are still active.

The table the sBG model (:mod:`calc.models.sbg`) is fitted to, built from a
subscription table as :func:`calc.upload.read` returns it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calc.models.summary import DAYS_PER_UNIT

__all__ = ["observed_survival", "subscription_cohorts"]


def subscription_cohorts(table: pd.DataFrame) -> pd.DataFrame:
    """Subscribers still active 0, 1, 2, ... months after they started, per start month.

    Parameters
    ----------
    table : DataFrame
        ``customer_id``, ``start`` and ``end`` (empty while running), as
        :func:`calc.upload.read` returns a subscription table.

    Returns
    -------
    DataFrame
        One row per start month (index ``"2024-01"``), columns ``0 .. n``:
        subscribers of that month still active that many months (of 30.44
        days) after their own start; empty where the month's latest starter
        has not reached that age by the last date in the file.

    Notes
    -----
    A month here is 30.4375 days. A customer's rows are joined: the
    subscription runs from the first start to the last end, and stays open if
    any row is open, so a plan change is not a loss. A customer is active at
    month ``k`` when their end lies more than ``k`` months after their start.

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
    """
    by = table.groupby("customer_id", observed=True, sort=False)
    start = by["start"].min()
    running = by["end"].count() < by.size()
    end = by["end"].max().where(~running)
    last = pd.concat([table["start"], table["end"]]).max()
    month = DAYS_PER_UNIT["M"]
    lived = ((end - start).dt.days / month).to_numpy(dtype=float)
    leave = np.where(np.isnan(lived), np.inf, np.maximum(np.ceil(lived), 1))
    cohort = start.dt.to_period("M")
    rows = {}
    for label, members in start.groupby(cohort, sort=True).groups.items():
        where = start.index.get_indexer(members)
        reached = int((last - start.iloc[where].max()).days // month)
        left = np.bincount(np.minimum(leave[where], reached + 1).astype(int), minlength=reached + 2)
        rows[str(label)] = where.size - np.cumsum(left)[: reached + 1]
    width = max(len(r) for r in rows.values())
    padded = [
        np.pad(r.astype(float), (0, width - len(r)), constant_values=np.nan) for r in rows.values()
    ]
    return pd.DataFrame(
        padded,
        index=pd.Index(list(rows), name="cohort"),
        columns=range(width),
    )


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
