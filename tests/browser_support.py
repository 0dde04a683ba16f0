"""What the real-browser tests share: Debian's Chromium, a Streamlit server, the screenshot folder.

Importing this module from a test module skips that module without Chromium at
/usr/bin/chromium, and fails it under CI (which installs it).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).parents[1]
# Screenshots go to a temporary folder, so that a test run leaves the tree clean;
# RETENTION_SHOTS=docs/screenshots refreshes the README's.
SHOTS = ROOT / os.environ.get(
    "RETENTION_SHOTS", str(Path(tempfile.gettempdir()) / "retention-shots")
)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Streamlit marks its root element with the script's run state.
RUN_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
STARTUP_TIMEOUT_S = 30

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing; CI must install chromium", pytrace=False)
    pytest.skip(f"{CHROMIUM} not installed", allow_module_level=True)


def free_port() -> int:
    """A port on loopback that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_app(log: Path) -> Iterator[str]:
    """``streamlit run app.py`` on a free loopback port, its output in ``log``; yields its URL.

    Waits (bounded) for the health endpoint; stops the server afterwards.
    """
    port = free_port()
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
        _wait_for_health(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module", name="server")
def server_fixture(tmp_path_factory) -> Iterator[str]:
    """The fixture ``server`` of a module that imports it: a Streamlit server, its URL."""
    with streamlit_app(tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture(scope="module", name="browser")
def browser_fixture() -> Iterator[Browser]:
    """The fixture ``browser`` of a module that imports it: Debian's Chromium, headless."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _wait_for_health(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)  # poll interval of the bounded wait, not a fixed delay
    pytest.fail(f"no health answer in {STARTUP_TIMEOUT_S} s:\n{log.read_text()[-2000:]}")
