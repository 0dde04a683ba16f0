"""How fast the app answers: one rerun after a widget change on each page, and server startup.

Run from the repository root:

    python3 benchmarks/rerun_latency.py

Reruns are timed in-process with Streamlit's ``AppTest`` (imports already paid): the app starts
from ``app.py``, switches to the page, and then each of 30 reruns changes one widget by key to a
value not used before, so no cache answers for free. Startup is whole-process: from launching
``streamlit run app.py`` to its health endpoint answering, median of 3 launches.

Prints a table; nothing is asserted. Targets: median rerun under 50 ms, startup under 3 s.
"""

from __future__ import annotations

import logging
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import load
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
RERUNS = 30
LAUNCHES = 3
RERUN_TARGET_MS = 50.0
STARTUP_TARGET_S = 3.0
STARTUP_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Case:
    page: str
    kind: str  # AppTest element type: "number_input" or "slider"
    key: str
    value: Callable[[int], float]  # the value set on rerun i (distinct for every i)


CASES = (
    Case("pages/1_Customer_value.py", "number_input", "aov", lambda i: 46.0 + i),
    Case("pages/2_Retention_metrics.py", "number_input", "m_start", lambda i: 1010.0 + 10 * i),
    # 50-99 in steps of 0.5: walk up from 55% so 30 positions are all new.
    Case("pages/3_What_if.py", "slider", "wi_ret", lambda i: 55.0 + 0.5 * i),
    Case("pages/4_Churn_check.py", "number_input", "ch_churn", lambda i: 3.0 + 0.1 * i),
)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def time_reruns(case: Case) -> tuple[float, list[float]]:
    """Seconds of the page's first run, and of each rerun after a widget change."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    start = time.perf_counter()
    at.switch_page(case.page).run()
    first = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"{case.page} raised: {at.exception[0].message}")
    times = []
    for i in range(RERUNS):
        widget = getattr(at, case.kind)(key=case.key)
        widget.set_value(case.value(i))
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        if at.exception:
            raise SystemExit(f"{case.page} raised on {case.key}: {at.exception[0].message}")
    return first, times


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def time_startup() -> float:
    """Seconds from launching ``streamlit run app.py`` to ``/_stcore/health`` answering."""
    port = free_port()
    command = [
        *(sys.executable, "-m", "streamlit", "run", APP),
        *("--server.headless", "true", "--server.port", str(port)),
        *("--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"),
    ]
    url = f"http://127.0.0.1:{port}/_stcore/health"
    start = time.perf_counter()
    server = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while time.perf_counter() - start < STARTUP_TIMEOUT_S:
            if server.poll() is not None:
                raise SystemExit(f"streamlit exited with {server.returncode}")
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.01)
        raise SystemExit(f"no health answer in {STARTUP_TIMEOUT_S:.0f} s")
    finally:
        load.stop_server(server)


def verdict(ok: bool) -> str:
    return "yes" if ok else "NO"


def main() -> None:
    sys.path.insert(0, str(ROOT))  # the pages import calc/ and ui/ from the repository root
    # AppTest outside a server warns "missing ScriptRunContext"; harmless, so filtered out
    # (a filter, as Streamlit resets its loggers' levels when it reads its config).
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage()
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load}")
    rows = []
    for case in CASES:
        first, times = time_reruns(case)
        median_ms = statistics.median(times) * 1000
        rows.append(
            (
                Path(case.page).stem,
                f"{case.kind} {case.key}",
                f"{median_ms:.1f}",
                f"{p95(times) * 1000:.1f}",
                f"{first * 1000:.0f}",
                verdict(median_ms < RERUN_TARGET_MS),
            )
        )
    header = ("page", "widget changed", "median ms", "p95 ms", "first run ms", "< 50 ms")
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    line = "  ".join("{:<%d}" % w for w in widths)  # noqa: UP031
    print(f"One rerun after a widget change (AppTest, {RERUNS} reruns per page)")
    print(line.format(*header))
    print(line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row))

    launches = [time_startup() for _ in range(LAUNCHES)]
    startup = statistics.median(launches)
    each = ", ".join(f"{s:.2f}" for s in launches)
    print()
    print(f"Startup, `streamlit run app.py` to /_stcore/health: median {startup:.2f} s ({each})")
    print(f"Target startup < {STARTUP_TARGET_S:.0f} s: {verdict(startup < STARTUP_TARGET_S)}")
    slow = [row[0] for row in rows if row[-1] == "NO"]
    met = "NO: " + ", ".join(slow) if slow else "yes, every page"
    print(f"Target median rerun < {RERUN_TARGET_MS:.0f} ms: {met}")


if __name__ == "__main__":
    main()
