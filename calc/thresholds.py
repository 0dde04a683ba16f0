"""Rules of thumb for retention metrics, each with its source and a next step.

:data:`RULES` is the one table of every rule of thumb the app uses: the lines
between *healthy*, *watch* and *act* for each metric, and the well-known
figures quoted beside them (acquiring a customer costs about five times as
much as keeping one; +5 points of retention, +25% to +95% profit). The
``*_health`` functions compare a user's number with its rule and return a
:class:`Health`.

Periods. A rule with a period (churn per month, NRR per year) is compared in
that period: the user's rate is first converted with
:func:`calc.clv.convert_rate`, and the :class:`Health` reports the converted
value and the rule's period, i.e. exactly what was compared.

The churn rule. The project's source material, HubSpot's list of customer
retention metrics, says that an annual churn above 5-7% is the point to look
hard at customer happiness. The lines are therefore read **per year**: a
monthly churn is converted before it is compared, never compared raw, so 3% a
month (1 - 0.97**12 = 30.6% a year) is well past the 7% line. This is strict
for shops where many first-time buyers never return; the verdict is a prompt
to look at why customers leave, not a judgement of the business. To read the
rule per month instead, change ``period`` on the ``"churn"`` and
``"retention"`` rules; nothing else needs to change.

Where a line is only a practitioners' convention the source says "rule of
thumb": treat those as a prompt to look, not as a verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from calc import _validate as v
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
    "churn_health",
    "clv_cac_health",
    "dso_health",
    "grr_health",
    "nps_health",
    "nrr_health",
    "payback_health",
    "repeat_purchase_health",
    "retention_health",
    "return_rate_health",
    "revenue_churn_health",
    "rule",
]

#: Health levels, best first.
LEVELS = ("healthy", "watch", "act")

_KEEP_MEASURING = "No action needed. Keep measuring it each period so you see a change early."


@dataclass(frozen=True)
class Rule:
    """One rule of thumb: where a metric turns from healthy to watch to act.

    Attributes
    ----------
    key : str
        Stable identifier, e.g. ``"churn"``.
    metric : str
        Name of the metric in plain words.
    direction : {"higher_is_better", "lower_is_better", "info"}
        Which way is good; ``"info"`` marks a quoted figure with no levels.
    watch, act : float or None
        The lines: for ``"lower_is_better"`` a value *above* ``watch`` is
        watch and above ``act`` is act; for ``"higher_is_better"`` a value
        *below* them. ``None`` for ``"info"`` rules.
    period : {"month", "quarter", "year"} or None
        Period of the lines, where they have one.
    unit : str
        ``"fraction"`` (0.07 means 7%), ``"multiple"``, ``"months"``,
        ``"days"`` or ``"points"``.
    source : str
        Where the rule comes from: author, title, year, or "rule of thumb".
    next_step : str
        What to do when the metric is at watch or act, in plain words.
    value : float or None
        The figure of an ``"info"`` rule (e.g. 5.0 for "five times").
    ceiling : float or None
        A value above which "more" stops being plainly better.
    ceiling_note : str
        What to consider above ``ceiling``.
    """

    key: str
    metric: str
    direction: str
    watch: float | None
    act: float | None
    period: str | None
    unit: str
    source: str
    next_step: str
    value: float | None = None
    ceiling: float | None = None
    ceiling_note: str = ""


_HUBSPOT = (
    'HubSpot, "Customer retention metrics": an annual churn above 5-7% calls for a hard '
    "look at customer happiness."
)
_SKOK = (
    "Skok, D. (2013). SaaS Metrics 2.0 - A Guide to Measuring and Improving What "
    "Matters. forEntrepreneurs.com"
)
_REICHHELD = (
    "Reichheld, F. F. and Sasser, W. E. (1990). Zero Defections: Quality Comes to "
    "Services. Harvard Business Review 68(5), 105-111 (5 points fewer defections: +85% "
    "profit in a bank's branches, +50% in an insurance brokerage, +30% in an auto-service "
    "chain); Reichheld, F. F. (1996). The Loyalty Effect. Harvard Business School Press; "
    "Reichheld, F. F. and Schefter, P. (2000). E-Loyalty: Your Secret Weapon on the Web. "
    "Harvard Business Review, July-August 2000 (+5 points, +25% to +95% profit)."
)

#: The one table of rules of thumb.
RULES: tuple[Rule, ...] = (
    Rule(
        key="churn",
        metric="Customer churn",
        direction="lower_is_better",
        watch=0.05,
        act=0.07,
        period="year",
        unit="fraction",
        source=_HUBSPOT,
        next_step=(
            "Find out why customers leave: ask the ones who left, look at what happens in "
            "their first weeks, and fix the most common reason first."
        ),
    ),
    Rule(
        key="retention",
        metric="Customer retention",
        direction="higher_is_better",
        watch=0.95,
        act=0.93,
        period="year",
        unit="fraction",
        source=_HUBSPOT + " Retention is 1 - churn.",
        next_step=(
            "Find out why customers leave: ask the ones who left, look at what happens in "
            "their first weeks, and fix the most common reason first."
        ),
    ),
    Rule(
        key="revenue_churn",
        metric="Revenue churn",
        direction="lower_is_better",
        watch=0.01,
        act=0.02,
        period="month",
        unit="fraction",
        source="Rule of thumb for subscription businesses (gross MRR churn under 1% a month).",
        next_step=(
            "See whether the lost revenue comes from customers leaving or paying less, and "
            "talk to your largest accounts before renewal."
        ),
    ),
    Rule(
        key="nrr",
        metric="Net revenue retention",
        direction="higher_is_better",
        watch=1.0,
        act=0.9,
        period="year",
        unit="fraction",
        source=(
            "Rule of thumb: above 100% existing customers alone grow revenue, what "
            + _SKOK
            + " calls negative churn."
        ),
        next_step=(
            "Offer existing customers a reason to buy more (upgrades, add-ons, bundles) and "
            "reduce downgrades."
        ),
    ),
    Rule(
        key="grr",
        metric="Gross revenue retention",
        direction="higher_is_better",
        watch=0.9,
        act=0.8,
        period="year",
        unit="fraction",
        source="Rule of thumb for subscription businesses (keep 90% or more a year).",
        next_step=("Upgrades cannot hide losses here: work on why customers cancel or downgrade."),
    ),
    Rule(
        key="repeat_purchase",
        metric="Repeat purchase rate",
        direction="higher_is_better",
        watch=0.25,
        act=0.15,
        period="year",
        unit="fraction",
        source="Rule of thumb for online shops; compare with your own previous years.",
        next_step=(
            "Give first-time buyers a reason to come back: a follow-up email, a well-timed "
            "reminder or a small offer on the second order."
        ),
    ),
    Rule(
        key="return_rate",
        metric="Product return rate",
        direction="lower_is_better",
        watch=0.10,
        act=0.20,
        period=None,
        unit="fraction",
        source="Rule of thumb; clothing and shoes run much higher than other goods.",
        next_step=(
            "Read the return reasons for your most-returned products: better photos, sizes "
            "and descriptions prevent many returns."
        ),
    ),
    Rule(
        key="dso",
        metric="Days sales outstanding",
        direction="lower_is_better",
        watch=45.0,
        act=60.0,
        period=None,
        unit="days",
        source="Rule of thumb for 30-day payment terms: well above the terms means late payers.",
        next_step="Send invoices at once, remind on the due date, and follow up on late payers.",
    ),
    Rule(
        key="nps",
        metric="Net Promoter Score",
        direction="higher_is_better",
        watch=20.0,
        act=0.0,
        period=None,
        unit="points",
        source=(
            "Reichheld, F. F. (2003). The One Number You Need to Grow. Harvard Business "
            "Review 81(12), 46-54 (the score); the levels are a rule of thumb."
        ),
        next_step=(
            "Ask detractors (0-6) what went wrong and fix it; ask promoters (9-10) for a "
            "review or a referral."
        ),
    ),
    Rule(
        key="clv_cac",
        metric="CLV : CAC",
        direction="higher_is_better",
        watch=3.0,
        act=1.0,
        period=None,
        unit="multiple",
        source=_SKOK + " (LTV above 3 x CAC); below 1 each customer costs more than they bring.",
        next_step=(
            "Lower what you pay to win a customer, raise the margin per order, or keep "
            "customers longer."
        ),
        ceiling=5.0,
        ceiling_note=(
            "Above 5 you may be spending too little on winning customers: you could spend "
            "more on marketing and still earn well on each one."
        ),
    ),
    Rule(
        key="payback",
        metric="CAC payback",
        direction="lower_is_better",
        watch=12.0,
        act=24.0,
        period=None,
        unit="months",
        source=_SKOK + " (recover CAC within 12 months); 24 months is a rule of thumb.",
        next_step=(
            "Lower the cost of winning a customer or raise the margin of their first "
            "orders, so the cost comes back sooner."
        ),
    ),
    Rule(
        key="acquisition_cost_multiple",
        metric="Cost of a new customer vs keeping one",
        direction="info",
        watch=None,
        act=None,
        period=None,
        unit="multiple",
        source=(
            "Reichheld (1996), The Loyalty Effect, and Bain & Company, widely quoted as about "
            "5 times; Gallo, A. (2014). The Value of Keeping the Right Customers. Harvard "
            "Business Review (5 to 25 times)."
        ),
        next_step=(
            "Before buying more new customers, check what it would take to keep the ones you have."
        ),
        value=5.0,
    ),
    Rule(
        key="retention_uplift_points",
        metric="Retention improvement in the profit claim",
        direction="info",
        watch=None,
        act=None,
        period="year",
        unit="fraction",
        source=_REICHHELD,
        next_step="Try it on your own numbers in the retention scenario.",
        value=0.05,
    ),
    Rule(
        key="profit_uplift_low",
        metric="Profit increase from +5 points of retention, low end",
        direction="info",
        watch=None,
        act=None,
        period=None,
        unit="fraction",
        source=_REICHHELD,
        next_step="Try it on your own numbers in the retention scenario.",
        value=0.25,
    ),
    Rule(
        key="profit_uplift_high",
        metric="Profit increase from +5 points of retention, high end",
        direction="info",
        watch=None,
        act=None,
        period=None,
        unit="fraction",
        source=_REICHHELD,
        next_step="Try it on your own numbers in the retention scenario.",
        value=0.95,
    ),
)

_BY_KEY = {r.key: r for r in RULES}


def rule(key: str) -> Rule:
    """Look up a rule of thumb by its key.

    Parameters
    ----------
    key : str
        One of the keys in :data:`RULES`, e.g. ``"churn"``.

    Returns
    -------
    Rule
        The rule.

    Raises
    ------
    InputError
        If there is no rule with that key (field ``"key"``).

    Examples
    --------
    >>> rule("churn").act, rule("churn").period
    (0.07, 'year')
    """
    if key not in _BY_KEY:
        raise InputError("key", "thresholds.unknown_rule", value=repr(key), choices=tuple(_BY_KEY))
    return _BY_KEY[key]


#: Yearly churn above which to act (HubSpot's 7% annual churn).
CHURN_ACT_YEARLY: float = _BY_KEY["churn"].act
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


def churn_health(churn_rate: float, period: str) -> Health:
    """Compare customer churn with the 5% (watch) / 7% (act) per year lines.

    Parameters
    ----------
    churn_rate : float
        Share of customers lost per ``period``, in [0, 1].
    period : {"month", "quarter", "year"}
        Period of ``churn_rate``.

    Returns
    -------
    Health
        ``value`` is the churn converted to a year.

    Raises
    ------
    InputError
        If the churn is outside [0, 1] (field ``"churn_rate"``) or the period
        is unknown (field ``"period"``).

    Notes
    -----
    yearly churn = 1 - (1 - churn)**(periods per year). Above 7% a year: act;
    above 5%: watch. See the module notes on the period of the lines.

    References
    ----------
    HubSpot, "Customer retention metrics".

    Examples
    --------
    0.5% a month is 5.8% a year, between the lines:

    >>> h = churn_health(0.005, "month")
    >>> h.level, round(h.value, 4), h.threshold, h.period
    ('watch', 0.0584, 0.05, 'year')
    >>> churn_health(0.03, "month").level
    'act'
    """
    r = _BY_KEY["churn"]
    churn = v.fraction(churn_rate, "churn_rate", "churn_rate")
    p = v.period(period)
    return _assess(r, convert_rate(churn, p, r.period, kind="churn"))


def retention_health(retention_rate: float, period: str) -> Health:
    """Compare customer retention with the 95% (watch) / 93% (act) per year lines.

    Parameters
    ----------
    retention_rate : float
        Share of customers kept per ``period``, in [0, 1].
    period : {"month", "quarter", "year"}
        Period of ``retention_rate``.

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
    99% a quarter keeps 0.99**4 = 96.1% a year, above the 95% line:

    >>> retention_health(0.99, "quarter").level
    'healthy'
    >>> retention_health(0.985, "quarter").level
    'watch'
    """
    r = _BY_KEY["retention"]
    kept = v.fraction(retention_rate, "retention_rate", "retention_rate")
    p = v.period(period)
    return _assess(r, convert_rate(kept, p, r.period, kind="retention"))


def revenue_churn_health(revenue_churn_rate: float, period: str) -> Health:
    """Compare revenue churn (gross or net) with the 1% / 2% per month lines.

    Parameters
    ----------
    revenue_churn_rate : float
        Share of recurring revenue lost per ``period``, at most 1. Net revenue
        churn may be negative (expansion larger than losses).
    period : {"month", "quarter", "year"}
        Period of ``revenue_churn_rate``.

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
    r = _BY_KEY["revenue_churn"]
    churn = v.number(revenue_churn_rate, "revenue_churn_rate", "revenue_churn_rate")
    if churn > 1.0:
        raise InputError(
            "revenue_churn_rate", "thresholds.revenue_churn_over_full", value=Percent(churn)
        )
    p = v.period(period)
    return _assess(r, 1.0 - convert_rate(1.0 - churn, p, r.period, kind="ratio"))


def nrr_health(nrr: float, period: str = "year") -> Health:
    """Compare net revenue retention with the 100% (watch) / 90% (act) per year lines.

    Parameters
    ----------
    nrr : float
        Net revenue retention per ``period`` as a multiple (1.05 = 105%), at
        least 0.
    period : {"month", "quarter", "year"}, default "year"
        Period of ``nrr``.

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
    r = _BY_KEY["nrr"]
    value = v.non_negative(nrr, "nrr", "nrr")
    p = v.period(period)
    return _assess(r, convert_rate(value, p, r.period, kind="ratio"))


def grr_health(grr: float, period: str = "year") -> Health:
    """Compare gross revenue retention with the 90% (watch) / 80% (act) per year lines.

    Parameters
    ----------
    grr : float
        Gross revenue retention per ``period``, in [0, 1].
    period : {"month", "quarter", "year"}, default "year"
        Period of ``grr``.

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
    r = _BY_KEY["grr"]
    value = v.fraction(grr, "grr", "grr")
    p = v.period(period)
    return _assess(r, convert_rate(value, p, r.period, kind="retention"))


def repeat_purchase_health(repeat_purchase_rate: float) -> Health:
    """Compare a yearly repeat purchase rate with the 25% / 15% lines.

    Parameters
    ----------
    repeat_purchase_rate : float
        Share of a year's customers who ordered more than once, in [0, 1].

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
    return _assess(_BY_KEY["repeat_purchase"], value)


def return_rate_health(return_rate: float) -> Health:
    """Compare a product return rate with the 10% / 20% lines.

    Parameters
    ----------
    return_rate : float
        Units returned / units sold, in [0, 1].

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
    return _assess(_BY_KEY["return_rate"], value)


def dso_health(days: float) -> Health:
    """Compare days sales outstanding with the 45 / 60 day lines.

    Parameters
    ----------
    days : float
        DSO in days, at least 0.

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
    return _assess(_BY_KEY["dso"], value)


def nps_health(score: float) -> Health:
    """Compare a Net Promoter Score with the +20 (watch) / 0 (act) lines.

    Parameters
    ----------
    score : float
        NPS from -100 to 100.

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
    return _assess(_BY_KEY["nps"], value)


def clv_cac_health(ratio: float) -> Health:
    """Compare CLV:CAC with the 3 (watch) / 1 (act) lines, and note ratios above 5.

    Parameters
    ----------
    ratio : float
        CLV before acquisition cost / acquisition cost, at least 0
        (``math.inf`` allowed).

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
    return _assess(_BY_KEY["clv_cac"], value)


def payback_health(payback_months: float) -> Health:
    """Compare CAC payback with the 12 (watch) / 24 (act) month lines.

    Parameters
    ----------
    payback_months : float
        Months to earn back the acquisition cost, at least 0; ``math.inf``
        means never.

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
    return _assess(_BY_KEY["payback"], value)


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
