"""Property tests (hypothesis) for the identities the formulas must keep."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from calc import thresholds
from calc.clv import (
    MAX_PERIODS,
    PERIODS,
    cac_payback_periods,
    clv,
    convert_rate,
    margin_curve,
)
from calc.metrics import (
    churn_rate,
    customer_retention_rate,
    gross_revenue_retention,
    net_promoter_score,
    net_revenue_retention,
    nps_breakdown,
)
from calc.scenario import required_retention, retention_uplift

settings.register_profile("calc", deadline=None, max_examples=200, derandomize=True)
settings.load_profile("calc")

money = st.floats(min_value=0.0, max_value=1e6, allow_nan=False)
positive_money = st.floats(min_value=1.0, max_value=1e6, allow_nan=False)
rate = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
retention = st.floats(min_value=0.0, max_value=0.99, allow_nan=False)
discount = st.floats(min_value=0.01, max_value=0.5, allow_nan=False)
period = st.sampled_from(PERIODS)


# --- CLV ---------------------------------------------------------------------------


@given(positive_money, retention, retention, discount)
def test_clv_rises_with_retention(m, r1, r2, d):
    low, high = sorted((r1, r2))
    assert clv(m, low, d) <= clv(m, high, d) * (1 + 1e-12)


@given(money, money, retention, discount)
def test_clv_rises_with_margin(m1, m2, r, d):
    low, high = sorted((m1, m2))
    assert clv(low, r, d) <= clv(high, r, d)


@given(positive_money, retention, discount, discount)
def test_clv_falls_with_discount(m, r, d1, d2):
    low, high = sorted((d1, d2))
    assert clv(m, r, high) <= clv(m, r, low) * (1 + 1e-12)


@given(positive_money, retention, discount, money)
def test_clv_falls_with_cac_one_for_one(m, r, d, cac):
    assert clv(m, r, d, acquisition_cost=cac) == pytest.approx(clv(m, r, d) - cac)


@given(positive_money, st.floats(min_value=0.0, max_value=0.95), discount)
def test_finite_horizon_clv_approaches_closed_form(m, r, d):
    closed = clv(m, r, d)
    values = [clv(m, r, d, periods=n) for n in (1, 10, 100, MAX_PERIODS)]
    assert values == sorted(values)
    assert values[-1] == pytest.approx(closed, rel=1e-9)


@given(positive_money, rate, st.floats(min_value=0.0, max_value=0.5), st.integers(1, 240))
def test_margin_curve_matches_clv_and_survival_never_increases(m, r, d, n):
    frame = margin_curve(m, r, d, n)
    assert (np.diff(frame["survival"]) <= 0).all()
    assert frame["cumulative_discounted_margin"].iloc[-1] == pytest.approx(
        clv(m, r, d, periods=n), rel=1e-9
    )


@given(positive_money, rate, st.integers(1, 120))
def test_zero_discount_equals_undiscounted(m, r, n):
    frame = margin_curve(m, r, 0.0, n)
    pd.testing.assert_series_equal(
        frame["discounted_margin"], frame["expected_margin"], check_names=False
    )


@given(positive_money, positive_money, st.floats(min_value=0.0, max_value=0.99))
def test_payback_is_later_with_more_churn(cac, m, c):
    without = cac_payback_periods(cac, m)
    assert without == pytest.approx(cac / m)
    assert cac_payback_periods(cac, m, churn_rate=c) >= without * (1 - 1e-12)


@given(positive_money, positive_money, st.floats(min_value=0.001, max_value=0.999))
def test_payback_cumulative_margin_reaches_cac(cac, m, c):
    """At the payback time, the (linearly spread) cumulative expected margin equals the CAC."""
    n = cac_payback_periods(cac, m, churn_rate=c)
    if math.isinf(n):
        assert cac >= m / c * (1 - 1e-9)
        return
    whole = math.floor(n)
    q = 1 - c
    done = m * (1 - q**whole) / c
    assert done + (n - whole) * m * q**whole == pytest.approx(cac, rel=1e-6)


# --- rate conversion -------------------------------------------------------------------


@given(st.floats(min_value=0.0, max_value=0.5), period, period)
def test_convert_rate_round_trips(c, a, b):
    """Up to 50% churn a period; near 100% the complement 1 - c underflows (1 - 1e-19 == 1)."""
    assert convert_rate(convert_rate(c, a, b), b, a) == pytest.approx(c, abs=1e-12)
    kept = convert_rate(c, a, b, kind="retention")
    assert convert_rate(kept, b, a, kind="retention") == pytest.approx(c, abs=1e-12)


@given(rate)
def test_compounded_annual_churn_never_exceeds_twelve_times_monthly(c):
    annual = convert_rate(c, "month", "year")
    assert annual <= min(1.0, 12 * c) + 1e-12
    assert annual >= c - 1e-12


@given(rate, period, period)
def test_churn_and_retention_conversions_agree(c, a, b):
    assert convert_rate(c, a, b) == pytest.approx(
        1 - convert_rate(1 - c, a, b, kind="retention"), abs=1e-12
    )


# --- metrics ----------------------------------------------------------------------------


@given(positive_money, money, money, money)
def test_nrr_is_at_least_grr(start, expansion, contraction, churned):
    assume(contraction + churned <= start)
    nrr = net_revenue_retention(start, expansion, contraction, churned)
    grr = gross_revenue_retention(start, contraction, churned)
    assert nrr >= grr
    assert 0.0 <= grr <= 1.0


@given(st.integers(1, 10**6), st.data())
def test_retention_plus_churn_is_one(start, data):
    lost = data.draw(st.integers(0, start))
    new = data.draw(st.integers(0, 10**6))
    retained = customer_retention_rate(start, start - lost + new, new)
    assert retained + churn_rate(start, lost) == pytest.approx(1.0)


@given(st.lists(st.integers(0, 10), min_size=1, max_size=500))
def test_nps_is_bounded_and_counts_add_up(scores):
    b = nps_breakdown(scores)
    assert b.promoters + b.passives + b.detractors == b.responses == len(scores)
    assert -100.0 <= b.score <= 100.0
    assert net_promoter_score(np.array(scores)) == b.score


# --- scenario -----------------------------------------------------------------------------


uplift_inputs = st.fixed_dictionaries(
    {
        "starting_customers": st.floats(0, 1e5),
        "retention_rate": st.floats(0.0, 0.9),
        "new_customers_per_year": st.floats(0, 1e4),
        "margin_per_customer": st.floats(0, 1e4),
        "margin_growth": st.floats(-0.5, 0.5),
        "acquisition_cost": st.floats(0, 1e4),
        "discount_rate": st.floats(0, 0.3),
        "years": st.integers(1, 30),
    }
)


@given(uplift_inputs)
def test_zero_points_equals_baseline(kwargs):
    result = retention_uplift(**kwargs, uplift=0.0)
    pd.testing.assert_frame_equal(result.baseline.yearly, result.scenario.yearly)
    assert result.scenario.npv == result.baseline.npv


@given(uplift_inputs, st.floats(0.0, 0.1))
def test_more_retention_never_lowers_customers_or_margin(kwargs, points):
    result = retention_uplift(**kwargs, uplift=points)
    base, more = result.baseline.yearly, result.scenario.yearly
    assert (more["customers"] >= base["customers"] * (1 - 1e-12)).all()
    assert (more["margin"] >= base["margin"] * (1 - 1e-12)).all()


@given(positive_money, discount, st.floats(min_value=1.5, max_value=10.0), positive_money)
def test_required_retention_inverts_clv(m, d, ratio, cac):
    target = ratio * cac
    assume(m < target <= m * (1 + d) / d * 0.999)
    r = required_retention(None, m, d, cac, target_ratio=ratio)
    assert clv(m, r, d) == pytest.approx(target, rel=1e-6)


# --- thresholds ----------------------------------------------------------------------------


@given(rate, rate, period)
def test_more_churn_never_looks_healthier(c1, c2, p):
    order = {level: i for i, level in enumerate(thresholds.LEVELS)}
    low, high = sorted((c1, c2))
    assert (
        order[thresholds.churn_health(low, p).level]
        <= order[thresholds.churn_health(high, p).level]
    )
