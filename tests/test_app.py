"""AppTest checks of every page: it runs, shows calc's numbers, and handles bad input.

Widgets are driven by key, as the UI keys them (see ui/state.py).
"""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from calc.churn import churn_cost
from calc.clv import clv_report, convert_rate
from calc.metrics import customer_retention_rate, net_revenue_retention
from calc.scenario import retention_uplift
from ui.chrome import PAGES
from ui.format import money, number, pct, signed_pct
from ui.i18n import t

APP = str(Path(__file__).parents[1] / "app.py")


def open_page(path: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    if path != "app.py":
        at.switch_page(path).run()
    assert not at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("info", PAGES, ids=lambda p: p.key)
def test_every_page_runs_without_exception(info):
    at = open_page(info.path)
    assert at.title[0].value
    assert not at.error


def test_clv_page_shows_calc_numbers_for_the_worked_example():
    at = open_page("pages/1_Customer_value.py")
    expected = clv_report(45, 4, 0.40, 0.08, 60, churn_rate=0.30)
    assert metric(at, "Lifetime revenue per customer") == money(expected.revenue_clv, "EUR")
    assert metric(at, "Customer lifetime value (CLV)") == money(
        expected.discounted_margin_clv, "EUR"
    )
    assert metric(at, "CLV : CAC") == "3.4 : 1"
    assert metric(at, "Time to earn back CAC") == "10 months"


def test_clv_page_follows_a_changed_input():
    at = open_page("pages/1_Customer_value.py")
    at.number_input(key="aov").set_value(90.0).run()
    expected = clv_report(90, 4, 0.40, 0.08, 60, churn_rate=0.30)
    assert metric(at, "Lifetime revenue per customer") == money(expected.revenue_clv, "EUR")


def test_clv_page_zero_churn_shows_message_under_the_field_and_keeps_input():
    at = open_page("pages/1_Customer_value.py")
    at.number_input(key="churn").set_value(0.0).run()
    assert not at.exception
    inputs = at.columns[0]
    assert any("Churn of 0%" in e.value for e in inputs.error)
    assert at.number_input(key="churn").value == 0.0
    assert not at.metric  # no results from numbers that cannot be used


def test_clv_page_negative_price_is_refused_with_a_message():
    at = open_page("pages/1_Customer_value.py")
    at.number_input(key="aov").set_value(-5.0).run()
    assert any("cannot be negative" in e.value for e in at.columns[0].error)
    assert at.number_input(key="aov").value == -5.0


def test_clv_lifespan_mode_uses_years():
    at = open_page("pages/1_Customer_value.py")
    at.radio(key="clv_mode").set_value("life").run()
    at.number_input(key="life").set_value(5.0).run()
    expected = clv_report(45, 4, 0.40, 0.08, 60, lifespan_years=5)
    assert metric(at, "Lifetime revenue per customer") == money(expected.revenue_clv, "EUR")


def test_metrics_page_matches_calc_and_hides_metrics_of_empty_fields():
    at = open_page("pages/2_Retention_metrics.py")
    assert metric(at, "Customer retention rate") == pct(customer_retention_rate(1000, 940, 120))
    assert metric(at, "Net revenue retention (NRR)") == pct(
        net_revenue_retention(20000, 1500, 500, 1200)
    )
    at.number_input(key="m_mrr").set_value(None).run()
    labels = [m.label for m in at.metric]
    assert "Net revenue retention (NRR)" not in labels
    assert "Customer retention rate" in labels


def test_metrics_page_impossible_counts_show_a_message_and_keep_other_metrics():
    at = open_page("pages/2_Retention_metrics.py")
    at.number_input(key="m_new").set_value(2000.0).run()
    assert not at.exception
    assert any("New customers" in e.value for e in at.error)
    assert "Average order value" in [m.label for m in at.metric]


def test_metrics_page_bad_nps_answer_is_quoted():
    at = open_page("pages/2_Retention_metrics.py")
    at.text_area(key="m_nps").set_value("10, 9, eleven").run()
    assert any("'eleven'" in e.value for e in at.error)
    assert at.text_area(key="m_nps").value == "10, 9, eleven"


def test_what_if_headline_equals_calc():
    at = open_page("pages/3_What_if.py")
    result = retention_uplift(1000, 0.70, 300, 72, 0.10, 60, 0.08, 10, 0.05)
    headline = at.markdown[0].value
    assert f"{signed_pct(result.profit_change)} profit over 10 years" in headline
    at.slider(key="wi_ret").set_value(80.0).run()
    moved = retention_uplift(1000, 0.80, 300, 72, 0.10, 60, 0.08, 10, 0.05)
    assert f"{signed_pct(moved.profit_change)} profit" in at.markdown[0].value


def test_what_if_uplift_beyond_100_percent_is_explained():
    at = open_page("pages/3_What_if.py")
    at.slider(key="wi_ret").set_value(99.0).run()
    at.slider(key="wi_up").set_value(5.0).run()
    assert any("outside 0% to 100%" in e.value for e in at.error)
    assert not at.exception


def test_churn_check_converts_and_judges():
    at = open_page("pages/4_Churn_check.py")
    at.number_input(key="ch_churn").set_value(8.0).run()
    cost = churn_cost(0.08, "month", 1000, 72)
    assert metric(at, "Churn per year") == pct(cost.annual_churn, 2)
    assert metric(at, "Customers lost per year") == number(cost.customers_lost)
    assert at.subheader[0].value == "Your churn needs attention"
    # 1,000 x (63.2% - 25%) a year: the customers a churn at the watch line would keep
    kept = "Customers you would keep a year by bringing churn down to 25.0% a year"
    assert metric(at, kept) == number(cost.customers_kept_at_watch_line) == "382"
    assert not any("already at or below" in c.value for c in at.caption)


def test_churn_below_the_watch_line_says_there_is_nobody_to_win_back():
    """A 0 under "customers you would keep" with a healthy churn once read as keeping none."""
    at = open_page("pages/4_Churn_check.py")
    at.number_input(key="ch_churn").set_value(1.0).run()  # 11.4% a year, under 25%
    assert at.subheader[0].value == "Your churn is healthy"
    kept = "Customers you would keep a year by bringing churn down to 25.0% a year"
    assert metric(at, kept) == "0"
    assert any("already at or below this line" in c.value for c in at.caption)
    # the chart's act line is the rule's, not a fixed 7% (the line of another business)
    assert any("the act line (45.0% a year) converted" in c.value for c in at.caption)


def test_a_number_typed_once_is_shared_between_pages():
    at = open_page("pages/1_Customer_value.py")
    at.number_input(key="churn").set_value(40.0).run()
    at.number_input(key="cac").set_value(80.0).run()
    at.switch_page("pages/3_What_if.py").run()
    assert at.slider(key="wi_ret").value == 60.0
    assert at.slider(key="wi_cac").value == 80.0
    at.switch_page("pages/4_Churn_check.py").run()
    # as typed, in its own period: 40% a year, never 4.17% a month and 40.01% a year
    assert at.number_input(key="ch_churn").value == 40.0
    assert at.segmented_control(key="ch_period").value == "year"
    assert metric(at, "Churn per year") == "40%"
    at.switch_page("pages/1_Customer_value.py").run()
    assert at.number_input(key="churn").value == 40.0


def test_a_monthly_churn_reaches_the_clv_page_labelled_as_derived():
    at = open_page("pages/4_Churn_check.py")
    at.number_input(key="ch_churn").set_value(3.0).run()
    assert metric(at, "Churn per month") == "3%"
    at.switch_page("pages/1_Customer_value.py").run()
    yearly = convert_rate(0.03, "month", "year")
    assert at.number_input(key="churn").value == pytest.approx(yearly * 100, abs=0.005)
    assert any("Derived from the churn typed on Churn check: 3%" in c.value for c in at.caption)
    at.number_input(key="churn").set_value(30.0).run()  # typed here: no longer derived
    assert not any("Derived from the churn" in c.value for c in at.caption)


@pytest.mark.parametrize("churn", [33.33, 73.0, 2.5])
def test_every_what_if_value_handed_over_from_clv_arrives_unchanged(churn):
    """Issue 12: What-if asks, never clamps (a churn of 73% once became retention 50%)."""
    at = open_page("pages/1_Customer_value.py")
    at.selectbox(key="cur_pick").set_value("NOK").run()
    at.number_input(key="churn").set_value(churn).run()
    at.number_input(key="aov").set_value(484.0).run()  # 484 x 4 x 40% = 774.4 kr a year
    at.number_input(key="cac").set_value(2500.0).run()
    at.number_input(key="disc").set_value(35.0).run()
    at.switch_page("pages/3_What_if.py").run()
    assert not at.exception
    for key, value in (
        ("wi_ret", round(100 - churn, 10)),
        ("wi_margin", 774.4),
        ("wi_cac", 2500.0),
        ("wi_disc", 35.0),
    ):
        slider = at.slider(key=key)
        assert slider.value == pytest.approx(value, abs=1e-9), key
        assert slider.min <= slider.value <= slider.max, key
    assert at.slider(key="wi_margin").max == 10_000  # 1,000 EUR is about 10,000 kr


def test_what_if_assumptions_are_visible_inputs_and_come_from_the_file():
    at = open_page("pages/5_Your_data.py")
    at.session_state["up_sample"] = "orders_european.csv"
    at.run()
    at.button(key="up_use_clv").click().run()
    assert not at.exception
    assert at.title[0].value == t("clv.title")  # taken to the page the numbers went to
    said = at.success[0].value
    assert said.startswith("Set from your file") and "customers today" in said
    at.switch_page("pages/3_What_if.py").run()
    customers = at.session_state["wi_start"]
    assert at.number_input(key="wi_start").value == customers > 0
    assert at.number_input(key="wi_new").value > 0
    assert t("journeys.assumptions_title") in [m.value.strip("*") for m in at.markdown]
    assert t("journeys.from_file") in [c.value for c in at.caption]


def test_clv_page_without_acquisition_cost_explains_missing_ratio():
    at = open_page("pages/1_Customer_value.py")
    at.number_input(key="cac").set_value(0.0).run()
    assert not at.exception
    assert metric(at, "CLV : CAC") == t("fmt.not_available")
    assert any("acquisition cost above 0" in i.value for i in at.info)
