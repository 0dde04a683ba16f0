"""The rest of the retention metrics: first weeks, satisfaction, revenue and growth.

One number (or one pasted list) in, one result out, like :mod:`calc.metrics`:

* first weeks: :func:`time_to_value_days`, :func:`activation_rate`,
  :func:`early_cancellation_rate`;
* satisfaction: :func:`csat_breakdown` (answers read by :func:`parse_ratings`),
  :func:`support_backlog`;
* revenue: :func:`contraction`, :func:`arr_growth` and growth: :func:`virality` and
  :func:`viral_customers`, in :mod:`calc.metrics_revenue` (re-exported here);
* from an uploaded subscription table: :func:`churn_reasons`, in
  :mod:`calc.history.subscriptions` (re-exported here).

Rates are fractions (0.05 means 5%). Lists typed or pasted as text are read by
:func:`parse_days` and :func:`parse_ratings`, which split on commas,
semicolons, spaces and line breaks as :func:`calc.metrics.parse_scores` does
for NPS answers.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from calc import _validate as v
from calc.errors import InputError
from calc.history.subscriptions import churn_reasons
from calc.metrics_revenue import (
    Contraction,
    Virality,
    arr_growth,
    contraction,
    viral_customers,
    virality,
)

__all__ = [
    "Backlog",
    "Contraction",
    "CsatBreakdown",
    "Virality",
    "activation_rate",
    "arr_growth",
    "churn_reasons",
    "contraction",
    "csat_breakdown",
    "early_cancellation_rate",
    "parse_days",
    "parse_ratings",
    "support_backlog",
    "time_to_value_days",
    "viral_customers",
    "virality",
]

_NUMBER = re.compile(r"\d+(\.\d+)?")


def _tokens(text: object, field: str) -> list[str]:
    if not isinstance(text, str):
        raise InputError(field, "metrics_more.not_text", value=repr(text))
    tokens = text.replace(";", " ").replace(",", " ").split()
    if not tokens:
        raise InputError(field, "metrics_more.nothing_pasted")
    return tokens


def _shown(token: str) -> str:
    return token if len(token) <= 20 else token[:19] + "…"


def parse_days(text: str, field: str = "days") -> list[float]:
    """Read a number of days, or a list of them, typed or pasted as text.

    Parameters
    ----------
    text : str
        Numbers of days of at least 0, separated by commas, semicolons, spaces
        or line breaks (a column pasted from a spreadsheet works); decimals
        with a point (``1.5``).
    field : str, default "days"
        Field named by the errors.

    Returns
    -------
    list of float
        The days in the order given.

    Raises
    ------
    InputError
        Field ``field``: nothing typed, or an entry that is not a number of
        days (the message quotes it and gives its position).

    Examples
    --------
    >>> parse_days("3, 1.5; 14\\n2")
    [3.0, 1.5, 14.0, 2.0]
    """
    days = []
    for position, token in enumerate(_tokens(text, field), start=1):
        if not (token.isascii() and _NUMBER.fullmatch(token)):
            raise InputError(field, "metrics_more.not_days", position=position, value=_shown(token))
        days.append(float(token))
    return days


def parse_ratings(text: str) -> list[int]:
    """Read satisfaction answers on a 1-5 scale typed or pasted as text.

    Parameters
    ----------
    text : str
        Whole numbers from 1 to 5, separated by commas, semicolons, spaces or
        line breaks.

    Returns
    -------
    list of int
        The answers in the order given.

    Raises
    ------
    InputError
        Field ``"ratings"``: no answers, or an answer that is not a whole
        number from 1 to 5 (the message quotes it).

    Examples
    --------
    >>> parse_ratings("5, 4; 3\\n1")
    [5, 4, 3, 1]
    """
    ratings = []
    for position, token in enumerate(_tokens(text, "ratings"), start=1):
        if not (token.isascii() and token.isdigit() and len(token) == 1 and "1" <= token <= "5"):
            raise InputError(
                "ratings", "metrics_more.not_rating", position=position, value=_shown(token)
            )
        ratings.append(int(token))
    return ratings


def _days(days: object, field: str) -> np.ndarray:
    if isinstance(days, str | bytes) or not isinstance(days, Iterable):
        raise InputError(field, "metrics_more.not_text", value=repr(days))
    values = []
    for position, item in enumerate(days, start=1):
        if isinstance(item, bool) or not isinstance(item, numbers.Real) or not item >= 0:
            raise InputError(field, "metrics_more.not_days", position=position, value=repr(item))
        if math.isinf(item):
            raise InputError(field, "metrics_more.not_days", position=position, value=repr(item))
        values.append(float(item))
    if not values:
        raise InputError(field, "metrics_more.nothing_pasted")
    return np.asarray(values, dtype=float)


def time_to_value_days(days: Iterable[float]) -> float:
    """Median days from sign-up (or first order) to the first value event.

    Parameters
    ----------
    days : iterable of float
        For each new customer, days from sign-up or first order to the first
        time they got what they came for (first report, first delivery, first
        booking kept), at least 0. One number is taken as the median itself.

    Returns
    -------
    float
        Median time to value, days.

    Raises
    ------
    InputError
        Field ``"days_to_value"``: no days, or a day count that is negative
        or not a number.

    Notes
    -----
    time to value = median(days). The median, not the mean: a few customers
    who take months would pull a mean far from the typical customer. An even
    count takes the mean of the two middle values. Customers who never
    reached value are not in the list; :func:`activation_rate` counts them.

    References
    ----------
    Userpilot (2024). Product Metrics Benchmark Report (547 SaaS companies):
    time to value measured from sign-up to the activation event, average
    1 day 12 hours.

    Examples
    --------
    Ten customers (hand-worked: sorted 1, 2, 2, 3, 3, 4, 5, 6, 8, 14; the
    middle pair is 3 and 4):

    >>> time_to_value_days([2, 3, 1, 5, 8, 2, 4, 14, 3, 6])
    3.5
    """
    return float(np.median(_days(days, "days_to_value")))


def activation_rate(activated: float, new_customers: float) -> float:
    """Share of new customers who completed the key first steps.

    Parameters
    ----------
    activated : float
        New customers of the period who completed the steps that make the
        product useful to them (set up, first order delivered, first
        booking kept), at least 0 and at most ``new_customers``.
    new_customers : float
        Customers who signed up or bought for the first time in the period,
        above 0.

    Returns
    -------
    float
        Activation rate, in [0, 1], of the customers won in the period.

    Raises
    ------
    InputError
        No new customers (field ``"new_signups"``), a negative count, or more
        activated than new customers (field ``"activated"``).

    Notes
    -----
    activation = activated / new customers. What counts as "activated" is
    yours to define; keep the definition and the window (e.g. 14 days)
    fixed from period to period.

    References
    ----------
    Userpilot (2024). Customer activation rate: users who reached the
    activation milestone / new users in the period (1,000 sign-ups, 830
    activated: 83%).

    Examples
    --------
    Userpilot's worked example:

    >>> activation_rate(830, 1000)
    0.83
    """
    total = v.positive(new_customers, "new_signups", "new_signups", why="why.new_signups")
    count = v.non_negative(activated, "activated", "activated")
    if count > total:
        raise InputError("activated", "metrics_more.activated_over_new", part=count, whole=total)
    return count / total


def early_cancellation_rate(cancelled_early: float, started: float) -> float:
    """Share of subscriptions cancelled before the end of their first term.

    Parameters
    ----------
    cancelled_early : float
        Subscriptions started in the period that were cancelled before their
        first term (month, year) ended, at least 0.
    started : float
        Subscriptions started in the period, above 0.

    Returns
    -------
    float
        Early cancellation rate, in [0, 1], of the subscriptions started.

    Raises
    ------
    InputError
        No subscriptions started (field ``"started"``), a negative count, or
        more cancelled than started (field ``"cancelled_early"``).

    Notes
    -----
    early cancellation = cancelled before the first renewal / started. Count
    only subscriptions whose first term has ended (or was cancelled), so
    that recent starts do not flatter the rate.

    Examples
    --------
    120 started, 9 cancelled in their first month (hand-worked): 7.5%.

    >>> early_cancellation_rate(9, 120)
    0.075
    """
    total = v.positive(started, "started", "started", why="why.started")
    count = v.non_negative(cancelled_early, "cancelled_early", "cancelled_early")
    if count > total:
        raise InputError(
            "cancelled_early", "metrics_more.cancelled_over_started", part=count, whole=total
        )
    return count / total


@dataclass(frozen=True)
class CsatBreakdown:
    """Customer satisfaction (CSAT) with the counts behind it.

    Attributes
    ----------
    satisfied : int
        Answers of 4 or 5.
    responses : int
        All answers.
    score : float
        satisfied / responses, in [0, 1].
    """

    satisfied: int
    responses: int
    score: float


def csat_breakdown(ratings: Iterable[int]) -> CsatBreakdown:
    """CSAT: the share of answers 4 or 5 on a 1-5 satisfaction scale.

    Parameters
    ----------
    ratings : iterable of int
        Answers to "How satisfied were you?", whole numbers from 1 (very
        dissatisfied) to 5 (very satisfied); at least one.

    Returns
    -------
    CsatBreakdown
        Satisfied answers, all answers and the score.

    Raises
    ------
    InputError
        Field ``"ratings"``: no answers, or an answer that is not a whole
        number from 1 to 5.

    Notes
    -----
    CSAT = answers of 4 or 5 / all answers (the "top two boxes"). Compare a
    score with the same question asked at the same moment (after delivery,
    after a support ticket): the moment changes the score.

    References
    ----------
    SurveyVista, "CSAT benchmarks": 480 of 600 answers rating 4 or 5 is a
    CSAT of 80%.

    Examples
    --------
    SurveyVista's worked example, 480 satisfied of 600:

    >>> csat_breakdown([5] * 300 + [4] * 180 + [3] * 60 + [2] * 60).score
    0.8
    """
    if isinstance(ratings, str | bytes) or not isinstance(ratings, Iterable):
        raise InputError("ratings", "metrics_more.not_text", value=repr(ratings))
    values = []
    for position, item in enumerate(ratings, start=1):
        if isinstance(item, bool) or item not in (1, 2, 3, 4, 5):
            raise InputError(
                "ratings", "metrics_more.not_rating", position=position, value=_shown(repr(item))
            )
        values.append(int(item))
    if not values:
        raise InputError("ratings", "metrics_more.nothing_pasted")
    satisfied = sum(1 for value in values if value >= 4)
    return CsatBreakdown(satisfied=satisfied, responses=len(values), score=satisfied / len(values))


@dataclass(frozen=True)
class Backlog:
    """Unresolved support tickets and how long they have waited.

    Attributes
    ----------
    open_tickets : int
        Tickets not yet resolved.
    median_age_days : float
        Median days since those tickets were opened.
    """

    open_tickets: int
    median_age_days: float


def support_backlog(open_tickets: float, ages_days: Iterable[float]) -> Backlog:
    """The support backlog: unresolved tickets and their median age.

    Parameters
    ----------
    open_tickets : float
        Tickets open today, a whole number of at least 1.
    ages_days : iterable of float
        Either one number, the median age in days you already know, or the
        age in days of every open ticket (then as many ages as tickets).

    Returns
    -------
    Backlog
        The count and the median age in days.

    Raises
    ------
    InputError
        Field ``"open_tickets"``: not a whole number of at least 1. Field
        ``"ticket_ages"``: no ages, a negative age, or several ages whose
        count is not the number of open tickets.

    Notes
    -----
    median age = median(ages). A single number is taken as the median
    itself. With no open ticket there is no backlog to judge.

    Examples
    --------
    Six open tickets (hand-worked: sorted 0.5, 1, 2, 3, 6, 10; the middle
    pair is 2 and 3):

    >>> support_backlog(6, [3, 0.5, 10, 2, 1, 6])
    Backlog(open_tickets=6, median_age_days=2.5)
    """
    count = v.whole(open_tickets, "open_tickets", "open_tickets", minimum=1)
    ages = _days(ages_days, "ticket_ages")
    if ages.size > 1 and ages.size != count:
        raise InputError(
            "ticket_ages", "metrics_more.ages_count", ages=int(ages.size), tickets=count
        )
    return Backlog(open_tickets=count, median_age_days=float(np.median(ages)))
