"""Per customer: orders, spend, time between purchases, days since the last purchase, size
tier; who is past their own reorder rhythm (at risk) and who has lapsed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from calc.errors import DataError
from calc.history._prep import _NS_PER_DAY, _gaps, _Prep, _prepare, _starts
from calc.history.churn import YEAR_DAYS

AT_RISK_FACTOR = 1.5


GAP_BINS = (0, 7, 14, 30, 60, 90, 180, 365)


def _gap_table(p: _Prep) -> pd.DataFrame:
    gaps, _ = _gaps(p)
    edges = np.array([*GAP_BINS, np.iinfo(np.int64).max])
    counts = np.bincount(np.searchsorted(edges, gaps, side="left") - 1, minlength=len(GAP_BINS))
    counts = counts[: len(GAP_BINS)]
    total = counts.sum()
    lows = [b + 1 for b in GAP_BINS]
    highs = [*GAP_BINS[1:], None]
    labels = [
        f"{lo}-{hi} days" if hi else f"over {lo - 1} days"
        for lo, hi in zip(lows, highs, strict=True)
    ]
    share = counts / total if total else np.full(len(counts), np.nan)
    return pd.DataFrame(
        {
            "bin": labels,
            "from_days": lows,
            "to_days": pd.array(highs, dtype="Int64"),
            "gaps": counts,
            "share": share,
            "cumulative_share": np.cumsum(share),
        }
    )


def purchase_gaps(table: pd.DataFrame) -> pd.DataFrame:
    """Distribution of the time between consecutive purchases of the same customer.

    Returns
    -------
    pandas.DataFrame
        One row per bin (1-7, 8-14, 15-30, 31-60, 61-90, 91-180, 181-365,
        over 365 days): ``bin``, ``from_days``, ``to_days`` (inclusive; empty
        for the last bin), ``gaps`` (count), ``share`` and
        ``cumulative_share`` (fractions of all gaps).

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...     "date": pd.to_datetime(["2026-01-01", "2026-01-06", "2026-03-01", "2026-01-01"]),
    ...     "amount": [10.0, 10.0, 10.0, 5.0]})
    >>> g = purchase_gaps(t)
    >>> g.loc[g.gaps > 0, ["bin", "gaps", "share"]]
              bin  gaps  share
    0    1-7 days     1    0.5
    3  31-60 days     1    0.5
    """
    return _gap_table(_prepare(table))


def _customer_table(p: _Prep, as_of: pd.Timestamp | None) -> pd.DataFrame:
    n = p.n_customers
    per_orders = p.orders_per_customer
    revenue = np.bincount(p.code, weights=p.amount, minlength=n)
    gross = np.bincount(p.code[p.purchase], weights=p.amount[p.purchase], minlength=n)
    starts = _starts(p.u_code)
    ends = np.r_[starts[1:], len(p.u_code)][: len(starts)] - 1
    who = p.u_code[starts]
    nat = np.iinfo(np.int64).min  # NaT as an integer
    first_ns = np.full(n, nat, dtype=np.int64)
    last_ns = np.full(n, nat, dtype=np.int64)
    first_ns[who] = p.u_day[starts] * _NS_PER_DAY
    last_ns[who] = p.u_day[ends] * _NS_PER_DAY
    days_bought = np.zeros(n, dtype=np.int64)
    days_bought[who] = ends - starts + 1
    gaps, owner = _gaps(p)
    usual = np.full(n, np.nan)
    if len(gaps):
        top = int(gaps.max()) + 1
        key = np.sort(owner * top + gaps)  # owners are already in order; sort gaps within each
        g, o = (key % top).astype(float), key // top
        gs = _starts(o)
        cnt = np.diff(np.r_[gs, len(o)])
        usual[o[gs]] = (g[gs + (cnt - 1) // 2] + g[gs + cnt // 2]) / 2
    end_day = (
        int(p.day.max())
        if as_of is None
        else int(np.datetime64(pd.Timestamp(as_of), "D").astype(np.int64))
    )
    since = np.full(n, np.nan)
    since[who] = end_day - p.u_day[ends]
    with np.errstate(invalid="ignore", divide="ignore"):
        aov = np.where(per_orders > 0, gross / np.maximum(per_orders, 1), np.nan)
    top = _largest(revenue, -(-n // 5))  # ceil(20 %)
    upper = _largest(revenue, -(-n // 2))  # ceil(50 %)
    tier = np.where(top, 0, np.where(upper, 1, 2))
    tiers = pd.Categorical.from_codes(
        tier, categories=["Top 20%", "Middle 30%", "Bottom 50%"], validate=False
    )
    out = pd.DataFrame(
        {
            "customer_id": p.ids,
            "first_purchase": first_ns.view("datetime64[ns]"),
            "last_purchase": last_ns.view("datetime64[ns]"),
            "orders": per_orders,
            "purchase_days": days_bought,
            "historic_clv": revenue,
            "aov": aov,
            "days_since_last": since,
            "usual_interval_days": usual,
            "tier": tiers,
        }
    )
    if "customer_name" in p.table.columns:
        names = p.table["customer_name"]
        firsts = np.zeros(n, dtype=np.int64)
        firsts[p.code[::-1]] = np.arange(len(p.code))[::-1]
        out.insert(1, "customer_name", names.iloc[firsts].reset_index(drop=True))
    return out


def _largest(values: np.ndarray, k: int) -> np.ndarray:
    """Mask of the ``k`` largest values; ties at the edge go to the earliest positions.

    O(n) with a partition instead of a full sort.

    >>> _largest(np.array([5.0, 9.0, 5.0, 1.0, 5.0]), 3).tolist()
    [True, True, True, False, False]
    """
    n = len(values)
    if k >= n:
        return np.ones(n, dtype=bool)
    if k <= 0:
        return np.zeros(n, dtype=bool)
    edge = np.partition(values, n - k)[n - k]  # the k-th largest value
    above = values > edge
    tied = np.flatnonzero(values == edge)
    mask = above.copy()
    mask[tied[: k - int(above.sum())]] = True
    return mask


def customer_summary(table: pd.DataFrame, as_of: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """One row per customer: historic CLV (net revenue to date) and purchase rhythm.

    Parameters
    ----------
    table : pandas.DataFrame
        Orders.
    as_of : date, optional
        Day the "days since last purchase" are counted to; default the last
        date in the data.

    Returns
    -------
    pandas.DataFrame
        ``customer_id``, (``customer_name``), ``first_purchase``,
        ``last_purchase``, ``orders``, ``purchase_days`` (distinct days with a
        purchase), ``historic_clv`` (net revenue to date, the file's
        currency), ``aov``, ``days_since_last``, ``usual_interval_days``
        (median days between purchase days; NaN with fewer than two),
        ``tier`` (Top 20% / Middle 30% / Bottom 50% of customers by
        historic CLV: a customer is in the top 20 % when fewer than 20 % of
        customers rank above them; ties broken by order of first appearance).

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": ["a", "a", "a", "b"],
    ...     "date": pd.to_datetime(["2026-01-01", "2026-01-11", "2026-01-31", "2026-01-15"]),
    ...     "amount": [10.0, 20.0, 30.0, 5.0]})
    >>> customer_summary(t)[["customer_id", "orders", "historic_clv", "usual_interval_days"]]
      customer_id  orders  historic_clv  usual_interval_days
    0           a       3          60.0                 15.0
    1           b       1           5.0                  NaN
    """
    p = _prepare(table)
    return _customer_table(p, None if as_of is None else pd.Timestamp(as_of))


def at_risk(summary: pd.DataFrame, factor: float = AT_RISK_FACTOR) -> pd.DataFrame:
    """Customers past their usual reorder interval, most valuable first.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`customer_summary`.
    factor : float
        How far past the usual interval counts as at risk (1.5 = 50 % later
        than usual). Must be above 0.

    Returns
    -------
    pandas.DataFrame
        Customers who bought on two or more days and whose
        ``days_since_last > factor * usual_interval_days``, with
        ``overdue_days = days_since_last - usual_interval_days``, sorted by
        ``historic_clv`` (highest first).

    Examples
    --------
    >>> s = pd.DataFrame({"customer_id": ["a", "b"], "historic_clv": [60.0, 90.0],
    ...     "days_since_last": [40.0, 10.0], "usual_interval_days": [15.0, 20.0]})
    >>> at_risk(s)[["customer_id", "overdue_days"]]
      customer_id  overdue_days
    0           a          25.0
    """
    if not factor > 0:
        raise DataError("orders.factor_not_positive")
    usual = summary["usual_interval_days"].to_numpy(dtype=float)
    since = summary["days_since_last"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        late = np.flatnonzero(since > factor * usual)  # NaN compares False
    value = summary["historic_clv"].to_numpy(dtype=float)[late]
    late = late[np.argsort(-value, kind="stable")]
    out = summary.iloc[late].reset_index(drop=True)
    out["overdue_days"] = since[late] - usual[late]
    return out


@dataclass(frozen=True)
class Lapsed:
    """Customers past their own usual reorder interval (or past a set window).

    Attributes
    ----------
    customers : int
        Customers lapsed.
    share : float
        customers / all customers in the file.
    factor : float
        How many times their usual interval counts as lapsed.
    window_days : float or None
        The fixed window, when one was set instead of the usual interval.
    once_days : float
        Days after which a customer who bought once counts as lapsed.
    """

    customers: int
    share: float
    factor: float
    window_days: float | None
    once_days: float


def lapsed(
    summary: pd.DataFrame,
    *,
    factor: float = AT_RISK_FACTOR,
    window_days: float | None = None,
    once_days: float = YEAR_DAYS,
) -> Lapsed:
    """How many customers are past their usual reorder interval, or past a window.

    Parameters
    ----------
    summary : pandas.DataFrame
        From :func:`customer_summary` (``days_since_last``,
        ``usual_interval_days``).
    factor : float, default 1.5
        Lapsed when days since the last purchase exceed ``factor`` x the
        customer's own usual interval. Above 0.
    window_days : float, optional
        Instead: lapsed when the last purchase is more than this many days
        before the file's last day, for every customer. Above 0.
    once_days : float, default 365
        A customer who bought on one day only has no interval of their own:
        lapsed after this many days without a purchase (a year, as the
        headline churn's window).

    Returns
    -------
    Lapsed

    Raises
    ------
    DataError
        If ``factor``, ``window_days`` or ``once_days`` is not above 0.

    Examples
    --------
    a buys every 15 days and was last seen 40 days ago (> 1.5 x 15): lapsed;
    b bought once, 100 days ago: not yet (a year).

    >>> s = pd.DataFrame({"days_since_last": [40.0, 100.0],
    ...                   "usual_interval_days": [15.0, float("nan")]})
    >>> lapsed(s).customers, lapsed(s, window_days=30).customers
    (1, 2)
    """
    if not factor > 0 or not once_days > 0 or (window_days is not None and not window_days > 0):
        raise DataError("orders.factor_not_positive")
    since = summary["days_since_last"].to_numpy(dtype=float)
    if window_days is not None:
        limit = np.full(len(since), float(window_days))
    else:
        usual = summary["usual_interval_days"].to_numpy(dtype=float)
        limit = np.where(np.isnan(usual), once_days, factor * usual)
    with np.errstate(invalid="ignore"):
        count = int((since > limit).sum())
    n = len(since)
    return Lapsed(
        customers=count,
        share=count / n if n else float("nan"),
        factor=factor,
        window_days=window_days,
        once_days=once_days,
    )
