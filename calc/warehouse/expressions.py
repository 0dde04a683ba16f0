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
    day = table[date].cast("date")
    return table.select(
        customer_id=table[customer_id],
        day=day.delta(EPOCH, unit="day").cast("int64"),
        month=((day.year() - 1970) * 12 + day.month() - 1).cast("int64"),
        amount=table[amount].cast("float64"),
    )


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
