"""The shared first step of every analysis of an order log: columns as numpy arrays, customer
ids as integer codes, orders and distinct purchase days found once (see the package notes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from calc.errors import DataError

PERIODS = {"M": "month", "Q": "quarter", "Y": "year"}


_NS_PER_DAY = 86_400 * 10**9


@dataclass(frozen=True)
class _Prep:
    """Columns of an order log as numpy arrays, with the shared groupings done once."""

    code: np.ndarray  # int64 customer code per row, 0..n_customers-1
    ids: pd.Index  # customer id per code
    day: np.ndarray  # int64 days since 1970-01-01 per row
    month: np.ndarray  # int64 months since 1970-01 per row
    amount: np.ndarray  # float64 per row
    purchase: np.ndarray  # bool per row: amount >= 0
    returned: np.ndarray  # bool per row: flagged returned
    order_code: np.ndarray  # int64 order number per row (row number without order ids)
    order_first: np.ndarray  # bool per row: first purchase row of its order
    orders_per_customer: np.ndarray  # int64 per customer code
    # distinct purchase days per customer, sorted by (code, day)
    u_code: np.ndarray
    u_day: np.ndarray
    u_month: np.ndarray
    n_customers: int
    table: pd.DataFrame = field(repr=False)


def _customer_codes(ids: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Customer ids as dense integer codes (int32: 4 bytes a row), and the id of each code."""
    if isinstance(ids.dtype, pd.CategoricalDtype):
        codes = ids.cat.codes.to_numpy().astype(np.int32, copy=False)
        cats = ids.cat.categories
        used = np.bincount(codes, minlength=len(cats)) > 0
        if not used.all():
            remap = (np.cumsum(used) - 1).astype(np.int32)
            codes = remap[codes]
            cats = cats[used]
        return codes, pd.Index(cats)
    codes, uniques = pd.factorize(ids, sort=False)
    return codes.astype(np.int32), pd.Index(uniques)


def _months(day: np.ndarray) -> np.ndarray:
    """Months since 1970-01 for days since 1970-01-01 (through a small lookup table)."""
    if len(day) == 0:
        return day.astype(np.int32)
    d0 = int(day.min())
    span = np.arange(d0, int(day.max()) + 1, dtype=np.int64)
    table = span.astype("datetime64[D]").astype("datetime64[M]").astype(np.int32)
    return table[day - d0]


def _new_order(oid: pa.Array | None, code: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Whether each row starts an order: its order id, customer or day differs from the row
    before (every row, without order ids)."""
    n = len(code)
    new = np.ones(n, dtype=bool)
    if oid is not None and n > 1:
        same_id = pc.fill_null(pc.equal(oid.slice(1), oid.slice(0, n - 1)), False)
        new[1:] = ~same_id.to_numpy(zero_copy_only=False)
        new[1:] |= (code[1:] != code[:-1]) | (day[1:] != day[:-1])
    return new


def _prepare(table: pd.DataFrame) -> _Prep:
    """Check the columns and do the groupings every result shares, once.

    Lines of one order are expected on consecutive rows, as exports list
    them and :func:`calc.upload.read` returns them: a purchase row starts a
    new order when its order id, customer or day differs from the purchase
    row before (refund rows between two lines of an order do not part
    them). So order ids are compared with their neighbour, never hashed.
    """
    missing = [c for c in ("customer_id", "date", "amount") if c not in table.columns]
    if missing:
        raise DataError("orders.missing_columns", column=missing[0], missing=missing)
    if len(table) == 0:
        raise DataError("orders.no_orders")
    if table["customer_id"].isna().any() or table["date"].isna().any():
        raise DataError("orders.no_customer_or_date")
    code, ids = _customer_codes(table["customer_id"])
    day = (table["date"].to_numpy(dtype="datetime64[ns]").view(np.int64) // _NS_PER_DAY).astype(
        np.int32
    )
    amount = table["amount"].to_numpy(dtype=np.float64)
    if np.isnan(amount).any():
        raise DataError("orders.no_amount")
    n = len(table)
    n_customers = len(ids)
    purchase = amount >= 0
    returned = np.zeros(n, dtype=bool)
    if "returned" in table.columns:
        returned = table["returned"].fillna(False).to_numpy(dtype=bool)
    # orders, in file order
    rows = np.flatnonzero(purchase)
    has_ids = "order_id" in table.columns
    oid = pa.array(table["order_id"], from_pandas=True) if has_ids and n > 1 else None
    new = _new_order(oid, code, day)
    order_code = np.cumsum(new) - 1
    first_of_order = new[rows]
    first_of_order[:1] = True  # a refund row before the first purchase is no order of its own
    # a purchase line with refund rows between it and the purchase line before: compared
    # with that line (not with the refund row), whose order it goes on when they match
    apart = np.flatnonzero(np.diff(rows) > 1) if oid is not None else rows[:0]
    first_of_order[apart + 1] = True
    before, after = rows[apart], rows[apart + 1]
    near = (code[after] == code[before]) & (day[after] == day[before])  # ids compared only here
    if near.any():
        apart, before, after = apart[near], before[near], after[near]
        same = pc.fill_null(pc.equal(oid.take(after), oid.take(before)), False)
        if pc.any(same).as_py():
            first_of_order[apart[same.to_numpy(zero_copy_only=False)] + 1] = False
            order_code[rows] = np.maximum.accumulate(np.where(first_of_order, order_code[rows], 0))
    order_first = np.zeros(n, dtype=bool)
    order_first[rows[first_of_order]] = True
    per_customer = np.bincount(code[order_first], minlength=n_customers)
    # distinct (customer, purchase day) pairs, sorted by customer then day
    if len(rows):
        dp = day[rows]
        d0 = int(dp.min())
        span = int(dp.max()) - d0 + 1
        kp = np.sort(code[rows].astype(np.int64) * span + (dp - d0))
        edge = np.ones(len(kp), dtype=bool)
        edge[1:] = kp[1:] != kp[:-1]
        kp = kp[edge]
        u_code, u_day = kp // span, kp % span + d0
    else:
        u_code = u_day = np.zeros(0, dtype=np.int64)
    return _Prep(
        code=code,
        ids=ids,
        day=day,
        month=_months(day),
        amount=amount,
        purchase=purchase,
        returned=returned,
        order_code=order_code,
        order_first=order_first,
        orders_per_customer=per_customer,
        u_code=u_code,
        u_day=u_day,
        u_month=_months(u_day),
        n_customers=n_customers,
        table=table,
    )


def _starts(sorted_codes: np.ndarray) -> np.ndarray:
    """Index where each run of equal values starts in a sorted array."""
    if len(sorted_codes) == 0:
        return np.zeros(0, dtype=np.int64)
    edge = np.ones(len(sorted_codes), dtype=bool)
    edge[1:] = sorted_codes[1:] != sorted_codes[:-1]
    return np.flatnonzero(edge)


def _gaps(p: _Prep) -> tuple[np.ndarray, np.ndarray]:
    """Days between consecutive distinct purchase days, and the customer of each gap."""
    same = p.u_code[1:] == p.u_code[:-1]
    return np.diff(p.u_day)[same], p.u_code[1:][same]


def _ts(day: int) -> pd.Timestamp:
    return pd.Timestamp(np.datetime64(int(day), "D"))
