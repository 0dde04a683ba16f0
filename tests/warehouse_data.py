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


def segment_log(rows: int = 4_000, customers: int = 600, seed: int = 17) -> pd.DataFrame:
    """:func:`order_log` with orders of several lines, a channel per order and a category per line.

    ``order_id`` (text; one customer's rows of one day are one or two orders), ``channel``
    (per order, some blank) and ``category`` (per line, some blank); a few customers only have
    refunds. Rows are sorted by day, channel (blanks last) and order, so the first row of a
    customer's first day holds the smallest channel of that day: the in-memory rule (the row
    listed first) and the warehouse rule (the smallest value) pick the same.
    """
    rng = np.random.default_rng(seed + 1)
    frame = order_log(rows, customers, seed)
    n = len(frame)
    day = frame["date"].dt.floor("D")
    part = rng.integers(0, 2, n)
    frame["order_id"] = frame["customer_id"] + day.dt.strftime("-%Y%m%d-") + part.astype(str)
    channels = np.array(["web", "shop", "app", "market", None], dtype=object)
    pick = pd.util.hash_pandas_object(frame["order_id"], index=False).to_numpy() % 5
    frame["channel"] = channels[pick.astype(np.int64)]
    categories = np.array(["books", "toys", "garden", None], dtype=object)
    frame["category"] = categories[rng.integers(0, 4, n)]
    refunds_only = frame["customer_id"].isin([f"c{w:05d}" for w in range(0, customers, 97)])
    frame.loc[refunds_only, "amount"] = -frame.loc[refunds_only, "amount"].abs() - 1
    frame["_day"] = day
    frame = frame.sort_values(["_day", "channel", "order_id"], na_position="last", kind="stable")
    return frame.drop(columns="_day").reset_index(drop=True)
