"""Shared links: every input of the CLV, metrics, what-if and churn pages lives in the URL.

Each test opens a page the way a shared link does (a new session with query
parameters) and checks both the widget and the number calc gives for it.
"""

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from calc.churn import churn_cost
from calc.clv import clv_report
from calc.metrics import customer_retention_rate
from calc.scenario import retention_uplift
from ui import state
from ui.format import money, number, pct, signed_pct
from ui.share import label

APP = str(Path(__file__).parents[1] / "app.py")
CLV = "pages/1_Customer_value.py"
METRICS = "pages/2_Retention_metrics.py"
WHATIF = "pages/3_What_if.py"
CHURN = "pages/4_Churn_check.py"


def open_link(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update(params)
    at.switch_page(page).run()
    assert not at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def shared_link(at: AppTest) -> dict[str, str]:
    """The parameters of the link the page offers to copy."""
    return dict(parse_qsl(urlsplit(at.code[0].value).query))


def test_clv_link_sets_inputs_and_numbers():
    at = open_link(CLV, aov="90", clv_mode="life", life="5", cur="USD")
    assert at.number_input(key="aov").value == 90.0
    assert at.radio(key="clv_mode").value == "life"
    assert at.number_input(key="life").value == 5.0
    expected = clv_report(90, 4, 0.40, 0.08, 60, lifespan_years=5)
    assert metric(at, "Lifetime revenue per customer") == money(expected.revenue_clv, "USD")
    assert not at.warning


def test_clv_link_with_a_value_equal_to_the_widget_default_is_kept():
    """0 is a number input's own default, so Streamlit alone would drop it."""
    at = open_link(CLV, cac="0")
    assert at.number_input(key="cac").value == 0.0
    assert shared_link(at)["cac"] == "0.0"


def test_metrics_link_sets_period_and_counts():
    at = open_link(METRICS, m_period="month", m_start="2000", m_end="1900", m_new="100")
    assert at.segmented_control(key="m_period").value == "month"
    assert at.number_input(key="m_start").value == 2000.0
    assert metric(at, "Customer retention rate") == pct(customer_retention_rate(2000, 1900, 100))


def test_what_if_link_sets_sliders_and_headline():
    at = open_link(WHATIF, wi_ret="80", wi_up="2.5", wi_years="5")
    assert at.slider(key="wi_ret").value == 80.0
    assert at.slider(key="wi_years").value == 5
    result = retention_uplift(1000, 0.80, 300, 72, 0.10, 60, 0.08, 5, 0.025)
    assert f"{signed_pct(result.profit_change)} profit over 5 years" in at.markdown[0].value


def test_churn_link_sets_period_and_verdict():
    at = open_link(CHURN, ch_churn="8", ch_period="quarter", ch_customers="500")
    assert at.segmented_control(key="ch_period").value == "quarter"
    assert at.number_input(key="ch_churn").value == 8.0
    cost = churn_cost(0.08, "quarter", 500, 72)
    assert metric(at, "Customers lost per year") == number(cost.customers_lost)


@pytest.mark.parametrize(
    ("page", "changes"),
    [
        (CLV, {"aov": 70.0, "cac": 0.0}),
        (METRICS, {"m_start": 1500.0, "m_new": 0.0}),
        (WHATIF, {"wi_start": 2500.0, "wi_new": 0.0}),
        (CHURN, {"ch_customers": 0.0, "ch_margin": 10.0}),
    ],
    ids=["clv", "metrics", "whatif", "churn"],
)
def test_the_offered_link_reopens_the_same_numbers(page, changes):
    at = open_link(page)
    for key, value in changes.items():
        at.number_input(key=key).set_value(value).run()
    params = shared_link(at)
    again = open_link(page, **params)
    for key, value in changes.items():
        assert again.number_input(key=key).value == value
    assert [m.value for m in again.metric] == [m.value for m in at.metric]


def test_the_link_of_the_worked_example_carries_only_its_language():
    at = open_link(CLV)
    assert urlsplit(at.code[0].value).query == "lang=en"


@pytest.mark.parametrize(
    ("page", "params", "key", "example"),
    [
        (CLV, {"aov": "forty"}, "aov", 45.0),
        (CLV, {"churn": "nan"}, "churn", 30.0),
        (WHATIF, {"wi_ret": "200"}, "wi_ret", 70.0),
        (WHATIF, {"wi_years": "inf"}, "wi_years", 10),
    ],
)
def test_a_hand_edited_value_falls_back_to_the_example_with_a_note(page, params, key, example):
    at = open_link(page, **params)
    widget = at.slider(key=key) if key.startswith("wi_") else at.number_input(key=key)
    assert widget.value == example
    assert any(label(key) in w.value for w in at.warning)
    at.run()
    assert not at.warning  # said once


@pytest.mark.parametrize(
    ("page", "params", "key", "example"),
    [
        (CLV, {"clv_mode": "forever"}, "clv_mode", "churn"),
        (METRICS, {"m_period": "decade"}, "m_period", "year"),
        (CHURN, {"ch_period": ""}, "ch_period", "month"),
    ],
)
def test_an_unknown_option_falls_back_to_the_example(page, params, key, example):
    at = open_link(page, **params)
    widget = at.radio(key=key) if key == "clv_mode" else at.segmented_control(key=key)
    assert widget.value == example
    assert any(label(key) in w.value for w in at.warning)


def test_an_unknown_currency_or_parameter_is_harmless():
    at = open_link(CLV, cur="XYZ", utm_source="mail", up_shape="orders")
    assert at.selectbox(key="cur_pick").value == "EUR"
    assert any("Currency" in w.value for w in at.warning)
    assert at.session_state["up_shape"] == "auto"


def test_what_if_slider_bounds_lie_within_the_limits_links_are_checked_against():
    at = open_link(WHATIF)
    for key, (lo, hi) in state.SLIDERS.items():
        slider = at.slider(key=key)
        assert (slider.min, slider.max) == state.SLIDER_VIEW[key]  # the worked example fits
        assert lo <= slider.min <= slider.value <= slider.max <= hi


def test_a_linked_value_beyond_the_usual_range_widens_the_slider():
    at = open_link(WHATIF, wi_margin="1935.8", wi_ret="40", cur="NOK")
    assert not at.warning
    assert at.slider(key="wi_margin").value == 1935.8
    assert at.slider(key="wi_ret").value == 40.0
    assert at.slider(key="wi_ret").min == 40.0


@pytest.mark.parametrize(
    ("page", "widget", "key", "code"),
    [(CHURN, "segmented_control", "ch_period", "year"), (CLV, "radio", "clv_mode", "life")],
)
def test_a_choice_travels_in_links_as_its_code_in_any_language(page, widget, key, code):
    at = open_link(page, lang="nb")
    getattr(at, widget)(key=key).set_value(code).run()
    assert at.query_params[key] == [code] or at.query_params[key] == code
    assert f"{key}={code}" in at.code[0].value
    assert "lang=nb" in at.code[0].value


def test_a_link_value_is_then_shared_with_the_other_pages():
    at = open_link(CLV, churn="40")
    at.number_input(key="churn").set_value(50.0).run()
    at.switch_page(WHATIF).run()
    assert at.slider(key="wi_ret").value == 50.0
    at.switch_page(CLV).run()
    assert at.number_input(key="churn").value == 50.0


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("aov", "12.5", 12.5),
        ("wi_years", "7", 7),
        ("m_nps", "9, 10", "9, 10"),
        ("cur", "GBP", "GBP"),
    ],
)
def test_from_url_reads_each_kind_of_input(key, text, value):
    assert state.from_url(key, text) == value


@pytest.mark.parametrize(
    ("key", "text"),
    [("aov", "-inf"), ("wi_up", "21"), ("clv_mode", "x"), ("up_shape", "orders"), ("freq", "")],
)
def test_from_url_refuses_what_a_link_cannot_carry(key, text):
    with pytest.raises(ValueError):
        state.from_url(key, text)


def test_the_note_names_inputs_as_the_page_does():
    assert label("aov") == "Average order value"
    assert label("cur") == "Currency"
    assert label("m_gap") == "m_gap"  # in the example, drawn by no page
