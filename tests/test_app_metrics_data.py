"""AppTest: retention metrics measured in the file in use, beside the typed ones (issue 18).

The files are written here and their figures hand-worked:

SUBSCRIPTIONS (one month a term, no interval column; the newest start, F's, is
2025-01-20, the day the file is taken to show):
  A 2024-01-10 to 2024-02-05, before its renewal on 2024-02-10: early.
  B from 2024-01-15, active: not early.
  C 2024-02-01 to 2024-03-01, its renewal day: early (never renewed).
  D 2024-02-01 to 2024-06-15: renewed, not early.
  E 2024-03-01 at 30, a new row at 10 from 2024-04-10 (a plan change, the same spell):
    not early; a downgrade of 20 in April 2024.
  F from 2025-01-20: renewal 2025-02-20 is after 2025-01-20, left out.
  Early cancellation 2 / 5 = 40.0%.
  MRR at the end of January 2024: A 30 + B 30 = 60 (ARR 720); of January 2025:
  B 30 + E 10 + F 30 = 70 (ARR 840): ARR growth 120 / 720 = +16.7%.
  Downgrades from February 2024 to January 2025: one (E), 20 of MRR against 60 at the
  end of January 2024 = 33.3%; customers paying in those months: B, C, D, E, F = 5.

ORDERS: a on 1 and 11 January (10 days), b on 5 January and 4 February (30 days), c
once: median time to a second order (10 + 30) / 2 = 20 days; 2 of 3 customers = 66.7%.
"""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.i18n import catalogue, speaking, t

APP = str(Path(__file__).parents[1] / "app.py")
PAGE = "pages/2_Retention_metrics.py"
SUBSCRIPTIONS = (
    "customer_id,plan,start_date,end_date,monthly_amount\n"
    "A,Pro,2024-01-10,2024-02-05,30\n"
    "B,Pro,2024-01-15,,30\n"
    "C,Basic,2024-02-01,2024-03-01,10\n"
    "D,Basic,2024-02-01,2024-06-15,10\n"
    "E,Pro,2024-03-01,2024-04-10,30\n"
    "E,Basic,2024-04-10,,10\n"
    "F,Pro,2025-01-20,,30\n"
)
ORDERS = (
    "customer_id,date,amount\n"
    "a,2024-01-01,10\n"
    "a,2024-01-11,10\n"
    "b,2024-01-05,20\n"
    "b,2024-02-04,20\n"
    "c,2024-01-07,5\n"
)
ENGLISH = __import__("tests.test_i18n", fromlist=["ENGLISH"]).ENGLISH


def with_file(name: str, content: bytes, lang: str = "en") -> AppTest:
    """Upload a file on Your data, then open the Retention metrics page."""
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("pages/5_Your_data.py").run()
    at.file_uploader[0].set_value((name, content, "text/csv")).run()
    assert not at.exception
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def shown(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_subscription_file_measures_beside_the_typed_figures():
    at = with_file("subs.csv", SUBSCRIPTIONS.encode())
    metrics = shown(at)
    assert metrics[t("md.early_cancel")] == "40.0%"
    assert metrics[t("md.arr_growth")] == "+16.7%"
    assert metrics[t("md.contraction")] == "33.3%"
    # the typed figures of the worked example are still there, unchanged and told apart
    assert metrics[t("mm.early_cancel")] == "7.5%"
    assert metrics[t("mm.arr_growth")] == "+5.0%"
    assert at.number_input(key="m_subs_started").value == 80.0
    captions = [c.value for c in at.caption]
    assert t("md.term_one_month") in captions
    assert any(
        "Rests on 5 customers; 1 still in their first term are left out." in c for c in captions
    )
    assert any("Downgrades: 1 (customers: 1); MRR lost: €20.00." in c for c in captions)
    assert any("Rests on 5 customers paying in those months." in c for c in captions)
    texts = [m.value for m in at.markdown]
    assert any("= 2 / 5 = **40.0%**" in x for x in texts)
    assert any("(€840 \u2212 €720) / €720 = **+16.7%**" in x for x in texts)
    assert any("= €20.00 / €60.00 = **33.3%**; downgrades: 1" in x for x in texts)
    assert not at.error


def test_use_these_numbers_copies_them_into_the_inputs_only_on_click():
    at = with_file("subs.csv", SUBSCRIPTIONS.encode())
    at.button(key="md_use_early_cancel").click().run()
    assert not at.exception
    assert at.number_input(key="m_subs_started").value == 5.0
    assert at.number_input(key="m_cancel_early").value == 2.0
    assert shown(at)[t("mm.early_cancel")] == "40.0%"
    assert t("journeys.from_file") in [c.value for c in at.caption]
    at.button(key="md_use_arr_growth").click().run()
    assert at.number_input(key="m_arr_prev").value == 720.0
    assert at.number_input(key="m_arr_now").value == 840.0
    assert shown(at)[t("mm.arr_growth")] == "+16.7%"


def test_stripe_export_uses_each_plans_billing_interval_and_says_downgrades_cannot_show():
    """Stripe's export has an Interval column (month, year, week): each plan's own term is
    used, so cus_Sa09's yearly plan (2023-03-01 to 2024-03-01, ended on its first renewal
    day) is cancelled early: 1 of the 4 whose first term is over (as of 2024-05-06, the
    newest start; Sa02, Sa08 and Sa10 are still in theirs). One row per customer cannot
    show a downgrade, which is said rather than claimed as 0."""
    data = (
        Path(__file__).parent / "fixtures" / "platforms" / "stripe_subscriptions.csv"
    ).read_bytes()
    at = with_file("subscriptions.csv", data)
    captions = [c.value for c in at.caption]
    assert t("md.term_one_month_ignored", column="Interval") not in captions
    terms = ", ".join([t("md.term_1"), t("md.term_12")])
    assert t("md.term_file_mixed", terms=terms) in captions
    assert shown(at)[t("md.early_cancel")] == "25.0%"
    assert t("md.contraction_cannot") in captions
    assert t("md.contraction") not in shown(at)


@pytest.mark.parametrize(
    ("lang", "median", "share"), [("en", "20 days", "66.7%"), ("pl", "20 dni", "66,7%")]
)
def test_order_file_gives_the_time_to_a_second_order(lang, median, share):
    at = with_file("orders.csv", ORDERS.encode(), lang)
    with speaking(lang):
        label, said = t("md.first_repeat"), t("md.first_repeat_share", share=share)
        segments = t("md.segments")
    assert shown(at)[label] == median
    captions = [c.value for c in at.caption]
    assert said in captions and segments in captions
    if lang != "en":
        starts = [v.split("{")[0] for k, v in catalogue(lang).items() if k.startswith("md.")]
        starts = [x for x in starts if len(x) >= 10]
        texts = [c for c in captions if any(c.startswith(x) for x in starts)]
        assert len(texts) >= 5
        texts += [m.label for m in at.metric if "(" in m.label]
        assert texts and [x for x in texts if ENGLISH.search(x)] == []


def test_without_a_file_the_page_points_to_your_data_and_segments():
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert t("md.no_file") in captions and t("md.segments") in captions
    metrics = shown(at)
    for key in ("early_cancel", "arr_growth", "contraction", "first_repeat"):
        assert t(f"md.{key}") not in metrics
    assert metrics[t("mm.early_cancel")] == "7.5%"
