"""What the order models need, the one-call forecast, and the ranking without a model."""

import numpy as np
import pandas as pd
import pytest

from calc.models import bgnbd, gamma_gamma, readiness
from calc.models.forecast import forecast_orders
from calc.models.summary import CustomerSummary, summarize


def summary_of(frequency, first_days, end_day=400, unit="W"):
    n = len(frequency)
    return CustomerSummary(
        customer_id=np.arange(n),
        frequency=np.asarray(frequency),
        recency=np.zeros(n),
        age=np.ones(n),
        mean_value=np.zeros(n),
        total_value=np.zeros(n),
        first_purchase=np.datetime64("2024-01-01") + np.asarray(first_days).astype("m8[D]"),
        unit=unit,
        observation_end=np.datetime64("2024-01-01") + np.timedelta64(end_day, "D"),
    )


@pytest.mark.parametrize(
    ("frequency", "first", "end", "statuses"),
    [
        ([1] * 18 + [0], [0] * 19, 88, ["short", "thin", "short"]),
        ([1] * 20, [0] * 20, 89, ["thin", "thin", "thin"]),
        ([1] * 100 + [0] * 100, [5] * 200, 277, ["ready", "ready", "ready"]),
        ([0] * 500, [0] * 500, 400, ["ready", "short", "ready"]),
    ],
)
def test_each_need_is_short_thin_or_ready(frequency, first, end, statuses):
    """Customers 20 / 200, repeat buyers 10 / 100, days 90 / 273 (both ends counted).

    By hand: 19 customers with 18 repeat buyers and 89 days (day 0 to 88) of
    history; 200 customers from day 5 to day 277 is 273 days.
    """
    checks = readiness.check(summary_of(frequency, first, end))
    assert [c.status for c in checks] == statuses
    assert [c.need.name for c in checks] == ["customers", "repeat_buyers", "history_days"]
    assert checks[2].have == end - min(first) + 1
    assert readiness.ready(checks) == min(statuses, key=["short", "thin", "ready"].index)


def test_the_minimums_are_the_models_own():
    needs = {n.name: n for n in readiness.NEEDS}
    assert needs["customers"].minimum == bgnbd.MIN_CUSTOMERS
    assert needs["repeat_buyers"].minimum == gamma_gamma.MIN_REPEAT_BUYERS


def test_slipping_away_ranks_by_own_rhythm_then_orders():
    """Days since last order over the usual gap; one-time buyers against the median gap."""
    customers = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d", "e"],
            "orders": [2, 1, 6, 3, 9],
            "days_since_last": [90.0, 100.0, 30.0, 30.0, 60.0],
            "usual_interval_days": [30.0, np.nan, 60.0, 15.0, 30.0],
        }
    )
    ranked = readiness.slipping_away(customers)
    # overdue: a 3.0, b 100/30 = 3.33 (median gap of a, c, d, e: 30), c 0.5, d 2.0, e 2.0
    assert ranked["customer_id"].tolist() == ["b", "a", "e", "d", "c"]
    assert ranked["overdue"].round(4).tolist() == [3.3333, 3.0, 2.0, 2.0, 0.5]
    assert ranked["gap_days"].tolist()[0] == 30.0


def test_slipping_away_without_any_repeat_buyer_ranks_by_days_since_last():
    customers = pd.DataFrame(
        {"orders": [1, 1], "days_since_last": [5.0, 50.0], "usual_interval_days": [np.nan] * 2}
    )
    assert readiness.slipping_away(customers)["days_since_last"].tolist() == [50.0, 5.0]


def small_log(n_customers, repeat=True, seed=0):
    rng = np.random.default_rng(seed)
    ids, days = [], []
    for c in range(n_customers):
        k = rng.integers(2, 6) if repeat else 1
        ids += [c] * k
        days += sorted(rng.integers(0, 300, k).tolist())
    dates = np.datetime64("2024-01-01") + np.array(days).astype("m8[D]")
    return summarize(ids, dates, rng.gamma(3.0, 10.0, len(ids)), unit="W")


def test_without_enough_customers_the_forecast_keeps_the_readiness_check():
    f = forecast_orders(small_log(12))
    assert f.purchases is None and f.table is None
    assert "at least 20 customers; got 12" in f.purchases_error.text("en")
    assert f.checks[0].status == "short"


def test_without_enough_repeat_buyers_purchases_are_still_forecast():
    """Gamma-Gamma needs 10 repeat buyers; BG/NBD runs on the rest."""
    s = small_log(40, repeat=False)
    frequency = s.frequency.copy()
    s = summarize(
        [*range(40), 0, 1, 2],
        np.datetime64("2024-01-01") + np.array([0] * 40 + [100, 120, 200]).astype("m8[D]"),
        np.full(43, 10.0),
        unit="W",
    )
    assert frequency.sum() == 0 and np.sum(s.frequency > 0) == 3
    f = forecast_orders(s)
    assert f.purchases is not None and f.spend is None
    assert "got 3" in f.spend_error.text("en")
    assert {"p_alive", "next_90", "next_365_high"} <= set(f.table.columns)
    assert "clv" not in f.table.columns
    assert f.totals[90].likely == pytest.approx(f.table["next_90"].sum(), rel=1e-12)


def test_the_forecast_matches_the_models_called_one_by_one():
    s = small_log(300, seed=3)
    f = forecast_orders(s, horizon_years=2, annual_discount_rate=0.08, margin=0.4)
    rfm = (s.frequency, s.recency, s.age)
    weeks = 365 / 7
    each = f.purchases.expected_purchases_range(weeks, *rfm)
    assert f.table["next_365"].to_numpy() == pytest.approx(each.likely, rel=1e-9)
    assert f.table["next_365_low"].to_numpy() == pytest.approx(each.low, rel=1e-9)
    assert f.totals[365].likely == pytest.approx(f.purchases.expected_total(weeks, *rfm).likely)
    assert f.table["p_alive"].to_numpy() == pytest.approx(f.purchases.p_alive(*rfm))
    assert f.table["clv"].sum() == pytest.approx(f.values.total_clv.likely, rel=1e-9)
