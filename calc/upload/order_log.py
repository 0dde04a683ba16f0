"""Build the canonical order log: one order per order number, only the money that was kept.

Exports write orders in three ways, and all three are read here:

- one row per order (most bookkeeping exports);
- one row per line item with the order's fields on its first row only
  (Shopify: ``Total``, ``Financial Status``, ``Billing Name`` stand once,
  ``Name``, ``Email`` and ``Lineitem ...`` repeat);
- one row per line item with the order's total repeated on every row
  (WooCommerce order exports) or with each line's own amount (shop logs).

Rows that share an order number and a customer are one order. Its
customer, date and status come from whichever of its rows carry them; its
amount is the order-level total once (never once per line), or the sum of its
lines when the amounts are line amounts. The order's money is then shared out
over its lines, weighted by each line's price (or equally), so that product
and category breakdowns still see every line and the lines add up to the
order.

Only kept money is revenue: an order whose status says it failed, was
cancelled or voided, is still pending, is a draft or test, or was refunded in
full is left out, row by row, in the skipped rows with its reason; a refund
amount nets a partly refunded order. :mod:`calc.upload.statuses` holds the
words.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from calc.errors import DataError
from calc.messages import Message
from calc.upload import statuses
from calc.upload.amounts import parse_amounts
from calc.upload.codes import (
    as_numbers,
    as_text,
    categorical,
    encode_ids,
    encode_text,
    number_codes,
)
from calc.upload.columns import fold
from calc.upload.dates import parse_dates
from calc.upload.platforms import Platform, column
from calc.upload.shapes import (
    _TRUE,
    Built,
    _column,
    _currency_column,
    _excel,
    _no_rows,
    _Skips,
    _total_rows,
)
from calc.upload.sniff import RawTable

#: Skip reason of a row left out for its order's status, by status class.
STATUS_SKIPS = {
    "failed": "upload.skip.status_failed",
    "cancelled": "upload.skip.status_cancelled",
    "pending": "upload.skip.status_pending",
    "draft": "upload.skip.status_draft",
    "not_sale": "upload.skip.status_not_sale",
    "excluded": "upload.skip.status_excluded",
}
#: Status classes by code: an order's class is held as its index here (0: no status word).
_CLASSES = ("", *statuses.CLASSES, "excluded")
_CODE = {name: code for code, name in enumerate(_CLASSES)}
# Status classes a refund may refine, and those whose purchases lose what was paid back.
_PLAIN = ("", "kept", "unknown")
_PAID_BACK = ("refunded", "partially_refunded")
# Fields that belong to the order, not to a line: taken from whichever row carries them.
_ORDER_TEXT = ("customer_name", "channel", "country", "status")
_LINE_TEXT = ("product", "category")
_EMPTY_NOT_COUNTED = pd.DataFrame(
    {
        "status_class": pd.Series([], dtype="str"),
        "statuses": pd.Series([], dtype="str"),
        "orders": pd.Series([], dtype="int64"),
        "amount": pd.Series([], dtype="float64"),
    }
)


def _first_per_group(group: np.ndarray, order: np.ndarray, n_groups: int, valid: np.ndarray):
    """Row index of the first row of each group (in file order) where ``valid``; -1 if none.

    ``order`` sorts the rows by group, stably (file order inside a group); None when
    the rows stand sorted by group already.
    """
    out = np.full(n_groups, -1, dtype=np.int64)
    rows = np.flatnonzero(valid) if order is None else order[valid[order]]
    if len(rows):
        g = group[rows]
        edge = np.ones(len(rows), dtype=bool)
        edge[1:] = g[1:] != g[:-1]
        out[g[edge]] = rows[edge]
    return out


def _pick(values: np.ndarray, first: np.ndarray, empty):
    """``values[first]`` per group, ``empty`` where the group has no such row (NaT for dates)."""
    out = values[np.maximum(first, 0)]
    if out.dtype.kind == "M":
        out = out.copy()
        out[first < 0] = np.datetime64("NaT")
        return out
    return np.where(first >= 0, out, empty)


def _with_fallback(cust, cust_values, fallback):
    """Customer codes where rows without one take the fallback column's value (a guest's name);
    ``fallback`` is that column's codes and values."""
    codes, values = fallback
    fill = (cust < 0) & (codes >= 0)
    if not fill.any():
        return cust, cust_values, 0
    both = pa.concat_arrays([cust_values.cast(pa.string()), values.cast(pa.string())])
    merged = np.where(fill, codes + len(cust_values), cust)
    enc = pc.dictionary_encode(both)
    remap = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return np.where(merged >= 0, remap[np.maximum(merged, 0)], -1), enc.dictionary, int(fill.sum())


def _is(o_class: np.ndarray, *names: str) -> np.ndarray:
    """Whether each order's class code (see :data:`_CLASSES`) is one of ``names``."""
    hit = np.zeros(len(_CLASSES), dtype=bool)
    hit[[_CODE[name] for name in names]] = True
    return hit[o_class]


def _order_codes(ids: pa.Array) -> np.ndarray:
    """Order numbers (trimmed text) as int64 codes, -1 where empty; equal numbers, equal codes.

    Numbers as most shops write them (1001, 1002, ...) are coded by value
    (:mod:`calc.upload.codes`), anything else (``INV 7``, ``0012`` beside
    ``12``, empty cells) by its text. How the codes are numbered is no meaning.
    """
    numbers = as_numbers(ids)
    return encode_text(ids)[0] if numbers is None else number_codes(numbers)


def _classes(status_values: pa.Array, counted: tuple[str, ...] | None) -> np.ndarray:
    """Status class code per distinct status value; the user's choice of what counts wins."""
    words = status_values.to_pylist()
    out = []
    for word in words:
        cls = statuses.classify(word)
        if counted is not None and cls != "":
            if word.strip() in counted:
                cls = cls if cls in statuses.COUNTED else "kept"
            elif cls in statuses.COUNTED:
                cls = "excluded"
        out.append(cls)
    return np.array([_CODE[cls] for cls in (*out, "")], dtype=np.int8)  # -1 picks the final ""


def _by_number(codes: np.ndarray, cust: np.ndarray) -> tuple | None:
    """The grouping into orders by order number alone: ``(order, starts, size)``, or None.

    That is when every row has a customer and an order number (coded 0, 1, ...
    without gaps, as :func:`_order_codes` and Arrow's dictionary codes are)
    and each number belongs to one customer: then each number is an order, and
    the orders need one sort of the rows instead of two (none when the rows
    stand sorted by number already, as in an export that lists an order's
    lines together). Otherwise, rows without a customer take their order's,
    and a second customer under a number makes another order (:class:`_Orders`).
    """
    if not len(codes) or codes.min() < 0 or cust.min() < 0:
        return None
    size = np.bincount(codes)
    if size.min() == 0:
        return None
    order = None if (codes[1:] >= codes[:-1]).all() else np.argsort(codes, kind="stable")
    starts = np.cumsum(size) - size
    sorted_cust = cust if order is None else cust[order]
    same = sorted_cust[1:] == sorted_cust[:-1]
    same[starts[1:] - 1] = True  # from one order to the next the customer may change
    return (order, starts, size) if same.all() else None


class _Orders:
    """Rows grouped into orders: an order number and a customer make one order.

    ``group`` is each row's order (0, 1, ...), ``order`` sorts the rows by
    order stably (None when they stand sorted), ``starts`` is where each order
    begins in that sorted sequence. ``by_row`` when each row is its own order,
    numbered as the rows are: then nothing needs grouping. (Every order may
    have one row and still be numbered otherwise: rows without an order number
    sort first.) ``cust`` is each row's customer, the same on every row of an
    order: a row without one takes its order's (-1 when no row names one).
    """

    def __init__(self, n: int, cust: np.ndarray, order_codes: np.ndarray | None) -> None:
        self.n = n
        self.conflicts = 0
        self.cust = cust
        # no order number, or every row its own (the codes count 0, 1, ...: all distinct)
        self.by_row = (
            order_codes is None or n == 0 or (order_codes.min() >= 0 and order_codes.max() == n - 1)
        )
        if self.by_row:
            self.group = np.arange(n, dtype=np.int64)
            self.order = self.group
            self.starts = self.group
            self.size = np.ones(n, dtype=np.int64)
            return
        found = _by_number(order_codes, cust)
        if found is not None:
            self.group = order_codes.astype(np.int64, copy=False)
            self.order, self.starts, self.size = found
            return
        has_id = order_codes >= 0
        id_group = np.where(has_id, order_codes, int(order_codes.max()) + 1)
        n_ids = int(id_group.max()) + 1
        # an order's customer: its first row with one; a row naming another customer is
        # another order under the same number (and is counted as a conflict)
        by_id = np.argsort(id_group, kind="stable")
        first = _first_per_group(id_group, by_id, n_ids, cust >= 0)
        order_cust = _pick(cust, first, -1)[id_group]
        inherited = np.where(has_id & (cust < 0), order_cust, cust)
        conflict = has_id & (inherited >= 0) & (inherited != order_cust)
        self.conflicts = len(np.unique(order_codes[conflict])) if conflict.any() else 0
        self.cust = inherited
        width = int(inherited.max()) + 2
        key = np.where(
            has_id,
            order_codes.astype(np.int64) * width + (inherited + 1),
            -1 - np.arange(n, dtype=np.int64),
        )
        self.order = np.argsort(key, kind="stable")
        self.starts = _starts(key[self.order])
        step = np.zeros(n, dtype=np.int64)
        step[self.starts[1:]] = 1
        self.group = np.empty(n, dtype=np.int64)
        self.group[self.order] = np.cumsum(step)
        self.size = np.diff(np.append(self.starts, n))

    @property
    def count(self) -> int:
        return len(self.starts)

    @property
    def multi(self) -> bool:
        return bool(len(self.size) and self.size.max() > 1)

    def first(self, valid: np.ndarray) -> np.ndarray:
        """Each order's first row where ``valid`` (-1 if none); may be the grouping's own
        array, so the caller reads it and never writes to it."""
        if self.by_row:
            return np.where(valid, np.arange(self.n), -1)
        if valid.all():  # every order's first row
            return self.starts if self.order is None else self.order[self.starts]
        return _first_per_group(self.group, self.order, self.count, valid)

    def total(self, values: np.ndarray) -> np.ndarray:
        if self.by_row:
            return np.array(values, dtype=np.float64)
        return np.bincount(self.group, weights=values, minlength=self.count)

    def total_of(self, rows: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Per order, the sum of ``values`` of the rows numbered ``rows`` (0 for the others)."""
        return np.bincount(self.group[rows], weights=values, minlength=self.count)

    def any(self, mask: np.ndarray) -> np.ndarray:
        if self.by_row:
            return np.array(mask, dtype=bool)
        return np.bincount(self.group[mask], minlength=self.count) > 0


def _starts(sorted_values: np.ndarray) -> np.ndarray:
    if len(sorted_values) == 0:
        return np.zeros(0, dtype=np.int64)
    edge = np.ones(len(sorted_values), dtype=bool)
    edge[1:] = sorted_values[1:] != sorted_values[:-1]
    return np.flatnonzero(edge)


def _lines_apart(group: np.ndarray, purchase: np.ndarray, count: int) -> bool:
    """Whether the purchase lines of some order stand apart, other rows between them.

    ``group`` is each kept row's order (of ``count``) in file order. A hand-kept
    sheet sorted by product or by date lists an order's lines apart; exports
    list them together.
    """
    lines = group[purchase]
    if len(lines) < 2:
        return False
    runs = 1 + np.count_nonzero(lines[1:] != lines[:-1])
    seen = np.zeros(count, dtype=bool)
    seen[lines] = True
    return runs > np.count_nonzero(seen)


def _amount_level(platform: Platform | None, orders: _Orders, has_amount: np.ndarray) -> str:
    """Whether the amount is the order's (once, or repeated) or each line's.

    A platform says so; otherwise an order total stands on one row of a
    multi-row order and the other rows are empty.
    """
    if platform is not None:
        return platform.amount_level
    if not orders.multi:
        return "line"
    multi_rows = orders.size[orders.group] > 1
    first_rows = np.zeros(orders.n, dtype=bool)
    first_rows[orders.starts if orders.order is None else orders.order[orders.starts]] = True
    others = multi_rows & ~first_rows
    return "order" if others.any() and has_amount[others].mean() < 0.1 else "line"


def _refunds(raw, mapping, platform, orders, amounts, opts) -> np.ndarray | None:
    """What was paid back of each order, from a refund column or an adjusted total; None if neither.

    A refund column holds the refund (its sign does not matter); an adjusted
    total (Etsy) holds what is left after it, and only on refunded orders.
    """
    adjusted = None
    if platform is not None and platform.adjusted_total:
        adjusted = column(platform, platform.adjusted_total, raw.names)
    name = mapping.get("refund_amount") or adjusted
    if name is None:
        return None
    values = parse_amounts(
        _column(raw, name),
        decimal=opts.get("decimal") or amounts.decimal,
        hint=opts.get("hint", "."),
        excel=_excel(opts),
    ).values
    first = orders.first(~np.isnan(values))
    if name == mapping.get("refund_amount"):
        return np.abs(_pick(np.nan_to_num(values), first, 0.0))
    total = _pick(amounts.values, orders.first(~np.isnan(amounts.values)), np.nan)
    left = _pick(values, first, np.nan)
    return np.where(np.isnan(left), 0.0, np.maximum(np.nan_to_num(total) - left, 0.0))


def _line_weights(raw: RawTable, platform: Platform | None, n: int, opts: dict) -> np.ndarray:
    """Each line's price x quantity, to share an order's total out over its lines; 0 unknown."""
    if platform is None or platform.line_value is None:
        return np.zeros(n)
    price_col = column(platform, platform.line_value[0], raw.names)
    qty_col = column(platform, platform.line_value[1], raw.names)
    if price_col is None:
        return np.zeros(n)
    price = parse_amounts(_column(raw, price_col), hint=opts.get("hint", ".")).values
    qty = np.ones(n)
    if qty_col is not None:
        qty = np.nan_to_num(parse_amounts(_column(raw, qty_col)).values, nan=1.0)
    weights = np.nan_to_num(price * qty, nan=0.0)
    return weights if (weights >= 0).all() else np.zeros(n)


def build_orders(raw: RawTable, mapping: dict[str, str], opts: dict) -> Built:
    """Canonical orders: customer_id (categorical), date, amount and optional columns.

    ``opts`` may carry ``platform`` (a :class:`~calc.upload.platforms.Platform`)
    and ``statuses`` (the status values, as written, that count; default by
    :mod:`calc.upload.statuses`).
    """
    n = len(raw.rows)
    skips = _Skips(raw)
    excel = _excel(opts)
    platform: Platform | None = opts.get("platform")
    encoded: dict[str, tuple[np.ndarray, pa.Array]] = {}

    def encode(header: str) -> tuple[np.ndarray, pa.Array]:
        """A text column's codes and values, hashed once however many roles it plays (a
        Shopify export's Billing Name is the guests' fallback and the customer's name)."""
        if header not in encoded:
            encoded[header] = encode_text(_column(raw, header))
        return encoded[header]

    # Hashing the customer ids and the order numbers are the longest steps; Arrow releases
    # the GIL, so they run in other threads while the dates and amounts are parsed here.
    order_ids = as_text(_column(raw, mapping["order_id"])) if "order_id" in mapping else None
    with ThreadPoolExecutor(max_workers=2) as pool:
        customers = pool.submit(encode_ids, _column(raw, mapping["customer_id"]))
        order_codes = None if order_ids is None else pool.submit(_order_codes, order_ids)
        dates = parse_dates(
            _column(raw, mapping["date"]),
            order=opts.get("date_order"),
            column=mapping["date"],
            serials=excel,
        )
        amounts = parse_amounts(
            _column(raw, mapping["amount"]),
            decimal=opts.get("decimal"),
            hint=opts.get("hint", "."),
            excel=excel,
        )
        cust, cust_values = customers.result()
        order_codes = None if order_codes is None else order_codes.result()
    guests = 0
    if platform is not None and platform.customer_fallback:
        fallback = column(platform, platform.customer_fallback, raw.names)
        if fallback is not None and fallback != mapping["customer_id"]:
            cust, cust_values, guests = _with_fallback(cust, cust_values, encode(fallback))
    orders = _Orders(n, cust, order_codes)
    cust = orders.cust  # every row of an order has its customer (see _Orders)

    # the order's own values, from whichever of its rows carry them
    has_amount = ~np.isnan(amounts.values)
    has_date = ~np.isnat(dates.values)
    level = _amount_level(platform, orders, has_amount)
    g = orders.group
    first_date = orders.first(has_date)
    first_amount = orders.first(has_amount)
    if level == "order":
        o_amount = _pick(amounts.values, first_amount, np.nan)
        row_date = _pick(dates.values, first_date, None)[g]
        row_amount = o_amount[g]
        amount_invalid = (orders.any(amounts.invalid) & (first_amount < 0))[g]
    else:
        line_amount = np.nan_to_num(amounts.values)
        o_total = orders.total(line_amount)
        o_amount = np.where(first_amount >= 0, o_total, np.nan)
        row_date = np.where(has_date, dates.values, _pick(dates.values, first_date, None)[g])
        row_amount = amounts.values
        amount_invalid = amounts.invalid
    date_invalid = (orders.any(dates.invalid) & (first_date < 0))[g]

    skips.add(_total_rows(raw, mapping, np.isnat(row_date)), "upload.skip.total_row", raw.names[0])

    # what the status, the platform's flags and refunds say of the money
    o_class = np.zeros(orders.count, dtype=np.int8)
    status_codes = status_values = o_status = None
    if "status" in mapping:
        status_codes, status_values = encode(mapping["status"])
        o_status = _pick(status_codes, orders.first(status_codes >= 0), -1)
        o_class = _classes(status_values, opts.get("statuses"))[o_status]
    for header, test, cls in platform.flags if platform is not None else ():
        name = column(platform, header, raw.names)
        if name is not None:
            codes, values = encode(name)
            hit = [test == "filled" or fold(v) == test for v in values.to_pylist()]
            flagged = orders.any(np.array([*hit, False])[codes])
            o_class = np.where(flagged & _is(o_class, *_PLAIN), _CODE[cls], o_class)
    o_refund = _refunds(raw, mapping, platform, orders, amounts, opts)
    if o_refund is not None:
        paid_back = _is(o_class, *_PLAIN, *_PAID_BACK) & (o_refund > 0)
        full = paid_back & (o_refund >= np.abs(o_amount) - 0.005)
        o_class = np.where(
            full, _CODE["refunded"], np.where(paid_back, _CODE[_PAID_BACK[1]], o_class)
        )
    else:
        o_refund = np.zeros(orders.count)
    # line amounts: a refund is a row of its own with a negative amount (Square, Vipps, logs)
    if level == "line":
        negative = np.flatnonzero(line_amount < 0)
        o_minus = -orders.total_of(negative, line_amount[negative])
        o_gross = o_total + o_minus
    else:
        o_minus, o_gross = np.zeros(orders.count), o_amount
    in_rows = (o_minus > 0) & _is(o_class, *_PLAIN)
    at = np.flatnonzero(in_rows)  # few orders: changed in place
    left = o_gross[at] - o_minus[at]
    o_class[at] = np.where(left <= 0.005, _CODE["refunded"], _CODE[_PAID_BACK[1]])
    o_refund[at] = o_minus[at]
    status_column = mapping.get("status") or mapping.get("refund_amount") or mapping["amount"]
    usable = ~skips.taken
    has_usable = None  # orders with a row not skipped yet
    not_counted = []
    for cls in (*STATUS_SKIPS, "refunded", "partially_refunded"):
        of_class = o_class == _CODE[cls]
        rows = of_class[g] & usable
        if not rows.any():
            continue
        if cls in STATUS_SKIPS:
            skips.add(rows, STATUS_SKIPS[cls], status_column)
        if has_usable is None:
            has_usable = orders.any(usable) if not usable.all() else np.ones(orders.count, bool)
        which = of_class & has_usable
        money = o_refund if cls == "partially_refunded" else o_gross
        words = ""
        if status_codes is not None:
            seen = np.unique(status_codes[rows & (status_codes >= 0)])
            words = ", ".join(str(status_values[int(c)]) for c in seen[:8])
        not_counted.append((cls, words, int(which.sum()), float(np.nansum(money[which]))))
    skips.add(cust < 0, "upload.skip.customer_missing", mapping["customer_id"])
    skips.add(np.isnat(row_date) & ~date_invalid, "upload.skip.date_missing", mapping["date"])
    skips.add(date_invalid, "upload.skip.date_not_understood", mapping["date"])
    no_amount = np.isnan(row_amount) & ~amount_invalid
    skips.add(no_amount, "upload.skip.amount_missing", mapping["amount"])
    skips.add(amount_invalid, "upload.skip.amount_not_understood", mapping["amount"])
    keep = ~skips.taken
    skipped = skips.frame()
    if not keep.any():
        if any(c[0] in STATUS_SKIPS for c in not_counted):
            words = ", ".join(c[1] for c in not_counted if c[1])
            raise DataError(
                "upload.no_kept_orders",
                column=status_column,
                orders=sum(c[2] for c in not_counted),
                statuses=words.split(", ")[:8],
            )
        raise _no_rows(mapping["amount"], skipped, Message("upload.holds.orders"))

    # the order's kept money: an order total shared out over its lines ...
    shared = level == "order" and orders.multi
    if shared:
        w = np.where(keep, _line_weights(raw, platform, orders.n, opts), 0.0)
        w_total = orders.total(w)[g]
        lines = orders.total(keep.astype(np.float64))[g]
        safe = np.where(w_total > 0, w_total, 1.0)
        row_amount = row_amount * np.where(w_total > 0, w / safe, 1 / np.maximum(lines, 1))
    # ... then what a status or a refund column says was paid back taken off its purchases
    # (a refund already in the rows stays as it is; without such orders, nothing changes)
    scaled = _is(o_class, *_PAID_BACK) & ~in_rows
    row_value = row_amount
    if scaled.any():
        value = np.nan_to_num(row_amount) * keep
        plus = orders.total(np.maximum(value, 0))
        minus = orders.total(np.minimum(value, 0))
        target = np.where(o_class == _CODE["refunded"], 0.0, plus + minus - o_refund)
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = np.clip((target - minus) / plus, 0.0, 1.0)
        scale = np.where(~scaled | (plus <= 0), 1.0, scale)
        row_value = np.where(row_amount > 0, row_amount * scale[g], row_amount)
    rows = np.flatnonzero(keep)
    together = shared or (
        orders.multi and _lines_apart(g[rows], row_value[rows] >= 0, orders.count)
    )
    if together:
        # an order's lines next to each other, orders in the order of their first row, an
        # order's rows by day (line amounts keep their own rows and days: a refund row on a
        # later day stays there). calc.history takes neighbouring lines as one order.
        first_row = orders.first(keep)[g[rows]]
        rows = rows[np.lexsort((rows, row_date[rows], first_row))]
    if len(rows) == n and (not together or np.array_equal(rows, np.arange(n))):
        rows = slice(None)  # every row, in file order: the columns are taken as they are
    columns = {
        "customer_id": categorical(cust[rows], cust_values),
        "date": row_date[rows],
        "amount": row_value[rows],
    }
    if order_ids is not None:
        taken = order_ids if isinstance(rows, slice) else order_ids.take(rows)
        columns["order_id"] = pd.array(taken, dtype="str")
    for field in (*_ORDER_TEXT, *_LINE_TEXT):
        if field in mapping:
            codes, values = encode(mapping[field])
            if field in _ORDER_TEXT and orders.multi:
                codes = _pick(codes, orders.first(codes >= 0), -1)[g]
            columns[field] = categorical(codes[rows], values)
    if "quantity" in mapping:
        columns["quantity"] = parse_amounts(_column(raw, mapping["quantity"])).values[rows]
    returned = _is(o_class, *_PAID_BACK)[g]
    if "returned" in mapping:
        codes, values = encode(mapping["returned"])
        truthy = np.array([fold(v) in _TRUE for v in values.to_pylist()] + [False], dtype=bool)
        returned = returned | orders.any(truthy[codes])[g]
    if "returned" in mapping or "status" in mapping or "refund_amount" in mapping:
        columns["returned"] = returned[rows]
    table = pd.DataFrame(columns, copy=False)

    currency, currency_source = amounts.currency, "cells" if amounts.currency else None
    if currency is None:
        currency = _currency_column(raw, mapping, keep)
        currency_source = "column" if currency else None
    warnings = []
    unknown = _unknown(status_values, o_class, o_status)
    if unknown:
        warnings.append(
            Message(
                "upload.note.unknown_statuses", column=mapping["status"], statuses=list(unknown)
            )
        )
    if orders.conflicts:
        warnings.append(Message("upload.note.order_customers", count=orders.conflicts))
    if guests:
        warnings.append(Message("upload.note.guests", rows=guests))
    info = {
        "decimal": amounts.decimal,
        "currency": currency,
        "currency_source": currency_source,
        "date_order": dates.order,
        "date_order_source": dates.source,
        "date_min": table["date"].min(),
        "date_max": table["date"].max(),
        "refund_rows": int((table["amount"] < 0).sum()),
        "rows_total": n,
        "orders_multi_row": orders.multi,
        "amount_level": level,
        "not_counted": _not_counted_frame(not_counted),
        "unknown_statuses": unknown,
        "warnings": tuple(warnings),
    }
    return Built(table, skipped, info)


def _not_counted_frame(rows) -> pd.DataFrame:
    if not rows:
        return _EMPTY_NOT_COUNTED.copy()
    cls, words, orders, amount = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "status_class": pd.array(cls, dtype="str"),
            "statuses": pd.array(words, dtype="str"),
            "orders": np.array(orders, dtype=np.int64),
            "amount": np.array(amount, dtype=np.float64),
        }
    )


def _unknown(values, o_class, o_status) -> tuple[str, ...]:
    """Status words the table does not know, which were counted as kept."""
    if o_status is None:
        return ()
    unknown = np.unique(o_status[(o_class == _CODE["unknown"]) & (o_status >= 0)])
    return tuple(str(values[int(c)]) for c in unknown[:20])
