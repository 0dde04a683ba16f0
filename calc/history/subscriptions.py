"""Subscriptions: MRR month by month, its movements (new, expansion, contraction, churned,
reactivated), NRR and GRR, and why subscriptions were cancelled (churn reasons).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from calc.errors import DataError, InputError
from calc.history._prep import _NS_PER_DAY, _customer_codes, _months, _starts
from calc.history.retention import _period_label, _period_start


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


def churn_reasons(subscriptions: pd.DataFrame) -> pd.DataFrame:
    """Why subscriptions were cancelled: a ranked table with the MRR lost per reason.

    Parameters
    ----------
    subscriptions : pandas.DataFrame
        The canonical subscription table of :mod:`calc.upload` (one row per
        subscription) with columns ``end`` (NaT while active), ``mrr``
        (monthly amount, money) and ``reason`` (the cancellation reason as
        written in the file: Stripe's cancellation details, a ChartMogul churn
        reason, a free-text "reason", "årsak" or "powód" column).

    Returns
    -------
    pandas.DataFrame
        One row per reason, most MRR lost first (then most cancellations,
        then the reason): ``churn_reason`` (text; ``""`` where the row gave
        none), ``cancelled`` (subscriptions ended), ``mrr_lost`` (their
        monthly amounts added up, money a month) and ``share`` (of all
        cancelled subscriptions, in [0, 1]). Empty when nothing was cancelled.

    Raises
    ------
    InputError
        Field ``"reason"``: the table has no reason column (or no ``end`` or
        ``mrr``).

    Notes
    -----
    A subscription counts as cancelled when it has an end date, also one
    in the future (a cancellation already given). Reasons are compared as
    written, with spaces trimmed and case ignored ("Too expensive" and "too
    expensive " are one reason, shown as first written).

    Examples
    --------
    Three cancellations, two too expensive (hand-worked: 29 + 9 = 38 a month):

    >>> t = pd.DataFrame({
    ...     "end": pd.to_datetime(["2025-01-31", None, "2025-02-28", "2025-03-31"]),
    ...     "mrr": [29.0, 49.0, 9.0, 99.0],
    ...     "reason": ["Too expensive", None, "too expensive ", "Switched service"],
    ... })
    >>> churn_reasons(t)[["churn_reason", "cancelled", "mrr_lost"]].to_dict("records")
    [{'churn_reason': 'Switched service', 'cancelled': 1, 'mrr_lost': 99.0}, \
{'churn_reason': 'Too expensive', 'cancelled': 2, 'mrr_lost': 38.0}]
    """
    if not isinstance(subscriptions, pd.DataFrame) or not {"end", "mrr", "reason"} <= set(
        subscriptions.columns
    ):
        raise InputError("reason", "metrics_more.no_reason_column")
    ended = subscriptions.loc[subscriptions["end"].notna(), ["mrr", "reason"]]
    text = ended["reason"].astype("string").str.strip().fillna("")
    key = text.str.casefold()
    frame = pd.DataFrame({"key": key, "shown": text, "mrr": ended["mrr"].astype(float)})
    grouped = frame.groupby("key", sort=False).agg(
        churn_reason=("shown", "first"), cancelled=("mrr", "size"), mrr_lost=("mrr", "sum")
    )
    total = int(grouped["cancelled"].sum())
    grouped["share"] = grouped["cancelled"] / total if total else 0.0
    grouped["cancelled"] = grouped["cancelled"].astype("int64")
    ranked = grouped.sort_values(
        ["mrr_lost", "cancelled", "churn_reason"], ascending=[False, False, True]
    )
    return ranked.reset_index(drop=True)[["churn_reason", "cancelled", "mrr_lost", "share"]]
