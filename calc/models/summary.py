"""Per-customer summaries of an order log, the input of the repeat-buying models.

Definitions (the standard ones of Fader, Hardie and Lee 2005 and the
``lifetimes`` library), per customer, for an order log observed up to and
including ``observation_end``:

- Orders on the same calendar day count as one purchase (their amounts add up).
- ``frequency``: repeat purchases, that is purchase days after the first one.
- ``recency``: time from the first purchase day to the last purchase day; 0
  for customers without a repeat purchase.
- ``age`` (``T``): time from the first purchase day to ``observation_end``.
- ``mean_value``: mean amount of the repeat purchases, the first purchase day
  excluded (it often differs: welcome offers, starter kits); 0 for customers
  without a repeat purchase.

Times are whole days converted to the chosen unit: ``"D"`` days, ``"W"``
weeks (7 days) or ``"M"`` months (365.25 / 12 = 30.4375 days, an average
month). :func:`convert_time` is the one place where units are converted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from calc.errors import DataError, InputError
from calc.messages import Message

#: Length of each time unit in days.
DAYS_PER_UNIT = {"D": 1.0, "W": 7.0, "M": 365.25 / 12, "Y": 365.25}
#: Plain names of the units, for messages and labels.
UNIT_NAMES = {"D": "days", "W": "weeks", "M": "months", "Y": "years"}
#: Units a customer summary (and so a model) can be expressed in.
SUMMARY_UNITS = ("D", "W", "M")
#: The units as a message offers them: '"D" (days)'.
_UNIT_CHOICES = {
    "D": Message("models.units.days"),
    "W": Message("models.units.weeks"),
    "M": Message("models.units.months"),
    "Y": Message("models.units.years"),
}


def convert_time(value, from_unit: str, to_unit: str):
    """Convert a duration between days, weeks, months and years.

    Parameters
    ----------
    value : float or array
        Duration in ``from_unit``.
    from_unit, to_unit : {"D", "W", "M", "Y"}
        Days, weeks (7 days), months (30.4375 days) and years (365.25 days).

    Returns
    -------
    float or ndarray
        Duration in ``to_unit``.

    Examples
    --------
    >>> round(convert_time(90, "D", "W"), 3), convert_time(1, "Y", "M")
    (12.857, 12.0)
    """
    factor = (
        DAYS_PER_UNIT[_unit(from_unit, "from_unit", DAYS_PER_UNIT)]
        / DAYS_PER_UNIT[_unit(to_unit, "to_unit", DAYS_PER_UNIT)]
    )
    result = np.asarray(value, dtype=float) * factor
    return float(result) if result.ndim == 0 else result


@dataclass(frozen=True)
class CustomerSummary:
    """Frequency, recency, age and value of every customer of an order log.

    Attributes
    ----------
    customer_id : ndarray or pandas string array
        Customer identifiers, in order of their first row in the log. Text ids
        of a categorical column (an upload's) stay Arrow text: no Python
        string per customer (23 MB for 400k customers, and a heap that
        fragments as they come and go).
    frequency : ndarray of int
        Repeat purchases (purchase days after the first).
    recency : ndarray of float
        First to last purchase day, in ``unit``.
    age : ndarray of float
        First purchase day to ``observation_end``, in ``unit``.
    mean_value : ndarray of float
        Mean amount per repeat purchase day; 0 without repeat purchases.
    total_value : ndarray of float
        Amount of all the customer's orders, first day included.
    first_purchase : ndarray of datetime64[D]
        Day of the first purchase.
    unit : str
        ``"D"``, ``"W"`` or ``"M"``.
    observation_end : numpy.datetime64
        Last day of observation (included).
    """

    customer_id: np.ndarray | pd.api.extensions.ExtensionArray
    frequency: np.ndarray
    recency: np.ndarray
    age: np.ndarray
    mean_value: np.ndarray
    total_value: np.ndarray
    first_purchase: np.ndarray
    unit: str
    observation_end: np.datetime64

    @property
    def n_customers(self) -> int:
        """Number of customers.

        Examples
        --------
        >>> summarize(["a", "b", "a"], ["2024-01-01"] * 3, [1.0, 2.0, 3.0], unit="D").n_customers
        2
        """
        return int(self.frequency.size)

    def to_frame(self) -> pd.DataFrame:
        """One row per customer, indexed by ``customer_id``.

        Examples
        --------
        >>> s = summarize(["a", "a"], ["2024-01-01", "2024-01-15"], [10.0, 20.0], unit="W")
        >>> s.to_frame().loc["a", ["recency", "age", "mean_value"]].tolist()
        [2.0, 2.0, 20.0]
        """
        return pd.DataFrame(
            {
                "frequency": self.frequency,
                "recency": self.recency,
                "age": self.age,
                "mean_value": self.mean_value,
                "total_value": self.total_value,
                "first_purchase": self.first_purchase,
            },
            index=pd.Index(self.customer_id, name="customer_id"),
        )


def summarize(customer_id, date, amount, *, unit: str, observation_end=None) -> CustomerSummary:
    """Summarise an order log into one row per customer.

    Parameters
    ----------
    customer_id : array-like
        Customer of every order (any hashable values; text or numbers).
    date : array-like of dates
        Order dates (datetime64, ``datetime``/``Timestamp`` objects, or ISO
        text such as ``"2024-03-31"``). Times of day are ignored; time zones
        are dropped, keeping the local date.
    amount : array-like of float
        Order amounts, in one currency.
    unit : {"D", "W", "M"}
        Time unit of recency and age: days, weeks or months (30.4375 days).
    observation_end : date, optional
        Last day of observation, included; defaults to the last order date.

    Returns
    -------
    CustomerSummary
        Per-customer frequency, recency, age and mean repeat value (see the
        module description for the exact definitions).

    Raises
    ------
    DataError
        Inputs of different lengths, an empty log, missing customers, dates
        that cannot be read, amounts that are not numbers, or orders dated
        after ``observation_end``.
    InputError
        Unknown ``unit`` or unreadable ``observation_end``.

    Notes
    -----
    Customer ids are turned into integer codes once; orders are grouped by
    sorting one 64-bit key (customer code and day) and finding where it
    changes, so a million-row log takes a fraction of a second.

    Examples
    --------
    Customer ``a`` buys on 1 January (10), twice on 8 January (5 + 15) and on
    29 January (30); observation ends 31 January:

    >>> s = summarize(
    ...     ["a", "a", "a", "a", "b"],
    ...     ["2024-01-01", "2024-01-08", "2024-01-08", "2024-01-29", "2024-01-15"],
    ...     [10.0, 5.0, 15.0, 30.0, 8.0],
    ...     unit="W",
    ...     observation_end="2024-01-31",
    ... )
    >>> s.frequency.tolist(), s.recency.tolist(), s.age.round(3).tolist(), s.mean_value.tolist()
    ([2, 0], [4.0, 0.0], [4.286, 2.286], [25.0, 0.0])
    """
    unit = _unit(unit, "unit", SUMMARY_UNITS)
    codes, uniques, days, values = _prepare(customer_id, date, amount)
    end = _end_day(observation_end, days)
    _reject_after(days, end)
    return _summarize_codes(codes, uniques, days, values, end, unit)


@dataclass(frozen=True)
class CalibrationHoldout:
    """An order log split in time, to check a model on purchases it did not see.

    Attributes
    ----------
    calibration : CustomerSummary
        Summary of the orders up to and including ``calibration_end``, for the
        customers who had bought by then.
    holdout_purchases : ndarray of int
        Purchase days of each of those customers after ``calibration_end`` up
        to and including ``observation_end`` (same-day orders count once).
    holdout_value : ndarray of float
        Amount of those customers' holdout orders.
    holdout_length : float
        Length of the holdout period, in ``calibration.unit``.
    new_customers_in_holdout : int
        Customers whose first order falls in the holdout period; the models
        say nothing about them, so they are not in the check.
    calibration_end : numpy.datetime64
        Last day of the calibration period.
    tracking : DataFrame
        Repeat purchases of the calibration customers over the whole log, one
        row per period of one unit (a week for daily data): ``period_end``
        (last day of the period), ``repeat_purchases`` (purchase days after
        each customer's first, same-day orders once) and ``holdout`` (True
        for periods after ``calibration_end``; one period ends exactly on
        it). For a tracking chart
        against the model, see :func:`calc.models.clv.holdout_check`.
    """

    calibration: CustomerSummary
    holdout_purchases: np.ndarray
    holdout_value: np.ndarray
    holdout_length: float
    new_customers_in_holdout: int
    calibration_end: np.datetime64
    tracking: pd.DataFrame

    @property
    def total_holdout_purchases(self) -> int:
        """Purchases that happened in the holdout period, all customers together.

        Examples
        --------
        >>> calibration_holdout(
        ...     ["a", "a", "b", "b"], ["2024-01-01", "2024-02-02", "2024-01-03", "2024-02-09"],
        ...     [1.0, 1.0, 1.0, 1.0], calibration_end="2024-01-31", unit="W",
        ... ).total_holdout_purchases
        2
        """
        return int(np.sum(self.holdout_purchases))


def calibration_holdout(
    customer_id, date, amount, *, calibration_end, unit: str, observation_end=None
) -> CalibrationHoldout:
    """Split an order log into a calibration part and a holdout part.

    Fit a model on ``result.calibration``, forecast the next
    ``result.holdout_length`` time units, and compare with
    ``result.holdout_purchases``: "the model expected 1,020 orders in the
    last 13 weeks; 980 happened".

    Parameters
    ----------
    customer_id, date, amount : array-like
        The order log, as for :func:`summarize`.
    calibration_end : date
        Last day of the calibration period (included).
    unit : {"D", "W", "M"}
        Time unit of the summaries and the holdout length.
    observation_end : date, optional
        Last day of the holdout period (included); defaults to the last order.

    Returns
    -------
    CalibrationHoldout

    Raises
    ------
    InputError
        ``calibration_end`` not before ``observation_end``, or before the first order.
    DataError
        As for :func:`summarize`.

    Examples
    --------
    >>> split = calibration_holdout(
    ...     ["a", "a", "b", "a", "c"],
    ...     ["2024-01-01", "2024-01-10", "2024-01-03", "2024-02-05", "2024-02-10"],
    ...     [10.0, 20.0, 5.0, 7.0, 9.0],
    ...     calibration_end="2024-01-31",
    ...     observation_end="2024-02-29",
    ...     unit="W",
    ... )
    >>> split.calibration.frequency.tolist(), split.holdout_purchases.tolist()
    ([1, 0], [1, 0])
    >>> round(split.holdout_length, 3), split.new_customers_in_holdout
    (4.143, 1)
    """
    unit = _unit(unit, "unit", SUMMARY_UNITS)
    codes, uniques, days, values = _prepare(customer_id, date, amount)
    end = _end_day(observation_end, days)
    _reject_after(days, end)
    cal_end = _day(calibration_end, "calibration_end")
    if cal_end >= end:
        raise InputError("calibration_end", "models.summary.calibration_not_before_end")
    if cal_end < days.min():
        raise InputError("calibration_end", "models.summary.calibration_before_first_order")
    in_cal = days <= cal_end
    n_all = uniques.size
    present = np.bincount(codes[in_cal], minlength=n_all) > 0
    remap = np.cumsum(present) - 1
    calibration = _summarize_codes(
        remap[codes[in_cal]], uniques[present], days[in_cal], values[in_cal], cal_end, unit
    )
    hold = ~in_cal
    known = hold & present[codes]
    hold_codes = remap[codes[known]]
    n_cal = int(present.sum())
    purchases = _distinct_days_per_customer(hold_codes, days[known], n_cal)
    hold_value = np.bincount(hold_codes, weights=values[known], minlength=n_cal)
    ours = present[codes]
    first_day = calibration.first_purchase.astype(np.int64)
    return CalibrationHoldout(
        calibration=calibration,
        holdout_purchases=purchases,
        holdout_value=hold_value,
        holdout_length=float((end - cal_end) / DAYS_PER_UNIT[unit]),
        new_customers_in_holdout=int(
            np.count_nonzero(np.bincount(codes[hold & ~present[codes]], minlength=n_all))
        ),
        calibration_end=np.datetime64(int(cal_end), "D"),
        tracking=_tracking(remap[codes[ours]], days[ours], first_day, end, cal_end, unit),
    )


def tracking_period_ends(origin: int, end: int, unit: str, anchor: int) -> np.ndarray:
    """Last day (days since 1970) of each tracking period from ``origin`` to ``end``.

    Periods are one unit long (7 days for daily data, which would make a
    chart too busy) and one of them ends exactly on ``anchor`` (the end of
    calibration), so the calibration and holdout periods never share one;
    the first period starts at ``origin`` and the last stops at ``end``.

    Examples
    --------
    >>> tracking_period_ends(0, 20, "W", anchor=13).tolist()
    [6, 13, 20]
    >>> tracking_period_ends(0, 20, "D", anchor=10).tolist()
    [3, 10, 17, 20]
    """
    step = 7.0 if unit == "D" else DAYS_PER_UNIT[unit]
    back = anchor - np.floor(np.arange(0, (anchor - origin) / step + 2) * step + 1e-9)
    ahead = anchor + np.floor(np.arange(1, (end - anchor) / step + 2) * step + 1e-9)
    ends = np.concatenate([back[::-1], ahead]).astype(np.int64)
    first = np.searchsorted(ends, origin, side="left")
    last = np.searchsorted(ends, end, side="left")
    ends = ends[first : last + 1]
    ends[-1] = end
    return ends


def _tracking(codes, days, first_day, end, cal_end, unit) -> pd.DataFrame:
    """Repeat purchase days per tracking period, all calibration customers together."""
    rel = days - days.min()
    span = int(rel.max()) + 1
    pair = np.sort(codes.astype(np.int64) * span + rel)
    keep = np.empty(pair.size, dtype=bool)
    keep[:1] = True
    np.not_equal(pair[1:], pair[:-1], out=keep[1:])
    pair = pair[keep]
    customer = _divide(pair, span)
    day = pair - customer * span + days.min()
    repeat_day = day[day > first_day[customer]]
    period_end = tracking_period_ends(int(first_day.min()), int(end), unit, int(cal_end))
    counts = np.bincount(
        np.searchsorted(period_end, repeat_day, side="left"), minlength=period_end.size
    )
    return pd.DataFrame(
        {
            "period_end": period_end.astype("datetime64[D]"),
            "repeat_purchases": counts,
            "holdout": period_end > cal_end,
        }
    )


def _summarize_codes(codes, uniques, days, values, end, unit) -> CustomerSummary:
    n = len(uniques)
    start = int(days.min())
    rel = days - start
    span = int(rel.max()) + 1
    pair = np.sort(codes.astype(np.int64) * span + rel)
    first_of_pair = np.empty(pair.size, dtype=bool)
    first_of_pair[:1] = True
    np.not_equal(pair[1:], pair[:-1], out=first_of_pair[1:])
    pair = pair[first_of_pair]
    pair_customer = _divide(pair, span)
    pair_day = pair - pair_customer * span
    first_of_customer = np.empty(pair.size, dtype=bool)
    first_of_customer[:1] = True
    np.not_equal(pair_customer[1:], pair_customer[:-1], out=first_of_customer[1:])
    starts = np.flatnonzero(first_of_customer)
    ends = np.append(starts[1:], pair.size) - 1
    first_day = pair_day[starts]
    last_day = pair_day[ends]
    frequency = (ends - starts).astype(np.int64)
    per_unit = DAYS_PER_UNIT[unit]
    total = np.bincount(codes, weights=values, minlength=n)
    on_first_day = rel == first_day[codes]
    first_value = np.bincount(codes[on_first_day], weights=values[on_first_day], minlength=n)
    mean_value = np.where(frequency > 0, (total - first_value) / np.maximum(frequency, 1), 0.0)
    return CustomerSummary(
        customer_id=uniques,
        frequency=frequency,
        recency=(last_day - first_day) / per_unit,
        age=(end - start - first_day) / per_unit,
        mean_value=mean_value,
        total_value=total,
        first_purchase=(first_day + start).astype("datetime64[D]"),
        unit=unit,
        observation_end=np.datetime64(int(end), "D"),
    )


def _distinct_days_per_customer(codes, days, n) -> np.ndarray:
    if codes.size == 0:
        return np.zeros(n, dtype=np.int64)
    rel = days - days.min()
    span = int(rel.max()) + 1
    pair = np.sort(codes.astype(np.int64) * span + rel)
    keep = np.empty(pair.size, dtype=bool)
    keep[:1] = True
    np.not_equal(pair[1:], pair[:-1], out=keep[1:])
    return np.bincount(_divide(pair[keep], span), minlength=n).astype(np.int64)


def _divide(keys: np.ndarray, span: int) -> np.ndarray:
    """``keys // span`` for sorted keys of 0 or more, by a float multiply (division is slow).

    Exact while keys stay below 2**52: adding one half keeps every quotient
    clear of a whole number by far more than the rounding error.
    """
    if keys.size and keys[-1] >= 2**52:  # keys are sorted: the last is the largest
        return keys // span
    return ((keys + 0.5) * (1.0 / span)).astype(np.int64)


def _prepare(customer_id, date, amount):
    ids = customer_id if isinstance(customer_id, pd.Series | pd.Index) else np.asarray(customer_id)
    dates = date if isinstance(date, pd.Series | pd.Index) else pd.Series(np.asarray(date))
    values = _amounts(amount)
    if not (len(ids) == len(dates) == values.size):
        raise DataError(
            "models.summary.lengths_differ",
            customers=len(ids),
            dates=len(dates),
            amounts=values.size,
        )
    if values.size == 0:
        raise DataError("models.summary.empty")
    codes, uniques = pd.factorize(ids, sort=False)
    missing = np.flatnonzero(codes < 0)
    if missing.size:
        raise DataError(
            "models.summary.no_customer",
            column="customer_id",
            rows=(missing[:20] + 1).tolist(),
        )
    return codes, _ids(uniques), _days(dates), values


def _ids(uniques) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """The distinct ids as an array: a categorical's text categories stay Arrow text."""
    if (
        isinstance(uniques, pd.Categorical | pd.CategoricalIndex)
        and uniques.categories.dtype == "str"
    ):
        return uniques.categories.take(uniques.codes).array
    return np.asarray(uniques)


def _amounts(amount) -> np.ndarray:
    try:
        values = np.asarray(amount, dtype=float)
    except (TypeError, ValueError):
        raise DataError("models.summary.amount_not_number", column="amount") from None
    if values.ndim != 1:
        raise DataError("models.summary.amounts_shape", column="amount")
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise DataError(
            "models.summary.amount_missing",
            column="amount",
            rows=(bad[:20] + 1).tolist(),
            example=repr(float(values[bad[0]])),
        )
    return values


def _days(dates) -> np.ndarray:
    """Dates as whole days since 1970-01-01 (int64)."""
    series = pd.Series(dates) if isinstance(dates, pd.Index) else dates
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_localize(None)
    elif not pd.api.types.is_datetime64_dtype(series.dtype):
        series = pd.to_datetime(series, errors="coerce", format="ISO8601")
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            series = series.dt.tz_localize(None)
    bad = np.flatnonzero(series.isna().to_numpy())
    if bad.size:
        original = dates.iloc[bad[0]] if isinstance(dates, pd.Series) else dates[bad[0]]
        raise DataError(
            "models.summary.date_unreadable",
            column="date",
            rows=(bad[:20] + 1).tolist(),
            example=str(original),
        )
    return series.to_numpy().astype("datetime64[D]").astype(np.int64)


def _day(value, field: str) -> int:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise InputError(field, "models.summary.not_a_date") from None
    if pd.isna(stamp):
        raise InputError(field, "models.summary.not_a_date")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return int(stamp.to_datetime64().astype("datetime64[D]").astype(np.int64))


def _end_day(observation_end, days) -> int:
    if observation_end is None:
        return int(days.max())
    return _day(observation_end, "observation_end")


def _reject_after(days, end) -> None:
    after = np.flatnonzero(days > end)
    if after.size:
        raise DataError(
            "models.summary.after_end",
            count=int(after.size),
            end=str(np.datetime64(int(end), "D")),
            column="date",
            rows=(after[:20] + 1).tolist(),
            example=str(np.datetime64(int(days[after[0]]), "D")),
        )


def unit_choices(allowed) -> list[Message]:
    """The units ``allowed`` as a message lists them: ``"D" (days), "W" (weeks)``."""
    return [_UNIT_CHOICES[unit] for unit in allowed]


def _unit(unit, field: str, allowed) -> str:
    if unit not in allowed:
        raise InputError(field, "models.unit_unknown", choices=unit_choices(allowed))
    return unit
