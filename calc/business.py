"""Kinds of business and the lines each is judged by: one table, each line with its source.

:data:`RULES` holds the general rule of every metric (direction, unit, next
step, general lines and source, and the quoted figures such as "acquiring a
customer costs about five times as much as keeping one");
:mod:`calc.thresholds` applies them.

A churn of 35% a year is poor for software sold to small firms and good for a
café, so every rule of thumb in :mod:`calc.thresholds` is read against the
user's kind of business. This module is the data: the business types
(:data:`BUSINESS_TYPES`, the keys of :mod:`calc.presets` plus ``"other"``),
which type an upload's shape suggests (:data:`PROPOSED_BY_SHAPE`), and
:data:`LINES`, the watch and act lines of each metric for each type, with the
key of the citation (:data:`CITATIONS`) that backs it.

A metric with no line of its own for a business (NRR for a café, the return
rate for anyone) is judged by the general line of the rule in
:data:`calc.thresholds.RULES`. The retention lines are the churn lines seen
from the other side (retention = 1 - churn), with the same source.

How the lines were set. Where a survey publishes an average for the kind of
business, the *watch* line sits at that average: worse than the typical
business of its kind is worth a look. The *act* line is then a rule of thumb,
and its citation says why it sits where it does. Where no public figure
exists the citation says "rule of thumb" and gives the reasoning. Churn lines
of shops, cafés, salons and service firms are per year and use the
definition of :func:`calc.history.yearly_churn` (of the customers who bought
in one 12-month window, the share who did not buy in the next): for a
business whose customers never cancel, that is the churn the surveys report.
"""

from __future__ import annotations

from dataclasses import dataclass

from calc.errors import InputError

__all__ = [
    "BUSINESS_TYPES",
    "CITATIONS",
    "DEFAULT_BUSINESS",
    "LINES",
    "PROPOSED_BY_SHAPE",
    "RULES",
    "Line",
    "Rule",
    "check",
    "line",
]

#: The kinds of business, in menu order; ``"other"`` takes the general lines.
BUSINESS_TYPES: tuple[str, ...] = (
    "online_shop",
    "subscription_box",
    "saas_small",
    "hair_salon",
    "cafe",
    "business_services",
    "other",
)
#: The business a verdict assumes when nobody said: the general lines.
DEFAULT_BUSINESS = "other"
#: The kind of business an upload's shape suggests until the user picks one.
PROPOSED_BY_SHAPE: dict[str, str] = {
    "orders": "online_shop",
    "customers": "online_shop",
    "subscriptions": "subscription_box",
}


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
    business : str
        The kind of business whose lines these are (:data:`BUSINESS_TYPES`);
        ``"other"`` for the general lines of :data:`RULES`.
    cite : str or None
        Key of ``source`` in :data:`CITATIONS` when the lines are a business's
        own (:data:`LINES`); ``None`` for the rule's general source.
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
    business: str = "other"
    cite: str | None = None


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

#: The general rules of thumb: every metric's lines where a business has none of its own.
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
    # the rest of the retention metrics (calc/metrics_more.py, issue 18)
    Rule(
        key="time_to_value",
        metric="Time to value",
        direction="lower_is_better",
        watch=7.0,
        act=30.0,
        period=None,
        unit="days",
        source=(
            "Rule of thumb: a customer who gets nothing from you in the first week often does "
            "not come back, and one who waits a month has paid a month for nothing."
        ),
        next_step=(
            "Find the step where new customers wait longest (setup, delivery, the first "
            "booking) and shorten or remove it; help them through it in person if you must."
        ),
    ),
    Rule(
        key="activation",
        metric="Activation rate",
        direction="higher_is_better",
        watch=0.40,
        act=0.20,
        period=None,
        unit="fraction",
        source=(
            "Rule of thumb: what counts as activated differs so much between businesses that "
            "no survey compares them; under 40% of new customers getting started means most "
            "stall after trying, under 20% means the first steps are broken."
        ),
        next_step=(
            "Watch three new customers take the first steps, note where they get stuck, and "
            "remove or explain that step; remind those who stalled after a few days."
        ),
    ),
    Rule(
        key="early_cancel",
        metric="Early cancellation rate",
        direction="lower_is_better",
        watch=0.10,
        act=0.20,
        period=None,
        unit="fraction",
        source=(
            "Rule of thumb: one new subscriber in ten leaving before the first renewal means "
            "the first weeks do not keep what the sign-up promised; one in five is a leak."
        ),
        next_step=(
            "Ask everyone who cancels early why, in one question at cancellation, and fix "
            "the most common answer first; check that the offer matched what they got."
        ),
    ),
    Rule(
        key="csat",
        metric="Customer satisfaction (CSAT)",
        direction="higher_is_better",
        watch=0.75,
        act=0.60,
        period=None,
        unit="fraction",
        source=(
            "Rule of thumb: a CSAT of 75% to 85% is commonly called good across industries "
            '(Voxco, "What is the benchmark for CSAT scores?"); under 60% fewer than three '
            "customers in five are satisfied."
        ),
        next_step=(
            "Read the answers of 1-3 first: call a few of those customers, fix what they "
            "name, and ask again at the same moment next period."
        ),
    ),
    Rule(
        key="ticket_age",
        metric="Median age of unresolved tickets",
        direction="lower_is_better",
        watch=2.0,
        act=7.0,
        period=None,
        unit="days",
        source=(
            "Rule of thumb: a customer who waits more than two days for an answer starts "
            "looking elsewhere; a median of a week means half the waiting customers have "
            "waited a week or more."
        ),
        next_step=(
            "Answer the oldest tickets first, close the ones already solved, and write ready "
            "answers for the three most common questions."
        ),
    ),
    Rule(
        key="contraction",
        metric="Contraction (downgrades)",
        direction="lower_is_better",
        watch=0.005,
        act=0.01,
        period="month",
        unit="fraction",
        source=(
            "Rule of thumb: downgrades are half of the 1% of MRR a month that revenue churn "
            "should stay under; above 1% a month downgrades alone use up that line."
        ),
        next_step=(
            "Ask the customers who downgraded what they stopped using; a smaller plan that "
            "keeps them is better than a cancellation, but a pattern shows what to fix."
        ),
    ),
    Rule(
        key="arr_growth",
        metric="ARR growth",
        direction="higher_is_better",
        watch=0.10,
        act=0.0,
        period="year",
        unit="fraction",
        source=(
            "Rule of thumb: recurring revenue that grows less than 10% a year barely outruns "
            "rising prices and costs; below 0% it shrinks."
        ),
        next_step=(
            "Split the change into new customers, upgrades, downgrades and cancellations, and "
            "work on the largest loss first."
        ),
    ),
    Rule(
        key="virality",
        metric="Virality coefficient (K)",
        direction="higher_is_better",
        watch=0.15,
        act=0.05,
        period=None,
        unit="coefficient",
        source=(
            "Rule of thumb: above 1 a business grows on its own (Skok, D. (2009). Lessons "
            "Learned - Viral Marketing. forEntrepreneurs.com), which few reach; below 0.15 "
            "invitations add less than 18% to the customers won otherwise (1 / (1 - K)), "
            "below 0.05 almost nothing."
        ),
        next_step=(
            "Make inviting easy at the moment customers are happiest (after a delivery or a "
            "good result) and reward both the one who invites and the one invited."
        ),
        ceiling=1.0,
        ceiling_note=(
            "Above 1 every customer brings more than one more: growth feeds itself as long "
            "as invitations keep converting."
        ),
    ),
)


@dataclass(frozen=True)
class Line:
    """Where one metric turns from healthy to watch to act for one kind of business.

    Attributes
    ----------
    business : str
        One of :data:`BUSINESS_TYPES`.
    rule : str
        Key of the rule in :data:`calc.thresholds.RULES` (``"churn"``).
    watch, act : float
        The lines, in the rule's unit and in ``period``; which side is bad
        follows the rule's direction.
    period : {"month", "quarter", "year"} or None
        Period of the lines.
    cite : str
        Key of the source in :data:`CITATIONS`.
    """

    business: str
    rule: str
    watch: float
    act: float
    period: str | None
    cite: str


#: Where each line comes from, by key. The interface shows these texts in the
#: user's language (``rule.cite.<key>.source``); English repeats them word for word.
CITATIONS: dict[str, str] = {
    "hubspot_churn": (
        'HubSpot, "Customer retention metrics": an annual churn above 5-7% calls for a '
        "hard look at customer happiness (software sold by subscription)."
    ),
    "lean_analytics_repurchase": (
        "Croll, A. and Yoskovitz, B. (2013). Lean Analytics, O'Reilly, chapter on "
        "e-commerce: fewer than 40% of last year's buyers buying again this year is "
        '"acquisition mode", where about 70% of online shops are. Act above 80% is a rule '
        "of thumb: fewer than one buyer in five comes back."
    ),
    "statista_hospitality": (
        "Statista (2018). Customer retention rate worldwide by industry: "
        "hospitality, travel and restaurants keep 55% of customers a year (45% churn). Act "
        "above 65% is a rule of thumb: 20 points worse than the average."
    ),
    "statista_professional": (
        "Statista (2018). Customer retention rate worldwide by industry: "
        "professional services keep 84% of customers a year (16% churn). Act above 30% is a "
        "rule of thumb: about twice the average."
    ),
    "statista_average": (
        "Statista (2018). Customer retention rate worldwide by industry: across "
        "industries about 75% of customers are kept a year (25% churn). Act above 45% is a "
        "rule of thumb: 20 points worse than the average."
    ),
    "salon_rule": (
        "Rule of thumb: no survey publishes a salon's yearly churn. Salon owners report "
        "keeping 72-79% of existing clients over 90 days (Salon Today, owner interviews, "
        "undated), and "
        "Strategies (Ducoff) calls an existing-client 90-day return below 80% a warning; "
        "over a year a salon sits between retail (63% kept, Statista 2018) and "
        "professional services (84%), hence 35% and 50%."
    ),
    "recurly_box": (
        "Recurly Research (2017), subscription churn benchmarks: about 10% of "
        "box-of-the-month subscribers cancel each month (median). Act above 15% a month is a "
        "rule of thumb: half as much again as the median."
    ),
    "recurly_box_revenue": (
        "Recurly Research (2017): about 10% of box-of-the-month subscribers cancel each "
        "month; boxes rarely sell more to the same subscriber, so revenue kept in a year is "
        "about 0.90^12 = 28% at the median and 0.85^12 = 14% at 15% a month (rule of thumb "
        "for the act line)."
    ),
    "saas_capital": (
        "SaaS Capital (2023). 2023 B2B SaaS Retention Benchmarks: for contracts under $12k "
        "a year the median net revenue retention is 100% and gross revenue retention 90%. "
        "The act lines (90% and 80%) are a rule of thumb: 10 points below the median."
    ),
    "skok_clv_cac": (
        "Skok, D. (2013). SaaS Metrics 2.0 - A Guide to Measuring and Improving What "
        "Matters. forEntrepreneurs.com (LTV above 3 x CAC); below 1 each customer costs "
        "more than they bring."
    ),
    "clv_cac_rule": (
        "Rule of thumb: the 3 : 1 that Skok (2013) gives for subscription software is "
        "quoted for shops and local businesses as well, as no survey gives theirs; below 1 "
        "each customer costs more than they bring, anywhere."
    ),
    "payback_consumer_rule": (
        "Rule of thumb: with a third to a half of customers lost each year, an "
        "acquisition cost is earned back from most customers only if it comes back within "
        "months, hence 6 and 12 months (Skok's 12 and 24 months are for software sold "
        "by subscription)."
    ),
    "payback_box_rule": (
        "Rule of thumb: at Recurly's median of about 10% of subscribers cancelling a month "
        "(2017), half of them are gone within 7 months, so the cost of winning one should "
        "be back within 6 months, and 12 is too late for most."
    ),
    "skok_payback": (
        "Skok, D. (2013). SaaS Metrics 2.0 - A Guide to Measuring and Improving What "
        "Matters. forEntrepreneurs.com (recover CAC within 12 months); 24 months is a rule "
        "of thumb."
    ),
    "repeat_ecommerce": (
        "Opensend (2025). Repeat purchase rate statistics for eCommerce stores: about 28% "
        "of an online shop's customers order again, 15-30% in most industries. Below 25% is "
        "under the average; below 15% is the bottom of the usual range."
    ),
    "repeat_local_rule": (
        "Rule of thumb: a café's or salon's customers come back within weeks when they "
        "come back at all, so fewer than half of a year's customers visiting twice means "
        "most try it once; fewer than 30% matches the first-visit return that Strategies "
        "(Ducoff) calls a red flag for salons."
    ),
    "repeat_services_rule": (
        "Rule of thumb: business services bill the same clients again and again, so "
        "fewer than half of a year's clients buying twice means most work is one-off."
    ),
    "userpilot_activation": (
        "Userpilot (2024). Product Metrics Benchmark Report, 547 SaaS companies: average "
        "activation rate 37.5%. Act below 20% is a rule of thumb: about half the average."
    ),
    "userpilot_ttv": (
        "Userpilot (2024). Product Metrics Benchmark Report, 547 SaaS companies: average "
        "time to value 1 day 12 hours. Act above 7 days is a rule of thumb: a trial of a "
        "week or two ends before the customer has seen value."
    ),
    "csat_retail": (
        "Armatis (2026). What is a good CSAT score? Sector averages drawn from the American "
        "Customer Satisfaction Index: e-commerce and retail 80-82%. Act below 65% is a rule "
        "of thumb: 15 points under the average."
    ),
    "csat_software": (
        "Armatis (2026). What is a good CSAT score? Sector averages drawn from the American "
        "Customer Satisfaction Index: software and B2B SaaS 78%. Act below 63% is a rule of "
        "thumb: 15 points under the average."
    ),
    "csat_restaurants": (
        "Armatis (2026). What is a good CSAT score? Sector averages drawn from the American "
        "Customer Satisfaction Index: full-service restaurants 84%. Act below 69% is a rule "
        "of thumb: 15 points under the average."
    ),
    "saas_capital_growth": (
        "SaaS Capital (2025). 2025 Private B2B SaaS Company Growth Rate Benchmarks: median "
        "year-on-year ARR growth 25%. Act below 10% is a rule of thumb: well under half the "
        "median."
    ),
}

_CONSUMER = ("online_shop", "hair_salon", "cafe")

#: The lines by business type: one row per (business, rule) with a line of its own.
LINES: tuple[Line, ...] = (
    # customer churn: yearly, or monthly where customers cancel a monthly plan
    Line("online_shop", "churn", 0.60, 0.80, "year", "lean_analytics_repurchase"),
    Line("subscription_box", "churn", 0.10, 0.15, "month", "recurly_box"),
    Line("saas_small", "churn", 0.05, 0.07, "year", "hubspot_churn"),
    Line("hair_salon", "churn", 0.35, 0.50, "year", "salon_rule"),
    Line("cafe", "churn", 0.45, 0.65, "year", "statista_hospitality"),
    Line("business_services", "churn", 0.16, 0.30, "year", "statista_professional"),
    Line("other", "churn", 0.25, 0.45, "year", "statista_average"),
    # revenue: where revenue recurs
    Line("subscription_box", "revenue_churn", 0.10, 0.15, "month", "recurly_box"),
    Line("subscription_box", "nrr", 0.28, 0.14, "year", "recurly_box_revenue"),
    Line("subscription_box", "grr", 0.28, 0.14, "year", "recurly_box_revenue"),
    Line("saas_small", "nrr", 1.00, 0.90, "year", "saas_capital"),
    Line("saas_small", "grr", 0.90, 0.80, "year", "saas_capital"),
    # CLV : CAC
    Line("subscription_box", "clv_cac", 3.0, 1.0, None, "skok_clv_cac"),
    Line("saas_small", "clv_cac", 3.0, 1.0, None, "skok_clv_cac"),
    Line("business_services", "clv_cac", 3.0, 1.0, None, "skok_clv_cac"),
    *(Line(b, "clv_cac", 3.0, 1.0, None, "clv_cac_rule") for b in _CONSUMER),
    # CAC payback, months
    *(Line(b, "payback", 6.0, 12.0, None, "payback_consumer_rule") for b in _CONSUMER),
    Line("subscription_box", "payback", 6.0, 12.0, None, "payback_box_rule"),
    Line("saas_small", "payback", 12.0, 24.0, None, "skok_payback"),
    Line("business_services", "payback", 12.0, 24.0, None, "skok_payback"),
    # repeat purchase rate, share of a year's customers who bought twice or more
    Line("online_shop", "repeat_purchase", 0.25, 0.15, "year", "repeat_ecommerce"),
    Line("hair_salon", "repeat_purchase", 0.50, 0.30, "year", "repeat_local_rule"),
    Line("cafe", "repeat_purchase", 0.50, 0.30, "year", "repeat_local_rule"),
    Line("business_services", "repeat_purchase", 0.50, 0.30, "year", "repeat_services_rule"),
    # the rest of the retention metrics (issue 18)
    Line("saas_small", "activation", 0.375, 0.20, None, "userpilot_activation"),
    Line("saas_small", "time_to_value", 1.5, 7.0, None, "userpilot_ttv"),
    Line("subscription_box", "early_cancel", 0.10, 0.15, None, "recurly_box"),
    Line("online_shop", "csat", 0.80, 0.65, None, "csat_retail"),
    Line("saas_small", "csat", 0.78, 0.63, None, "csat_software"),
    Line("cafe", "csat", 0.84, 0.69, None, "csat_restaurants"),
    Line("saas_small", "arr_growth", 0.25, 0.10, "year", "saas_capital_growth"),
)
# retention is churn seen from the other side: the same lines (1 - churn) and sources
LINES = LINES + tuple(
    Line(x.business, "retention", 1.0 - x.watch, 1.0 - x.act, x.period, x.cite)
    for x in LINES
    if x.rule == "churn"
)

_BY_PAIR = {(x.business, x.rule): x for x in LINES}


def check(business: object) -> str:
    """``business`` if it is one of :data:`BUSINESS_TYPES`, else an :class:`InputError`.

    >>> check("cafe")
    'cafe'
    """
    if business not in BUSINESS_TYPES:
        raise InputError(
            "business", "business.unknown", value=repr(business), choices=BUSINESS_TYPES
        )
    return business  # type: ignore[return-value]


def line(rule: str, business: str) -> Line | None:
    """The line of ``rule`` for ``business``, or ``None`` when the general line applies.

    Parameters
    ----------
    rule : str
        A rule key of :data:`calc.thresholds.RULES`.
    business : str
        One of :data:`BUSINESS_TYPES`.

    Raises
    ------
    InputError
        For an unknown business (field ``"business"``).

    Examples
    --------
    A café is judged against hospitality's 45% a year, software for small
    firms against HubSpot's 7%:

    >>> line("churn", "cafe").watch, line("churn", "saas_small").act
    (0.45, 0.07)
    >>> round(line("retention", "cafe").watch, 2), round(line("retention", "cafe").act, 2)
    (0.55, 0.35)
    >>> line("nrr", "cafe") is None
    True
    """
    return _BY_PAIR.get((check(business), rule))
