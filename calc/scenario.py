"""What-if scenarios: the "+5 points of retention" profit effect and target retention.

:func:`retention_uplift` follows a customer base year by year under two
retention rates and compares profit, NPV and value per customer.
:func:`required_retention` finds the retention a target CLV (or CLV:CAC)
needs, by root finding on :func:`calc.clv.clv`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from calc import _validate as v
from calc.clv import clv
from calc.errors import InputError
from calc.messages import Percent

__all__ = ["MAX_YEARS", "UpliftPath", "UpliftResult", "required_retention", "retention_uplift"]

#: Longest horizon :func:`retention_uplift` accepts, in years.
MAX_YEARS = 100


@dataclass(frozen=True, eq=False)
class UpliftPath:
    """One customer base followed year by year under one retention rate.

    Attributes
    ----------
    retention_rate : float
        Share of customers kept from one year to the next.
    yearly : pandas.DataFrame
        One row per year with columns ``year`` (1..n), ``customers`` (active
        during the year, new ones included), ``new_customers``, ``margin``,
        ``acquisition_cost`` (spend on that year's new customers), ``profit``
        (margin - acquisition cost) and ``discounted_profit``.
    total_profit : float
        Sum of ``profit`` over the horizon, undiscounted.
    npv : float
        Sum of ``discounted_profit``.
    clv_per_customer : float
        Discounted profit of one customer won in year 1, over the same
        horizon, net of their acquisition cost.
    """

    retention_rate: float
    yearly: pd.DataFrame
    total_profit: float
    npv: float
    clv_per_customer: float


@dataclass(frozen=True, eq=False)
class UpliftResult:
    """Baseline and improved-retention paths, and how much better the second is.

    Attributes
    ----------
    baseline, scenario : UpliftPath
        The customer base at today's retention and at retention + ``uplift``.
    uplift : float
        Retention points added, as a fraction (0.05 = +5 points).
    profit_change : float or None
        (scenario - baseline) / baseline of ``total_profit``; ``None`` when
        the baseline is 0 or negative, where a percentage change means nothing.
    npv_change : float or None
        The same for ``npv``.
    clv_change : float or None
        The same for ``clv_per_customer``.
    """

    baseline: UpliftPath
    scenario: UpliftPath
    uplift: float
    profit_change: float | None
    npv_change: float | None
    clv_change: float | None


def retention_uplift(
    starting_customers: float,
    retention_rate: float,
    new_customers_per_year: float,
    margin_per_customer: float,
    margin_growth: float = 0.0,
    acquisition_cost: float = 0.0,
    discount_rate: float = 0.0,
    years: int = 5,
    uplift: float = 0.05,
) -> UpliftResult:
    """Profit from keeping more customers: today's retention vs retention + k points.

    Parameters
    ----------
    starting_customers : float
        Customers at the start of year 1, at least 0.
    retention_rate : float
        Share of customers kept from one year to the next, in [0, 1].
    new_customers_per_year : float
        Customers won each year, at least 0 (the same in both cases).
    margin_per_customer : float
        Margin (money) of a customer in their first year, at least 0.
    margin_growth : float, default 0.0
        Yearly growth of a customer's margin with tenure, above -1: a customer
        in their k-th year earns margin x (1 + growth)**(k - 1).
    acquisition_cost : float, default 0.0
        Cost of winning one new customer, money, at least 0.
    discount_rate : float, default 0.0
        Yearly discount rate, above -1.
    years : int, default 5
        Horizon in years, 1 to :data:`MAX_YEARS`.
    uplift : float, default 0.05
        Retention points to add, as a fraction (0.05 = +5 points). Negative
        values model a loss of retention.

    Returns
    -------
    UpliftResult
        Both paths year by year, their totals and the changes.

    Raises
    ------
    InputError
        For negative counts or money, a retention outside [0, 1], a discount
        or margin growth of -100% or less, a horizon outside 1 to
        :data:`MAX_YEARS`, an ``uplift`` that would push retention above
        100% or below 0% (field ``"uplift"``), or inputs so large that the
        profit passes what a float holds (about 1e308; on the largest of the
        customer counts and the margin).

    Notes
    -----
    The model, per case, with retention r, growth g, margin m, CAC c and
    discount d:

    - The starting customers count as first-year customers in year 1; each
      year's new customers join at the start of that year and earn a full
      year's margin in it. A customer still there in year t of their tenure
      earns m (1 + g)**(t - 1); r**(t - 1) of each group is still there.
    - Acquisition spend in each year is new customers x c (equal in both
      cases). Profit = margin - acquisition spend.
    - NPV discounts the profit of year t by (1 + d)**t (money at the end of
      the year), so year 1 is already discounted once.
    - ``clv_per_customer`` = sum over k = 1..years of
      m (1 + g)**(k - 1) r**(k - 1) / (1 + d)**k - c / (1 + d).

    The published claim. Reichheld and Sasser (1990) report that cutting
    defections by 5 points raised profits by 85% in a bank's branch system,
    50% in an insurance brokerage and 30% in an auto-service chain, "almost
    100%" in some firms; Reichheld (1996) and Reichheld and Schefter (2000)
    summarise it as +5 points of retention -> +25% to +95% profit. Those
    figures are for particular firms, measured as the value of a customer,
    and depend on why longer customers are worth more: they buy more over
    time, cost less to serve, refer others and pay higher prices
    (``margin_growth`` here), and each one kept saves an acquisition cost
    that otherwise eats into early profit (``acquisition_cost``). With no
    tenure effect and no acquisition cost, five more points only add the
    extra customer-years, typically well under +25%; with strong tenure
    effects, a high acquisition cost and a long horizon the lift reaches the
    published range. Treat the range as a claim to test on your own numbers.

    References
    ----------
    Reichheld, F. F. and Sasser, W. E. (1990). Zero Defections: Quality Comes
    to Services. Harvard Business Review 68(5), 105-111.
    Reichheld, F. F. (1996). The Loyalty Effect. Harvard Business School Press.
    Reichheld, F. F. and Schefter, P. (2000). E-Loyalty: Your Secret Weapon on
    the Web. Harvard Business Review, July-August 2000.

    Examples
    --------
    1,000 customers, 80% kept a year, 250 new a year at 200 each, margin 100
    growing 15% a year with tenure, 10% discount, 10 years; +5 points:

    >>> r = retention_uplift(1000, 0.80, 250, 100, margin_growth=0.15,
    ...                      acquisition_cost=200, discount_rate=0.10, years=10)
    >>> round(r.profit_change, 3), round(r.clv_change, 3)
    (0.301, 0.367)
    >>> round(r.scenario.retention_rate, 4)
    0.85
    """
    start = v.non_negative(starting_customers, "starting_customers", "starting_customers")
    r = v.fraction(retention_rate, "retention_rate", "retention_rate")
    new = v.non_negative(new_customers_per_year, "new_customers_per_year", "new_customers_per_year")
    m = v.non_negative(margin_per_customer, "margin_per_customer", "margin_per_customer")
    g = v.number(margin_growth, "margin_growth", "margin_growth")
    if g <= -1.0:
        raise InputError("margin_growth", "scenario.margin_growth_too_low", value=Percent(g))
    cac = v.non_negative(acquisition_cost, "acquisition_cost", "acquisition_cost")
    d = v.discount(discount_rate, "discount_rate")
    n = v.whole(years, "years", "years")
    if n > MAX_YEARS:
        raise InputError("years", "scenario.horizon_too_long", maximum=MAX_YEARS)
    k = v.number(uplift, "uplift", "uplift")
    improved = r + k
    if -1e-12 < improved < 0.0 or 1.0 < improved < 1.0 + 1e-12:
        improved = min(max(improved, 0.0), 1.0)  # 0.95 + 0.05 may round past 1 in binary
    if not 0.0 <= improved <= 1.0:
        raise InputError(
            "uplift",
            "scenario.uplift_out_of_range",
            retention=Percent(r),
            points=k * 100,
            improved=Percent(improved),
        )

    with np.errstate(over="ignore"):
        baseline = _path(start, r, new, m, g, cac, d, n)
        scenario = _path(start, improved, new, m, g, cac, d, n)
    if not all(np.isfinite((p.total_profit, p.npv)).all() for p in (baseline, scenario)):
        # past what a float holds (1e308): say so under the largest input, never show "-"
        field = max(
            ("starting_customers", start), ("new_customers_per_year", new),
            ("margin_per_customer", m), key=lambda pair: pair[1],
        )[0]  # fmt: skip
        raise InputError(field, "scenario.too_large")
    return UpliftResult(
        baseline=baseline,
        scenario=scenario,
        uplift=k,
        profit_change=_change(baseline.total_profit, scenario.total_profit),
        npv_change=_change(baseline.npv, scenario.npv),
        clv_change=_change(baseline.clv_per_customer, scenario.clv_per_customer),
    )


def required_retention(
    target_clv: float | None,
    margin_per_period: float,
    discount_rate: float,
    acquisition_cost: float = 0.0,
    *,
    target_ratio: float | None = None,
    periods: int | None = None,
) -> float:
    """Retention per period needed to reach a target CLV or CLV:CAC.

    Parameters
    ----------
    target_clv : float or None
        CLV to reach, net of ``acquisition_cost`` as :func:`calc.clv.clv`
        gives it, money, at least 0. ``None`` when ``target_ratio`` is given.
    margin_per_period : float
        Margin a customer brings per period, money, at least 0.
    discount_rate : float
        Discount rate per period, above -1.
    acquisition_cost : float, default 0.0
        Cost of winning a customer, money, at least 0 (above 0 with
        ``target_ratio``).
    target_ratio : float, optional
        CLV:CAC to reach instead (CLV before acquisition cost / CAC), above 0.
    periods : int, optional
        Horizon in periods; ``None`` for no horizon, as in :func:`calc.clv.clv`.

    Returns
    -------
    float
        Retention per period in [0, 1]. 0.0 when the first period's margin
        alone reaches the target.

    Raises
    ------
    InputError
        For invalid inputs (field named as the parameter); when both or
        neither target is given (field ``"target_ratio"``); when
        ``target_ratio`` is used with no acquisition cost (field
        ``"acquisition_cost"``); or when the target cannot be reached even at
        100% retention (field ``"target_clv"`` or ``"target_ratio"``).

    Notes
    -----
    Solves clv(m, r, d, CAC, periods) = target (or clv(m, r, d) = ratio x CAC)
    for r with :func:`scipy.optimize.brentq`; CLV rises strictly with r, so the
    root is unique. With no horizon and no positive discount, CLV grows
    without bound as r approaches 1 + d, so every target is reachable.

    Examples
    --------
    Margin 100 a year, 10% discount, CAC 300, target CLV:CAC of 3 (gross CLV
    900): 100 x 1.1 / (1.1 - r) = 900 gives r = 1.1 - 110 / 900 = 0.9778.

    >>> round(required_retention(None, 100, 0.10, 300, target_ratio=3), 4)
    0.9778
    >>> round(required_retention(600, 100, 0.10, 300), 4)
    0.9778
    """
    m = v.non_negative(margin_per_period, "margin_per_period", "margin_per_period")
    d = v.discount(discount_rate, "discount_rate")
    cac = v.non_negative(acquisition_cost, "acquisition_cost", "acquisition_cost")
    if (target_clv is None) == (target_ratio is None):
        raise InputError("target_ratio", "scenario.target_one_of_two")
    if target_ratio is not None:
        field = "target_ratio"
        ratio = v.positive(target_ratio, "target_ratio", "target_ratio")
        if cac == 0.0:
            raise InputError("acquisition_cost", "scenario.ratio_needs_cac")
        gross_target = ratio * cac
    else:
        field = "target_clv"
        gross_target = v.non_negative(target_clv, "target_clv", "target_clv") + cac
    if periods is not None:
        periods = v.whole(periods, "periods", "periods")

    def shortfall(r: float) -> float:
        return clv(m, r, d, 0.0, periods) - gross_target

    if shortfall(0.0) >= 0.0:
        return 0.0
    unbounded = periods is None and d <= 0.0
    top = (1.0 + d) * (1.0 - 1e-12) if unbounded else 1.0
    best = shortfall(top) + gross_target
    if best < gross_target:
        raise InputError(
            field,
            "scenario.target_unreachable",
            best=round(best, 2),
            target=round(gross_target, 2),
        )
    return float(brentq(shortfall, 0.0, top, xtol=1e-12, rtol=1e-12))


# --- helpers -----------------------------------------------------------------


def _path(
    start: float, r: float, new: float, m: float, g: float, cac: float, d: float, n: int
) -> UpliftPath:
    year = np.arange(1, n + 1)
    age = np.arange(n)  # tenure - 1
    kept = r**age  # share of a group still there after `age` years
    value = kept * (1.0 + g) ** age  # margin multiple of a group after `age` years
    # Cohort joined in year j contributes kept[t - j] in year t: cumulative sums over age.
    customers = start * kept + new * np.cumsum(kept)
    margin = m * (start * value + new * np.cumsum(value))
    spend = np.full(n, new * cac)
    profit = margin - spend
    discounted = profit / (1.0 + d) ** year
    yearly = pd.DataFrame(
        {
            "year": year,
            "customers": customers,
            "new_customers": np.full(n, new),
            "margin": margin,
            "acquisition_cost": spend,
            "profit": profit,
            "discounted_profit": discounted,
        }
    )
    one = float(np.sum(m * value / (1.0 + d) ** year) - cac / (1.0 + d))
    return UpliftPath(
        retention_rate=r,
        yearly=yearly,
        total_profit=float(profit.sum()),
        npv=float(discounted.sum()),
        clv_per_customer=one,
    )


def _change(before: float, after: float) -> float | None:
    if before <= 0.0:
        return None
    return (after - before) / before
