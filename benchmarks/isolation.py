"""Benchmark: what reading an upload in a worker process costs (calc.upload.guard).

    python3 benchmarks/isolation.py                  # 1M-row CSV, 5 rounds
    python3 benchmarks/isolation.py --rows 100000 --rounds 3

The same bytes are read alternately in-process (``calc.upload._read_raw`` and ``_interpret``, the
work without the worker) and through :func:`calc.upload.read` (forked worker,
memory and time limits, result pickled back), in one process after imports.
Prints the median and best wall time of each, the difference in seconds and
percent, the pickled result's size, and the server-side peak resident memory
of each way (the worker's own peak is not the server's).

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
    from calc.upload import _format_of, _interpret, _read_raw

    path = upload_bench.make_file("csv", args.rows)
    data = path.read_bytes()
    kind = _format_of(data, path.name)
    direct, isolated = [], []
    calc.upload.read(data, path.name)  # warm both ways once
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        up = _interpret(_read_raw(data, kind, {}), path.name, {}, None, None, None)
        direct.append(time.perf_counter() - t0)
        del up
        t0 = time.perf_counter()
        up = calc.upload.read(data, path.name)
        isolated.append(time.perf_counter() - t0)
    blob = len(pickle.dumps(up, protocol=5))
    d, i = statistics.median(direct), statistics.median(isolated)
    print(
        f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB CSV, {args.rounds} rounds\n"
        f"  in-process   median {d:6.3f} s  best {min(direct):6.3f} s\n"
        f"  worker       median {i:6.3f} s  best {min(isolated):6.3f} s\n"
        f"  cost         median {i - d:+6.3f} s ({(i - d) / d:+.1%}), "
        f"best {min(isolated) - min(direct):+6.3f} s "
        f"({(min(isolated) - min(direct)) / min(direct):+.1%})\n"
        f"  result pickled: {blob / 1e6:.1f} MB; server peak RSS {_rss_peak() / 1e6:.0f} MB"
    )


if __name__ == "__main__":
    main()
