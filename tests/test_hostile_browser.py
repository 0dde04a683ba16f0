"""A markdown image in a file's name or cells, in a real browser: shown as text, fetches nothing.

Serves a one-pixel PNG on a local port and uploads files whose name and cells are
markdown images pointing at it: the page must show the characters and the pixel
server must receive no request at all (issue 15). And no page asks any host but the
app's own: it works offline.
"""

from __future__ import annotations

import http.server
import threading
from typing import ClassVar
from urllib.parse import urlsplit

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, RUN_DONE, streamlit_app
from playwright.sync_api import expect, sync_playwright

PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a5dd6c1e0000000049454e44ae426082"
)


class _Pixel(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self):  # the name http.server calls
        _Pixel.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(PIXEL)))
        self.end_headers()
        self.wfile.write(PIXEL)

    def log_message(self, *args):
        pass


@pytest.fixture
def pixel_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pixel)
    _Pixel.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def app_server(tmp_path):
    with streamlit_app(tmp_path / "server.log") as url:
        yield url


def test_markdown_image_in_a_file_name_or_a_cell_is_text_and_fetches_nothing(
    pixel_server, app_server
):
    image = f"![t](http://127.0.0.1:{pixel_server}/pixel.png)"
    cell_file = f"customer,date,amount\nA,2024-01-05,{image}\nB,2024-02-05,{image}\n".encode()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(30_000)
            page.goto(f"{app_server}/Your_data")
            page.wait_for_selector(RUN_DONE)
            dropzone = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
            # a file named as a markdown image, empty: the message quotes its name
            dropzone.set_input_files(
                files=[{"name": f"{image}.csv", "mimeType": "text/csv", "buffer": b""}]
            )
            alert = page.locator('[data-testid="stAlertContentError"]')
            expect(alert.first).to_contain_text(f"{image}.csv")
            page.wait_for_selector(RUN_DONE)
            # a cell holding one: the message quotes the first bad amount
            dropzone.set_input_files(
                files=[{"name": "orders.csv", "mimeType": "text/csv", "buffer": cell_file}]
            )
            expect(alert.first).to_contain_text(image)
            page.wait_for_selector(RUN_DONE)
            main = page.locator('[data-testid="stMain"]')
            expect(main.locator(f'img[src*="127.0.0.1:{pixel_server}"]')).to_have_count(0)
            expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        finally:
            browser.close()
    assert _Pixel.requests == []


def test_every_page_asks_only_the_apps_own_server(app_server):
    """A Material icon as the tab's icon was fetched from fonts.gstatic.com on every page."""
    own = urlsplit(app_server).netloc
    asked = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.set_default_timeout(30_000)
            page.on("request", lambda request: asked.append(request.url))
            for path in ("", "Customer_value", "Retention_metrics", "What_if", "Churn_check",
                         "Your_data", "Forecast", "Scenarios"):  # fmt: skip
                page.goto(f"{app_server}/{path}")
                page.wait_for_selector(RUN_DONE)
                page.wait_for_timeout(300)  # the tab's icon is set after the run
        finally:
            browser.close()
    others = sorted({url for url in asked if urlsplit(url).netloc not in (own, "")})
    assert asked and others == []
