"""Run the summary expressions on the engine that holds the orders, and shape what comes back.

The results have the types and columns of the in-memory path:
:func:`summarize` returns a :class:`~calc.models.summary.CustomerSummary`,
:func:`retention` and :func:`cohorts` the tables of the order-log analysis
(one row per period; one row per cohort and month since first purchase),
:func:`segments` the per-segment table and retention curves of
:func:`calc.history.segments.segment`.
Customers come back sorted by ``customer_id`` (an engine keeps no row
order), where the in-memory summary lists them in order of first appearance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from calc.errors import DataError, InputError
from calc.history.churn import MIN_FIRST_WINDOW_DAYS, YEAR_DAYS
from calc.history.segments import BLANK, CURVE_MONTHS, VALUE_DAYS, divide, segment_table
from calc.models.summary import DAYS_PER_UNIT, SUMMARY_UNITS, CustomerSummary, _unit
from calc.warehouse import expressions as ex
from calc.warehouse.errors import engine_errors

#: The standard column names, and the types each may have in the source table.
COLUMN_TYPES = {
    "customer_id": ("string", "integer"),
    "date": ("date", "timestamp", "string"),
    "amount": ("integer", "floating", "decimal"),
}


def standard(table, columns: dict[str, str] | None = None):
    """Check the mapped columns of ``table`` and return the standard order expression.

    Parameters
    ----------
    table : ibis Table
        The order table, on any engine.
    columns : dict, optional
        Standard name (``customer_id``, ``date``, ``amount``) -> column name
        in ``table``; a missing entry means the column has the standard name.

    Raises
    ------
    DataError
        ``warehouse.column_missing`` when a mapped column is not in the table,
        ``warehouse.column_type`` when its type cannot hold the values.

    Examples
    --------
    >>> import ibis
    >>> t = ibis.table({"customer_id": "int64", "date": "date", "amount": "int64"}, name="o")
    >>> standard(t).columns
    ('customer_id', 'day', 'month', 'amount')
    >>> standard(t, {"amount": "paid"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    calc.errors.DataError: The table has no column "paid" (for the amount). Its columns are: ...
    """
    mapping = {name: (columns or {}).get(name) or name for name in COLUMN_TYPES}
    schema = table.schema()
    for name, column in mapping.items():
        if column not in schema:
            raise DataError(
                "warehouse.column_missing",
                column=column,
                role=name,
                found=", ".join(schema.names),
            )
        dtype = schema[column]
        if not any(getattr(dtype, f"is_{kind}")() for kind in COLUMN_TYPES[name]):
            raise DataError(
                "warehouse.column_type",
                column=column,
                role=name,
                found=str(dtype),
                expected=", ".join(COLUMN_TYPES[name]),
            )
    return ex.standard_orders(table, **mapping)


def _fetch(expr, engine: str) -> pd.DataFrame:
    with engine_errors(engine, "the orders"):
        return expr.to_pyarrow().to_pandas()


def _engine(table) -> str:
    try:
        return table._find_backend(use_default=True).name
    except Exception:
        return "database"


def _checked(orders, engine: str, end_day: int | None) -> pd.Series:
    found = _fetch(ex.checks(orders, end_day), engine).iloc[0]
    if int(found["rows"]) == 0:
        raise DataError("warehouse.empty")
    if int(found["no_customer"]):
        raise DataError("warehouse.no_customer", count=int(found["no_customer"]))
    if int(found["no_day"]):
        raise DataError("warehouse.no_date", count=int(found["no_day"]))
    if int(found["no_amount"]):
        raise DataError("warehouse.no_amount", count=int(found["no_amount"]))
    if end_day is not None and int(found["after_end"]):
        raise DataError(
            "warehouse.after_end",
            count=int(found["after_end"]),
            end=str(np.datetime64(end_day, "D")),
        )
    return found


def _end_day(observation_end) -> int | None:
    if observation_end is None:
        return None
    try:
        stamp = pd.Timestamp(observation_end)
    except (TypeError, ValueError):
        raise InputError("observation_end", "models.summary.not_a_date") from None
    if pd.isna(stamp):
        raise InputError("observation_end", "models.summary.not_a_date")
    return int(stamp.tz_localize(None).to_datetime64().astype("datetime64[D]").astype(np.int64))


def summarize(
    table, *, unit: str, observation_end=None, columns: dict[str, str] | None = None
) -> CustomerSummary:
    """Per-customer frequency, recency, age and mean repeat spend, computed by the engine.

    Parameters
    ----------
    table : ibis Table
        The order table, on any engine Ibis speaks (see :mod:`calc.warehouse.sources`).
    unit : {"D", "W", "M"}
        Time unit of recency and age (days, weeks, months of 30.4375 days).
    observation_end : date, optional
        Last day of observation (included); defaults to the last order day.
    columns : dict, optional
        Column mapping, as for :func:`standard`.

    Returns
    -------
    CustomerSummary
        The same numbers as :func:`calc.models.summary.summarize` on the same
        rows, customers sorted by ``customer_id``.

    Raises
    ------
    DataError
        Missing or mistyped columns, an empty table, rows without a customer,
        date or amount, orders after ``observation_end``, or an engine that
        failed (``warehouse.*`` codes; never with credentials).
    InputError
        Unknown ``unit`` or unreadable ``observation_end``.

    Notes
    -----
    recency = (last day - first day) / days per unit;
    age = (observation end - first day) / days per unit;
    mean repeat spend = repeat spend / frequency, 0 when frequency is 0.

    Examples
    --------
    The example of :func:`calc.models.summary.summarize`, run by DuckDB:

    >>> from calc.warehouse.sources import from_frame
    >>> t = from_frame(pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "a", "b"],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-08", "2024-01-29",
    ...                             "2024-01-15"]),
    ...     "amount": [10.0, 5.0, 15.0, 30.0, 8.0]}))
    >>> s = summarize(t, unit="W", observation_end="2024-01-31")
    >>> s.frequency.tolist(), s.recency.tolist(), s.age.round(3).tolist(), s.mean_value.tolist()
    ([2, 0], [4.0, 0.0], [4.286, 2.286], [25.0, 0.0])
    """
    unit = _unit(unit, "unit", SUMMARY_UNITS)
    end_day = _end_day(observation_end)
    orders = standard(table, columns)
    engine = _engine(table)
    found = _checked(orders, engine, end_day)
    end = int(found["last_day"]) if end_day is None else end_day
    stats = _fetch(ex.customer_stats(orders), engine)
    frequency = stats["frequency"].to_numpy(dtype=np.int64)
    first = stats["first_day"].to_numpy(dtype=np.int64)
    per_unit = DAYS_PER_UNIT[unit]
    total = stats["total_value"].to_numpy(dtype=float)
    repeat = total - stats["first_value"].to_numpy(dtype=float)
    return CustomerSummary(
        customer_id=stats["customer_id"].to_numpy(),
        frequency=frequency,
        recency=(stats["last_day"].to_numpy(dtype=np.int64) - first) / per_unit,
        age=(end - first) / per_unit,
        mean_value=np.where(frequency > 0, repeat / np.maximum(frequency, 1), 0.0),
        total_value=total,
        first_purchase=first.astype("datetime64[D]"),
        unit=unit,
        observation_end=np.datetime64(end, "D"),
    )


def _period_start(index: np.ndarray, period: str) -> np.ndarray:
    months = np.asarray(index, dtype=np.int64) * ex.PERIOD_MONTHS[period]
    return months.astype("datetime64[M]").astype("datetime64[ns]")


def _period_label(starts: np.ndarray, period: str) -> list[str]:
    ts = pd.DatetimeIndex(starts)
    if period == "M":
        return [f"{y}-{m:02d}" for y, m in zip(ts.year, ts.month, strict=True)]
    if period == "Q":
        return [f"{y}-Q{(m - 1) // 3 + 1}" for y, m in zip(ts.year, ts.month, strict=True)]
    return [str(y) for y in ts.year]


def retention(table, period: str = "M", columns: dict[str, str] | None = None) -> pd.DataFrame:
    """Customer churn and retention per calendar month, quarter or year, computed by the engine.

    Parameters
    ----------
    table : ibis Table
        The order table.
    period : {"M", "Q", "Y"}
        Calendar month, quarter or year.
    columns : dict, optional
        Column mapping, as for :func:`standard`.

    Returns
    -------
    pandas.DataFrame
        The columns of the order-log retention table: ``period``, ``label``,
        ``active``, ``new``, ``retained``, ``reactivated``, ``churned`` (NaN in
        the last period), ``churn_rate`` and ``retention_rate``; periods
        without purchases between the first and the last have 0 active and
        NaN rates.

    Notes
    -----
    churn_rate(p) = churned(p) / active(p); retention_rate = 1 - churn_rate.

    Examples
    --------
    >>> from calc.warehouse.sources import from_frame
    >>> t = from_frame(pd.DataFrame({"customer_id": ["a", "b", "a", "c"],
    ...     "date": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-02-10", "2026-02-01"]),
    ...     "amount": [100.0, 80.0, 50.0, 20.0]}))
    >>> retention(t)[["label", "active", "new", "retained", "churned", "churn_rate"]]
         label  active  new  retained  churned  churn_rate
    0  2026-01       2    2         0      1.0         0.5
    1  2026-02       2    1         1      NaN         NaN
    """
    if period not in ex.PERIOD_MONTHS:
        raise DataError("warehouse.unknown_period", value=repr(period))
    orders = standard(table, columns)
    engine = _engine(table)
    _checked(orders, engine, None)
    counts = _fetch(ex.retention_counts(orders, period), engine)
    if counts.empty:
        raise DataError("warehouse.no_purchases")
    p0, p1 = int(counts["period"].min()), int(counts["period"].max())
    dense = (
        counts.set_index("period")
        .reindex(np.arange(p0, p1 + 1), fill_value=0)
        .astype({key: np.int64 for key in ("active", "new", "retained", "churned")})
    )
    active = dense["active"].to_numpy()
    churned = dense["churned"].to_numpy().astype(float)
    churned[-1] = np.nan  # the next period is not observed yet
    with np.errstate(invalid="ignore", divide="ignore"):
        churn_rate = np.where(active > 0, churned / np.maximum(active, 1), np.nan)
    starts = _period_start(np.arange(p0, p1 + 1), period)
    return pd.DataFrame(
        {
            "period": starts,
            "label": _period_label(starts, period),
            "active": active,
            "new": dense["new"].to_numpy(),
            "retained": dense["retained"].to_numpy(),
            "reactivated": active - dense["new"].to_numpy() - dense["retained"].to_numpy(),
            "churned": churned,
            "churn_rate": churn_rate,
            "retention_rate": 1 - churn_rate,
        }
    )


def cohorts(table, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """Cohort table by month of first purchase, computed by the engine.

    Returns
    -------
    pandas.DataFrame
        The columns of the order-log cohort table: ``cohort``, ``label``,
        ``months_since_first``, ``cohort_size``, ``customers``,
        ``customers_pct``, ``revenue`` and ``revenue_pct`` (revenue / the
        cohort's month-0 revenue; NaN when that is 0). Every month from the
        cohort's first to the last month with a purchase is listed.

    Examples
    --------
    >>> from calc.warehouse.sources import from_frame
    >>> t = from_frame(pd.DataFrame({"customer_id": ["a", "b", "a", "c"],
    ...     "date": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-02-10", "2026-02-01"]),
    ...     "amount": [100.0, 80.0, 50.0, 20.0]}))
    >>> cohorts(t)[["label", "months_since_first", "customers", "customers_pct", "revenue"]]
         label  months_since_first  customers  customers_pct  revenue
    0  2026-01                   0          2            1.0    180.0
    1  2026-01                   1          1            0.5     50.0
    2  2026-02                   0          1            1.0     20.0
    """
    orders = standard(table, columns)
    engine = _engine(table)
    _checked(orders, engine, None)
    cells = _fetch(ex.cohort_counts(orders), engine)
    buying = cells[cells["customers"] > 0]
    if buying.empty:
        raise DataError("warehouse.no_purchases")
    m0 = int(buying["cohort"].min())
    m1 = int((buying["cohort"] + buying["offset"]).max())
    n = m1 - m0 + 1
    inside = (cells["offset"] < n) & (cells["cohort"] >= m0) & (cells["cohort"] <= m1)
    cells = cells[inside]
    flat = (cells["cohort"].to_numpy(dtype=np.int64) - m0) * n + cells["offset"].to_numpy(
        dtype=np.int64
    )
    counts = np.bincount(flat, weights=cells["customers"].to_numpy(dtype=float), minlength=n * n)
    revenue = np.bincount(flat, weights=cells["revenue"].to_numpy(dtype=float), minlength=n * n)
    counts = counts.reshape(n, n).astype(np.int64)
    revenue = revenue.reshape(n, n)
    ci, oi = np.nonzero(np.tri(n, dtype=bool)[::-1])  # cohort c has offsets 0..n-1-c
    size = counts[:, 0]
    keep = size[ci] > 0
    ci, oi = ci[keep], oi[keep]
    starts = _period_start(ci + m0, "M")
    rev0 = revenue[ci, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        revenue_pct = np.where(rev0 != 0, revenue[ci, oi] / np.where(rev0 != 0, rev0, 1), np.nan)
    return pd.DataFrame(
        {
            "cohort": starts,
            "label": _period_label(starts, "M"),
            "months_since_first": oi,
            "cohort_size": size[ci],
            "customers": counts[ci, oi],
            "customers_pct": counts[ci, oi] / size[ci],
            "revenue": revenue[ci, oi],
            "revenue_pct": revenue_pct,
        }
    )


@dataclass(frozen=True)
class SegmentCounts:
    """Customers grouped by the value of a column on their first order, counted by the engine.

    Attributes
    ----------
    column : str
        The column read.
    table : pandas.DataFrame
        One row per segment, the columns of
        :func:`calc.history.segments.segment`'s table: ``segment``,
        ``customers``, ``customers_share``, ``repeat_customers``,
        ``repeat_rate``, ``churn_buyers``, ``churn_lost``, ``churn_rate``,
        ``orders``, ``aov``, ``median_days_between``, ``revenue``,
        ``value_first_year``, ``customers_first_year``, ``value_two_years``,
        ``customers_two_years``. Largest segment first, ties by name.
    curves : pandas.DataFrame
        ``segment``, ``months`` (1-24), ``observed``, ``again``, ``share``.
    churn_windows : tuple of pandas.Timestamp or None
        The yearly churn's windows (first start, first end, second start,
        second end); ``None`` when the table is too short for a churn.
    """

    column: str
    table: pd.DataFrame
    curves: pd.DataFrame
    churn_windows: tuple[pd.Timestamp, ...] | None


def _churn_windows(first: int, last: int) -> tuple[int, int, int, bool]:
    """The yearly churn's windows, as :func:`calc.history.yearly_churn` sets them."""
    b0 = last - YEAR_DAYS + 1
    a1 = b0 - 1
    a0 = max(a1 - YEAR_DAYS + 1, first)
    return a0, a1, b0, a1 - a0 + 1 >= MIN_FIRST_WINDOW_DAYS


def _medians(histogram: pd.DataFrame, segments: pd.Index) -> np.ndarray:
    """Median gap per segment from ``(segment, gap, n)`` rows (NaN without gaps)."""
    out = pd.Series(np.nan, index=segments)
    for name, part in histogram.sort_values("gap").groupby("segment", sort=False):
        gap = part["gap"].to_numpy(dtype=float)
        upto = np.cumsum(part["n"].to_numpy(dtype=np.int64))
        total = int(upto[-1])
        low = gap[np.searchsorted(upto, (total - 1) // 2, side="right")]
        high = gap[np.searchsorted(upto, total // 2, side="right")]
        out[name] = (low + high) / 2
    return out.to_numpy()


def segments(
    table,
    column: str,
    *,
    order_id: str | None = None,
    columns: dict[str, str] | None = None,
) -> SegmentCounts:
    """Customers grouped by ``column`` on their first order, every figure counted by the engine.

    Parameters
    ----------
    table : ibis Table
        The order table.
    column : str
        The column to group by (category, channel, country, any text).
    order_id : str, optional
        The column of order numbers, when lines of one order are rows of their own
        (an order is one order number on one day); without it every row is an order.
    columns : dict, optional
        Column mapping, as for :func:`standard`.

    Returns
    -------
    SegmentCounts
        The numbers of :func:`calc.history.segments.segment` on the same rows.

    Raises
    ------
    DataError
        ``segments.no_column`` for a missing ``column``, ``warehouse.column_missing``
        for a missing ``order_id``, and the checks of :func:`summarize`.

    Notes
    -----
    repeat_rate = repeat customers / customers; churn_rate = lost / buyers
    (NaN when the table covers less than about 18 months); aov = purchases /
    orders; value per customer = net amount within 365 (730) days of the
    first order / customers observed that long. Rates of a segment without
    customers in their denominator are NaN. Where a customer's first
    purchase day holds rows of different values, the smallest is taken (a
    table keeps no row order; the in-memory path takes the row listed first).

    Examples
    --------
    The example of :func:`calc.history.segments.segment`, counted by DuckDB:

    >>> from calc.warehouse.sources import from_frame
    >>> t = from_frame(pd.DataFrame({"customer_id": ["a", "b", "a", "c"],
    ...     "date": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-11", "2026-01-03"]),
    ...     "amount": [30.0, 10.0, 20.0, 60.0], "channel": ["web", "web", "shop", "shop"]}))
    >>> segments(t, "channel").table[["segment", "customers", "repeat_rate", "aov",
    ...     "median_days_between"]]
      segment  customers  repeat_rate   aov  median_days_between
    0     web          2          0.5  20.0                 10.0
    1    shop          1          0.0  60.0                  NaN
    """
    schema = table.schema()
    if column not in schema:
        raise DataError("segments.no_column", name=str(column))
    if order_id is not None and order_id not in schema:
        raise DataError(
            "warehouse.column_missing", column=order_id, role="order_id", found=", ".join(schema)
        )
    standard(table, columns)  # the mapped columns checked
    mapping = {name: (columns or {}).get(name) or name for name in COLUMN_TYPES}
    orders = ex.segment_orders(table, segment=column, order_id=order_id, **mapping)
    engine = _engine(table)
    found = _checked(orders, engine, None)
    first, last = int(found["first_day"]), int(found["last_day"])
    a0, a1, b0, measured = _churn_windows(first, last)
    counts, histogram = ex.segment_counts(
        orders, last_day=last, a0=a0, a1=a1, b0=b0, measured=measured, order_ids=bool(order_id)
    )
    counts = _fetch(counts, engine)
    histogram = _fetch(histogram, engine)
    counts["segment"] = counts["segment"].fillna(BLANK)
    histogram["segment"] = histogram["segment"].fillna(BLANK)
    counts = counts.sort_values(["customers", "segment"], ascending=[False, True], kind="stable")
    counts = counts.reset_index(drop=True)

    def ints(name: str) -> np.ndarray:
        return counts[name].to_numpy(dtype=np.int64)

    out = segment_table(
        counts["segment"].astype(str).to_numpy(dtype=object),
        customers=ints("customers"),
        repeat=ints("repeat_customers"),
        buyers=ints("churn_buyers"),
        lost=ints("churn_lost"),
        churn_measured=measured,
        orders=ints("orders"),
        gross=counts["gross"].to_numpy(dtype=float),
        median_days=_medians(histogram, pd.Index(counts["segment"])),
        revenue=counts["revenue"].to_numpy(dtype=float),
        values={
            name: (counts[f"value_{name}"].to_numpy(dtype=float), ints(f"customers_{name}"))
            for name in VALUE_DAYS
        },
    )
    curves = []
    for months in range(1, CURVE_MONTHS + 1):
        seen = counts[f"observed_{months}"].to_numpy(dtype=np.int64)
        again = counts[f"again_{months}"].to_numpy(dtype=np.int64)
        curves.append(
            pd.DataFrame(
                {
                    "segment": out["segment"],
                    "months": months,
                    "observed": seen,
                    "again": again,
                    "share": divide(again, seen),
                }
            )
        )
    windows = None
    if measured:
        windows = tuple(pd.Timestamp(np.datetime64(d, "D")) for d in (a0, a1, b0, last))
    return SegmentCounts(
        column=column,
        table=out,
        curves=pd.concat(curves, ignore_index=True),
        churn_windows=windows,
    )
