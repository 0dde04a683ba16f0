"""Per-session memory of a 1M-row upload, and whether it goes back when the tab closes (issue 15).

    python3 benchmarks/session_memory.py                 # 1M rows, 3 sessions one after another
    python3 benchmarks/session_memory.py --rows 100000 --sessions 1
    python3 benchmarks/session_memory.py --together    # 3 sessions open at once

Starts ``streamlit run app.py`` (loopback, ``server.disconnectedSessionTTL`` shortened to
``--ttl`` seconds so the wait is short; the default is 120 s) and, in headless Chromium, one
tab at a time: opens Your data, uploads the seeded order log of benchmarks/upload.py
(39 MB CSV at 1M rows), waits for the results, opens Forecast in the same session (the file
is kept for every page) and waits for the models, then closes the tab and waits for the
session to be dropped. With ``--together`` the tabs stay open, one more at a
time, and it prints what each session adds: on average above the imports, and
each after the first (the first also leaves the allocators' free memory, which
the next sessions reuse). Prints the server's resident memory (VmRSS) at each
step and its peak (VmHWM).

Target (issue 15): <= 300 MB per session for a 1M-row upload with its forecast, and the
memory of a closed session back (or reused by the next session) within the window.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import load

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RUN_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def memory(pid: int) -> tuple[float, float]:
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sessions", type=int, default=3)
    parser.add_argument("--ttl", type=int, default=5)
    parser.add_argument("--no-forecast", action="store_true", help="the Your data page only")
    parser.add_argument(
        "--together", action="store_true", help="keep every session open, each in its own tab"
    )
    args = parser.parse_args()

    import upload as upload_bench
    from playwright.sync_api import sync_playwright

    from ui import process

    csv = upload_bench.make_file("csv", args.rows)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "streamlit", "run", "app.py"),
            *("--server.headless", "true", "--server.port", str(port)),
            *("--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"),
            *("--server.disconnectedSessionTTL", str(args.ttl)),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)

        def say(step: str) -> float:
            rss, peak = memory(server.pid)
            print(f"  {step:<44} RSS {rss:6.0f} MB   peak {peak:6.0f} MB", flush=True)
            return rss

        print(f"{args.rows:,} rows, {csv.stat().st_size / 1e6:.0f} MB CSV; TTL {args.ttl} s")
        say("server idle")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)

            def nudge() -> None:
                """Open and close a light page: Streamlit drops expired sessions on activity."""
                light = browser.new_page()
                light.goto(f"{url}/Churn_check")
                light.wait_for_selector(RUN_DONE)
                light.close()
                time.sleep(2)

            nudge()
            imports = say("after a first light page (the imports)")

            def close(page, number: int) -> None:
                """Close the tab; wait out the session window, a refreeze and a trim."""
                page.close()
                wait = args.ttl + process.REFREEZE_SECONDS + process.TRIM_SECONDS
                time.sleep(wait)
                say(f"session {number}: tab closed, {wait:.0f} s later")
                nudge()
                say(f"session {number}: after another tab came and went")

            def open_session(number: int):
                """A tab of its own: upload on Your data, then Forecast in the same session."""
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(600_000)
                page.goto(f"{url}/Your_data")
                page.wait_for_selector(RUN_DONE)
                t0 = time.perf_counter()
                page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(csv)
                try:
                    page.wait_for_selector('[data-testid="stMetricValue"]')
                except Exception:
                    page.screenshot(path="/tmp/session_memory_failure.png")
                    raise
                page.wait_for_selector(RUN_DONE)
                say(f"session {number}: upload read ({time.perf_counter() - t0:.0f} s)")
                t0 = time.perf_counter()
                if args.no_forecast:
                    return page
                page.locator('a[href*="Forecast"]').first.click()  # same session
                page.wait_for_url("**/Forecast*")
                page.wait_for_selector(RUN_DONE)  # the file kept on Your data serves Forecast
                try:
                    page.wait_for_selector('[data-testid="stMain"] [data-testid="stMetricValue"]')
                except Exception:
                    page.screenshot(path="/tmp/session_memory_failure.png", full_page=True)
                    raise
                say(f"session {number}: forecast ({time.perf_counter() - t0:.0f} s)")
                return page

            if args.together:
                held, pages = [], []
                for number in range(1, args.sessions + 1):
                    pages.append(open_session(number))  # each tab stays open
                    time.sleep(process.TRIM_SECONDS + 2)
                    held.append(say(f"{number} open together, then a trim"))
                first, last = held[0], held[-1]
                each = (last - first) / max(1, len(held) - 1)
                print(
                    f"  per session: {(last - imports) / len(held):.0f} MB on average above the "
                    f"imports; each after the first: {each:.0f} MB"
                )
            else:
                for number in range(1, args.sessions + 1):
                    page = open_session(number)
                    time.sleep(process.TRIM_SECONDS + 2)
                    say(f"session {number}: open, {process.TRIM_SECONDS + 2:.0f} s later (a trim)")
                    close(page, number)
            browser.close()
    finally:
        load.stop_server(server)


if __name__ == "__main__":
    main()
