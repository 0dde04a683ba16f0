"""Per-customer summaries of an order log, checked against a hand-worked log."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calc.errors import DataError, InputError
from calc.models import summary

# A hand-worked log, rows deliberately out of date order. 2024 is a leap year.
#   ann: 1 Jan (20 + 5, same day), 15 Jan (30), 12 Feb (40 + 10, same day)
#   bob: 1 Feb (15)
#   cy:  31 Mar (12.50)
#   dee: 10 Jan (8), 20 Mar (16 + 4, same day)
LOG = pd.DataFrame(
    [
        ("ann", "2024-02-12", 40.0),
        ("bob", "2024-02-01", 15.0),
        ("ann", "2024-01-01", 20.0),
        ("dee", "2024-03-20", 16.0),
        ("ann", "2024-01-15", 30.0),
        ("cy", "2024-03-31", 12.5),
        ("ann", "2024-01-01", 5.0),
        ("dee", "2024-01-10", 8.0),
        ("ann", "2024-02-12", 10.0),
        ("dee", "2024-03-20", 4.0),
    ],
    columns=["customer", "date", "amount"],
)


def summarize(unit="D", **kwargs):
    kwargs.setdefault("observation_end", "2024-03-31")
    return summary.summarize(LOG["customer"], LOG["date"], LOG["amount"], unit=unit, **kwargs)


def test_hand_worked_log_in_days():
    """Worked by hand from the calendar:

    ann: purchase days 1 Jan, 15 Jan, 12 Feb -> frequency 2; recency
    1 Jan -> 12 Feb = 42 days; age 1 Jan -> 31 Mar = 90 days; repeat days
    worth 30 and 50 -> mean 40; all orders 105.
    bob: one day -> 0, 0, age 1 Feb -> 31 Mar = 59 days, mean 0, total 15.
    cy: first order on the last day -> age 0.
    dee: 10 Jan and 20 Mar -> frequency 1, recency 70 days, age 81 days,
    repeat day worth 16 + 4 = 20.
    """
    s = summarize()
    assert s.customer_id.tolist() == ["ann", "bob", "dee", "cy"]  # order of first row
    assert s.frequency.tolist() == [2, 0, 1, 0]
    assert s.recency.tolist() == [42.0, 0.0, 70.0, 0.0]
    assert s.age.tolist() == [90.0, 59.0, 81.0, 0.0]
    assert s.mean_value.tolist() == [40.0, 0.0, 20.0, 0.0]
    assert s.total_value.tolist() == [105.0, 15.0, 28.0, 12.5]
    assert s.first_purchase.astype(str).tolist() == [
        "2024-01-01",
        "2024-02-01",
        "2024-01-10",
        "2024-03-31",
    ]
    assert s.observation_end == np.datetime64("2024-03-31")
    assert s.n_customers == 4
    assert s.unit == "D"


@pytest.mark.parametrize(("unit", "days"), [("W", 7.0), ("M", 30.4375)])
def test_units_divide_the_day_counts(unit, days):
    s = summarize(unit)
    assert s.recency == pytest.approx(np.array([42.0, 0.0, 70.0, 0.0]) / days)
    assert s.age == pytest.approx(np.array([90.0, 59.0, 81.0, 0.0]) / days)
    assert s.frequency.tolist() == [2, 0, 1, 0]


def test_observation_end_defaults_to_the_last_order_and_moves_age():
    assert summarize(observation_end=None).age.tolist() == [90.0, 59.0, 81.0, 0.0]
    later = summarize(observation_end=pd.Timestamp("2024-04-30"))
    assert later.age.tolist() == [120.0, 89.0, 111.0, 30.0]
    assert later.recency.tolist() == [42.0, 0.0, 70.0, 0.0]


def test_to_frame_is_indexed_by_customer():
    frame = summarize("W").to_frame()
    assert frame.index.name == "customer_id"
    assert frame.loc["dee", "frequency"] == 1
    assert frame.loc["ann", "recency"] == pytest.approx(6.0)
    assert list(frame.columns) == [
        "frequency",
        "recency",
        "age",
        "mean_value",
        "total_value",
        "first_purchase",
    ]


def test_input_types_give_the_same_summary():
    """Lists, numpy datetime64, Timestamps with time of day and time zones, numeric ids."""
    base = summarize()
    dates64 = LOG["date"].to_numpy().astype("datetime64[D]")
    same = summary.summarize(LOG["customer"].tolist(), dates64, LOG["amount"].tolist(), unit="D")
    assert same.frequency.tolist() == base.frequency.tolist()
    stamped = pd.Series(pd.to_datetime(LOG["date"]) + pd.Timedelta(hours=23)).dt.tz_localize(
        "Europe/Oslo"
    )
    zoned = summary.summarize(LOG["customer"], stamped, LOG["amount"], unit="D")
    assert zoned.recency.tolist() == base.recency.tolist()  # local dates kept
    numeric = summary.summarize(
        LOG["customer"].map({"ann": 7, "bob": 3, "cy": 9, "dee": 1}), LOG["date"], LOG["amount"],
        unit="D",
    )  # fmt: skip
    assert numeric.customer_id.tolist() == [7, 3, 1, 9]
    assert numeric.mean_value.tolist() == base.mean_value.tolist()
    index_dates = summary.summarize(LOG["customer"], pd.DatetimeIndex(LOG["date"]), LOG["amount"],
                                    unit="D")  # fmt: skip
    assert index_dates.age.tolist() == base.age.tolist()


def test_an_uploads_text_ids_stay_arrow_text():
    """An upload's ids come as a categorical of text: the summary keeps them as Arrow
    text, in order of first purchase, not as a Python string per customer (23 MB and
    a fragmenting heap at 400k customers), and in the calibration split too."""
    ids = LOG["customer"].astype(pd.CategoricalDtype(pd.Index(["dee", "cy", "bob", "ann"])))
    s = summary.summarize(ids, LOG["date"], LOG["amount"], unit="D")
    assert s.customer_id.dtype == "str" and not isinstance(s.customer_id, np.ndarray)
    assert s.customer_id.tolist() == summarize().customer_id.tolist()
    assert s.to_frame().index.tolist() == summarize().to_frame().index.tolist()
    split = summary.calibration_holdout(
        ids, LOG["date"], LOG["amount"], calibration_end="2024-02-29", unit="D"
    )
    assert split.calibration.customer_id.dtype == "str"


def test_calibration_holdout_split_by_hand():
    """Calibration to 29 Feb, holdout 1-31 Mar (31 days):

    ann: calibration 1 Jan, 15 Jan, 12 Feb -> frequency 2, recency 42, age 59
    days; nothing in March. bob: age 28 days. dee: 10 Jan only in
    calibration (age 50 days); in March one purchase day (16 + 4 on 20 Mar).
    cy first buys on 31 Mar: a new customer, not in the check.
    """
    split = summary.calibration_holdout(
        LOG["customer"], LOG["date"], LOG["amount"],
        calibration_end="2024-02-29", observation_end="2024-03-31", unit="D",
    )  # fmt: skip
    cal = split.calibration
    assert cal.customer_id.tolist() == ["ann", "bob", "dee"]
    assert cal.frequency.tolist() == [2, 0, 0]
    assert cal.recency.tolist() == [42.0, 0.0, 0.0]
    assert cal.age.tolist() == [59.0, 28.0, 50.0]
    assert cal.mean_value.tolist() == [40.0, 0.0, 0.0]
    assert split.holdout_purchases.tolist() == [0, 0, 1]
    assert split.holdout_value.tolist() == [0.0, 0.0, 20.0]
    assert split.holdout_length == 31.0
    assert split.new_customers_in_holdout == 1
    assert split.total_holdout_purchases == 1
    weeks = summary.calibration_holdout(
        LOG["customer"], LOG["date"], LOG["amount"], calibration_end="2024-02-29", unit="W"
    )
    assert weeks.holdout_length == pytest.approx(31 / 7)


def test_tracking_counts_repeat_purchases_per_week_by_hand():
    """Weeks end on 29 Feb (the calibration end) and every 7 days before and after.

    Repeat purchase days of ann, bob and dee: 15 Jan, 12 Feb (ann) and 20 Mar
    (dee); cy is not a calibration customer.
    """
    split = summary.calibration_holdout(
        LOG["customer"], LOG["date"], LOG["amount"],
        calibration_end="2024-02-29", observation_end="2024-03-31", unit="W",
    )  # fmt: skip
    track = split.tracking
    ends = track["period_end"].astype(str).tolist()
    assert ends[0] == "2024-01-04" and "2024-02-29" in ends and ends[-1] == "2024-03-31"
    assert (track["period_end"].diff().dt.days.dropna() <= 7).all()
    by_end = dict(zip(ends, track["repeat_purchases"], strict=True))
    assert by_end["2024-01-18"] == 1  # 15 Jan, in the week 12-18 Jan
    assert by_end["2024-02-15"] == 1  # 12 Feb
    assert by_end["2024-03-21"] == 1  # 20 Mar
    assert track["repeat_purchases"].sum() == 3
    assert track.loc[track["holdout"], "repeat_purchases"].sum() == split.total_holdout_purchases
    assert split.calibration_end == np.datetime64("2024-02-29")


@pytest.mark.parametrize(
    ("unit", "anchor", "expected"),
    [("W", 13, [6, 13, 20]), ("D", 10, [3, 10, 17, 20]), ("M", 40, [10, 40, 70])],
)
def test_tracking_periods_end_on_the_calibration_end(unit, anchor, expected):
    end = 20 if unit != "M" else 70
    assert summary.tracking_period_ends(0, end, unit, anchor).tolist() == expected


def test_calibration_with_no_holdout_orders():
    split = summary.calibration_holdout(
        ["a", "a"], ["2024-01-01", "2024-01-05"], [1.0, 2.0],
        calibration_end="2024-01-10", observation_end="2024-02-01", unit="D",
    )  # fmt: skip
    assert split.holdout_purchases.tolist() == [0]
    assert split.new_customers_in_holdout == 0


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 60), st.floats(0.5, 100.0)),
        min_size=1,
        max_size=60,
    )
)
def test_summary_matches_a_plain_python_count(orders):
    """Against a straightforward per-customer loop over the same orders."""
    ids = [f"c{c}" for c, _, _ in orders]
    dates = [np.datetime64("2024-01-01") + d for _, d, _ in orders]
    amounts = [a for _, _, a in orders]
    s = summary.summarize(ids, dates, amounts, unit="D", observation_end="2024-03-31")
    end = np.datetime64("2024-03-31")
    for i, cid in enumerate(s.customer_id):
        by_day: dict = {}
        for c, d, a in zip(ids, dates, amounts, strict=True):
            if c == cid:
                by_day[d] = by_day.get(d, 0.0) + a
        days = sorted(by_day)
        assert s.frequency[i] == len(days) - 1
        assert s.recency[i] == (days[-1] - days[0]).astype(int)
        assert s.age[i] == (end - days[0]).astype(int)
        repeat = [by_day[d] for d in days[1:]]
        assert s.mean_value[i] == pytest.approx(np.mean(repeat) if repeat else 0.0)
        assert s.recency[i] <= s.age[i]


def test_convert_time():
    assert summary.convert_time(14, "D", "W") == 2.0
    assert summary.convert_time(1, "Y", "D") == 365.25
    assert summary.convert_time(np.array([1.0, 2.0]), "M", "Y") == pytest.approx([1 / 12, 2 / 12])
    with pytest.raises(InputError, match="Choose a time unit") as err:
        summary.convert_time(1, "fortnight", "D")
    assert err.value.field == "from_unit"


@pytest.mark.parametrize(
    ("ids", "dates", "amounts", "column", "rows", "match"),
    [
        (["a", None], ["2024-01-01"] * 2, [1.0, 2.0], "customer_id", [2], "no customer"),
        (["a", "b"], ["2024-01-01", "not a date"], [1.0, 2.0], "date", [2], "cannot be read"),
        (["a", "b"], ["2024-01-01", None], [1.0, 2.0], "date", [2], "missing"),
        (["a", "b"], ["2024-01-01"] * 2, [1.0, float("nan")], "amount", [2], "not numbers"),
        (["a", "b"], ["2024-01-01", "2024-05-01"], [1.0, 2.0], "date", [2], "after the end"),
    ],
)
def test_bad_rows_raise_data_error(ids, dates, amounts, column, rows, match):
    with pytest.raises(DataError, match=match) as err:
        summary.summarize(ids, dates, amounts, unit="D", observation_end="2024-03-31")
    assert err.value.column == column
    assert list(err.value.rows) == rows


def test_bad_shapes_raise_data_error():
    with pytest.raises(DataError, match="one value per order each"):
        summary.summarize(["a"], ["2024-01-01", "2024-01-02"], [1.0], unit="D")
    with pytest.raises(DataError, match="empty"):
        summary.summarize([], [], [], unit="D")
    with pytest.raises(DataError, match="must be a number") as err:
        summary.summarize(["a"], ["2024-01-01"], ["ten"], unit="D")
    assert err.value.column == "amount"
    with pytest.raises(DataError, match="one value per order"):
        summary.summarize(["a"], ["2024-01-01"], [[1.0]], unit="D")


@pytest.mark.parametrize(
    ("kwargs", "field", "match"),
    [
        ({"unit": "Y"}, "unit", "Choose a time unit"),
        ({"unit": "D", "observation_end": "someday"}, "observation_end", "date like"),
        ({"unit": "D", "observation_end": pd.NaT}, "observation_end", "date like"),
    ],
)
def test_bad_settings_raise_input_error(kwargs, field, match):
    with pytest.raises(InputError, match=match) as err:
        summary.summarize(LOG["customer"], LOG["date"], LOG["amount"], **kwargs)
    assert err.value.field == field


def test_observation_end_with_a_time_zone_keeps_the_local_date():
    s = summarize(observation_end=pd.Timestamp("2024-03-31 23:30", tz="America/New_York"))
    assert s.observation_end == np.datetime64("2024-03-31")


@pytest.mark.parametrize(
    ("calibration_end", "match"),
    [("2024-03-31", "must end before the end of observation"), ("2023-12-01", "before the first")],
)
def test_bad_calibration_end_raises_input_error(calibration_end, match):
    with pytest.raises(InputError, match=match) as err:
        summary.calibration_holdout(
            LOG["customer"], LOG["date"], LOG["amount"], calibration_end=calibration_end, unit="D"
        )
    assert err.value.field == "calibration_end"


def test_large_day_span_keys_stay_exact():
    """Dates centuries apart still group correctly (integer fallback of the key division)."""
    keys = np.array([0, 2**52 + 5, 2**53], dtype=np.int64)
    assert summary._divide(keys, 7).tolist() == (keys // 7).tolist()


def test_text_dates_with_a_utc_offset_keep_their_local_date():
    s = summary.summarize(
        ["a", "a"], ["2024-01-01T23:30+02:00", "2024-01-08T00:15+02:00"], [1.0, 2.0], unit="D"
    )
    assert s.first_purchase.astype(str).tolist() == ["2024-01-01"]
    assert s.recency.tolist() == [7.0]
