"""Benchmark: the Your data page's downloads, before and after, measured side by side in one run.

Run from the repository root::

    python3 benchmarks/exports.py                    # workbook at 1M and 2.4M rows, reruns at 1M
    python3 benchmarks/exports.py --sizes 100000     # a quick run
    python3 benchmarks/exports.py --before-max 0     # skip the old writer (it takes ~30-70 s)

Three measurements on order logs from :func:`calc.samples.orders` (seeded, ~2.4
orders a customer: 1M rows hold ~412k customers, 2.4M rows ~990k):

1. **The results workbook** ("Download every table": headline, retention,
   cohorts, gaps, every customer, the at-risk list, breakdowns). *Before* is
   the cell-by-cell XlsxWriter writer the app had (``calc.history.to_xlsx``
   until the exports moved to ``calc.exports``; copied below as
   :func:`before_to_xlsx`); *after* is :func:`calc.exports.to_xlsx`. Each runs
   in a fresh process on the same tables: wall time (median of ``--repeat``),
   CPU seconds of all threads, and the peak resident memory above what the
   process held before writing (Linux VmHWM, reset through clear_refs).
2. **The CSV downloads** one run of the page used to build: every table's
   CSV that the page shows a button for (retention, cohorts, gaps, at-risk,
   a breakdown), built on every rerun before, on click now.
3. **A rerun of Your data** in ``AppTest`` with the 1M-row CSV uploaded:
   median of ``--reruns`` reruns (a toggle flipped each time) with the
   downloads built eagerly, as before (``ui.upload_view.on_click_data``
   replaced by a function that builds at once), and deferred, as now.

Nothing is asserted; the machine is shared, so wall times move with other
load (``os.getloadavg()`` is printed); CPU seconds move less. Targets
(issues 14 and 15): the whole workbook at 1M rows / 1M customers <= 5 s with
bounded memory; the downloads' share of a Your data rerun at 1M rows ~0
(the whole rerun <= 100 ms is shared with the cached results).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = 2026
BEFORE, AFTER = "before", "after"


# ---------------------------------------------------------------- the old writer


_RISKY = re.compile(r"^[=+\-@\t\r]")


def _before_neutralise(df):
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or isinstance(s.dtype, (pd.StringDtype, pd.CategoricalDtype)):
            keep_na = s.isna()
            text = s.astype("str")
            risky = text.str.match(_RISKY, na=False)
            out[col] = text.where(~risky, "'" + text).where(~keep_na, None)
    out.columns = [_RISKY.sub(lambda m: "'" + m.group(0), str(c)) for c in out.columns]
    return out


def before_to_xlsx(tables) -> bytes:
    """The results workbook as the app wrote it before: cell by cell, the whole book in memory."""
    import numpy as np
    import pandas as pd
    import xlsxwriter

    buf = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "nan_inf_to_errors": False,
    }
    used: set[str] = set()
    with xlsxwriter.Workbook(buf, options) as book:
        bold = book.add_format({"bold": True})
        date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
        for name, df in tables.items():
            base = re.sub(r"[\[\]:*?/\\]", " ", str(name)).strip("' ")[:31] or "sheet"
            candidate, i = base, 2
            while candidate.lower() in used:
                candidate, i = base[: 31 - len(f" ({i})")] + f" ({i})", i + 1
            used.add(candidate.lower())
            sheet = book.add_worksheet(candidate)
            safe = _before_neutralise(df)
            for j, col in enumerate(safe.columns):
                sheet.write_string(0, j, str(col), bold)
                s = safe[col]
                if pd.api.types.is_datetime64_any_dtype(s.dtype):
                    for r, v in enumerate(s.tolist(), start=1):
                        if v is not None and not pd.isna(v):
                            sheet.write_datetime(r, j, v.to_pydatetime(), date_fmt)
                elif pd.api.types.is_bool_dtype(s.dtype):
                    for r, v in enumerate(s.tolist(), start=1):
                        sheet.write_boolean(r, j, bool(v))
                elif pd.api.types.is_numeric_dtype(s.dtype):
                    for r, v in enumerate(s.tolist(), start=1):
                        if v is not None and not pd.isna(v):
                            sheet.write_number(r, j, float(v))
                else:
                    for r, v in enumerate(s.tolist(), start=1):
                        if v is None or (isinstance(v, float) and np.isnan(v)):
                            continue
                        sheet.write_string(r, j, str(v))
            sheet.freeze_panes(1, 0)
    return buf.getvalue()


# ---------------------------------------------------------------- measuring


def _cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def _vm(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0  # pragma: no cover - Linux only


def _tables(rows: int):
    sys.path.insert(0, str(ROOT))
    from calc import history, samples

    return history.analyse(samples.orders(rows, seed=SEED, names=False)).tables()


def measure_workbook(which: str, rows: int, repeat: int) -> dict:
    """In a fresh process: write the workbook ``repeat`` times; time, CPU and peak memory."""
    tables = _tables(rows)
    sys.path.insert(0, str(ROOT))
    from calc.exports import to_xlsx

    write = before_to_xlsx if which == BEFORE else to_xlsx
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
    base = _vm("VmRSS")
    walls, cpus, size = [], [], 0
    for _ in range(repeat):
        c0, t0 = _cpu(), time.perf_counter()
        size = len(write(tables))
        walls.append(time.perf_counter() - t0)
        cpus.append(_cpu() - c0)
    return {
        "wall": statistics.median(walls),
        "best": min(walls),
        "cpu": statistics.median(cpus),
        "peak_mb": (_vm("VmHWM") - base) / 1e6,
        "mb": size / 1e6,
        "customers": len(tables["customers"]),
        "cells": sum(t.size for t in tables.values()),
    }


def measure_csvs(rows: int) -> dict:
    """The CSVs one run of the page built before (one per shown table), and all of them."""
    sys.path.insert(0, str(ROOT))
    from calc.exports import to_csv

    tables = _tables(rows)
    shown = ["retention_month", "cohorts", "gaps", "at_risk", next(k for k in tables if "by " in k)]
    t0 = time.perf_counter()
    for key in shown:
        to_csv(tables[key])
    per_run = time.perf_counter() - t0
    t0 = time.perf_counter()
    to_csv(tables["customers"])
    return {"per_run": per_run, "customers_csv": time.perf_counter() - t0}


def measure_reruns(rows: int, reruns: int) -> dict:
    """Your data in AppTest with the file uploaded: rerun times, downloads eager and deferred."""
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    sys.path.insert(0, str(ROOT))
    from streamlit.testing.v1 import AppTest

    from calc import samples
    from ui import upload_view

    data = samples.orders_csv(samples.orders(rows, seed=SEED, names=False), "plain")
    deferred = upload_view.on_click_data

    def eager(build, *args):
        """The page before: each table's CSV built in the run; the workbook was already a lambda."""
        if build is upload_view.csv_file:
            made = build(*args)
            return made
        return deferred(build, *args)

    out = {}
    for mode, helper in ((BEFORE, eager), (AFTER, deferred)):
        upload_view.on_click_data = helper
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
        at.switch_page("pages/5_Your_data.py").run()
        at.file_uploader[0].set_value(("history.csv", data, "text/csv")).run()
        assert not at.exception, at.exception
        times = []
        for i in range(reruns):
            t0 = time.perf_counter()
            at.toggle(key="up_cohort_pct").set_value(i % 2 == 0).run()
            times.append(time.perf_counter() - t0)
        assert not at.exception, at.exception
        out[mode] = statistics.median(times)
    upload_view.on_click_data = deferred
    return out


def _fresh(args: list[str]) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--one", *args], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 2_400_000])
    parser.add_argument("--before-max", type=int, default=1_000_000, help="largest log for before")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reruns", type=int, default=5)
    parser.add_argument("--rerun-rows", type=int, default=1_000_000, help="0 skips the AppTest")
    parser.add_argument("--one", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        kind, *rest = args.one
        if kind == "workbook":
            result = measure_workbook(rest[0], int(rest[1]), int(rest[2]))
        elif kind == "csv":
            result = measure_csvs(int(rest[0]))
        else:
            result = measure_reruns(int(rest[0]), int(rest[1]))
        print(json.dumps(result))
        return
    print(f"load average {os.getloadavg()[0]:.1f} (2 cores, shared)", flush=True)
    for rows in args.sizes:
        modes = [BEFORE, AFTER] if rows <= args.before_max else [AFTER]
        found = {}
        for which in modes:
            repeat = 1 if which == BEFORE else args.repeat
            r = found[which] = _fresh(["workbook", which, str(rows), str(repeat)])
            print(
                f"workbook {rows:>9,} rows ({r['customers']:,} customers, "
                f"{r['cells'] / 1e6:.1f}M cells) {which:6s}: {r['wall']:6.2f} s "
                f"(best {r['best']:5.2f}, cpu {r['cpu']:5.2f}) | peak +{r['peak_mb']:5.0f} MB "
                f"| file {r['mb']:5.1f} MB",
                flush=True,
            )
        if len(found) == 2:
            ratio = found[BEFORE]["wall"] / found[AFTER]["wall"]
            cpu = found[BEFORE]["cpu"] / found[AFTER]["cpu"]
            print(f"  -> {ratio:.0f}x faster ({cpu:.0f}x less CPU)", flush=True)
    for rows in args.sizes[:1]:
        r = _fresh(["csv", str(rows)])
        print(
            f"CSV downloads at {rows:,} rows: {r['per_run']:.2f} s built on every rerun before, "
            f"0 now (on click); the customer list's CSV on click: {r['customers_csv']:.2f} s",
            flush=True,
        )
    if args.rerun_rows:
        r = _fresh(["rerun", str(args.rerun_rows), str(args.reruns)])
        print(
            f"Your data rerun at {args.rerun_rows:,} rows (AppTest, median of {args.reruns}): "
            f"downloads eager (before) {r[BEFORE] * 1000:.0f} ms, on click (after) "
            f"{r[AFTER] * 1000:.0f} ms; the downloads' share {(r[BEFORE] - r[AFTER]) * 1000:.0f}"
            " ms -> 0",
            flush=True,
        )


if __name__ == "__main__":
    main()
