"""The one yearly churn of a shop's order log: of the customers who bought in one 12-month
window, the share who did not buy in the next 12 months.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from calc.errors import DataError
from calc.history._prep import _Prep, _prepare, _ts

#: Days of each window of the headline churn: a year.
YEAR_DAYS = 365


#: The first window may be shorter than a year when the file is, but not shorter than this.
MIN_FIRST_WINDOW_DAYS = 183


@dataclass(frozen=True)
class YearlyChurn:
    """The one churn of an order log: who bought in a year and not in the year after.

    A shop's customers never cancel, so churn is a definition: of the
    customers who bought in the first window, the share who did not buy in
    the second. The second window is the last 365 days of the file, ending on
    its last purchase day; the first is the 365 days before it (shorter when
    the file starts later, never under :data:`MIN_FIRST_WINDOW_DAYS`).

    Attributes
    ----------
    churn : float
        lost / buyers, a fraction per year; NaN when the file is too short.
    buyers : int
        Customers with a purchase in the first window.
    lost : int
        Of those, customers with no purchase in the second window.
    first_start, first_end, second_start, second_end : pandas.Timestamp
        The windows, each day included.
    first_days : int
        Days in the first window (365 unless the file starts later; 0 when
        there is no usable first window).
    """

    churn: float
    buyers: int
    lost: int
    first_start: pd.Timestamp
    first_end: pd.Timestamp
    second_start: pd.Timestamp
    second_end: pd.Timestamp
    first_days: int

    @property
    def measured(self) -> bool:
        """True when the file is long enough for a churn."""
        return not np.isnan(self.churn)


def _yearly_churn(p: _Prep) -> YearlyChurn:
    last = int(p.day.max())
    b0 = last - YEAR_DAYS + 1  # second window: b0 .. last
    a1 = b0 - 1
    a0 = max(a1 - YEAR_DAYS + 1, int(p.day.min()))  # first window: a0 .. a1
    days = max(0, a1 - a0 + 1)
    buyers = lost = 0
    churn = float("nan")
    if days >= MIN_FIRST_WINDOW_DAYS:
        first = np.zeros(p.n_customers, dtype=bool)
        second = np.zeros(p.n_customers, dtype=bool)
        first[p.u_code[(p.u_day >= a0) & (p.u_day <= a1)]] = True
        second[p.u_code[p.u_day >= b0]] = True
        buyers = int(first.sum())
        lost = int((first & ~second).sum())
        churn = lost / buyers if buyers else float("nan")
    return YearlyChurn(
        churn=churn,
        buyers=buyers,
        lost=lost,
        first_start=_ts(a0),
        first_end=_ts(a1),
        second_start=_ts(b0),
        second_end=_ts(last),
        first_days=days if days >= MIN_FIRST_WINDOW_DAYS else 0,
    )


def yearly_churn(table: pd.DataFrame) -> YearlyChurn:
    """The headline churn of an order log: bought in one 12-month window, not in the next.

    Parameters
    ----------
    table : pandas.DataFrame
        Orders: ``customer_id``, ``date``, ``amount``.

    Returns
    -------
    YearlyChurn
        ``churn`` is NaN when the file covers less than 365 +
        :data:`MIN_FIRST_WINDOW_DAYS` days (about 18 months).

    Notes
    -----
    churn = customers who bought in [last - 729, last - 365] and not in
    [last - 364, last] / customers who bought in [last - 729, last - 365],
    with ``last`` the file's last purchase day and the first window clipped
    to the file's first day. Only purchases count (refund rows do not).
    A yearly figure measured over a year: never a monthly figure raised to
    the twelfth power, which reads "did not buy again the next month" as
    "left for good" and comes out near 100% for a healthy shop.

    References
    ----------
    Croll, A. and Yoskovitz, B. (2013). Lean Analytics, O'Reilly: the annual
    repurchase rate of an online shop, "what percentage of last year's buyers
    buy this year"; churn is its complement.

    Examples
    --------
    a buys in both years, b only in the first, c only in the second: one of
    the two first-year buyers is lost.

    >>> t = pd.DataFrame({"customer_id": ["a", "b", "a", "c"],
    ...     "date": pd.to_datetime(["2024-12-01", "2025-03-01", "2025-12-20", "2026-06-30"]),
    ...     "amount": [10.0, 20.0, 30.0, 40.0]})
    >>> y = yearly_churn(t)
    >>> y.churn, y.buyers, y.lost, str(y.second_start.date()), y.first_days
    (0.5, 2, 1, '2025-07-01', 212)
    """
    return _yearly_churn(_prepare(table))


def require_yearly_churn(yearly: YearlyChurn, days: int) -> float:
    """The headline yearly churn, or a :class:`DataError` saying why the file has none.

    A file of ``days`` days is too short for one, or long enough but nobody
    bought in the first of the two windows (orders decades apart, say).

    >>> t = pd.DataFrame({"customer_id": ["a", "b"], "amount": [10.0, 20.0],
    ...     "date": pd.to_datetime(["1990-01-05", "2024-06-30"])})
    >>> try:
    ...     require_yearly_churn(yearly_churn(t), 12596)
    ... except DataError as error:
    ...     print(error.about.code, error.about.values)
    business.no_first_year_buyers {'start': '2022-07-02', 'end': '2023-07-01'}
    """
    if yearly.measured:
        return yearly.churn
    if yearly.first_days:
        raise DataError(
            "business.no_first_year_buyers",
            start=str(yearly.first_start.date()),
            end=str(yearly.first_end.date()),
        )
    raise DataError("business.no_yearly_churn", days=days)
