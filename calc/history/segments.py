"""Segments of an order log: which customers stay, and what each group is worth.

A customer belongs to one segment, chosen by their **first order**: the
category, product, channel or country on it, its size, the month, quarter or
year it was placed (the acquisition cohort), or the value of any text column
the user picks. A customer who later buys in other categories still counts
in the category of their first order, so every customer is counted once.

The first order is the customer's earliest purchase day; among several
orders on that day, the one listed first in the file. Refund-only customers
(no purchase) take the value of their first row.

Per segment (:func:`segment`): customers, repeat-purchase rate, the yearly
churn with the *same* two 12-month windows as the whole file
(:func:`calc.history.yearly_churn`), median days between purchase days, AOV,
and the value per customer 12 and 24 months after the first order (only
customers observed that long). Retention curves give, for N = 1 to 24
months, the share of a segment's customers who bought again within N months,
among those observed at least N months (a month is 365.25 / 12 = 30.4375
days, as everywhere in the models).

:func:`calc.history.segment_tests.compare` says whether a gap between two
segments (or one segment and the rest) is larger than chance would give, and
:func:`calc.history.segment_models.segment_models` gives P(alive), expected
purchases and model CLV per segment from BG/NBD and Gamma-Gamma.

Speed: every figure is a ``bincount`` over integer customer and segment
codes (see :mod:`calc.history`), so the segments of a 1M-row log take a few
tenths of a second on top of the analysis.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from calc.errors import DataError, InputError
from calc.history._prep import _gaps, _months, _Prep, _prepare, _starts
from calc.history.churn import YearlyChurn, _yearly_churn

#: How customers can be grouped: key -> (kind, column or period). Kind "first" reads the
#: column on the customer's first order, "size" the value of the first order, "cohort"
#: the period of the first order.
SEGMENTATIONS = {
    "category": ("first", "category"),
    "product": ("first", "product"),
    "channel": ("first", "channel"),
    "country": ("first", "country"),
    "first_order": ("size", None),
    "cohort_month": ("cohort", "M"),
    "cohort_quarter": ("cohort", "Q"),
    "cohort_year": ("cohort", "Y"),
}
#: Columns never offered as a text column to group by: the log's own keys, and one value a
#: customer (a name) or an order (an id).
NOT_GROUPS = frozenset(
    {"customer_id", "date", "amount", "order_id", "customer_name", "returned", "quantity"}
)
#: Days in N months of the retention curves.
DAYS_PER_MONTH = 365.25 / 12
#: The retention curves run from 1 to this many months.
CURVE_MONTHS = 24
#: Value per customer is measured this many days after the first order (12 and 24 months).
VALUE_DAYS = {"first_year": 365, "two_years": 730}
#: Below this many customers on either side, a difference is shown but not judged.
MIN_CUSTOMERS = 30
#: Below this many "yes" or "no" answers on either side, a rate is not judged (the normal
#: approximation of the z-test needs about five of each).
MIN_COUNT = 5
#: Resamples of the bootstrap interval, and its seed (fixed: the same file gives the same
#: interval every time).
RESAMPLES = 2000
SEED = 16
#: Level of the intervals of a difference.
LEVEL = 0.95
#: Label of the segments folded together in charts, and of the customers a value is missing for.
OTHER = "(other)"
BLANK = "(blank)"


# ------------------------------------------------------------------ customers


@dataclass(frozen=True, eq=False)
class _Facts:
    """What every segment figure is made of, one value per customer (by customer code)."""

    orders: np.ndarray  # orders
    gross: np.ndarray  # purchases, money
    net: np.ndarray  # purchases plus refunds
    first_day: np.ndarray  # first purchase day (days since 1970-01-01)
    first_row: np.ndarray  # row of the first order's first line
    second_gap: np.ndarray  # days from first to second purchase day; inf without one
    observed_days: np.ndarray  # last day of the file - first day
    value: dict  # "first_year"/"two_years" -> net amount within that many days of the first order
    buyer: np.ndarray  # bought in the first window of the yearly churn
    lost: np.ndarray  # ... and not in the second
    churn: YearlyChurn  # the whole file's, whose windows every segment shares
    gap: np.ndarray  # days between consecutive purchase days
    gap_owner: np.ndarray  # customer code of each gap


def _facts(p: _Prep) -> _Facts:
    n = p.n_customers
    last = int(p.day.max())
    starts = _starts(p.u_code)
    who = p.u_code[starts]
    first_day = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    first_day[who] = p.u_day[starts]
    second_gap = np.full(n, np.inf)
    has_next = starts + 1 < len(p.u_code)
    nxt = np.where(has_next, starts + 1, starts)
    again = has_next & (p.u_code[nxt] == who)
    second_gap[who[again]] = p.u_day[nxt[again]] - p.u_day[starts[again]]
    bought = np.zeros(n, dtype=bool)
    bought[who] = True
    if not bought.all():  # refund-only customers: their first row's day
        rows = ~bought[p.code]
        np.minimum.at(first_day, p.code[rows], p.day[rows].astype(np.int64))
    day_rel = p.day - first_day[p.code]
    candidate = np.flatnonzero((day_rel == 0) & (p.purchase | ~bought[p.code]))
    first_row = np.full(n, len(p.day), dtype=np.int64)
    np.minimum.at(first_row, p.code[candidate], candidate)
    gross = np.bincount(p.code[p.purchase], weights=p.amount[p.purchase], minlength=n)
    net = np.bincount(p.code, weights=p.amount, minlength=n)
    observed = last - first_day
    value = {}
    for name, days in VALUE_DAYS.items():
        inside = day_rel < days
        value[name] = np.bincount(p.code[inside], weights=p.amount[inside], minlength=n)
    y = _yearly_churn(p)
    buyer = np.zeros(n, dtype=bool)
    second = np.zeros(n, dtype=bool)
    if y.measured:  # the windows of the whole file, as calc.history.yearly_churn states them
        a0, a1, b0 = (_day(d) for d in (y.first_start, y.first_end, y.second_start))
        buyer[p.u_code[(p.u_day >= a0) & (p.u_day <= a1)]] = True
        second[p.u_code[p.u_day >= b0]] = True
    gap, owner = _gaps(p)
    return _Facts(
        orders=p.orders_per_customer,
        gross=gross,
        net=net,
        first_day=first_day,
        first_row=first_row,
        second_gap=second_gap,
        observed_days=observed,
        value=value,
        buyer=buyer,
        lost=buyer & ~second,
        churn=y,
        gap=gap,
        gap_owner=owner,
    )


def _day(ts: pd.Timestamp) -> int:
    return int(np.datetime64(ts, "D").astype(np.int64))


# ------------------------------------------------------------------- grouping


def available(table: pd.DataFrame) -> tuple[str, ...]:
    """The segmentations an order log allows, in the order of :data:`SEGMENTATIONS`.

    Examples
    --------
    >>> available(pd.DataFrame(columns=["customer_id", "date", "amount", "channel"]))
    ('channel', 'first_order', 'cohort_month', 'cohort_quarter', 'cohort_year')
    """
    return tuple(
        key
        for key, (kind, column) in SEGMENTATIONS.items()
        if kind != "first" or column in table.columns
    )


def text_columns(table: pd.DataFrame) -> tuple[str, ...]:
    """Other columns of text a user may group customers by (``status`` and the file's own).

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": ["a"], "date": [pd.Timestamp("2026-01-01")],
    ...     "amount": [1.0], "channel": ["web"], "status": ["paid"], "Region": ["North"]})
    >>> text_columns(t)
    ('status', 'Region')
    """
    own = {column for kind, column in SEGMENTATIONS.values() if kind == "first"}
    out = []
    for column in table.columns:
        if column in NOT_GROUPS or column in own:
            continue
        dtype = table[column].dtype
        if isinstance(dtype, pd.CategoricalDtype) or not (
            pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype)
        ):
            out.append(column)
    return tuple(out)


def default_tiers(first_amounts: np.ndarray) -> tuple[float, ...]:
    """Tier edges of first-order value: the quartiles, rounded to two significant digits.

    Round numbers a shop owner can read ("under 30", "30-60"), near equal
    customer counts. Edges that round to the same number, or to 0 or less,
    are dropped.

    Examples
    --------
    >>> default_tiers(np.array([10.0, 22.0, 31.0, 47.0, 58.0, 73.0, 118.0, 240.0]))
    (29.0, 52.0, 84.0)
    """
    values = np.asarray(first_amounts, dtype=float)
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return ()
    edges = []
    for q in np.quantile(values, [0.25, 0.5, 0.75]):
        if q <= 0:
            continue
        digits = 1 - int(np.floor(np.log10(q)))
        edge = float(round(q, digits))
        if edge > 0 and edge not in edges:
            edges.append(edge)
    return tuple(edges)


def _check_tiers(tiers) -> tuple[float, ...]:
    edges = tuple(float(v) for v in tiers)
    if not edges or not all(np.isfinite(edges)) or any(v <= 0 for v in edges):
        raise InputError("tiers", "segments.tiers_positive")
    if any(b <= a for a, b in pairwise(edges)):
        raise InputError("tiers", "segments.tiers_increasing")
    return edges


def _edge(v: float) -> str:
    return f"{v:g}"


def tier_labels(edges: tuple[float, ...]) -> list[str]:
    """Names of the tiers between ``edges``: ``< 30``, ``30-60``, ``≥ 60``.

    A tier holds its lower edge: an order of exactly 30 is in ``30-60``.

    >>> tier_labels((30.0, 60.0))
    ['< 30', '30-60', '≥ 60']
    """
    inner = [f"{_edge(a)}-{_edge(b)}" for a, b in pairwise(edges)]
    return [f"< {_edge(edges[0])}", *inner, f"≥ {_edge(edges[-1])}"]


def _cohort_labels(first_day: np.ndarray, period: str) -> tuple[np.ndarray, list[str]]:
    month = _months(first_day)  # months since 1970-01
    if period == "M":
        index = month
    elif period == "Q":
        index = month // 3
    else:
        index = month // 12
    values, codes = np.unique(index, return_inverse=True)  # a few hundred periods at most
    if period == "M":
        labels = [f"{1970 + v // 12}-{v % 12 + 1:02d}" for v in values]
    elif period == "Q":
        labels = [f"{1970 + v // 4} Q{v % 4 + 1}" for v in values]
    else:
        labels = [str(1970 + v) for v in values]
    return codes.astype(np.int64), labels


def _first_values(values: pd.Series, rows: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Segment code per customer from the value of ``values`` on each customer's first row."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()[rows].astype(np.int64)
        labels = [str(c) for c in values.cat.categories]
    else:
        codes, uniques = pd.factorize(values.iloc[rows].astype("str"), sort=False)
        codes = codes.astype(np.int64)
        labels = [str(c) for c in uniques]
        missing = values.iloc[rows].isna().to_numpy()
        codes[missing] = -1
    if (codes < 0).any():
        codes = np.where(codes < 0, len(labels), codes)
        labels = [*labels, BLANK]
    used = np.bincount(codes, minlength=len(labels)) > 0
    if not used.all():  # categories nobody's first order has
        remap = np.cumsum(used) - 1
        codes = remap[codes]
        labels = [label for label, keep in zip(labels, used, strict=True) if keep]
    return codes, labels


def first_order_amounts(p: _Prep, facts: _Facts) -> np.ndarray:
    """The value of every customer's first order (all its purchase lines), by customer code."""
    rows = np.flatnonzero(p.purchase)
    totals = np.bincount(p.order_code[rows], weights=p.amount[rows], minlength=len(p.day))
    return np.where(p.purchase[facts.first_row], totals[p.order_code[facts.first_row]], 0.0)


# ------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class Segments:
    """Customers grouped by their first order, and the figures of every group.

    Attributes
    ----------
    by : str
        A key of :data:`SEGMENTATIONS`, or ``"column"`` for a text column.
    column : str or None
        The column read (``None`` for size and cohorts).
    tiers : tuple of float
        Tier edges of first-order value (``by == "first_order"``), else empty.
    labels : list of str
        Segment names, by segment code.
    table : pandas.DataFrame
        One row per segment (see :func:`segment`).
    curves : pandas.DataFrame
        ``segment``, ``months`` (1-24), ``observed``, ``again``, ``share``.
    ids : pandas.Index
        Customer id per customer code.
    customer_segment : ndarray of int
        Segment code per customer code.
    churn_windows : tuple of pandas.Timestamp or None
        The yearly churn's windows (first start, first end, second start,
        second end), the same as the whole file's.
    """

    by: str
    column: str | None
    tiers: tuple[float, ...]
    labels: list[str]
    table: pd.DataFrame
    curves: pd.DataFrame
    ids: pd.Index
    customer_segment: np.ndarray
    churn_windows: tuple[pd.Timestamp, ...] | None
    facts: _Facts

    def segment_of(self, customer_ids) -> np.ndarray:
        """Segment code of each of ``customer_ids`` (-1 for an id not in the log)."""
        codes = self.ids.get_indexer(pd.Index(customer_ids))
        return np.where(codes >= 0, self.customer_segment[codes], -1)


def _median_per_group(values: np.ndarray, group: np.ndarray, k: int) -> np.ndarray:
    """Median of integer ``values`` per group code (NaN for a group without values)."""
    out = np.full(k, np.nan)
    if len(values) == 0:
        return out
    top = int(values.max()) + 1
    key = np.sort(group.astype(np.int64) * top + values)
    g, v = key // top, (key % top).astype(float)
    gs = _starts(g)
    cnt = np.diff(np.r_[gs, len(g)])
    out[g[gs]] = (v[gs + (cnt - 1) // 2] + v[gs + cnt // 2]) / 2
    return out


def divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a / b`` where ``b > 0``, NaN elsewhere."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1), np.nan)


def segment_table(
    labels,
    *,
    customers: np.ndarray,
    repeat: np.ndarray,
    buyers: np.ndarray,
    lost: np.ndarray,
    churn_measured: bool,
    orders: np.ndarray,
    gross: np.ndarray,
    median_days: np.ndarray,
    revenue: np.ndarray,
    values: dict[str, tuple[np.ndarray, np.ndarray]],
) -> pd.DataFrame:
    """The per-segment table from each segment's sums, counted here or by a database: the one
    place its shares, rates and averages are worked out. ``values``: window name -> (net
    amount within it, customers observed for all of it)."""
    out = pd.DataFrame(
        {
            "segment": labels,
            "customers": customers,
            "customers_share": customers / max(int(customers.sum()), 1),
            "repeat_customers": repeat,
            "repeat_rate": divide(repeat, customers),
            "churn_buyers": buyers,
            "churn_lost": lost,
            "churn_rate": divide(lost, buyers) if churn_measured else np.full(len(labels), np.nan),
            "orders": orders,
            "aov": divide(gross, orders),
            "median_days_between": median_days,
            "revenue": revenue,
        }
    )
    for name, (total, seen) in values.items():
        out[f"value_{name}"] = divide(total, seen)
        out[f"customers_{name}"] = seen
    return out


def _aggregate(f: _Facts, seg: np.ndarray, labels: list[str]) -> pd.DataFrame:
    k = len(labels)

    def count(mask):
        return np.bincount(seg, weights=mask, minlength=k).round().astype(np.int64)

    def value(name: str, days: int) -> tuple[np.ndarray, np.ndarray]:
        seen = f.observed_days >= days - 1  # the whole window lies inside the file
        return np.bincount(seg[seen], weights=f.value[name][seen], minlength=k), count(seen)

    return segment_table(
        labels,
        customers=np.bincount(seg, minlength=k),
        repeat=count(f.orders >= 2),
        buyers=count(f.buyer),
        lost=count(f.lost),
        churn_measured=f.churn.measured,
        orders=count(f.orders),
        gross=np.bincount(seg, weights=f.gross, minlength=k),
        median_days=_median_per_group(f.gap, seg[f.gap_owner], k),
        revenue=np.bincount(seg, weights=f.net, minlength=k),
        values={name: value(name, days) for name, days in VALUE_DAYS.items()},
    )


def _curves(f: _Facts, seg: np.ndarray, labels: list[str]) -> pd.DataFrame:
    k = len(labels)
    parts = []
    for months in range(1, CURVE_MONTHS + 1):
        days = months * DAYS_PER_MONTH
        seen = f.observed_days >= days
        again = seen & (f.second_gap <= days)
        n_seen = np.bincount(seg, weights=seen, minlength=k).round().astype(np.int64)
        n_again = np.bincount(seg, weights=again, minlength=k).round().astype(np.int64)
        parts.append(
            pd.DataFrame(
                {
                    "segment": labels,
                    "months": months,
                    "observed": n_seen,
                    "again": n_again,
                    "share": divide(n_again, n_seen),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _order(table: pd.DataFrame, by: str) -> np.ndarray:
    """Segments in time order for cohorts and tiers, else largest first."""
    if SEGMENTATIONS.get(by, ("",))[0] in ("cohort", "size"):
        return np.arange(len(table))
    return np.argsort(-table["customers"].to_numpy(), kind="stable")


def segment(
    table: pd.DataFrame,
    by: str,
    *,
    column: str | None = None,
    tiers: tuple[float, ...] | None = None,
) -> Segments:
    """Group customers by their first order and measure every group.

    Parameters
    ----------
    table : pandas.DataFrame
        Orders as :func:`calc.upload.read` gives them: ``customer_id``,
        ``date``, ``amount``; optional ``order_id``, ``category``,
        ``product``, ``channel``, ``country`` and any other column.
    by : str
        A key of :data:`SEGMENTATIONS`, or ``"column"`` with ``column``.
    column : str, optional
        The text column to group by when ``by == "column"``.
    tiers : tuple of float, optional
        Edges of the first-order tiers (money, increasing, above 0) when
        ``by == "first_order"``; default :func:`default_tiers`.

    Returns
    -------
    Segments
        ``table`` has one row per segment: ``segment``, ``customers``,
        ``customers_share`` (0-1), ``repeat_customers`` (2+ orders),
        ``repeat_rate`` (0-1), ``churn_buyers``, ``churn_lost``,
        ``churn_rate`` (lost / buyers, a fraction per year, windows of the
        whole file; NaN when the file is too short), ``orders``, ``aov``
        (purchases / orders), ``median_days_between`` (days between
        consecutive purchase days of the segment's customers),
        ``revenue`` (net), ``value_first_year`` / ``value_two_years`` (net amount per
        customer within 365 / 730 days of the first order, among the
        ``customers_first_year`` / ``customers_two_years`` customers whose first order is
        at least 364 / 729 days before the file's last day). Largest segment
        first (cohorts and tiers in their own order).

    Raises
    ------
    DataError
        An unknown grouping or a column not in the table.
    InputError
        Tier edges that are not increasing numbers above 0 (``field`` "tiers").

    Examples
    --------
    a buys on web twice, b on web once, c in the shop once:

    >>> t = pd.DataFrame({"customer_id": ["a", "b", "a", "c"],
    ...     "date": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-11", "2026-01-03"]),
    ...     "amount": [30.0, 10.0, 20.0, 60.0], "channel": ["web", "web", "shop", "shop"]})
    >>> s = segment(t, "channel")
    >>> s.table[["segment", "customers", "repeat_rate", "aov", "median_days_between"]]
      segment  customers  repeat_rate   aov  median_days_between
    0     web          2          0.5  20.0                 10.0
    1    shop          1          0.0  60.0                  NaN
    """
    p = _prepare(table)
    f = _facts(p)
    edges: tuple[float, ...] = ()
    if by == "column":
        if column not in table.columns:
            raise DataError("segments.no_column", name=str(column))
        seg, labels = _first_values(table[column], f.first_row)
    elif by not in SEGMENTATIONS:
        raise DataError("segments.unknown_grouping", name=str(by))
    else:
        kind, arg = SEGMENTATIONS[by]
        column = arg if kind == "first" else None
        if kind == "first":
            if arg not in table.columns:
                raise DataError("segments.no_column", name=arg)
            seg, labels = _first_values(table[arg], f.first_row)
        elif kind == "cohort":
            seg, labels = _cohort_labels(f.first_day, arg)
        else:
            first = first_order_amounts(p, f)
            edges = default_tiers(first) if tiers is None else _check_tiers(tiers)
            seg = np.searchsorted(np.asarray(edges), first, side="right").astype(np.int64)
            labels = tier_labels(edges) if edges else ["≥ 0"]
    out = _aggregate(f, seg, labels)
    order = _order(out, by)
    if not np.array_equal(order, np.arange(len(order))) or (out["customers"] == 0).any():
        order = order[out["customers"].to_numpy()[order] > 0]
        remap = np.full(len(labels), -1, dtype=np.int64)
        remap[order] = np.arange(len(order))
        seg = remap[seg]
        labels = [labels[i] for i in order]
        out = out.iloc[order].reset_index(drop=True)
    y = f.churn
    windows = (y.first_start, y.first_end, y.second_start, y.second_end) if y.measured else None
    return Segments(
        by=by,
        column=column,
        tiers=edges,
        labels=labels,
        table=out,
        curves=_curves(f, seg, labels),
        ids=p.ids,
        customer_segment=seg,
        churn_windows=windows,
        facts=f,
    )


def largest(s: Segments, k: int = 10) -> Segments:
    """The ``k`` largest segments, the rest folded into one :data:`OTHER` segment (for charts).

    Every figure of the folded segment is measured again on its customers
    (a rate of the rest is not an average of rates).

    >>> t = pd.DataFrame({"customer_id": list("abcd"),
    ...     "date": pd.to_datetime(["2026-01-01"] * 4), "amount": [1.0] * 4,
    ...     "country": ["NO", "NO", "PL", "DK"]})
    >>> largest(segment(t, "country"), 1).table[["segment", "customers"]].values.tolist()
    [['NO', 2], ['(other)', 2]]
    """
    if len(s.labels) <= k:
        return s
    customers = s.table["customers"].to_numpy()
    keep = np.sort(np.argsort(-customers, kind="stable")[:k])
    remap = np.full(len(s.labels), k, dtype=np.int64)
    remap[keep] = np.arange(k)
    seg = remap[s.customer_segment]
    labels = [s.labels[i] for i in keep] + [OTHER]
    return Segments(
        by=s.by,
        column=s.column,
        tiers=s.tiers,
        labels=labels,
        table=_aggregate(s.facts, seg, labels),
        curves=_curves(s.facts, seg, labels),
        ids=s.ids,
        customer_segment=seg,
        churn_windows=s.churn_windows,
        facts=s.facts,
    )
