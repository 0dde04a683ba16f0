"""What the order models need, how a file measures against it, and a ranking without them.

Before fitting, the Forecast page states three needs and where the file
stands on each (:func:`check`). They come from the models themselves and from
this project's rules of thumb:

=================  =======  ===========  ==============================================
need               minimum  comfortable  why
=================  =======  ===========  ==============================================
customers          20       200          BG/NBD is not fitted below 20
                                         (:data:`calc.models.bgnbd.MIN_CUSTOMERS`);
                                         with a few hundred the 90% ranges narrow to
                                         tens of percent
repeat buyers      10       100          Gamma-Gamma learns spend from repeat buyers
                                         only and is not fitted below 10
                                         (:data:`calc.models.gamma_gamma.MIN_REPEAT_BUYERS`);
                                         BG/NBD learns the buying rate from them
days of history    90       273          a quarter for repeat purchases to happen at
                                         all; 39 weeks (CDNOW's calibration period, and
                                         three times the 13-week holdout check)
=================  =======  ===========  ==============================================

The "comfortable" column is a rule of thumb of this project, not a published
threshold: below it the models still run, but their ranges are wide and a
parameter may be held near a limit (see :mod:`calc.models._fit`).

When the models cannot run at all, :func:`slipping_away` still ranks the
customers by recency and frequency.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from calc.models import bgnbd, gamma_gamma
from calc.models.summary import CustomerSummary


@dataclass(frozen=True)
class Need:
    """One thing the models need: a name, the least they run on, and what is comfortable."""

    name: str
    minimum: float
    comfortable: float


#: The needs, in the order the page lists them (see the module description).
NEEDS = (
    Need("customers", bgnbd.MIN_CUSTOMERS, 200),
    Need("repeat_buyers", gamma_gamma.MIN_REPEAT_BUYERS, 100),
    Need("history_days", 90, 273),
)


@dataclass(frozen=True)
class Check:
    """How a file measures against one :class:`Need`.

    Attributes
    ----------
    need : Need
    have : float
        The file's value (customers, repeat buyers or days).
    status : str
        ``"short"`` below the minimum (the models cannot run, or a forecast
        means little), ``"thin"`` between minimum and comfortable, ``"ready"``
        at or above comfortable.
    """

    need: Need
    have: float
    status: str


def check(summary: CustomerSummary) -> tuple[Check, ...]:
    """Measure a customer summary against :data:`NEEDS`.

    Parameters
    ----------
    summary : CustomerSummary
        From :func:`calc.models.summary.summarize`.

    Returns
    -------
    tuple of Check
        One per need, in the order of :data:`NEEDS`.

    Notes
    -----
    Days of history run from the first purchase in the file to the end of
    observation, both days counted (``observation_end - first + 1``).

    Examples
    --------
    >>> from calc.models.summary import summarize
    >>> s = summarize(["a", "a", "b"], ["2024-01-01", "2024-02-01", "2024-03-30"],
    ...     [10.0, 20.0, 5.0], unit="W")
    >>> [(c.need.name, c.have, c.status) for c in check(s)]
    [('customers', 2.0, 'short'), ('repeat_buyers', 1.0, 'short'), ('history_days', 90.0, 'thin')]
    """
    first = np.min(summary.first_purchase).astype("datetime64[D]")
    end = np.datetime64(summary.observation_end, "D")
    have = {
        "customers": float(summary.n_customers),
        "repeat_buyers": float(np.sum(np.asarray(summary.frequency) > 0)),
        "history_days": float((end - first).astype(np.int64) + 1),
    }
    return tuple(_measure(need, have[need.name]) for need in NEEDS)


def _measure(need: Need, have: float) -> Check:
    if have < need.minimum:
        return Check(need, have, "short")
    if have < need.comfortable:
        return Check(need, have, "thin")
    return Check(need, have, "ready")


def ready(checks: tuple[Check, ...]) -> str:
    """The file's overall standing: the weakest status of its checks.

    Examples
    --------
    >>> ready((_measure(NEEDS[0], 500), _measure(NEEDS[2], 120)))
    'thin'
    """
    order = ("short", "thin", "ready")
    return min((c.status for c in checks), key=order.index, default="ready")


def slipping_away(customers: pd.DataFrame) -> pd.DataFrame:
    """Customers ranked by how far past their usual reorder gap they are, without a model.

    Parameters
    ----------
    customers : pandas.DataFrame
        One row per customer with ``orders``, ``days_since_last`` and
        ``usual_interval_days`` (NaN for one-time buyers), as
        :func:`calc.history.customer_summary` gives.

    Returns
    -------
    pandas.DataFrame
        The same rows with ``gap_days`` (the customer's usual gap, or for a
        one-time buyer the median usual gap of the repeat buyers) and
        ``overdue`` (``days_since_last / gap_days``: 2 means twice the usual
        gap has passed), most overdue first; among equals, those with more
        orders first (more to lose).

    Notes
    -----
    Recency (days since the last order) measured in the customer's own
    rhythm, and frequency (orders) to break ties: the RFM reading of "who is
    slipping away" when BG/NBD cannot be fitted. With no repeat buyer at all
    there is no rhythm, and the ranking is by days since the last order.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_id": ["a", "b", "c"], "orders": [3, 1, 5],
    ...     "days_since_last": [60.0, 45.0, 20.0], "usual_interval_days": [30.0, np.nan, 40.0]})
    >>> ranked = slipping_away(c)
    >>> ranked["customer_id"].tolist(), ranked["gap_days"].tolist()
    (['a', 'b', 'c'], [30.0, 35.0, 40.0])
    >>> ranked["overdue"].round(3).tolist()
    [2.0, 1.286, 0.5]
    """
    usual = customers["usual_interval_days"].to_numpy(dtype=float)
    since = customers["days_since_last"].to_numpy(dtype=float)
    typical = float(np.nanmedian(usual)) if np.any(np.isfinite(usual)) else np.nan
    gap = np.where(np.isfinite(usual) & (usual > 0), usual, typical)
    if np.isfinite(typical):
        with np.errstate(divide="ignore", invalid="ignore"):
            overdue = since / gap
    else:
        overdue = since.copy()
    out = customers.assign(gap_days=gap, overdue=overdue)
    order = np.lexsort((-customers["orders"].to_numpy(dtype=float), -np.nan_to_num(overdue)))
    return out.iloc[order].reset_index(drop=True)
