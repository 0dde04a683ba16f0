"""Server CPU per widget change, one session, for checkouts side by side.

    python3 benchmarks/rerun_cpu.py                       # this checkout
    python3 benchmarks/rerun_cpu.py /tmp/base .           # another checkout against this one
    python3 benchmarks/rerun_cpu.py --changes 400 /tmp/base .

Starts ``streamlit run app.py`` in each checkout named, with this Python. One session per
server, speaking Streamlit's protocol as ``benchmarks/load.py`` does, types order values on
Customer value and moves the retention slider on What if? (a change inside a page's fragment
names the fragment, as a browser does).
The changes alternate between the servers, so that each sees the same moments of a shared,
noisy machine. After 10 changes to warm up, it prints per page and server the server's CPU
time per change and the time from sending a change to the script's end.

The load benchmark measures what many sessions wait; this one measures the work that one
change costs, the quantity that decides it.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
from pathlib import Path

import load

WARM_UP = 10


async def measure(servers: list[tuple[str, subprocess.Popen]], changes: int) -> list[dict]:
    """Per server, per page: (CPU ms per change, wall ms per change)."""
    sessions = []
    for url, server in servers:
        session = load.Session(url, 1, load.Tally())
        session.ws = await session.connect()
        await session.run_script([])
        sessions.append((session, server))
    figures: list[dict] = [{} for _ in sessions]
    for page, (key, kind, value_of) in load.PAGES.items():
        cpu, wall = [0.0] * len(sessions), [0.0] * len(sessions)
        for session, _ in sessions:
            session.page_hash = session.pages[page]
            await session.run_script([])
        for n in range(WARM_UP + changes):
            for i, (session, server) in enumerate(sessions):
                before = load.cpu_seconds(server.pid)
                took, _ = await session.change(key, kind, value_of(n % 40, n))
                await asyncio.sleep(0.02)  # let the server finish sending
                if n >= WARM_UP:
                    cpu[i] += load.cpu_seconds(server.pid) - before
                    wall[i] += took
        for i in range(len(sessions)):
            figures[i][page] = (cpu[i] / changes * 1000, wall[i] / changes * 1000)
    for session, _ in sessions:
        await session.ws.close()
    for session, _ in sessions:
        if session.tally.errors:
            raise SystemExit(f"errors: {session.tally.errors[:3]}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", type=Path, default=[load.ROOT])
    parser.add_argument("--changes", type=int, default=200, help="changes per page, timed")
    args = parser.parse_args()
    servers: list[tuple[str, subprocess.Popen]] = []
    try:
        for root in args.roots:
            servers.append(load.start_server(root.resolve()))
        figures = asyncio.run(measure(servers, args.changes))
    finally:
        for _, server in servers:
            load.stop_server(server)
    print(f"{'checkout':<30} {'page':<16} {'CPU ms/change':>13} {'wall ms/change':>14}")
    for root, pages in zip(args.roots, figures, strict=True):
        for page, (cpu, wall) in pages.items():
            print(f"{str(root)[-30:]:<30} {page:<16} {cpu:>13.1f} {wall:>14.1f}")


if __name__ == "__main__":
    main()
