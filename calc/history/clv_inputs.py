"""The inputs of the CLV formula measured from an order log: order value, purchases a year
and the yearly churn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from calc.clv import convert_rate
from calc.history._prep import _prepare
from calc.history.churn import YearlyChurn, _yearly_churn
from calc.history.headline import Headline, _headline
from calc.history.retention import _retention


@dataclass(frozen=True)
class ClvInputs:
    """Inputs for the formula CLV (calc.clv), measured from the order log.

    Attributes
    ----------
    aov : float
        Average order value (gross), the file's currency.
    purchases_per_year : float
        Orders per customer per year: orders / customers / years covered.
        NaN when the data covers less than 28 days.
    monthly_churn : float
        Customers who did not buy again the next calendar month / customers
        active, pooled over every month but the last (0-1). Detail only: a
        customer who skips a month has not left.
    annual_churn : float
        The headline churn (per year): :func:`yearly_churn`. NaN when the
        file covers less than about 18 months.
    annual_churn_from_monthly : float
        ``1 - (1 - monthly_churn) ** 12``, kept only to show why a monthly
        figure must not be annualised; never used as a churn.
    customers : int
    days : int
        Days covered by the data.
    """

    aov: float
    purchases_per_year: float
    monthly_churn: float
    annual_churn: float
    annual_churn_from_monthly: float
    customers: int
    days: int


def _pooled_churn(ret: pd.DataFrame) -> float:
    done = ret["churned"].notna() & (ret["active"] > 0)
    active = ret.loc[done, "active"].sum()
    return float(ret.loc[done, "churned"].sum() / active) if active else float("nan")


def _clv_inputs(h: Headline, monthly: pd.DataFrame, yearly: YearlyChurn) -> ClvInputs:
    years = h.days / 365.25
    m = _pooled_churn(monthly)
    return ClvInputs(
        aov=h.aov,
        purchases_per_year=h.orders / h.customers / years if h.days >= 28 else float("nan"),
        monthly_churn=m,
        annual_churn=yearly.churn,
        annual_churn_from_monthly=convert_rate(m, "month", "year")
        if not np.isnan(m)
        else float("nan"),
        customers=h.customers,
        days=h.days,
    )


def clv_inputs(table: pd.DataFrame) -> ClvInputs:
    """AOV, purchase frequency per year and the headline yearly churn, for the formula CLV.

    Examples
    --------
    Two months of orders: a monthly figure, but too short for a yearly churn.

    >>> t = pd.DataFrame({"customer_id": ["a", "b", "a", "c"],
    ...     "date": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-02-10", "2026-02-01"]),
    ...     "amount": [100.0, 80.0, 50.0, 20.0]})
    >>> c = clv_inputs(t)
    >>> c.aov, c.monthly_churn, c.annual_churn
    (62.5, 0.5, nan)
    """
    p = _prepare(table)
    h = _headline(p)
    return _clv_inputs(h, _retention(p, "M"), _yearly_churn(p))
