"""Retention metrics measured in a file (calc.history.first_weeks), on small hand-worked logs.

Every expected number is worked out in the test from the rows written there; the
definitions are those of the typed twins in calc.metrics_more (issue 18).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calc import upload
from calc.errors import DataError
from calc.history import first_weeks as fw
from calc.history import mrr_movements, subscription_summary


def subs(rows, **extra):
    """(customer, start, end or None, mrr) rows as the canonical subscription table."""
    frame = pd.DataFrame(rows, columns=["customer_id", "start", "end", "mrr"])
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    for name, values in extra.items():
        frame[name] = values
    return frame


# --- early cancellation ---------------------------------------------------------------


def test_early_cancellation_hand_worked_monthly_terms():
    """Six customers, one month each, file as of 2026-04-01.

    a: 2026-01-10 to 2026-01-25, before its renewal on 2026-02-10: early.
    b: 2026-01-31 to 2026-02-28: its renewal is 2026-02-28 (31 January + one month
       falls back to February's last day), so it ended on the renewal day: early.
    c: 2026-01-31 to 2026-03-01: renewed once: not early.
    d: 2026-02-01, active: not early.
    e: 2026-03-15, active: renewal 2026-04-15 is after 2026-04-01: left out.
    f: 2026-03-20 to 2026-03-25: cancelled early, but its first term (to 2026-04-20) has
       not ended by 2026-04-01, so it is left out like e (a recent start does not count).
    Counted a, b, c, d; early a, b: 2 / 4 = 50%.
    """
    t = subs(
        [
            ("a", "2026-01-10", "2026-01-25", 10.0),
            ("b", "2026-01-31", "2026-02-28", 10.0),
            ("c", "2026-01-31", "2026-03-01", 10.0),
            ("d", "2026-02-01", None, 10.0),
            ("e", "2026-03-15", None, 10.0),
            ("f", "2026-03-20", "2026-03-25", 10.0),
        ]
    )
    e = fw.early_cancellations(t, as_of="2026-04-01")
    assert (e.started, e.cancelled_early, e.in_first_term) == (4, 2, 2)
    assert e.rate == pytest.approx(2 / 4, abs=1e-12)
    assert e.term_source == "one_month" and e.term_months == 1.0
    assert e.first_start == pd.Timestamp("2026-01-10")
    assert e.last_start == pd.Timestamp("2026-02-01")


def test_early_cancellation_as_of_defaults_to_the_newest_start():
    """Without as_of the file is taken as of its newest start (2026-03-20 here), not of
    an end date after it: a's end on 2026-12-31 is a cancellation given for later.
    a starts 2026-01-05 (renewal 2026-02-05, ended after: not early), b 2026-03-20
    (renewal 2026-04-20, after 2026-03-20: left out). 0 of 1."""
    t = subs([("a", "2026-01-05", "2026-12-31", 9.0), ("b", "2026-03-20", None, 9.0)])
    e = fw.early_cancellations(t)
    assert e.as_of == pd.Timestamp("2026-03-20")
    assert (e.started, e.cancelled_early, e.in_first_term, e.rate) == (1, 0, 1, 0.0)


def test_early_cancellation_uses_the_billing_term_where_the_file_has_it():
    """A yearly plan from 2025-03-01 that ended on 2026-03-01 (cancelled at the end of its
    paid year) never renewed: early with a 12-month term; a monthly plan from 2025-03-01
    that ended 2025-06-10 renewed: not early; a weekly plan (12/52 months = 7 days) from
    2026-01-05 that ended on 2026-01-12, its renewal day: early. As of 2026-03-02: 2 of 3."""
    t = subs(
        [
            ("y", "2025-03-01", "2026-03-01", 100.0),
            ("m", "2025-03-01", "2025-06-10", 10.0),
            ("w", "2026-01-05", "2026-01-12", 20.0),
        ],
        term_months=[12.0, 1.0, 12 / 52],
    )
    e = fw.early_cancellations(t, as_of="2026-03-02")
    assert (e.started, e.cancelled_early) == (3, 2)
    assert e.term_source == "file" and e.term_months is None
    assert e.terms == (round(12 / 52, 6), 1.0, 12.0)
    one_month = fw.early_cancellations(t.drop(columns="term_months"), as_of="2026-03-02")
    assert one_month.cancelled_early == 1  # only w (7 days < a month): the yearly plan is missed


def test_early_cancellation_plan_change_row_continues_and_a_return_does_not():
    """p: 2026-01-01 to 2026-01-15, then a new row from 2026-01-16 (within a day of the
    end: a plan change), active: not early. r: 2026-01-01 to 2026-01-10, back on
    2026-02-20: the first spell ended before the renewal on 2026-02-01: early.
    As of 2026-03-01: 1 of 2."""
    t = subs(
        [
            ("p", "2026-01-01", "2026-01-15", 10.0),
            ("p", "2026-01-16", None, 20.0),
            ("r", "2026-01-01", "2026-01-10", 10.0),
            ("r", "2026-02-20", None, 10.0),
        ]
    )
    e = fw.early_cancellations(t, as_of="2026-03-01")
    assert (e.started, e.cancelled_early) == (2, 1)


def test_early_cancellation_nobody_past_the_first_term_is_nan_not_zero():
    t = subs([("a", "2026-03-01", None, 10.0)])
    e = fw.early_cancellations(t)
    assert e.started == 0 and math.isnan(e.rate) and e.first_start is None


def test_early_cancellation_needs_start_dates():
    """A table of revenue per month (the wide layout) has no start dates to count from."""
    wide = pd.DataFrame(
        {"customer_id": ["a"], "month": pd.to_datetime(["2026-01-01"]), "mrr": [10.0]}
    )
    with pytest.raises(DataError) as err:
        fw.early_cancellations(wide)
    assert err.value.about.code == "metrics_data.no_start_dates"


# --- ARR growth ---------------------------------------------------------------------------


def test_arr_growth_hand_worked_and_equal_to_the_summary():
    """a 100 from 2024-12-01; b 40 from 2024-12-01, left 2025-06-01; c 60 from 2025-03-01;
    d 25 from 2025-12-05 (the last month). December 2025: 100 + 60 + 25 = 185, ARR 2,220;
    December 2024: 140, ARR 1,680; growth 540 / 1,680 = 0.3214285..."""
    t = subs(
        [
            ("a", "2024-12-01", None, 100.0),
            ("b", "2024-12-01", "2025-06-01", 40.0),
            ("c", "2025-03-01", None, 60.0),
            ("d", "2025-12-05", None, 25.0),
        ]
    )
    g = fw.arr_growth_measured(t)
    assert (g.arr, g.arr_before) == (2220.0, 1680.0)
    assert g.growth == pytest.approx(540 / 1680, abs=1e-12)
    assert (g.customers, g.customers_before, g.months) == (3, 2, 13)
    assert g.month == pd.Timestamp("2025-12-01")
    assert g.month_before == pd.Timestamp("2024-12-01")
    assert g.arr == subscription_summary(t).arr  # the same ARR as Your data shows


def test_arr_growth_needs_thirteen_months():
    t = subs([("a", "2025-01-01", None, 100.0), ("b", "2025-12-01", None, 10.0)])
    g = fw.arr_growth_measured(t)
    assert g.months == 12 and math.isnan(g.growth) and g.arr_before == 0.0


# --- contraction --------------------------------------------------------------------------


#: a and b downgrade (May, September), c leaves (November), d starts (January 2026).
DOWNGRADES = [
    ("a", "2025-01-01", "2025-05-01", 100.0),
    ("a", "2025-05-01", None, 70.0),
    ("b", "2025-01-01", None, 50.0),
    ("b", "2025-01-01", "2025-09-01", 20.0),
    ("c", "2025-01-01", "2025-11-01", 40.0),
    ("d", "2026-01-03", None, 30.0),
]


def test_contraction_hand_worked_over_the_last_twelve_months():
    """Months of MRR (at each month's end), 2025-01 to 2026-01 (13 months):
    a 100 from 2025-01, moves to 70 from 2025-05 (new row): a downgrade of 30 in May;
    b two subscriptions of 50 and 20 from 2025-01, cancels the 20 one on 2025-09-01; a
      subscription ending on 1 September is last counted in August, so b's MRR falls
      from 70 to 50 in September: a downgrade of 20 in 2025-09.
    c 40 from 2025-01, leaves 2025-11-01: churn, not contraction.
    d 30 from 2026-01-03 (new, marks the last month).
    Window: the changes of 2025-02..2026-01 (12 months); MRR at its start (end of
    2025-01) = 100 + 70 + 40 = 210. Downgrades: 2 (a in May, b in September), MRR lost
    30 + 20 = 50, share 50 / 210. Paying in the window: a, b, c, d = 4."""
    t = subs(DOWNGRADES)
    c = fw.contraction_measured(t)
    assert c.shown
    assert (c.downgrades, c.customers, c.mrr_lost, c.mrr_start) == (2, 2, 50.0, 210.0)
    assert c.share == pytest.approx(50 / 210, abs=1e-12)
    assert (c.paying, c.months) == (4, 12)
    assert (c.first_month, c.last_month) == (pd.Timestamp("2025-02-01"), pd.Timestamp("2026-01-01"))
    moves = mrr_movements(t)  # the same MRR as the movements table, month by month
    in_window = moves["month"] >= pd.Timestamp("2025-02-01")
    assert -moves.loc[in_window, "contraction"].sum() == pytest.approx(c.mrr_lost)


def test_contraction_window_counts_only_the_last_months():
    """With months=3 only the changes of 2025-11..2026-01 count: none of the two
    downgrades (May, September). MRR at the start = end of 2025-10: 70 + 50 + 40 = 160."""
    t = subs(DOWNGRADES)
    c = fw.contraction_measured(t, months=3)
    assert (c.downgrades, c.mrr_lost, c.mrr_start, c.months) == (0, 0.0, 160.0, 3)


def test_contraction_one_row_per_customer_cannot_show_downgrades():
    """One subscription per customer, one amount each: no change of amount can appear, so
    nothing is claimed (shown False, share NaN), not "0 downgrades"."""
    t = subs([("a", "2025-01-01", None, 100.0), ("b", "2025-02-01", "2025-06-01", 50.0)])
    c = fw.contraction_measured(t)
    assert not c.shown and c.downgrades == 0 and math.isnan(c.share)


def test_contraction_from_revenue_per_month():
    """Wide layout turned long: a pays 100, 100, 80 (a downgrade of 20 in March);
    MRR at the start (end of January) = 100 + 50 = 150."""
    wide = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "b", "b"],
            "month": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-03-01"] * 2),
            "mrr": [100.0, 100.0, 80.0, 50.0, 50.0, 50.0],
        }
    )
    c = fw.contraction_measured(wide)
    assert c.shown and (c.downgrades, c.mrr_lost, c.mrr_start, c.months) == (1, 20.0, 150.0, 2)


def test_sample_subscriptions_file_measures_all_three():
    """The shipped sample reads through calc.upload and gives figures in range."""
    data = Path("samples/subscriptions.csv").read_bytes()
    table = upload.read(data, "subscriptions.csv").table
    e = fw.early_cancellations(table)
    assert 0 < e.started <= table["customer_id"].nunique() and 0 <= e.rate <= 1
    g = fw.arr_growth_measured(table)
    assert g.months >= 13 and np.isfinite(g.growth)
    assert fw.contraction_measured(table).months == 12


# --- time to first repeat -----------------------------------------------------------------


def test_first_repeat_hand_worked():
    """a: 2026-01-01, 2026-01-04 (3 days), 2026-02-01; b: 2026-01-10, 2026-01-31 (21 days);
    c: 2026-01-02 twice and a refund on 2026-01-20 (a refund is not an order: no repeat);
    d: 2026-01-05, 2026-01-12 (7 days); e: once. Median of 3, 7, 21 = 7 days;
    3 of 5 customers ordered again: 60%. Period 2026-01-01 to 2026-02-01."""
    t = pd.DataFrame(
        {
            "customer_id": [*"aaabbcccde", "d"],
            "date": pd.to_datetime(
                [
                    "2026-01-01",
                    "2026-01-04",
                    "2026-02-01",
                    "2026-01-10",
                    "2026-01-31",
                    "2026-01-02",
                    "2026-01-02",
                    "2026-01-20",
                    "2026-01-05",
                    "2026-01-15",
                    "2026-01-12",
                ]
            ),
            "amount": [20.0, 20, 20, 30, 30, 15, 15, -15, 40, 25, 40],
        }
    )
    r = fw.first_repeat(t)
    assert (r.customers, r.repeat_customers) == (5, 3)
    assert r.median_days == 7.0
    assert r.share == pytest.approx(3 / 5, abs=1e-12)
    assert (r.first_day, r.last_day) == (pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01"))


def test_first_repeat_nobody_came_back():
    t = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": pd.to_datetime(["2026-01-01", "2026-01-02"]),
            "amount": [1.0, 2.0],
        }
    )
    r = fw.first_repeat(t)
    assert r.repeat_customers == 0 and r.share == 0.0 and math.isnan(r.median_days)


def test_no_paying_subscription_and_no_purchase_are_said_not_computed():
    """A table whose every amount is 0 has no MRR to grow or shrink; a log of refunds only
    has no first order to repeat."""
    free = subs([("a", "2025-01-01", None, 0.0)])
    for measure in (fw.arr_growth_measured, fw.contraction_measured):
        with pytest.raises(DataError) as err:
            measure(free)
        assert err.value.about.code == "orders.no_paying_subscription"
    refunds = pd.DataFrame(
        {"customer_id": ["a"], "date": pd.to_datetime(["2026-01-01"]), "amount": [-5.0]}
    )
    with pytest.raises(DataError) as err:
        fw.first_repeat(refunds)
    assert err.value.about.code == "orders.no_orders"
