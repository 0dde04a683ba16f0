"""Segments of an order log: every per-segment number worked out by hand, tests against scipy.

The hand-made log (``LOG``) runs from 10 January 2024 to 31 December 2025:

=====  ============  ======  =======  ==========================================
who    date          amount  channel  note
=====  ============  ======  =======  ==========================================
a      2024-01-10    100     web      first order on the web
a      2024-01-20     50     shop     later orders elsewhere do not move a
a      2025-03-01     30     web
b      2024-02-01     40     web      one order
c      2024-06-01     60     web
c      2024-08-30     20     web      90 days later
d      2024-03-01    200     shop
d      2024-03-11    -50     shop     a refund: no order, no purchase day
e      2025-06-01     80     shop
e      2025-12-31     80     shop     213 days later, the file's last day
f      2024-01-15     10     shop     first row of the day: f is a shop customer
f      2024-01-15      5     web      a second order on the same day
=====  ============  ======  =======  ==========================================
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from calc import history, upload
from calc.errors import DataError, InputError
from calc.history import segment_models as sm
from calc.history import segment_tests as st
from calc.history import segments as sg
from calc.models.forecast import forecast_orders
from calc.models.summary import summarize

ROOT = Path(__file__).parents[1]

ROWS = [
    ("a", "2024-01-10", 100.0, "web"),
    ("f", "2024-01-15", 10.0, "shop"),
    ("f", "2024-01-15", 5.0, "web"),
    ("a", "2024-01-20", 50.0, "shop"),
    ("b", "2024-02-01", 40.0, "web"),
    ("d", "2024-03-01", 200.0, "shop"),
    ("d", "2024-03-11", -50.0, "shop"),
    ("c", "2024-06-01", 60.0, "web"),
    ("c", "2024-08-30", 20.0, "web"),
    ("a", "2025-03-01", 30.0, "web"),
    ("e", "2025-06-01", 80.0, "shop"),
    ("e", "2025-12-31", 80.0, "shop"),
]
LOG = pd.DataFrame(ROWS, columns=["customer_id", "date", "amount", "channel"]).assign(
    date=lambda t: pd.to_datetime(t["date"])
)


def row(s: sg.Segments, name: str) -> pd.Series:
    return s.table.set_index("segment").loc[name]


def test_channel_of_the_first_order_every_number_by_hand():
    s = sg.segment(LOG, "channel")
    assert s.labels == ["web", "shop"]  # three customers each; web's first row comes first
    web, shop = row(s, "web"), row(s, "shop")
    # web: a, b, c (a's later shop order does not move a); shop: d, e, f (f's first row)
    assert (web["customers"], shop["customers"]) == (3, 3)
    assert (web["customers_share"], shop["customers_share"]) == (0.5, 0.5)
    # repeat (2+ orders): a (3), c (2) of web; e (2) and f (2 orders on one day) of shop
    assert web["repeat_customers"] == 2 and web["repeat_rate"] == pytest.approx(2 / 3)
    assert shop["repeat_customers"] == 2 and shop["repeat_rate"] == pytest.approx(2 / 3)
    # yearly churn, the file's windows: last day 2025-12-31, second window 2025-01-01..12-31,
    # first window 2024-01-02..2024-12-31 clipped to the first day 2024-01-10.
    # web: a, b, c bought in the first; b and c not in the second -> 2 / 3.
    # shop: d and f bought in the first (e only in 2025); neither in the second -> 2 / 2.
    assert (web["churn_buyers"], web["churn_lost"]) == (3, 2)
    assert web["churn_rate"] == pytest.approx(2 / 3)
    assert (shop["churn_buyers"], shop["churn_lost"], shop["churn_rate"]) == (2, 2, 1.0)
    # days between purchase days: web a 10 and 406 (2024-01-20 -> 2025-03-01: 366 + 40),
    # c 90 -> median of 10, 90, 406 is 90; shop e 213 (d's refund and f's same day are none)
    assert web["median_days_between"] == 90.0
    assert shop["median_days_between"] == 213.0
    # AOV: web (100 + 50 + 30 + 40 + 60 + 20) / 6 orders = 50; shop (200 + 160 + 15) / 5 = 75
    assert (web["orders"], shop["orders"]) == (6, 5)
    assert web["aov"] == pytest.approx(50.0)
    assert shop["aov"] == pytest.approx(75.0)
    # net revenue: web 300; shop 200 - 50 + 160 + 15 = 325
    assert (web["revenue"], shop["revenue"]) == (pytest.approx(300.0), pytest.approx(325.0))
    # 12 months after the first order (365 days; observed when the first order is at least
    # 364 days before 2025-12-31): a 100 + 50 (not 2025-03-01), b 40, c 80 -> 270 / 3 = 90;
    # d 200 - 50, f 15 -> 165 / 2 = 82.5; e (first order 2025-06-01) not observed that long
    assert (web["customers_first_year"], shop["customers_first_year"]) == (3, 2)
    assert web["value_first_year"] == pytest.approx(90.0)
    assert shop["value_first_year"] == pytest.approx(82.5)
    # 24 months: nobody's first order is 729 days before the end (a's is 721 days)
    assert (web["customers_two_years"], shop["customers_two_years"]) == (0, 0)
    assert np.isnan(web["value_two_years"]) and np.isnan(shop["value_two_years"])


def test_segments_share_the_windows_of_the_whole_files_yearly_churn():
    s = sg.segment(LOG, "channel")
    whole = history.yearly_churn(LOG)
    assert s.churn_windows == (
        whole.first_start,
        whole.first_end,
        whole.second_start,
        whole.second_end,
    )
    assert s.table["churn_buyers"].sum() == whole.buyers == 5
    assert s.table["churn_lost"].sum() == whole.lost == 4


def test_retention_curves_count_only_customers_observed_that_long():
    c = sg.segment(LOG, "channel").curves.set_index(["segment", "months"])
    # 1 month = 30.4375 days: everyone observed; only a (10 days) bought again that soon
    assert c.loc[("web", 1), ["observed", "again"]].tolist() == [3, 1]
    assert c.loc[("shop", 1), ["observed", "again"]].tolist() == [3, 0]
    # 3 months = 91.3 days: c's 90 days count
    assert c.loc[("web", 3), ["observed", "again"]].tolist() == [3, 2]
    assert c.loc[("web", 3), "share"] == pytest.approx(2 / 3)
    # 7 months = 213.06 days: e came back after 213 days but is observed only 213 days
    assert c.loc[("shop", 7), ["observed", "again"]].tolist() == [2, 0]
    assert c.loc[("shop", 6), ["observed", "again"]].tolist() == [3, 0]  # 182.6 days
    assert c.index.get_level_values("months").max() == 24


def test_first_order_size_in_tiers_the_user_sets():
    s = sg.segment(LOG, "first_order", tiers=(50, 100))
    assert s.labels == ["< 50", "50-100", "≥ 100"]
    # first orders: a 100, b 40, c 60, d 200, e 80, f 10 (its first row; no order ids)
    assert s.table["customers"].tolist() == [2, 2, 2]
    members = {s.labels[k]: sorted(s.ids[s.customer_segment == k]) for k in range(3)}
    assert members == {"< 50": ["b", "f"], "50-100": ["c", "e"], "≥ 100": ["a", "d"]}


def test_default_tiers_are_quartiles_rounded_to_two_digits():
    # first orders 10, 40, 60, 80, 100, 200: quartiles 45, 70, 95 (linear interpolation)
    assert sg.default_tiers(np.array([100.0, 40, 60, 200, 80, 10])) == (45.0, 70.0, 95.0)
    s = sg.segment(LOG, "first_order")
    assert s.tiers == (45.0, 70.0, 95.0)
    assert s.table.set_index("segment")["customers"].to_dict() == {
        "< 45": 2,
        "45-70": 1,
        "70-95": 1,
        "≥ 95": 2,
    }


def test_tiers_must_increase_and_be_above_zero():
    with pytest.raises(InputError, match="increase") as err:
        sg.segment(LOG, "first_order", tiers=(100, 50))
    assert err.value.field == "tiers"
    with pytest.raises(InputError, match="above 0") as err:
        sg.segment(LOG, "first_order", tiers=(0, 50))
    assert err.value.field == "tiers"


def test_acquisition_cohorts_by_month_quarter_and_year():
    q = sg.segment(LOG, "cohort_quarter")
    assert q.table[["segment", "customers"]].values.tolist() == [
        ["2024 Q1", 4],  # a, b, d, f
        ["2024 Q2", 1],  # c
        ["2025 Q2", 1],  # e
    ]
    y = sg.segment(LOG, "cohort_year")
    assert y.table["segment"].tolist() == ["2024", "2025"]
    m = sg.segment(LOG, "cohort_month")
    assert m.table[["segment", "customers"]].values.tolist()[:3] == [
        ["2024-01", 2],
        ["2024-02", 1],
        ["2024-03", 1],
    ]


def test_a_multi_line_first_order_counts_by_its_first_line_and_its_total():
    t = pd.DataFrame(
        {
            "customer_id": ["g", "g", "h", "g"],
            "order_id": ["1", "1", "2", "3"],
            "date": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-01-02", "2026-02-01"]),
            "amount": [10.0, 5.0, 8.0, 20.0],
            "category": ["espresso", "cups", "cups", "cups"],
        }
    )
    s = sg.segment(t, "category")
    assert dict(zip(s.ids, np.array(s.labels)[s.customer_segment], strict=True)) == {
        "g": "espresso",
        "h": "cups",
    }
    tiers = sg.segment(t, "first_order", tiers=(12,))
    members = dict(zip(tiers.ids, np.array(tiers.labels)[tiers.customer_segment], strict=True))
    assert members == {"g": "≥ 12", "h": "< 12"}  # g's first order: 10 + 5 = 15


def test_any_text_column_and_blank_values():
    t = LOG.assign(region=["N", None, None, None, "S", "S", "S", "N", "N", "N", "N", "N"])
    assert "region" in sg.text_columns(t)
    s = sg.segment(t, "column", column="region")
    # first rows: a N, f blank, b S, d S, c N, e N
    assert s.table.set_index("segment")["customers"].to_dict() == {"N": 3, "S": 2, "(blank)": 1}
    with pytest.raises(DataError, match="no column 'nope'"):
        sg.segment(t, "column", column="nope")
    with pytest.raises(DataError, match="Unknown grouping"):
        sg.segment(t, "colour")


def test_largest_folds_the_rest_into_other_and_measures_it_again():
    t = LOG.assign(country=["NO", "PL", "PL", "NO", "DK", "SE", "SE", "FI", "FI", "NO", "AL", "AL"])
    s = sg.segment(t, "country")  # a NO, f PL, b DK, d SE, c FI, e AL: one each
    top = sg.largest(s, 2)
    assert top.labels == ["NO", "PL", sg.OTHER]
    other = row(top, sg.OTHER)
    assert other["customers"] == 4
    # b, c, d, e: repeat c and e -> 2 / 4 (not the mean of the four rates, which is also 0.5)
    assert other["repeat_rate"] == 0.5
    # AOV: (40 + 80 + 200 + 160) / (1 + 2 + 1 + 2) = 80
    assert other["aov"] == pytest.approx(80.0)


# ----------------------------------------------------------------- differences


@pytest.mark.parametrize(
    ("x_a", "n_a", "x_b", "n_b"),
    [(41, 100, 28, 100), (87, 181, 213, 442), (5, 30, 20, 40), (300, 1000, 280, 1100)],
)
def test_two_proportion_test_equals_chi_squared_without_correction(x_a, n_a, x_b, n_b):
    """Oracle: scipy.stats.chi2_contingency on the same 2 x 2 counts, no Yates correction."""
    z, p, _, _ = st.two_proportions(x_a, n_a, x_b, n_b)
    chi2, p_chi2, dof, _ = stats.chi2_contingency(
        [[x_a, n_a - x_a], [x_b, n_b - x_b]], correction=False
    )
    assert dof == 1
    assert p == pytest.approx(p_chi2, rel=1e-9)
    assert z**2 == pytest.approx(chi2, rel=1e-9)


def test_two_proportion_test_by_hand():
    # 41 / 100 against 28 / 100: pooled 69 / 200 = 0.345;
    # se = sqrt(0.345 * 0.655 * (1/100 + 1/100)) = 0.067227; z = 0.13 / 0.067227 = 1.9337;
    # p = 2 (1 - Phi(1.9337)) = 0.0531. Wald: 0.13 +- 1.96 sqrt(.41 .59 / 100 + .28 .72 / 100)
    # = 0.13 +- 1.96 sqrt(0.004435) = 0.13 +- 1.96 * 0.066596 = 0.13 +- 0.1305 = -0.0005 .. 0.2605
    z, p, low, high = st.two_proportions(41, 100, 28, 100)
    assert z == pytest.approx(1.9337, abs=5e-5)
    assert p == pytest.approx(0.0531, abs=5e-5)
    assert (low, high) == (pytest.approx(-0.0005, abs=5e-5), pytest.approx(0.2605, abs=5e-5))


def test_bootstrap_interval_is_fixed_by_its_seed_and_agrees_with_scipy():
    rng = np.random.default_rng(7)
    a, b = rng.gamma(2.0, 50.0, 300), rng.gamma(2.0, 40.0, 200)
    first = st.bootstrap_difference(a, b)
    assert first == st.bootstrap_difference(a, b)  # same seed, same interval
    assert first[0] == pytest.approx(a.mean() - b.mean())
    oracle = stats.bootstrap(
        (a, b),
        lambda x, y, axis: x.mean(axis=axis) - y.mean(axis=axis),
        n_resamples=sg.RESAMPLES,
        method="percentile",
        confidence_level=0.95,
        rng=np.random.default_rng(1),
    ).confidence_interval
    width = oracle.high - oracle.low
    # different random draws: the two intervals agree to a small share of their width
    assert first[1] == pytest.approx(oracle.low, abs=0.1 * width)
    assert first[2] == pytest.approx(oracle.high, abs=0.1 * width)


def test_large_groups_take_the_bootstrap_interval_from_its_normal_limit():
    # Skewed spend (lognormal, sigma 1: skewness 6); the smaller group at NORMAL_FROM.
    rng = np.random.default_rng(11)
    a = rng.lognormal(3.0, 1.0, st.NORMAL_FROM)
    b = rng.lognormal(2.9, 1.0, st.NORMAL_FROM + 2_000)
    gap, low, high = st.bootstrap_difference(a, b)
    _, r_low, r_high = st.bootstrap_difference(a, b, normal_from=10**9)  # 2,000 resamples
    assert gap == pytest.approx(a.mean() - b.mean())
    half = (r_high - r_low) / 2
    # the resampling's own noise in its 2.5th/97.5th percentiles is about 5% of the half width
    assert low == pytest.approx(r_low, abs=0.1 * half)
    assert high == pytest.approx(r_high, abs=0.1 * half)
    # one group below the line: resampled, whatever the other
    assert st.bootstrap_difference(a[:-1], b) == st.bootstrap_difference(
        a[:-1], b, normal_from=10**9
    )


def big_log(seed: int = 3) -> pd.DataFrame:
    """Espresso customers come back more often than tea customers (0.45 against 0.25)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(400):
        kind = "espresso" if i < 200 else "tea"
        first = pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 300)))
        rows.append((f"c{i}", first, 40.0, kind))
        if rng.random() < (0.45 if kind == "espresso" else 0.25):
            rows.append((f"c{i}", first + pd.Timedelta(days=30), 40.0, "tea"))
    rows.append(("z", pd.Timestamp("2025-12-31"), 10.0, "tea"))
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount", "category"])


def test_compare_two_segments_or_one_against_the_rest():
    s = sg.segment(big_log(), "category")
    repeat = st.compare(s, "espresso", "tea")[0]
    t_row, e_row = row(s, "tea"), row(s, "espresso")
    assert (repeat.n_a, repeat.n_b) == (200, 201)
    assert repeat.a == e_row["repeat_rate"] and repeat.b == t_row["repeat_rate"]
    _, p, _, _ = st.two_proportions(e_row["repeat_customers"], 200, t_row["repeat_customers"], 201)
    assert repeat.p_value == p and repeat.judged and repeat.real
    rest = st.compare(s, "espresso")  # against the rest: here the same customers
    assert rest[0] == repeat
    measures = [d.measure for d in rest]
    assert measures == ["repeat_rate", "churn_rate", "value_first_year"]
    value = rest[2]
    # customers observed 12 months: first order at least 364 days before 2025-12-31
    assert value.judged and value.low <= value.difference <= value.high


def test_small_segments_are_shown_but_not_judged():
    s = sg.segment(LOG, "channel")  # three customers a side
    for d in st.compare(s, "web", "shop"):
        assert not d.judged and not d.real
    with pytest.raises(DataError, match="no segment"):
        st.compare(s, "fax")


# ------------------------------------------------------------------ models


def test_models_per_segment_own_where_the_segment_can_else_the_pooled_fit():
    data = (ROOT / "samples" / "orders_european.csv").read_bytes()
    table = upload.read(data, "orders_european.csv").table
    s = sg.segment(table, "cohort_quarter")
    paid = table[table["amount"] > 0]
    summary = summarize(paid["customer_id"], paid["date"], paid["amount"], unit="W")
    pooled = forecast_orders(summary, windows_days=(365,), horizon_years=3, margin=0.3)
    out = sm.segment_models(s, summary, pooled, horizon_years=3, margin=0.3).set_index("segment")
    assert out["model_customers"].sum() == summary.n_customers
    # 2024 Q2 has 18 customers (a model needs 20), 2026 Q2 60 days of history (it needs 90):
    # their customers get the pooled model's numbers; every other quarter its own models
    assert out["model"].to_dict() == {
        label: "pooled" if label in ("2024 Q2", "2026 Q2") else "own" for label in s.labels
    }
    seg = s.segment_of(summary.customer_id)
    for small in ("2024 Q2", "2026 Q2"):
        mine = pooled.table.iloc[np.flatnonzero(seg == s.labels.index(small))]
        assert out.loc[small, "p_alive"] == pytest.approx(mine["p_alive"].mean())
        assert out.loc[small, "clv"] == pytest.approx(mine["clv"].mean())
        assert out.loc[small, "purchases_next_year"] == pytest.approx(mine["next_365"].mean())
    own = out[out["model"] == "own"]
    assert (own["clv_low"] <= own["clv"]).all() and (own["clv"] <= own["clv_high"]).all()
    assert ((own["p_alive"] > 0) & (own["p_alive"] <= 1)).all()
    # without the Forecast page's result, the whole file's models are fitted when needed:
    # the same fits, the same numbers
    alone = sm.segment_models(s, summary, horizon_years=3, margin=0.3).set_index("segment")
    pd.testing.assert_frame_equal(alone, out)


def _sample_models(by: str, **kw):
    data = (ROOT / "samples" / "orders_european.csv").read_bytes()
    table = upload.read(data, "orders_european.csv").table.assign(everyone="all")
    s = sg.segment(table, by, **kw)
    paid = table[table["amount"] > 0]
    summary = summarize(paid["customer_id"], paid["date"], paid["amount"], unit="W")
    pooled = forecast_orders(summary, windows_days=(365,), horizon_years=3, margin=0.3)
    out = sm.segment_models(s, summary, pooled, horizon_years=3, margin=0.3)
    return s, summary, pooled, out.set_index("segment")


def test_a_segments_figures_are_the_means_of_the_forecast_pages_columns_for_its_customers():
    # Computed on distinct (x, t_x, T) rows, never per customer: the same numbers as
    # forecast_orders on the segment's customers, averaged, to rounding.
    s, summary, _, out = _sample_models("category")
    seg = s.segment_of(summary.customer_id)
    for code, label in enumerate(s.labels):
        assert out.loc[label, "model"] == "own"
        mine = sm._subset(summary, seg == code)
        table = forecast_orders(mine, windows_days=(365,), horizon_years=3, margin=0.3).table
        for name, column in (("p_alive", "p_alive"), ("purchases_next_year", "next_365")):
            assert out.loc[label, name] == pytest.approx(table[column].mean(), rel=1e-12)
        assert out.loc[label, "clv"] == pytest.approx(table["clv"].mean(), rel=1e-12)
        # The range is that of the segment's mean, narrower at the top than the mean of
        # the customers' own ranges (Jensen: the mean of exp(z s_i) >= exp(z |sum w_i g_i|)).
        assert out.loc[label, "clv_low"] < out.loc[label, "clv"] < out.loc[label, "clv_high"]
        assert out.loc[label, "clv_high"] <= table["clv_high"].mean()


def test_the_range_of_one_segment_of_everyone_is_the_forecast_pages_range_of_the_total():
    # One segment of every customer fits the pooled models again; its range of the mean CLV
    # is CustomerValues.total_clv / customers (delta method on the log of the sum, both
    # models). Here the BG/NBD gradient is taken on the sum with the horizon cut into
    # quarters (RANGE_STEPS), there per row with monthly steps: the same to 1e-3 (2e-4 seen).
    _, summary, pooled, out = _sample_models("column", column="everyone")
    total = pooled.values.total_clv
    n = summary.n_customers
    assert out.loc["all", "model"] == "own"
    assert out.loc["all", "clv"] == pytest.approx(total.likely / n, rel=1e-12)
    assert out.loc["all", "clv_low"] == pytest.approx(total.low / n, rel=1e-3)
    assert out.loc["all", "clv_high"] == pytest.approx(total.high / n, rel=1e-3)


def test_steps_of_the_horizon_as_the_models_cut_them():
    # 3 years in weeks: 36 monthly steps of 156.54 / 36 weeks, each discounted to its middle
    edges, discount = sm._steps(3.0, "W", 0.10)
    assert edges.size == 36 and edges[-1] == pytest.approx(3 * 365.25 / 7)
    assert discount[0] == pytest.approx(1.1 ** -(1 / 24))
    assert discount[-1] == pytest.approx(1.1 ** -(3 - 1 / 24))


def test_models_per_segment_say_a_bad_setting():
    s, summary, pooled, _ = _sample_models("category")
    with pytest.raises(InputError):
        sm.segment_models(s, summary, pooled, horizon_years=0)
    with pytest.raises(InputError):
        sm.segment_models(s, summary, pooled, margin=1.5)
