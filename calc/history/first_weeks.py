"""Retention metrics measured in an uploaded file rather than typed: early cancellation,
ARR growth and downgrades (contraction) from subscriptions, time to the first repeat order
from an order log.

Each function returns a frozen dataclass that carries, next to the figure, what it rests
on (customers counted, the period, the term used), so that the interface can state the
formula with the file's own numbers. The typed counterparts are in
:mod:`calc.metrics_more`; the definitions match theirs.

Input is the canonical table of :func:`calc.upload.read`. Subscriptions: ``customer_id``,
``start``, ``end`` (NaT while active), ``mrr`` and, where the file has a billing interval,
``term_months`` (months per billing term: 1 a month, 12 a year, 12/52 a week); or the wide
form turned long (``customer_id``, ``month``, ``mrr``). Orders: ``customer_id``, ``date``,
``amount``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from calc.errors import DataError
from calc.history._prep import _customer_codes, _prepare, _starts, _ts
from calc.history.retention import _period_start
from calc.history.subscriptions import _monthly_mrr

__all__ = [
    "ArrGrowthMeasured",
    "ContractionMeasured",
    "EarlyCancellations",
    "FirstRepeat",
    "arr_growth_measured",
    "contraction_measured",
    "early_cancellations",
    "first_repeat",
]

#: A new subscription starting at most this long after the last one ended continues it
#: (a plan change written as a new row), rather than being a return after a cancellation.
CONTINUES_WITHIN = pd.Timedelta(days=1)
#: Days in a month on average, for billing terms that are not whole months (a week).
DAYS_PER_MONTH = 365.25 / 12
_NS_MAX = np.iinfo(np.int64).max


@dataclass(frozen=True)
class EarlyCancellations:
    """Customers whose first subscription ended before its first renewal.

    Attributes
    ----------
    started : int
        Customers whose first term had ended by ``as_of`` (the denominator).
    cancelled_early : int
        Of those, customers whose subscription ended on or before its first
        renewal day.
    rate : float
        cancelled_early / started, in [0, 1]; NaN when ``started`` is 0.
    in_first_term : int
        Customers left out because their first term had not ended by ``as_of``.
    term_months : float or None
        The term of every subscription counted, months (1.0: one month); None
        when the terms differ by plan (see ``terms``).
    term_source : str
        ``"file"``: each subscription's billing interval; ``"one_month"``: the
        file has none, so every term is taken as one month.
    terms : tuple of float
        Distinct terms of the customers counted, months, shortest first.
    first_start, last_start : pandas.Timestamp or None
        Earliest and latest first start among the customers counted.
    as_of : pandas.Timestamp
        The day the file is taken to show (its newest start).
    """

    started: int
    cancelled_early: int
    rate: float
    in_first_term: int
    term_months: float | None
    term_source: str
    terms: tuple[float, ...]
    first_start: pd.Timestamp | None
    last_start: pd.Timestamp | None
    as_of: pd.Timestamp


def _renewal(start: np.ndarray, months: np.ndarray) -> np.ndarray:
    """First renewal: ``start`` plus ``months`` calendar months (a 31st falls back to the
    month's last day); terms that are not whole months are added as days."""
    start = start.astype("datetime64[ns]")
    whole = np.isclose(months, np.round(months))
    month0 = start.astype("datetime64[M]")
    into = start - month0.astype("datetime64[ns]")  # days and time into the start month
    target = month0 + np.round(np.where(whole, months, 0)).astype(np.int64)
    target_day = target.astype("datetime64[D]")
    length = (target + 1).astype("datetime64[D]") - target_day
    last = (length - np.timedelta64(1, "D")).astype("timedelta64[ns]")
    day_part = into.astype("timedelta64[D]").astype("timedelta64[ns]")
    time_part = into - day_part
    calendar = target_day.astype("datetime64[ns]") + np.minimum(day_part, last) + time_part
    days = np.round(months * DAYS_PER_MONTH).astype(np.int64).astype("timedelta64[D]")
    return np.where(whole, calendar, start + days.astype("timedelta64[ns]"))


def early_cancellations(
    subscriptions: pd.DataFrame, *, as_of: pd.Timestamp | str | None = None
) -> EarlyCancellations:
    """Early cancellation rate from a subscription table: cancelled before the first renewal.

    Parameters
    ----------
    subscriptions : pandas.DataFrame
        ``customer_id``, ``start``, ``end`` (NaT while active), optional
        ``term_months`` (months per billing term; missing or not above 0: one
        month).
    as_of : date, optional
        The day the file shows; default its newest start (end dates after it
        may be cancellations given for the end of a paid term).

    Returns
    -------
    EarlyCancellations

    Raises
    ------
    DataError
        ``metrics_data.no_start_dates``: a table of revenue per month has no
        start and end dates.

    Notes
    -----
    Per customer, their first subscription: rows sorted by start; a row that
    starts more than a day after every earlier row of the customer ended
    begins a new spell (a return), and only the first spell counts. Its first
    renewal day = first start + one term (calendar months; a week as 7 days).

    early cancellation rate = customers whose first spell ended on or before
    its first renewal day / customers whose first renewal day is on or before
    ``as_of``. A spell that ends on the renewal day never renewed (a
    cancellation at the end of the paid term), so it counts. Customers still
    in their first term are left out, so recent starts do not flatter the
    rate (:func:`calc.metrics_more.early_cancellation_rate`, the typed twin).

    Examples
    --------
    Four monthly customers on 1 March: a stops on 20 January (early), b on
    1 February, the renewal day (early), c on 15 February (after renewing),
    d is active; e started on 20 February, still in its first month, so left
    out. Hand-worked: 2 / 4 = 50%.

    >>> t = pd.DataFrame({"customer_id": list("abcde"),
    ...     "start": pd.to_datetime(["2026-01-01"] * 4 + ["2026-03-01"]),
    ...     "end": pd.to_datetime(["2026-01-20", "2026-02-01", "2026-02-15", None, None])})
    >>> e = early_cancellations(t, as_of="2026-03-01")
    >>> e.started, e.cancelled_early, e.rate, e.in_first_term, e.term_source
    (4, 2, 0.5, 1, 'one_month')
    """
    if "start" not in subscriptions.columns:
        raise DataError("metrics_data.no_start_dates")
    code, _ids = _customer_codes(subscriptions["customer_id"])
    start = subscriptions["start"].to_numpy(dtype="datetime64[ns]")
    end = subscriptions["end"].to_numpy(dtype="datetime64[ns]")
    has_terms = "term_months" in subscriptions.columns
    term = (
        subscriptions["term_months"].to_numpy(dtype=float)
        if has_terms
        else np.ones(len(subscriptions))
    )
    term = np.where(np.isfinite(term) & (term > 0), term, 1.0)
    end_ns = np.where(np.isnat(end), _NS_MAX, end.view(np.int64))
    start_ns = start.view(np.int64)
    order = np.lexsort((start_ns, code))
    code, start_ns, end_ns, term = code[order], start_ns[order], end_ns[order], term[order]
    frame = pd.DataFrame({"code": code, "end": end_ns})
    reach = frame.groupby("code", sort=False)["end"].cummax().to_numpy()
    before = np.r_[np.int64(0), reach[:-1]]
    same = np.r_[False, code[1:] == code[:-1]]
    grace = CONTINUES_WITHIN.value
    gap = same & (start_ns > np.minimum(before, _NS_MAX - grace) + grace)
    spell = pd.Series(gap).groupby(code, sort=False).cumsum().to_numpy()
    first = spell == 0
    firsts = _starts(code)
    spell_end = pd.Series(end_ns[first]).groupby(code[first], sort=False).max().to_numpy()
    c_start = start_ns[firsts].view("datetime64[ns]")
    c_term = term[firsts]
    renewal = _renewal(c_start, c_term)
    day = (pd.Timestamp(start_ns.max()) if as_of is None else pd.Timestamp(as_of)).to_datetime64()
    counted = renewal <= day
    early = counted & (spell_end <= renewal.view(np.int64))
    started = int(counted.sum())
    terms = tuple(float(x) for x in np.unique(np.round(c_term[counted], 6)))
    return EarlyCancellations(
        started=started,
        cancelled_early=int(early.sum()),
        rate=float(early.sum() / started) if started else float("nan"),
        in_first_term=int((~counted).sum()),
        term_months=terms[0] if len(terms) == 1 else (None if terms else 1.0),
        term_source="file" if has_terms else "one_month",
        terms=terms,
        first_start=pd.Timestamp(c_start[counted].min()) if started else None,
        last_start=pd.Timestamp(c_start[counted].max()) if started else None,
        as_of=pd.Timestamp(day),
    )


def _paying_months(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(customer, month, MRR) of every paying customer-month, sorted by customer then month."""
    code, month, mrr, _ = _monthly_mrr(table)
    live = mrr > 0
    return code[live], month[live], mrr[live]


@dataclass(frozen=True)
class ArrGrowthMeasured:
    """ARR now against ARR twelve months before, from subscriptions.

    Attributes
    ----------
    month, month_before : pandas.Timestamp
        Last month of the file and the month twelve months before it.
    arr, arr_before : float
        12 x MRR at the end of each month, money a year.
    customers, customers_before : int
        Paying customers at the end of each month.
    growth : float
        (arr - arr_before) / arr_before; NaN with fewer than 13 months of data
        or no MRR a year before.
    months : int
        Months the file covers (first to last paying month).
    """

    month: pd.Timestamp
    month_before: pd.Timestamp
    arr: float
    arr_before: float
    customers: int
    customers_before: int
    growth: float
    months: int


def arr_growth_measured(subscriptions: pd.DataFrame) -> ArrGrowthMeasured:
    """ARR growth over the last twelve months of a subscription table.

    Parameters
    ----------
    subscriptions : pandas.DataFrame
        As :func:`calc.history.mrr_movements` takes it.

    Returns
    -------
    ArrGrowthMeasured

    Raises
    ------
    DataError
        ``orders.no_paying_subscription``: no subscription with an amount above 0.

    Notes
    -----
    MRR of a month is taken at its end, as in :func:`calc.history.mrr_movements`
    (a subscription ending on 10 March is in February's MRR, not March's);
    ARR = 12 x MRR. ARR growth = (ARR of the last month - ARR twelve months
    before) / ARR twelve months before (:func:`calc.metrics_more.arr_growth`,
    the typed twin).

    Examples
    --------
    a pays 100 a month from January 2025; b pays 50 from July 2025; c paid 20
    from January 2025 and left on 1 June 2025; d pays 30 from 10 January 2026,
    the file's last month. Hand-worked, January 2026 against January 2025:
    ARR 12 x 180 = 2,160 against 12 x 120 = 1,440, growth 720 / 1,440 = +50%.

    >>> t = pd.DataFrame({"customer_id": ["a", "b", "c", "d"],
    ...     "start": pd.to_datetime(["2025-01-01", "2025-07-01", "2025-01-01", "2026-01-10"]),
    ...     "end": pd.to_datetime([None, None, "2025-06-01", None]),
    ...     "mrr": [100.0, 50.0, 20.0, 30.0]})
    >>> g = arr_growth_measured(t)
    >>> str(g.month.date()), g.arr, g.arr_before, g.growth, g.customers_before
    ('2026-01-01', 2160.0, 1440.0, 0.5, 2)
    """
    _code, month, mrr = _paying_months(subscriptions)
    if len(month) == 0:
        raise DataError("orders.no_paying_subscription")
    last, first = int(month.max()), int(month.min())
    now, then = month == last, month == last - 12
    arr, arr_before = 12 * float(mrr[now].sum()), 12 * float(mrr[then].sum())
    growth = (arr - arr_before) / arr_before if arr_before > 0 else float("nan")
    stamps = _period_start(np.array([last, last - 12]), "M")
    return ArrGrowthMeasured(
        month=pd.Timestamp(stamps[0]),
        month_before=pd.Timestamp(stamps[1]),
        arr=arr,
        arr_before=arr_before,
        customers=int(now.sum()),
        customers_before=int(then.sum()),
        growth=growth,
        months=last - first + 1,
    )


@dataclass(frozen=True)
class ContractionMeasured:
    """Downgrades in the last months of a subscription table.

    Attributes
    ----------
    shown : bool
        False when the layout cannot show a downgrade (one row per customer,
        one amount each): then every count below is 0 and means nothing.
    downgrades : int
        Customer-months in which a paying customer's MRR went down and stayed
        above 0.
    customers : int
        Distinct customers who downgraded.
    mrr_lost : float
        MRR lost to those downgrades (old MRR - new MRR, summed), money a month.
    mrr_start : float
        MRR at the end of the month before the window.
    share : float
        mrr_lost / mrr_start; NaN without MRR at the start.
    paying : int
        Customers paying in any month of the window (those who could downgrade).
    first_month, last_month : pandas.Timestamp or None
        Months whose changes are counted (each against the month before).
    months : int
        Months in the window: 12, or fewer when the file is shorter.
    """

    shown: bool
    downgrades: int
    customers: int
    mrr_lost: float
    mrr_start: float
    share: float
    paying: int
    first_month: pd.Timestamp | None
    last_month: pd.Timestamp | None
    months: int


def contraction_measured(subscriptions: pd.DataFrame, months: int = 12) -> ContractionMeasured:
    """Contraction events (count and MRR lost to downgrades) over the last ``months`` months.

    Parameters
    ----------
    subscriptions : pandas.DataFrame
        As :func:`calc.history.mrr_movements` takes it.
    months : int, default 12
        Months counted back from the last month of the file.

    Returns
    -------
    ContractionMeasured

    Notes
    -----
    Month by month, per customer, as :func:`calc.history.mrr_movements`: a
    downgrade is a customer paying in two months running whose MRR is lower
    in the second (a cheaper plan, fewer seats, one of two subscriptions
    cancelled); MRR lost = the difference. Cancelling everything is churn,
    not contraction. A table with one row per customer and one amount each
    cannot show a change of amount, so ``shown`` is False rather than 0
    downgrades being claimed; a table of revenue per month per customer can.

    share = MRR lost / MRR at the end of the month before the window
    (:func:`calc.metrics_more.contraction`, the typed twin).

    Examples
    --------
    a pays 100 from January 2026 and moves to a 60 plan on 1 March (a new
    row); b pays 50 throughout. Hand-worked: one downgrade in March, 40 of
    MRR lost; over February-March the MRR at the start (end of January) is
    150, so the share is 40 / 150.

    >>> t = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...     "start": pd.to_datetime(["2026-01-01", "2026-03-01", "2026-01-01"]),
    ...     "end": pd.to_datetime(["2026-03-01", None, None]),
    ...     "mrr": [100.0, 60.0, 50.0]})
    >>> c = contraction_measured(t)
    >>> c.shown, c.downgrades, c.mrr_lost, c.mrr_start, c.months
    (True, 1, 40.0, 150.0, 2)
    """
    if "month" in subscriptions.columns:
        shown = True
    else:
        shown = bool(subscriptions["customer_id"].duplicated().any())
    code, month, mrr = _paying_months(subscriptions)
    if len(month) == 0:
        raise DataError("orders.no_paying_subscription")
    last, first = int(month.max()), int(month.min())
    window = max(0, min(int(months), last - first))
    lo = last - window + 1  # first month whose change is counted
    prev_same = np.r_[False, (code[1:] == code[:-1]) & (month[1:] == month[:-1] + 1)]
    drop = np.r_[0.0, mrr[:-1] - mrr[1:]]
    down = prev_same & (drop > 1e-9) & (month >= lo)
    in_window = (month >= lo) & (month <= last)
    start_mrr = float(mrr[month == lo - 1].sum())
    lost = float(drop[down].sum())
    stamps = _period_start(np.array([lo, last]), "M") if window else (None, None)
    return ContractionMeasured(
        shown=shown,
        downgrades=int(down.sum()) if shown else 0,
        customers=len(np.unique(code[down])) if shown else 0,
        mrr_lost=lost if shown else 0.0,
        mrr_start=start_mrr,
        share=(lost / start_mrr if start_mrr > 0 else float("nan")) if shown else float("nan"),
        paying=len(np.unique(code[in_window])) if window else 0,
        first_month=None if stamps[0] is None else pd.Timestamp(stamps[0]),
        last_month=None if stamps[1] is None else pd.Timestamp(stamps[1]),
        months=window,
    )


@dataclass(frozen=True)
class FirstRepeat:
    """How soon customers order a second time.

    Attributes
    ----------
    customers : int
        Customers with at least one purchase.
    repeat_customers : int
        Customers who bought again on a later day.
    share : float
        repeat_customers / customers, in [0, 1].
    median_days : float
        Median days from a customer's first purchase day to their second;
        NaN when nobody bought twice.
    first_day, last_day : pandas.Timestamp
        First and last purchase day of the file (the period).
    """

    customers: int
    repeat_customers: int
    share: float
    median_days: float
    first_day: pd.Timestamp
    last_day: pd.Timestamp


def first_repeat(orders: pd.DataFrame) -> FirstRepeat:
    """Time to the first repeat order, and the share of customers who ever ordered again.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``customer_id``, ``date``, ``amount`` (refunds, negative, are not
        orders).

    Returns
    -------
    FirstRepeat

    Raises
    ------
    DataError
        From the order log's checks (no orders, missing columns).

    Notes
    -----
    Per customer, distinct purchase days (two orders on one day are one
    visit, as for the time between purchases): time to first repeat = second
    day - first day; the figure is the median over the customers who have a
    second day. share = customers with a second day / all customers. Both
    count what the file shows: a customer who first bought near its end has
    had little time to come back. The repeat-purchase rate of the headline
    counts two orders on one day as a repeat, so it can be a little higher.

    Examples
    --------
    a buys on 1, 11 and 30 January (first repeat after 10 days), b on 1 and
    21 January (20 days), c twice on 5 January (one visit), d once.
    Hand-worked: median of 10 and 20 = 15 days; 2 of 4 customers = 50%.

    >>> t = pd.DataFrame({"customer_id": list("aaabbccd"),
    ...     "date": pd.to_datetime(["2026-01-01", "2026-01-11", "2026-01-30", "2026-01-01",
    ...         "2026-01-21", "2026-01-05", "2026-01-05", "2026-01-07"]),
    ...     "amount": [10.0] * 8})
    >>> r = first_repeat(t)
    >>> r.median_days, r.repeat_customers, r.customers, r.share
    (15.0, 2, 4, 0.5)
    """
    p = _prepare(orders)
    firsts = _starts(p.u_code)
    customers = len(firsts)
    second = firsts + 1
    has_second = second < len(p.u_code)
    has_second[has_second] = p.u_code[second[has_second]] == p.u_code[firsts[has_second]]
    days = (p.u_day[second[has_second]] - p.u_day[firsts[has_second]]).astype(float)
    repeat = int(has_second.sum())
    if customers == 0:
        raise DataError("orders.no_orders")
    return FirstRepeat(
        customers=customers,
        repeat_customers=repeat,
        share=repeat / customers,
        median_days=float(np.median(days)) if repeat else float("nan"),
        first_day=_ts(int(p.u_day.min())),
        last_day=_ts(int(p.u_day.max())),
    )
