"""Rules of thumb for retention metrics, judged against the user's kind of business.

The lines live as data in :mod:`calc.business`: :data:`RULES`, the general
rule of every metric (its direction, unit, next step and the well-known
figures quoted beside them: acquiring a customer costs about five times as
much as keeping one; +5 points of retention, +25% to +95% profit), and
:data:`calc.business.LINES`, the lines of each kind of business with their
sources. The ``*_health`` functions compare a user's number with the line of
the business named in ``business`` (default ``"other"``: the general lines)
and return a :class:`Health` whose ``rule`` says which lines and source were
used.

Periods. A rule with a period (churn per month, NRR per year) is compared in
that period: the user's rate is first converted with
:func:`calc.clv.convert_rate`, and the :class:`Health` reports the converted
value and the rule's period, i.e. exactly what was compared. Churn lines are
per year for most businesses and per month for a subscription box, whose
published benchmark is monthly.

The churn lines. A churn of 35% a year is poor for software sold to small
firms (HubSpot's 5-7% a year) and good for a café (hospitality keeps about
55% of its customers a year, Statista 2018). See :mod:`calc.business` for
each line and how it was set. Where a line is only a practitioners'
convention its source says "rule of thumb": treat it as a prompt to look,
not as a verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from calc import _validate as v
from calc import business as biz
from calc.business import CITATIONS, DEFAULT_BUSINESS, RULES, Rule
from calc.clv import convert_rate
from calc.errors import InputError
from calc.messages import Percent

__all__ = [
    "ACQUISITION_COST_MULTIPLE",
    "CHURN_ACT_YEARLY",
    "CLV_CAC_CEILING",
    "CLV_CAC_TARGET",
    "LEVELS",
    "PAYBACK_TARGET_MONTHS",
    "PROFIT_UPLIFT_HIGH",
    "PROFIT_UPLIFT_LOW",
    "RETENTION_UPLIFT_POINTS",
    "RULES",
    "Health",
    "Rule",
    "activation_health",
    "arr_growth_health",
    "churn_health",
    "clv_cac_health",
    "contraction_health",
    "csat_health",
    "dso_health",
    "early_cancel_health",
    "grr_health",
    "nps_health",
    "nrr_health",
    "payback_health",
    "repeat_purchase_health",
    "retention_health",
    "return_rate_health",
    "revenue_churn_health",
    "rule",
    "ticket_age_health",
    "time_to_value_health",
    "virality_health",
]

#: Health levels, best first.
LEVELS = ("healthy", "watch", "act")

_KEEP_MEASURING = "No action needed. Keep measuring it each period so you see a change early."


_BY_KEY = {r.key: r for r in RULES}


def rule(key: str, business: str = DEFAULT_BUSINESS) -> Rule:
    """Look up a rule of thumb by its key, with the lines of a kind of business.

    Parameters
    ----------
    key : str
        One of the keys in :data:`RULES`, e.g. ``"churn"``.
    business : str, default "other"
        One of :data:`calc.business.BUSINESS_TYPES`. Where the business has
        lines of its own (:data:`calc.business.LINES`) they replace the
        general ones, with their source; otherwise the general rule applies.

    Returns
    -------
    Rule
        The rule, with ``business`` set and ``cite`` naming the source of a
        business's own lines (``None`` for the general source).

    Raises
    ------
    InputError
        If there is no rule with that key (field ``"key"``) or no such
        business (field ``"business"``).

    Examples
    --------
    >>> rule("churn", "saas_small").act, rule("churn", "saas_small").period
    (0.07, 'year')
    >>> rule("churn", "cafe").watch, rule("churn", "cafe").cite
    (0.45, 'statista_hospitality')
    >>> rule("dso", "cafe").watch, rule("dso", "cafe").cite
    (45.0, None)
    """
    if key not in _BY_KEY:
        raise InputError("key", "thresholds.unknown_rule", value=repr(key), choices=tuple(_BY_KEY))
    general = _BY_KEY[key]
    own = biz.line(key, business)
    if own is None:
        return replace(general, business=business)
    return replace(
        general,
        watch=own.watch,
        act=own.act,
        period=own.period,
        source=CITATIONS[own.cite],
        business=business,
        cite=own.cite,
    )


#: Yearly churn above which software for small firms should act (HubSpot's 7% annual churn).
CHURN_ACT_YEARLY: float = rule("churn", "saas_small").act
#: CLV:CAC to aim for (Skok 2013).
CLV_CAC_TARGET: float = _BY_KEY["clv_cac"].watch
#: CLV:CAC above which acquisition may be under-funded (rule of thumb).
CLV_CAC_CEILING: float = _BY_KEY["clv_cac"].ceiling
#: Months within which CAC should be paid back (Skok 2013).
PAYBACK_TARGET_MONTHS: float = _BY_KEY["payback"].watch
#: Acquiring a customer costs about this many times keeping one (Reichheld; Bain).
ACQUISITION_COST_MULTIPLE: float = _BY_KEY["acquisition_cost_multiple"].value
#: Retention improvement in the published claim: +5 percentage points.
RETENTION_UPLIFT_POINTS: float = _BY_KEY["retention_uplift_points"].value
#: Published profit increase from +5 points of retention, low end (+25%).
PROFIT_UPLIFT_LOW: float = _BY_KEY["profit_uplift_low"].value
#: Published profit increase from +5 points of retention, high end (+95%).
PROFIT_UPLIFT_HIGH: float = _BY_KEY["profit_uplift_high"].value


@dataclass(frozen=True)
class Health:
    """How one metric compares with its rule of thumb.

    Attributes
    ----------
    level : {"healthy", "watch", "act"}
        The verdict.
    value : float
        The value compared, in the rule's period and unit (after conversion).
    threshold : float
        The line that decided the level: the act line for "act", the watch
        line for "watch" and for "healthy" (the line not crossed).
    period : str or None
        Period of ``value`` and ``threshold``.
    rule : Rule
        The rule applied.
    source : str
        Where the rule comes from.
    next_step : str
        What to do, in plain words.
    """

    level: str
    value: float
    threshold: float
    period: str | None
    rule: Rule
    source: str
    next_step: str


def churn_health(churn_rate: float, period: str, *, business: str = DEFAULT_BUSINESS) -> Health:
    """Compare customer churn with the lines of the user's kind of business.

    Parameters
    ----------
    churn_rate : float
        Share of customers lost per ``period``, in [0, 1].
    period : {"month", "quarter", "year"}
        Period of ``churn_rate``.
    business : str, default "other"
        Kind of business whose lines apply (:data:`calc.business.BUSINESS_TYPES`).

    Returns
    -------
    Health
        ``value`` is the churn converted to the period of the business's
        lines (a year, or a month for a subscription box).

    Raises
    ------
    InputError
        If the churn is outside [0, 1] (field ``"churn_rate"``), the period
        is unknown (field ``"period"``) or the business is unknown (field
        ``"business"``).

    Notes
    -----
    churn in the lines' period = 1 - (1 - churn)**(lines' periods per
    period of ``churn_rate``). Above the act line: act; above the watch line:
    watch. The lines and their sources are in :data:`calc.business.LINES`.

    References
    ----------
    HubSpot, "Customer retention metrics" (software for small firms, 5-7% a
    year); Statista (2018), customer retention rate worldwide by industry
    (cafés: 55% kept a year); see :data:`calc.business.CITATIONS`.

    Examples
    --------
    35% a year is past HubSpot's 7% for software, and better than the
    hospitality average of 45% for a café:

    >>> churn_health(0.35, "year", business="saas_small").level
    'act'
    >>> h = churn_health(0.35, "year", business="cafe")
    >>> h.level, h.threshold, h.period
    ('healthy', 0.45, 'year')

    0.5% a month is 5.8% a year, between HubSpot's lines:

    >>> h = churn_health(0.005, "month", business="saas_small")
    >>> h.level, round(h.value, 4), h.threshold
    ('watch', 0.0584, 0.05)
    """
    r = rule("churn", business)
    churn = v.fraction(churn_rate, "churn_rate", "churn_rate")
    p = v.period(period)
    return _assess(r, convert_rate(churn, p, r.period, kind="churn"))


def retention_health(
    retention_rate: float, period: str, *, business: str = DEFAULT_BUSINESS
) -> Health:
    """Compare customer retention with the lines of the user's kind of business.

    Parameters
    ----------
    retention_rate : float
        Share of customers kept per ``period``, in [0, 1].
    period : {"month", "quarter", "year"}
        Period of ``retention_rate``.
    business : str, default "other"
        Kind of business whose lines apply (:data:`calc.business.BUSINESS_TYPES`).

    Returns
    -------
    Health
        ``value`` is the retention converted to a year.

    Raises
    ------
    InputError
        If the retention is outside [0, 1] (field ``"retention_rate"``) or the
        period is unknown (field ``"period"``).

    Notes
    -----
    The mirror image of :func:`churn_health`: retention = 1 - churn, and the
    level is always the same as for the matching churn.

    Examples
    --------
    99% a quarter keeps 0.99**4 = 96.1% a year, above software's 95% line:

    >>> retention_health(0.99, "quarter", business="saas_small").level
    'healthy'
    >>> retention_health(0.985, "quarter", business="saas_small").level
    'watch'
    >>> retention_health(0.60, "year", business="cafe").level
    'healthy'
    """
    r = rule("retention", business)
    kept = v.fraction(retention_rate, "retention_rate", "retention_rate")
    p = v.period(period)
    return _assess(r, convert_rate(kept, p, r.period, kind="retention"))


def revenue_churn_health(
    revenue_churn_rate: float, period: str, *, business: str = DEFAULT_BUSINESS
) -> Health:
    """Compare revenue churn (gross or net) with the lines of the business (general: 1% / 2%).

    Parameters
    ----------
    revenue_churn_rate : float
        Share of recurring revenue lost per ``period``, at most 1. Net revenue
        churn may be negative (expansion larger than losses).
    period : {"month", "quarter", "year"}
        Period of ``revenue_churn_rate``.
    business : str, default "other"
        Kind of business whose lines apply (:data:`calc.business.BUSINESS_TYPES`).

    Returns
    -------
    Health
        ``value`` is the revenue churn converted to a month.

    Raises
    ------
    InputError
        If the rate is above 100% or not a number (field
        ``"revenue_churn_rate"``) or the period is unknown (field
        ``"period"``).

    Notes
    -----
    Revenue kept, 1 - churn, compounds: monthly churn =
    1 - (1 - churn)**(1 / months per period). Negative churn stays negative.

    Examples
    --------
    >>> revenue_churn_health(0.015, "month").level
    'watch'
    >>> revenue_churn_health(-0.02, "month").level
    'healthy'
    """
    r = rule("revenue_churn", business)
    churn = v.number(revenue_churn_rate, "revenue_churn_rate", "revenue_churn_rate")
    if churn > 1.0:
        raise InputError(
            "revenue_churn_rate", "thresholds.revenue_churn_over_full", value=Percent(churn)
        )
    p = v.period(period)
    return _assess(r, 1.0 - convert_rate(1.0 - churn, p, r.period, kind="ratio"))


def nrr_health(nrr: float, period: str = "year", *, business: str = DEFAULT_BUSINESS) -> Health:
    """Compare net revenue retention with the lines of the business (general: 100% / 90% a year).

    Parameters
    ----------
    nrr : float
        Net revenue retention per ``period`` as a multiple (1.05 = 105%), at
        least 0.
    period : {"month", "quarter", "year"}, default "year"
        Period of ``nrr``.
    business : str, default "other"
        Kind of business whose lines apply (:data:`calc.business.BUSINESS_TYPES`).

    Returns
    -------
    Health
        ``value`` is the NRR converted to a year.

    Raises
    ------
    InputError
        If ``nrr`` is negative or not a number (field ``"nrr"``) or the period
        is unknown (field ``"period"``).

    Notes
    -----
    yearly NRR = NRR**(periods per year). Below 100%: watch; below 90%: act.

    Examples
    --------
    >>> nrr_health(1.10).level
    'healthy'
    >>> round(nrr_health(0.99, "month").value, 3)
    0.886
    """
    r = rule("nrr", business)
    value = v.non_negative(nrr, "nrr", "nrr")
    p = v.period(period)
    return _assess(r, convert_rate(value, p, r.period, kind="ratio"))


def grr_health(grr: float, period: str = "year", *, business: str = DEFAULT_BUSINESS) -> Health:
    """Compare gross revenue retention with the lines of the business (general: 90% / 80% a year).

    Parameters
    ----------
    grr : float
        Gross revenue retention per ``period``, in [0, 1].
    period : {"month", "quarter", "year"}, default "year"
        Period of ``grr``.
    business : str, default "other"
        Kind of business whose lines apply (:data:`calc.business.BUSINESS_TYPES`).

    Returns
    -------
    Health
        ``value`` is the GRR converted to a year.

    Raises
    ------
    InputError
        If ``grr`` is outside [0, 1] (field ``"grr"``) or the period is
        unknown (field ``"period"``).

    Notes
    -----
    yearly GRR = GRR**(periods per year).

    Examples
    --------
    >>> grr_health(0.85).level
    'watch'
    """
    r = rule("grr", business)
    value = v.fraction(grr, "grr", "grr")
    p = v.period(period)
    return _assess(r, convert_rate(value, p, r.period, kind="retention"))


def repeat_purchase_health(
    repeat_purchase_rate: float, *, business: str = DEFAULT_BUSINESS
) -> Health:
    """Compare a yearly repeat purchase rate with the lines of the business (general: 25% / 15%).

    Parameters
    ----------
    repeat_purchase_rate : float
        Share of a year's customers who ordered more than once, in [0, 1].
    business : str, default "other"
        Kind of business whose lines apply (:data:`calc.business.BUSINESS_TYPES`).

    Returns
    -------
    Health
        Below 25%: watch; below 15%: act.

    Raises
    ------
    InputError
        If the rate is outside [0, 1] (field ``"repeat_purchase_rate"``).

    Notes
    -----
    Not converted between periods: repeat rates do not compound. Use a year
    of orders.

    Examples
    --------
    >>> repeat_purchase_health(0.30).level
    'healthy'
    """
    value = v.fraction(repeat_purchase_rate, "repeat_purchase_rate", "repeat_purchase_rate")
    return _assess(rule("repeat_purchase", business), value)


def return_rate_health(return_rate: float, *, business: str = DEFAULT_BUSINESS) -> Health:
    """Compare a product return rate with the 10% / 20% lines.

    Parameters
    ----------
    return_rate : float
        Units returned / units sold, in [0, 1].
    business : str, default "other"
        Kind of business whose lines apply (:data:`calc.business.BUSINESS_TYPES`).

    Returns
    -------
    Health
        Above 10%: watch; above 20%: act.

    Raises
    ------
    InputError
        If the rate is outside [0, 1] (field ``"return_rate"``).

    Notes
    -----
    Return rates differ widely by product type; compare with your own past.

    Examples
    --------
    >>> return_rate_health(0.12).level
    'watch'
    """
    value = v.fraction(return_rate, "return_rate", "return_rate")
    return _assess(rule("return_rate", business), value)


def dso_health(days: float, *, business: str = DEFAULT_BUSINESS) -> Health:
    """Compare days sales outstanding with the 45 / 60 day lines.

    Parameters
    ----------
    days : float
        DSO in days, at least 0.
    business : str, default "other"
        Kind of business whose lines apply (:data:`calc.business.BUSINESS_TYPES`).

    Returns
    -------
    Health
        Above 45 days: watch; above 60: act.

    Raises
    ------
    InputError
        If ``days`` is negative or not a number (field ``"days"``).

    Notes
    -----
    The lines assume 30-day payment terms; with longer terms expect more.

    Examples
    --------
    >>> dso_health(91.25).level
    'act'
    """
    value = v.non_negative(days, "days", "dso")
    return _assess(rule("dso", business), value)


def nps_health(score: float, *, business: str = DEFAULT_BUSINESS) -> Health:
    """Compare a Net Promoter Score with the +20 (watch) / 0 (act) lines.

    Parameters
    ----------
    score : float
        NPS from -100 to 100.
    business : str, default "other"
        Kind of business whose lines apply (:data:`calc.business.BUSINESS_TYPES`).

    Returns
    -------
    Health
        Below 20: watch; below 0 (more detractors than promoters): act.

    Raises
    ------
    InputError
        If the score is outside -100 to 100 or not a number (field
        ``"score"``).

    Notes
    -----
    See :func:`calc.metrics.net_promoter_score` for the score itself.

    Examples
    --------
    >>> nps_health(10).level
    'watch'
    """
    value = v.number(score, "score", "nps")
    if not -100.0 <= value <= 100.0:
        raise InputError("score", "thresholds.nps_out_of_range", value=value)
    return _assess(rule("nps", business), value)


def clv_cac_health(ratio: float, *, business: str = DEFAULT_BUSINESS) -> Health:
    """Compare CLV:CAC with the 3 (watch) / 1 (act) lines, and note ratios above 5.

    Parameters
    ----------
    ratio : float
        CLV before acquisition cost / acquisition cost, at least 0
        (``math.inf`` allowed).
    business : str, default "other"
        Kind of business whose lines apply (:data:`calc.business.BUSINESS_TYPES`).

    Returns
    -------
    Health
        Below 3: watch; below 1: act. Above 5 the level stays healthy but
        ``next_step`` says acquisition may be under-funded.

    Raises
    ------
    InputError
        If the ratio is negative or not a number (field ``"ratio"``).

    Notes
    -----
    With no acquisition cost :func:`calc.clv.clv_report` gives ``math.inf``,
    which is healthy, with the note for ratios above 5.

    References
    ----------
    Skok, D. (2013). SaaS Metrics 2.0.

    Examples
    --------
    >>> clv_cac_health(2.1).level
    'watch'
    >>> clv_cac_health(6.0).next_step.startswith("Above 5")
    True
    """
    value = _non_negative_or_inf(ratio, "ratio", "clv_cac")
    return _assess(rule("clv_cac", business), value)


def payback_health(payback_months: float, *, business: str = DEFAULT_BUSINESS) -> Health:
    """Compare CAC payback with the lines of the business (software: 12 / 24 months).

    Parameters
    ----------
    payback_months : float
        Months to earn back the acquisition cost, at least 0; ``math.inf``
        means never.
    business : str, default "other"
        Kind of business whose lines apply (:data:`calc.business.BUSINESS_TYPES`).

    Returns
    -------
    Health
        Above 12 months: watch; above 24 or never: act.

    Raises
    ------
    InputError
        If the value is negative or not a number (field ``"payback_months"``).

    Notes
    -----
    See :func:`calc.clv.cac_payback_periods`.

    References
    ----------
    Skok, D. (2013). SaaS Metrics 2.0.

    Examples
    --------
    >>> payback_health(20.0).level
    'watch'
    >>> payback_health(float("inf")).level
    'act'
    """
    value = _non_negative_or_inf(payback_months, "payback_months", "payback_months")
    return _assess(rule("payback", business), value)


# --- helpers -----------------------------------------------------------------


def _non_negative_or_inf(value: object, field: str, label: str) -> float:
    """A number of at least 0, or ``math.inf`` (never); else the check of ``v.non_negative``."""
    result = v.number(value, field, label, allow_inf=True)
    return result if result == math.inf else v.non_negative(result, field, label)


def _assess(r: Rule, value: float) -> Health:
    if r.direction == "lower_is_better":
        crossed_act, crossed_watch = value > r.act, value > r.watch
    else:
        crossed_act, crossed_watch = value < r.act, value < r.watch
    if crossed_act:
        level, threshold, step = "act", r.act, r.next_step
    elif crossed_watch:
        level, threshold, step = "watch", r.watch, r.next_step
    else:
        level, threshold, step = "healthy", r.watch, _KEEP_MEASURING
        if r.ceiling is not None and value > r.ceiling:
            threshold, step = r.ceiling, r.ceiling_note
    return Health(
        level=level,
        value=value,
        threshold=threshold,
        period=r.period,
        rule=r,
        source=r.source,
        next_step=step,
    )


# --- the rest of the retention metrics (calc/metrics_more.py) -------------------


def time_to_value_health(days: float, *, business: str = DEFAULT_BUSINESS) -> Health:
    """Compare the median time to value with the lines of the business (general: 7 / 30 days).

    Parameters
    ----------
    days : float
        Median days from sign-up or first order to the first value event, at least 0.
    business : str, default "other"
        Kind of business whose lines apply (:data:`calc.business.BUSINESS_TYPES`).

    Raises
    ------
    InputError
        If ``days`` is negative or not a number (field ``"days"``).

    Examples
    --------
    >>> time_to_value_health(3.5).level, time_to_value_health(3.5, business="saas_small").level
    ('healthy', 'watch')
    """
    value = v.non_negative(days, "days", "days_to_value")
    return _assess(rule("time_to_value", business), value)


def activation_health(rate: float, *, business: str = DEFAULT_BUSINESS) -> Health:
    """Compare an activation rate with the lines of the business (general: 40% / 20%).

    Parameters
    ----------
    rate : float
        Activated / new customers, in [0, 1].
    business : str, default "other"
        Kind of business whose lines apply.

    Raises
    ------
    InputError
        If the rate is outside [0, 1] (field ``"rate"``).

    Examples
    --------
    >>> activation_health(0.30).level
    'watch'
    """
    value = v.fraction(rate, "rate", "activation_rate")
    return _assess(rule("activation", business), value)


def early_cancel_health(rate: float, *, business: str = DEFAULT_BUSINESS) -> Health:
    """Compare an early cancellation rate with the lines of the business (general: 10% / 20%).

    Parameters
    ----------
    rate : float
        Cancelled before the first renewal / started, in [0, 1].
    business : str, default "other"
        Kind of business whose lines apply.

    Raises
    ------
    InputError
        If the rate is outside [0, 1] (field ``"rate"``).

    Examples
    --------
    >>> early_cancel_health(0.075).level, early_cancel_health(0.25).level
    ('healthy', 'act')
    """
    value = v.fraction(rate, "rate", "early_cancellation_rate")
    return _assess(rule("early_cancel", business), value)


def csat_health(score: float, *, business: str = DEFAULT_BUSINESS) -> Health:
    """Compare a CSAT score with the lines of the business (general: 75% / 60%).

    Parameters
    ----------
    score : float
        Share of answers 4-5 on a 1-5 scale, in [0, 1].
    business : str, default "other"
        Kind of business whose lines apply.

    Raises
    ------
    InputError
        If the score is outside [0, 1] (field ``"score"``).

    Examples
    --------
    >>> csat_health(0.78).level, csat_health(0.78, business="cafe").level
    ('healthy', 'watch')
    """
    value = v.fraction(score, "score", "csat")
    return _assess(rule("csat", business), value)


def ticket_age_health(days: float, *, business: str = DEFAULT_BUSINESS) -> Health:
    """Compare the median age of unresolved tickets with the 2 / 7 day lines.

    Parameters
    ----------
    days : float
        Median age of the open tickets, days, at least 0.
    business : str, default "other"
        Kind of business whose lines apply.

    Raises
    ------
    InputError
        If ``days`` is negative or not a number (field ``"days"``).

    Examples
    --------
    >>> ticket_age_health(2.5).level
    'watch'
    """
    value = v.non_negative(days, "days", "ticket_ages")
    return _assess(rule("ticket_age", business), value)


def contraction_health(share: float, period: str, *, business: str = DEFAULT_BUSINESS) -> Health:
    """Compare contraction MRR / MRR at the start with the 0.5% / 1% a month lines.

    Parameters
    ----------
    share : float
        Contraction MRR / MRR at the start, of ``period``, in [0, 1].
    period : {"month", "quarter", "year"}
        Period the share covers.
    business : str, default "other"
        Kind of business whose lines apply.

    Returns
    -------
    Health
        ``value`` is the share converted to a month: revenue kept,
        1 - share, compounds as revenue churn does.

    Raises
    ------
    InputError
        If the share is outside [0, 1] (field ``"share"``) or the period is
        unknown (field ``"period"``).

    Examples
    --------
    2.5% of MRR in a year is 0.21% a month:

    >>> h = contraction_health(0.025, "year")
    >>> h.level, round(h.value, 4)
    ('healthy', 0.0021)
    """
    value = v.fraction(share, "share", "contraction")
    p = v.period(period)
    r = rule("contraction", business)
    return _assess(r, 1.0 - convert_rate(1.0 - value, p, r.period, kind="ratio"))


def arr_growth_health(growth: float, *, business: str = DEFAULT_BUSINESS) -> Health:
    """Compare yearly ARR growth with the lines of the business (general: 10% / 0%).

    Parameters
    ----------
    growth : float
        (ARR end - ARR a year before) / ARR a year before, at least -1.
    business : str, default "other"
        Kind of business whose lines apply.

    Raises
    ------
    InputError
        If the growth is below -100% or not a number (field ``"growth"``).

    Examples
    --------
    >>> arr_growth_health(0.25).level, arr_growth_health(0.2, business="saas_small").level
    ('healthy', 'watch')
    """
    value = v.number(growth, "growth", "arr_growth")
    if value < -1.0:
        raise InputError("growth", "thresholds.growth_below_minus_one", value=Percent(value))
    return _assess(rule("arr_growth", business), value)


def virality_health(k: float, *, business: str = DEFAULT_BUSINESS) -> Health:
    """Compare the virality coefficient with the 0.15 / 0.05 lines; above 1 it grows alone.

    Parameters
    ----------
    k : float
        New customers each customer brings by inviting, at least 0.
    business : str, default "other"
        Kind of business whose lines apply.

    Raises
    ------
    InputError
        If ``k`` is negative or not a number (field ``"k"``).

    Examples
    --------
    >>> virality_health(0.06).level, virality_health(1.2).threshold
    ('watch', 1.0)
    """
    value = v.non_negative(k, "k", "virality")
    return _assess(rule("virality", business), value)
