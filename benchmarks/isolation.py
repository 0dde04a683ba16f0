"""Benchmark: what reading an upload in a worker process costs (calc.upload.guard).

    python3 benchmarks/isolation.py                  # 1M-row CSV, 5 rounds
    python3 benchmarks/isolation.py --rows 100000 --rounds 3

The same bytes are read in turn three ways, in one process after imports:

- in-process: ``calc.upload._read_raw`` and ``_interpret``, the work without a worker;
- forked: :func:`calc.upload.read` with no standby, so a worker is forked for the file;
- standby: :func:`calc.upload.read` on a standby that had time to prepare (a person
  takes longer to pick a file than a standby to start), as a server reads files.

Prints the median and best wall time of each, the cost of each worker over
in-process (medians, and the median of the differences within a round), the
pickled result's size, and the server-side peak resident memory (the workers'
own peaks are not the server's).

Target (issue 15): the isolation costs under 10% at 1M rows.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def _rss_peak() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0  # pragma: no cover - Linux only


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import upload as upload_bench  # benchmarks/upload.py: the seeded order log, cached in /tmp

    import calc.upload
    from calc.upload import _format_of, _interpret, _read_raw, standby

    path = upload_bench.make_file("csv", args.rows)
    data = path.read_bytes()
    kind = _format_of(data, path.name)

    def in_process():
        return _interpret(_read_raw(data, kind, {}), path.name, {}, None, None, None)

    def forked():
        standby.enabled = False
        try:
            return calc.upload.read(data, path.name)
        finally:
            standby.enabled = True

    def on_standby():
        return calc.upload.read(data, path.name)

    ways = {"in-process": in_process, "forked": forked, "standby": on_standby}
    times: dict[str, list[float]] = {name: [] for name in ways}
    calc.upload.read(data, path.name)  # warm every way once; this read prepares a standby
    for _ in range(args.rounds):
        for name, way in ways.items():
            if name == "standby":
                standby.prepare(len(data))
            if name == "standby" and not standby.wait_ready(60):
                sys.exit("no standby became ready within 60 s")
            t0 = time.perf_counter()
            up = way()
            times[name].append(time.perf_counter() - t0)
            del up
    up = in_process()
    blob = len(pickle.dumps(up, protocol=5))
    base = statistics.median(times["in-process"])
    print(f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB CSV, {args.rounds} rounds")
    for name, values in times.items():
        median = statistics.median(values)
        line = f"  {name:11s} median {median:6.3f} s  best {min(values):6.3f} s"
        if name != "in-process":
            pairs = zip(values, times["in-process"], strict=True)
            paired = statistics.median(w - d for w, d in pairs)
            line += f"  cost {median - base:+6.3f} s ({(median - base) / base:+.1%})"
            line += f", paired {paired:+.3f} s"
        print(line)
    print(f"  result pickled: {blob / 1e6:.1f} MB; server peak RSS {_rss_peak() / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
