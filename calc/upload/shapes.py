"""Detect the kind of table (orders, customers, subscriptions) and build its canonical form.

Every builder takes the raw columns and a mapping (canonical name -> column in
the file), cleans the mapped columns with vectorised parsers, and returns the
canonical table, the rows it skipped with the reason, and what it detected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from calc.errors import DataError
from calc.messages import Message
from calc.upload import statuses
from calc.upload.amounts import parse_amounts
from calc.upload.codes import as_text, categorical, encode_ids, encode_text
from calc.upload.columns import SYNONYMS, _score, fold
from calc.upload.dates import parse_dates
from calc.upload.sniff import RawTable

SHAPES = ("orders", "customers", "subscriptions")

REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "orders": (("customer_id",), ("date",), ("amount",)),
    "customers": (("customer_id",), ("orders", "frequency"), ("revenue", "monetary_value")),
    "subscriptions": (("customer_id",), ("start",), ("mrr",)),
}
FIELD_WORDS = {
    "customer_id": Message("upload.field.customer_id"),
    "date": Message("upload.field.date"),
    "amount": Message("upload.field.amount"),
    "orders": Message("upload.field.orders"),
    "frequency": Message("upload.field.frequency"),
    "revenue": Message("upload.field.revenue"),
    "monetary_value": Message("upload.field.monetary_value"),
    "start": Message("upload.field.start"),
    "mrr": Message("upload.field.mrr"),
}

#: Why a row was skipped: the message code in the ``reason`` column of the
#: skipped rows, and its text (``SKIP_REASONS[code].text(language)``).
SKIP_REASONS: dict[str, Message] = {
    message.code: message
    for message in (
        Message("upload.skip.total_row"),
        Message("upload.skip.column_count"),
        Message("upload.skip.customer_missing"),
        Message("upload.skip.date_missing"),
        Message("upload.skip.date_not_understood"),
        Message("upload.skip.amount_missing"),
        Message("upload.skip.amount_not_understood"),
        Message("upload.skip.orders_not_number"),
        Message("upload.skip.revenue_not_number"),
        Message("upload.skip.frequency_not_number"),
        Message("upload.skip.recency_not_number"),
        Message("upload.skip.t_not_number"),
        Message("upload.skip.monetary_value_not_number"),
        Message("upload.skip.first_purchase_not_date"),
        Message("upload.skip.last_purchase_not_date"),
        Message("upload.skip.revenue_missing"),
        Message("upload.skip.monetary_value_missing"),
        Message("upload.skip.start_missing"),
        Message("upload.skip.start_not_understood"),
        Message("upload.skip.end_not_understood"),
        Message("upload.skip.ends_before_start"),
        Message("upload.skip.monthly_amount_missing"),
        Message("upload.skip.monthly_amount_not_understood"),
        Message("upload.skip.status_failed"),
        Message("upload.skip.status_cancelled"),
        Message("upload.skip.status_pending"),
        Message("upload.skip.status_draft"),
        Message("upload.skip.status_not_sale"),
        Message("upload.skip.status_excluded"),
        Message("upload.skip.subscription_trial"),
        Message("upload.skip.subscription_unpaid"),
        Message("upload.skip.ended_without_date"),
        Message("upload.skip.interval_not_understood"),
    )
}
_NOT_NUMBER = {
    "orders": "upload.skip.orders_not_number",
    "revenue": "upload.skip.revenue_not_number",
    "frequency": "upload.skip.frequency_not_number",
    "recency": "upload.skip.recency_not_number",
    "T": "upload.skip.t_not_number",
    "monetary_value": "upload.skip.monetary_value_not_number",
}
_NOT_DATE = {
    "first_purchase": "upload.skip.first_purchase_not_date",
    "last_purchase": "upload.skip.last_purchase_not_date",
}
_MISSING = {
    "revenue": "upload.skip.revenue_missing",
    "monetary_value": "upload.skip.monetary_value_missing",
}

_TOTAL = (
    r"(?i)^\s*(grand total|sub ?total|totals?|totalt|total sum|sum|summa|suma|razem|ogółem|"
    r"ogolem|łącznie|lacznie|yhteensä|yhteensa|gjithsej|totali|i alt|samlet|sum total)"
    r"(\s|:|$)"
)
_TRUE = {
    "1", "true", "yes", "y", "x", "ja", "j", "tak", "t", "kylla", "k", "po", "returned",
    "refunded", "return", "refund", "retur", "returnert", "returneret", "zwrot", "zwrocone",
    "palautettu", "palautus", "kthyer", "rikthyer",
}  # fmt: skip
_MONTHS = {
    # English, Norwegian/Danish, Polish, Finnish, Albanian month names and abbreviations
    1: ("jan", "january", "januar", "sty", "styczen", "stycznia", "tammi", "tammikuu", "janar"),
    2: ("feb", "february", "februar", "lut", "luty", "lutego", "helmi", "helmikuu", "shk",
        "shkurt"),
    3: ("mar", "march", "mars", "marts", "marzec", "marca", "maalis", "maaliskuu"),
    4: ("apr", "april", "kwi", "kwiecien", "kwietnia", "huhti", "huhtikuu", "pri", "prill"),
    5: ("may", "mai", "maj", "maja", "touko", "toukokuu"),
    6: ("jun", "june", "juni", "cze", "czerwiec", "czerwca", "kesa", "kesakuu", "qer", "qershor"),
    7: ("jul", "july", "juli", "lip", "lipiec", "lipca", "heina", "heinakuu", "korr", "korrik"),
    8: ("aug", "august", "sie", "sierpien", "sierpnia", "elo", "elokuu", "gush", "gusht"),
    9: ("sep", "sept", "september", "wrz", "wrzesien", "wrzesnia", "syys", "syyskuu", "sht",
        "shtator"),
    10: ("oct", "october", "okt", "oktober", "paz", "pazdziernik", "pazdziernika", "loka",
         "lokakuu", "tet", "tetor"),
    11: ("nov", "november", "lis", "listopad", "listopada", "marras", "marraskuu", "nen",
         "nentor"),
    12: ("dec", "december", "des", "desember", "gru", "grudzien", "grudnia", "joulu",
         "joulukuu", "dhj", "dhjetor"),
}  # fmt: skip
_MONTH_WORD = {word: m for m, words in _MONTHS.items() for word in words}


@dataclass(frozen=True)
class Built:
    """A canonical table with what was skipped and detected on the way."""

    table: pd.DataFrame
    skipped: pd.DataFrame
    info: dict


def month_of(header: str) -> pd.Timestamp | None:
    """Read a column header as a calendar month, for wide subscription tables.

    >>> [str(month_of(h).date()) for h in ("2026-01", "01.2026", "Jan 2026", "mars 2026")]
    ['2026-01-01', '2026-01-01', '2026-01-01', '2026-03-01']
    >>> month_of("amount") is None
    True
    """
    text = fold(header)
    m = re.fullmatch(r"(\d{4}) (\d{1,2})(?: 0?1)?", text) or re.fullmatch(
        r"(\d{1,2}) (\d{4})", text
    )
    if m:
        a, b = (int(x) for x in m.groups())
        year, month = (a, b) if a > 1000 else (b, a)
        return pd.Timestamp(year, month, 1) if 1 <= month <= 12 and 1990 < year < 2200 else None
    m = re.fullmatch(r"([a-z]+) (\d{4})", text) or re.fullmatch(r"(\d{4}) ([a-z]+)", text)
    if m:
        word, year = (m.group(1), m.group(2)) if m.group(1).isalpha() else (m.group(2), m.group(1))
        month = _MONTH_WORD.get(word)
        return pd.Timestamp(int(year), month, 1) if month else None
    return None


def required_score(names: tuple[str, ...], shape: str) -> float:
    """How well the column names alone fit ``shape``'s required fields (0-9)."""
    folded = [fold(n) for n in names]
    total = 0.0
    for group in REQUIRED[shape]:
        total += max((_score(f, SYNONYMS[field]) for field in group for f in folded), default=0)
    return total


def missing_fields(mapping: dict[str, str], shape: str) -> list[str]:
    """Required fields of ``shape`` that ``mapping`` does not cover."""
    return [group[0] for group in REQUIRED[shape] if not any(f in mapping for f in group)]


class _Skips:
    """Collects skipped rows reason by reason; a row is reported once, for its first problem.

    A reason is a code of :data:`SKIP_REASONS`.
    """

    def __init__(self, raw: RawTable) -> None:
        self.raw = raw
        self.taken = np.zeros(len(raw.rows), dtype=bool)
        self.parts: list[pd.DataFrame] = []

    def add(self, mask: np.ndarray, reason: str, column: str | None = None) -> None:
        mask = mask & ~self.taken
        if not mask.any():
            return
        self.taken |= mask
        if column is not None:
            cells = pc.filter(self.raw.columns[self.raw.names.index(column)], pa.array(mask))
            values = as_text(cells).to_numpy(zero_copy_only=False)
        else:
            values = np.full(int(mask.sum()), "", dtype=object)
        self.parts.append(
            pd.DataFrame(
                {
                    "row": self.raw.rows[mask],
                    "reason": reason,
                    "column": column or "",
                    "value": pd.array(values, dtype="str"),
                }
            )
        )

    def frame(self) -> pd.DataFrame:
        extra = [
            pd.DataFrame({"row": [r], "reason": [why], "column": [""], "value": [txt]})
            for r, why, txt in self.raw.problems
        ]
        parts = self.parts + extra
        if not parts:
            return pd.DataFrame(
                {
                    "row": pd.Series([], dtype="int64"),
                    "reason": pd.Series([], dtype="str"),
                    "column": pd.Series([], dtype="str"),
                    "value": pd.Series([], dtype="str"),
                }
            )
        out = pd.concat(parts, ignore_index=True)
        out["row"] = out["row"].astype("int64")
        return out.sort_values("row", kind="stable", ignore_index=True)


def _column(raw: RawTable, name: str) -> pa.Array:
    return raw.columns[raw.names.index(name)]


def _total_rows(raw: RawTable, mapping: dict[str, str], candidates: np.ndarray) -> np.ndarray:
    """Rows whose first or customer cell says "Total", "Sum", "Razem", "Yhteensä", ...

    Only ``candidates`` (rows without a usable date) are looked at.
    """
    mask = np.zeros(len(raw.rows), dtype=bool)
    if not candidates.any():
        return mask
    where = pa.array(candidates)
    names = {raw.names[0], mapping.get("customer_id", raw.names[0])}
    for name in names:
        text = pc.filter(as_text(_column(raw, name)), where)
        hit = pc.match_substring_regex(text, _TOTAL)
        mask[np.flatnonzero(candidates)[_bool(hit)]] = True
    return mask


def _bool(arr) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _excel(opts: dict) -> bool:
    return opts.get("format") in ("xlsx", "xls", "ods")


def _no_rows(column: str, skipped: pd.DataFrame, what: Message) -> DataError:
    """No row is left: the first skipped row's reason and value, and what the column should hold."""
    if len(skipped) == 0:
        return DataError("upload.header_only_unnamed")
    first = skipped.iloc[0]
    col = first["column"] or column
    return DataError(
        "upload.no_usable_row",
        column=col,
        rows=skipped["row"].head(20).tolist(),
        example=str(first["value"]),
        row=int(first["row"]),
        reason=SKIP_REASONS[first["reason"]],
        holds=what,
    )


def _optional_text(raw, mapping, keep, field):
    """An optional text column (a name, a plan, a channel) as a categorical of the rows kept."""
    codes, values = encode_text(_column(raw, mapping[field]))
    return categorical(codes[keep], values)


def build_customers(raw: RawTable, mapping: dict[str, str], opts: dict) -> Built:
    """Canonical customers: one row per customer with orders, revenue and/or the RFM summary."""
    n = len(raw.rows)
    skips = _Skips(raw)
    skips.add(_total_rows(raw, mapping, np.ones(n, bool)), "upload.skip.total_row", raw.names[0])
    cust, cust_values = encode_ids(_column(raw, mapping["customer_id"]))
    skips.add(cust < 0, "upload.skip.customer_missing", mapping["customer_id"])
    numbers, dates, decimal, currency = {}, {}, None, None
    for field in ("orders", "revenue", "frequency", "recency", "T", "monetary_value"):
        if field in mapping:
            got = parse_amounts(
                _column(raw, mapping[field]),
                decimal=opts.get("decimal"),
                hint=opts.get("hint", "."),
                excel=_excel(opts),
            )
            skips.add(got.invalid, _NOT_NUMBER[field], mapping[field])
            numbers[field] = got.values
            if field in ("revenue", "monetary_value"):
                decimal, currency = got.decimal, currency or got.currency
    for field in ("first_purchase", "last_purchase"):
        if field in mapping:
            got = parse_dates(
                _column(raw, mapping[field]),
                order=opts.get("date_order"),
                column=mapping[field],
                serials=opts.get("format") in ("xlsx", "xls", "ods"),
            )
            skips.add(got.invalid, _NOT_DATE[field], mapping[field])
            dates[field] = got
    money = "revenue" if "revenue" in numbers else "monetary_value"
    skips.add(np.isnan(numbers[money]), _MISSING[money], mapping[money])
    keep = ~skips.taken
    skipped = skips.frame()
    if not keep.any():
        raise _no_rows(mapping[money], skipped, Message("upload.holds.customers"))
    table = pd.DataFrame({"customer_id": categorical(cust[keep], cust_values)})
    if "customer_name" in mapping:
        table["customer_name"] = _optional_text(raw, mapping, keep, "customer_name")
    for field, got in dates.items():
        table[field] = got.values[keep]
    for field, values in numbers.items():
        table[field] = values[keep]
    for field in ("category", "channel", "country"):
        if field in mapping:
            table[field] = _optional_text(raw, mapping, keep, field)
    info = {"decimal": decimal, "currency": currency, "rows_total": n}
    if dates:
        first = next(iter(dates.values()))
        info.update(date_order=first.order, date_order_source=first.source)
        stamps = np.concatenate([table[f].to_numpy() for f in dates])
        info.update(
            date_min=pd.Timestamp(np.nanmin(stamps)), date_max=pd.Timestamp(np.nanmax(stamps))
        )
    duplicates = int(table["customer_id"].duplicated().sum())
    if duplicates:
        info["warnings"] = (Message("upload.note.repeated_customers", count=duplicates),)
    return Built(table, skipped, info)


def build_subscriptions(raw: RawTable, mapping: dict[str, str], opts: dict) -> Built:
    """Canonical subscriptions: customer_id, start, end (NaT = active), mrr, plan; with an
    interval column also term_months (months per billing term: 12 for a yearly plan)."""
    n = len(raw.rows)
    skips = _Skips(raw)
    skips.add(_total_rows(raw, mapping, np.ones(n, bool)), "upload.skip.total_row", raw.names[0])
    cust, cust_values = encode_ids(_column(raw, mapping["customer_id"]))
    skips.add(cust < 0, "upload.skip.customer_missing", mapping["customer_id"])
    excel = opts.get("format") in ("xlsx", "xls", "ods")
    start = parse_dates(
        _column(raw, mapping["start"]), order=opts.get("date_order"), column=mapping["start"],
        serials=excel,
    )  # fmt: skip
    no_start = np.isnat(start.values) & ~start.invalid
    skips.add(no_start, "upload.skip.start_missing", mapping["start"])
    skips.add(start.invalid, "upload.skip.start_not_understood", mapping["start"])
    end_values = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    if "end" in mapping:
        end = parse_dates(
            _column(raw, mapping["end"]), order=opts.get("date_order") or start.order,
            column=mapping["end"], serials=excel,
        )  # fmt: skip
        skips.add(end.invalid, "upload.skip.end_not_understood", mapping["end"])
        end_values = end.values
        with np.errstate(invalid="ignore"):
            skips.add(end_values < start.values, "upload.skip.ends_before_start", mapping["end"])
    mrr = parse_amounts(
        _column(raw, mapping["mrr"]),
        decimal=opts.get("decimal"),
        hint=opts.get("hint", "."),
        excel=_excel(opts),
    )
    no_mrr = np.isnan(mrr.values) & ~mrr.invalid
    skips.add(no_mrr, "upload.skip.monthly_amount_missing", mapping["mrr"])
    skips.add(mrr.invalid, "upload.skip.monthly_amount_not_understood", mapping["mrr"])
    monthly, term = _per_month(raw, mapping, mrr.values, skips)
    apart = []
    if "status" in mapping:
        codes, values = encode_text(_column(raw, mapping["status"]))
        classes = np.array(
            [statuses.classify_subscription(v) for v in values.to_pylist()] + ["active"]
        )[codes]
        for cls, reason in _APART.items():
            rows = (classes == cls) & ~skips.taken
            if rows.any():
                apart.append((cls, int(rows.sum()), float(np.nansum(monthly[rows]))))
                skips.add(rows, reason, mapping["status"])
        no_end = (classes == "ended") & np.isnat(end_values)
        skips.add(no_end, "upload.skip.ended_without_date", mapping.get("end", mapping["status"]))
    keep = ~skips.taken
    skipped = skips.frame()
    if not keep.any():
        raise _no_rows(mapping["mrr"], skipped, Message("upload.holds.subscriptions"))
    table = pd.DataFrame(
        {
            "customer_id": categorical(cust[keep], cust_values),
            "start": start.values[keep],
            "end": end_values[keep],
            "mrr": monthly[keep],
        }
    )
    if term is not None:  # the billing term, for the early cancellation rate (calc.history)
        table["term_months"] = term[keep]
    for field in ("plan", "customer_name", "channel", "country", "reason"):
        if field in mapping:
            table[field] = _optional_text(raw, mapping, keep, field)
    stamps = np.concatenate([table["start"].to_numpy(), table["end"].dropna().to_numpy()])
    info = {
        "decimal": mrr.decimal,
        "currency": mrr.currency or _currency_column(raw, mapping, keep),
        "currency_source": "cells" if mrr.currency else "column",
        "date_order": start.order,
        "date_order_source": start.source,
        "date_min": pd.Timestamp(stamps.min()),
        "date_max": pd.Timestamp(stamps.max()),
        "rows_total": n,
        "layout": "long",
        "not_counted": pd.DataFrame(
            {
                "status_class": pd.array([a[0] for a in apart], dtype="str"),
                "statuses": pd.array([""] * len(apart), dtype="str"),
                "orders": np.array([a[1] for a in apart], dtype=np.int64),
                "amount": np.array([a[2] for a in apart], dtype=np.float64),
            }
        ),
    }
    return Built(table, skipped, info)


# Subscriptions kept apart from MRR, by status class, and the reason their rows give.
_APART = {
    "trial": "upload.skip.subscription_trial",
    "unpaid": "upload.skip.subscription_unpaid",
}


def _currency_column(raw: RawTable, mapping: dict[str, str], keep: np.ndarray) -> str | None:
    """The most common code of a currency column among the rows used, upper-cased."""
    if "currency" not in mapping:
        return None
    codes, values = encode_text(_column(raw, mapping["currency"]))
    counts = np.bincount(codes[keep & (codes >= 0)], minlength=len(values))
    return str(values[int(counts.argmax())]).upper() if counts.any() else None


def _per_month(
    raw: RawTable, mapping: dict[str, str], price: np.ndarray, skips
) -> tuple[np.ndarray, np.ndarray | None]:
    """A subscription's monthly amount: price x quantity / months per billing interval.

    Returns the monthly amounts and the months of each row's billing term (None
    without an interval column: the amount is then taken as monthly already).
    """
    monthly = price.copy()
    if "quantity" in mapping:
        quantity = parse_amounts(_column(raw, mapping["quantity"])).values
        monthly *= np.where(np.isnan(quantity), 1.0, quantity)
    if "interval" in mapping:
        codes, values = encode_text(_column(raw, mapping["interval"]))
        months = np.array([statuses.interval_months(v) for v in values.to_pylist()] + [1.0])
        per = months[codes]
        if "interval_count" in mapping:
            count = parse_amounts(_column(raw, mapping["interval_count"])).values
            per = per * np.where(np.isnan(count) | (count <= 0), 1.0, count)
        skips.add(np.isnan(per), "upload.skip.interval_not_understood", mapping["interval"])
        return monthly / per, per
    return monthly, None


def wide_months(names: tuple[str, ...]) -> dict[str, pd.Timestamp]:
    """Columns whose header is a month (``2026-01``, ``Jan 2026``): a wide revenue table."""
    found = {name: month_of(name) for name in names}
    return {k: v for k, v in found.items() if v is not None}


def build_wide(raw: RawTable, mapping: dict[str, str], opts: dict) -> Built:
    """Revenue per customer per month (one column a month) to a long table.

    Returns columns customer_id, month (first day), mrr; empty cells are left
    out, so a customer has no row in a month without revenue.
    """
    months = wide_months(raw.names)
    n = len(raw.rows)
    skips = _Skips(raw)
    skips.add(_total_rows(raw, mapping, np.ones(n, bool)), "upload.skip.total_row", raw.names[0])
    cust, cust_values = encode_ids(_column(raw, mapping["customer_id"]))
    skips.add(cust < 0, "upload.skip.customer_missing", mapping["customer_id"])
    parsed = {}
    decimal, currency = None, None
    for name in months:
        got = parse_amounts(
            _column(raw, name),
            decimal=opts.get("decimal"),
            hint=opts.get("hint", "."),
            excel=_excel(opts),
        )
        skips.add(got.invalid, "upload.skip.monthly_amount_not_understood", name)
        parsed[name] = got.values
        decimal, currency = decimal or got.decimal, currency or got.currency
    keep = ~skips.taken
    skipped = skips.frame()
    if not keep.any():
        raise _no_rows(next(iter(months)), skipped, Message("upload.holds.monthly_amounts"))
    ids = categorical(cust[keep], cust_values)
    frames = []
    for name, month in sorted(months.items(), key=lambda kv: kv[1]):
        values = parsed[name][keep]
        has = ~np.isnan(values)
        frames.append(pd.DataFrame({"customer_id": ids[has], "month": month, "mrr": values[has]}))
    table = pd.concat(frames, ignore_index=True)
    table["month"] = table["month"].astype("datetime64[ns]")
    info = {
        "decimal": decimal,
        "currency": currency,
        "date_min": min(months.values()),
        "date_max": max(months.values()),
        "rows_total": n,
        "layout": "wide",
    }
    return Built(table, skipped, info)
