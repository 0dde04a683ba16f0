"""Headline numbers of an order log (customers, orders, revenue, AOV, frequency, repeat rate,
time between purchases, return rate), and of a table of customers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from calc.errors import DataError
from calc.history._prep import _gaps, _Prep, _prepare, _ts


@dataclass(frozen=True)
class Headline:
    """Headline numbers of an order log.

    Attributes
    ----------
    customers : int
        Distinct customers with at least one purchase or refund.
    orders : int
        Orders (purchases); see the module notes.
    revenue : float
        Net revenue: purchases plus refunds, in the file's currency.
    gross_revenue : float
        Purchases only.
    refunds : float
        Sum of negative amounts (0 or less).
    aov : float
        Average order value: gross revenue / orders.
    purchase_frequency : float
        Orders per customer over the whole period covered.
    repeat_purchase_rate : float
        Share (0-1) of customers with two or more orders.
    median_days_between_purchases : float
        Median over all consecutive purchase days of the same customer; NaN
        when no customer bought on two days.
    return_rate : float
        Share (0-1) of orders returned: orders flagged returned or with a
        refund row, plus refund rows without an order id, over orders.
    first_date, last_date : pandas.Timestamp
    days : int
        Days covered, first to last date inclusive.
    """

    customers: int
    orders: int
    revenue: float
    gross_revenue: float
    refunds: float
    aov: float
    purchase_frequency: float
    repeat_purchase_rate: float
    median_days_between_purchases: float
    return_rate: float
    first_date: pd.Timestamp
    last_date: pd.Timestamp
    days: int


def _headline(p: _Prep) -> Headline:
    orders = int(p.order_first.sum())
    gross = float(p.amount[p.purchase].sum())
    refunds = float(p.amount[~p.purchase].sum())
    customers = p.n_customers
    gaps, _ = _gaps(p)
    # an order with a refund line or a returned flag is one return; so is a lone refund row
    returned_orders = np.zeros(int(p.order_code.max()) + 1, dtype=bool)
    returned_orders[p.order_code[p.returned | ~p.purchase]] = True
    returns = int(returned_orders.sum())
    first, last = int(p.day.min()), int(p.day.max())
    return Headline(
        customers=customers,
        orders=orders,
        revenue=gross + refunds,
        gross_revenue=gross,
        refunds=refunds,
        aov=gross / orders if orders else float("nan"),
        purchase_frequency=orders / customers if customers else float("nan"),
        repeat_purchase_rate=float((p.orders_per_customer >= 2).sum() / customers),
        median_days_between_purchases=float(np.median(gaps)) if len(gaps) else float("nan"),
        return_rate=min(1.0, returns / orders) if orders else float("nan"),
        first_date=_ts(first),
        last_date=_ts(last),
        days=last - first + 1,
    )


def headline(table: pd.DataFrame) -> Headline:
    """Customers, orders, revenue, AOV, frequency, repeat rate, time between purchases, returns.

    Parameters
    ----------
    table : pandas.DataFrame
        Orders: ``customer_id``, ``date``, ``amount``; optional ``order_id``,
        ``returned``.

    Returns
    -------
    Headline

    Examples
    --------
    Customer a buys for 100 on 5 January and 50 on 10 February and returns 10
    on 1 March; b buys for 80, c for 20. Four orders, 250 gross, 240 net,
    AOV 250 / 4 = 62.5; one of three customers came back (a, after 36 days).

    >>> t = pd.DataFrame({
    ...     "customer_id": ["a", "a", "b", "c", "a"],
    ...     "date": pd.to_datetime(["2026-01-05", "2026-02-10", "2026-01-20",
    ...                             "2026-02-01", "2026-03-01"]),
    ...     "amount": [100.0, 50.0, 80.0, 20.0, -10.0]})
    >>> h = headline(t)
    >>> h.customers, h.orders, h.revenue, h.aov, round(h.repeat_purchase_rate, 4)
    (3, 4, 240.0, 62.5, 0.3333)
    >>> h.median_days_between_purchases, h.return_rate
    (36.0, 0.25)
    """
    return _headline(_prepare(table))


def customers_headline(table: pd.DataFrame) -> Headline:
    """Headline numbers from a customers table (one row per customer).

    Uses ``orders`` (or ``frequency`` + 1, repeat purchases plus the first)
    and ``revenue`` (or ``monetary_value`` x orders). Time between purchases
    and returns are not in such a table and come out NaN.

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": ["a", "b"], "orders": [3, 1], "revenue": [90.0, 30.0]})
    >>> h = customers_headline(t)
    >>> h.orders, h.revenue, h.aov, h.repeat_purchase_rate
    (4, 120.0, 30.0, 0.5)
    """
    if "orders" in table.columns:
        orders = table["orders"].to_numpy(dtype=float)
    elif "frequency" in table.columns:
        orders = table["frequency"].to_numpy(dtype=float) + 1
    else:
        raise DataError("orders.customers_need_orders")
    if "revenue" in table.columns:
        revenue = table["revenue"].to_numpy(dtype=float)
    elif "monetary_value" in table.columns:
        revenue = table["monetary_value"].to_numpy(dtype=float) * orders
    else:
        raise DataError("orders.customers_need_revenue")
    n = len(table)
    total_orders = int(np.nansum(orders))
    total = float(np.nansum(revenue))
    first = last = pd.NaT
    days = 0
    if "first_purchase" in table.columns and "last_purchase" in table.columns:
        first, last = table["first_purchase"].min(), table["last_purchase"].max()
        if pd.notna(first) and pd.notna(last):
            days = int((last - first).days) + 1
    return Headline(
        customers=n,
        orders=total_orders,
        revenue=total,
        gross_revenue=total,
        refunds=0.0,
        aov=total / total_orders if total_orders else float("nan"),
        purchase_frequency=total_orders / n if n else float("nan"),
        repeat_purchase_rate=float(np.mean(orders >= 2)) if n else float("nan"),
        median_days_between_purchases=float("nan"),
        return_rate=float("nan"),
        first_date=first,
        last_date=last,
        days=days,
    )
