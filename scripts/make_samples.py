"""Write the example files shipped in samples/ (seeded: running it again gives the same bytes).

    python3 scripts/make_samples.py

Files:
- orders_english.csv: comma, ISO dates, decimal point, English headers.
- orders_european.csv: semicolon, dd.mm.yyyy, "1 234,50", Norwegian headers,
  UTF-8 with BOM, names such as Sørensen, Łukasz, Mäkinen, Çela.
- customers_polish.csv: one row per customer, Polish headers, decimal comma.
- subscriptions.csv: customer, plan, start, end (empty = active), monthly amount.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from calc import samples  # noqa: E402

MAX_BYTES = 300_000


def main() -> None:
    out = ROOT / "samples"
    out.mkdir(exist_ok=True)
    english = samples.orders(2000, seed=2026)
    european = samples.orders(1500, seed=47, start="2024-06-01", end="2026-05-31")
    files = {
        "orders_english.csv": samples.orders_csv(english, "english"),
        "orders_european.csv": samples.orders_csv(european, "european"),
        "customers_polish.csv": samples.customers_csv(samples.customers(english)),
        "subscriptions.csv": samples.subscriptions_csv(samples.subscriptions(400, seed=2026)),
    }
    for name, data in files.items():
        if len(data) > MAX_BYTES:
            raise SystemExit(f"{name} is {len(data)} bytes; keep samples under {MAX_BYTES}")
        (out / name).write_bytes(data)
        print(f"{name}: {len(data):,} bytes")


if __name__ == "__main__":
    main()
