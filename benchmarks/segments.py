"""Benchmark: segments of an order log on top of today's analysis, and the models per segment.

    python3 benchmarks/segments.py                  # 1M rows, 10 segments
    python3 benchmarks/segments.py --rows 100000    # a quick run

The order log is the seeded one of ``benchmarks/upload.py`` (written once to
/tmp/retention-benchmark/ and reused), read with calc.upload.read as the app
reads it. A text column ``segment`` gives every customer one of 10 values of
uneven size (10% to 19% of the customers each), so grouping by it makes 10
segments. Timed in this process after imports, median of ``--repeat`` runs:

- today's analysis, calc.history.analyse (for reference);
- calc.history.segments.segment by the column (the work the Segments tab adds);
- the models: the per-customer summary and pooled BG/NBD + Gamma-Gamma fit
  (what the Forecast page already does), then segment_models: one fit per
  segment with its 365-day forecast and 3-year CLV with its range;
- the Segments tab's whole model work: the summary, then segment_models
  without the Forecast page's result (the whole file fitted only if a segment
  needs it);
- *before*, interleaved with the models per segment (before, after, before, ...: the machine is
  shared): the models per segment as they were first built,
  :func:`before_segment_models`, the Forecast page's whole per-customer work
  (:func:`calc.models.forecast.forecast_orders`) on each segment, then means.

Targets on the project's 2-core machine: segments <= 1.5 s, models per
segment <= 3 s, at 1M rows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

_START = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402

from calc import history, upload  # noqa: E402
from calc.history import segment_models, segments  # noqa: E402
from calc.history.segment_models import _subset  # noqa: E402
from calc.models import readiness  # noqa: E402
from calc.models.forecast import forecast_orders  # noqa: E402
from calc.models.summary import summarize  # noqa: E402

_IMPORTED = time.perf_counter()


def timed(fun, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fun()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), result


def before_segment_models(s, summary, pooled, *, horizon_years=3, margin=1.0):
    """The models per segment as first built: every customer's forecast and CLV range, then means.

    Its ``clv_low`` / ``clv_high`` are the means of the customers' own ranges.
    """
    seg = s.segment_of(summary.customer_id)
    rows = []
    for code, label in enumerate(s.labels):
        mask = seg == code
        table, model = None, "none"
        sub = _subset(summary, mask)
        if mask.any() and readiness.ready(readiness.check(sub)) != "short":
            fit = forecast_orders(
                sub, windows_days=(365,), horizon_years=horizon_years, margin=margin
            )
            if fit.values is not None:
                table, model = fit.table, "own"
        if table is None and pooled.table is not None:
            table, model = pooled.table.iloc[np.flatnonzero(mask)], "pooled"
        row = {"segment": label, "model": model}
        for name in ("p_alive", "next_365", "clv_low", "clv", "clv_high"):
            row[name] = float(table[name].mean()) if table is not None else float("nan")
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import upload as upload_benchmark  # benchmarks/upload.py: the shared seeded log

    print(f"load average {os.getloadavg()[0]:.2f} (2 cores shared)")
    path = upload_benchmark.make_file("csv", args.rows)
    table = upload.read(path.read_bytes(), path.name).table
    codes = table["customer_id"].cat.codes.to_numpy()
    weights = np.arange(10, 20, dtype=float)
    bucket = np.searchsorted(np.cumsum(weights / weights.sum()), (codes * 0.6180339887) % 1.0)
    table["segment"] = np.array([f"group {i}" for i in range(10)])[np.minimum(bucket, 9)]
    customers = table["customer_id"].nunique()
    print(f"{len(table):,} rows, {customers:,} customers, imports {_IMPORTED - _START:.2f} s")

    med, best, _ = timed(lambda: history.analyse(table), args.repeat)
    print(f"today's analysis (calc.history.analyse): median {med:.2f} s, best {best:.2f} s")
    med, best, s = timed(lambda: segments.segment(table, "column", column="segment"), args.repeat)
    print(f"segments by a column, 10 segments:      median {med:.2f} s, best {best:.2f} s")
    assert len(s.labels) == 10, s.labels
    med, best, _ = timed(lambda: segments.segment(table, "category"), args.repeat)
    print(f"segments by first order's category:     median {med:.2f} s, best {best:.2f} s")
    med, best, _ = timed(lambda: segments.largest(s, 10), args.repeat)

    paid = table[table["amount"] > 0]

    def pooled():
        summary = summarize(paid["customer_id"], paid["date"], paid["amount"], unit="W")
        fit = forecast_orders(summary, windows_days=(90, 365), horizon_years=3, margin=0.3)
        return summary, fit

    med, best, (summary, fit) = timed(pooled, 1)
    print(f"summary + pooled models (Forecast page): {med:.2f} s")
    before, after = [], []
    for _ in range(args.repeat):  # interleaved: both see the same load
        start = time.perf_counter()
        old = before_segment_models(s, summary, fit, horizon_years=3, margin=0.3)
        before.append(time.perf_counter() - start)
        start = time.perf_counter()
        out = segment_models.segment_models(s, summary, fit, horizon_years=3, margin=0.3)
        after.append(time.perf_counter() - start)
    for name, times in (("before", before), ("after ", after)):
        print(
            f"models per segment (10 fits), {name}:   median {statistics.median(times):.2f} s, "
            f"best {min(times):.2f} s (load {os.getloadavg()[0]:.2f})"
        )

    def tab():  # what the Segments tab runs: its own summary, no per-customer valuation
        mine = summarize(paid["customer_id"], paid["date"], paid["amount"], unit="W")
        return segment_models.segment_models(s, mine, horizon_years=3, margin=0.3)

    med, best, _ = timed(tab, args.repeat)
    print(f"the Segments tab's models (summary + models per segment): median {med:.2f} s")
    gap = max(abs(o["clv"] / n - 1) for o, n in zip(old, out["clv"], strict=True))
    print(f"largest relative gap of the mean CLV, before against after: {gap:.1e}")
    print(out[["segment", "model", "model_customers", "p_alive", "clv"]].to_string(index=False))
    print(f"whole process {time.perf_counter() - _START:.1f} s")


if __name__ == "__main__":
    main()
