"""Seeded sample data: order logs, customer summaries and subscriptions that look real.

Used for the example files shipped with the app (``scripts/make_samples.py``)
and for benchmarks. Everything is generated with numpy in whole arrays, so a
five-million-row order log takes seconds; nothing touches the file system:
the ``*_csv`` helpers return ``bytes``.

The order log follows a simple buy-till-you-die story: customers arrive
evenly over the period, each with their own pace of buying (gamma-distributed
mean days between orders) and their own basket size (log-normal), and after
each order stay with a probability of their own. About 2.4 orders per
customer, 4 % of orders refunded (a negative row with the same order id).
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

FIRST_NAMES = (
    "Ola", "Kari", "Søren", "Åse", "Bjørn", "Jørgen", "Mette", "Łukasz", "Małgorzata",
    "Paweł", "Zofia", "Mikko", "Päivi", "Jyrki", "Aino", "Ermira", "Dritëro", "Arbër",
    "Besa", "Anna", "Jonas", "Emma", "Noah", "Ida",
)  # fmt: skip
LAST_NAMES = (
    "Sørensen", "Ødegård", "Hansen", "Johansen", "Kjær", "Jørgensen", "Nowak", "Wójcik",
    "Zieliński", "Łukaszewicz", "Mäkinen", "Järvinen", "Virtanen", "Häkkinen", "Çela",
    "Hoxha", "Krasniqi", "Berisha", "Dahl", "Lund", "Nielsen",
)  # fmt: skip
CATEGORIES = ("Clothing", "Shoes", "Home", "Beauty", "Sports", "Books")
CATEGORY_WEIGHTS = (0.3, 0.15, 0.2, 0.15, 0.12, 0.08)
CHANNELS = ("web", "app", "store", "marketplace")
CHANNEL_WEIGHTS = (0.5, 0.25, 0.15, 0.1)
COUNTRIES = ("NO", "PL", "FI", "DK", "AL", "SE")
COUNTRY_WEIGHTS = (0.35, 0.25, 0.15, 0.1, 0.1, 0.05)
PLANS = (("Basic", 9.0), ("Pro", 29.0), ("Team", 79.0))


def _ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """``prefix`` + zero-padded numbers, vectorised (numpy string functions)."""
    digits = np.strings.zfill(numbers.astype(np.int64).astype(np.str_), width)
    return np.strings.add(prefix, digits)


def _by_first_appearance(codes: np.ndarray) -> np.ndarray:
    """Renumber codes 0, 1, 2, ... in the order they first appear."""
    values, first = np.unique(codes, return_index=True)
    rank = np.empty(len(values), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(values))
    lookup = np.zeros(int(values.max()) + 1 if len(values) else 0, dtype=np.int64)
    lookup[values] = rank
    return lookup[codes]


def orders(
    n_rows: int = 2000,
    *,
    seed: int = 2026,
    start: str = "2024-01-01",
    end: str = "2025-12-31",
    refund_share: float = 0.04,
    names: bool = True,
) -> pd.DataFrame:
    """An order log of ``n_rows`` rows, sorted by date.

    Parameters
    ----------
    n_rows : int
        Rows to return (orders plus refund rows), at least 1.
    seed : int
        Seed of the random generator: the same seed gives the same table.
    start, end : str
        First and last possible order date (ISO).
    refund_share : float
        Share (0-1) of orders that get a refund row.
    names : bool
        Add a ``customer_name`` column (slower for millions of rows).

    Returns
    -------
    pandas.DataFrame
        ``order_id``, ``customer_id``, (``customer_name``), ``date``
        (datetime64, day precision), ``amount`` (float, 2 decimals, negative
        for refunds), ``category``, ``channel``, ``country``, ``status``
        ("completed" or "refunded").

    Examples
    --------
    >>> t = orders(500, seed=1)
    >>> len(t), t["date"].is_monotonic_increasing, bool((t["amount"] < 0).any())
    (500, True, True)
    >>> round(len(t) / t["customer_id"].nunique(), 1)
    2.4
    """
    if n_rows < 1:
        raise ValueError("n_rows must be at least 1")
    rng = np.random.default_rng(seed)
    d0 = np.datetime64(start, "D").astype(np.int64)
    d1 = np.datetime64(end, "D").astype(np.int64)
    span = int(d1 - d0) + 1
    n_refunds = round(n_rows * refund_share / (1 + refund_share))
    n_orders = n_rows - n_refunds
    # customers: arrival day, pace, basket, loyalty; ~2.4 orders each within the window
    n_cust = max(1, int(n_orders / 1.9))
    arrival = rng.integers(0, span, n_cust)
    pace = rng.gamma(2.0, 35.0, n_cust)  # mean days between orders
    basket = rng.lognormal(np.log(55.0), 0.6, n_cust)
    stay = rng.beta(3.0, 1.6, n_cust)  # chance to buy again after each order
    k = 1 + rng.geometric(1 - stay) - 1  # orders before dropping out
    k = np.minimum(k, 60)
    cust = np.repeat(np.arange(n_cust), k)
    first = np.cumsum(k) - k
    step = np.arange(len(cust)) - np.repeat(first, k)
    gaps = rng.exponential(1.0, len(cust)) * pace[cust]
    gaps[step == 0] = 0
    group_sum = np.cumsum(gaps)
    day = arrival[cust] + (group_sum - np.repeat(group_sum[first], k)).astype(np.int64)
    inside = day < span
    cust, day = cust[inside], day[inside]
    if len(cust) >= n_orders:
        pick = np.sort(rng.choice(len(cust), n_orders, replace=False))
    else:  # pragma: no cover - the pool is larger for every size used
        pick = rng.choice(len(cust), n_orders, replace=True)
    cust, day = cust[pick], day[pick]
    amount = np.round(basket[cust] * rng.lognormal(0.0, 0.35, n_orders), 2)
    amount = np.maximum(amount, 5.0)
    # refunds: a negative row with the same order id, 3-20 days later
    refunded = rng.choice(n_orders, n_refunds, replace=False) if n_refunds else np.zeros(0, int)
    r_day = np.minimum(day[refunded] + rng.integers(3, 21, n_refunds), span - 1)
    all_cust = np.concatenate([cust, cust[refunded]])
    all_day = np.concatenate([day, r_day])
    all_amount = np.concatenate([amount, -amount[refunded]])
    order_no = np.concatenate([np.arange(n_orders), refunded])
    status_code = np.zeros(n_rows, dtype=np.int8)
    status_code[refunded] = 1
    status_code[n_orders:] = 1
    order = np.lexsort((order_no, all_day))
    all_cust, all_day, all_amount = all_cust[order], all_day[order], all_amount[order]
    order_no, status_code = order_no[order], status_code[order]
    # number customers and orders by first appearance, so ids grow over time like a shop's
    cust_no = _by_first_appearance(all_cust) + 10001
    order_id_no = _by_first_appearance(order_no) + 100001
    category = rng.choice(len(CATEGORIES), n_orders, p=CATEGORY_WEIGHTS)[order_no]
    channel = rng.choice(len(CHANNELS), n_cust, p=CHANNEL_WEIGHTS)[all_cust]
    country = rng.choice(len(COUNTRIES), n_cust, p=COUNTRY_WEIGHTS)[all_cust]
    data = {
        "order_id": _ids("", order_id_no, 6),
        "customer_id": _ids("C", cust_no, 6),
    }
    if names:
        fn = rng.integers(0, len(FIRST_NAMES), n_cust)[all_cust]
        ln = rng.integers(0, len(LAST_NAMES), n_cust)[all_cust]
        data["customer_name"] = np.strings.add(
            np.strings.add(np.array(FIRST_NAMES)[fn], " "), np.array(LAST_NAMES)[ln]
        )
    data["date"] = (d0 + all_day).astype("datetime64[D]").astype("datetime64[ns]")
    data["amount"] = all_amount
    data["category"] = pd.Categorical.from_codes(category, CATEGORIES)
    data["channel"] = pd.Categorical.from_codes(channel, CHANNELS)
    data["country"] = pd.Categorical.from_codes(country, COUNTRIES)
    data["status"] = pd.Categorical.from_codes(status_code, ["completed", "refunded"])
    out = pd.DataFrame(data)
    for col in ("order_id", "customer_id", "customer_name"):
        if col in out:
            out[col] = out[col].astype("str")
    return out


def _arrow_csv(df: pd.DataFrame, delimiter: str = ",") -> bytes:
    table = pa.Table.from_pandas(df, preserve_index=False)
    for i, col in enumerate(table.schema):
        if pa.types.is_timestamp(col.type):  # whole days: write 2024-01-31, not a timestamp
            table = table.set_column(i, col.name, table.column(i).cast(pa.date32()))
    buf = io.BytesIO()
    buf.write((delimiter.join(str(c) for c in df.columns) + "\n").encode("utf-8"))
    pacsv.write_csv(
        table,
        buf,
        write_options=pacsv.WriteOptions(
            delimiter=delimiter, quoting_style="none", include_header=False
        ),
    )
    return buf.getvalue()


def _european_amount(values: np.ndarray) -> np.ndarray:
    """1234.5 -> '1 234,50' (space between thousands, decimal comma)."""
    cents = np.round(np.abs(values) * 100).astype(np.int64)
    whole, frac = cents // 100, cents % 100
    text = pd.Series(whole).map("{:,}".format).str.replace(",", " ", regex=False).to_numpy(str)
    text = np.strings.add(np.strings.add(text, ","), np.strings.zfill(frac.astype(np.str_), 2))
    return np.where(values < 0, np.strings.add("-", text), text)


ENGLISH_ORDER_HEADERS = {
    "order_id": "Order ID", "customer_id": "Customer ID", "customer_name": "Customer name",
    "date": "Order date", "amount": "Total", "category": "Category", "channel": "Channel",
    "country": "Country", "status": "Status",
}  # fmt: skip
NORWEGIAN_ORDER_HEADERS = {
    "order_id": "Ordrenr", "customer_id": "Kundenr", "customer_name": "Navn", "date": "Dato",
    "amount": "Beløp", "category": "Kategori", "channel": "Kanal", "country": "Land",
    "status": "Status",
}  # fmt: skip


def orders_csv(table: pd.DataFrame, style: str = "english") -> bytes:
    """An order log as CSV bytes in the English or the European (Norwegian) format.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`orders`.
    style : {"english", "european", "plain"}
        English: comma, ISO dates, decimal point, English headers, UTF-8.
        European: semicolon, ``dd.mm.yyyy``, ``1 234,50``, Norwegian
        headers, UTF-8 with BOM (as Excel saves it). Plain: comma, ISO,
        canonical column names (fast, for benchmarks).

    Examples
    --------
    >>> t = orders(3, seed=2, names=False)
    >>> orders_csv(t, "european").decode("utf-8-sig").splitlines()[0]
    'Ordrenr;Kundenr;Dato;Beløp;Valuta;Kategori;Kanal;Land;Status'
    """
    if style == "plain":
        return _arrow_csv(table)
    out = table.copy()
    if style == "english":
        out["date"] = out["date"].dt.strftime("%Y-%m-%d")
        out["amount"] = out["amount"].map("{:.2f}".format)
        out.insert(out.columns.get_loc("amount") + 1, "currency", "EUR")
        headers = {**ENGLISH_ORDER_HEADERS, "currency": "Currency"}
        return _arrow_csv(out.rename(columns=headers))
    if style == "european":
        out["date"] = out["date"].dt.strftime("%d.%m.%Y")
        out["amount"] = _european_amount(out["amount"].to_numpy())
        out.insert(out.columns.get_loc("amount") + 1, "currency", "NOK")
        headers = {**NORWEGIAN_ORDER_HEADERS, "currency": "Valuta"}
        text = _arrow_csv(out.rename(columns=headers), delimiter=";")
        return b"\xef\xbb\xbf" + text
    raise ValueError("style must be 'english', 'european' or 'plain'")


def customers(order_table: pd.DataFrame) -> pd.DataFrame:
    """One row per customer summarised from an order log.

    Returns
    -------
    pandas.DataFrame
        ``customer_id``, ``customer_name`` (when the log has it),
        ``first_purchase``, ``last_purchase``, ``orders`` (purchases),
        ``revenue`` (net of refunds).

    Examples
    --------
    >>> c = customers(orders(400, seed=3))
    >>> bool(c["customer_id"].is_unique), int(c["orders"].min()) >= 1
    (True, True)
    """
    t = order_table
    buys = t[t["amount"] >= 0]
    g = buys.groupby("customer_id", observed=True, sort=False)
    out = pd.DataFrame(
        {
            "first_purchase": g["date"].min(),
            "last_purchase": g["date"].max(),
            "orders": g["order_id"].nunique() if "order_id" in t else g.size(),
            "revenue": t.groupby("customer_id", observed=True, sort=False)["amount"].sum(),
        }
    )
    out["revenue"] = out["revenue"].round(2)
    if "customer_name" in t:
        out.insert(0, "customer_name", g["customer_name"].first())
    return out.reset_index()


POLISH_CUSTOMER_HEADERS = {
    "customer_id": "ID klienta", "customer_name": "Imię i nazwisko",
    "first_purchase": "Pierwszy zakup", "last_purchase": "Ostatni zakup",
    "orders": "Liczba zamówień", "revenue": "Przychód",
}  # fmt: skip


def customers_csv(table: pd.DataFrame) -> bytes:
    """A customers table as a Polish-style CSV: semicolons, ``1 234,50 zł``, ISO dates, UTF-8.

    >>> customers_csv(customers(orders(50, seed=4))).decode().splitlines()[0]
    'ID klienta;Imię i nazwisko;Pierwszy zakup;Ostatni zakup;Liczba zamówień;Przychód'
    """
    out = table.copy()
    for col in ("first_purchase", "last_purchase"):
        out[col] = out[col].dt.strftime("%Y-%m-%d")
    out["revenue"] = np.strings.add(_european_amount(out["revenue"].to_numpy()), " zł")
    return _arrow_csv(out.rename(columns=POLISH_CUSTOMER_HEADERS), delimiter=";")


def subscriptions(
    n_customers: int = 400,
    *,
    seed: int = 2026,
    start: str = "2024-01-01",
    end: str = "2025-12-31",
    monthly_churn: float = 0.03,
    upgrade_share: float = 0.15,
) -> pd.DataFrame:
    """Subscriptions of a small SaaS: one row per customer and plan period.

    Parameters
    ----------
    n_customers : int
        Customers (a customer who changes plan has two rows).
    seed : int
        Seed of the random generator.
    start, end : str
        Sign-ups happen between these dates (ISO); later ends are left empty.
    monthly_churn : float
        Chance (0-1) per month that a customer cancels.
    upgrade_share : float
        Share of customers who move up one plan once (or down from the top).

    Returns
    -------
    pandas.DataFrame
        ``customer_id``, ``plan``, ``start``, ``end`` (NaT = still active),
        ``mrr`` (per month, EUR).

    Examples
    --------
    >>> s = subscriptions(100, seed=5)
    >>> s["customer_id"].nunique(), bool(s["end"].isna().any()), sorted(s["plan"].unique())
    (100, True, ['Basic', 'Pro', 'Team'])
    """
    rng = np.random.default_rng(seed)
    d0 = np.datetime64(start, "D").astype(np.int64)
    d1 = np.datetime64(end, "D").astype(np.int64)
    span = int(d1 - d0) + 1
    signup = np.sort(rng.integers(0, span, n_customers))
    life = (rng.geometric(monthly_churn, n_customers) * 30.44).astype(np.int64)
    stop = signup + life
    plan = rng.choice(len(PLANS), n_customers, p=(0.5, 0.35, 0.15))
    change = rng.random(n_customers) < upgrade_share
    switch = signup + (rng.random(n_customers) * (np.minimum(stop, span) - signup)).astype(int)
    change &= switch > signup + 30
    new_plan = np.where(plan == len(PLANS) - 1, plan - 1, plan + 1)
    ids = _ids("S", np.arange(n_customers) + 1, 5)
    rows_c = np.concatenate([np.arange(n_customers), np.flatnonzero(change)])
    rows_start = np.concatenate([signup, switch[change]])
    rows_end = np.concatenate([np.where(change, switch, stop), stop[change]])
    rows_plan = np.concatenate([plan, new_plan[change]])
    prices = np.array([p for _, p in PLANS])
    names = np.array([n for n, _ in PLANS])
    end_dates = (d0 + rows_end).astype("datetime64[D]").astype("datetime64[ns]")
    end_dates[rows_end >= span] = np.datetime64("NaT")
    out = pd.DataFrame(
        {
            "customer_id": ids[rows_c],
            "plan": names[rows_plan],
            "start": (d0 + rows_start).astype("datetime64[D]").astype("datetime64[ns]"),
            "end": end_dates,
            "mrr": prices[rows_plan],
        }
    )
    out = out.sort_values(["start", "customer_id"], kind="stable", ignore_index=True)
    return out.astype({"customer_id": "str", "plan": "str"})


def subscriptions_csv(table: pd.DataFrame) -> bytes:
    """Subscriptions as an English CSV (ISO dates, empty end = active).

    >>> subscriptions_csv(subscriptions(3, seed=6)).decode().splitlines()[0]
    'customer_id,plan,start_date,end_date,monthly_amount'
    """
    out = table.copy()
    out["start"] = out["start"].dt.strftime("%Y-%m-%d")
    out["end"] = out["end"].dt.strftime("%Y-%m-%d").fillna("")
    out["mrr"] = out["mrr"].map("{:.2f}".format)
    out = out.rename(columns={"start": "start_date", "end": "end_date", "mrr": "monthly_amount"})
    return _arrow_csv(out)
