"""A shared link in a real browser: `streamlit run app.py` driven by Playwright, headless Chromium.

Opens links the way a client would, checks that the inputs and the numbers follow
the link and that the address bar keeps them, and saves screenshots (to a
temporary folder unless RETENTION_SHOTS names one). Skipped without Debian's
Chromium at /usr/bin/chromium, like tests/test_browser.py (failed under CI,
which installs it).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    RUN_DONE,
    SHOTS,
    server_fixture,  # noqa: F401 - fixtures
)
from playwright.sync_api import expect, sync_playwright

from calc.clv import clv_report
from ui.format import money

TIMEOUT_MS = 20_000


expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="module")
def page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1100})
        tab.set_default_timeout(TIMEOUT_MS)
        yield tab
        browser.close()


def open_link(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(RUN_DONE)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_a_shared_link_opens_the_same_inputs_and_numbers(server, page):
    open_link(page, f"{server}/Customer_value?aov=90&churn=20&cac=0&cur=USD")
    expect(page.get_by_role("spinbutton", name="Average order value")).to_have_value("90")
    report = clv_report(90, 4, 0.40, 0.08, 0, churn_rate=0.20)
    values = page.locator('[data-testid="stMetricValue"]')
    expect(values.filter(has_text=money(report.discounted_margin_clv, "USD"))).to_be_visible()
    query = parse_qs(urlsplit(page.url).query)
    assert query["aov"] == ["90.0"] or query["aov"] == ["90"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "shared_link.png", full_page=True)


def test_the_offered_link_carries_a_value_the_address_bar_leaves_out(server, page):
    open_link(page, f"{server}/Customer_value?cac=0")
    page.get_by_text("Share a link to these numbers").click()
    code = page.locator('[data-testid="stCode"]').first.inner_text()
    assert "cac=0.0" in code
    assert "/Customer_value?" in code


def test_scenarios_page_and_present_mode_render(server, page):
    open_link(page, f"{server}/Scenarios")
    page.get_by_role("button", name="Save as scenario").first.click()
    page.wait_for_selector(RUN_DONE)
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(1)
    page.screenshot(path=SHOTS / "scenarios.png", full_page=True)
    open_link(page, f"{server}/What_if?present=true&wi_ret=80")
    expect(page.get_by_text("Profit over 10 years", exact=True)).to_be_visible()
    value = page.locator('[data-testid="stMetricValue"]').first
    expect(value).to_have_css("font-size", "51.2px")  # 3.2rem: large for a projector
    expect(page.get_by_role("spinbutton", name="Customers today")).to_be_hidden()
    expect(page.locator('[data-testid="stMain"] [data-testid="stSlider"]').first).to_be_hidden()
    page.screenshot(path=SHOTS / "present_mode.png", full_page=True)
