"""Tests of calc.clv: worked examples, edge cases and one test per input rule."""

import math

import pandas as pd
import pytest

from calc._validate import non_negative
from calc.clv import (
    MAX_PERIODS,
    PERIODS,
    ClvReport,
    cac_payback_periods,
    clv,
    clv_report,
    clv_to_cac,
    convert_rate,
    lifespan_from_churn,
    margin_curve,
    periods_per_year,
    saas_ltv,
    simple_clv,
)
from calc.errors import InputError

# --- periods and conversions --------------------------------------------------


def test_periods_are_month_quarter_year():
    assert PERIODS == ("month", "quarter", "year")
    assert [periods_per_year(p) for p in PERIODS] == [12, 4, 1]


def test_issue_2_monthly_churn_3pct_is_annual_30_6pct():
    """Issue 2's example: 1 - 0.97**12 = 0.3062..., printed as 30.6% (never 36%)."""
    assert convert_rate(0.03, "month", "year") == pytest.approx(0.306, abs=5e-4)


def test_convert_rate_retention_and_ratio_compound():
    """Hand-worked: 0.9**(1/4) = 0.97400; 1.01**12 = 1.12683 (NRR 101%/month)."""
    assert convert_rate(0.9, "year", "quarter", kind="retention") == pytest.approx(
        0.97400, abs=5e-6
    )
    assert convert_rate(1.01, "month", "year", kind="ratio") == pytest.approx(1.12683, abs=5e-6)


def test_convert_rate_same_period_and_edges_are_unchanged():
    assert convert_rate(0.2, "quarter", "quarter") == pytest.approx(0.2)
    assert convert_rate(0.0, "month", "year") == 0.0
    assert convert_rate(1.0, "year", "month") == 1.0


# --- simple CLV, lifespan, SaaS LTV --------------------------------------------


def test_simple_clv_hand_worked():
    """50 per order x 4 orders a year x 3 years = 600."""
    assert simple_clv(50, 4, 3) == 600.0


def test_lifespan_from_churn_hand_worked():
    """1 / 0.05 = 20 periods; churn 1 means one period."""
    assert lifespan_from_churn(0.05) == pytest.approx(20.0)
    assert lifespan_from_churn(1.0) == 1.0


def test_saas_ltv_skok_formula_hand_worked():
    """Skok (2013), SaaS Metrics 2.0: LTV = ARPA x gross margin / churn.

    ARPA 500 a month x 80% margin = 400 margin a month; 2% churn a month gives
    a lifetime of 50 months; 400 x 50 = 20,000.
    """
    assert saas_ltv(500, 0.8, 0.02) == pytest.approx(20_000.0, abs=0.5)


def test_saas_ltv_equals_undiscounted_clv():
    assert saas_ltv(500, 0.8, 0.02) == pytest.approx(clv(400, 0.98, 0.0))


# --- discounted CLV ------------------------------------------------------------


def test_clv_hand_worked_infinite_horizon():
    """Margin 100 a year, retention 80%, discount 10%, margin at the start of each year.

    Sum over t >= 0 of 100 x (0.8 / 1.1)**t = 100 / (1 - 0.72727) = 100 x 1.1 / 0.3
    = 366.6667 (four decimals).
    """
    assert clv(100, 0.8, 0.1) == pytest.approx(366.6667, abs=5e-5)


def test_clv_hand_worked_three_years_net_of_cac():
    """Three years of the example above, minus a CAC of 150.

    100 + 100 x 0.8 / 1.1 + 100 x 0.64 / 1.21 = 100 + 72.7273 + 52.8926 = 225.6198;
    225.6198 - 150 = 75.6198.
    """
    assert clv(100, 0.8, 0.1, acquisition_cost=150, periods=3) == pytest.approx(75.6198, abs=5e-5)


def test_clv_retention_zero_is_one_period_of_margin():
    assert clv(100, 0.0, 0.1, acquisition_cost=30) == 70.0
    assert clv(100, 0.0, 0.1, periods=5) == 100.0


def test_clv_full_retention_with_discount_is_a_perpetuity():
    """100 a year forever at 10%, paid in advance: 100 x 1.1 / 0.1 = 1100."""
    assert clv(100, 1.0, 0.1) == pytest.approx(1100.0)


def test_clv_full_retention_no_discount_with_horizon_is_margin_times_periods():
    assert clv(100, 1.0, 0.0, periods=12) == pytest.approx(1200.0)


def test_clv_accepts_a_whole_float_horizon():
    assert clv(100, 0.5, 0.0, periods=2.0) == pytest.approx(150.0)


def test_margin_curve_columns_and_last_value_match_clv():
    frame = margin_curve(100, 0.8, 0.1, 24)
    assert list(frame.columns) == [
        "period",
        "survival",
        "expected_margin",
        "discounted_margin",
        "cumulative_discounted_margin",
    ]
    assert frame["period"].tolist() == list(range(1, 25))
    first = frame.iloc[0]
    assert (first["survival"], first["discounted_margin"]) == (1.0, 100.0)
    assert frame["cumulative_discounted_margin"].iloc[-1] == pytest.approx(
        clv(100, 0.8, 0.1, periods=24)
    )


def test_margin_curve_hand_worked_half_retention():
    frame = margin_curve(100, 0.5, 0.0, 3)
    assert isinstance(frame, pd.DataFrame)
    assert frame["expected_margin"].tolist() == [100.0, 50.0, 25.0]
    assert frame["cumulative_discounted_margin"].tolist() == [100.0, 150.0, 175.0]


# --- CLV:CAC and payback -------------------------------------------------------


def test_clv_to_cac_hand_worked():
    assert clv_to_cac(900, 300) == 3.0


def test_payback_without_churn_is_cac_over_margin():
    assert cac_payback_periods(300, 100) == 3.0


def test_payback_hand_worked_with_churn():
    """CAC 300, margin 100, churn 10%: expected margin 100, 90, 81, 72.9.

    Cumulative 100, 190, 271, 343.9: the 300 is reached in period 4, after
    (300 - 271) / 72.9 = 0.3978 of it, so payback = 3.3978 periods.
    """
    assert cac_payback_periods(300, 100, churn_rate=0.1) == pytest.approx(3.3978, abs=5e-5)


def test_payback_exactly_on_a_period_boundary():
    """Cumulative after 2 periods is 100 + 50 = 150 with churn 50%."""
    assert cac_payback_periods(150, 100, churn_rate=0.5) == pytest.approx(2.0)


def test_payback_never_when_lifetime_margin_is_below_cac():
    """Lifetime expected margin is 100 / 0.1 = 1000: a CAC of 1000 or more never pays back."""
    assert cac_payback_periods(1000, 100, churn_rate=0.1) == math.inf
    assert cac_payback_periods(100, 0) == math.inf


def test_payback_edges_zero_cac_and_total_churn():
    assert cac_payback_periods(0, 100, churn_rate=0.5) == 0.0
    assert cac_payback_periods(50, 100, churn_rate=1.0) == 0.5
    assert cac_payback_periods(150, 100, churn_rate=1.0) == math.inf


# --- the CLV page's report -----------------------------------------------------


def test_clv_report_hand_worked_from_churn():
    """AOV 50, 4 orders a year, 40% margin, churn 25% a year, discount 10%, CAC 120.

    Revenue 200 a year, margin 80 a year, lifespan 1 / 0.25 = 4 years;
    revenue CLV 800, margin CLV 320; discounted 80 x 1.1 / (1.1 - 0.75) = 251.4286;
    net 131.4286; CLV:CAC 2.0952; payback 1 + 40 / 60 = 1.6667 years = 20 months.
    """
    r = clv_report(50, 4, 0.4, 0.10, 120, churn_rate=0.25)
    assert isinstance(r, ClvReport)
    assert (r.lifespan_years, r.annual_churn, r.annual_revenue, r.annual_margin) == (
        4.0,
        0.25,
        200.0,
        80.0,
    )
    assert (r.revenue_clv, r.margin_clv) == (800.0, 320.0)
    assert r.discounted_margin_clv == pytest.approx(251.4286, abs=5e-5)
    assert r.net_clv == pytest.approx(131.4286, abs=5e-5)
    assert r.clv_cac == pytest.approx(2.0952, abs=5e-5)
    assert r.payback_years == pytest.approx(1.6667, abs=5e-5)
    assert r.payback_months == pytest.approx(20.0)


def test_clv_report_from_lifespan_matches_churn():
    by_life = clv_report(50, 4, 0.4, 0.10, 120, lifespan_years=4)
    assert by_life == clv_report(50, 4, 0.4, 0.10, 120, churn_rate=0.25)


def test_clv_report_no_discount_equals_margin_clv():
    r = clv_report(50, 4, 0.4, 0.0, 120, churn_rate=0.25)
    assert r.discounted_margin_clv == pytest.approx(r.margin_clv)


def test_clv_report_zero_cac_has_infinite_ratio_and_instant_payback():
    r = clv_report(50, 4, 0.4, 0.1, 0, churn_rate=0.25)
    assert r.clv_cac == math.inf
    assert r.payback_years == 0.0
    assert clv_report(0, 4, 0.4, 0.1, 0, churn_rate=0.25).clv_cac == 0.0


def test_clv_report_payback_never():
    r = clv_report(10, 1, 0.5, 0.1, 1000, churn_rate=0.5)
    assert r.payback_years == math.inf
    assert r.payback_months == math.inf


# --- one test per input rule ---------------------------------------------------


def test_rule_boolean_is_not_a_number():
    with pytest.raises(InputError, match="must be a number") as err:
        simple_clv(True, 4, 3)
    assert err.value.field == "avg_order_value"


def test_rule_text_is_not_a_number():
    with pytest.raises(InputError, match="must be a number") as err:
        clv("100", 0.8, 0.1)
    assert err.value.field == "margin_per_period"


def test_rule_nan_is_refused():
    with pytest.raises(InputError, match="not a number") as err:
        simple_clv(50, float("nan"), 3)
    assert err.value.field == "purchases_per_year"


def test_rule_infinity_is_refused():
    with pytest.raises(InputError, match="finite number") as err:
        simple_clv(50, 4, math.inf)
    assert err.value.field == "lifespan_years"


def test_rule_negative_money_is_refused():
    with pytest.raises(InputError, match="cannot be negative") as err:
        clv(100, 0.8, 0.1, acquisition_cost=-5)
    assert err.value.field == "acquisition_cost"


def test_rule_rate_outside_0_1_is_refused():
    with pytest.raises(InputError, match="between 0% and 100%") as err:
        clv(100, 1.2, 0.1)
    assert err.value.field == "retention_rate"


def test_rule_churn_zero_has_infinite_lifetime():
    with pytest.raises(InputError, match="Churn of 0% means no customer ever leaves") as err:
        lifespan_from_churn(0.0)
    assert err.value.field == "churn_rate"


def test_rule_discount_at_or_below_minus_100pct_is_refused():
    with pytest.raises(InputError, match="above -100%") as err:
        clv(100, 0.8, -1.0)
    assert err.value.field == "discount_rate"


def test_rule_unknown_period_is_refused():
    with pytest.raises(InputError, match="Unknown period 'week'") as err:
        convert_rate(0.1, "week", "year")
    assert err.value.field == "from_period"


def test_rule_unknown_rate_kind_is_refused():
    with pytest.raises(InputError, match="Unknown rate kind") as err:
        convert_rate(0.1, "month", "year", kind="growth")
    assert err.value.field == "kind"


def test_rule_ratio_may_exceed_one_but_not_be_negative():
    with pytest.raises(InputError, match="cannot be negative") as err:
        convert_rate(-0.1, "month", "year", kind="ratio")
    assert err.value.field == "rate"


def test_rule_horizon_must_be_at_least_one_period():
    with pytest.raises(InputError, match="at least 1") as err:
        clv(100, 0.8, 0.1, periods=0)
    assert err.value.field == "periods"


def test_rule_horizon_must_be_whole():
    with pytest.raises(InputError, match="whole number") as err:
        clv(100, 0.8, 0.1, periods=2.5)
    assert err.value.field == "periods"
    with pytest.raises(InputError, match="whole number"):
        clv(100, 0.8, 0.1, periods="12")


def test_rule_chart_horizon_is_bounded():
    with pytest.raises(InputError, match=f"at most {MAX_PERIODS} periods") as err:
        margin_curve(100, 0.8, 0.1, MAX_PERIODS + 1)
    assert err.value.field == "periods"


def test_rule_full_retention_without_discount_or_horizon_is_infinite():
    with pytest.raises(InputError, match="Retention of 100% means no customer ever leaves") as err:
        clv(100, 1.0, 0.0)
    assert err.value.field == "retention_rate"


def test_rule_negative_discount_below_churn_makes_value_infinite():
    """With d = -10% and r = 95%, each period is worth 0.95 / 0.9 > 1 times the last."""
    with pytest.raises(InputError, match="keeps growing") as err:
        clv(100, 0.95, -0.1)
    assert err.value.field == "discount_rate"
    with pytest.raises(InputError, match="keeps growing"):
        clv(100, 0.95, -0.9, periods=1000)
    with pytest.raises(InputError, match="keeps growing"):
        margin_curve(100, 0.95, -0.9, 1000)


def test_rule_clv_to_cac_needs_a_cost():
    with pytest.raises(InputError, match="nothing to compare") as err:
        clv_to_cac(900, 0)
    assert err.value.field == "cac"


def test_rule_clv_report_needs_exactly_one_of_churn_and_lifespan():
    with pytest.raises(InputError, match="one of the two") as err:
        clv_report(50, 4, 0.4, 0.1, 120, churn_rate=0.25, lifespan_years=4)
    assert err.value.field == "churn_rate"
    with pytest.raises(InputError, match="one of the two"):
        clv_report(50, 4, 0.4, 0.1, 120)


def test_rule_clv_report_lifespan_of_at_least_one_year():
    with pytest.raises(InputError, match="under 1 year") as err:
        clv_report(50, 4, 0.4, 0.1, 120, lifespan_years=0.5)
    assert err.value.field == "lifespan_years"


def test_rule_messages_name_the_field_when_no_label_is_given():
    """Shared helper: without a label the field's own name keys its label (fields.customers)."""
    with pytest.raises(InputError, match=r"^Customers cannot be negative; got -1\.") as err:
        non_negative(-1, "customers")
    assert err.value.field == "customers"
