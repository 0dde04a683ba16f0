"""Journeys through several pages, in headless Chromium, as a person clicks and types.

Each test holds one fix of issue 13: the language survives menu clicks and typing; a
link carries codes (``lang=nb``, ``ch_period=year``); an uploaded file serves the
Forecast page; "use these numbers" says what it set and goes to the CLV page; a churn
typed on one page is shown as typed on another; two quick downloads both arrive; the
PDF's text is not stretched and its charts are full width; present mode hides every
control; on a 390 px phone the result stays in view while editing. Screenshots of
every page at 1366 and 390 px go to a temporary folder (``RETENTION_SHOTS`` names
another). Skipped without Debian's Chromium, like tests/test_browser.py.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_support import (
    ROOT,
    RUN_DONE,
    SHOTS,
    browser_fixture,  # noqa: F401 - fixtures
    streamlit_app,
)
from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from ui.i18n import LANGUAGES, speaking, t

TIMEOUT_MS = 30_000
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
PAGES = {
    "overview": "",
    "clv": "Customer_value",
    "metrics": "Retention_metrics",
    "whatif": "What_if",
    "churn": "Churn_check",
    "upload": "Your_data",
    "forecast": "Forecast",
    "scenarios": "Scenarios",
}


expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with streamlit_app(log) as url:
        yield url, log


def new_page(browser, viewport=DESKTOP, locale="en-GB") -> Page:
    """A page in a context of its own: a new Streamlit session."""
    context = browser.new_context(viewport=viewport, locale=locale, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def desktop(browser):
    page = new_page(browser)
    yield page
    page.context.close()


@pytest.fixture
def phone(browser):
    page = new_page(browser, PHONE)
    yield page
    page.context.close()


def settle(page: Page) -> None:
    page.wait_for_selector(RUN_DONE)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def go(page: Page, url: str) -> None:
    page.goto(url)
    settle(page)


def menu(page: Page, key: str, code: str = "en") -> None:
    """Click a page in the sidebar menu, as a person does."""
    with speaking(code):
        label = t(f"{key}.menu")
    page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]').filter(
        has_text=label
    ).click()
    with speaking(code):
        expect(page.locator("h1")).to_have_text(t(f"{key}.title"))
    settle(page)


def type_into(page: Page, key: str, text: str) -> None:
    box = page.locator(f".st-key-{key} input")
    box.fill(text)
    box.press("Enter")
    settle(page)


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def shot(page: Page, name: str) -> None:
    """The whole main area (it scrolls inside the page): the viewport grows to fit it."""
    size = page.viewport_size
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size(
        {"width": size["width"], "height": max(size["height"], min(height, 6000))}
    )
    page.wait_for_selector(RUN_DONE)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png")
    page.set_viewport_size(size)


# --- 1. Language ----------------------------------------------------------------


@pytest.mark.parametrize("code", ["nb", "pl"])
def test_language_survives_menu_clicks_typing_and_reruns(server, browser, code):
    url, _ = server
    page = new_page(browser, locale="en-GB")  # an English browser: only the link says nb/pl
    try:
        go(page, f"{url}/?lang={code}")
        assert query(page)["lang"] == [code]
        for key in ("clv", "churn", "whatif", "scenarios", "overview"):
            menu(page, key, code)
            assert query(page)["lang"] == [code], key
            expect(page.locator(".st-key-lang_pick input")).to_have_value(LANGUAGES[code])
        menu(page, "clv", code)
        type_into(page, "aov", "50")
        with speaking(code):
            expect(page.locator("h1")).to_have_text(t("clv.title"))
        assert query(page)["lang"] == [code]
        menu(page, "churn", code)
        type_into(page, "ch_churn", "4")
        with speaking(code):
            expect(page.locator("h1")).to_have_text(t("churn.title"))
        assert query(page)["lang"] == [code]
    finally:
        page.context.close()


def test_picking_a_language_writes_its_code_and_choices_travel_as_codes(server, desktop):
    url, _ = server
    go(desktop, f"{url}/Churn_check")
    desktop.get_by_role("combobox", name=t("app.language")).click()
    desktop.get_by_role("option", name=LANGUAGES["nb"]).click()
    with speaking("nb"):
        expect(desktop.locator("h1")).to_have_text(t("churn.title"))
        settle(desktop)
        desktop.locator(".st-key-ch_period").get_by_text(t("period.year"), exact=True).click()
    settle(desktop)
    expect(desktop).to_have_url(re.compile(r"ch_period=year"))
    assert query(desktop)["lang"] == ["nb"]
    assert "Norsk" not in desktop.url and "%C3%A5" not in desktop.url
    with speaking("nb"):
        desktop.get_by_text(t("share.title")).click()
    link = desktop.locator('[data-testid="stCode"]').first.inner_text()
    assert "ch_period=year" in link and "lang=nb" in link


# --- 2. Data across pages ---------------------------------------------------------


def test_an_uploaded_file_serves_forecast_and_hands_numbers_to_clv(server, desktop, tmp_path):
    url, _ = server
    go(desktop, f"{url}/Your_data")
    csv = tmp_path / "salg.csv"
    csv.write_bytes((ROOT / "samples" / "orders_european.csv").read_bytes())
    desktop.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(csv)
    expect(desktop.locator('[data-testid="stMetricLabel"]').filter(has_text=t("upload.aov")))
    settle(desktop)
    menu(desktop, "forecast")
    expect(desktop.get_by_text(t("journeys.file_in_use", name="salg.csv"))).to_be_visible()
    expect(desktop.locator('[data-testid="stMain"] [data-testid="stMetric"]').first).to_be_visible()
    settle(desktop)
    shot(desktop, "journey_forecast_from_upload")
    menu(desktop, "upload")
    expect(desktop.get_by_text(t("journeys.file_in_use", name="salg.csv"))).to_be_visible()
    desktop.get_by_role("tab", name=t("upload.tab_clv")).click()
    desktop.get_by_role("button", name=t("upload.use_on_clv")).click()
    expect(desktop.locator("h1")).to_have_text(t("clv.title"))
    settle(desktop)
    expect(desktop.locator('[data-testid="stAlertContentSuccess"]')).to_contain_text(
        t("journeys.handed_over", aov="", freq="", churn="").split(":")[0]
    )
    assert urlsplit(desktop.url).path.endswith("/Customer_value")
    # removed, the file is gone from every page
    menu(desktop, "forecast")
    desktop.get_by_role("button", name=t("journeys.remove_file")).click()
    settle(desktop)
    expect(desktop.get_by_text(t("journeys.file_in_use", name="salg.csv"))).to_have_count(0)


# --- 3. Typed numbers ---------------------------------------------------------------


def test_a_churn_typed_yearly_on_clv_shows_as_typed_on_churn_check(server, desktop):
    url, _ = server
    go(desktop, f"{url}/Customer_value")
    type_into(desktop, "churn", "35")
    menu(desktop, "churn")
    expect(desktop.locator(".st-key-ch_churn input")).to_have_value("35")
    year = desktop.locator('[data-testid="stMetric"]').filter(
        has_text=t("churn.per_period", period=t("period.year"))
    )
    expect(year.locator('[data-testid="stMetricValue"]')).to_have_text("35%")
    expect(desktop.get_by_text(t("journeys.derived"), exact=True)).to_have_count(2)
    menu(desktop, "whatif")
    expect(desktop.get_by_role("slider", name=t("field.wi_ret"))).to_have_value("65")


def test_overview_does_not_show_the_example_retention_beside_the_users_churn(server, desktop):
    url, _ = server
    go(desktop, f"{url}/")
    expect(desktop.get_by_text(t("journeys.example_sub"))).to_be_visible()
    expect(desktop.locator('[data-testid="stMetricValue"]').filter(has_text="82")).to_have_count(0)


# --- 4. Consultant outputs ----------------------------------------------------------


def saved_scenarios(page: Page, url: str) -> None:
    """Two scenarios saved from the CLV page, then the Scenarios page."""
    go(page, f"{url}/Customer_value?cur=NOK")
    page.get_by_role("button", name=t("journeys.save_as_scenario")).click()
    settle(page)
    expect(page.get_by_text(t("journeys.saved_as_scenario", name="A"))).to_be_visible()
    type_into(page, "churn", "20")
    page.get_by_role("button", name=t("journeys.save_as_scenario")).click()
    settle(page)
    menu(page, "scenarios")


def test_two_downloads_clicked_half_a_second_apart_both_arrive(server, desktop):
    url, log = server
    saved_scenarios(desktop, url)
    arrived = []
    desktop.on("download", lambda download: arrived.append(download))
    desktop.get_by_role("button", name=t("scenarios.chart_png")).click()
    desktop.wait_for_timeout(500)  # the user's half second between clicks, the point here
    desktop.get_by_role("button", name=t("scenarios.export_pdf")).click()
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while len(arrived) < 2 and time.monotonic() < deadline:
        desktop.wait_for_timeout(100)  # poll interval of a bounded wait
    assert sorted(d.suggested_filename for d in arrived) == [
        "scenarios-clv.png",
        "scenarios.pdf",
    ]
    png_download, pdf_download = sorted(arrived, key=lambda d: d.suggested_filename)
    png = Path(png_download.path()).read_bytes()
    pdf = Path(pdf_download.path()).read_bytes()
    assert png.startswith(b"\x89PNG") and pdf.startswith(b"%PDF")
    assert "not found" not in log.read_text()
    with Image.open(io.BytesIO(png)) as image:
        assert image.width >= 1400  # 720 px at scale 2: the full width, not 20 px a bar


def test_the_pdf_text_is_not_stretched_and_its_charts_are_full_width(server, desktop, tmp_path):
    url, _ = server
    saved_scenarios(desktop, url)
    with desktop.expect_download() as download:
        desktop.get_by_role("button", name=t("scenarios.export_pdf")).click()
    path = tmp_path / "scenarios.pdf"
    download.value.save_as(path)
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    stream = page.get_contents().get_data().decode("latin-1")
    # fpdf2 justifies by word spacing (the Tw operator): none may be set above 0
    assert [w for w in re.findall(r"([-\d.]+) Tw", stream) if float(w) != 0] == []
    text = " ".join(page.extract_text().split())
    assert t("scenarios.measure_discounted_margin_clv") in text
    layout = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert not re.search(r"Customer {2,}lifetime", layout)
    # every chart as wide as the text (A4 less 2 x 16 mm margins, in points), within 10%
    text_width = (210 - 32) / 25.4 * 72
    widths = [float(w) for w in re.findall(r"q ([\d.]+) 0 0 [\d.]+ [\d.]+ [\d.]+ cm", stream)]
    assert len(widths) == 2 and min(widths) >= 0.9 * text_width, widths
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-singlefile", str(path), str(SHOTS / "journey_pdf")],
            check=True,
        )


def test_comparison_table_is_whole_without_empty_rows(server, desktop):
    url, _ = server
    saved_scenarios(desktop, url)
    grid = desktop.locator('[data-testid="stDataFrame"]')
    expect(grid).to_be_visible()
    box = grid.bounding_box()
    # every row drawn: 12 measures that apply (no lifespan) at 35 px a row plus the header
    assert box["height"] >= 12 * 35
    shot(desktop, "journey_scenarios")


def test_present_mode_on_scenarios_hides_every_control_and_the_sidebar(server, desktop):
    url, _ = server
    saved_scenarios(desktop, url)
    desktop.locator(".st-key-present label").click()  # not a reload: that is a new session
    settle(desktop)
    for name in ("scenarios.rename", "scenarios.pin", "scenarios.delete", "scenarios.export"):
        expect(desktop.get_by_role("button", name=t(name))).to_be_hidden()
    expect(desktop.locator('[data-testid="stSidebar"]')).to_be_hidden()
    expect(desktop.locator('[data-testid="stDataFrame"]')).to_be_visible()
    expect(desktop.get_by_role("switch", name=t("present.toggle"))).to_be_visible()
    shot(desktop, "journey_present_scenarios")


def test_one_link_opens_the_whole_scenario_set_with_its_currency(server, desktop, browser):
    url, _ = server
    saved_scenarios(desktop, url)
    desktop.get_by_text(t("journeys.share_set_title")).click()
    link = desktop.locator('[data-testid="stCode"]').filter(has_text="sc=").inner_text()
    other = new_page(browser)
    try:
        go(other, link.strip())
        expect(other.get_by_text(t("journeys.set_loaded", n=2))).to_be_visible()
        expect(other.locator('[data-testid="stDataFrame"]')).to_be_visible()
        expect(other.locator(".st-key-cur_pick input")).to_have_value("NOK")
    finally:
        other.context.close()


# --- 6. Phone -------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "key"), [("Customer_value", "cac"), ("What_if", "wi_new")])
def test_on_a_phone_the_result_stays_in_view_while_editing(server, phone, path, key):
    url, _ = server
    go(phone, f"{url}/{path}")
    box = phone.locator(f".st-key-{key} input")
    box.scroll_into_view_if_needed()
    pinned = phone.locator(".st-key-pinned_result")
    before = pinned.inner_text()
    type_into(phone, key, "400")
    box.scroll_into_view_if_needed()
    if path == "Customer_value":  # a higher CAC: a longer payback, in the pinned line too
        expect(pinned).not_to_have_text(before)
    else:  # the pinned line is the page's headline
        heading = phone.locator('[data-testid="stMain"] h3').first.inner_text()
        expect(pinned).to_have_text(heading)
    top = pinned.bounding_box()
    assert top is not None and 55 <= top["y"] < PHONE["height"] - 100  # below the header
    assert box.bounding_box()["y"] > top["y"]
    shot(phone, f"journey_pinned_{path}")


def test_on_a_phone_no_card_title_is_clipped(server, phone):
    url, _ = server
    go(phone, f"{url}/")
    titles = phone.locator('[data-testid="stMain"] [data-testid="stPageLink"] p')
    expect(titles.first).to_have_css("white-space", "normal")  # our style sheet has arrived
    phone.evaluate("document.fonts.ready")
    clipped = phone.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMain"] '
                + '[data-testid="stPageLink"] p, [data-testid="stMetricLabel"] p')]
              .filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.innerText)"""
    )
    assert clipped == []


# --- Screenshots of every page at both widths -------------------------------------------


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_every_page_at_both_widths(server, browser, width):
    url, _ = server
    page = new_page(browser, DESKTOP if width == "desktop" else PHONE)
    try:
        for key, path in PAGES.items():
            go(page, f"{url}/{path}")
            if key in ("upload", "forecast"):
                page.get_by_text(t("upload.sample_european")).click()
                metric = page.locator('[data-testid="stMain"] [data-testid="stMetricValue"]')
                expect(metric.first).to_be_visible()
                settle(page)
                page.wait_for_function(
                    """() => ![...document.querySelectorAll('[data-testid="stMain"] *')]
                        .some(e => e.getAttribute('data-stale') === 'true')"""
                )
            shot(page, f"{key}_{width}")
    finally:
        page.context.close()


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_choosing_a_page_closes_the_menu_on_a_phone_only(server, browser, width):
    # The app's menu is drawn with page links, which Streamlit does not close on a narrow
    # screen as its own navigation does: on a phone the menu stayed over the chosen page.
    url, _ = server
    page = new_page(browser, PHONE if width == "phone" else DESKTOP)
    try:
        go(page, f"{url}/")
        sidebar = page.locator('[data-testid="stSidebar"]')
        if width == "phone":
            page.locator('[data-testid="stExpandSidebarButton"]').click()
            expect(sidebar.locator('[data-testid="stPageLink"]').first).to_be_in_viewport()
        menu(page, "forecast")
        page.wait_for_timeout(600)  # the menu slides away
        links = sidebar.locator('[data-testid="stPageLink"]')
        if width == "phone":
            expect(links.first).not_to_be_in_viewport()
        else:  # beside the page, the menu stays
            expect(links.first).to_be_in_viewport()
    finally:
        page.context.close()
