"""Retention metrics: one number in, one number out, each from counts for one period.

Every rate is a fraction (0.05 means 5%) of the period the counts cover: counts
for a month give a monthly rate, counts for a year a yearly one. Use
:func:`calc.clv.convert_rate` to compare rates of different periods.

The definitions follow HubSpot's list of customer retention metrics (retention,
churn, revenue churn, existing customer revenue growth, repeat purchase ratio,
product return rate, days sales outstanding, Net Promoter Score, time between
purchases, loyal customer rate) and ChartMogul's MRR definitions for revenue
churn and revenue retention.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from calc import _validate as v
from calc.clv import periods_per_year
from calc.errors import InputError
from calc.messages import Message

__all__ = [
    "NpsBreakdown",
    "average_order_value",
    "average_time_between_purchases",
    "churn_from_counts",
    "churn_rate",
    "customer_retention_rate",
    "days_in_period",
    "days_sales_outstanding",
    "existing_customer_revenue_growth",
    "gross_revenue_retention",
    "loyal_customer_rate",
    "net_promoter_score",
    "net_revenue_retention",
    "nps_breakdown",
    "parse_scores",
    "product_return_rate",
    "purchase_frequency",
    "purchase_interval_days",
    "repeat_purchase_rate",
    "revenue_churn_rate",
]


def customer_retention_rate(
    customers_start: float, customers_end: float, new_customers: float
) -> float:
    """Share of the customers you had at the start who are still customers at the end.

    Parameters
    ----------
    customers_start : float
        Customers at the start of the period (S), above 0.
    customers_end : float
        Customers at the end of the period (E), at least 0.
    new_customers : float
        Customers won during the period (N), at least 0, at most E.

    Returns
    -------
    float
        Retention rate for the period, in [0, 1].

    Raises
    ------
    InputError
        If a count is negative or not a number; S is 0 (field
        ``"customers_start"``); E > S + N (field ``"customers_end"``); or
        N > E (field ``"new_customers"``).

    Notes
    -----
    retention = (E - N) / S. New customers are taken out so that growth from
    acquisition cannot hide customers lost. Churn is 1 - retention.

    References
    ----------
    HubSpot, "Customer retention metrics" (blog.hubspot.com/service/
    customer-retention-metrics): CRR = ((E - N) / S) x 100.

    Examples
    --------
    200 customers at the start, 40 won, 220 at the end: (220 - 40) / 200 = 90%.

    >>> customer_retention_rate(200, 220, 40)
    0.9
    """
    start = _customers_start(customers_start)
    end = v.non_negative(customers_end, "customers_end", "customers_end")
    new = v.non_negative(new_customers, "new_customers", "new_customers")
    if end > start + new:
        raise InputError(
            "customers_end", "metrics.end_over_start_plus_new", end=end, limit=start + new
        )
    if new > end:
        raise InputError("new_customers", "metrics.new_over_end", new=new, end=end)
    return (end - new) / start


def churn_rate(customers_start: float, customers_lost: float) -> float:
    """Share of the customers you had at the start who left during the period.

    Parameters
    ----------
    customers_start : float
        Customers at the start of the period, above 0.
    customers_lost : float
        Of those, customers who left during the period, at least 0 and at most
        ``customers_start``.

    Returns
    -------
    float
        Churn rate for the period, in [0, 1].

    Raises
    ------
    InputError
        If a count is negative or not a number, there are no customers at the
        start (field ``"customers_start"``), or more customers were lost than
        there were at the start (field ``"customers_lost"``).

    Notes
    -----
    churn = customers lost / customers at the start. Customers won and lost
    within the same period are left out of both counts.

    References
    ----------
    HubSpot, "Customer retention metrics": customer churn = lost customers /
    customers at the start of the period.

    Examples
    --------
    500 customers at the start of June, 50 of them gone by the end: 10%.

    >>> churn_rate(500, 50)
    0.1
    """
    start = _customers_start(customers_start)
    lost = v.non_negative(customers_lost, "customers_lost", "customers_lost")
    if lost > start:
        raise InputError("customers_lost", "metrics.lost_over_start", lost=lost, start=start)
    return lost / start


def revenue_churn_rate(
    mrr_start: float,
    churned_mrr: float,
    contraction_mrr: float = 0.0,
    expansion_mrr: float | None = None,
) -> float:
    """Share of recurring revenue lost in a period, gross or net of expansion.

    Parameters
    ----------
    mrr_start : float
        Recurring revenue at the start of the period (money per month for
        MRR), above 0.
    churned_mrr : float
        Revenue lost from customers who left, at least 0.
    contraction_mrr : float, default 0.0
        Revenue lost from customers who stayed but pay less, at least 0.
    expansion_mrr : float, optional
        Revenue gained from existing customers who pay more (upgrades and
        reactivations). When given, the result is the *net* churn.

    Returns
    -------
    float
        Gross revenue churn in [0, 1]; net revenue churn at most 1 and
        **negative** when expansion outweighs what was lost ("negative churn").

    Raises
    ------
    InputError
        For negative or non-numeric amounts, an MRR of 0 at the start (field
        ``"mrr_start"``), or churned plus contraction above the starting MRR
        (field ``"churned_mrr"``).

    Notes
    -----
    gross = (churned + contraction) / MRR at start;
    net = (churned + contraction - expansion) / MRR at start. The period is the
    one the amounts cover (monthly for MRR movements within a month).

    References
    ----------
    ChartMogul Help Center, "Metric: MRR Churn Rate" (Standard / B2B
    setting), with its example of 100 MRR, 10 churned, 10 contraction and 10
    expansion: gross 20%, net 10%.

    Examples
    --------
    >>> revenue_churn_rate(100, 10, 10)
    0.2
    >>> revenue_churn_rate(100, 10, 10, expansion_mrr=10)
    0.1
    """
    start, lost = _mrr_lost(
        mrr_start, churned_mrr, contraction_mrr, "churned_mrr", "contraction_mrr"
    )
    if expansion_mrr is None:
        return lost / start
    gained = v.non_negative(expansion_mrr, "expansion_mrr", "expansion_mrr")
    return (lost - gained) / start


def net_revenue_retention(
    mrr_start: float, expansion: float, contraction: float, churned: float
) -> float:
    """Recurring revenue kept from existing customers, counting upgrades.

    Parameters
    ----------
    mrr_start : float
        Recurring revenue at the start of the period from the customers of
        that moment, above 0.
    expansion : float
        Revenue added by those customers (upgrades), at least 0.
    contraction : float
        Revenue lost to downgrades, at least 0.
    churned : float
        Revenue lost from customers who left, at least 0.

    Returns
    -------
    float
        NRR for the period as a multiple (1.05 means 105%); at least 0 and
        above 1 when expansion outweighs losses.

    Raises
    ------
    InputError
        For negative or non-numeric amounts, a starting revenue of 0 (field
        ``"mrr_start"``), or contraction plus churn above the starting revenue
        (field ``"churned"``).

    Notes
    -----
    NRR = (start + expansion - contraction - churned) / start. Revenue from
    customers won during the period is left out. NRR >= GRR always, and
    NRR = 1 - net revenue churn. Usually quoted per year.

    Examples
    --------
    10,000 at the start, +1,500 upgrades, -500 downgrades, -1,000 churned:
    (10,000 + 1,500 - 500 - 1,000) / 10,000 = 100%.

    >>> net_revenue_retention(10_000, 1_500, 500, 1_000)
    1.0
    """
    start, lost = _mrr_lost(mrr_start, churned, contraction, "churned", "contraction")
    gained = v.non_negative(expansion, "expansion", "expansion")
    return (start + gained - lost) / start


def gross_revenue_retention(mrr_start: float, contraction: float, churned: float) -> float:
    """Recurring revenue kept from existing customers, ignoring upgrades.

    Parameters
    ----------
    mrr_start : float
        Recurring revenue at the start of the period, above 0.
    contraction : float
        Revenue lost to downgrades, at least 0.
    churned : float
        Revenue lost from customers who left, at least 0.

    Returns
    -------
    float
        GRR for the period, in [0, 1].

    Raises
    ------
    InputError
        For negative or non-numeric amounts, a starting revenue of 0 (field
        ``"mrr_start"``), or contraction plus churn above the starting revenue
        (field ``"churned"``).

    Notes
    -----
    GRR = (start - contraction - churned) / start = 1 - gross revenue churn.
    It can never exceed 100%. Usually quoted per year.

    Examples
    --------
    >>> gross_revenue_retention(10_000, 500, 1_000)
    0.85
    """
    start, lost = _mrr_lost(mrr_start, churned, contraction, "churned", "contraction")
    return (start - lost) / start


def repeat_purchase_rate(repeat_customers: float, total_customers: float) -> float:
    """Share of customers who bought more than once in the period.

    Parameters
    ----------
    repeat_customers : float
        Customers with two or more orders in the period, at least 0.
    total_customers : float
        All customers who ordered in the period, above 0.

    Returns
    -------
    float
        Repeat purchase rate for the period, in [0, 1].

    Raises
    ------
    InputError
        For negative or non-numeric counts, no customers (field
        ``"total_customers"``), or more repeat customers than customers (field
        ``"repeat_customers"``).

    Notes
    -----
    rate = repeat customers / all customers. Longer periods give higher rates;
    compare like with like (a year is usual).

    References
    ----------
    HubSpot, "Customer retention metrics": repeat purchase ratio.

    Examples
    --------
    >>> repeat_purchase_rate(300, 1_200)
    0.25
    """
    return _share(
        repeat_customers, total_customers, "repeat_customers", Message("fields.repeat_customers")
    )


def purchase_frequency(orders: float, customers: float) -> float:
    """Average number of orders per customer in the period.

    Parameters
    ----------
    orders : float
        Orders in the period, at least 0.
    customers : float
        Distinct customers who ordered in the period, above 0.

    Returns
    -------
    float
        Orders per customer per period (per year if the counts cover a year).

    Raises
    ------
    InputError
        For negative or non-numeric counts or no customers (field
        ``"customers"``).

    Notes
    -----
    frequency = orders / customers.

    Examples
    --------
    >>> purchase_frequency(3_000, 1_200)
    2.5
    """
    n = v.non_negative(orders, "orders", "orders")
    c = v.positive(customers, "customers", "customers", why="why.customers_placed")
    return n / c


def average_order_value(revenue: float, orders: float) -> float:
    """Average revenue per order.

    Parameters
    ----------
    revenue : float
        Revenue in the period, money, at least 0.
    orders : float
        Orders in the same period, above 0.

    Returns
    -------
    float
        Money per order.

    Raises
    ------
    InputError
        For negative or non-numeric inputs or no orders (field ``"orders"``).

    Notes
    -----
    AOV = revenue / orders.

    Examples
    --------
    >>> average_order_value(150_000, 3_000)
    50.0
    """
    money = v.non_negative(revenue, "revenue", "revenue")
    n = v.positive(orders, "orders", "orders", why="why.orders")
    return money / n


def loyal_customer_rate(loyal_customers: float, total_customers: float) -> float:
    """Share of customers you count as loyal.

    Parameters
    ----------
    loyal_customers : float
        Customers meeting your loyalty rule (HubSpot's example: more than four
        purchases), at least 0.
    total_customers : float
        All customers in the same period, above 0.

    Returns
    -------
    float
        Loyal customer rate for the period, in [0, 1].

    Raises
    ------
    InputError
        For negative or non-numeric counts, no customers (field
        ``"total_customers"``), or more loyal customers than customers (field
        ``"loyal_customers"``).

    Notes
    -----
    rate = loyal customers / all customers.

    References
    ----------
    HubSpot, "Customer retention metrics": loyal customer rate.

    Examples
    --------
    >>> loyal_customer_rate(90, 1_200)
    0.075
    """
    return _share(
        loyal_customers, total_customers, "loyal_customers", Message("fields.loyal_customers")
    )


def product_return_rate(units_returned: float, units_sold: float) -> float:
    """Share of units sold that came back.

    Parameters
    ----------
    units_returned : float
        Units returned in the period, at least 0, at most ``units_sold``.
    units_sold : float
        Units sold in the same period, above 0.

    Returns
    -------
    float
        Return rate for the period, in [0, 1].

    Raises
    ------
    InputError
        For negative or non-numeric counts, no units sold (field
        ``"units_sold"``), or more returns than sales (field
        ``"units_returned"``).

    Notes
    -----
    rate = units returned / units sold.

    References
    ----------
    HubSpot, "Customer retention metrics": product return rate.

    Examples
    --------
    >>> product_return_rate(45, 1_500)
    0.03
    """
    returned = v.non_negative(units_returned, "units_returned", "units_returned")
    sold = v.positive(units_sold, "units_sold", "units_sold", why="why.units_sold")
    if returned > sold:
        raise InputError(
            "units_returned", "metrics.returned_over_sold", returned=returned, sold=sold
        )
    return returned / sold


def days_sales_outstanding(receivables: float, credit_sales: float, days: float = 365) -> float:
    """Average number of days customers take to pay.

    Parameters
    ----------
    receivables : float
        Money owed by customers at the end of the period, at least 0.
    credit_sales : float
        Sales on credit during the period, money, above 0.
    days : float, default 365
        Length of the period in days, above 0 (365 for a year, 30 for a month).

    Returns
    -------
    float
        DSO in days.

    Raises
    ------
    InputError
        For negative or non-numeric inputs, no credit sales (field
        ``"credit_sales"``), or a period of 0 days (field ``"days"``).

    Notes
    -----
    DSO = receivables / credit sales x days in the period.

    References
    ----------
    HubSpot, "Customer retention metrics": days sales outstanding.

    Examples
    --------
    50,000 owed after 200,000 of credit sales in a year:
    50,000 / 200,000 x 365 = 91.25 days.

    >>> days_sales_outstanding(50_000, 200_000)
    91.25
    """
    owed = v.non_negative(receivables, "receivables", "receivables")
    sales = v.positive(credit_sales, "credit_sales", "credit_sales", why="why.credit_sales")
    n_days = v.positive(days, "days", "days_in_period", why="why.days")
    return owed / sales * n_days


@dataclass(frozen=True)
class NpsBreakdown:
    """Net Promoter Score with the counts behind it.

    Attributes
    ----------
    promoters : int
        Answers of 9 or 10.
    passives : int
        Answers of 7 or 8.
    detractors : int
        Answers of 0 to 6.
    responses : int
        All answers.
    score : float
        NPS from -100 to 100: % promoters - % detractors.
    """

    promoters: int
    passives: int
    detractors: int
    responses: int
    score: float


def nps_breakdown(scores: Iterable[int]) -> NpsBreakdown:
    """Count promoters, passives and detractors and compute the NPS.

    Parameters
    ----------
    scores : iterable of int
        Answers to "How likely are you to recommend us?", whole numbers from
        0 to 10. A list, tuple, numpy array or pandas Series; at least one.

    Returns
    -------
    NpsBreakdown
        Counts per group and the score.

    Raises
    ------
    InputError
        If there are no scores, or a score is not a whole number from 0 to 10
        (field ``"scores"``; the message gives the position, counting from 1).

    Notes
    -----
    Promoters answer 9-10, passives 7-8, detractors 0-6.
    NPS = 100 x (promoters - detractors) / responses.

    References
    ----------
    Reichheld, F. F. (2003). The One Number You Need to Grow. Harvard Business
    Review 81(12), 46-54.

    Examples
    --------
    >>> nps_breakdown([10, 9, 9, 8, 7, 6, 3, 10, 9, 5])
    NpsBreakdown(promoters=5, passives=2, detractors=3, responses=10, score=20.0)
    """
    values = _scores(scores)
    promoters = int(np.count_nonzero(values >= 9))
    detractors = int(np.count_nonzero(values <= 6))
    responses = int(values.size)
    return NpsBreakdown(
        promoters=promoters,
        passives=responses - promoters - detractors,
        detractors=detractors,
        responses=responses,
        score=100.0 * (promoters - detractors) / responses,
    )


def net_promoter_score(scores: Iterable[int]) -> float:
    """Net Promoter Score of a list of 0-10 answers, from -100 to 100.

    Parameters
    ----------
    scores : iterable of int
        Whole numbers from 0 to 10, at least one.

    Returns
    -------
    float
        % promoters (9-10) - % detractors (0-6), from -100 to 100.

    Raises
    ------
    InputError
        As :func:`nps_breakdown` (field ``"scores"``).

    Notes
    -----
    See :func:`nps_breakdown` for the counts behind the score.

    Examples
    --------
    30% promoters and 20% detractors give +10:

    >>> net_promoter_score([10, 9, 9, 8, 8, 7, 7, 7, 6, 2])
    10.0
    """
    return nps_breakdown(scores).score


def existing_customer_revenue_growth(revenue_start: float, revenue_end: float) -> float:
    """Growth of revenue from customers you already had.

    Parameters
    ----------
    revenue_start : float
        Revenue from existing customers in the earlier period (or at its
        start), money, above 0.
    revenue_end : float
        Revenue from the *same* customers in the later period, money, at
        least 0.

    Returns
    -------
    float
        Growth as a fraction; negative when those customers spend less.

    Raises
    ------
    InputError
        For negative or non-numeric amounts, or a starting revenue of 0 (field
        ``"revenue_start"``).

    Notes
    -----
    growth = (revenue end - revenue start) / revenue start. Leave new
    customers' revenue out of both numbers.

    References
    ----------
    HubSpot, "Customer retention metrics": existing customer revenue growth
    rate.

    Examples
    --------
    >>> existing_customer_revenue_growth(80_000, 92_000)
    0.15
    """
    start = v.positive(
        revenue_start,
        "revenue_start",
        "revenue_start",
        why="why.revenue_start",
    )
    end = v.non_negative(revenue_end, "revenue_end", "revenue_end")
    return (end - start) / start


def average_time_between_purchases(span_days: float, orders: float, customers: float = 1) -> float:
    """Average number of days between one order and the next.

    Parameters
    ----------
    span_days : float
        Days from first to last order, summed over the customers counted, at
        least 0. For one customer: days between their first and last order.
    orders : float
        All orders of those customers, at least 0.
    customers : float, default 1
        Number of customers counted, above 0.

    Returns
    -------
    float
        Days between purchases.

    Raises
    ------
    InputError
        For negative or non-numeric inputs, no customers (field
        ``"customers"``), or no repeat purchases, i.e. orders not above
        customers (field ``"orders"``).

    Notes
    -----
    Each customer with k orders has k - 1 gaps between them, so
    days between purchases = total span / (orders - customers). Count only
    customers with at least one order; those with one order add no span and
    no gap.

    References
    ----------
    HubSpot, "Customer retention metrics": time between purchases.

    Examples
    --------
    One customer ordering on days 0, 30 and 90 has 2 gaps in 90 days:

    >>> average_time_between_purchases(90, 3)
    45.0
    """
    span = v.non_negative(span_days, "span_days", "span_days")
    n = v.non_negative(orders, "orders", "orders")
    people = v.positive(customers, "customers", "customers", why="why.customers_orders_from")
    if n <= people:
        raise InputError("orders", "metrics.no_repeat_orders", orders=n, customers=people)
    return span / (n - people)


# --- helpers -----------------------------------------------------------------


def _customers_start(value: object) -> float:
    return v.positive(
        value,
        "customers_start",
        "customers_start",
        why="why.customers_start",
    )


def _share(part: object, whole: object, part_field: str, part_label: Message) -> float:
    """``part / whole``; ``part_field`` is also the key of the part's name in ``[fields]``."""
    total = v.positive(
        whole,
        "total_customers",
        "total_customers",
        why="why.total_customers",
    )
    count = v.non_negative(part, part_field)
    if count > total:
        raise InputError(
            part_field, "metrics.part_over_total", label=part_label, count=count, total=total
        )
    return count / total


def _mrr_lost(
    mrr_start: object,
    churned: object,
    contraction: object,
    churned_field: str,
    contraction_field: str,
) -> tuple[float, float]:
    start = v.positive(
        mrr_start,
        "mrr_start",
        "mrr_start",
        why="why.mrr_start",
    )
    lost_churn = v.non_negative(churned, churned_field, "churned_revenue")
    lost_contraction = v.non_negative(contraction, contraction_field, "contraction")
    lost = lost_churn + lost_contraction
    if lost > start:
        raise InputError(churned_field, "metrics.lost_revenue_over_start", lost=lost, start=start)
    return start, lost


def _scores(scores: object) -> np.ndarray:
    if isinstance(scores, str | bytes) or not isinstance(scores, Iterable):
        raise InputError("scores", "metrics.scores_not_list")
    if isinstance(scores, np.ndarray | pd.Series) and scores.dtype.kind in "iuf":
        values = np.asarray(scores, dtype=float).ravel()
    else:
        items = list(scores)
        for position, item in enumerate(items, start=1):
            if isinstance(item, bool) or not isinstance(item, numbers.Real):
                raise InputError(
                    "scores", "metrics.not_a_score", position=position, value=repr(item)
                )
        values = np.asarray(items, dtype=float)
    if values.size == 0:
        raise InputError("scores", "metrics.no_scores")
    bad = ~np.isfinite(values) | (values != np.round(values)) | (values < 0) | (values > 10)
    if bad.any():
        position = int(np.argmax(bad))
        value = float(values[position])
        if not math.isfinite(value):
            raise InputError("scores", "metrics.score_empty", position=position + 1)
        raise InputError("scores", "metrics.not_a_score", position=position + 1, value=value)
    return values


def churn_from_counts(customers_start: float, customers_end: float, new_customers: float) -> float:
    """Customer churn of a period from the three counts most shops have.

    Parameters
    ----------
    customers_start : float
        Customers at the start of the period (S), above 0.
    customers_end : float
        Customers at the end of the period (E), at least 0.
    new_customers : float
        Customers won during the period and still there at its end (N).

    Returns
    -------
    float
        Churn for the period, in [0, 1].

    Raises
    ------
    InputError
        As :func:`customer_retention_rate`, whose checks it shares.

    Notes
    -----
    Customers lost = S + N - E, so churn = (S + N - E) / S
    = 1 - (E - N) / S = 1 - retention rate.

    References
    ----------
    HubSpot, "Customer retention metrics": churn = lost customers / customers
    at the start; retention = (E - N) / S.

    Examples
    --------
    1,000 customers at the start, 120 new, 940 at the end: 180 lost, 18%.

    >>> round(churn_from_counts(1000, 940, 120), 4)
    0.18
    """
    return 1 - customer_retention_rate(customers_start, customers_end, new_customers)


def days_in_period(period: str) -> float:
    """Average number of days in a month, quarter or year (365-day year).

    Examples
    --------
    >>> days_in_period("quarter")
    91.25
    """
    return 365 / periods_per_year(period)


def purchase_interval_days(orders: float, customers: float, period: str) -> float:
    """Average days between two purchases of a customer, from one period's counts.

    Parameters
    ----------
    orders : float
        Orders placed in the period, above 0.
    customers : float
        Customers who placed them, above 0.
    period : {"month", "quarter", "year"}
        Period the counts cover.

    Returns
    -------
    float
        Days between purchases.

    Raises
    ------
    InputError
        If a count is not above 0 (fields ``"orders"``, ``"customers"``) or
        the period is unknown (field ``"period"``).

    Notes
    -----
    days between purchases = days in the period / purchase frequency
    = days in the period x customers / orders: the purchase cycle when a
    customer's orders are spread evenly over the period. For the interval
    measured from dated orders see :func:`average_time_between_purchases`.

    References
    ----------
    Shopify, "Purchase frequency" (purchase cycle = days / purchase
    frequency).

    Examples
    --------
    2,600 orders from 1,060 customers in a year: a purchase every 148.8 days.

    >>> round(purchase_interval_days(2600, 1060, "year"), 1)
    148.8
    """
    people = v.positive(customers, "customers", "customers")
    frequency = purchase_frequency(orders, people)
    if frequency == 0:
        raise InputError("orders", "metrics.no_orders")
    return days_in_period(period) / frequency


def parse_scores(text: str) -> list[int]:
    """Read Net Promoter answers typed or pasted as text.

    Parameters
    ----------
    text : str
        Whole numbers from 0 to 10, separated by commas, semicolons, spaces
        or line breaks (a column pasted from a spreadsheet works).

    Returns
    -------
    list of int
        The answers in the order given.

    Raises
    ------
    InputError
        Field ``"scores"``: no answers, or an answer that is not a whole
        number from 0 to 10 (the message quotes it).

    Examples
    --------
    >>> parse_scores("10, 9; 7\\n3")
    [10, 9, 7, 3]
    >>> parse_scores("9 ²")
    Traceback (most recent call last):
    calc.errors.InputError: Answer 2 is '²', not a whole number from 0 to 10. ...
    """
    tokens = [tok for tok in text.replace(";", " ").replace(",", " ").split() if tok]
    if not tokens:
        raise InputError("scores", "metrics.no_answers")
    scores = []
    for position, token in enumerate(tokens, start=1):
        # ASCII digits only: "²" and "①" are digits to str.isdigit but not to int()
        if not (token.isascii() and token.isdigit() and len(token) <= 2 and int(token) <= 10):
            shown = token if len(token) <= 20 else token[:19] + "…"
            raise InputError("scores", "metrics.answer_not_score", position=position, value=shown)
        scores.append(int(token))
    return scores
