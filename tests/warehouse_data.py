"""A generated order log shared by the warehouse tests (fixed seed; refunds, same-day orders,
times of day, months without purchases)."""

import numpy as np
import pandas as pd


def order_log(rows: int = 4_000, customers: int = 600, seed: int = 17) -> pd.DataFrame:
    """``customer_id`` (text), ``date`` (timestamp with time of day), ``amount`` (some negative)."""
    rng = np.random.default_rng(seed)
    who = rng.integers(0, customers, rows)
    # every customer starts somewhere in 2023 and buys over the next 2 years
    start = pd.Timestamp("2023-01-01").value // 86_400_000_000_000 + (who * 7919) % 365
    day = start + rng.integers(0, 700, rows) * (rng.random(rows) < 0.8)
    seconds = rng.integers(0, 86_400, rows)
    stamp = (day * 86_400 + seconds).astype("datetime64[s]").astype("datetime64[ns]")
    amount = np.round(rng.gamma(2.0, 30.0, rows), 2)
    amount[rng.random(rows) < 0.03] *= -1  # refunds
    frame = pd.DataFrame(
        {"customer_id": [f"c{w:05d}" for w in who], "date": stamp, "amount": amount}
    )
    # a gap: nobody buys in 2024-03, so retention has an empty month
    return frame[~frame["date"].dt.strftime("%Y-%m").eq("2024-03")].reset_index(drop=True)
