"""The churn check: one churn figure seen in every period, judged, and priced.

Rates are fractions. Conversions between periods go through
:func:`calc.clv.convert_rate` (compounding), and the verdict through
:func:`calc.thresholds.churn_health` with the lines of the user's kind of
business (``business``), so a line is compared in its own period whatever
period the user typed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.linalg import eigh_tridiagonal

from calc import _validate as v
from calc.business import DEFAULT_BUSINESS
from calc.clv import PERIODS, convert_rate
from calc.models._fit import compress
from calc.thresholds import Health, churn_health, rule

__all__ = ["ChurnCost", "alive_after", "churn_by_period", "churn_cost"]


def churn_by_period(
    churn_rate: float, period: str, *, business: str = DEFAULT_BUSINESS
) -> pd.DataFrame:
    """The same churn expressed per month, quarter and year, with its thresholds.

    Parameters
    ----------
    churn_rate : float
        Share of customers lost per ``period``, in [0, 1].
    period : {"month", "quarter", "year"}
        Period of ``churn_rate``.
    business : str, default "other"
        Kind of business whose churn lines apply (:mod:`calc.business`).

    Returns
    -------
    pandas.DataFrame
        One row per period (month, quarter, year) with columns ``period``,
        ``churn``, ``watch`` and ``act`` (the churn rule's lines converted to
        that period) and ``level`` (the same verdict in every row).

    Raises
    ------
    InputError
        If ``churn_rate`` is outside [0, 1] (field ``"churn_rate"``) or the
        period is unknown (field ``"period"``).

    Notes
    -----
    churn over k periods = 1 - (1 - churn)^k, never k x churn: 3% a month is
    30.6% a year. The lines are converted the same way, so the verdict does
    not depend on the period it is read in.

    References
    ----------
    The lines of :data:`calc.business.LINES` (e.g. HubSpot's 5-7% a year for
    software), and :func:`calc.clv.convert_rate` for the conversion.

    Examples
    --------
    >>> table = churn_by_period(0.03, "month", business="saas_small")
    >>> [round(x, 3) for x in table["churn"]]
    [0.03, 0.087, 0.306]
    >>> list(table["level"])
    ['act', 'act', 'act']
    """
    verdict = churn_health(churn_rate, period, business=business)
    lines = rule("churn", business)
    rows = [
        {
            "period": target,
            "churn": convert_rate(churn_rate, period, target),
            "watch": convert_rate(lines.watch, lines.period, target),
            "act": convert_rate(lines.act, lines.period, target),
            "level": verdict.level,
        }
        for target in PERIODS
    ]
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class ChurnCost:
    """What a churn rate costs in a year.

    Attributes
    ----------
    annual_churn : float
        Churn per year, as a fraction.
    customers_lost : float
        Customers lost per year.
    margin_lost : float
        Yearly margin those customers brought, in the currency of the margin.
    customers_kept_at_watch_line : float
        Customers a year you would keep by bringing churn down to the rule's
        watch line (0 when churn is already below it).
    verdict : Health
        The churn rule's verdict.
    """

    annual_churn: float
    customers_lost: float
    margin_lost: float
    customers_kept_at_watch_line: float
    verdict: Health


def churn_cost(
    churn_rate: float,
    period: str,
    customers: float,
    margin_per_customer: float,
    *,
    business: str = DEFAULT_BUSINESS,
) -> ChurnCost:
    """Customers and yearly margin lost to churn, and what the watch line would save.

    Parameters
    ----------
    churn_rate : float
        Share of customers lost per ``period``, in [0, 1].
    period : {"month", "quarter", "year"}
        Period of ``churn_rate``.
    customers : float
        Customers you have now, at least 0.
    margin_per_customer : float
        Gross margin of one customer per YEAR, in money, at least 0.
    business : str, default "other"
        Kind of business whose churn lines apply (:mod:`calc.business`).

    Returns
    -------
    ChurnCost

    Raises
    ------
    InputError
        Field ``"churn_rate"``, ``"period"``, ``"customers"`` or
        ``"margin_per_customer"`` for a value outside its range.

    Notes
    -----
    annual churn = 1 - (1 - churn)^(periods per year / periods of churn);
    customers lost per year = customers x annual churn (of today's customers,
    before any new ones); margin lost per year = customers lost x yearly
    margin per customer: the margin they would have brought in the next year.
    Customers kept at the watch line = customers x (annual churn - watch line
    per year), when positive.

    Examples
    --------
    1,000 customers, 3% a month, 72 a year each: 306 customers and about
    22,000 of margin a year.

    >>> cost = churn_cost(0.03, "month", 1000, 72, business="saas_small")
    >>> round(cost.customers_lost), round(cost.margin_lost), cost.verdict.level
    (306, 22043, 'act')
    >>> churn_cost(0.03, "month", 1000, 72, business="cafe").verdict.level
    'healthy'
    """
    verdict = churn_health(churn_rate, period, business=business)
    count = v.non_negative(customers, "customers", "customers")
    margin = v.non_negative(margin_per_customer, "margin_per_customer", "margin_per_customer")
    annual = convert_rate(churn_rate, period, "year")
    lines = rule("churn", business)
    watch_annual = convert_rate(lines.watch, lines.period, "year")
    lost = count * annual
    return ChurnCost(
        annual_churn=annual,
        customers_lost=lost,
        margin_lost=lost * margin,
        customers_kept_at_watch_line=max(0.0, count * (annual - watch_annual)),
        verdict=verdict,
    )


def beta_rule(n: int, a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """Gauss quadrature for the mean over a Beta(a, b) variable: ``n`` points and weights.

    ``sum(w * f(p))`` approximates E[f(p)], p ~ Beta(a, b), exactly for
    polynomials of degree up to 2n - 1. Golub-Welsch: the points are the
    eigenvalues of the Jacobi matrix of the weight ``(1 - u)**(b - 1) (1 +
    u)**(a - 1)`` on [-1, 1], and the weights the squared first components of
    its eigenvectors, which sum to one by themselves. scipy's
    ``roots_jacobi`` scales them by ``2**(a + b - 1) B(a, b)`` first, which
    overflows once ``b`` passes about a thousand (a held BG/NBD fit has ``b``
    in the tens of thousands) and turns every weight into NaN.

    Source: Golub and Welsch (1969), "Calculation of Gauss quadrature rules",
    with the recurrence of the Jacobi polynomials (Abramowitz and Stegun 22.7).

    Examples
    --------
    The mean of Beta(2, 3) is 2/5, and of Beta(0.5, 1e6) 0.5 / (1e6 + 0.5):

    >>> p, w = beta_rule(24, 2.0, 3.0)
    >>> round(float(w @ p), 12), round(float(w.sum()), 12)
    (0.4, 1.0)
    >>> p, w = beta_rule(24, 0.5, 1e6)
    >>> bool(np.isclose(w @ p, 0.5 / (1e6 + 0.5), rtol=1e-10))
    True
    """
    alpha, beta = b - 1.0, a - 1.0  # the weight's exponents at u = 1 and u = -1
    k = np.arange(n, dtype=float)
    s = 2 * k + alpha + beta
    diagonal = np.empty(n)
    diagonal[0] = (beta - alpha) / (alpha + beta + 2)
    diagonal[1:] = (beta**2 - alpha**2) / (s[1:] * (s[1:] + 2))
    j, sj = k[1:], s[1:]
    # (j + alpha + beta) / (sj - 1) is 1 at j = 1, also where both are 0 (a + b + x = 1)
    ratio = np.ones_like(j)
    ratio[1:] = (j[1:] + alpha + beta) / (sj[1:] - 1)
    off = np.sqrt(4 * j * (j + alpha) * (j + beta) * ratio / (sj**2 * (sj + 1)))
    nodes, vectors = eigh_tridiagonal(diagonal, off)
    return (1.0 + nodes) / 2.0, vectors[0] ** 2


def alive_after(model, frequency, recency, age, t: float) -> np.ndarray:
    """Each customer's chance of still being active ``t`` time units after the data ends (BG/NBD).

    Parameters
    ----------
    model : calc.models.bgnbd.BGNBDModel
        A fitted model (``r``, ``alpha``, ``a``, ``b``).
    frequency, recency, age : array-like
        Repeat purchases, time of the last repeat purchase and age, in the
        model's time unit (as for ``model.p_alive``).
    t : float
        Time ahead, in the model's time unit, at least 0.

    Returns
    -------
    numpy.ndarray
        P(active at T + t), one per customer, in [0, 1].

    Raises
    ------
    InputError
        If ``t`` is negative or not a number (field ``"t"``).

    Notes
    -----
    In BG/NBD a customer drops out only right after a purchase, with
    probability p, and buys at rate lambda while active; so an active customer
    survives a further t with probability exp(-lambda p t). Given the
    customer's history and that they are active, lambda ~ Gamma(r + x,
    alpha + T) and p ~ Beta(a, b + x), independent, so

    P(active at T + t) = P(alive) * E_p[(1 + p t / (alpha + T))^-(r + x)],

    the expectation by 24-point Gauss-Jacobi quadrature on the Beta weight,
    once per distinct (x, T). At t = 0 this is ``model.p_alive``.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting your
    customers" the easy way: an alternative to the Pareto/NBD model.
    Marketing Science 24(2), 275-284 (the model and P(alive)).

    Examples
    --------
    >>> from calc.models.bgnbd import _cdnow
    >>> m = _cdnow()
    >>> x, tx, T = np.array([0, 2]), np.array([0.0, 30.0]), np.array([38.0, 38.0])
    >>> alive_after(m, x, tx, T, 0.0).round(4).tolist() == m.p_alive(x, tx, T).round(4).tolist()
    True
    >>> alive_after(m, x, tx, T, 52.0).round(3).tolist()
    [0.943, 0.532]
    """
    horizon = v.non_negative(t, "t", "periods")
    x = np.asarray(frequency, dtype=float)
    t_age = np.asarray(age, dtype=float)
    alive = np.asarray(model.p_alive(frequency, recency, age), dtype=float)
    if horizon == 0 or len(x) == 0:
        return alive
    inverse, first, _ = compress(x, t_age)  # once per distinct (x, T): the rest is shared
    px, base = x[first], model.alpha + t_age[first]
    survive = np.empty(len(first))
    for value in np.unique(px):
        p, w = beta_rule(24, model.a, model.b + value)
        rows = px == value
        survive[rows] = ((1.0 + np.outer(horizon / base[rows], p)) ** -(model.r + value) * w).sum(
            axis=1
        )
    return alive * survive[inverse]
