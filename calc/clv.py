"""Customer lifetime value (CLV), payback and the period conversions behind them.

Every rate here is a fraction per period (0.05 means 5%) and each function
names its period. Converting a rate from one period to another happens in one
place only, :func:`convert_rate`, and it compounds: a monthly churn of 3% is an
annual churn of 1 - 0.97**12 = 30.6%, never 12 x 3% = 36%.

Timing convention (used by :func:`clv` and :func:`margin_curve`): a customer
pays the margin of a period at the *start* of that period. The first period's
margin is therefore certain and undiscounted; the margin of period t (counting
from 1) is received only if the customer is still there, with probability
retention**(t - 1), and is discounted by (1 + discount)**(t - 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from calc import _validate as v
from calc.errors import InputError
from calc.messages import Percent

__all__ = [
    "MAX_PERIODS",
    "PERIODS",
    "ClvReport",
    "cac_payback_periods",
    "clv",
    "clv_report",
    "clv_to_cac",
    "convert_rate",
    "lifespan_from_churn",
    "margin_curve",
    "periods_per_year",
    "saas_ltv",
    "simple_clv",
]

#: Period names used everywhere in the package and the app, shortest first.
PERIODS: tuple[str, ...] = v.PERIOD_NAMES

_PER_YEAR = {"month": 12, "quarter": 4, "year": 1}

#: Longest horizon accepted for period-by-period tables: 100 years of months.
MAX_PERIODS = 1200

_RATE_KINDS = ("churn", "retention", "ratio")


def periods_per_year(period: str) -> int:
    """Number of periods of the given name in one year.

    Parameters
    ----------
    period : {"month", "quarter", "year"}
        Name of the period.

    Returns
    -------
    int
        12 for a month, 4 for a quarter, 1 for a year.

    Raises
    ------
    InputError
        If ``period`` is not one of :data:`PERIODS` (field ``"period"``).

    Examples
    --------
    >>> periods_per_year("quarter")
    4
    """
    return _PER_YEAR[v.period(period)]


def convert_rate(rate: float, from_period: str, to_period: str, kind: str = "churn") -> float:
    """Convert a churn or retention rate from one period length to another.

    Parameters
    ----------
    rate : float
        The rate per ``from_period``. For ``"churn"`` and ``"retention"`` a
        fraction in [0, 1]; for ``"ratio"`` any multiple of at least 0.
    from_period, to_period : {"month", "quarter", "year"}
        Period the rate is given in, and period wanted.
    kind : {"churn", "retention", "ratio"}, default "churn"
        ``"churn"``: share of customers lost per period. ``"retention"``: share
        kept per period. ``"ratio"``: a multiple that compounds, such as net
        revenue retention (1.10 means 110%).

    Returns
    -------
    float
        The equivalent rate per ``to_period``.

    Raises
    ------
    InputError
        If the rate is out of range (field ``"rate"``), a period is unknown
        (``"from_period"`` / ``"to_period"``) or ``kind`` is unknown (``"kind"``).

    Notes
    -----
    With k = periods per year of ``from_period`` / periods per year of
    ``to_period``: retention and ratios compound, r_to = r_from**k; churn is
    what retention leaves, c_to = 1 - (1 - c_from)**k. Churn 0 stays 0 and
    churn 1 stays 1 in every period. The same period returns the rate
    unchanged; round trips return the input up to floating point.

    Examples
    --------
    A monthly churn of 3% is an annual churn of 30.6%, not 36%:

    >>> round(convert_rate(0.03, "month", "year"), 4)
    0.3062
    >>> round(convert_rate(0.9, "year", "quarter", kind="retention"), 4)
    0.974
    """
    if kind not in _RATE_KINDS:
        raise InputError("kind", "clv.unknown_rate_kind", value=repr(kind))
    if kind == "ratio":
        value = v.non_negative(rate, "rate", "rate")
    else:
        value = v.fraction(rate, "rate", "rate")
    k = (
        _PER_YEAR[v.period(from_period, "from_period")]
        / _PER_YEAR[v.period(to_period, "to_period")]
    )
    if k == 1.0:
        return value
    if kind == "churn":
        return 1.0 - (1.0 - value) ** k
    return value**k


def simple_clv(avg_order_value: float, purchases_per_year: float, lifespan_years: float) -> float:
    """Revenue a customer brings over their life, without margin or discounting.

    Parameters
    ----------
    avg_order_value : float
        Average order value, money per order, at least 0.
    purchases_per_year : float
        Orders per customer per year, at least 0.
    lifespan_years : float
        How many years a customer stays, at least 0.

    Returns
    -------
    float
        Lifetime revenue per customer, in money.

    Raises
    ------
    InputError
        If any input is negative or not a finite number (field named as the
        parameter).

    Notes
    -----
    CLV = average order value x purchases per year x lifespan in years. This is
    revenue, not profit; see :func:`clv` for the margin-based, discounted value.

    Examples
    --------
    A customer spending 50 per order, 4 times a year, for 3 years:

    >>> simple_clv(50, 4, 3)
    600.0
    """
    aov = v.non_negative(avg_order_value, "avg_order_value", "avg_order_value")
    freq = v.non_negative(purchases_per_year, "purchases_per_year", "purchases_per_year")
    life = v.non_negative(lifespan_years, "lifespan_years", "lifespan_years")
    return aov * freq * life


def lifespan_from_churn(churn_rate: float) -> float:
    """Expected customer lifetime implied by a constant churn rate.

    Parameters
    ----------
    churn_rate : float
        Share of customers lost per period, in (0, 1].

    Returns
    -------
    float
        Expected lifetime, in the churn's period (a monthly churn gives months).

    Raises
    ------
    InputError
        If ``churn_rate`` is 0 (infinite lifetime) or outside [0, 1] (field
        ``"churn_rate"``).

    Notes
    -----
    lifespan = 1 / churn. It counts the period a customer joins in: with churn
    1 (everybody leaves after one period) the lifespan is 1 period.

    Examples
    --------
    A monthly churn of 5% means customers stay 20 months on average:

    >>> lifespan_from_churn(0.05)
    20.0
    """
    churn = _churn_above_zero(churn_rate, "churn_rate")
    return 1.0 / churn


def clv(
    margin_per_period: float,
    retention_rate: float,
    discount_rate: float,
    acquisition_cost: float = 0.0,
    periods: int | None = None,
) -> float:
    """Discounted margin one customer brings, net of what it cost to win them.

    Parameters
    ----------
    margin_per_period : float
        Gross margin (money) a customer brings per period, at least 0.
    retention_rate : float
        Share of customers kept from one period to the next, in [0, 1].
    discount_rate : float
        Discount rate per period, above -1 (0.1 means 10% per period).
    acquisition_cost : float, default 0.0
        Money spent to win the customer (CAC), at least 0, paid up front.
    periods : int, optional
        Horizon in periods (at least 1). ``None`` means no horizon: the sum
        runs forever.

    Returns
    -------
    float
        CLV in money, net of ``acquisition_cost``; negative when the customer
        never earns back what they cost.

    Raises
    ------
    InputError
        For negative money, a retention outside [0, 1], a discount rate of
        -100% or less, a horizon below 1 period, or an infinite lifetime value
        (retention 100% with no positive discount and no horizon; field
        ``"retention_rate"`` or ``"discount_rate"``).

    Notes
    -----
    Margin arrives at the start of each period (see the module notes). With
    x = retention / (1 + discount):

    - no horizon: CLV = m (1 + d) / (1 + d - r) - CAC, which needs x < 1;
    - horizon n: CLV = m (1 - x**n) / (1 - x) - CAC (m n - CAC when x = 1).

    Retention 0 gives exactly one period of margin. Retention 1 with a
    positive discount is a perpetuity, m (1 + d) / d; with a discount of 0 or
    less it never stops growing, so a horizon is required.

    References
    ----------
    Gupta, S. and Lehmann, D. R. (2003). Customers as assets. Journal of
    Interactive Marketing 17(1), 9-24 (margin multiple r / (1 + d - r) for
    margin at the end of each period; ours adds the first period's margin).

    Examples
    --------
    Margin 100 a year, 80% kept each year, 10% discount rate:
    100 x 1.1 / (1.1 - 0.8) = 366.67.

    >>> round(clv(100, 0.8, 0.1), 2)
    366.67

    Over 3 years with an acquisition cost of 150:
    100 x (1 + 0.8/1.1 + (0.8/1.1)**2) - 150 = 225.62 - 150 = 75.62.

    >>> round(clv(100, 0.8, 0.1, acquisition_cost=150, periods=3), 2)
    75.62
    """
    m, r, d, cac = _clv_inputs(margin_per_period, retention_rate, discount_rate, acquisition_cost)
    if periods is None:
        if r >= 1.0 + d:
            _raise_unbounded(r, d)
        return m * (1.0 + d) / (1.0 + d - r) - cac
    n = v.whole(periods, "periods", "periods")
    return m * _annuity_factor(r, d, n) - cac


def margin_curve(
    margin_per_period: float, retention_rate: float, discount_rate: float, periods: int
) -> pd.DataFrame:
    """Period-by-period expected margin of one customer, for the payback chart.

    Parameters
    ----------
    margin_per_period : float
        Gross margin (money) per period while the customer stays, at least 0.
    retention_rate : float
        Share of customers kept from one period to the next, in [0, 1].
    discount_rate : float
        Discount rate per period, above -1.
    periods : int
        Number of periods to show, 1 to :data:`MAX_PERIODS`.

    Returns
    -------
    pandas.DataFrame
        One row per period with columns ``period`` (1..n), ``survival`` (share
        still a customer), ``expected_margin``, ``discounted_margin`` and
        ``cumulative_discounted_margin`` (money). Plot the last against a flat
        line at the acquisition cost: where they cross, the customer has paid
        back what they cost.

    Raises
    ------
    InputError
        For negative margin, a retention outside [0, 1], a discount rate of
        -100% or less, or a horizon outside 1 to :data:`MAX_PERIODS`.

    Notes
    -----
    Same timing as :func:`clv`: survival in period t is r**(t - 1) and the
    discount factor is (1 + d)**-(t - 1), so period 1 is certain and
    undiscounted. The last cumulative value equals
    ``clv(m, r, d, periods=n)``.

    Examples
    --------
    >>> margin_curve(100, 0.5, 0.0, 3)["cumulative_discounted_margin"].tolist()
    [100.0, 150.0, 175.0]
    """
    m, r, d, _ = _clv_inputs(margin_per_period, retention_rate, discount_rate, 0.0)
    n = _horizon(periods)
    x = r / (1.0 + d)
    if x > 1.0 and (n - 1) * math.log(x) > 700.0:
        _raise_unbounded(r, d)
    t = np.arange(n, dtype=float)
    survival = r**t
    expected = m * survival
    discounted = m * x**t
    return pd.DataFrame(
        {
            "period": np.arange(1, n + 1),
            "survival": survival,
            "expected_margin": expected,
            "discounted_margin": discounted,
            "cumulative_discounted_margin": np.cumsum(discounted),
        }
    )


def clv_to_cac(clv: float, cac: float) -> float:
    """How many times a customer's value covers the cost of winning them.

    Parameters
    ----------
    clv : float
        Lifetime margin of one customer *before* acquisition cost, money, at
        least 0.
    cac : float
        Customer acquisition cost, money, above 0.

    Returns
    -------
    float
        The CLV:CAC ratio (3.0 means the customer brings 3 times their cost).

    Raises
    ------
    InputError
        If ``clv`` is negative (field ``"clv"``) or ``cac`` is not above 0
        (field ``"cac"``).

    Notes
    -----
    ratio = CLV / CAC. A ratio of 3 or more is the usual rule of thumb; see
    :mod:`calc.thresholds`.

    Examples
    --------
    >>> clv_to_cac(900, 300)
    3.0
    """
    value = v.non_negative(clv, "clv", "clv")
    cost = v.positive(
        cac,
        "cac",
        "acquisition_cost",
        why="why.cac",
    )
    return value / cost


def cac_payback_periods(cac: float, margin_per_period: float, churn_rate: float = 0.0) -> float:
    """Periods until the expected margin of a new customer covers their cost.

    Parameters
    ----------
    cac : float
        Customer acquisition cost, money, at least 0.
    margin_per_period : float
        Gross margin a customer brings per period while they stay, at least 0.
    churn_rate : float, default 0.0
        Share of customers lost per period, in [0, 1].

    Returns
    -------
    float
        Payback time in periods (fractional). ``math.inf`` means *never*: the
        expected margin of a customer, summed over all time, does not reach
        the acquisition cost.

    Raises
    ------
    InputError
        For negative money or a churn outside [0, 1] (field named as the
        parameter).

    Notes
    -----
    Cumulative expected margin after k periods is
    S(k) = m (1 - (1 - c)**k) / c (m k when c = 0). Payback is the first k with
    S(k) >= CAC, with the margin of that period spread evenly over it, so that
    without churn the result is the familiar CAC / m. With churn, S(k) never
    exceeds m / c, so when CAC >= m / c the answer is ``math.inf``. A CAC of 0
    pays back at once (0.0); a margin of 0 never does.

    Examples
    --------
    CAC 300 and margin 100 a month pay back in 3 months without churn; with
    10% monthly churn the expected margin is 100, 90, 81, 72.9, ... and the
    cumulative 343.9 passes 300 during month 4, 29 / 72.9 of the way in:

    >>> cac_payback_periods(300, 100)
    3.0
    >>> round(cac_payback_periods(300, 100, churn_rate=0.10), 2)
    3.4
    >>> cac_payback_periods(1500, 100, churn_rate=0.10)
    inf
    """
    cost = v.non_negative(cac, "cac", "acquisition_cost")
    m = v.non_negative(margin_per_period, "margin_per_period", "margin_per_period")
    c = v.fraction(churn_rate, "churn_rate", "churn_rate")
    if cost == 0.0:
        return 0.0
    if m == 0.0 or (c < 1.0 and cost * c >= m):
        return math.inf
    if c == 0.0:
        return cost / m
    if c == 1.0:
        return cost / m if cost <= m else math.inf
    q = 1.0 - c
    log_q = math.log1p(-c)  # exact for tiny churn, where log(1 - c) rounds to 0

    def cumulative(k: int) -> float:
        return m * -math.expm1(k * log_q) / c

    k = max(1, math.ceil(math.log1p(-cost * c / m) / log_q))
    if cumulative(k - 1) >= cost:  # guard against rounding in the logarithms
        k -= 1
    elif cumulative(k) < cost:
        k += 1
    return (k - 1) + (cost - cumulative(k - 1)) / (m * q ** (k - 1))


def saas_ltv(arpa: float, gross_margin: float, churn_rate: float) -> float:
    """Lifetime value of a subscription account, the usual SaaS shortcut.

    Parameters
    ----------
    arpa : float
        Average revenue per account per period (e.g. per month), at least 0.
    gross_margin : float
        Gross margin as a fraction of revenue, in [0, 1].
    churn_rate : float
        Share of accounts lost per period (same period as ``arpa``), in (0, 1].

    Returns
    -------
    float
        LTV in money (undiscounted margin over the expected lifetime).

    Raises
    ------
    InputError
        For negative ARPA, a margin outside [0, 1], or a churn of 0 or outside
        [0, 1] (field named as the parameter).

    Notes
    -----
    LTV = ARPA x gross margin / churn, i.e. margin per period x expected
    lifetime 1 / churn. Undiscounted; equal to :func:`clv` with a discount rate
    of 0 and retention 1 - churn.

    References
    ----------
    Skok, D. (2013). SaaS Metrics 2.0 - A Guide to Measuring and Improving
    What Matters. forEntrepreneurs.com (LTV = ARPA x gross margin % / churn).

    Examples
    --------
    ARPA 500 a month, 80% margin, 2% monthly churn: 500 x 0.8 / 0.02 = 20,000.

    >>> round(saas_ltv(500, 0.8, 0.02), 6)
    20000.0
    """
    a = v.non_negative(arpa, "arpa", "arpa")
    gm = v.fraction(gross_margin, "gross_margin", "gross_margin")
    churn = _churn_above_zero(churn_rate, "churn_rate")
    return a * gm / churn


@dataclass(frozen=True)
class ClvReport:
    """Everything the CLV page shows for one set of inputs (money per customer).

    Attributes
    ----------
    lifespan_years : float
        Expected customer lifetime in years.
    annual_churn : float
        Share of customers lost per year.
    annual_revenue : float
        Revenue per customer per year: average order value x purchases a year.
    annual_margin : float
        Gross margin per customer per year.
    revenue_clv : float
        Simple CLV: annual revenue x lifespan, undiscounted.
    margin_clv : float
        ``revenue_clv`` x gross margin.
    discounted_margin_clv : float
        :func:`clv` with yearly periods, retention 1 - annual churn, no horizon,
        before acquisition cost.
    net_clv : float
        ``discounted_margin_clv`` - acquisition cost.
    clv_cac : float
        ``discounted_margin_clv`` / acquisition cost. With an acquisition cost
        of 0 it is ``math.inf`` (any value is infinitely many times nothing),
        or 0.0 if the CLV is 0 too.
    payback_years : float
        Years until expected margin covers the acquisition cost; ``math.inf``
        means never.
    payback_months : float
        ``payback_years`` x 12.
    """

    lifespan_years: float
    annual_churn: float
    annual_revenue: float
    annual_margin: float
    revenue_clv: float
    margin_clv: float
    discounted_margin_clv: float
    net_clv: float
    clv_cac: float
    payback_years: float
    payback_months: float


def clv_report(
    avg_order_value: float,
    purchases_per_year: float,
    gross_margin: float,
    discount_rate: float,
    acquisition_cost: float,
    churn_rate: float | None = None,
    lifespan_years: float | None = None,
) -> ClvReport:
    """All CLV figures for a shop, from order value, frequency and churn.

    Parameters
    ----------
    avg_order_value : float
        Average order value, money, at least 0.
    purchases_per_year : float
        Orders per customer per year, at least 0.
    gross_margin : float
        Gross margin as a fraction of revenue, in [0, 1].
    discount_rate : float
        Discount rate per year, above -1.
    acquisition_cost : float
        Cost of winning one customer, money, at least 0.
    churn_rate : float, optional
        Share of customers lost per *year*, in (0, 1].
    lifespan_years : float, optional
        Expected customer lifetime in years, at least 1. Give exactly one of
        ``churn_rate`` and ``lifespan_years``.

    Returns
    -------
    ClvReport
        See :class:`ClvReport` for each figure.

    Raises
    ------
    InputError
        For any invalid input (field named as the parameter); when both or
        neither of ``churn_rate`` and ``lifespan_years`` are given (field
        ``"churn_rate"``); for a churn of 0 (infinite lifetime) or a lifespan
        under 1 year (field ``"lifespan_years"``).

    Notes
    -----
    With churn c per year, lifespan = 1 / c; with only a lifespan L, c = 1 / L
    (so L must be at least 1 year). The discounted CLV uses yearly periods
    with margin at the start of each year, so the first year is certain and
    undiscounted; at a 0% discount it equals ``margin_clv``. Payback uses the
    same yearly margin and churn, see :func:`cac_payback_periods`.

    Examples
    --------
    Orders of 50, 4 a year, 40% margin, 25% annual churn, 10% discount rate,
    acquisition cost 120: revenue 200 a year, margin 80 a year, lifespan 4
    years; discounted CLV = 80 x 1.1 / (1.1 - 0.75) = 251.43. Expected margin
    is 80 in year 1 and 60 in year 2, so the 120 is back 40 / 60 of the way
    into year 2: 1.67 years, 20 months.

    >>> r = clv_report(50, 4, 0.4, 0.10, 120, churn_rate=0.25)
    >>> r.lifespan_years, r.revenue_clv, r.margin_clv
    (4.0, 800.0, 320.0)
    >>> round(r.discounted_margin_clv, 2), round(r.clv_cac, 2)
    (251.43, 2.1)
    >>> round(r.payback_months, 1)
    20.0
    """
    aov = v.non_negative(avg_order_value, "avg_order_value", "avg_order_value")
    freq = v.non_negative(purchases_per_year, "purchases_per_year", "purchases_per_year")
    gm = v.fraction(gross_margin, "gross_margin", "gross_margin")
    d = v.discount(discount_rate, "discount_rate")
    cac = v.non_negative(acquisition_cost, "acquisition_cost", "acquisition_cost")
    if (churn_rate is None) == (lifespan_years is None):
        raise InputError("churn_rate", "clv.churn_or_lifespan")
    if churn_rate is not None:
        churn = _churn_above_zero(churn_rate, "churn_rate")
        lifespan = 1.0 / churn
    else:
        lifespan = v.number(lifespan_years, "lifespan_years", "lifespan_years")
        if lifespan < 1.0:
            raise InputError("lifespan_years", "clv.lifespan_under_year", value=lifespan)
        churn = 1.0 / lifespan
    annual_revenue = aov * freq
    annual_margin = annual_revenue * gm
    revenue_clv = annual_revenue * lifespan
    discounted = clv(annual_margin, 1.0 - churn, d)
    payback_years = cac_payback_periods(cac, annual_margin, churn)
    return ClvReport(
        lifespan_years=lifespan,
        annual_churn=churn,
        annual_revenue=annual_revenue,
        annual_margin=annual_margin,
        revenue_clv=revenue_clv,
        margin_clv=revenue_clv * gm,
        discounted_margin_clv=discounted,
        net_clv=discounted - cac,
        clv_cac=_ratio(discounted, cac),
        payback_years=payback_years,
        payback_months=payback_years * 12.0,
    )


# --- helpers -----------------------------------------------------------------


def _ratio(value: float, cost: float) -> float:
    if cost > 0.0:
        return value / cost
    return math.inf if value > 0.0 else 0.0


def _churn_above_zero(churn_rate: object, field: str) -> float:
    churn = v.fraction(churn_rate, field, "churn_rate")
    if churn == 0.0:
        raise InputError(field, "clv.churn_zero")
    return churn


def _clv_inputs(
    margin: object, retention: object, discount_rate: object, acquisition_cost: object
) -> tuple[float, float, float, float]:
    m = v.non_negative(margin, "margin_per_period", "margin_per_period")
    r = v.fraction(retention, "retention_rate", "retention_rate")
    d = v.discount(discount_rate, "discount_rate")
    cac = v.non_negative(acquisition_cost, "acquisition_cost", "acquisition_cost")
    return m, r, d, cac


def _horizon(periods: object) -> int:
    n = v.whole(periods, "periods", "periods")
    if n > MAX_PERIODS:
        raise InputError("periods", "clv.horizon_too_long", maximum=MAX_PERIODS)
    return n


def _annuity_factor(r: float, d: float, n: int) -> float:
    """Sum of x**t for t = 0..n-1 with x = r / (1 + d), computed stably."""
    if r == 0.0:
        return 1.0
    one_minus_x = (1.0 + d - r) / (1.0 + d)
    if one_minus_x == 0.0:
        return float(n)
    exponent = n * math.log(r / (1.0 + d))
    if exponent > 700.0:
        _raise_unbounded(r, d)
    return -math.expm1(exponent) / one_minus_x


def _raise_unbounded(r: float, d: float) -> None:
    if r == 1.0:
        raise InputError("retention_rate", "clv.full_retention", discount=Percent(d))
    raise InputError("discount_rate", "clv.unbounded", discount=Percent(d), retention=Percent(r))
