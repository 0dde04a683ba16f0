"""Tests of calc.thresholds: the rules table, period conversion, levels, input rules."""

import math

import pytest

from calc import thresholds as t
from calc.clv import convert_rate
from calc.errors import InputError

#: HubSpot's 5-7% churn lines belong to software sold by subscription (issue 12).
SAAS = "saas_small"

# --- the table -----------------------------------------------------------------


def test_rules_table_is_complete_and_consistent():
    keys = [r.key for r in t.RULES]
    assert len(keys) == len(set(keys))
    for r in t.RULES:
        assert r.source and r.next_step and r.metric
        assert r.direction in {"higher_is_better", "lower_is_better", "info"}
        if r.direction == "info":
            assert r.value is not None and r.watch is None and r.act is None
        elif r.direction == "lower_is_better":
            assert r.act > r.watch
        else:
            assert r.act < r.watch


def test_rules_hold_the_published_figures():
    """Issue 2 and its sources: 7% churn, NRR 100%, CLV:CAC 3, 12 months, 5x, 5 points -> 25-95%."""
    assert (t.rule("churn", SAAS).act, t.rule("churn", SAAS).period) == (0.07, "year")
    assert t.CHURN_ACT_YEARLY == 0.07
    assert "annual churn above 5-7%" in t.rule("churn", SAAS).source
    assert t.rule("nrr").watch == 1.0
    assert (t.CLV_CAC_TARGET, t.CLV_CAC_CEILING) == (3.0, 5.0)
    assert t.PAYBACK_TARGET_MONTHS == 12.0
    assert t.ACQUISITION_COST_MULTIPLE == 5.0
    assert (t.RETENTION_UPLIFT_POINTS, t.PROFIT_UPLIFT_LOW, t.PROFIT_UPLIFT_HIGH) == (
        0.05,
        0.25,
        0.95,
    )
    assert "Sasser" in t.rule("profit_uplift_high").source
    assert "Skok" in t.rule("clv_cac").source
    assert t.LEVELS == ("healthy", "watch", "act")


def test_rule_unknown_key():
    with pytest.raises(InputError, match="No rule of thumb called 'ltv'") as err:
        t.rule("ltv")
    assert err.value.field == "key"


# --- churn and retention: conversion before comparison ----------------------------


def test_monthly_churn_is_converted_to_a_year_before_comparing():
    """0.5% a month is 1 - 0.995**12 = 5.84% a year: watch (raw 0.005 < 0.05 would pass)."""
    h = t.churn_health(0.005, "month", business=SAAS)
    assert h.level == "watch"
    assert h.value == pytest.approx(0.0584, abs=5e-5)
    assert (h.threshold, h.period) == (0.05, "year")
    assert h.rule == t.rule("churn", SAAS)
    assert h.source == t.rule("churn", SAAS).source
    assert h.next_step == t.rule("churn", SAAS).next_step


def test_churn_levels_at_and_around_the_lines():
    assert t.churn_health(0.07, "year", business=SAAS).level == "watch"  # "above 7%" is strict
    act = t.churn_health(0.071, "year", business=SAAS)
    assert (act.level, act.threshold) == ("act", 0.07)
    healthy = t.churn_health(0.02, "year", business=SAAS)
    assert (healthy.level, healthy.threshold) == ("healthy", 0.05)
    assert healthy.next_step.startswith("No action needed")


def test_quarterly_churn_conversion_matches_convert_rate():
    h = t.churn_health(0.015, "quarter", business=SAAS)
    assert h.value == pytest.approx(convert_rate(0.015, "quarter", "year"))
    assert h.level == "watch"  # 1 - 0.985**4 = 5.9% a year


def test_retention_mirrors_churn():
    for churn, period in [(0.002, "month"), (0.005, "month"), (0.2, "month"), (0.5, "year")]:
        assert (
            t.retention_health(1 - churn, period, business=SAAS).level
            == t.churn_health(churn, period, business=SAAS).level
        )
    h = t.retention_health(0.99, "month", business=SAAS)
    assert h.value == pytest.approx(0.99**12)


# --- revenue metrics ------------------------------------------------------------


def test_revenue_churn_levels_and_negative_churn():
    assert t.revenue_churn_health(0.005, "month").level == "healthy"
    assert t.revenue_churn_health(0.015, "month").level == "watch"
    assert t.revenue_churn_health(0.03, "month").level == "act"
    negative = t.revenue_churn_health(-0.12, "year")
    assert negative.level == "healthy"
    assert negative.value == pytest.approx(1 - 1.12 ** (1 / 12))


def test_nrr_levels_and_monthly_conversion():
    assert t.nrr_health(1.10).level == "healthy"
    assert t.nrr_health(0.95).level == "watch"
    act = t.nrr_health(0.85)
    assert (act.level, act.threshold, act.period) == ("act", 0.9, "year")
    monthly = t.nrr_health(1.01, "month")
    assert monthly.value == pytest.approx(1.01**12)


def test_grr_levels():
    assert [t.grr_health(x).level for x in (0.95, 0.85, 0.7)] == ["healthy", "watch", "act"]
    assert t.grr_health(0.99, "month").value == pytest.approx(0.99**12)


# --- shop metrics ----------------------------------------------------------------


def test_repeat_purchase_levels():
    assert [t.repeat_purchase_health(x).level for x in (0.3, 0.2, 0.1)] == [
        "healthy",
        "watch",
        "act",
    ]


def test_return_rate_levels():
    assert [t.return_rate_health(x).level for x in (0.05, 0.15, 0.25)] == [
        "healthy",
        "watch",
        "act",
    ]


def test_dso_levels():
    assert [t.dso_health(x).level for x in (30, 50, 91.25)] == ["healthy", "watch", "act"]


def test_nps_levels():
    assert [t.nps_health(x).level for x in (50, 10, -5)] == ["healthy", "watch", "act"]


def test_clv_cac_levels_and_ceiling_note():
    assert [t.clv_cac_health(x).level for x in (4.0, 2.0, 0.5)] == ["healthy", "watch", "act"]
    high = t.clv_cac_health(6.0)
    assert (high.level, high.threshold) == ("healthy", 5.0)
    assert high.next_step == t.rule("clv_cac").ceiling_note
    assert t.clv_cac_health(math.inf).level == "healthy"


def test_payback_levels_and_never():
    assert [t.payback_health(x).level for x in (6, 18, 30)] == ["healthy", "watch", "act"]
    never = t.payback_health(math.inf)
    assert (never.level, never.threshold) == ("act", 24.0)


# --- one test per input rule ---------------------------------------------------------


def test_rule_churn_outside_0_1():
    with pytest.raises(InputError, match="between 0% and 100%") as err:
        t.churn_health(7, "month")
    assert err.value.field == "churn_rate"


def test_rule_unknown_period():
    with pytest.raises(InputError, match="Unknown period 'monthly'") as err:
        t.churn_health(0.05, "monthly")
    assert err.value.field == "period"


def test_rule_retention_outside_0_1():
    with pytest.raises(InputError, match="between 0% and 100%") as err:
        t.retention_health(1.5, "month")
    assert err.value.field == "retention_rate"


def test_rule_revenue_churn_above_100pct():
    with pytest.raises(InputError, match="cannot be above 100%") as err:
        t.revenue_churn_health(1.5, "month")
    assert err.value.field == "revenue_churn_rate"


def test_rule_negative_nrr():
    with pytest.raises(InputError, match="cannot be negative") as err:
        t.nrr_health(-0.1)
    assert err.value.field == "nrr"


def test_rule_grr_outside_0_1():
    with pytest.raises(InputError, match="between 0% and 100%") as err:
        t.grr_health(1.1)
    assert err.value.field == "grr"


def test_rule_repeat_rate_outside_0_1():
    with pytest.raises(InputError, match="between 0% and 100%") as err:
        t.repeat_purchase_health(-0.1)
    assert err.value.field == "repeat_purchase_rate"


def test_rule_return_rate_outside_0_1():
    with pytest.raises(InputError, match="between 0% and 100%") as err:
        t.return_rate_health(2)
    assert err.value.field == "return_rate"


def test_rule_negative_dso():
    with pytest.raises(InputError, match="cannot be negative") as err:
        t.dso_health(-3)
    assert err.value.field == "days"


def test_rule_nps_outside_range():
    with pytest.raises(InputError, match="runs from -100 to 100") as err:
        t.nps_health(120)
    assert err.value.field == "score"


def test_rule_negative_ratio():
    with pytest.raises(InputError, match="cannot be negative") as err:
        t.clv_cac_health(-1)
    assert err.value.field == "ratio"


def test_rule_payback_not_a_number():
    with pytest.raises(InputError, match="not a number") as err:
        t.payback_health(float("nan"))
    assert err.value.field == "payback_months"
