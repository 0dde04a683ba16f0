"""Load benchmark: many concurrent sessions typing numbers and moving sliders (issue 15, item 6).

    python3 benchmarks/load.py                        # 10, 50 and 100 sessions
    python3 benchmarks/load.py --levels 10 --rounds 3 # a quick run

Starts ``streamlit run app.py`` on a free loopback port and drives it with a light
protocol-level client, not a browser per session (browsers on two cores would measure the
browsers): each session is one websocket speaking Streamlit's own protobufs
(``BackMsg`` out, ``ForwardMsg`` in, from ``streamlit.proto``), as the page does.

Each session opens the Customer value page and types ``--rounds`` order values, then opens
the What if? page and moves the retention slider ``--rounds`` times, pausing a random
1-3 s between actions like a person (``--think``). Every value is unique to its session and
round. A rerun's latency is from sending the widget change to the server's
``script_finished``. As a browser does, a change to a widget drawn inside a fragment
(``st.fragment``: the body of the pages of inputs) names that fragment, so that the server
reruns it alone. After each rerun the page's shareable link (the ``st.code`` element,
built from the session's own inputs) must carry the value this session sent: a value of
another session there counts as a cross-session value. Errors are exception elements,
scripts not finishing successfully, dropped websockets and timeouts.

Prints, per level: sessions, reruns, p50 / p95 / max rerun latency, errors, cross-session
values, the server's resident memory (RSS) after the level and its peak (VmHWM), the
server's CPU time per script run (every run of the level, page loads included), and the
share of the machine's CPU time its host took for others (``steal`` in ``/proc/stat``, on a
virtual machine; blank where the system does not count it), and how long a fixed piece of
pure Python took just before and after the level (``ref ms``: the host's speed of the
moment). These tell a slow host from slow code: the same code ran 21-26 ms a run in quiet
sittings and 29-42 ms in noisy ones, with hardly any steal.
Bounded: loopback only, at most ``--levels`` sessions at once, every wait has a timeout.

Target on the project's 2-core machine: 50 sessions, p95 rerun <= 300 ms, zero errors,
zero cross-session values.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT_S = 60.0
RERUN_TIMEOUT_S = 60.0
SEED = 2026
FINISHED_WELL = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
PAGES = {
    "Customer_value": ("aov", "double", lambda s, r: 100.0 + s + r / 100),
    # 51-69: never 70, the example's value, which the shared link leaves out
    "What_if": ("wi_ret", "slider", lambda s, r: 51.0 + (s * 7 + r) % 19),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used, seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def host_ticks() -> tuple[int, int] | None:
    """The machine's CPU ticks so far: (all, stolen by the host); None without /proc/stat."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    ticks = [int(x) for x in fields[:8]]  # user nice system idle iowait irq softirq steal
    return sum(ticks), ticks[7] if len(ticks) == 8 else 0


def reference_ms() -> float:
    """Median of five runs of a fixed piece of pure Python (dict and string work, as a
    script run does), in ms."""
    times = []
    for _ in range(5):
        start = time.perf_counter()
        table: dict[str, float] = {}
        for i in range(60_000):
            table[f"k{i % 997}"] = table.get(f"k{i % 997}", 0.0) + i * 0.5
        sorted(table.items(), key=lambda item: item[1])
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def stolen_share(before: tuple[int, int] | None, after: tuple[int, int] | None) -> str:
    """The host's share of the CPU time between two readings, as a percentage text."""
    if before is None or after is None or after[0] == before[0]:
        return ""
    return f"{100 * (after[1] - before[1]) / (after[0] - before[0]):.0f}%"


def memory(pid: int) -> tuple[float, float]:
    """Resident and peak resident memory of a process, MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    crossed: int = 0


class Session:
    """One browser tab, as far as the server can tell."""

    def __init__(self, url: str, number: int, tally: Tally) -> None:
        self.url, self.number, self.tally = url, number, tally
        self.pages: dict[str, str] = {}
        self.widgets: dict[str, str] = {}
        self.fragments: dict[str, str] = {}  # widget id -> the fragment it is drawn in
        self.page_hash = ""
        self.query = ""  # the address bar's query, as the server last set it
        self.ws = None

    async def run_script(
        self, states: list[WidgetState], fragment: str = ""
    ) -> tuple[float, list[str]]:
        """Send a rerun (of ``fragment`` alone, if named); wait for the script to finish.
        Returns the time and the code texts."""
        back = BackMsg()
        back.rerun_script.query_string = self.query  # a browser sends its address's query
        back.rerun_script.page_script_hash = self.page_hash
        back.rerun_script.widget_states.widgets.extend(states)
        back.rerun_script.fragment_id = fragment
        start = time.perf_counter()
        await self.ws.send(back.SerializeToString())
        codes: list[str] = []
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), RERUN_TIMEOUT_S)
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind in ("new_session", "navigation"):
                for page in getattr(msg, kind).app_pages:
                    self.pages[page.url_pathname.strip("/") or page.page_name] = (
                        page.page_script_hash
                    )
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                what = element.WhichOneof("type")
                if what == "exception":
                    self.tally.errors.append(f"exception: {element.exception.message[:80]}")
                elif what == "code":
                    codes.append(element.code.code_text)
                else:
                    widget = getattr(element, what, None)
                    ident = getattr(widget, "id", "")
                    if isinstance(ident, str) and ident.startswith("$$ID-"):
                        self.widgets[ident.rsplit("-", 1)[-1]] = ident
                        self.fragments[ident] = msg.delta.fragment_id
            elif kind == "script_finished":
                if msg.script_finished not in FINISHED_WELL:
                    self.tally.errors.append(f"script finished with {msg.script_finished}")
                return time.perf_counter() - start, codes

    def connect(self) -> websockets.connect:
        """The session's websocket, as the page opens it: ``await`` it or use ``async with``."""
        return websockets.connect(
            f"ws://{self.url.removeprefix('http://')}/_stcore/stream",
            subprotocols=["streamlit"],
            origin=self.url,
            max_size=None,
            open_timeout=RERUN_TIMEOUT_S,
            ping_interval=None,  # as a browser: no protocol pings to time out under load
        )

    async def change(self, key: str, kind: str, value: float) -> tuple[float, list[str]]:
        """Set input ``key`` (a ``"slider"`` or a number) to ``value`` and rerun, as the page
        does: the rerun of the fragment the input is drawn in. Returns :meth:`run_script`'s."""
        state = WidgetState(id=self.widgets[key])
        if kind == "slider":
            state.double_array_value.data.append(value)
        else:
            state.double_value = value
        return await self.run_script([state], self.fragments[state.id])

    async def play(self, rounds: int, think: tuple[float, float], rng: random.Random) -> None:
        async with self.connect() as ws:
            self.ws = ws
            await self.run_script([])
            for page, (key, kind, value_of) in PAGES.items():
                self.page_hash = self.pages[page]
                await self.run_script([])
                if key not in self.widgets:
                    self.tally.errors.append(f"no widget {key} on {page}")
                    continue
                for r in range(rounds):
                    await asyncio.sleep(rng.uniform(*think))
                    value = value_of(self.number, r)
                    took, codes = await self.change(key, kind, value)
                    self.tally.latencies.append(took)
                    self.check(key, value, codes)

    def check(self, key: str, value: float, codes: list[str]) -> None:
        """The shared link on the page must carry this session's value, no other."""
        links = [c for c in codes if f"{key}=" in c]
        if not links:
            self.tally.errors.append(f"no link with {key} among {len(codes)} code elements")
            return
        found = re.search(rf"[?&]{key}=([^&]+)", links[-1])
        if not found or float(found.group(1)) != round(value, 2):
            self.tally.crossed += 1


async def level(url: str, sessions: int, rounds: int, think: tuple[float, float]) -> Tally:
    tally = Tally()
    rng = random.Random(SEED + sessions)

    async def one(number: int) -> None:
        await asyncio.sleep(rng.uniform(0, think[1]))  # people do not all arrive at once
        try:
            await Session(url, number, tally).play(rounds, think, random.Random(SEED + number))
        except (OSError, TimeoutError, websockets.WebSocketException, KeyError) as exc:
            tally.errors.append(f"session {number}: {type(exc).__name__} {exc}"[:120])

    await asyncio.gather(*(one(n) for n in range(sessions)))
    return tally


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def start_server(root: Path = ROOT) -> tuple[str, subprocess.Popen]:
    """``streamlit run app.py`` in ``root`` on a free loopback port; its URL once it answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "streamlit", "run", "app.py"),
            *("--server.headless", "true", "--server.port", str(port)),
            *("--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"),
        ],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                return url, server
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                stop_server(server)
                raise SystemExit(f"the server in {root} did not start") from None
            time.sleep(0.1)


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--rounds", type=int, default=5, help="changes per page and session")
    parser.add_argument("--think", type=float, nargs=2, default=[1.0, 3.0], metavar=("MIN", "MAX"))
    args = parser.parse_args()
    if max(args.levels) > 200:
        parser.error("at most 200 sessions: this is a loopback benchmark, not a stress tool")

    url, server = start_server()
    try:
        rss, _ = memory(server.pid)
        print(f"server pid {server.pid} on {url}; idle RSS {rss:.0f} MB")
        print(
            f"{'sessions':>8} {'reruns':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} "
            f"{'errors':>6} {'crossed':>7} {'RSS MB':>7} {'peak MB':>7} {'wall s':>6} "
            f"{'CPU ms/run':>10} {'steal':>5} {'ref ms':>6}"
        )
        for sessions in args.levels:
            ref0 = reference_ms()
            t0, cpu0, host0 = time.perf_counter(), cpu_seconds(server.pid), host_ticks()
            tally = asyncio.run(level(url, sessions, args.rounds, tuple(args.think)))
            wall, cpu = time.perf_counter() - t0, cpu_seconds(server.pid) - cpu0
            steal = stolen_share(host0, host_ticks())
            ref = (ref0 + reference_ms()) / 2
            runs = sessions * (1 + len(PAGES) * (1 + args.rounds))  # first page, then each page
            rss, peak = memory(server.pid)
            lat = [x * 1000 for x in tally.latencies]
            print(
                f"{sessions:>8} {len(lat):>6} {percentile(lat, 0.5):>7.0f} "
                f"{percentile(lat, 0.95):>7.0f} {max(lat, default=float('nan')):>7.0f} "
                f"{len(tally.errors):>6} {tally.crossed:>7} {rss:>7.0f} {peak:>7.0f} {wall:>6.0f} "
                f"{cpu / runs * 1000:>10.1f} {steal:>5} {ref:>6.1f}",
                flush=True,
            )
            for error in sorted(set(tally.errors))[:5]:
                print(f"         {error}")
        if tally.latencies:
            print(f"median of all reruns at the last level: {statistics.median(lat):.0f} ms")
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
