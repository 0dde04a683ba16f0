"""Pages of inputs rerun their body alone, in headless Chromium, and the page still follows.

Typing a number or moving a slider on Customer value, What if?, Churn check or Retention
metrics reruns the page's body (``ui.chrome.inputs``, an ``st.fragment``), not the menu
and the frame. The browser must then name the fragment in its rerun, and everything the
change touches must still follow it: the results, the address, the shareable link, the
language of every text, and the sidebar when a verdict's kind of business is changed.
Skipped without Debian's Chromium, like tests/test_browser.py.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_support import RUN_DONE, browser_fixture, server_fixture  # noqa: F401 - fixtures
from playwright.sync_api import Page, expect
from streamlit.proto.BackMsg_pb2 import BackMsg

from ui.i18n import speaking, t

TIMEOUT_MS = 30_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.reruns = []  # the rerun requests this tab sent, as BackMsgs
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: _keep(page, frame)))
    yield page
    context.close()


def _keep(page: Page, frame) -> None:
    if isinstance(frame, bytes | bytearray):
        msg = BackMsg()
        msg.ParseFromString(bytes(frame))
        if msg.WhichOneof("type") == "rerun_script":
            page.reruns.append(msg.rerun_script)


def settle(page: Page) -> None:
    page.wait_for_selector(RUN_DONE)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def shared_link(page: Page) -> str:
    page.get_by_text(t("share.title")).click()
    return page.locator('[data-testid="stCode"]').first.inner_text()


@pytest.mark.parametrize(
    ("path", "key", "typed", "lang"),
    [
        ("Customer_value", "aov", "57", "nb"),
        ("Churn_check", "ch_churn", "4", "en"),
        ("Retention_metrics", "m_start", "1200", "pl"),
    ],
)
def test_typing_reruns_the_body_alone_and_the_results_link_and_language_follow(
    server, page, path, key, typed, lang
):
    page.goto(f"{server}/{path}?lang={lang}")
    settle(page)
    main = page.locator('[data-testid="stMain"]')
    before = main.locator('[data-testid="stMetricValue"]').all_inner_texts()
    sent = len(page.reruns)
    box = page.locator(f".st-key-{key} input")
    box.fill(typed)
    box.press("Enter")
    expect(main.locator('[data-testid="stMetricValue"]')).not_to_have_text(before)
    settle(page)
    asked = page.reruns[sent:]
    assert asked and all(rerun.fragment_id for rerun in asked)  # the body, not the page
    assert query(page)[key] == [typed] and query(page)["lang"] == [lang]
    with speaking(lang):
        assert f"{key}={typed}" in shared_link(page)
        texts = main.inner_text()
        assert t(f"field.{key}") in texts  # the body's texts stay in the language
        if path == "Customer_value":
            assert t("clv.results") in texts and t("clv.chart_title") in texts


def test_a_slider_reruns_the_body_alone_and_the_results_and_link_follow(server, page):
    page.goto(f"{server}/What_if")
    settle(page)
    metrics = page.locator('[data-testid="stMain"] [data-testid="stMetricValue"]')
    before = metrics.all_inner_texts()
    slider = page.get_by_role("slider", name=t("field.wi_ret"))
    sent = len(page.reruns)
    slider.focus()
    slider.press("ArrowRight")
    expect(slider).to_have_value("70.5")
    expect(metrics).not_to_have_text(before)
    settle(page)
    assert page.reruns[sent:] and all(rerun.fragment_id for rerun in page.reruns[sent:])
    expect(page).to_have_url(re.compile(r"wi_ret=70\.5"))
    assert "wi_ret=70.5" in shared_link(page)


def test_a_choice_in_the_body_writes_its_code_into_the_address(server, page):
    page.goto(f"{server}/Customer_value")
    settle(page)
    page.get_by_text(t("clv.mode_life")).click()
    settle(page)
    expect(page.locator(".st-key-life input")).to_be_visible()
    expect(page).to_have_url(re.compile(r"clv_mode=life"))


def test_a_kind_of_business_picked_at_a_verdict_reaches_the_sidebar_and_the_link(server, page):
    """The verdict's "Change" sits in the body; the sidebar and the address show the
    business, so picking one there reruns the whole page."""
    page.goto(f"{server}/Churn_check")
    settle(page)
    page.locator('[data-testid="stMain"]').get_by_role("button", name=t("business.change")).click()
    page.locator(".st-key-business_pick_churn").get_by_role("combobox").click()
    page.get_by_role("option", name=t("kind.saas_small")).click()
    settle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.locator(".st-key-business input")).to_have_value(t("kind.saas_small"))
    expect(page).to_have_url(re.compile(r"business=saas_small"))
