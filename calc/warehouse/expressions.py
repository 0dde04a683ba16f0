"""The order-log summaries as Ibis expressions, written once for every engine.

Each function takes an Ibis table and returns an (unexecuted) Ibis
expression; nothing here connects to or reads from anything. Ibis compiles
the expression to the SQL of the engine that holds the table (DuckDB,
PostgreSQL, Spark SQL, BigQuery, Snowflake, ...), so the grouping runs where
the data is and only the grouped rows travel.

Conventions (the same as :mod:`calc.models.summary` and the order-log
tables): dates lose their time of day; a *day* is a whole number of days
since 1970-01-01; a *month* is a whole number of months since 1970-01; a
*purchase* is a row with an amount of 0 or more (refunds are negative).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from calc.history.segments import BLANK, CURVE_MONTHS, DAYS_PER_MONTH, VALUE_DAYS

#: Day 0 of the day numbers.
EPOCH = ibis.date(1970, 1, 1)
#: Months in each retention period.
PERIOD_MONTHS = {"M": 1, "Q": 3, "Y": 12}


def standard_orders(
    table: ir.Table, *, customer_id: str = "customer_id", date: str = "date", amount: str = "amount"
) -> ir.Table:
    """The order table as four standard columns: ``customer_id``, ``day``, ``month``, ``amount``.

    Parameters
    ----------
    table : ibis Table
        Any table with a customer, a date (date, timestamp or ISO text) and
        an amount column.
    customer_id, date, amount : str
        Names of those columns in ``table`` (the column mapping).

    Returns
    -------
    ibis Table
        ``customer_id`` as is, ``day`` (int64 days since 1970-01-01, time of
        day dropped), ``month`` (int64 months since 1970-01) and ``amount``
        (float64).

    Examples
    --------
    >>> t = ibis.table({"who": "string", "when": "timestamp", "paid": "float64"}, name="orders")
    >>> standard_orders(t, customer_id="who", date="when", amount="paid").columns
    ('customer_id', 'day', 'month', 'amount')
    """
    return table.select(**_columns(table, customer_id, date, amount))


def _columns(table: ir.Table, customer_id: str, date: str, amount: str) -> dict:
    day = table[date].cast("date")
    return {
        "customer_id": table[customer_id],
        "day": day.delta(EPOCH, unit="day").cast("int64"),
        "month": ((day.year() - 1970) * 12 + day.month() - 1).cast("int64"),
        "amount": table[amount].cast("float64"),
    }


def checks(orders: ir.Table, end_day: int | None = None) -> ir.Table:
    """One row: rows, missing customers/dates/amounts, first and last day, rows after ``end_day``.

    Examples
    --------
    >>> t = ibis.table({"customer_id": "string", "day": "int64", "month": "int64",
    ...     "amount": "float64"}, name="o")
    >>> checks(t, 100).columns[:3]
    ('rows', 'no_customer', 'no_day')
    """
    after = orders.day > (end_day if end_day is not None else orders.day)
    return orders.aggregate(
        rows=orders.count(),
        no_customer=orders.customer_id.isnull().ifelse(1, 0).sum(),
        no_day=orders.day.isnull().ifelse(1, 0).sum(),
        no_amount=orders.amount.isnull().ifelse(1, 0).sum(),
        first_day=orders.day.min(),
        last_day=orders.day.max(),
        after_end=after.fill_null(False).ifelse(1, 0).sum(),
    )


def customer_stats(orders: ir.Table) -> ir.Table:
    """Per customer: first and last purchase day, repeat purchase days, total and repeat spend.

    Parameters
    ----------
    orders : ibis Table
        From :func:`standard_orders`.

    Returns
    -------
    ibis Table
        One row per customer, sorted by ``customer_id``: ``first_day``,
        ``last_day`` (days since 1970), ``frequency`` (distinct purchase days
        after the first), ``total_value`` (all amounts) and ``first_value``
        (amounts of the first purchase day).

    Notes
    -----
    As :func:`calc.models.summary.summarize`: every row counts (refunds too),
    orders of one day are one purchase, the first purchase day's spend is
    left out of the repeat spend. Mean repeat spend is
    ``(total_value - first_value) / frequency`` (0 when ``frequency`` is 0),
    computed by the caller as the in-memory path does, so that every engine
    divides the same way. Two group-bys and an arg-min (``MIN_BY``,
    ``FIRST(... ORDER BY ...)``), no window: at 50M orders a window over the
    customer's days took DuckDB 4 times as long.
    """
    daily = orders.group_by(["customer_id", "day"]).aggregate(value=orders.amount.sum())
    return (
        daily.group_by("customer_id")
        .aggregate(
            first_day=daily.day.min(),
            last_day=daily.day.max(),
            frequency=daily.count() - 1,
            total_value=daily.value.sum(),
            first_value=daily.value.argmin(daily.day),  # days are distinct per customer here
        )
        .order_by("customer_id")
    )


def _active_pairs(orders: ir.Table, months: int) -> ir.Table:
    """Distinct (customer, period) pairs with a purchase; a period is ``months`` months."""
    bought = orders.filter(orders.amount >= 0)
    period = bought.month if months == 1 else (bought.month / months).floor().cast("int64")
    return bought.select(customer_id=bought.customer_id, period=period).distinct()


def retention_counts(orders: ir.Table, period: str = "M") -> ir.Table:
    """Per calendar period with purchases: active, new, retained and churned customers.

    Parameters
    ----------
    orders : ibis Table
        From :func:`standard_orders`.
    period : {"M", "Q", "Y"}
        Calendar month, quarter or year.

    Returns
    -------
    ibis Table
        ``period`` (months, quarters or years since 1970's first), ``active``,
        ``new`` (first purchase period of the customer), ``retained`` (also
        active the period before) and ``churned`` (not active the period
        after), sorted by period. Periods without purchases are absent.
    """
    pairs = _active_pairs(orders, PERIOD_MONTHS[period])
    by_customer = ibis.window(group_by=pairs.customer_id, order_by=pairs.period)
    pairs = pairs.mutate(
        first=pairs.period.min().over(ibis.window(group_by=pairs.customer_id)),
        before=pairs.period.lag().over(by_customer),
        after=pairs.period.lead().over(by_customer),
    )
    return (
        pairs.group_by("period")
        .aggregate(
            active=pairs.count(),
            new=(pairs.period == pairs.first).ifelse(1, 0).sum(),
            retained=(pairs.before == pairs.period - 1).fill_null(False).ifelse(1, 0).sum(),
            churned=(pairs.after != pairs.period + 1).fill_null(True).ifelse(1, 0).sum(),
        )
        .order_by("period")
    )


def cohort_counts(orders: ir.Table) -> ir.Table:
    """Per cohort (month of first purchase) and month since: buying customers and net revenue.

    Parameters
    ----------
    orders : ibis Table
        From :func:`standard_orders`.

    Returns
    -------
    ibis Table
        ``cohort`` (months since 1970-01), ``offset`` (months since the
        first purchase, refunds before it counted in month 0), ``customers``
        (buying that month) and ``revenue`` (all rows, refunds too), sorted.
        Cells without purchases and without revenue are absent.
    """
    pairs = _active_pairs(orders, 1)
    first = pairs.group_by("customer_id").aggregate(cohort=pairs.period.min())
    buyers = pairs.join(first, "customer_id")
    customers = buyers.group_by(
        [buyers.cohort, (buyers.period - buyers.cohort).name("offset")]
    ).aggregate(customers=buyers.count())
    rows = orders.join(first, "customer_id")
    gap = rows.month - rows.cohort
    revenue = rows.group_by([rows.cohort, ibis.greatest(gap, 0).name("offset")]).aggregate(
        revenue=rows.amount.sum()
    )
    cells = customers.outer_join(
        revenue,
        [customers.cohort == revenue.cohort, customers.offset == revenue.offset],
    )
    return cells.select(
        cohort=ibis.coalesce(cells.cohort, cells.cohort_right),
        offset=ibis.coalesce(cells.offset, cells.offset_right),
        customers=cells.customers.fill_null(0),
        revenue=cells.revenue.fill_null(0.0),
    ).order_by(["cohort", "offset"])


def segment_orders(
    table: ir.Table,
    *,
    segment: str,
    order_id: str | None = None,
    customer_id: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
) -> ir.Table:
    """The standard order columns plus ``segment`` (text) and ``order_id`` (text, or all null).

    Examples
    --------
    >>> t = ibis.table({"customer_id": "string", "date": "date", "amount": "float64",
    ...     "channel": "string"}, name="orders")
    >>> segment_orders(t, segment="channel").columns
    ('customer_id', 'day', 'month', 'amount', 'segment', 'order_id')
    """
    return table.select(
        **_columns(table, customer_id, date, amount),
        segment=table[segment].cast("string"),
        order_id=table[order_id].cast("string") if order_id else ibis.null("string"),
    )


def _daily(orders: ir.Table, order_ids: bool) -> ir.Table:
    """Per customer and day: purchases made, net and paid amounts, orders, smallest values."""
    bought = orders.amount >= 0
    rows = bought.ifelse(1, 0).sum()
    if order_ids:  # an order: one order id on one day (its lines share both); without one, a row
        no_id = bought & orders.order_id.isnull()
        rows = orders.order_id.nunique(where=bought) + no_id.ifelse(1, 0).sum()
    return orders.group_by(["customer_id", "day"]).aggregate(
        bought=bought.ifelse(1, 0).max(),
        net=orders.amount.sum(),
        gross=orders.amount.sum(where=bought),
        orders=rows,
        # the segment on the day's purchases (blank only when all are), or on any row
        paid_segment=orders.segment.min(where=bought).fill_null(BLANK),
        any_segment=orders.segment.min().fill_null(BLANK),
    )


def _purchase_days(daily: ir.Table) -> ir.Table:
    """Each customer's purchase days with the purchase day before (null for the first)."""
    days = daily.filter(daily.bought == 1)
    by_customer = ibis.window(group_by=days.customer_id, order_by=days.day)
    return days.mutate(prev=days.day.lag().over(by_customer))


def _customers(daily: ir.Table, days: ir.Table, a0: int, a1: int, b0: int) -> ir.Table:
    """Per customer: segment, first (purchase) day, second purchase day, orders, spend, churn."""
    by_days = days.group_by("customer_id").aggregate(
        pfirst=days.day.min(),
        second=days.day.min(where=days.prev.notnull()),
        buyer=((days.day >= a0) & (days.day <= a1)).ifelse(1, 0).max(),
        later=(days.day >= b0).ifelse(1, 0).max(),
        gross=days.gross.sum(),
        orders=days.orders.sum(),
        paid_segment=days.paid_segment.argmin(days.day),  # days are distinct per customer
    )
    by_all = daily.group_by("customer_id").aggregate(
        afirst=daily.day.min(),
        net=daily.net.sum(),
        any_segment=daily.any_segment.argmin(daily.day),
    )
    cust = by_all.left_join(by_days, "customer_id")
    return cust.select(
        "customer_id",
        "pfirst",
        "second",
        "net",
        first_day=ibis.coalesce(cust.pfirst, cust.afirst),
        gross=cust.gross.fill_null(0.0),
        orders=cust.orders.fill_null(0),
        buyer=cust.buyer.fill_null(0),
        lost=(cust.buyer.fill_null(0) * (1 - cust.later.fill_null(0))),
        segment=cust.pfirst.isnull().ifelse(cust.any_segment, cust.paid_segment),
    )


def _customer_facts(daily: ir.Table, cust: ir.Table) -> ir.Table:
    """:func:`_customers` and the net amount within 365 and 730 days of the first order."""
    rows = daily.join(cust.select("customer_id", "first_day"), "customer_id")
    since = rows.day - rows.first_day
    values = rows.group_by("customer_id").aggregate(
        **{
            f"value_{name}": rows.net.sum(where=since < limit).fill_null(0.0)
            for name, limit in VALUE_DAYS.items()
        },
    )
    return cust.join(values, "customer_id")


def segment_counts(
    orders: ir.Table,
    *,
    last_day: int,
    a0: int,
    a1: int,
    b0: int,
    measured: bool,
    order_ids: bool = False,
) -> tuple[ir.Table, ir.Table]:
    """Per segment of the first order: customers, repeat customers, churn, orders, value, curves.

    Parameters
    ----------
    orders : ibis Table
        From :func:`segment_orders`.
    last_day : int
        The table's last day (days since 1970-01-01, every row).
    a0, a1, b0 : int
        The yearly churn's windows: first ``a0..a1``, second ``b0..last_day``
        (as :func:`calc.history.yearly_churn` sets them).
    measured : bool
        Whether the first window is long enough for a churn; if not, no
        customer is a churn buyer.
    order_ids : bool
        Whether ``orders.order_id`` holds order numbers (else every purchase
        row is an order, counted without a distinct count).

    Returns
    -------
    (ibis Table, ibis Table)
        Per ``segment`` ("(blank)" for a blank value): ``customers``,
        ``repeat_customers`` (2 orders or more), ``churn_buyers``,
        ``churn_lost``, ``orders``, ``gross`` (purchases), ``revenue`` (all
        rows), ``customers_first_year`` / ``value_first_year`` (customers
        observed 364 days or more after their first order, and the sum of
        their net amounts within 365 days of it; likewise ``two_years`` with
        729 / 730 days) and, for N = 1 to 24 months, ``observed_N`` and
        ``again_N`` (observed N months or more; bought again within N
        months). Second: per ``segment`` and ``gap`` (days between
        consecutive purchase days of one customer) the number ``n`` of gaps,
        from which the caller takes each segment's median.

    Notes
    -----
    As :mod:`calc.history.segments`: a customer's segment is the value on
    their first order (first purchase day; refund-only customers: first
    day); a purchase is an amount of 0 or more; an order is one order id on
    one day, or a row without order ids. A table keeps no row order, so
    where the first purchase day has rows with different values the
    smallest value is taken (the in-memory path takes the row listed first),
    and a blank only when every row of that day is blank. N months are
    N * 365.25 / 12 days.
    """
    daily = _daily(orders, order_ids)
    days = _purchase_days(daily)
    customers = _customers(daily, days, a0, a1, b0)
    facts = _customer_facts(daily, customers)
    observed = last_day - facts.first_day
    gap = facts.second - facts.pfirst  # null without a second purchase day

    def count(condition):
        return condition.ifelse(1, 0).sum()

    sums = {
        "customers": facts.count(),
        "repeat_customers": count(facts.orders >= 2),
        "churn_buyers": facts.buyer.sum() if measured else ibis.literal(0),
        "churn_lost": facts.lost.sum() if measured else ibis.literal(0),
        "orders": facts.orders.sum(),
        "gross": facts.gross.sum(),
        "revenue": facts.net.sum(),
    }
    for name, window in VALUE_DAYS.items():
        seen = observed >= window - 1
        sums[f"customers_{name}"] = count(seen)
        sums[f"value_{name}"] = facts[f"value_{name}"].sum(where=seen).fill_null(0.0)
    for months in range(1, CURVE_MONTHS + 1):
        limit = months * DAYS_PER_MONTH
        seen = observed >= limit
        sums[f"observed_{months}"] = count(seen)
        sums[f"again_{months}"] = count(seen & (gap <= limit).fill_null(False))
    table = facts.group_by("segment").aggregate(**sums)

    gaps = days.filter(days.prev.notnull())
    gaps = gaps.select("customer_id", gap=gaps.day - gaps.prev).join(
        customers.select("customer_id", "segment"), "customer_id"
    )
    histogram = gaps.group_by(["segment", "gap"]).aggregate(n=gaps.count())
    return table, histogram
