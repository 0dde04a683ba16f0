"""Hostile input through the pages (issue 15): links, answers and files never end in a traceback,
and text from a user is shown as text.

The AppTest checks open a page the way a shared link does. The browser check
serves a one-pixel PNG on a local port and uploads files whose name, column
names and cells are markdown images pointing at it: the page must show the
characters and the pixel server must receive no request at all.
"""

from __future__ import annotations

import http.server
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import ClassVar

import pytest
from streamlit.testing.v1 import AppTest

from ui.format import plain

ROOT = Path(__file__).parents[1]
APP = str(ROOT / "app.py")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RUN_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a5dd6c1e0000000049454e44ae426082"
)


def open_link(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.switch_page(page).run()
    return at


@pytest.mark.parametrize(
    ("page", "params", "said"),
    [
        ("pages/1_Customer_value.py", {"aov": "-1e22"}, "-1E22"),
        ("pages/3_What_if.py", {"wi_start": "1e308"}, None),
        ("pages/2_Retention_metrics.py", {"m_nps": "9 ² ①"}, "Answer 2 is"),
    ],
)
def test_a_link_with_an_extreme_value_gets_a_message_not_a_traceback(page, params, said):
    """decimal.InvalidOperation (numbers beyond 1e22) and ValueError (² from a link) before."""
    at = open_link(page, **params)
    assert not at.exception
    if said:
        assert any(said in error.value for error in at.error)


def test_numbers_beyond_what_babel_can_write():
    from ui.format import money, number, pct

    assert number(1e308) == "1E308"
    assert money(-1e22, "EUR") == "-1E22 EUR"
    assert pct(1e20) == "1E22%"
    assert number(1e14) == "100,000,000,000,000"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("![t](http://h/p.png)", "\\!\\[t\\]\\(http\\://h/p\\.png\\)"),
        (":red[x] $x^2$", "\\:red\\[x\\] \\$x\\^2\\$"),
        ("<img src=x>", "\\<img src\\=x\\>"),
        ("Sørensen AS", "Sørensen AS"),
    ],
)
def test_plain_escapes_what_markdown_acts_on(text, shown):
    assert plain(text) == shown


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="up_file").set_value((name, data, "text/csv")).run()
    assert not at.exception
    return at


def test_column_names_and_cells_in_upload_messages_are_escaped():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/5_Your_data.py").run()
    image = "![t](http://127.0.0.1:9/pixel.png)"
    data = f"customer,date,{image}\nA,2024-01-05,{image}\nB,2024-02-05,{image}\n".encode()
    at = _upload(at, "x.csv", data)
    shown = " ".join(error.value for error in at.error) + " ".join(c.value for c in at.caption)
    assert plain(image) in shown
    assert image not in shown


# ------------------------------------------------------------------ in a real browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "streamlit", "run", "app.py"),
                *("--server.headless", "true", "--server.port", str(port)),
                *("--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"),
            ],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()[-2000:]
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.05)  # poll interval of the bounded wait
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"), reason="Chromium not installed"
)
def test_markdown_image_in_a_file_name_or_a_cell_is_text_and_fetches_nothing(
    pixel_server, app_server
):
    from playwright.sync_api import expect, sync_playwright

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


def test_a_session_holds_its_file_once_and_lets_it_go(monkeypatch):
    """Results live in the session (released with it), read once, a bad file not re-read.

    Before, a cache shared by all sessions kept two results for 30 minutes after every tab
    closed, unpickled a copy on each rerun, and re-read a refused file on every rerun.
    """
    import calc.upload

    reads = []
    real = calc.upload.read

    def counted(*args, **kwargs):
        reads.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(calc.upload, "read", counted)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/5_Your_data.py").run()
    good = b"customer,date,amount\nA,2024-01-05,10\nB,2024-02-05,12\nA,2024-03-05,7\n"
    at = _upload(at, "good.csv", good)
    at.run()
    assert reads == ["good.csv"]
    assert at.session_state["_up_held"][1].upload.report.rows_used == 3
    at = _upload(at, "bad.csv", b"")
    at.run()
    assert reads == ["good.csv", "bad.csv"]
    assert at.error
    at.file_uploader(key="up_file").set_value(None).run()
    assert "_up_held" not in at.session_state
