"""calc.history against hand-computed numbers and identities (property tests).

The worked order log (``LOG``) is small enough to check by hand:

    order  customer  date        amount  channel  note
    O1     a         2026-01-05   60     web      line 1
    O1     a         2026-01-05   40     web      line 2 (O1 = 100)
    O2     b         2026-01-20   80     shop
    O3     a         2026-02-10   50     web      returned
    O4     c         2026-02-01   20     app
    O1     a         2026-02-12  -10     web      refund on O1
    O5     a         2026-04-02   30     web
    O6     d         2026-04-15   25     shop

Six orders for 305 gross, 295 net, four customers; a bought on 5 Jan, 10 Feb
and 2 Apr (gaps of 36 and 51 days).
"""

from __future__ import annotations

from pathlib import Path

import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings

from calc import history, samples
from calc.errors import DataError
from calc.upload import read

LOG = pd.DataFrame(
    {
        "order_id": ["O1", "O1", "O2", "O3", "O4", "O1", "O5", "O6"],
        "customer_id": ["a", "a", "b", "a", "c", "a", "a", "d"],
        "date": pd.to_datetime(
            [
                "2026-01-05",
                "2026-01-05",
                "2026-01-20",
                "2026-02-10",
                "2026-02-01",
                "2026-02-12",
                "2026-04-02",
                "2026-04-15",
            ]
        ),
        "amount": [60.0, 40.0, 80.0, 50.0, 20.0, -10.0, 30.0, 25.0],
        "channel": ["web", "web", "shop", "web", "app", "web", "web", "shop"],
        "returned": [False, False, False, True, False, False, False, False],
    }
)


def test_headline_hand_computed():
    h = history.headline(LOG)
    assert (h.customers, h.orders) == (4, 6)
    assert (h.gross_revenue, h.refunds, h.revenue) == (305.0, -10.0, 295.0)
    assert h.aov == pytest.approx(305 / 6, abs=1e-12)
    assert h.purchase_frequency == 1.5
    assert h.repeat_purchase_rate == 0.25
    assert h.median_days_between_purchases == 43.5  # median of 36 and 51
    assert h.return_rate == pytest.approx(2 / 6)  # O3 flagged, O1 refunded
    assert (h.first_date, h.last_date, h.days) == (
        pd.Timestamp("2026-01-05"),
        pd.Timestamp("2026-04-15"),
        101,
    )


def test_headline_without_order_ids_counts_rows():
    h = history.headline(LOG.drop(columns=["order_id", "returned"]))
    assert h.orders == 7  # the two lines of O1 count as two orders; the refund is none
    assert h.return_rate == pytest.approx(1 / 7)


def _log(rows):
    table = pd.DataFrame(rows, columns=["order_id", "customer_id", "date", "amount"])
    return table.assign(date=pd.to_datetime(table["date"]))


def test_a_refund_row_between_two_lines_of_an_order_does_not_part_them():
    """A sheet sorted by day: B's refund (of an order of the day before) stands between
    the two lines of A's order 1001. By hand: orders 1000 (B, 20) and 1001 (A, 10 + 5),
    so 2 orders, 35 gross, AOV 17.5, 1 order a customer; the refund, on a day without
    B's order, is a return of its own: 1 of 2."""
    h = history.headline(
        _log(
            [
                ("1000", "B", "2024-01-04", 20.0),
                ("1001", "A", "2024-01-05", 10.0),
                ("1000", "B", "2024-01-05", -5.0),
                ("1001", "A", "2024-01-05", 5.0),
            ]
        )
    )
    assert (h.orders, h.gross_revenue, h.revenue) == (2, 35.0, 30.0)
    assert (h.aov, h.purchase_frequency, h.repeat_purchase_rate) == (17.5, 1.0, 0.0)
    assert h.return_rate == 0.5


def test_a_purchase_line_after_a_refund_row_of_its_own_order_starts_that_order():
    """Order 1002's refund row stands between order 1001 and 1002's purchase line: 1002 is
    an order of its own (two orders, 18 gross), with a refund line (one return of two)."""
    h = history.headline(
        _log(
            [
                ("1001", "A", "2024-01-05", 10.0),
                ("1002", "A", "2024-01-05", -5.0),
                ("1002", "A", "2024-01-05", 8.0),
            ]
        )
    )
    assert (h.orders, h.gross_revenue, h.aov, h.return_rate) == (2, 18.0, 9.0, 0.5)


def test_monthly_retention_hand_computed():
    r = history.retention(LOG, "M")
    assert r["label"].tolist() == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert r["active"].tolist() == [2, 2, 0, 2]
    assert r["new"].tolist() == [2, 1, 0, 1]
    assert r["retained"].tolist() == [0, 1, 0, 0]
    assert r["reactivated"].tolist() == [0, 0, 0, 1]
    assert r["churned"].tolist()[:3] == [1.0, 2.0, 0.0]
    assert np.isnan(r["churned"].iloc[3])
    assert r["churn_rate"].tolist()[:2] == [0.5, 1.0]
    assert np.isnan(r["churn_rate"].iloc[2])  # nobody active in March
    assert r["retention_rate"].iloc[0] == 0.5


def test_quarterly_and_yearly_retention():
    q = history.retention(LOG, "Q")
    assert q["label"].tolist() == ["2026-Q1", "2026-Q2"]
    assert q["active"].tolist() == [3, 2]
    assert q["churn_rate"].iloc[0] == pytest.approx(2 / 3)
    y = history.retention(LOG, "Y")
    assert y[["label", "active", "new"]].to_dict("records") == [
        {"label": "2026", "active": 4, "new": 4}
    ]
    with pytest.raises(DataError, match="Unknown period"):
        history.retention(LOG, "W")


def test_cohorts_hand_computed():
    c = history.cohorts(LOG)
    jan = c[c["label"] == "2026-01"]
    assert jan["customers"].tolist() == [2, 1, 0, 1]
    assert jan["customers_pct"].tolist() == [1.0, 0.5, 0.0, 0.5]
    assert jan["revenue"].tolist() == [180.0, 40.0, 0.0, 30.0]
    assert jan["revenue_pct"].tolist() == pytest.approx([1.0, 40 / 180, 0.0, 30 / 180])
    assert c[c["label"] == "2026-02"]["customers"].tolist() == [1, 0, 0]
    assert c[c["label"] == "2026-04"][["customers", "revenue"]].values.tolist() == [[1, 25.0]]
    assert len(c) == 8  # no March cohort: nobody bought first in March
    matrix = history.cohort_matrix(c)
    assert matrix.loc["2026-01", 3] == 0.5 and np.isnan(matrix.loc["2026-04", 1])


def test_purchase_gaps_hand_computed():
    g = history.purchase_gaps(LOG)
    assert g.set_index("bin").loc["31-60 days", "gaps"] == 2
    assert g["gaps"].sum() == 2
    assert g["cumulative_share"].iloc[-1] == 1.0
    assert g["bin"].iloc[-1] == "over 365 days"


def test_customer_summary_and_tiers():
    s = history.customer_summary(LOG).set_index("customer_id")
    assert s.loc["a", "orders"] == 3 and s.loc["a", "purchase_days"] == 3
    assert s.loc["a", "historic_clv"] == 170.0
    assert s.loc["a", "aov"] == 60.0
    assert s.loc["a", "usual_interval_days"] == 43.5
    assert s["days_since_last"].to_dict() == {"a": 13.0, "b": 85.0, "c": 73.0, "d": 0.0}
    assert s["tier"].astype(str).to_dict() == {
        "a": "Top 20%",
        "b": "Middle 30%",
        "c": "Bottom 50%",
        "d": "Bottom 50%",
    }
    assert s["first_purchase"].loc["b"] == pd.Timestamp("2026-01-20")


def test_at_risk_list():
    assert history.at_risk(history.customer_summary(LOG)).empty
    late = history.at_risk(history.customer_summary(LOG, as_of="2026-06-30"))
    assert late["customer_id"].tolist() == ["a"]
    assert late["overdue_days"].tolist() == [89.0 - 43.5]
    with pytest.raises(DataError, match="above 0"):
        history.at_risk(history.customer_summary(LOG), factor=0)


def test_breakdown_hand_computed():
    b = history.breakdown(LOG, "channel")
    assert b[["value", "customers", "orders", "revenue", "aov"]].to_dict("records") == [
        {"value": "web", "customers": 1, "orders": 3, "revenue": 170.0, "aov": 60.0},
        {"value": "shop", "customers": 2, "orders": 2, "revenue": 105.0, "aov": 52.5},
        {"value": "app", "customers": 1, "orders": 1, "revenue": 20.0, "aov": 20.0},
    ]
    assert b["revenue_share"].sum() == pytest.approx(1.0)
    tiers = history.breakdown(LOG, "tier").set_index("value")
    assert tiers.loc["Top 20%", "revenue"] == 170.0
    with pytest.raises(DataError, match="no column 'colour'"):
        history.breakdown(LOG, "colour")


def test_breakdown_groups_blank_values():
    t = LOG.assign(channel=["web", None, "shop", "web", "app", "web", "web", None])
    assert "(blank)" in history.breakdown(t, "channel")["value"].tolist()


def test_clv_inputs_hand_computed():
    c = history.clv_inputs(LOG)
    assert c.aov == pytest.approx(305 / 6)
    assert c.purchases_per_year == pytest.approx(1.5 / (101 / 365.25))
    assert c.monthly_churn == 0.75  # (1 + 2) churned of (2 + 2) active, March has no one
    assert c.annual_churn_from_monthly == pytest.approx(1 - 0.25**12)
    assert np.isnan(c.annual_churn)  # 101 days: too short for the headline yearly churn
    assert (c.customers, c.days) == (4, 101)


# ------------------------------------------------ headline yearly churn (issue 12)


def _two_years(rows):
    """An order log from (customer, date) pairs, 10 a row."""
    ids, dates = zip(*rows, strict=True)
    return pd.DataFrame(
        {"customer_id": list(ids), "date": pd.to_datetime(list(dates)), "amount": 10.0}
    )


def test_yearly_churn_hand_computed():
    """Last day 2026-06-30: second window 2025-07-01..2026-06-30, first 2024-07-01..2025-06-30.

    First-window buyers a, b, c, d; a and c buy again in the second window, b only in
    the first, d only in the first (twice). e buys only in the second. 2 of 4 lost.
    """
    log = _two_years(
        [
            ("a", "2024-07-01"),
            ("b", "2024-09-15"),
            ("c", "2025-06-30"),
            ("d", "2024-12-01"),
            ("d", "2025-02-01"),
            ("a", "2025-07-01"),
            ("c", "2026-06-30"),
            ("e", "2026-01-10"),
        ]
    )
    y = history.yearly_churn(log)
    assert (y.buyers, y.lost, y.churn) == (4, 2, 0.5)
    assert (str(y.first_start.date()), str(y.first_end.date())) == ("2024-07-01", "2025-06-30")
    assert str(y.second_start.date()) == "2025-07-01"
    assert str(y.second_end.date()) == "2026-06-30"
    assert y.first_days == 365 and y.measured


def test_yearly_churn_is_not_the_monthly_figure_annualised():
    """Issue 12: a shop whose customers all buy every other month loses nobody in a year,
    yet "did not buy again the next month" pools to 100% and annualises to 100%."""
    rows = [
        (c, f"{2024 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}-10")
        for c in ("a", "b", "c")
        for m in range(1, 25, 2)
    ]
    log = _two_years(rows)
    a = history.analyse(log)
    assert a.clv.monthly_churn == 1.0
    assert a.churn.churn == 0.0
    assert a.clv.annual_churn == 0.0  # what "use these numbers" carries


def test_yearly_churn_needs_eighteen_months():
    short = _two_years([("a", "2025-01-01"), ("a", "2026-01-01"), ("b", "2026-05-01")])
    y = history.yearly_churn(short)  # 486 days: first window 2025-01-01..2025-05-01 = 121 days
    assert np.isnan(y.churn) and not y.measured and y.first_days == 0
    with pytest.raises(DataError, match="about 18 months"):
        history.require_yearly_churn(y, 486)
    enough = _two_years([("a", "2024-12-01"), ("a", "2026-01-01"), ("b", "2026-05-01")])
    y = history.yearly_churn(enough)  # first window 2024-12-01..2025-05-01 = 152 days: too few
    assert not y.measured
    longer = _two_years([("a", "2024-10-01"), ("b", "2024-11-01"), ("a", "2026-05-01")])
    y = history.yearly_churn(longer)  # 2024-10-01..2025-05-01 = 213 days
    assert (y.first_days, y.buyers, y.lost, y.churn) == (213, 2, 1, 0.5)


def test_a_long_file_without_first_window_buyers_is_not_called_short():
    """Orders in 1990 and 2024: 12,000 days, yet "needs about 18 months". Nobody bought in
    the first window; the message says that, with the window's days."""
    y = history.yearly_churn(_two_years([("a", "1990-01-05"), ("b", "2024-06-30")]))
    assert not y.measured and y.buyers == 0 and y.first_days == 365
    with pytest.raises(DataError, match="2022-07-02 to 2023-07-01"):
        history.require_yearly_churn(y, 12_596)


def test_yearly_churn_of_the_european_sample():
    """samples/orders_european.csv: 313 first-window buyers, 229 of them not back."""
    data = (Path(__file__).parents[1] / "samples" / "orders_european.csv").read_bytes()
    a = history.analyse(read(data, "orders_european.csv").table)
    assert (a.churn.buyers, a.churn.lost) == (313, 229)
    assert a.clv.annual_churn == pytest.approx(229 / 313)


def test_lapsed_by_own_rhythm_and_by_window():
    """a: every 10 days, last seen 16 days ago (> 1.5 x 10): lapsed. b: usual 30, 40 ago: not.
    c: bought once, 400 days ago (> a year): lapsed. d: once, 50 days ago: not yet."""
    s = pd.DataFrame(
        {
            "days_since_last": [16.0, 40.0, 400.0, 50.0],
            "usual_interval_days": [10.0, 30.0, np.nan, np.nan],
        }
    )
    gone = history.lapsed(s)
    assert (gone.customers, gone.share, gone.window_days, gone.once_days) == (2, 0.5, None, 365)
    assert history.lapsed(s, factor=2.0).customers == 1  # 16 < 20, 40 < 60: only c
    assert history.lapsed(s, once_days=30).customers == 3  # d too
    by_window = history.lapsed(s, window_days=30)  # 40, 400 and 50 days > 30
    assert (by_window.customers, by_window.window_days) == (3, 30)
    with pytest.raises(DataError):
        history.lapsed(s, window_days=0)


def test_analyse_bundles_every_table():
    r = history.analyse(LOG)
    assert r.headline == history.headline(LOG)
    pd.testing.assert_frame_equal(r.retention["M"], history.retention(LOG, "M"))
    pd.testing.assert_frame_equal(r.cohorts, history.cohorts(LOG))
    pd.testing.assert_frame_equal(r.customers, history.customer_summary(LOG))
    assert set(r.breakdowns) == {"channel", "tier"}
    assert list(r.tables()) == [
        "headline",
        "clv_inputs",
        "retention_month",
        "retention_quarter",
        "retention_year",
        "cohorts",
        "gaps",
        "customers",
        "at_risk",
        "by channel",
        "by tier",
    ]
    with pytest.raises(DataError, match="no column 'size'"):
        history.analyse(LOG, breakdown_columns=("size",))


def test_single_customer_and_one_day():
    t = pd.DataFrame(
        {
            "customer_id": ["a", "a"],
            "date": pd.to_datetime(["2026-05-01", "2026-05-01"]),
            "amount": [10.0, 5.0],
        }
    )
    r = history.analyse(t)
    assert (r.headline.customers, r.headline.orders, r.headline.days) == (1, 2, 1)
    assert np.isnan(r.headline.median_days_between_purchases)
    assert np.isnan(r.clv.purchases_per_year) and np.isnan(r.clv.monthly_churn)
    assert r.retention["M"]["active"].tolist() == [1]
    assert r.gaps["gaps"].sum() == 0 and np.isnan(r.gaps["share"]).all()


def test_only_refunds():
    t = pd.DataFrame(
        {"customer_id": ["a"], "date": pd.to_datetime(["2026-05-01"]), "amount": [-10.0]}
    )
    r = history.analyse(t)
    assert r.headline.orders == 0 and np.isnan(r.headline.aov)
    assert r.retention["M"].empty and r.cohorts.empty


def test_input_errors():
    with pytest.raises(DataError, match="missing: amount") as info:
        history.headline(LOG.drop(columns=["amount"]))
    assert info.value.column == "amount"
    with pytest.raises(DataError, match="no orders"):
        history.headline(LOG.iloc[:0])
    with pytest.raises(DataError, match="no customer or no date"):
        history.headline(LOG.assign(customer_id=[None, *LOG["customer_id"][1:]]))
    with pytest.raises(DataError, match="no amount"):
        history.headline(LOG.assign(amount=[np.nan, *LOG["amount"][1:]]))


def test_upload_then_analyse_european_sample():
    up = read(samples.orders_csv(samples.orders(300, seed=9), "european"), "salg.csv")
    r = history.analyse(up.table)
    assert r.headline.revenue == pytest.approx(up.table["amount"].sum())
    assert set(r.breakdowns) == {"category", "channel", "country", "status", "tier"}
    assert r.customers["customer_name"].notna().all()


# ----------------------------------------------------------- property tests

order_logs = st.lists(
    st.tuples(
        st.integers(0, 6),  # customer
        st.integers(0, 400),  # day
        st.sampled_from([5.0, 12.5, 40.0, 99.99, -5.0]),
        st.sampled_from(["web", "app"]),
    ),
    min_size=1,
    max_size=40,
)


def as_table(rows) -> pd.DataFrame:
    cust, day, amount, channel = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "customer_id": [f"c{c}" for c in cust],
            "date": pd.Timestamp("2025-01-01") + pd.to_timedelta(day, unit="D"),
            "amount": amount,
            "channel": channel,
        }
    )


@settings(max_examples=60, deadline=None)
@given(order_logs)
def test_identities_hold_for_any_log(rows):
    t = as_table(rows)
    r = history.analyse(t)
    buyers = t.loc[t["amount"] >= 0, "customer_id"].nunique()
    for period in ("M", "Q", "Y"):
        ret = r.retention[period]
        assert (ret["active"] == ret["new"] + ret["retained"] + ret["reactivated"]).all()
        assert ret["new"].sum() == buyers
        done = ret["churned"].notna()
        assert (ret.loc[done, "churned"] <= ret.loc[done, "active"]).all()
    assert r.customers["historic_clv"].sum() == pytest.approx(t["amount"].sum())
    assert r.breakdowns["channel"]["revenue"].sum() == pytest.approx(t["amount"].sum())
    first = r.cohorts[r.cohorts["months_since_first"] == 0]
    assert first["customers"].sum() == buyers
    assert (first["customers_pct"] == 1.0).all()
    assert r.headline.orders == (t["amount"] >= 0).sum()
    assert 0 <= r.headline.repeat_purchase_rate <= 1


subscription_rows = st.lists(
    st.tuples(
        st.integers(0, 5),
        st.integers(0, 500),
        st.one_of(st.none(), st.integers(1, 400)),
        st.sampled_from([9.0, 29.0, 79.0]),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(subscription_rows)
def test_nrr_never_below_grr(rows):
    start = pd.Timestamp("2025-01-01")
    t = pd.DataFrame(
        {
            "customer_id": [f"s{c}" for c, *_ in rows],
            "start": [start + pd.Timedelta(days=d) for _, d, _, _ in rows],
            "end": [
                pd.NaT if length is None else start + pd.Timedelta(days=d + length)
                for _, d, length, _ in rows
            ],
            "mrr": [m for *_, m in rows],
        }
    )
    m = history.mrr_movements(t)
    if m.empty:
        return
    has = m["grr"].notna()
    assert (m.loc[has, "nrr"] >= m.loc[has, "grr"] - 1e-12).all()
    assert (m.loc[has, "grr"] <= 1 + 1e-12).all()
    flow = (
        m["mrr_start"]
        + m["new"]
        + m["reactivation"]
        + m["expansion"]
        + m["contraction"]
        + m["churn"]
    )
    assert np.allclose(flow, m["mrr_end"])


# -------------------------------------------------------------- subscriptions

SUBS = pd.DataFrame(
    {
        "customer_id": ["a", "b", "c", "a", "c"],
        "start": pd.to_datetime(
            ["2026-01-01", "2026-01-15", "2026-02-01", "2026-03-01", "2026-05-05"]
        ),
        "end": pd.to_datetime(["2026-03-01", "2026-02-20", "2026-04-10", None, None]),
        "mrr": [10.0, 20.0, 50.0, 30.0, 40.0],
    }
)


def test_mrr_movements_hand_computed():
    m = history.mrr_movements(SUBS)
    assert m["label"].tolist() == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    assert m["mrr_end"].tolist() == [30.0, 60.0, 80.0, 30.0, 70.0]
    assert m["new"].tolist() == [30.0, 50.0, 0.0, 0.0, 0.0]
    assert m["expansion"].tolist() == [0.0, 0.0, 20.0, 0.0, 0.0]
    assert m["churn"].tolist() == [0.0, -20.0, 0.0, -50.0, 0.0]
    assert m["reactivation"].tolist() == [0.0, 0.0, 0.0, 0.0, 40.0]
    assert m["churned_customers"].tolist() == [0, 1, 0, 1, 0]
    assert m["grr"].tolist()[1:] == pytest.approx([10 / 30, 1.0, 30 / 80, 1.0])
    assert m["nrr"].tolist()[1:] == pytest.approx([10 / 30, 80 / 60, 30 / 80, 1.0])
    assert m["revenue_churn_rate"].iloc[3] == pytest.approx(50 / 80)
    assert m["customer_churn_rate"].iloc[1] == 0.5


def test_mrr_contraction():
    t = pd.DataFrame(
        {
            "customer_id": ["a", "a"],
            "start": pd.to_datetime(["2026-01-01", "2026-02-01"]),
            "end": pd.to_datetime(["2026-02-01", None]),
            "mrr": [50.0, 20.0],
        }
    )
    m = history.mrr_movements(t)
    assert m["contraction"].tolist() == [0.0, -30.0]
    assert m["grr"].iloc[1] == m["nrr"].iloc[1] == pytest.approx(0.4)


def test_mrr_from_a_wide_upload():
    text = "customer;Jan 2026;Feb 2026;Mar 2026\na;100;120;\nb;50;50;50\n"
    up = read(text.encode(), "wide.csv")
    m = history.mrr_movements(up.table)
    assert m["mrr_end"].tolist() == [150.0, 170.0, 50.0]
    assert m["expansion"].tolist() == [0.0, 20.0, 0.0]
    assert m["churn"].tolist() == [0.0, 0.0, -120.0]


def test_subscription_summary_twelve_months():
    t = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c", "d", "d", "e"],
            "start": pd.to_datetime(
                ["2025-01-01", "2025-01-01", "2025-06-01", "2025-01-01", "2025-07-01", "2026-01-10"]
            ),
            "end": pd.to_datetime([None, "2025-08-01", None, "2025-07-01", None, None]),
            "mrr": [100.0, 50.0, 30.0, 20.0, 60.0, 10.0],
        }
    )
    s = history.subscription_summary(t)
    assert s.month == pd.Timestamp("2026-01-01")
    assert (s.mrr, s.arr, s.customers) == (200.0, 2400.0, 4)
    assert s.nrr_12m == pytest.approx(160 / 170)
    assert s.grr_12m == pytest.approx(120 / 170)


def test_subscription_edge_cases():
    empty = SUBS.assign(mrr=0.0)
    assert history.mrr_movements(empty).empty
    with pytest.raises(DataError, match="No subscription pays"):
        history.subscription_summary(empty)


def test_customers_headline():
    up = read(
        b"customer;first purchase;last purchase;orders;revenue\n"
        b"a;2025-01-01;2025-03-01;3;90\nb;2025-02-01;2025-02-01;1;30\n",
        "c.csv",
    )
    h = history.customers_headline(up.table)
    assert (h.customers, h.orders, h.revenue, h.aov, h.days) == (2, 4, 120.0, 30.0, 60)
    rfm = pd.DataFrame({"frequency": [2, 0], "monetary_value": [10.0, 4.0]})
    h = history.customers_headline(rfm)
    assert (h.orders, h.revenue) == (4, 34.0)
    with pytest.raises(DataError, match="orders or a frequency"):
        history.customers_headline(pd.DataFrame({"revenue": [1.0]}))
    with pytest.raises(DataError, match="revenue or an average"):
        history.customers_headline(pd.DataFrame({"orders": [1]}))
