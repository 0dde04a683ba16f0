"""Retention and value figures from an order log (and MRR movements from subscriptions).

Input is the table :func:`calc.upload.read` returns (``customer_id``,
``date``, ``amount`` and optional columns); any DataFrame with those columns
works. Every function returns a tidy DataFrame or a frozen dataclass.

Definitions used throughout
---------------------------
- A *purchase* is a row with an amount of 0 or more; a row with a negative
  amount is a *refund* (a return). Revenue is net: purchases plus refunds.
- An *order* is a purchase row; when the table has ``order_id``, consecutive
  rows with the same order id, customer and day are the lines of one order
  (exports list an order's lines together).
- A customer is *active* in a calendar period (month, quarter, year) when they
  made at least one purchase in it. A customer active in period p and not
  active in p + 1 has *churned* at the end of p; churn rate of p = churned /
  active in p. The last period has no next period yet, so its churn is left
  empty (NaN). A customer who comes back later counts as *reactivated*.
- Time between purchases is measured between consecutive distinct purchase
  days of the same customer (two orders on one day are one visit).
- A customer is *at risk* when they bought on at least two days and the days
  since their last purchase exceed ``factor`` (default 1.5) times their own
  median time between purchases.

Speed: customer ids are turned into integer codes once (free when the column
is categorical, as :func:`calc.upload.read` returns it) and every grouping
is a numpy ``bincount``, sort or ``reduceat`` on those codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from calc.clv import convert_rate
from calc.errors import DataError

PERIODS = {"M": "month", "Q": "quarter", "Y": "year"}
AT_RISK_FACTOR = 1.5
GAP_BINS = (0, 7, 14, 30, 60, 90, 180, 365)
_NS_PER_DAY = 86_400 * 10**9


# --------------------------------------------------------------------- prepare


@dataclass(frozen=True)
class _Prep:
    """Columns of an order log as numpy arrays, with the shared groupings done once."""

    code: np.ndarray  # int64 customer code per row, 0..n_customers-1
    ids: pd.Index  # customer id per code
    day: np.ndarray  # int64 days since 1970-01-01 per row
    month: np.ndarray  # int64 months since 1970-01 per row
    amount: np.ndarray  # float64 per row
    purchase: np.ndarray  # bool per row: amount >= 0
    returned: np.ndarray  # bool per row: flagged returned
    order_code: np.ndarray  # int64 order number per row (row number without order ids)
    order_first: np.ndarray  # bool per row: first purchase row of its order
    orders_per_customer: np.ndarray  # int64 per customer code
    # distinct purchase days per customer, sorted by (code, day)
    u_code: np.ndarray
    u_day: np.ndarray
    u_month: np.ndarray
    n_customers: int
    table: pd.DataFrame = field(repr=False)


def _customer_codes(ids: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Customer ids as dense integer codes (int32: 4 bytes a row), and the id of each code."""
    if isinstance(ids.dtype, pd.CategoricalDtype):
        codes = ids.cat.codes.to_numpy().astype(np.int32, copy=False)
        cats = ids.cat.categories
        used = np.bincount(codes, minlength=len(cats)) > 0
        if not used.all():
            remap = (np.cumsum(used) - 1).astype(np.int32)
            codes = remap[codes]
            cats = cats[used]
        return codes, pd.Index(cats)
    codes, uniques = pd.factorize(ids, sort=False)
    return codes.astype(np.int32), pd.Index(uniques)


def _months(day: np.ndarray) -> np.ndarray:
    """Months since 1970-01 for days since 1970-01-01 (through a small lookup table)."""
    if len(day) == 0:
        return day.astype(np.int32)
    d0 = int(day.min())
    span = np.arange(d0, int(day.max()) + 1, dtype=np.int64)
    table = span.astype("datetime64[D]").astype("datetime64[M]").astype(np.int32)
    return table[day - d0]


def _prepare(table: pd.DataFrame) -> _Prep:
    """Check the columns and do the groupings every result shares, once.

    Lines of one order are expected on consecutive rows, as exports list
    them: a row starts a new order when its order id, customer or day
    differs from the row before. So order ids are compared with their
    neighbour, never hashed.
    """
    missing = [c for c in ("customer_id", "date", "amount") if c not in table.columns]
    if missing:
        raise DataError("orders.missing_columns", column=missing[0], missing=missing)
    if len(table) == 0:
        raise DataError("orders.no_orders")
    if table["customer_id"].isna().any() or table["date"].isna().any():
        raise DataError("orders.no_customer_or_date")
    code, ids = _customer_codes(table["customer_id"])
    day = (table["date"].to_numpy(dtype="datetime64[ns]").view(np.int64) // _NS_PER_DAY).astype(
        np.int32
    )
    amount = table["amount"].to_numpy(dtype=np.float64)
    if np.isnan(amount).any():
        raise DataError("orders.no_amount")
    n = len(table)
    n_customers = len(ids)
    purchase = amount >= 0
    returned = np.zeros(n, dtype=bool)
    if "returned" in table.columns:
        returned = table["returned"].fillna(False).to_numpy(dtype=bool)
    # orders, in file order
    new = np.ones(n, dtype=bool)
    if "order_id" in table.columns and n > 1:
        oid = pa.array(table["order_id"], from_pandas=True)
        same_id = pc.fill_null(pc.equal(oid.slice(1), oid.slice(0, n - 1)), False)
        new[1:] = ~same_id.to_numpy(zero_copy_only=False)
        new[1:] |= (code[1:] != code[:-1]) | (day[1:] != day[:-1])
    order_code = np.cumsum(new) - 1
    rows = np.flatnonzero(purchase)
    oc = order_code[rows]
    first_of_order = np.ones(len(rows), dtype=bool)
    first_of_order[1:] = oc[1:] != oc[:-1]
    order_first = np.zeros(n, dtype=bool)
    order_first[rows[first_of_order]] = True
    per_customer = np.bincount(code[order_first], minlength=n_customers)
    # distinct (customer, purchase day) pairs, sorted by customer then day
    if len(rows):
        dp = day[rows]
        d0 = int(dp.min())
        span = int(dp.max()) - d0 + 1
        kp = np.sort(code[rows].astype(np.int64) * span + (dp - d0))
        edge = np.ones(len(kp), dtype=bool)
        edge[1:] = kp[1:] != kp[:-1]
        kp = kp[edge]
        u_code, u_day = kp // span, kp % span + d0
    else:
        u_code = u_day = np.zeros(0, dtype=np.int64)
    return _Prep(
        code=code,
        ids=ids,
        day=day,
        month=_months(day),
        amount=amount,
        purchase=purchase,
        returned=returned,
        order_code=order_code,
        order_first=order_first,
        orders_per_customer=per_customer,
        u_code=u_code,
        u_day=u_day,
        u_month=_months(u_day),
        n_customers=n_customers,
        table=table,
    )


def _starts(sorted_codes: np.ndarray) -> np.ndarray:
    """Index where each run of equal values starts in a sorted array."""
    if len(sorted_codes) == 0:
        return np.zeros(0, dtype=np.int64)
    edge = np.ones(len(sorted_codes), dtype=bool)
    edge[1:] = sorted_codes[1:] != sorted_codes[:-1]
    return np.flatnonzero(edge)


# -------------------------------------------------------------------- headline


@dataclass(frozen=True)
class Headline:
    """Headline numbers of an order log.

    Attributes
    ----------
    customers : int
        Distinct customers with at least one purchase or refund.
    orders : int
        Orders (purchases); see the module notes.
    revenue : float
        Net revenue: purchases plus refunds, in the file's currency.
    gross_revenue : float
        Purchases only.
    refunds : float
        Sum of negative amounts (0 or less).
    aov : float
        Average order value: gross revenue / orders.
    purchase_frequency : float
        Orders per customer over the whole period covered.
    repeat_purchase_rate : float
        Share (0-1) of customers with two or more orders.
    median_days_between_purchases : float
        Median over all consecutive purchase days of the same customer; NaN
        when no customer bought on two days.
    return_rate : float
        Share (0-1) of orders returned: orders flagged returned or with a
        refund row, plus refund rows without an order id, over orders.
    first_date, last_date : pandas.Timestamp
    days : int
        Days covered, first to last date inclusive.
    """

    customers: int
    orders: int
    revenue: float
    gross_revenue: float
    refunds: float
    aov: float
    purchase_frequency: float
    repeat_purchase_rate: float
    median_days_between_purchases: float
    return_rate: float
    first_date: pd.Timestamp
    last_date: pd.Timestamp
    days: int


def _gaps(p: _Prep) -> tuple[np.ndarray, np.ndarray]:
    """Days between consecutive distinct purchase days, and the customer of each gap."""
    same = p.u_code[1:] == p.u_code[:-1]
    return np.diff(p.u_day)[same], p.u_code[1:][same]


def _headline(p: _Prep) -> Headline:
    orders = int(p.order_first.sum())
    gross = float(p.amount[p.purchase].sum())
    refunds = float(p.amount[~p.purchase].sum())
    customers = p.n_customers
    gaps, _ = _gaps(p)
    # an order with a refund line or a returned flag is one return; so is a lone refund row
    returned_orders = np.zeros(int(p.order_code.max()) + 1, dtype=bool)
    returned_orders[p.order_code[p.returned | ~p.purchase]] = True
    returns = int(returned_orders.sum())
    first, last = int(p.day.min()), int(p.day.max())
    return Headline(
        customers=customers,
        orders=orders,
        revenue=gross + refunds,
        gross_revenue=gross,
        refunds=refunds,
        aov=gross / orders if orders else float("nan"),
        purchase_frequency=orders / customers if customers else float("nan"),
        repeat_purchase_rate=float((p.orders_per_customer >= 2).sum() / customers),
        median_days_between_purchases=float(np.median(gaps)) if len(gaps) else float("nan"),
        return_rate=min(1.0, returns / orders) if orders else float("nan"),
        first_date=_ts(first),
        last_date=_ts(last),
        days=last - first + 1,
    )


def _ts(day: int) -> pd.Timestamp:
    return pd.Timestamp(np.datetime64(int(day), "D"))


def headline(table: pd.DataFrame) -> Headline:
    """Customers, orders, revenue, AOV, frequency, repeat rate, time between purchases, returns.

    Parameters
    ----------
    table : pandas.DataFrame
        Orders: ``customer_id``, ``date``, ``amount``; optional ``order_id``,
        ``returned``.

    Returns
    -------
    Headline

    Examples
    --------
    Customer a buys for 100 on 5 January and 50 on 10 February and returns 10
    on 1 March; b buys for 80, c for 20. Four orders, 250 gross, 240 net,
    AOV 250 / 4 = 62.5; one of three customers came back (a, after 36 days).

    >>> t = pd.DataFrame({
    ...     "customer_id": ["a", "a", "b", "c", "a"],
    ...     "date": pd.to_datetime(["2026-01-05", "2026-02-10", "2026-01-20",
    ...                             "2026-02-01", "2026-03-01"]),
    ...     "amount": [100.0, 50.0, 80.0, 20.0, -10.0]})
    >>> h = headline(t)
    >>> h.customers, h.orders, h.revenue, h.aov, round(h.repeat_purchase_rate, 4)
    (3, 4, 240.0, 62.5, 0.3333)
    >>> h.median_days_between_purchases, h.return_rate
    (36.0, 0.25)
    """
    return _headline(_prepare(table))


# ------------------------------------------------------------------- retention


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


# --------------------------------------------------------------------- cohorts


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


# ------------------------------------------------------------------------ gaps


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


# ------------------------------------------------------------------- customers


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


# ------------------------------------------------------------- headline churn

#: Days of each window of the headline churn: a year.
YEAR_DAYS = 365
#: The first window may be shorter than a year when the file is, but not shorter than this.
MIN_FIRST_WINDOW_DAYS = 183


@dataclass(frozen=True)
class YearlyChurn:
    """The one churn of an order log: who bought in a year and not in the year after.

    A shop's customers never cancel, so churn is a definition: of the
    customers who bought in the first window, the share who did not buy in
    the second. The second window is the last 365 days of the file, ending on
    its last purchase day; the first is the 365 days before it (shorter when
    the file starts later, never under :data:`MIN_FIRST_WINDOW_DAYS`).

    Attributes
    ----------
    churn : float
        lost / buyers, a fraction per year; NaN when the file is too short.
    buyers : int
        Customers with a purchase in the first window.
    lost : int
        Of those, customers with no purchase in the second window.
    first_start, first_end, second_start, second_end : pandas.Timestamp
        The windows, each day included.
    first_days : int
        Days in the first window (365 unless the file starts later; 0 when
        there is no usable first window).
    """

    churn: float
    buyers: int
    lost: int
    first_start: pd.Timestamp
    first_end: pd.Timestamp
    second_start: pd.Timestamp
    second_end: pd.Timestamp
    first_days: int

    @property
    def measured(self) -> bool:
        """True when the file is long enough for a churn."""
        return not np.isnan(self.churn)


def _yearly_churn(p: _Prep) -> YearlyChurn:
    last = int(p.day.max())
    b0 = last - YEAR_DAYS + 1  # second window: b0 .. last
    a1 = b0 - 1
    a0 = max(a1 - YEAR_DAYS + 1, int(p.day.min()))  # first window: a0 .. a1
    days = max(0, a1 - a0 + 1)
    buyers = lost = 0
    churn = float("nan")
    if days >= MIN_FIRST_WINDOW_DAYS:
        first = np.zeros(p.n_customers, dtype=bool)
        second = np.zeros(p.n_customers, dtype=bool)
        first[p.u_code[(p.u_day >= a0) & (p.u_day <= a1)]] = True
        second[p.u_code[p.u_day >= b0]] = True
        buyers = int(first.sum())
        lost = int((first & ~second).sum())
        churn = lost / buyers if buyers else float("nan")
    return YearlyChurn(
        churn=churn,
        buyers=buyers,
        lost=lost,
        first_start=_ts(a0),
        first_end=_ts(a1),
        second_start=_ts(b0),
        second_end=_ts(last),
        first_days=days if days >= MIN_FIRST_WINDOW_DAYS else 0,
    )


def yearly_churn(table: pd.DataFrame) -> YearlyChurn:
    """The headline churn of an order log: bought in one 12-month window, not in the next.

    Parameters
    ----------
    table : pandas.DataFrame
        Orders: ``customer_id``, ``date``, ``amount``.

    Returns
    -------
    YearlyChurn
        ``churn`` is NaN when the file covers less than 365 +
        :data:`MIN_FIRST_WINDOW_DAYS` days (about 18 months).

    Notes
    -----
    churn = customers who bought in [last - 729, last - 365] and not in
    [last - 364, last] / customers who bought in [last - 729, last - 365],
    with ``last`` the file's last purchase day and the first window clipped
    to the file's first day. Only purchases count (refund rows do not).
    A yearly figure measured over a year: never a monthly figure raised to
    the twelfth power, which reads "did not buy again the next month" as
    "left for good" and comes out near 100% for a healthy shop.

    References
    ----------
    Croll, A. and Yoskovitz, B. (2013). Lean Analytics, O'Reilly: the annual
    repurchase rate of an online shop, "what percentage of last year's buyers
    buy this year"; churn is its complement.

    Examples
    --------
    a buys in both years, b only in the first, c only in the second: one of
    the two first-year buyers is lost.

    >>> t = pd.DataFrame({"customer_id": ["a", "b", "a", "c"],
    ...     "date": pd.to_datetime(["2024-12-01", "2025-03-01", "2025-12-20", "2026-06-30"]),
    ...     "amount": [10.0, 20.0, 30.0, 40.0]})
    >>> y = yearly_churn(t)
    >>> y.churn, y.buyers, y.lost, str(y.second_start.date()), y.first_days
    (0.5, 2, 1, '2025-07-01', 212)
    """
    return _yearly_churn(_prepare(table))


def require_yearly_churn(churn: float, days: int) -> float:
    """The headline yearly churn, or a :class:`DataError` saying the file is too short for one.

    >>> require_yearly_churn(0.25, 800)
    0.25
    """
    if np.isnan(churn):
        raise DataError("business.no_yearly_churn", days=days)
    return churn


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


# ----------------------------------------------------------------- CLV inputs


@dataclass(frozen=True)
class ClvInputs:
    """Inputs for the formula CLV (calc.clv), measured from the order log.

    Attributes
    ----------
    aov : float
        Average order value (gross), the file's currency.
    purchases_per_year : float
        Orders per customer per year: orders / customers / years covered.
        NaN when the data covers less than 28 days.
    monthly_churn : float
        Customers who did not buy again the next calendar month / customers
        active, pooled over every month but the last (0-1). Detail only: a
        customer who skips a month has not left.
    annual_churn : float
        The headline churn (per year): :func:`yearly_churn`. NaN when the
        file covers less than about 18 months.
    annual_churn_from_monthly : float
        ``1 - (1 - monthly_churn) ** 12``, kept only to show why a monthly
        figure must not be annualised; never used as a churn.
    customers : int
    days : int
        Days covered by the data.
    """

    aov: float
    purchases_per_year: float
    monthly_churn: float
    annual_churn: float
    annual_churn_from_monthly: float
    customers: int
    days: int


def _pooled_churn(ret: pd.DataFrame) -> float:
    done = ret["churned"].notna() & (ret["active"] > 0)
    active = ret.loc[done, "active"].sum()
    return float(ret.loc[done, "churned"].sum() / active) if active else float("nan")


def _clv_inputs(h: Headline, monthly: pd.DataFrame, yearly: YearlyChurn) -> ClvInputs:
    years = h.days / 365.25
    m = _pooled_churn(monthly)
    return ClvInputs(
        aov=h.aov,
        purchases_per_year=h.orders / h.customers / years if h.days >= 28 else float("nan"),
        monthly_churn=m,
        annual_churn=yearly.churn,
        annual_churn_from_monthly=convert_rate(m, "month", "year")
        if not np.isnan(m)
        else float("nan"),
        customers=h.customers,
        days=h.days,
    )


def clv_inputs(table: pd.DataFrame) -> ClvInputs:
    """AOV, purchase frequency per year and the headline yearly churn, for the formula CLV.

    Examples
    --------
    Two months of orders: a monthly figure, but too short for a yearly churn.

    >>> t = pd.DataFrame({"customer_id": ["a", "b", "a", "c"],
    ...     "date": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-02-10", "2026-02-01"]),
    ...     "amount": [100.0, 80.0, 50.0, 20.0]})
    >>> c = clv_inputs(t)
    >>> c.aov, c.monthly_churn, c.annual_churn
    (62.5, 0.5, nan)
    """
    p = _prepare(table)
    h = _headline(p)
    return _clv_inputs(h, _retention(p, "M"), _yearly_churn(p))


# ------------------------------------------------------------------- breakdown


def _distinct_pairs(a: np.ndarray, b: np.ndarray, n_a: int, n_b: int) -> np.ndarray:
    """Count distinct b per value of a (both dense integer codes)."""
    if n_a * n_b <= 50_000_000:
        seen = np.zeros((n_a, n_b), dtype=bool)
        seen[a, b] = True
        return seen.sum(axis=1)
    key = np.unique(a * n_b + b)
    return np.bincount(key // n_b, minlength=n_a)


def _tier_per_row(p: _Prep, tiers: pd.Series) -> pd.Series:
    codes = tiers.cat.codes.to_numpy()[p.code]
    return pd.Series(pd.Categorical.from_codes(codes, dtype=tiers.dtype))


def _breakdown(p: _Prep, values: pd.Series) -> pd.DataFrame:
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype(np.int64)
        labels = pd.Index(values.cat.categories).astype(str)
    else:
        codes, labels = pd.factorize(values.astype("str"), sort=False)
        codes = codes.astype(np.int64)
        labels = pd.Index(labels).astype(str)
    missing = codes < 0
    if missing.any():
        codes = np.where(missing, len(labels), codes)
        labels = labels.append(pd.Index(["(blank)"]))
    k = len(labels)
    customers = _distinct_pairs(codes, p.code, k, p.n_customers)
    # an order counts once for each value its purchase lines have (an order of coffee and a
    # cup is an order in both products)
    if p.order_first.sum() < p.purchase.sum():
        key = np.unique(p.order_code[p.purchase].astype(np.int64) * (k + 1) + codes[p.purchase])
        orders = np.bincount(key % (k + 1), minlength=k + 1)[:k]
    else:
        orders = np.bincount(codes[p.order_first], minlength=k)
    revenue = np.bincount(codes, weights=p.amount, minlength=k)
    gross = np.bincount(codes[p.purchase], weights=p.amount[p.purchase], minlength=k)
    total = revenue.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame(
            {
                "value": labels,
                "customers": customers,
                "orders": orders,
                "revenue": revenue,
                "revenue_share": revenue / total if total else np.nan,
                "aov": np.where(orders > 0, gross / np.maximum(orders, 1), np.nan),
            }
        )
    out = out[(out["customers"] > 0)]
    return out.sort_values("revenue", ascending=False, kind="stable", ignore_index=True)


def breakdown(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """Customers, orders and revenue per value of a category column.

    Parameters
    ----------
    table : pandas.DataFrame
        Orders.
    column : str
        Any column of ``table`` (product, category, channel, country, ...), or
        ``"tier"`` for customer size tiers (see :func:`customer_summary`).

    Returns
    -------
    pandas.DataFrame
        ``value``, ``customers`` (distinct), ``orders``, ``revenue`` (net),
        ``revenue_share`` (0-1), ``aov``; highest revenue first. Empty cells
        are grouped as "(blank)".

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...     "date": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03"]),
    ...     "amount": [30.0, 10.0, 60.0], "channel": ["web", "shop", "web"]})
    >>> breakdown(t, "channel")[["value", "customers", "orders", "revenue", "revenue_share"]]
      value  customers  orders  revenue  revenue_share
    0   web          2       2     90.0            0.9
    1  shop          1       1     10.0            0.1
    """
    p = _prepare(table)
    if column == "tier":
        values = _tier_per_row(p, _customer_table(p, None)["tier"])
    elif column in table.columns:
        values = table[column]
    else:
        raise DataError("orders.no_breakdown_column", name=str(column))
    return _breakdown(p, values)


# ------------------------------------------------------------------- analyse

BREAKDOWN_COLUMNS = ("category", "product", "channel", "country", "status")


@dataclass(frozen=True, eq=False)
class OrdersAnalysis:
    """Every result of an order log, computed in one pass over shared groupings.

    Attributes
    ----------
    headline : Headline
    retention : dict
        ``"M"``, ``"Q"``, ``"Y"`` -> :func:`retention` table.
    cohorts : pandas.DataFrame
        :func:`cohorts`.
    gaps : pandas.DataFrame
        :func:`purchase_gaps`.
    customers : pandas.DataFrame
        :func:`customer_summary`.
    at_risk : pandas.DataFrame
        :func:`at_risk`.
    clv : ClvInputs
    breakdowns : dict
        Column name -> :func:`breakdown` table, for each category-like column
        present and for ``"tier"``.
    churn : YearlyChurn
        :func:`yearly_churn`, the headline churn (``clv.annual_churn``).
    """

    headline: Headline
    retention: dict[str, pd.DataFrame]
    cohorts: pd.DataFrame
    gaps: pd.DataFrame
    customers: pd.DataFrame
    at_risk: pd.DataFrame
    clv: ClvInputs
    breakdowns: dict[str, pd.DataFrame]
    churn: YearlyChurn | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by a short code, ready for :func:`calc.exports.to_xlsx` as sheet names.

        Codes: ``headline``, ``clv_inputs``, ``retention_month`` (and
        ``_quarter``, ``_year``), ``cohorts``, ``gaps``, ``customers``,
        ``at_risk``, then ``by <column>`` for each breakdown, named as in the
        file. The interface names the sheets in its user's language.
        """
        h = pd.DataFrame({"measure": list(self.headline.__dataclass_fields__)}).assign(
            value=[getattr(self.headline, k) for k in self.headline.__dataclass_fields__]
        )
        c = pd.DataFrame({"measure": list(self.clv.__dataclass_fields__)}).assign(
            value=[getattr(self.clv, k) for k in self.clv.__dataclass_fields__]
        )
        out = {"headline": h.astype({"value": "object"}), "clv_inputs": c}
        for key, name in PERIODS.items():
            out[f"retention_{name}"] = self.retention[key]
        out["cohorts"] = self.cohorts
        out["gaps"] = self.gaps
        out["customers"] = self.customers
        out["at_risk"] = self.at_risk
        for col, df in self.breakdowns.items():
            out[f"by {col}"] = df
        return out


def analyse(
    table: pd.DataFrame,
    *,
    as_of: pd.Timestamp | str | None = None,
    at_risk_factor: float = AT_RISK_FACTOR,
    breakdown_columns: tuple[str, ...] | None = None,
) -> OrdersAnalysis:
    """All results for an order log: headline, retention, cohorts, gaps, customers, breakdowns.

    Parameters
    ----------
    table : pandas.DataFrame
        Orders (``customer_id``, ``date``, ``amount``, optional columns).
    as_of : date, optional
        Day "days since last purchase" counts to; default the last date.
    at_risk_factor : float
        See :func:`at_risk`.
    breakdown_columns : tuple of str, optional
        Columns to break down by; default every one of category, product,
        channel, country, status present, plus ``"tier"``.

    Returns
    -------
    OrdersAnalysis

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": ["a", "b", "a", "c"],
    ...     "date": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-02-10", "2026-02-01"]),
    ...     "amount": [100.0, 80.0, 50.0, 20.0]})
    >>> r = analyse(t)
    >>> r.headline.revenue, len(r.cohorts), r.customers["historic_clv"].tolist()
    (250.0, 3, [150.0, 80.0, 20.0])
    """
    p = _prepare(table)
    h = _headline(p)
    ret = {k: _retention(p, k) for k in PERIODS}
    churn = _yearly_churn(p)
    summary = _customer_table(p, None if as_of is None else pd.Timestamp(as_of))
    if breakdown_columns is None:
        breakdown_columns = (*(c for c in BREAKDOWN_COLUMNS if c in table.columns), "tier")
    breakdowns = {}
    for col in breakdown_columns:
        if col == "tier":
            values = _tier_per_row(p, summary["tier"])
        elif col in table.columns:
            values = table[col]
        else:
            raise DataError("orders.no_breakdown_column", name=str(col))
        breakdowns[col] = _breakdown(p, values)
    return OrdersAnalysis(
        headline=h,
        retention=ret,
        cohorts=_cohorts(p),
        gaps=_gap_table(p),
        customers=summary,
        at_risk=at_risk(summary, at_risk_factor),
        clv=_clv_inputs(h, ret["M"], churn),
        churn=churn,
        breakdowns=breakdowns,
    )


# --------------------------------------------------------------- subscriptions


def _monthly_mrr(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.Index]:
    """MRR per (customer, month) at each month's end, sorted by customer then month."""
    code, ids = _customer_codes(table["customer_id"])
    if "month" in table.columns:
        month = _months(
            table["month"].to_numpy(dtype="datetime64[ns]").astype(np.int64) // _NS_PER_DAY
        )
        mrr = table["mrr"].to_numpy(dtype=float)
        reps_code, reps_month, reps_mrr = code, month, mrr
    else:
        start = table["start"].to_numpy(dtype="datetime64[ns]")
        end = table["end"].to_numpy(dtype="datetime64[ns]")
        mrr = table["mrr"].to_numpy(dtype=float)
        m_start = start.astype("datetime64[M]").astype(np.int64)
        last_seen = max(
            int(m_start.max()),
            int(end[~np.isnat(end)].astype("datetime64[M]").astype(np.int64).max())
            if (~np.isnat(end)).any()
            else int(m_start.max()),
        )
        # counted at a month's end when started by then and not ended by then
        m_end = np.where(np.isnat(end), last_seen, end.astype("datetime64[M]").astype(np.int64) - 1)
        n_months = np.clip(m_end - m_start + 1, 0, None)
        reps_code = np.repeat(code, n_months)
        reps_mrr = np.repeat(mrr, n_months)
        offsets = np.arange(int(n_months.sum())) - np.repeat(
            np.cumsum(n_months) - n_months, n_months
        )
        reps_month = np.repeat(m_start, n_months) + offsets
    if len(reps_month) == 0:
        return (np.zeros(0, np.int64),) * 2 + (np.zeros(0),) + (ids,)
    m0 = int(reps_month.min())
    span = int(reps_month.max()) - m0 + 1
    key = reps_code.astype(np.int64) * span + (reps_month - m0)
    order = np.argsort(key, kind="stable")
    key = key[order]
    starts = _starts(key)
    total = np.add.reduceat(reps_mrr[order], starts)
    key = key[starts]
    return key // span, key % span + m0, total, ids


def mrr_movements(table: pd.DataFrame) -> pd.DataFrame:
    """Monthly MRR movements, revenue churn, GRR and NRR from subscriptions.

    Parameters
    ----------
    table : pandas.DataFrame
        Subscriptions as :func:`calc.upload.read` returns them: either
        ``customer_id``, ``start``, ``end`` (NaT = active), ``mrr``; or the
        wide form turned long: ``customer_id``, ``month``, ``mrr``.

    Returns
    -------
    pandas.DataFrame
        One row per month: ``month``, ``label``, ``mrr_start`` (MRR at the
        end of the month before), ``new``, ``reactivation``, ``expansion``
        (all >= 0), ``contraction``, ``churn`` (both <= 0), ``mrr_end``,
        ``customers_start``, ``customers_end``, ``churned_customers``,
        ``customer_churn_rate``, ``revenue_churn_rate`` (lost MRR from
        contraction and churn / mrr_start), ``grr`` and ``nrr`` (per month,
        fractions; NaN in the first month).

    Notes
    -----
    MRR of a month is taken at its end: a subscription counts from its start
    month until the month before its end month (one ending on 10 March is in
    February's MRR, not March's). Per customer, month over month:
    new = first MRR ever; reactivation = MRR again after a gap; expansion /
    contraction = change of a continuing customer's MRR; churn = the MRR of a
    customer who has none now.

    GRR = (mrr_start + contraction + churn) / mrr_start;
    NRR = (mrr_start + expansion + contraction + churn) / mrr_start; so
    NRR >= GRR, and revenue churn = 1 - GRR. New and reactivated MRR count in
    neither.

    Examples
    --------
    a pays 100 from January, goes up to 150 in March; b pays 50 from January
    and leaves on 15 March (last counted in February).

    >>> t = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...     "start": pd.to_datetime(["2026-01-01", "2026-03-01", "2026-01-10"]),
    ...     "end": pd.to_datetime(["2026-03-01", None, "2026-03-15"]),
    ...     "mrr": [100.0, 150.0, 50.0]})
    >>> m = mrr_movements(t)
    >>> m[["label", "mrr_start", "new", "expansion", "churn", "mrr_end", "grr", "nrr"]]
         label  mrr_start    new  expansion  churn  mrr_end       grr  nrr
    0  2026-01        0.0  150.0        0.0    0.0    150.0       NaN  NaN
    1  2026-02      150.0    0.0        0.0    0.0    150.0  1.000000  1.0
    2  2026-03      150.0    0.0       50.0  -50.0    150.0  0.666667  1.0
    """
    code, month, mrr, _ = _monthly_mrr(table)
    cols = [
        "month", "label", "mrr_start", "new", "reactivation", "expansion", "contraction",
        "churn", "mrr_end", "customers_start", "customers_end", "churned_customers",
        "customer_churn_rate", "revenue_churn_rate", "grr", "nrr",
    ]  # fmt: skip
    live = mrr > 0
    code, month, mrr = code[live], month[live], mrr[live]
    if len(month) == 0:
        return pd.DataFrame(columns=cols)
    m0, m1 = int(month.min()), int(month.max())
    n = m1 - m0 + 1
    rel = month - m0
    prev_same = np.zeros(len(code), dtype=bool)
    prev_same[1:] = (code[1:] == code[:-1]) & (month[1:] == month[:-1] + 1)
    first_ever = np.ones(len(code), dtype=bool)
    first_ever[1:] = code[1:] != code[:-1]
    next_same = np.zeros(len(code), dtype=bool)
    next_same[:-1] = prev_same[1:]
    prev_mrr = np.zeros(len(code))
    prev_mrr[1:] = np.where(prev_same[1:], mrr[:-1], 0.0)
    delta = mrr - prev_mrr

    def by_month(mask, weights=None, shift=0):
        idx = rel[mask] + shift
        ok = idx < n
        w = None if weights is None else weights[mask][ok]
        return np.bincount(idx[ok], weights=w, minlength=n)

    new = by_month(first_ever, mrr)
    react = by_month(~first_ever & ~prev_same, mrr)
    expansion = by_month(prev_same & (delta > 0), delta)
    contraction = by_month(prev_same & (delta < 0), delta)
    churn = 0.0 - by_month(~next_same, mrr, shift=1) + 0.0  # + 0.0 turns -0.0 into 0.0
    churned_customers = by_month(~next_same, shift=1)
    mrr_end = np.bincount(rel, weights=mrr, minlength=n)
    customers_end = np.bincount(rel, minlength=n)
    mrr_start = np.r_[0.0, mrr_end[:-1]]
    customers_start = np.r_[0, customers_end[:-1]]
    with np.errstate(invalid="ignore", divide="ignore"):
        base = np.where(mrr_start > 0, mrr_start, np.nan)
        grr = (mrr_start + contraction + churn) / base
        nrr = (mrr_start + expansion + contraction + churn) / base
        cust_churn = churned_customers / np.where(customers_start > 0, customers_start, np.nan)
    starts = _period_start(np.arange(m0, m1 + 1), "M")
    return pd.DataFrame(
        {
            "month": starts,
            "label": _period_label(starts, "M"),
            "mrr_start": mrr_start,
            "new": new,
            "reactivation": react,
            "expansion": expansion,
            "contraction": contraction,
            "churn": churn,
            "mrr_end": mrr_end,
            "customers_start": customers_start,
            "customers_end": customers_end,
            "churned_customers": churned_customers.astype(np.int64),
            "customer_churn_rate": cust_churn,
            "revenue_churn_rate": 1 - grr,
            "grr": grr,
            "nrr": nrr,
        }
    )


@dataclass(frozen=True)
class SubscriptionSummary:
    """Latest MRR and trailing-twelve-month retention of a subscription book.

    Attributes
    ----------
    month : pandas.Timestamp
        Last month in the data.
    mrr, arr : float
        MRR at that month's end, and 12 x MRR.
    customers : int
        Paying customers at that month's end.
    nrr_12m, grr_12m : float
        Of the customers paying 12 months earlier: their MRR now / their MRR
        then (NRR), and the same with each customer capped at their MRR then
        (GRR). NaN with less than 13 months of data. Fractions per year.
    """

    month: pd.Timestamp
    mrr: float
    arr: float
    customers: int
    nrr_12m: float
    grr_12m: float


def subscription_summary(table: pd.DataFrame) -> SubscriptionSummary:
    """MRR, ARR and yearly NRR/GRR (cohort of customers 12 months back) from subscriptions.

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": ["a", "b", "c"],
    ...     "start": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-06-01"]),
    ...     "end": pd.to_datetime([None, "2025-08-01", None]),
    ...     "mrr": [100.0, 50.0, 30.0]})
    >>> s = subscription_summary(t)
    >>> s.mrr, s.customers, round(s.nrr_12m, 4)
    (130.0, 2, nan)
    """
    code, month, mrr, _ = _monthly_mrr(table)
    live = mrr > 0
    code, month, mrr = code[live], month[live], mrr[live]
    if len(month) == 0:
        raise DataError("orders.no_paying_subscription")
    last = int(month.max())
    now = month == last
    then = month == last - 12
    nrr = grr = float("nan")
    if then.any():
        n_c = int(code.max()) + 1
        before = np.bincount(code[then], weights=mrr[then], minlength=n_c)
        after = np.bincount(code[now], weights=mrr[now], minlength=n_c)
        cohort = before > 0
        nrr = float(after[cohort].sum() / before[cohort].sum())
        grr = float(np.minimum(after, before)[cohort].sum() / before[cohort].sum())
    total = float(mrr[now].sum())
    return SubscriptionSummary(
        month=_period_start(np.array([last]), "M")[0],
        mrr=total,
        arr=12 * total,
        customers=int(now.sum()),
        nrr_12m=nrr,
        grr_12m=grr,
    )


# ---------------------------------------------------------------- customers shape


def customers_headline(table: pd.DataFrame) -> Headline:
    """Headline numbers from a customers table (one row per customer).

    Uses ``orders`` (or ``frequency`` + 1, repeat purchases plus the first)
    and ``revenue`` (or ``monetary_value`` x orders). Time between purchases
    and returns are not in such a table and come out NaN.

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": ["a", "b"], "orders": [3, 1], "revenue": [90.0, 30.0]})
    >>> h = customers_headline(t)
    >>> h.orders, h.revenue, h.aov, h.repeat_purchase_rate
    (4, 120.0, 30.0, 0.5)
    """
    if "orders" in table.columns:
        orders = table["orders"].to_numpy(dtype=float)
    elif "frequency" in table.columns:
        orders = table["frequency"].to_numpy(dtype=float) + 1
    else:
        raise DataError("orders.customers_need_orders")
    if "revenue" in table.columns:
        revenue = table["revenue"].to_numpy(dtype=float)
    elif "monetary_value" in table.columns:
        revenue = table["monetary_value"].to_numpy(dtype=float) * orders
    else:
        raise DataError("orders.customers_need_revenue")
    n = len(table)
    total_orders = int(np.nansum(orders))
    total = float(np.nansum(revenue))
    first = last = pd.NaT
    days = 0
    if "first_purchase" in table.columns and "last_purchase" in table.columns:
        first, last = table["first_purchase"].min(), table["last_purchase"].max()
        if pd.notna(first) and pd.notna(last):
            days = int((last - first).days) + 1
    return Headline(
        customers=n,
        orders=total_orders,
        revenue=total,
        gross_revenue=total,
        refunds=0.0,
        aov=total / total_orders if total_orders else float("nan"),
        purchase_frequency=total_orders / n if n else float("nan"),
        repeat_purchase_rate=float(np.mean(orders >= 2)) if n else float("nan"),
        median_days_between_purchases=float("nan"),
        return_rate=float("nan"),
        first_date=first,
        last_date=last,
        days=days,
    )
