"""Model-based customer lifetime value: BG/NBD purchases times Gamma-Gamma spend, discounted.

For every customer: how many purchases to expect over a horizon (BG/NBD),
what each will be worth (Gamma-Gamma), the share kept as margin, and a
discount to today's money. Every time unit is explicit:

- ``time_unit``: the unit of the customers' recency and age and of the
  fitted BG/NBD model (``"D"``, ``"W"`` or ``"M"``).
- ``horizon`` with ``horizon_unit`` (``"D"``, ``"W"``, ``"M"`` or ``"Y"``):
  how far ahead to count, e.g. 12 months.
- ``annual_discount_rate``: a fraction per year (0.10 for 10%), converted to
  the model's unit as ``(1 + rate) ** (days per unit / 365.25) - 1``.

Conventions: a year is 365.25 days and a month 365.25 / 12 = 30.4375 days
(:data:`calc.models.summary.DAYS_PER_UNIT`); the horizon is cut into steps of
at most a month, and each step's expected purchases are discounted to the
step's middle, ``(1 + rate) ** -(years to the middle)``. The lifetimes library
(0.11, ``customer_lifetime_value``) counts 30-day months and discounts each
month's purchases to its end, ``(1 + monthly rate) ** -k``: on the CDNOW fits
that values customers 1.0-1.7% lower over 1-5 years
(``tests/test_models_clv.py`` works it out by hand; a steady buyer over a year
at 10% loses 1.44% to the shorter year and 0.40% to the later discounting).

Ranges (low / likely / high) cover 90% of the uncertainty of the fitted
parameters of both models (delta method on the log scale); they do not cover
the customer's own randomness.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from calc.errors import InputError
from calc.models import bgnbd, gamma_gamma
from calc.models._fit import RANGE_LEVEL, Range, compress, log_gradients, quadratic_form, to_range
from calc.models.summary import (
    DAYS_PER_UNIT,
    SUMMARY_UNITS,
    UNIT_NAMES,
    CalibrationHoldout,
    CustomerSummary,
    convert_time,
    unit_choices,
)

#: Longest step (in months) into which the horizon is cut for discounting.
STEP_MONTHS = 1.0
#: Most steps used, so that very long horizons stay fast (steps grow instead).
MAX_STEPS = 60


def discount_rate_per_unit(annual_discount_rate: float, unit: str) -> float:
    """Convert a yearly discount rate to the rate per day, week, month or year.

    Parameters
    ----------
    annual_discount_rate : float
        Fraction per year, 0 or more (0.10 for 10%).
    unit : {"D", "W", "M", "Y"}
        Target unit.

    Returns
    -------
    float
        ``(1 + annual_discount_rate) ** (days per unit / 365.25) - 1``.

    Examples
    --------
    >>> round(discount_rate_per_unit(0.10, "M"), 5), round(discount_rate_per_unit(0.10, "W"), 5)
    (0.00797, 0.00183)
    """
    rate = _rate(annual_discount_rate)
    if unit not in DAYS_PER_UNIT:
        raise InputError("unit", "models.unit_unknown", choices=unit_choices(DAYS_PER_UNIT))
    return float((1 + rate) ** (DAYS_PER_UNIT[unit] / DAYS_PER_UNIT["Y"]) - 1)


@dataclass(frozen=True)
class CustomerValues:
    """Model CLV and forecasts of every customer.

    Attributes
    ----------
    table : DataFrame
        One row per customer (indexed by customer id when given) with
        ``p_alive``; ``purchases_low``, ``purchases``, ``purchases_high``
        (expected purchases within the horizon, undiscounted);
        ``order_value_low``, ``order_value``, ``order_value_high`` (expected
        value per order); ``clv_low``, ``clv``, ``clv_high`` (discounted margin
        over the horizon, in money).
    total_clv : Range
        Sum of the customers' CLV.
    total_purchases : Range
        Purchases expected within the horizon, all customers together.
    time_unit, horizon_unit : str
        Unit of the model and of the horizon.
    horizon : float
        Horizon, in ``horizon_unit``.
    annual_discount_rate : float
        Discount rate per year, a fraction.
    margin : float
        Share of the order value kept as margin.
    """

    table: pd.DataFrame
    total_clv: Range
    total_purchases: Range
    time_unit: str
    horizon: float
    horizon_unit: str
    annual_discount_rate: float
    margin: float


def customer_value(
    purchases: bgnbd.BGNBDModel,
    spend: gamma_gamma.GammaGammaModel,
    frequency,
    recency,
    age,
    mean_value,
    *,
    time_unit: str,
    horizon: float,
    horizon_unit: str = "M",
    annual_discount_rate: float = 0.10,
    margin: float = 1.0,
    customer_id=None,
) -> CustomerValues:
    """Discounted expected margin of every customer over a horizon, with ranges.

    Parameters
    ----------
    purchases : BGNBDModel
        Fitted repeat-purchase model, in ``time_unit``.
    spend : GammaGammaModel
        Fitted spend-per-order model.
    frequency, recency, age : array-like
        Per customer, recency and age in ``time_unit``.
    mean_value : array-like
        Mean repeat order value per customer (ignored where frequency is 0).
    time_unit : {"D", "W", "M"}
        Unit of recency, age and the model.
    horizon : float
        How far ahead to count, above 0, in ``horizon_unit``.
    horizon_unit : {"D", "W", "M", "Y"}
        Unit of ``horizon``; months by default.
    annual_discount_rate : float
        Discount rate per year, a fraction, 0 or more.
    margin : float
        Share of the order value kept as margin, above 0 and at most 1.
    customer_id : array-like, optional
        Index of the returned table.

    Returns
    -------
    CustomerValues

    Raises
    ------
    InputError
        A horizon, unit, discount rate or margin out of range.
    DataError
        Inconsistent customer arrays.

    Notes
    -----
    ``CLV = margin * E(order value) * sum_k disc(m_k) * (E[X(t_k)] - E[X(t_k-1)])``
    where ``0 = t_0 < t_1 < ... < t_K`` cut the horizon into steps of at most
    one month (at most 60 steps), ``E[X(t)]`` is the BG/NBD conditional
    expectation and ``disc(m) = (1 + annual rate) ** -(m in years)`` at the
    middle ``m_k`` of each step. The purchases in a step are all discounted to
    its middle. The hypergeometric part is computed once per distinct
    (frequency, age) and P(alive) once per distinct (frequency, recency, age).

    Examples
    --------
    The CDNOW customer with 2 repeat purchases, last at week 30.43 of 38.86,
    averaging $20 a repeat order, at a 30% margin over the next 12 months:

    >>> v = customer_value(
    ...     bgnbd._cdnow(), gamma_gamma._cdnow(), [2], [30.43], [38.86], [20.0],
    ...     time_unit="W", horizon=12, annual_discount_rate=0.10, margin=0.3,
    ... )
    >>> v.table[["purchases", "order_value", "clv"]].round(2).iloc[0].tolist()
    [1.56, 22.73, 10.2]
    """
    if time_unit not in SUMMARY_UNITS:
        raise InputError("time_unit", "models.clv.data_unit", choices=unit_choices(SUMMARY_UNITS))
    if horizon_unit not in DAYS_PER_UNIT:
        raise InputError(
            "horizon_unit", "models.clv.horizon_unit", choices=unit_choices(DAYS_PER_UNIT)
        )
    length = _horizon(horizon)
    rate = _rate(annual_discount_rate)
    share = _margin(margin)
    x, tx, t_age = bgnbd.check_rfm(frequency, recency, age)
    m = gamma_gamma._check(frequency, mean_value)[1]
    return _values(
        purchases,
        spend,
        x,
        tx,
        t_age,
        m,
        compress(x, tx, t_age),
        time_unit=time_unit,
        length=length,
        horizon_unit=horizon_unit,
        rate=rate,
        share=share,
        customer_id=customer_id,
    )


def _values(
    purchases,
    spend,
    x,
    tx,
    t_age,
    m,
    rows,
    *,
    time_unit,
    length,
    horizon_unit,
    rate,
    share,
    customer_id,
) -> CustomerValues:
    """:func:`customer_value` on checked inputs and their :func:`compress` result ``rows``."""
    edges, discount = _steps(length, horizon_unit, time_unit, rate)
    inverse, first, _ = rows
    ux, utx, ut = x[first], tx[first], t_age[first]
    pair_inverse, pair_first, _ = compress(ux, ut)
    px, pt = ux[pair_first], ut[pair_first]

    def per_row(z):
        r, alpha, a, b = np.exp(z)
        alive = bgnbd._p_alive(ux, utx, ut, r, alpha, a, b)
        cumulative = bgnbd.expected_new(
            edges[None, :], (r + px)[:, None], (alpha + pt)[:, None], a, (b + px)[:, None]
        )
        step = np.diff(cumulative, axis=1, prepend=0.0)
        det = np.sum(step * discount[None, :], axis=1)
        return np.stack([alive, alive * det[pair_inverse], alive * cumulative[pair_inverse, -1]])

    rows, row_grads = log_gradients(per_row, purchases.log_params)
    row_var = [quadratic_form(row_grads[:, j], purchases.covariance) for j in (1, 2)]
    value, value_grads = log_gradients(
        lambda z: gamma_gamma._expected(x, m, *np.exp(z)), spend.log_params
    )
    value_var = quadratic_form(value_grads, spend.covariance)

    clv = share * rows[1][inverse] * value
    expected = rows[2][inverse]
    clv_range = to_range(clv, row_var[0][inverse] + value_var, level=RANGE_LEVEL)
    purchase_range = to_range(expected, row_var[1][inverse], level=RANGE_LEVEL)
    value_range = to_range(value, value_var, level=RANGE_LEVEL)

    clv_by_row = np.bincount(inverse, weights=clv, minlength=first.size)
    total_clv = _total(
        clv,
        [(row_grads[:, 1], clv_by_row, purchases.covariance)],
        [(value_grads, clv, spend.covariance)],
    )
    by_row = np.bincount(inverse, minlength=first.size) * rows[2]
    total_purchases = _total(expected, [(row_grads[:, 2], by_row, purchases.covariance)], [])

    table = pd.DataFrame(
        {
            "p_alive": rows[0][inverse],
            "purchases_low": purchase_range.low,
            "purchases": expected,
            "purchases_high": purchase_range.high,
            "order_value_low": value_range.low,
            "order_value": value,
            "order_value_high": value_range.high,
            "clv_low": clv_range.low,
            "clv": clv,
            "clv_high": clv_range.high,
        },
        index=None if customer_id is None else pd.Index(customer_id, name="customer_id"),
        copy=False,
    )
    return CustomerValues(
        table=table,
        total_clv=total_clv,
        total_purchases=total_purchases,
        time_unit=time_unit,
        horizon=length,
        horizon_unit=horizon_unit,
        annual_discount_rate=rate,
        margin=share,
    )


@dataclass(frozen=True)
class ModelValuation:
    """Both fitted models and the customer values built on them."""

    purchases: bgnbd.BGNBDModel
    spend: gamma_gamma.GammaGammaModel
    values: CustomerValues


def value_customers(
    summary: CustomerSummary,
    *,
    horizon: float,
    horizon_unit: str = "M",
    annual_discount_rate: float = 0.10,
    margin: float = 1.0,
) -> ModelValuation:
    """Fit BG/NBD and Gamma-Gamma to a customer summary and value every customer.

    Parameters
    ----------
    summary : CustomerSummary
        From :func:`calc.models.summary.summarize`; its unit is the model's.
    horizon, horizon_unit, annual_discount_rate, margin
        As in :func:`customer_value`.

    Returns
    -------
    ModelValuation

    Raises
    ------
    FitError
        Too little data, no repeat buyers, or a fit that fails (see the two
        models' ``fit``).
    InputError
        As in :func:`customer_value`.

    Examples
    --------
    >>> x, t_x, age = bgnbd.simulate(3000, seed=2)
    >>> s = CustomerSummary(
    ...     customer_id=np.arange(3000), frequency=x.astype(int), recency=t_x, age=age,
    ...     mean_value=gamma_gamma.simulate(x, seed=3), total_value=np.zeros(3000),
    ...     first_purchase=np.zeros(3000, "datetime64[D]"), unit="W",
    ...     observation_end=np.datetime64("2024-12-31"),
    ... )
    >>> result = value_customers(s, horizon=1, horizon_unit="Y", margin=0.3)
    >>> r = result.values.total_clv
    >>> bool(r.low < r.likely < r.high), result.values.table.shape
    (True, (3000, 10))
    """
    if horizon_unit not in DAYS_PER_UNIT:
        raise InputError(
            "horizon_unit", "models.clv.horizon_unit", choices=unit_choices(DAYS_PER_UNIT)
        )
    length = _horizon(horizon)
    rate = _rate(annual_discount_rate)
    share = _margin(margin)
    x, tx, t_age = bgnbd.check_rfm(summary.frequency, summary.recency, summary.age)
    rows = compress(x, tx, t_age)  # once, for the fit and the values
    purchases = bgnbd._fit_checked(x, tx, t_age, rows)
    spend = gamma_gamma.fit(x, summary.mean_value)
    m = gamma_gamma._check(x, summary.mean_value)[1]
    values = _values(
        purchases,
        spend,
        x,
        tx,
        t_age,
        m,
        rows,
        time_unit=summary.unit,
        length=length,
        horizon_unit=horizon_unit,
        rate=rate,
        share=share,
        customer_id=summary.customer_id,
    )
    return ModelValuation(purchases=purchases, spend=spend, values=values)


@dataclass(frozen=True)
class HoldoutCheck:
    """How the model's forecast for the holdout period compares with what happened.

    Attributes
    ----------
    expected : Range
        Purchases the model, fitted on the calibration period only, expected
        in the holdout period (all calibration customers together).
    actual : int
        Purchases that happened (same-day orders counted once).
    length : float
        Length of the holdout period, in ``unit``.
    unit : str
        Time unit (``"D"``, ``"W"`` or ``"M"``).
    customers : int
        Customers in the check (those who bought in the calibration period).
    model : BGNBDModel
        The model fitted on the calibration period.
    tracking : DataFrame
        For a tracking chart, one row per period (see
        :attr:`calc.models.summary.CalibrationHoldout.tracking`):
        ``period_end``, ``actual`` and ``expected`` repeat purchases in the
        period, ``actual_cumulative`` and ``expected_cumulative``, and
        ``holdout``. ``expected`` is what the model expects of these customers
        from their first purchase on, knowing only when they started (the
        tracking plot of Fader, Hardie and Lee 2005).
    """

    expected: Range
    actual: int
    length: float
    unit: str
    customers: int
    model: bgnbd.BGNBDModel
    tracking: pd.DataFrame

    @property
    def unit_name(self) -> str:
        """Plain name of the unit, for the sentence under the check.

        Examples
        --------
        >>> check = HoldoutCheck(
        ...     Range(900, 1020, 1140), 980, 13.0, "W", 500, bgnbd._cdnow(), pd.DataFrame()
        ... )
        >>> check.unit_name
        'weeks'
        """
        return UNIT_NAMES[self.unit]


def _floats(values) -> np.ndarray:
    """A column or array as floats. A Series goes through ``to_numpy``: ``np.asarray`` looks
    for numpy's interface among a Series' attributes, and pandas then searches its index
    for that name, hashing all of it first (0.6 s for two million customer ids)."""
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=float)
    return np.asarray(values, dtype=float)


def value_if_active(clv, p_alive) -> np.ndarray:
    """What each customer is worth while still active: CLV / P(alive); NaN where P(alive) is 0.

    Parameters
    ----------
    clv : array-like of float
        Model CLV per customer, from :func:`customer_value` (money).
    p_alive : array-like of float
        Chance each customer is still active, 0 to 1.

    Returns
    -------
    numpy.ndarray
        Money per customer: the value at stake if a customer who may have
        left is won back.

    Notes
    -----
    Under BG/NBD a customer who has dropped out makes no more purchases, so
    the expected value is ``P(alive) * E(value | alive) + (1 - P(alive)) * 0``
    (Fader, Hardie & Lee 2005, "Counting your customers the easy way", eq. 10
    is ``P(alive)`` times the purchases of an active customer). Hence
    ``E(value | alive) = CLV / P(alive)``.

    Examples
    --------
    >>> value_if_active([10.0, 5.0, 0.0], [0.5, 0.25, 0.0]).tolist()
    [20.0, 20.0, nan]
    """
    value, alive = _floats(clv), _floats(p_alive)
    return np.divide(value, alive, out=np.full(alive.shape, np.nan), where=alive > 0)


def at_risk(table: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Customers with ``p_alive`` below ``threshold``, the most valuable if won back first.

    ``table`` has the columns ``p_alive`` and ``worth_if_active`` (see
    :func:`value_if_active`); customers worth nothing known come last.

    Examples
    --------
    >>> t = pd.DataFrame({"p_alive": [0.9, 0.2, 0.4, 0.1], "worth_if_active": [5, 1, 8, None]})
    >>> at_risk(t, 0.5).index.tolist()
    [2, 1, 3]
    """
    order = at_risk_order(table["worth_if_active"])
    alive = table["p_alive"].to_numpy(dtype=float)
    return table.iloc[order[alive[order] < threshold]]


def at_risk_order(worth) -> np.ndarray:
    """Positions of the customers, most worth first, unknown worth (NaN) last; ties keep order.

    Taken once per fit, it lets a page filter the at-risk list for any
    threshold without sorting again: ``order[p_alive[order] < threshold]``.

    Examples
    --------
    >>> at_risk_order([5.0, 1.0, 8.0, float("nan"), 5.0]).tolist()
    [2, 0, 4, 1, 3]
    """
    return np.argsort(-_floats(worth), kind="stable")


def holdout_check(split: CalibrationHoldout) -> HoldoutCheck:
    """Fit BG/NBD on the calibration period and forecast the holdout period.

    Parameters
    ----------
    split : CalibrationHoldout
        From :func:`calc.models.summary.calibration_holdout`.

    Returns
    -------
    HoldoutCheck
        "The model expected ``expected.likely`` purchases in the last
        ``length`` ``unit_name``; ``actual`` happened."

    Raises
    ------
    FitError
        As :func:`calc.models.bgnbd.fit`.

    Examples
    --------
    300 customers ordering at random days of 2024 (nobody leaves), fitted on
    January to September, checked on the last 13 weeks:

    >>> from calc.models.summary import calibration_holdout
    >>> rng = np.random.default_rng(0)
    >>> ids = rng.integers(0, 300, 1500)
    >>> days = np.datetime64("2024-01-01") + rng.integers(0, 365, 1500)
    >>> split = calibration_holdout(
    ...     ids, days, np.full(1500, 10.0), calibration_end="2024-09-30", unit="W"
    ... )
    >>> check = holdout_check(split)
    >>> round(check.expected.likely), check.actual, round(check.length, 1), check.unit_name
    (343, 401, 13.0, 'weeks')
    """
    cal = split.calibration
    model = bgnbd.fit(cal.frequency, cal.recency, cal.age)
    expected = model.expected_total(split.holdout_length, cal.frequency, cal.recency, cal.age)
    return HoldoutCheck(
        expected=expected,
        actual=split.total_holdout_purchases,
        length=split.holdout_length,
        unit=cal.unit,
        customers=cal.n_customers,
        model=model,
        tracking=_tracking(model, split),
    )


def _tracking(model: bgnbd.BGNBDModel, split: CalibrationHoldout) -> pd.DataFrame:
    """Actual and expected repeat purchases per period, the expectation from birth.

    Expected cumulative repeat purchases by the end of day D are the sum over
    customers of E[X((D - first purchase day) in units)], computed once per
    distinct first-purchase day and period, and E[X] once per distinct age in
    days (two years of births and 100 weeks: 70,000 pairs, 730 ages).
    """
    track = split.tracking
    period_end = track["period_end"].to_numpy().astype("datetime64[D]").astype(np.int64)
    first = split.calibration.first_purchase.astype(np.int64)
    per_day = np.bincount(first - first.min())  # customers per first-purchase day
    births = np.flatnonzero(per_day) + first.min()
    counts = per_day[per_day > 0]
    per_unit = DAYS_PER_UNIT[split.calibration.unit]
    ages, where = np.unique(
        np.maximum(period_end[None, :] - births[:, None], 0), return_inverse=True
    )
    expected = bgnbd.expected_new(ages / per_unit, model.r, model.alpha, model.a, model.b)
    cumulative = np.sum(counts[:, None] * expected[where.reshape(-1, len(period_end))], axis=0)
    actual = track["repeat_purchases"].to_numpy()
    return pd.DataFrame(
        {
            "period_end": track["period_end"],
            "actual": actual,
            "expected": np.diff(cumulative, prepend=0.0),
            "actual_cumulative": np.cumsum(actual),
            "expected_cumulative": cumulative,
            "holdout": track["holdout"],
        }
    )


def _steps(length, horizon_unit, time_unit, rate):
    """Step ends (model units) and the discount factor at each step's middle."""
    months = convert_time(length, horizon_unit, "M")
    count = int(min(max(np.ceil(months / STEP_MONTHS - 1e-9), 1), MAX_STEPS))
    total = convert_time(length, horizon_unit, time_unit)
    edges = total * np.arange(1, count + 1) / count
    middles = edges - total / count / 2
    years = convert_time(middles, time_unit, "Y")
    return edges, (1 + rate) ** -np.asarray(years)


def _total(values, row_parts, customer_parts) -> Range:
    """Range of a sum from per-row and per-customer log-gradients."""
    total = float(np.sum(values))
    if total <= 0:
        return Range(0.0, 0.0, 0.0)
    variance = 0.0
    for grads, weights, covariance in row_parts + customer_parts:
        g = np.array([np.sum(gj * weights) for gj in grads]) / total
        variance += float(quadratic_form(g[:, None], covariance)[0])
    return to_range(total, variance, level=RANGE_LEVEL)


def _horizon(horizon) -> float:
    try:
        value = float(horizon)
    except (TypeError, ValueError):
        raise InputError("horizon", "models.clv.horizon_not_number") from None
    if not np.isfinite(value) or value <= 0:
        raise InputError("horizon", "models.clv.horizon_not_positive")
    return value


def _rate(rate) -> float:
    try:
        value = float(rate)
    except (TypeError, ValueError):
        raise InputError("annual_discount_rate", "models.clv.discount_not_number") from None
    if not np.isfinite(value) or value < 0 or value > 1:
        raise InputError("annual_discount_rate", "models.clv.discount_out_of_range")
    return value


def _margin(margin) -> float:
    try:
        value = float(margin)
    except (TypeError, ValueError):
        raise InputError("margin", "models.clv.margin_not_number") from None
    if not np.isfinite(value) or value <= 0 or value > 1:
        raise InputError("margin", "models.clv.margin_out_of_range")
    return value
