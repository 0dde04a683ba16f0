"""AppTest of the rest of the retention metrics on the Retention metrics page (issue 18).

The worked example of ui/state.py, hand-worked: time to value median of
2, 3, 1, 5, 8, 2, 4, 14, 3, 6 = 3.5 days; activation 84 / 120 = 70%; early
cancellation 6 / 80 = 7.5%; CSAT 16 of 20 answers 4-5 = 80%; six tickets aged
3, 0.5, 10, 2, 1, 6 -> median 2.5 days; 12 downgrades, 500 of 20,000 MRR =
2.5%; ARR 240,000 -> 252,000 = +5.0%; 1,000 customers, 500 invitations, 60
converted -> K = 0.06.
"""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from calc.messages import catalogue as calc_catalogue
from ui.i18n import catalogue, speaking, t
from ui.state import EXAMPLE, PAGE_INPUTS

APP = str(Path(__file__).parents[1] / "app.py")
PAGE = "pages/2_Retention_metrics.py"
NEW_KEYS = (
    "m_ttv",
    "m_signups",
    "m_activated",
    "m_subs_started",
    "m_cancel_early",
    "m_csat",
    "m_tickets",
    "m_ticket_age",
    "m_downgrades",
    "m_arr_prev",
    "m_arr_now",
    "m_vir_base",
    "m_vir_inv",
    "m_vir_conv",
    "m_vir_cycles",
)
CARDS = (
    "time_to_value",
    "activation",
    "early_cancel",
    "csat",
    "backlog",
    "contraction",
    "arr_growth",
    "virality",
)
#: ``tests/test_i18n.py``'s check for English words left in another language.
ENGLISH = __import__("tests.test_i18n", fromlist=["ENGLISH"]).ENGLISH


def open_page(lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_new_inputs_travel_in_the_shared_link():
    assert set(NEW_KEYS) <= set(PAGE_INPUTS["metrics"])
    assert all(key in EXAMPLE for key in NEW_KEYS)


def test_worked_example_in_english_with_formulas_and_verdicts():
    at = open_page()
    shown = metrics(at)
    assert shown[t("mm.time_to_value")] == "3.5 days"
    assert shown[t("mm.activation")] == "70.0%"
    assert shown[t("mm.early_cancel")] == "7.5%"
    assert shown[t("mm.csat")] == "80.0%"
    assert shown[t("mm.backlog")] == "2.5 days"
    assert shown[t("mm.contraction")] == "2.5%"
    assert shown[t("mm.arr_growth")] == "+5.0%"
    assert shown[t("mm.virality")] == "0.06"
    texts = [m.value for m in at.markdown]
    # the formula panels carry the user's own numbers
    assert any("84 / 120 = **70.0%**" in text for text in texts)
    assert any("(€252,000 \u2212 €240,000) / €240,000 = **+5.0%**" in text for text in texts)
    k_formula = "(500 / 1,000) \u00d7 (60 / 500) = 0.5 \u00d7 12.0% = **0.06**"
    assert any(k_formula in text for text in texts)
    captions = [c.value for c in at.caption]
    # 1000 (1 + 0.06 + ... + 0.06^5) = 1063.83; levels off at 1000 / 0.94 = 1063.83 too
    assert any("1,000 become 1,064 after 5 cycles and never more than 1,064" in c for c in captions)
    # ARR +5% is under the general 10% line: watch, with its next step
    assert any(t("rule.arr_growth.next_step") in text for text in texts)
    assert not at.error


def test_empty_inputs_hide_the_metrics_that_need_them():
    """Emptied text fields hide their cards; the other cards and no message stay."""
    at = open_page()
    for key in ("m_ttv", "m_csat", "m_ticket_age"):
        at.text_area(key=key).set_value("").run()
    shown = metrics(at)
    for hidden in ("time_to_value", "csat", "backlog"):
        assert t(f"mm.{hidden}") not in shown
    for kept in ("activation", "early_cancel", "contraction", "arr_growth", "virality"):
        assert t(f"mm.{kept}") in shown
    assert not at.exception and not at.error


@pytest.mark.parametrize(
    ("kind", "key", "value", "code"),
    [
        ("number_input", "m_activated", 500.0, "metrics_more.activated_over_new"),
        ("text_area", "m_csat", "5, 4, 6", "metrics_more.not_rating"),
        ("text_area", "m_ticket_age", "1, 2", "metrics_more.ages_count"),
        ("number_input", "m_vir_conv", 900.0, "metrics_more.converted_over_invited"),
    ],
)
def test_bad_input_is_explained_and_kept(kind, key, value, code):
    at = open_page()
    getattr(at, kind)(key=key).set_value(value).run()
    assert not at.exception
    first_words = calc_catalogue("en")[code].split("{")[0]
    assert any(e.value.startswith(first_words) for e in at.error), [e.value for e in at.error]
    assert getattr(at, kind)(key=key).value == value
    assert len(at.metric) > 10  # the other metrics stay


def test_a_business_type_changes_the_line_and_says_so():
    at = open_page()
    at.session_state["business"] = "saas_small"
    at.run()
    captions = " ".join(c.value for c in at.caption)
    assert t("rule.cite.userpilot_activation.source") in captions
    assert t("rule.cite.saas_capital_growth.source") in captions


def test_polish_page_has_no_english_left():
    at = open_page("pl")
    shown = metrics(at)
    with speaking("pl"):
        labels = [t(f"mm.{card}") for card in CARDS]
        sources = [v for k, v in catalogue("pl").items() if k.endswith(".source")]
    assert set(labels) <= set(shown)
    assert shown[labels[0]] == "3,5 dnia"
    texts = [e.value for e in (*at.subheader, *at.caption, *at.markdown, *at.error)]
    texts += [e.label for e in (*at.metric, *at.number_input, *at.text_area, *at.expander)]
    for source in sources:
        texts = [text.replace(source, "") for text in texts]
    assert [text for text in texts if ENGLISH.search(text)] == []


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_your_data_ranks_churn_reasons_of_a_subscription_file(lang):
    from tests.test_metrics_more import SUBSCRIPTIONS

    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("pages/5_Your_data.py").run()
    at.file_uploader[0].set_value(("subscriptions.csv", SUBSCRIPTIONS.encode(), "text/csv")).run()
    assert not at.exception
    with speaking(lang):
        title, none = t("mm.reasons_title"), t("mm.no_reason")
    assert title in [s.value for s in at.subheader]
    reasons = next(f.value for f in at.dataframe if "churn_reason" in f.value.columns)
    assert reasons["churn_reason"].tolist()[:3] == ["switched_service", "too_expensive", none]
    assert reasons["mrr_lost"].tolist()[:2] == [99.0, 38.0]
    if lang != "en":
        texts = [e.value for e in (*at.subheader, *at.caption)]
        sources = [v for k, v in catalogue(lang).items() if k.endswith(".source")]
        for source in sources:
            texts = [text.replace(source, "") for text in texts]
        assert [text for text in texts if ENGLISH.search(text)] == []
