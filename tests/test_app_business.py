"""AppTest: every verdict judged against the user's kind of business, and one churn per data set.

Issue 12. A shop's order upload shows one yearly churn with its definition in
words and no "Act now" for a normal shop; the same churn on Your data,
Forecast and Overview and carried by "use these numbers"; ``business=`` in a
link picks the lines (software for small firms at 35% a year must act, a café
must not).
"""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from calc import history
from calc.upload import read
from ui.format import pct
from ui.i18n import t

ROOT = Path(__file__).parents[1]
APP = str(ROOT / "app.py")
SAMPLE = "orders_european.csv"


def sample_churn() -> float:
    """The European sample's headline churn, straight from calc (313 buyers, 229 lost)."""
    data = (ROOT / "samples" / SAMPLE).read_bytes()
    return history.analyse(read(data, SAMPLE).table).churn.churn


def on_page(path: str, sample: str | None = SAMPLE, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(path).run()
    at.run()  # AppTest shows a page's first run with the sidebar's widgets at their defaults
    if sample:
        at.session_state["up_sample"] = sample
        at.run()
    assert not at.exception
    return at


def metric(at: AppTest, label_key: str) -> str:
    return next(m.value for m in at.metric if m.label == t(label_key))


def acts(at: AppTest) -> bool:
    return any(t("level.act") in m.value for m in at.markdown)


def test_a_shops_upload_shows_the_yearly_churn_in_words_and_no_act_now():
    at = on_page("pages/5_Your_data.py")
    churn = sample_churn()
    assert metric(at, "datachurn.metric") == pct(churn)
    definition = [m.value for m in at.markdown if "did not buy again between" in m.value]
    assert definition and "313" in definition[0] and "229" in definition[0]
    assert "the last 12 months of the file" in definition[0]
    assert not acts(at)
    judged = [c.value for c in at.caption if c.value.startswith("Judged as")]
    assert t("business.judged_as_proposed", kind=t("kind.online_shop")) in judged
    # the old headline and its "100% a year ... Act now" are gone
    assert not [m for m in at.metric if "pooled" in m.label]
    # per-period churn is a labelled detail with no verdict of its own
    assert metric(at, "datachurn.lapsed").endswith("%")


def test_the_per_month_figure_is_labelled_for_what_it_is():
    at = on_page("pages/5_Your_data.py")
    labels = [m.label for m in at.metric]
    assert t("datachurn.monthly_detail", period=t("period.month")) in labels


def test_the_churn_on_your_data_equals_the_forecast_pages():
    data_page = on_page("pages/5_Your_data.py")
    forecast = on_page("pages/6_Forecast.py")
    shown = metric(data_page, "datachurn.metric")
    assert metric(forecast, "datachurn.metric") == shown == pct(sample_churn())
    # the formula CLV on the Forecast page uses the same churn
    notes = [c.value for c in forecast.caption if c.value.startswith("From the averages")]
    assert notes and pct(sample_churn()) in notes[0]
    # and the model's estimate of the share still active a year on sits beside it
    share = metric(forecast, "datachurn.model")
    assert share.endswith("%")


def test_overview_shows_the_same_headline_churn():
    at = on_page("pages/5_Your_data.py")
    at.switch_page("app.py").run()
    assert not at.exception
    assert metric(at, "datachurn.metric") == pct(sample_churn())


def test_use_these_numbers_carries_the_headline_churn_and_the_proposed_business():
    at = on_page("pages/5_Your_data.py")
    at.button(key="up_use_clv").click().run()
    assert at.session_state["churn"] == round(sample_churn() * 100, 2)
    assert at.session_state["business_proposed"] == "online_shop"
    at.switch_page("pages/1_Customer_value.py").run()
    assert not at.exception
    judged = [c.value for c in at.caption if c.value.startswith("Judged as")]
    assert judged == [t("business.judged_as_proposed", kind=t("kind.online_shop"))] * 2


@pytest.mark.parametrize(("kind", "acted"), [("saas_small", True), ("cafe", False)])
def test_a_link_with_business_picks_the_lines(kind, acted):
    """35% a year: past HubSpot's 7% for software; better than hospitality's 45% for a café."""
    at = on_page(
        "pages/4_Churn_check.py", sample=None, business=kind, ch_churn="35", ch_period="year"
    )
    assert at.session_state["business"] == kind
    assert acts(at) is acted
    judged = {c.value for c in at.caption if c.value.startswith("Judged as")}
    assert judged == {t("business.judged_as", kind=t(f"kind.{kind}"))}  # verdict and rules table


def test_an_unknown_business_in_a_link_is_ignored_and_said():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["business"] = "bakery"
    at.run()
    assert at.session_state["business"] is None
    assert any(t("field.business") in w.value for w in at.warning)


def test_the_selector_and_the_change_button_set_the_business_everywhere():
    at = on_page("pages/4_Churn_check.py", sample=None)
    assert at.session_state["business"] is None  # not chosen: the general lines
    at.selectbox(key="business_pick_churn").set_value("saas_small").run()
    assert at.session_state["business"] == "saas_small"
    assert at.query_params["business"] == "saas_small"
    assert at.selectbox(key="business").value == "saas_small"
    at.switch_page("pages/2_Retention_metrics.py").run()
    at.run()  # see on_page
    assert not at.exception
    judged = {c.value for c in at.caption if c.value.startswith("Judged")}
    assert t("business.judged_as", kind=t("kind.saas_small")) in judged
    at.selectbox(key="business").set_value("cafe").run()
    judged = {c.value for c in at.caption if c.value.startswith("Judged")}
    assert t("business.judged_as", kind=t("kind.cafe")) in judged
