"""Revenue and growth metrics typed on the Retention metrics page: downgrades (contraction),
yearly ARR growth and the virality coefficient with what it adds up to.

Split from :mod:`calc.metrics_more` (which re-exports every name here) to keep one concern a
module: these take amounts of recurring revenue and invitation counts, the rest there
takes the first weeks and satisfaction. Rates are fractions (0.05 means 5%).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from calc import _validate as v
from calc.errors import InputError

__all__ = ["Contraction", "Virality", "arr_growth", "contraction", "viral_customers", "virality"]


@dataclass(frozen=True)
class Contraction:
    """Downgrades of a period: how many, the MRR they took, and its share of MRR.

    Attributes
    ----------
    downgrades : int
        Customers who moved to a cheaper plan (or fewer seats) and stayed.
    mrr : float
        Monthly recurring revenue lost to those downgrades, money.
    share : float
        mrr / MRR at the start of the period, in [0, 1].
    """

    downgrades: int
    mrr: float
    share: float


def contraction(downgrades: float, contraction_mrr: float, mrr_start: float) -> Contraction:
    """Contraction: count and MRR of downgrades in the period, and their share of MRR.

    Parameters
    ----------
    downgrades : float
        Downgrades in the period, a whole number of at least 0.
    contraction_mrr : float
        MRR lost to them (old price - new price, summed), money, at least 0.
    mrr_start : float
        MRR at the start of the period, money, above 0.

    Returns
    -------
    Contraction
        Count, MRR and ``share`` = contraction MRR / MRR at the start, a
        fraction of the period the counts cover.

    Raises
    ------
    InputError
        No MRR at the start (field ``"mrr_start"``), a negative or
        fractional count (field ``"downgrades"``), MRR lost with no
        downgrade counted (field ``"downgrades"``), or contraction above the
        MRR at the start (field ``"contraction"``).

    Notes
    -----
    contraction rate = contraction MRR / MRR at start. Customers who cancel
    are churn, not contraction (:func:`calc.metrics.revenue_churn_rate`
    adds the two).

    References
    ----------
    ChartMogul, "Contraction MRR": revenue lost from existing customers
    who downgrade, excluding cancellations.

    Examples
    --------
    Twelve downgrades lose 500 of 20,000 MRR (hand-worked): 2.5%.

    >>> contraction(12, 500, 20_000)
    Contraction(downgrades=12, mrr=500.0, share=0.025)
    """
    start = v.positive(mrr_start, "mrr_start", "mrr_start", why="why.mrr_start")
    count = v.whole(downgrades, "downgrades", "downgrades", minimum=0)
    lost = v.non_negative(contraction_mrr, "contraction", "contraction")
    if lost > 0 and count == 0:
        raise InputError("downgrades", "metrics_more.lost_without_downgrades", lost=lost)
    if lost > start:
        raise InputError(
            "contraction", "metrics_more.contraction_over_start", lost=lost, start=start
        )
    return Contraction(downgrades=count, mrr=lost, share=lost / start)


def arr_growth(arr_end: float, arr_year_before: float) -> float:
    """Yearly growth of annual recurring revenue.

    Parameters
    ----------
    arr_end : float
        ARR today (MRR x 12), money, at least 0.
    arr_year_before : float
        ARR a year before, money, above 0.

    Returns
    -------
    float
        Growth over the year, a fraction: 0.25 is +25%, -0.1 is -10%; at
        least -1.

    Raises
    ------
    InputError
        ARR a year before of 0 (field ``"arr_year_before"``: growth from
        nothing has no rate) or a negative amount.

    Notes
    -----
    ARR growth = (ARR end - ARR a year before) / ARR a year before. Both
    from recurring revenue only: one-off fees and services are left out.

    References
    ----------
    SaaS Capital (2025). 2025 Private B2B SaaS Company Growth Rate
    Benchmarks (year-on-year ARR growth; median 25%).

    Examples
    --------
    From 240,000 to 300,000 (hand-worked): +25%.

    >>> arr_growth(300_000, 240_000)
    0.25
    """
    before = v.positive(arr_year_before, "arr_year_before", "arr_year_before", why="why.arr")
    end = v.non_negative(arr_end, "arr_end", "arr_end")
    return (end - before) / before


@dataclass(frozen=True)
class Virality:
    """The virality coefficient and its two factors.

    Attributes
    ----------
    invites_per_customer : float
        Invitations sent / customers who could send them.
    conversion : float
        Invitations that became customers / invitations sent, in [0, 1].
    k : float
        invites_per_customer x conversion: new customers each customer brings.
    """

    invites_per_customer: float
    conversion: float
    k: float


def virality(customers: float, invitations: float, converted: float) -> Virality:
    """Virality coefficient K: new customers each customer brings by inviting others.

    Parameters
    ----------
    customers : float
        Customers who could invite in the cycle, above 0.
    invitations : float
        Invitations (referrals, shared links) they sent, above 0.
    converted : float
        Invited people who became customers, at least 0 and at most
        ``invitations``.

    Returns
    -------
    Virality
        Invitations per customer, conversion of an invitation and
        K = their product.

    Raises
    ------
    InputError
        No customers (field ``"inviters"``), no invitations (field
        ``"invitations"``), a negative count, or more converted than
        invited (field ``"converted"``).

    Notes
    -----
    K = invitations / customers x converted / invitations. K above 1 means
    each customer brings more than one more, so the business grows on its
    own; below 1 invitations multiply what you win otherwise by 1 / (1 - K)
    in the end (see :func:`viral_customers`).

    References
    ----------
    Skok, D. (2009). Lessons Learned - Viral Marketing. forEntrepreneurs.com
    (viral coefficient = invitations per user x conversion of an invitation).

    Examples
    --------
    1,000 customers send 500 invitations; 60 become customers (hand-worked:
    0.5 x 0.12 = 0.06):

    >>> virality(1000, 500, 60)
    Virality(invites_per_customer=0.5, conversion=0.12, k=0.06)
    """
    base = v.positive(customers, "inviters", "inviters", why="why.inviters")
    sent = v.positive(invitations, "invitations", "invitations", why="why.invitations")
    won = v.non_negative(converted, "converted", "converted")
    if won > sent:
        raise InputError("converted", "metrics_more.converted_over_invited", won=won, sent=sent)
    per = sent / base
    conversion = won / sent
    return Virality(invites_per_customer=per, conversion=conversion, k=won / base)


def viral_customers(seed: float, k: float, cycles: int) -> float:
    """Customers after ``cycles`` invitation cycles from a seed, every generation kept.

    Parameters
    ----------
    seed : float
        Customers at the start, at least 0.
    k : float
        Virality coefficient, at least 0.
    cycles : int
        Invitation cycles, a whole number of at least 1.

    Returns
    -------
    float
        seed + seed K + seed K^2 + ... + seed K^cycles.

    Raises
    ------
    InputError
        A negative seed (field ``"seed"``), a negative K (field ``"k"``) or
        fewer than one cycle (field ``"cycles"``).

    Notes
    -----
    A geometric series: seed (1 - K^(n+1)) / (1 - K) for K != 1 and
    seed (n + 1) for K = 1. Below K = 1 it levels off at seed / (1 - K);
    above it grows without bound. Nobody leaves in this count: it is what
    invitations alone add.

    References
    ----------
    Skok, D. (2009). Lessons Learned - Viral Marketing. forEntrepreneurs.com.

    Examples
    --------
    100 customers, K = 0.5, 3 cycles (hand-worked: 100 + 50 + 25 + 12.5):

    >>> viral_customers(100, 0.5, 3)
    187.5
    """
    start = v.non_negative(seed, "seed", "seed")
    factor = v.non_negative(k, "k", "virality")
    n = v.whole(cycles, "cycles", "cycles", minimum=1)
    if math.isclose(factor, 1.0):
        return start * (n + 1)
    return start * (1 - factor ** (n + 1)) / (1 - factor)
