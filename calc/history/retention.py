"""Retention and churn per calendar month, quarter or year: who was active in a period and
who of them bought again in the next.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calc.errors import DataError
from calc.history._prep import PERIODS, _Prep, _prepare


def _period_of_month(month: np.ndarray, period: str) -> np.ndarray:
    if period == "M":
        return month
    if period == "Q":
        return month // 3
    if period == "Y":
        return month // 12
    raise DataError("orders.unknown_period", value=repr(period))


def _period_start(index: np.ndarray, period: str) -> np.ndarray:
    months = index * {"M": 1, "Q": 3, "Y": 12}[period]
    return months.astype("datetime64[M]").astype("datetime64[ns]")


def _period_label(starts: np.ndarray, period: str) -> list[str]:
    ts = pd.DatetimeIndex(starts)
    if period == "M":
        return [f"{y}-{m:02d}" for y, m in zip(ts.year, ts.month, strict=True)]
    if period == "Q":
        return [f"{y}-Q{(m - 1) // 3 + 1}" for y, m in zip(ts.year, ts.month, strict=True)]
    return [str(y) for y in ts.year]


def _active_pairs(p: _Prep, period: str) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (customer, period) pairs with a purchase, sorted by customer then period."""
    per = _period_of_month(p.u_month, period)
    keep = np.ones(len(per), dtype=bool)
    keep[1:] = (p.u_code[1:] != p.u_code[:-1]) | (per[1:] != per[:-1])
    return p.u_code[keep], per[keep]


def _retention(p: _Prep, period: str) -> pd.DataFrame:
    codes, per = _active_pairs(p, period)
    if len(per) == 0:
        return _empty_retention()
    p0, p1 = int(per.min()), int(per.max())
    n = p1 - p0 + 1
    rel = per - p0
    same_next = np.zeros(len(codes), dtype=bool)
    same_next[:-1] = (codes[1:] == codes[:-1]) & (per[1:] == per[:-1] + 1)
    same_prev = np.zeros(len(codes), dtype=bool)
    same_prev[1:] = same_next[:-1]
    first_of_customer = np.ones(len(codes), dtype=bool)
    first_of_customer[1:] = codes[1:] != codes[:-1]
    active = np.bincount(rel, minlength=n)
    new = np.bincount(rel[first_of_customer], minlength=n)
    retained = np.bincount(rel[same_prev], minlength=n)
    churned = np.bincount(rel[~same_next], minlength=n).astype(float)
    churned[-1] = np.nan  # the next period is not observed yet
    starts = _period_start(np.arange(p0, p1 + 1), period)
    with np.errstate(invalid="ignore", divide="ignore"):
        churn_rate = np.where(active > 0, churned / np.maximum(active, 1), np.nan)
    return pd.DataFrame(
        {
            "period": starts,
            "label": _period_label(starts, period),
            "active": active,
            "new": new,
            "retained": retained,
            "reactivated": active - new - retained,
            "churned": churned,
            "churn_rate": churn_rate,
            "retention_rate": 1 - churn_rate,
        }
    )


def _empty_retention() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": pd.Series([], dtype="datetime64[ns]"),
            "label": pd.Series([], dtype="str"),
            **{
                k: pd.Series([], dtype="int64")
                for k in ("active", "new", "retained", "reactivated")
            },
            **{
                k: pd.Series([], dtype="float64")
                for k in ("churned", "churn_rate", "retention_rate")
            },
        }
    )


def retention(table: pd.DataFrame, period: str = "M") -> pd.DataFrame:
    """Customer churn and retention per calendar month, quarter or year.

    Parameters
    ----------
    table : pandas.DataFrame
        Orders.
    period : {"M", "Q", "Y"}
        Calendar month, quarter or year.

    Returns
    -------
    pandas.DataFrame
        One row per period from the first to the last purchase: ``period``
        (first day), ``label``, ``active`` (customers with a purchase),
        ``new`` (first purchase ever), ``retained`` (also active the period
        before), ``reactivated`` (back after a gap), ``churned`` (active now,
        not in the next period; NaN for the last period), ``churn_rate`` and
        ``retention_rate`` (fractions of ``active``, per period).

    Notes
    -----
    churn_rate(p) = churned(p) / active(p); retention_rate = 1 - churn_rate.
    A period without purchases has 0 active customers and NaN rates.

    Examples
    --------
    January: a and b buy; February: a and c. b did not come back in
    February, so January's churn is 1 / 2.

    >>> t = pd.DataFrame({"customer_id": ["a", "b", "a", "c"],
    ...     "date": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-02-10", "2026-02-01"]),
    ...     "amount": [100.0, 80.0, 50.0, 20.0]})
    >>> retention(t)[["label", "active", "new", "retained", "churned", "churn_rate"]]
         label  active  new  retained  churned  churn_rate
    0  2026-01       2    2         0      1.0         0.5
    1  2026-02       2    1         1      NaN         NaN
    """
    if period not in PERIODS:
        raise DataError("orders.unknown_period", value=repr(period))
    return _retention(_prepare(table), period)
