"""BG/NBD repeat-purchase model: CDNOW reproduction, recovery, identities, failures."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calc.errors import DataError, FitError, InputError
from calc.models import _fit, bgnbd
from calc.models._fit import compress
from calc.models.summary import summarize

DATA = Path(__file__).parent / "fixtures" / "models"


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return pd.read_csv(DATA / "cdnow_sample_summary.csv")


@pytest.fixture(scope="module")
def cdnow_fit(cdnow) -> bgnbd.BGNBDModel:
    return bgnbd.fit(cdnow["x"], cdnow["t_x"], cdnow["T"])


def test_fader_hardie_lee_2005_cdnow_parameters(cdnow_fit):
    """Fader, Hardie & Lee (2005), "Counting your customers the easy way", section 4.

    CDNOW sample, 2,357 customers, 39 weeks: r = 0.243, alpha = 4.414,
    a = 0.793, b = 2.426 (three decimals, abs = 5e-4) and LL = -9582.4 (one
    decimal, abs = 0.05).
    """
    assert cdnow_fit.r == pytest.approx(0.243, abs=5e-4)
    assert cdnow_fit.alpha == pytest.approx(4.414, abs=5e-4)
    assert cdnow_fit.a == pytest.approx(0.793, abs=5e-4)
    assert cdnow_fit.b == pytest.approx(2.426, abs=5e-4)
    assert cdnow_fit.log_likelihood == pytest.approx(-9582.4, abs=0.05)
    assert cdnow_fit.n_customers == 2357
    assert cdnow_fit.distinct_rows < 2357  # identical rows grouped


def test_fader_hardie_lee_2005_conditional_expectation_of_the_first_customer(cdnow_fit):
    """Fader, Hardie & Lee (2005), eq. (10), E[X(t) | x, t_x, T], with the published parameters.

    The customer with x = 2, t_x = 30.43, T = 38.86 weeks (the first row of
    the CDNOW sample), t = 39 weeks ahead. Eq. (10) evaluated by hand with
    mpmath's hyp2f1 at 30 digits and the paper's printed r = 0.243,
    alpha = 4.414, a = 0.793, b = 2.426 gives 1.22603; the fitted model must
    agree to the three decimals those parameters are printed with.
    """
    expected = cdnow_fit.expected_purchases(39, [2], [30.43], [38.86])
    assert expected[0] == pytest.approx(1.226, abs=5e-4)


def test_example_model_matches_the_fit(cdnow_fit):
    """The model the docstring examples use is the fit on the CDNOW sample."""
    example = bgnbd._cdnow()
    assert example.log_params == pytest.approx(cdnow_fit.log_params, abs=1e-4)
    assert example.covariance == pytest.approx(cdnow_fit.covariance, rel=0.01, abs=1e-5)


def test_parameter_recovery_on_simulated_customers():
    """100,000 simulated customers (whole days, weekly unit): the truth lies within 3 SE."""
    true = np.log([0.5, 5.0, 0.8, 2.5])
    x, t_x, age = bgnbd.simulate(100_000, 0.5, 5.0, 0.8, 2.5, resolution=1 / 7, seed=11)
    model = bgnbd.fit(x, t_x, age)
    se = np.sqrt(np.diag(model.covariance))
    assert np.all(np.abs(model.log_params - true) < 3 * se)
    assert np.all(np.abs(model.log_params - true) < 0.06)  # within about 6%
    assert model.distinct_rows < 60_000


def test_unit_change_only_rescales_alpha():
    """The same customers in days instead of weeks: r, a, b unchanged, alpha times 7."""
    x, t_x, age = bgnbd.simulate(5000, seed=3)
    weeks = bgnbd.fit(x, t_x, age)
    days = bgnbd.fit(x, t_x * 7, age * 7)
    assert days.r == pytest.approx(weeks.r, rel=1e-4)
    assert days.a == pytest.approx(weeks.a, rel=1e-3)
    assert days.b == pytest.approx(weeks.b, rel=1e-3)
    assert days.alpha == pytest.approx(weeks.alpha * 7, rel=1e-4)
    assert days.log_likelihood == pytest.approx(weeks.log_likelihood - np.log(7) * x.sum(), 1e-6)


def test_p_alive_is_one_without_repeat_purchases(cdnow_fit):
    """In BG/NBD a customer can only drop out right after a purchase."""
    ages = np.array([0.0, 1.0, 38.86, 500.0])
    assert cdnow_fit.p_alive(np.zeros(4), np.zeros(4), ages).tolist() == [1.0] * 4


def test_p_alive_falls_with_time_since_last_purchase(cdnow_fit):
    ages = np.linspace(30.5, 80, 20)
    p = cdnow_fit.p_alive(np.full(20, 3), np.full(20, 30.0), ages)
    assert np.all(np.diff(p) < 0)
    assert np.all((p > 0) & (p < 1))
    recent, lapsed = cdnow_fit.p_alive([3, 3], [38.0, 10.0], [38.86, 38.86])
    assert recent > lapsed


def test_expected_purchases_is_p_alive_times_the_active_customer_forecast(cdnow_fit):
    m = cdnow_fit
    x, t_x, age = np.array([0.0, 2, 7]), np.array([0.0, 30.43, 20.0]), np.array([38.86] * 3)
    alive = m.p_alive(x, t_x, age)
    active = bgnbd.expected_new(39.0, m.r + x, m.alpha + age, m.a, m.b + x)
    assert m.expected_purchases(39, x, t_x, age) == pytest.approx(alive * active, rel=1e-12)
    assert m.expected_purchases(0, x, t_x, age).tolist() == [0.0, 0.0, 0.0]


def test_new_customer_forecast_is_the_conditional_one_at_birth(cdnow_fit):
    """A customer with no history (x = 0, T = 0) is a new customer."""
    m = cdnow_fit
    t = np.array([1.0, 13.0, 39.0, 78.0])
    new = m.expected_purchases_new(t)
    assert new == pytest.approx([m.expected_purchases(ti, [0], [0.0], [0.0])[0] for ti in t])
    assert np.all(np.diff(new) > 0)
    rng = m.expected_purchases_new_range(39.0)
    assert rng.low < rng.likely < rng.high
    assert rng.likely == pytest.approx(new[2])


def test_expected_total_sums_the_customers_and_has_a_range(cdnow, cdnow_fit):
    x, t_x, age = cdnow["x"], cdnow["t_x"], cdnow["T"]
    per_customer = cdnow_fit.expected_purchases(39, x, t_x, age)
    total = cdnow_fit.expected_total(39, x, t_x, age)
    assert total.likely == pytest.approx(per_customer.sum(), rel=1e-12)
    assert total.low < total.likely < total.high
    # parameter uncertainty of a 2,357-customer fit: a few percent, not tens
    assert 0.01 < (total.high - total.low) / total.likely < 0.3
    ranges = cdnow_fit.expected_purchases_range(39, x, t_x, age)
    assert np.all(ranges.low <= ranges.likely) and np.all(ranges.likely <= ranges.high)
    assert cdnow_fit.expected_total(0, x, t_x, age).likely == 0.0


@settings(max_examples=40, deadline=None)
@given(
    r=st.floats(0.05, 5),
    alpha=st.floats(0.5, 100),
    a=st.floats(0.1, 5),
    b=st.floats(0.2, 50),
    t=st.floats(0.1, 300),
)
def test_hypergeometric_forecast_matches_the_defining_integral(r, alpha, a, b, t):
    """E[X(t)] from hyp2f1 equals the integral of (1 - (alpha/(alpha + p t))^r)/p over p."""
    value = float(bgnbd.expected_new(t, r, alpha, a, b))
    integral = bgnbd._expected_new_integral(t, r, alpha, a, b)
    assert value == pytest.approx(integral, rel=1e-6)
    assert 0 < value <= r * t / alpha * (1 + 1e-9)


@pytest.mark.parametrize(
    ("t", "r", "alpha", "a", "b", "reference"),
    [
        # a very frequent buyer in days (220 purchases in 44 days), 3-year horizon
        (1221.1762690182145, 221.16685949304116, 48.36048312504764, 0.8352634628397707,
         224.88799425942915, 966.8786845165355),
        (3057.18379727001, 278.503407956608, 56.37000922086075, 1.3027621539623593,
         279.93116698493094, 650.329220425301),
    ],
)  # fmt: skip
def test_forecast_falls_back_where_hyp2f1_breaks_down(t, r, alpha, a, b, reference):
    """Both hypergeometric forms overflow here; the integral gives the 50-digit reference.

    References computed with mpmath.hyp2f1 at 50 digits.
    """
    assert float(bgnbd.expected_new(t, r, alpha, a, b)) == pytest.approx(reference, rel=1e-9)


@pytest.mark.parametrize(
    ("t", "r", "alpha", "a", "b"),
    [
        (13.0, 46444.4, 417582.3, 3e-4, 11055.6),  # the held fit of issue 14's shop
        (300.0, 46444.4, 417582.3, 3e-4, 11055.6),
        (52.0, 2.6e4, 3.3e5, 0.01, 1.1e4),
    ],
)
def test_forecast_of_customers_held_alike_uses_the_pfaff_series(t, r, alpha, a, b):
    """scipy's hyp2f1 gives NaN for both forms here; the series matches the integral."""
    value = float(bgnbd.expected_new(t, r, alpha, a, b))
    assert value == pytest.approx(bgnbd._expected_new_integral(t, r, alpha, a, b), rel=1e-9)
    series, done = bgnbd._pfaff_series(*(np.array([v]) for v in (t, r, alpha, a, b)))
    assert done[0] and series[0] == pytest.approx(value, rel=1e-12)


def test_forecast_at_a_equal_to_one_is_the_limit():
    """The formula divides by a - 1; at a = 1 the value is the limit from both sides."""
    at_one = float(bgnbd.expected_new(10.0, 0.5, 5.0, 1.0, 2.0))
    below = float(bgnbd.expected_new(10.0, 0.5, 5.0, 1 - 1e-3, 2.0))
    above = float(bgnbd.expected_new(10.0, 0.5, 5.0, 1 + 1e-3, 2.0))
    assert below < at_one < above or above < at_one < below
    assert at_one == pytest.approx((below + above) / 2, rel=1e-5)


def test_identical_rows_give_the_same_fit_as_weights():
    """Grouping identical rows must not change the likelihood."""
    x, t_x, age = bgnbd.simulate(3000, seed=5, resolution=1)
    model = bgnbd.fit(x, t_x, age)
    doubled = bgnbd.fit(np.tile(x, 2), np.tile(t_x, 2), np.tile(age, 2))
    assert doubled.log_likelihood == pytest.approx(2 * model.log_likelihood, rel=1e-9)
    assert doubled.log_params == pytest.approx(model.log_params, abs=1e-4)
    assert doubled.distinct_rows == model.distinct_rows


@pytest.mark.parametrize(
    ("frequency", "recency", "age", "column", "rows", "match"),
    [
        ([1, -1], [1.0, 0.0], [2.0, 2.0], "frequency", [2], "0 or more"),
        ([1, 0], [1.0, float("nan")], [2.0, 2.0], "recency", [2], "0 or more"),
        ([1, 0], [1.0, 0.0], [2.0, float("inf")], "age", [2], "0 or more"),
        ([1.5, 0], [1.0, 0.0], [2.0, 2.0], "frequency", [1], "whole number"),
        ([1, 0], [3.0, 0.0], [2.0, 2.0], "recency", [1], "cannot be longer than age"),
        ([1, 0], [1.0, 1.0], [2.0, 2.0], "recency", [2], "recency of 0"),
    ],
)
def test_bad_values_raise_data_error(frequency, recency, age, column, rows, match):
    with pytest.raises(DataError, match=match) as err:
        bgnbd.fit(frequency, recency, age)
    assert err.value.column == column
    assert list(err.value.rows) == rows
    assert err.value.example is not None


def test_bad_shapes_raise_data_error():
    with pytest.raises(DataError, match="one value per customer each"):
        bgnbd.fit([1, 2], [0.5], [3.0, 3.0])
    with pytest.raises(DataError, match="no customers"):
        bgnbd.fit([], [], [])
    with pytest.raises(DataError, match="must be a number") as err:
        bgnbd.fit(["a"], [0.0], [1.0])
    assert err.value.column == "frequency"
    with pytest.raises(DataError, match="one value per customer") as err:
        bgnbd.fit([[1]], [[0.0]], [[1.0]])


def test_too_few_customers_raise_fit_error():
    with pytest.raises(FitError, match="at least 20 customers; got 3"):
        bgnbd.fit([1, 0, 2], [1.0, 0.0, 2.0], [3.0, 3.0, 3.0])


def test_no_repeat_buyers_raise_fit_error():
    with pytest.raises(FitError, match="None of the customers has bought a second time"):
        bgnbd.fit(np.zeros(50), np.zeros(50), np.linspace(1, 30, 50))


@pytest.mark.parametrize(
    "params", [(0.5, 5.0, 0.8, 2.5), (1.3, 0.7, 3.0, 0.4), (0.05, 50.0, 0.1, 9.0)]
)
def test_the_gradient_and_hessian_are_the_likelihoods_derivatives(params):
    """The gradient and the exact Hessian behind every Newton step and range, against
    central differences of the likelihood and of the gradient."""
    x, t_x, age = bgnbd.simulate(3000, seed=3, resolution=1 / 7)
    _, first, counts = compress(x, t_x, age)
    neg_ll, hessian = bgnbd._neg_log_likelihood(x[first], t_x[first], age[first], counts)
    z = np.log(params)
    step = 1e-6
    numeric = np.array(
        [(neg_ll(z + e * step)[1] - neg_ll(z - e * step)[1]) / (2 * step) for e in np.eye(4)]
    )
    slope = np.array(
        [(neg_ll(z + e * step)[0] - neg_ll(z - e * step)[0]) / (2 * step) for e in np.eye(4)]
    )
    assert neg_ll(z)[1] == pytest.approx(slope, rel=1e-6, abs=1e-6)
    exact = hessian(z)
    assert exact == pytest.approx(exact.T, rel=1e-12)
    assert np.max(np.abs(exact - numeric)) < 1e-6 * np.max(np.abs(numeric))


def no_one_leaving():
    """Every repeat buyer bought at the very end: nothing tells how customers drop out."""
    rng = np.random.default_rng(0)
    age = rng.uniform(10, 50, 200)
    return rng.integers(1, 5, 200).astype(float), age, age


def fits_from_many_starts(x, t_x, age):
    """The same data fitted from three starting points with three search methods, each
    with the exact Hessian and with one taken by finite differences."""
    rows = compress(x, t_x, age)
    neg_ll, hessian, centre = bgnbd._problem(x, t_x, age, rows)
    starts = [centre + shift for shift in ([0, 0, 0, 0], [2, -1, 3, -2], [-3, 4, -2, 5])]
    return [
        _fit.maximise(
            neg_ll,
            start,
            names=bgnbd.PARAMETERS,
            model="t",
            scale=x.size,
            centre=centre,
            method=method,
            hessian=curvature,
        )
        for start in starts
        for method in ("Newton", "L-BFGS-B", "Nelder-Mead")
        for curvature in (hessian, None)  # exact, and by finite differences
    ]


def test_no_sign_of_anyone_leaving_gives_the_same_held_fit_from_any_start():
    """Nobody seen leaving: a and b are held near "nobody leaves", whatever the search.

    The likelihood keeps rising as the chance of leaving goes to 0, so the old fit
    stopped wherever L-BFGS-B gave up (an error on one machine, a model on another).
    Now the verdict and the parameters are the same from three starts with three methods.
    """
    x, t_x, age = no_one_leaving()
    model = bgnbd.fit(x, t_x, age)
    assert model.no_dropout_seen
    assert {"a", "b"} <= set(model.held)
    assert model.a / (model.a + model.b) < 1e-4  # the limit: nobody leaves
    assert np.all(model.p_alive(x, t_x, age) > 0.9999)
    for opt in fits_from_many_starts(x, t_x, age):
        assert opt.held == model.held
        assert opt.log_params == pytest.approx(model.log_params, abs=1e-6)


def test_a_well_fitted_model_is_the_same_from_any_start(cdnow):
    """CDNOW: plain maximum likelihood, nothing held, from every start and method."""
    x, t_x, age = (cdnow[c].to_numpy(float) for c in ("x", "t_x", "T"))
    fits = fits_from_many_starts(x, t_x, age)
    for opt in fits:
        assert opt.held == ()
        assert opt.log_params == pytest.approx(fits[0].log_params, abs=1e-6)
    assert np.exp(fits[0].log_params) == pytest.approx([0.243, 4.414, 0.793, 2.426], abs=5e-4)


def regular_shop() -> pd.DataFrame:
    """The shop of issue 14: 60 customers, about 400 orders over 20 months, all repeat buyers.

    Customer c first buys on day 8c, then again every 50-68 days (median gap 59)
    until the end of the 20 months (608 days): everybody buys at about the same
    rate and nobody leaves. Each customer has a typical order value of 20-80, and
    an order is within 20% of it, rounded to cents.
    """
    rng = np.random.default_rng(14)
    rows = []
    for c in range(60):
        day = 8.0 * c
        typical = rng.uniform(20, 80)
        while day < 608:
            rows.append((f"C{c:02d}", int(day), round(typical * rng.uniform(0.8, 1.2), 2)))
            day += rng.uniform(50, 68)
    orders = pd.DataFrame(rows, columns=["customer", "day", "amount"])
    orders["date"] = np.datetime64("2023-01-01") + orders["day"].to_numpy().astype("m8[D]")
    return orders


def shop_lines(orders: pd.DataFrame) -> str:
    rows = zip(orders["customer"], orders["date"], orders["amount"], strict=True)
    return "".join(f"{c},{d:%Y-%m-%d},{a:.2f}\n" for c, d, a in rows)


def test_the_shop_fixture_is_what_regular_shop_builds():
    """tests/fixtures/models/regular_shop.csv (read by the page test) comes from regular_shop()."""
    expected = "customer,date,amount\n" + shop_lines(regular_shop())
    assert (DATA / "regular_shop.csv").read_text() == expected


def test_a_small_regular_shop_gets_a_forecast():
    """Issue 14's file used to end in "could not find a sensible value for alpha".

    Every customer buys at the same steady rate, so r and alpha run off together
    (a gamma of rates with no spread) and a, b towards "nobody leaves". The limiting
    model is a Poisson process with one rate for everybody and nobody leaving,
    whose maximum likelihood rate is all repeat purchases over all ages,
    sum(x) / sum(T) (worked by hand from the summary below); the held fit must
    agree with it to 1%, and forecast 13 weeks as 60 customers times 13 weeks
    times that rate.
    """
    orders = regular_shop()
    gaps = orders.groupby("customer")["day"].diff().dropna()
    assert 380 <= len(orders) <= 420 and orders["customer"].nunique() == 60
    assert 57 <= gaps.median() <= 61
    s = summarize(orders["customer"], orders["date"], orders["amount"], unit="W")
    assert np.all(s.frequency > 0)  # every customer a repeat buyer
    model = bgnbd.fit(s.frequency, s.recency, s.age)
    assert model.rates_alike and model.no_dropout_seen
    rate = s.frequency.sum() / s.age.sum()
    assert model.r / model.alpha == pytest.approx(rate, rel=0.01)
    total = model.expected_total(13, s.frequency, s.recency, s.age)
    assert total.likely == pytest.approx(60 * 13 * rate, rel=0.01)
    assert total.low < total.likely < total.high


@pytest.mark.parametrize("t", [-1, float("nan"), "soon", [1, 2]])
def test_bad_forecast_window_raises_input_error(cdnow_fit, t):
    with pytest.raises(InputError, match="forecast window") as err:
        cdnow_fit.expected_purchases(t, [1], [1.0], [2.0])
    assert err.value.field == "t"


def test_bad_new_customer_window_raises_input_error(cdnow_fit):
    with pytest.raises(InputError, match="0 or more") as err:
        cdnow_fit.expected_purchases_new([-1.0, 2.0])
    assert err.value.field == "t"
