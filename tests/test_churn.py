"""Tests of calc.churn: the churn check's conversions, verdict and cost."""

import pytest

from calc.churn import churn_by_period, churn_cost
from calc.errors import InputError


def test_monthly_three_percent_is_thirty_point_six_a_year_not_thirty_six():
    """Hand-worked: 1 - 0.97**12 = 0.30616 (compounding), 1 - 0.97**3 = 0.08733."""
    table = churn_by_period(0.03, "month").set_index("period")
    assert table.loc["year", "churn"] == pytest.approx(0.30616, abs=5e-6)
    assert table.loc["quarter", "churn"] == pytest.approx(0.087327, abs=5e-7)


def test_thresholds_are_converted_with_the_churn():
    """The 7%-a-month act line is 1 - 0.93**12 = 58.1% a year."""
    table = churn_by_period(0.5, "year").set_index("period")
    assert table.loc["month", "act"] == pytest.approx(0.07)
    assert table.loc["year", "act"] == pytest.approx(1 - 0.93**12)
    assert set(table["level"]) == {"watch"}  # 50%/yr = 5.6%/month: between 5% and 7%


def test_verdict_does_not_depend_on_the_period_typed():
    monthly = churn_by_period(0.08, "month")["level"].iloc[0]
    yearly = churn_by_period(1 - 0.92**12, "year")["level"].iloc[0]
    assert monthly == yearly == "act"


def test_cost_hand_worked():
    """2,000 customers, 20% a year, margin 150: 400 lost, 60,000 of margin a year.

    The watch line (5% a month) is 1 - 0.95**12 = 45.96% a year: already below it.
    """
    cost = churn_cost(0.20, "year", 2000, 150)
    assert cost.customers_lost == pytest.approx(400)
    assert cost.margin_lost == pytest.approx(60_000)
    assert cost.customers_kept_at_watch_line == 0
    assert cost.verdict.level == "healthy"


def test_cost_saved_at_watch_line():
    """10% a month: 1 - 0.9**12 = 71.76% a year vs 45.96%: 1,000 x 0.2580 = 258 kept."""
    cost = churn_cost(0.10, "month", 1000, 100)
    assert cost.customers_kept_at_watch_line == pytest.approx(
        1000 * ((1 - 0.9**12) - (1 - 0.95**12))
    )
    assert cost.verdict.level == "act"


def test_negative_customers_are_refused():
    with pytest.raises(InputError, match="cannot be negative") as err:
        churn_cost(0.1, "month", -1, 100)
    assert err.value.field == "customers"


def test_negative_margin_is_refused():
    with pytest.raises(InputError, match="cannot be negative") as err:
        churn_cost(0.1, "month", 100, -5)
    assert err.value.field == "margin_per_customer"


def test_churn_above_100_percent_is_refused():
    with pytest.raises(InputError) as err:
        churn_by_period(1.5, "month")
    assert err.value.field == "churn_rate"
