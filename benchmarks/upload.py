"""Benchmark: uploaded bytes -> every result table, for order logs of 100k, 1M and 5M rows.

    python3 benchmarks/upload.py                 # CSV 100k, 1M, 5M; XLSX 100k, 1M
    python3 benchmarks/upload.py --sizes 100000  # a quick run
    python3 benchmarks/upload.py --no-xlsx
    python3 benchmarks/upload.py --sizes 1000000 --no-xlsx --shopify  # + Shopify-style export

Order logs come from calc.samples (seeded) and are written once into
/tmp/retention-benchmark/ (writing a 1M-row XLSX takes minutes) and reused.
Each file is measured in a fresh process: imports first, then the median of
``--repeat`` runs of calc.upload.read (parse) and calc.history.analyse
(compute: headline, retention by month/quarter/year, cohorts, purchase gaps,
customer summary, at-risk list, CLV inputs, breakdowns): median wall time,
best wall time, and CPU seconds of all threads (the machine is shared, so the
best run and the CPU time show the cost better than one wall time). Peak memory is the
process's peak resident set during the timed runs above what it held before
(Linux VmHWM, reset through /proc/self/clear_refs), and its total peak.

Targets on the project's 2-core machine: 1M-row CSV < 1.5 s and < 600 MB;
1M-row XLSX < 3 s; 5M-row CSV < 8 s; cost linear in rows. ``--shopify`` adds
a Shopify orders export of the same number of rows (about 2.3 line-item rows
per order, order fields on the first row only, statuses paid / refunded /
partially refunded / voided / pending), read and analysed within 1.5x the
time of the plain order log of the same rows.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path("/tmp/retention-benchmark")
SEED = 2026
# glibc returns every array above 32 MB to the system when freed and maps fresh
# (zeroed) pages for the next one; with these settings it keeps them for reuse.
MALLOC_TUNED = {
    "MALLOC_MMAP_THRESHOLD_": str(1 << 30),
    "MALLOC_TRIM_THRESHOLD_": str(1 << 32),
    "MALLOC_TOP_PAD_": str(1 << 28),
}
# A lean shop export: ~40 bytes a row as CSV. The same columns in CSV and XLSX.
COLUMNS = ("order_id", "customer_id", "date", "amount", "category")


def _columns(kind: str, rows: int) -> tuple[str, ...]:
    """The log's columns: a CSV above 4M rows without the category, as in benchmarks/models.py.

    With it the 5M-row CSV is 202 MB, past the upload limit (calc.upload.MAX_UPLOAD_MB),
    and the read refuses it; without it, 167 MB.
    """
    return COLUMNS if kind != "csv" or rows <= 4_000_000 else COLUMNS[:-1]


def _sample_path(kind: str, rows: int) -> Path:
    nocat = "" if _columns(kind, rows) == COLUMNS else "_nocat"
    return CACHE / f"orders_v2_{rows}{nocat}.{kind}"


def make_file(kind: str, rows: int) -> Path:
    """Write the order log of ``rows`` rows as CSV or XLSX, unless it is there already."""
    sys.path.insert(0, str(ROOT))
    from calc import samples

    path = _sample_path(kind, rows)
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    table = samples.orders(rows, seed=SEED, names=False)
    tmp = path.with_suffix(".part")
    if kind == "csv":
        tmp.write_bytes(samples.orders_csv(table[list(_columns(kind, rows))], "plain"))
    else:
        _write_xlsx(table, tmp)
    tmp.rename(path)
    print(
        f"  wrote {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.0f} s"
    )
    return path


SHOPIFY_COLUMNS = (
    "Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Currency",
    "Subtotal", "Shipping", "Taxes", "Total", "Discount Amount", "Created at",
    "Lineitem quantity", "Lineitem name", "Lineitem price", "Billing Name", "Refunded Amount",
    "Cancelled at", "Vendor",
)  # fmt: skip


def make_shopify(rows: int) -> Path:
    """A Shopify orders export of ``rows`` line-item rows (about 2.3 a order), written once."""
    import numpy as np
    import pandas as pd

    path = _sample_path("shopify.csv", rows)
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    lines = rng.choice([1, 2, 3, 4], size=rows, p=[0.35, 0.25, 0.25, 0.15])
    lines = lines[: int(np.searchsorted(np.cumsum(lines), rows)) + 1]
    lines[-1] -= lines.sum() - rows
    n_orders = len(lines)
    customer = rng.zipf(1.6, n_orders) % (n_orders // 3) + 1
    day = np.sort(rng.integers(0, 730, n_orders))
    created = (np.datetime64("2024-01-01") + day).astype(str)
    status = rng.choice(
        ["paid", "refunded", "partially_refunded", "voided", "pending"],
        n_orders,
        p=[0.85, 0.04, 0.03, 0.05, 0.03],
    )
    price = np.round(rng.gamma(2.0, 15.0, rows) + 1, 2)
    qty = rng.integers(1, 4, rows)
    order_of_row = np.repeat(np.arange(n_orders), lines)
    first = np.ones(rows, dtype=bool)
    first[1:] = order_of_row[1:] != order_of_row[:-1]
    subtotal = np.bincount(order_of_row, weights=price * qty)
    shipping = np.where(subtotal > 100, 0.0, 9.0)
    total = np.round(subtotal + shipping, 2)
    refunded = np.where(status == "refunded", total, 0.0)
    refunded = np.where(status == "partially_refunded", np.round(total * 0.3, 2), refunded)

    def order_field(values, fmt="{}"):
        out = np.full(rows, "", dtype=object)
        out[first] = [fmt.format(v) for v in values]
        return out

    frame = pd.DataFrame(
        {
            "Name": [f"#{1001 + i}" for i in order_of_row],
            "Email": [f"c{c}@example.com" for c in customer[order_of_row]],
            "Financial Status": order_field(status),
            "Paid at": order_field(created, "{} 10:00:00 +0100"),
            "Fulfillment Status": order_field(["fulfilled"] * n_orders),
            "Currency": order_field(["NOK"] * n_orders),
            "Subtotal": order_field(subtotal, "{:.2f}"),
            "Shipping": order_field(shipping, "{:.2f}"),
            "Taxes": order_field(np.zeros(n_orders), "{:.2f}"),
            "Total": order_field(total, "{:.2f}"),
            "Discount Amount": order_field(np.zeros(n_orders), "{:.2f}"),
            "Created at": [f"{d} 09:59:00 +0100" for d in created[order_of_row]],
            "Lineitem quantity": qty,
            "Lineitem name": rng.choice(["Kaffe", "Te", "Kopp", "Kanne"], rows),
            "Lineitem price": [f"{p:.2f}" for p in price],
            "Billing Name": order_field([f"Customer {c}" for c in customer]),
            "Refunded Amount": order_field(refunded, "{:.2f}"),
            "Cancelled at": order_field(np.where(status == "voided", created, ""), "{}"),
            "Vendor": "Brenneriet",
        }
    )
    frame.to_csv(path.with_suffix(".part"), index=False)
    path.with_suffix(".part").rename(path)
    return path


def _write_xlsx(table, path: Path) -> None:
    """A plain export: numbers as numbers, dates as dates, text inline (constant memory)."""
    import xlsxwriter

    order_no = table["order_id"].astype("int64").to_numpy()
    cust_no = table["customer_id"].str.slice(1).astype("int64").to_numpy()
    dates = table["date"].dt.to_pydatetime()
    amounts = table["amount"].to_numpy()
    cats = table["category"].astype(str).to_numpy()
    with xlsxwriter.Workbook(str(path), {"constant_memory": True}) as book:
        sheet = book.add_worksheet("Orders")
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write_row(0, 0, COLUMNS)
        for i in range(len(order_no)):
            r = i + 1
            sheet.write_number(r, 0, int(order_no[i]))
            sheet.write_number(r, 1, int(cust_no[i]))
            sheet.write_datetime(r, 2, dates[i], day)
            sheet.write_number(r, 3, float(amounts[i]))
            sheet.write_string(r, 4, cats[i])


def _cpu() -> float:
    """CPU seconds of this process, all threads (less sensitive to other load than wall time)."""
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def _vm(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0  # pragma: no cover - Linux only


def measure_one(path: Path, repeat: int) -> dict:
    """Run in a fresh process: time parse and compute, and the peak memory of the runs."""
    t_start = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    import calc.history
    import calc.upload

    data = path.read_bytes()
    imported = time.perf_counter() - t_start
    parse, compute, cpu = [], [], []
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
    base = _vm("VmRSS")
    for _ in range(repeat):
        c0 = _cpu()
        t0 = time.perf_counter()
        up = calc.upload.read(data, path.name)
        t1 = time.perf_counter()
        result = calc.history.analyse(up.table)
        t2 = time.perf_counter()
        cpu.append(_cpu() - c0)
        parse.append(t1 - t0)
        compute.append(t2 - t1)
        tables = result.tables()
        del up, result
    peak = _vm("VmHWM")
    return {
        "file": path.name,
        "bytes": len(data),
        "parse": statistics.median(parse),
        "compute": statistics.median(compute),
        "total": statistics.median(p + c for p, c in zip(parse, compute, strict=True)),
        "best": min(p + c for p, c in zip(parse, compute, strict=True)),
        "cpu": statistics.median(cpu),
        "peak_above_start_mb": (peak - base) / 1e6,
        "peak_total_mb": peak / 1e6,
        "imports_and_read_s": imported,
        "process_s": time.perf_counter() - t_start,
        "tables": len(tables),
    }


def _upload_limit() -> int:
    sys.path.insert(0, str(ROOT))
    from calc.upload import MAX_UPLOAD_BYTES

    return MAX_UPLOAD_BYTES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 5_000_000])
    parser.add_argument("--xlsx-max", type=int, default=1_000_000)
    parser.add_argument("--no-xlsx", action="store_true")
    parser.add_argument("--shopify", action="store_true", help="add a Shopify-style export")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--malloc-tuned",
        action="store_true",
        help="run the measured processes with glibc's MALLOC_MMAP_THRESHOLD_/TRIM_THRESHOLD_ "
        "raised, so freed arrays are reused instead of being mapped afresh (page faults)",
    )
    parser.add_argument("--one", nargs=2, metavar=("PATH", "REPEAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(Path(args.one[0]), int(args.one[1]))))
        return
    kinds = ["csv"] + ([] if args.no_xlsx else ["xlsx"]) + (["shopify"] if args.shopify else [])
    results: dict[str, list[dict]] = {}
    for kind in kinds:
        for rows in args.sizes:
            if kind == "xlsx" and rows > args.xlsx_max:
                continue
            path = make_shopify(rows) if kind == "shopify" else make_file(kind, rows)
            if path.stat().st_size > _upload_limit():  # the read would only refuse it
                print(f"{kind:4s} {rows:>9,} rows {path.stat().st_size / 1e6:6.1f} MB | "
                      "past the upload limit: not measured", flush=True)  # fmt: skip
                continue
            repeat = args.repeat if rows <= 1_000_000 else max(1, args.repeat - 1)
            t0 = time.perf_counter()
            out = subprocess.run(
                [sys.executable, __file__, "--one", str(path), str(repeat)],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, **(MALLOC_TUNED if args.malloc_tuned else {})},
            )
            res = json.loads(out.stdout.strip().splitlines()[-1])
            res["rows"] = rows
            res["wall_process_s"] = time.perf_counter() - t0
            results.setdefault(kind, []).append(res)
            print(
                f"{kind:4s} {rows:>9,} rows {res['bytes'] / 1e6:6.1f} MB | "
                f"parse {res['parse']:6.2f} s  compute {res['compute']:6.2f} s  "
                f"total {res['total']:6.2f} s (best {res['best']:5.2f}, cpu {res['cpu']:5.2f}) | "
                f"peak +{res['peak_above_start_mb']:5.0f} MB "
                f"(process {res['peak_total_mb']:5.0f} MB) | whole process "
                f"{res['wall_process_s']:5.1f} s, {res['tables']} tables",
                flush=True,
            )
    for plain, shop in zip(results.get("csv", []), results.get("shopify", []), strict=False):
        ratio, best = shop["total"] / plain["total"], shop["best"] / plain["best"]
        print(
            f"Shopify export / plain order log at {plain['rows']:,} rows: "
            f"x{ratio:.2f} median, x{best:.2f} best (target <= 1.5)"
        )
    for kind, rows in results.items():
        for a, b in itertools.pairwise(rows):
            print(
                f"{kind} {a['rows']:,} -> {b['rows']:,} rows (x{b['rows'] / a['rows']:.0f}): "
                f"time x{b['total'] / a['total']:.1f} (parse x{b['parse'] / a['parse']:.1f}, "
                f"compute x{b['compute'] / a['compute']:.1f}), "
                f"memory x{b['peak_above_start_mb'] / max(a['peak_above_start_mb'], 1):.1f}"
            )


if __name__ == "__main__":
    main()
