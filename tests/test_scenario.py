"""Tests of calc.scenario: the +5 points claim, hand-worked paths, target retention."""

import numpy as np
import pandas as pd
import pytest

from calc.clv import clv
from calc.errors import InputError
from calc.scenario import (
    MAX_YEARS,
    UpliftPath,
    UpliftResult,
    required_retention,
    retention_uplift,
)
from calc.thresholds import PROFIT_UPLIFT_HIGH, PROFIT_UPLIFT_LOW, RETENTION_UPLIFT_POINTS

REALISTIC = dict(
    starting_customers=1_000,
    retention_rate=0.80,
    new_customers_per_year=250,
    margin_per_customer=100.0,
    margin_growth=0.15,
    acquisition_cost=200.0,
    discount_rate=0.10,
    years=10,
)

# --- the published claim ---------------------------------------------------------


def test_reichheld_sasser_realistic_assumptions_land_in_25_to_95pct():
    """Reichheld & Sasser (1990), Reichheld (1996): +5 points -> +25% to +95% profit.

    Assumptions in the spirit of their examples: 80% yearly retention, margin
    growing 15% a year with tenure (customers buy more and cost less to
    serve), an acquisition cost of two years' first-year margin, 10% discount,
    ten years. Profit, NPV and value per customer all rise 25-95%.
    """
    result = retention_uplift(**REALISTIC, uplift=RETENTION_UPLIFT_POINTS)
    for change in (result.profit_change, result.npv_change, result.clv_change):
        assert PROFIT_UPLIFT_LOW <= change <= PROFIT_UPLIFT_HIGH


def test_without_tenure_effects_the_lift_stays_below_25pct():
    """No margin growth and no acquisition cost: only the extra customer-years count."""
    plain = {**REALISTIC, "margin_growth": 0.0, "acquisition_cost": 0.0}
    result = retention_uplift(**plain)
    for change in (result.profit_change, result.npv_change, result.clv_change):
        assert 0 < change < PROFIT_UPLIFT_LOW


def test_zero_points_equals_the_baseline():
    result = retention_uplift(**REALISTIC, uplift=0.0)
    pd.testing.assert_frame_equal(result.baseline.yearly, result.scenario.yearly)
    assert (result.profit_change, result.npv_change, result.clv_change) == (0.0, 0.0, 0.0)


# --- hand-worked paths -------------------------------------------------------------


def test_uplift_hand_worked_two_years():
    """S = 100, r = 0.8, N = 20 a year, margin 10, CAC 5, discount 10%, no growth.

    Year 1: 100 + 20 = 120 customers, margin 1,200, spend 100, profit 1,100,
    discounted 1,100 / 1.1 = 1,000.
    Year 2: 80 + 16 + 20 = 116 customers, margin 1,160, profit 1,060,
    discounted 1,060 / 1.21 = 876.0331.
    One customer: 10 / 1.1 + 8 / 1.21 - 5 / 1.1 = 11.1570.
    """
    result = retention_uplift(100, 0.8, 20, 10.0, acquisition_cost=5, discount_rate=0.1, years=2)
    assert isinstance(result, UpliftResult) and isinstance(result.baseline, UpliftPath)
    yearly = result.baseline.yearly
    assert list(yearly.columns) == [
        "year",
        "customers",
        "new_customers",
        "margin",
        "acquisition_cost",
        "profit",
        "discounted_profit",
    ]
    assert yearly["customers"].tolist() == pytest.approx([120.0, 116.0])
    assert yearly["margin"].tolist() == pytest.approx([1_200.0, 1_160.0])
    assert yearly["acquisition_cost"].tolist() == [100.0, 100.0]
    assert yearly["profit"].tolist() == pytest.approx([1_100.0, 1_060.0])
    assert yearly["discounted_profit"].tolist() == pytest.approx([1_000.0, 876.0331], abs=5e-5)
    assert result.baseline.total_profit == pytest.approx(2_160.0)
    assert result.baseline.npv == pytest.approx(1_876.0331, abs=5e-5)
    assert result.baseline.clv_per_customer == pytest.approx(11.1570, abs=5e-5)
    assert result.scenario.retention_rate == pytest.approx(0.85)
    assert result.uplift == 0.05


def test_tenure_growth_hand_worked():
    """S = 10, r = 0.5, no new customers, margin 100 growing 20%: year 2 margin = 5 x 120."""
    yearly = retention_uplift(10, 0.5, 0, 100.0, margin_growth=0.2, years=2).baseline.yearly
    assert yearly["margin"].tolist() == pytest.approx([1_000.0, 600.0])


def test_change_is_none_when_the_baseline_loses_money():
    result = retention_uplift(0, 0.5, 100, 10.0, acquisition_cost=1_000, years=3)
    assert result.baseline.total_profit < 0
    assert (result.profit_change, result.npv_change, result.clv_change) == (None, None, None)


def test_negative_uplift_models_a_loss():
    result = retention_uplift(**REALISTIC, uplift=-0.05)
    assert result.scenario.retention_rate == pytest.approx(0.75)
    assert result.profit_change < 0


def test_uplift_to_exactly_full_retention_is_allowed():
    assert retention_uplift(100, 0.95, 10, 10.0).scenario.retention_rate == 1.0


# --- required retention ----------------------------------------------------------


def test_required_retention_hand_worked_ratio():
    """Margin 100, discount 10%, CAC 300, CLV:CAC 3 -> gross CLV 900.

    100 x 1.1 / (1.1 - r) = 900 -> r = 1.1 - 110 / 900 = 0.977778.
    """
    r = required_retention(None, 100, 0.10, 300, target_ratio=3)
    assert r == pytest.approx(0.977778, abs=5e-7)
    assert clv(100, r, 0.10) == pytest.approx(900.0)


def test_required_retention_net_target_and_horizon():
    r = required_retention(250, 100, 0.0, 50, periods=5)
    assert clv(100, r, 0.0, 50, periods=5) == pytest.approx(250.0)


def test_required_retention_without_discount_has_no_ceiling():
    """No discount and no horizon: m / (1 - r) = 10,000 -> r = 0.99."""
    assert required_retention(10_000, 100, 0.0) == pytest.approx(0.99, abs=1e-9)


def test_required_retention_is_zero_when_first_period_suffices():
    assert required_retention(50, 100, 0.1) == 0.0


# --- one test per input rule -------------------------------------------------------


def test_rule_uplift_beyond_full_retention():
    with pytest.raises(InputError, match="outside 0% to 100%") as err:
        retention_uplift(100, 0.97, 10, 10.0, uplift=0.05)
    assert err.value.field == "uplift"


def test_rule_margin_growth_at_or_below_minus_100pct():
    with pytest.raises(InputError, match="above -100%") as err:
        retention_uplift(100, 0.8, 10, 10.0, margin_growth=-1.0)
    assert err.value.field == "margin_growth"


def test_rule_horizon_too_long():
    with pytest.raises(InputError, match=f"at most {MAX_YEARS} years") as err:
        retention_uplift(100, 0.8, 10, 10.0, years=MAX_YEARS + 1)
    assert err.value.field == "years"


def test_rule_horizon_under_one_year():
    with pytest.raises(InputError, match="at least 1") as err:
        retention_uplift(100, 0.8, 10, 10.0, years=0)
    assert err.value.field == "years"


def test_rule_negative_customers():
    with pytest.raises(InputError, match="cannot be negative") as err:
        retention_uplift(-1, 0.8, 10, 10.0)
    assert err.value.field == "starting_customers"


def test_rule_uplift_retention_outside_0_1():
    with pytest.raises(InputError, match="between 0% and 100%") as err:
        retention_uplift(100, 80, 10, 10.0)
    assert err.value.field == "retention_rate"


def test_rule_target_unreachable_even_at_full_retention():
    """Margin 100 at 10%: even keeping everyone is worth 100 x 1.1 / 0.1 = 1,100."""
    with pytest.raises(InputError, match="Even keeping every customer") as err:
        required_retention(2_000, 100, 0.10)
    assert err.value.field == "target_clv"
    with pytest.raises(InputError, match="Even keeping every customer") as err:
        required_retention(None, 100, 0.10, 500, target_ratio=3)
    assert err.value.field == "target_ratio"


def test_rule_exactly_one_target():
    with pytest.raises(InputError, match="one of the two") as err:
        required_retention(500, 100, 0.1, 100, target_ratio=3)
    assert err.value.field == "target_ratio"
    with pytest.raises(InputError, match="one of the two"):
        required_retention(None, 100, 0.1)


def test_rule_ratio_target_needs_an_acquisition_cost():
    with pytest.raises(InputError, match="needs an acquisition cost above 0") as err:
        required_retention(None, 100, 0.1, 0, target_ratio=3)
    assert err.value.field == "acquisition_cost"


def test_rule_ratio_target_must_be_positive():
    with pytest.raises(InputError, match="must be above 0") as err:
        required_retention(None, 100, 0.1, 100, target_ratio=0)
    assert err.value.field == "target_ratio"


def test_rule_negative_target_clv():
    with pytest.raises(InputError, match="cannot be negative") as err:
        required_retention(-10, 100, 0.1)
    assert err.value.field == "target_clv"


def test_rule_target_horizon_must_be_whole():
    with pytest.raises(InputError, match="whole number") as err:
        required_retention(500, 100, 0.1, periods=1.5)
    assert err.value.field == "periods"


def test_uplift_absorbs_binary_rounding_at_the_edges():
    """0.3 - (0.1 + 0.2) is -5.6e-17 in binary: read as 0% retention, not refused."""
    result = retention_uplift(100, 0.3, 10, 10.0, uplift=-(0.1 + 0.2))
    assert result.scenario.retention_rate == 0.0


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"starting_customers": 1e308}, "starting_customers"),
        ({"new_customers_per_year": 1e306}, "new_customers_per_year"),
        ({"margin_per_customer": 1e307}, "margin_per_customer"),
    ],
)
def test_inputs_past_what_a_float_holds_are_said_not_shown_as_a_dash(inputs, field):
    """1e308 customers from a link (issue 15): the profit overflowed to inf, and the page
    showed "-" without a word. Now a message under the largest input."""
    args = {
        "starting_customers": 1000,
        "retention_rate": 0.8,
        "new_customers_per_year": 250,
        "margin_per_customer": 100,
        **inputs,
    }
    with pytest.raises(InputError) as caught:
        retention_uplift(**args)
    assert caught.value.field == field
    assert caught.value.about.code == "scenario.too_large"


def test_large_but_finite_inputs_still_compute():
    r = retention_uplift(1e12, 0.8, 1e9, 1e6, years=10)
    assert np.isfinite(r.baseline.total_profit) and r.profit_change > 0
