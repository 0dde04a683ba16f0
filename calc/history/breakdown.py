"""Customers, orders and revenue per value of a column (category, product, channel, country,
status) or per customer size tier.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calc.errors import DataError
from calc.history._prep import _Prep, _prepare
from calc.history.customers import _customer_table


def _distinct_pairs(a: np.ndarray, b: np.ndarray, n_a: int, n_b: int) -> np.ndarray:
    """Count distinct b per value of a (both dense integer codes)."""
    if n_a * n_b <= 50_000_000:
        seen = np.zeros((n_a, n_b), dtype=bool)
        seen[a, b] = True
        return seen.sum(axis=1)
    key = np.sort(a.astype(np.int64) * n_b + b)
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    return np.bincount(key[first] // n_b, minlength=n_a)


def _tier_per_row(p: _Prep, tiers: pd.Series) -> pd.Series:
    codes = tiers.cat.codes.to_numpy()[p.code]
    return pd.Series(pd.Categorical.from_codes(codes, dtype=tiers.dtype))


def _breakdown(p: _Prep, values: pd.Series) -> pd.DataFrame:
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy().astype(np.int64)
        labels = pd.Index(values.cat.categories).astype(str)
    else:
        codes, labels = pd.factorize(values.astype("str"), sort=False)
        codes = codes.astype(np.int64)
        labels = pd.Index(labels).astype(str)
    missing = codes < 0
    if missing.any():
        codes = np.where(missing, len(labels), codes)
        labels = labels.append(pd.Index(["(blank)"]))
    k = len(labels)
    customers = _distinct_pairs(codes, p.code, k, p.n_customers)
    # an order counts once for each value its purchase lines have (an order of coffee and a
    # cup is an order in both products)
    if p.order_first.sum() < p.purchase.sum():
        key = np.sort(p.order_code[p.purchase].astype(np.int64) * (k + 1) + codes[p.purchase])
        first = np.ones(len(key), dtype=bool)  # a sort and its edges: np.unique hashes, slower
        first[1:] = key[1:] != key[:-1]
        orders = np.bincount(key[first] % (k + 1), minlength=k + 1)[:k]
    else:
        orders = np.bincount(codes[p.order_first], minlength=k)
    revenue = np.bincount(codes, weights=p.amount, minlength=k)
    gross = np.bincount(codes[p.purchase], weights=p.amount[p.purchase], minlength=k)
    total = revenue.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame(
            {
                "value": labels,
                "customers": customers,
                "orders": orders,
                "revenue": revenue,
                "revenue_share": revenue / total if total else np.nan,
                "aov": np.where(orders > 0, gross / np.maximum(orders, 1), np.nan),
            }
        )
    out = out[(out["customers"] > 0)]
    return out.sort_values("revenue", ascending=False, kind="stable", ignore_index=True)


def breakdown(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """Customers, orders and revenue per value of a category column.

    Parameters
    ----------
    table : pandas.DataFrame
        Orders.
    column : str
        Any column of ``table`` (product, category, channel, country, ...), or
        ``"tier"`` for customer size tiers (see :func:`customer_summary`).

    Returns
    -------
    pandas.DataFrame
        ``value``, ``customers`` (distinct), ``orders``, ``revenue`` (net),
        ``revenue_share`` (0-1), ``aov``; highest revenue first. Empty cells
        are grouped as "(blank)".

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": ["a", "a", "b"],
    ...     "date": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03"]),
    ...     "amount": [30.0, 10.0, 60.0], "channel": ["web", "shop", "web"]})
    >>> breakdown(t, "channel")[["value", "customers", "orders", "revenue", "revenue_share"]]
      value  customers  orders  revenue  revenue_share
    0   web          2       2     90.0            0.9
    1  shop          1       1     10.0            0.1
    """
    p = _prepare(table)
    if column == "tier":
        values = _tier_per_row(p, _customer_table(p, None)["tier"])
    elif column in table.columns:
        values = table[column]
    else:
        raise DataError("orders.no_breakdown_column", name=str(column))
    return _breakdown(p, values)


BREAKDOWN_COLUMNS = ("category", "product", "channel", "country", "status")
