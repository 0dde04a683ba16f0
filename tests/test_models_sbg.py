"""sBG retention model: Fader & Hardie (2007) reproduction, identities, failures."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calc.errors import DataError, FitError, InputError
from calc.models import _fit, sbg

DATA = Path(__file__).parent / "fixtures" / "models"


@pytest.fixture(scope="module")
def cohorts() -> pd.DataFrame:
    return pd.read_csv(DATA / "sbg_survival_fader_hardie_2007.csv")


@pytest.mark.parametrize(
    ("segment", "alpha", "beta"), [("regular", 0.704, 1.182), ("high_end", 0.668, 3.806)]
)
def test_fader_hardie_2007_parameters(cohorts, segment, alpha, beta):
    """Fader & Hardie (2007), "How to project customer retention": sBG fitted to years 0-7.

    Published: Regular alpha = 0.704, beta = 1.182; High End alpha = 0.668,
    beta = 3.806 (three decimals, so abs = 5e-4).
    """
    model = sbg.fit(cohorts[segment][:8])
    assert model.alpha == pytest.approx(alpha, abs=5e-4)
    assert model.beta == pytest.approx(beta, abs=5e-4)
    assert model.n_customers == 1000
    assert model.periods == 7


@pytest.mark.parametrize(
    ("segment", "alpha", "beta", "errors"),
    [
        ("regular", 0.704, 1.182, [-1.3, -1.3, -1.4, -1.7, -1.7]),
        ("high_end", 0.668, 3.806, [-1.6, -2.1, -3.0, -3.4, -4.1]),
    ],
)
def test_fader_hardie_2007_projection_years_8_to_12(cohorts, segment, alpha, beta, errors):
    """Fader & Hardie (2007): fit on years 0-7, project years 8-12, compare with the actuals.

    The projection of the published parameters (alpha, beta above) against
    the actual survivors in the file, in percent of the actual:
    Regular -1.3, -1.3, -1.4, -1.7, -1.7 (years 8-12); High End -1.6, -2.1,
    -3.0, -3.4, -4.1. The paper shows this comparison as a chart of actual
    versus projected survival, under-projecting both segments slightly; we
    could not check a printed error figure, so these percentages are the
    ones the published parameters give, computed here. Our fit must project
    the same survival as the published parameters (to 0.05 percentage
    points: they are printed to 3 decimals), every actual must lie inside our
    90% range, and the errors must be those above (to 0.05 points).
    """
    model = sbg.fit(cohorts[segment][:8])
    projection = model.project(12).set_index("period")
    years = np.arange(8, 13)
    published = sbg._survival(alpha, beta, years)
    assert projection.loc[8:, "survival"].to_numpy() == pytest.approx(published, abs=5e-4)
    actual = cohorts[segment].to_numpy()[8:13]
    error = (projection.loc[8:, "active"].to_numpy() - actual) / actual * 100
    assert error == pytest.approx(errors, abs=0.05)
    assert np.all(projection.loc[8:, "active_low"].to_numpy() < actual)
    assert np.all(actual < projection.loc[8:, "active_high"].to_numpy())


def test_fitted_curve_follows_the_observed_years(cohorts):
    """Years 1-7 are fitted within 2 percentage points of the observed survival."""
    model = sbg.fit(cohorts["high_end"][:8])
    observed = cohorts["high_end"].to_numpy()[:8] / 1000
    assert model.survival(np.arange(8)) == pytest.approx(observed, abs=0.02)


def test_derl_equals_the_discounted_sum_of_survival():
    """Fader & Hardie (2010): DERL = sum over t >= n of S(t) / S(n - 1) / (1 + d) ** (t - n)."""
    model = sbg._example()
    for renewals in (0, 1, 4, 10):
        n = renewals + 1
        t = np.arange(n, n + 4000)
        brute = np.sum(model.survival(t) / model.survival(n - 1) / 1.1 ** (t - n))
        assert model.derl(0.10, renewals) == pytest.approx(brute, rel=1e-10)


def test_del_is_one_payment_now_plus_the_discounted_residual():
    model = sbg._example()
    assert model.del_(0.10) == pytest.approx(1 + model.derl(0.10, 0) / 1.10, rel=1e-12)


def test_zero_discount_equals_undiscounted_lifetime():
    """With alpha > 1 the lifetime is finite, and 0% discount gives the plain expectation."""
    model = sbg.SBGModel(2.5, 4.0, 0.0, 100, 5, np.eye(2) * 1e-3)
    assert model.del_(0.0) == pytest.approx(model.expected_lifetime(), rel=1e-12)
    assert model.del_(0.0) == pytest.approx(model.expected_lifetime(horizon=100_000), rel=1e-3)
    t = np.arange(3, 200_000)
    brute = np.sum(model.survival(t) / model.survival(2))
    assert model.derl(0.0, renewals=2) == pytest.approx(brute, rel=1e-3)
    assert model.derl(1e-9, renewals=2) == pytest.approx(model.derl(0.0, renewals=2), rel=1e-6)


def test_expected_lifetime_within_a_horizon_sums_survival():
    model = sbg._example()
    assert model.expected_lifetime(horizon=12) == pytest.approx(
        np.sum(model.survival(np.arange(12))), rel=1e-12
    )
    assert model.expected_lifetime(horizon=1) == 1.0
    rng = model.expected_lifetime_range(12)
    assert rng.low < rng.likely < rng.high
    assert rng.likely == pytest.approx(model.expected_lifetime(horizon=12))


@settings(max_examples=60, deadline=None)
@given(
    alpha=st.floats(0.05, 50.0),
    beta=st.floats(0.05, 50.0),
    rate=st.floats(0.01, 0.5),
)
def test_identities_hold_for_any_parameters(alpha, beta, rate):
    """Survival never increases, retention never falls, more discount means less value."""
    model = sbg.SBGModel(alpha, beta, 0.0, 100, 5, np.eye(2) * 1e-3)
    survival = model.survival(np.arange(30))
    assert survival[0] == pytest.approx(1.0)
    assert np.all(np.diff(survival) <= 1e-15)
    retention = model.retention(np.arange(1, 30))
    assert np.all(np.diff(retention) >= -1e-15)
    assert np.all((retention > 0) & (retention < 1))
    assert model.derl(rate, 3) >= model.derl(rate * 2, 3)
    assert model.derl(rate, 3) > 0
    assert model.del_(rate) >= 1


def test_retention_is_survival_ratio():
    model = sbg._example()
    t = np.arange(1, 15)
    assert model.retention(t) == pytest.approx(model.survival(t) / model.survival(t - 1))


def test_projection_ranges_are_ordered_and_consistent():
    model = sbg._example()
    p = model.project(20)
    assert list(p["period"]) == list(range(21))
    assert (p["survival_low"] <= p["survival"]).all()
    assert (p["survival"] <= p["survival_high"]).all()
    assert (p["survival_high"] <= 1).all()
    assert (p["retention_low"] <= p["retention"]).all()
    assert (p["retention"] <= p["retention_high"]).all()
    assert p["active"].to_numpy() == pytest.approx(p["survival"].to_numpy() * 1000)
    assert p.loc[0, "survival_low"] == p.loc[0, "survival_high"] == 1.0
    assert p.loc[0, "retention"] == 0.0


def test_derl_range_brackets_the_value():
    model = sbg._example()
    rng = model.derl_range(0.10, renewals=2)
    assert rng.low < model.derl(0.10, 2) == rng.likely < rng.high


def test_fit_accepts_a_list_series_or_array_and_near_homogeneous_cohorts():
    counts = [1000, 500, 250, 125, 62, 31]
    model = sbg.fit(pd.Series(counts))
    # no visible heterogeneity: the model reduces to a constant 50% churn
    assert model.retention(5) == pytest.approx(0.5, abs=0.01)


@pytest.mark.parametrize(
    ("active", "rows", "match"),
    [
        ([1000, -5, 3], [2], "whole numbers of 0 or more"),
        ([1000, 63.1, 50], [2], "multiply them by the cohort size"),
        ([1000, float("nan"), 50], [2], "whole numbers"),
        ([1000, 800, 900, 700], [3], "can only stay level or fall"),
        ([0, 0, 0], [1], "must be above 0"),
    ],
)
def test_bad_counts_raise_data_error(active, rows, match):
    with pytest.raises(DataError, match=match) as err:
        sbg.fit(active)
    assert err.value.column == "active"
    assert list(err.value.rows) == rows


def test_counts_that_are_not_numbers_or_not_a_list():
    with pytest.raises(DataError, match="must be numbers"):
        sbg.fit(["a", "b", "c"])
    with pytest.raises(DataError, match="must be numbers"):
        sbg.fit([[1000, 900, 800], ["a", "b"]])
    with pytest.raises(DataError, match="one list per cohort"):
        sbg.fit(np.ones((2, 2, 2)))


def test_cohorts_of_different_lengths_pool_into_one_fit():
    """A cohort table: one row per starting year, NaN where a cohort has no data yet."""
    table = pd.DataFrame(
        [
            [1000, 869, 743, 653, 593],
            [1000, 870, 750, np.nan, np.nan],
            [1000, 860, np.nan, np.nan, np.nan],
            [500, np.nan, np.nan, np.nan, np.nan],  # started this period: no information
            [np.nan] * 5,  # an empty row
        ]
    )
    pooled = sbg.fit(table)
    ragged = sbg.fit([[1000, 869, 743, 653, 593], [1000, 870, 750], [1000, 860], [500]])
    assert (pooled.alpha, pooled.beta) == pytest.approx((ragged.alpha, ragged.beta))
    assert pooled.n_customers == 3500
    assert pooled.periods == 4
    # one cohort given as a table row is the single-cohort fit
    single = sbg.fit([[1000, 869, 743, 653, 593, 551, 517, 491]])
    assert (single.alpha, single.beta) == pytest.approx((0.668, 3.806), abs=5e-4)


def test_pooled_likelihood_is_the_sum_over_cohorts():
    a = sbg.fit([1000, 869, 743, 653, 593])
    both = sbg.fit([[1000, 869, 743, 653, 593], [1000, 869, 743, 653, 593]])
    assert both.log_likelihood == pytest.approx(2 * a.log_likelihood, rel=1e-9)
    assert (both.alpha, both.beta) == pytest.approx((a.alpha, a.beta), rel=1e-4)


@pytest.mark.parametrize(
    ("table", "rows", "match"),
    [
        ([[1000, 900, 800], [500, 520, 400]], [2], "count in cohort 2 rises at period 1"),
        ([[1000, 900, 800], [500, -1]], [2], "in cohort 2 \\(period 1\\)"),
        ([[1000, 900, 800], [0, 0]], [2], "start\\) in cohort 2 must be above 0"),
        ([[1000, np.nan, 800]], [1], "in cohort 1 \\(period 1\\)"),
    ],
)
def test_bad_cohort_rows_name_the_cohort(table, rows, match):
    with pytest.raises(DataError, match=match) as err:
        sbg.fit(table)
    assert err.value.column == "active"
    assert list(err.value.rows) == rows


@pytest.mark.parametrize(
    ("active", "match"),
    [
        ([1000, 900], "at least two later periods"),
        ([[1000, 900], [800, 700]], "the longest cohort has 2"),
        ([1000, 1000, 1000, 1000], "No customer left"),
        ([1000, 0, 0, 0], "Every customer left after the first period"),
    ],
)
def test_degenerate_cohorts_raise_fit_error(active, match):
    with pytest.raises(FitError, match=match):
        sbg.fit(active)


@pytest.mark.parametrize(
    ("call", "field", "match"),
    [
        (lambda m: m.derl(-0.1), "discount_rate", "0 or more"),
        (lambda m: m.derl(float("nan")), "discount_rate", "0 or more"),
        (lambda m: m.derl(0.0), "discount_rate", "above 0%"),
        (lambda m: m.del_(0.0), "discount_rate", "above 0%"),
        (lambda m: m.derl(0.1, renewals=-1), "renewals", "whole number"),
        (lambda m: m.derl(0.1, renewals=1.5), "renewals", "whole number"),
        (lambda m: m.expected_lifetime(), "horizon", "Set a horizon"),
        (lambda m: m.expected_lifetime(horizon=0), "horizon", "at least 1"),
        (lambda m: m.expected_lifetime_range(0), "horizon", "at least 1"),
        (lambda m: m.retention(0), "t", "from period 1"),
        (lambda m: m.survival(-1), "t", "0 or more"),
        (lambda m: m.project(0), "periods", "at least 1"),
    ],
)
def test_bad_inputs_raise_input_error_with_field(call, field, match):
    model = sbg._example()  # alpha = 0.668 <= 1: unbounded mean lifetime
    with pytest.raises(InputError, match=match) as err:
        call(model)
    assert err.value.field == field


@pytest.mark.parametrize("method", ["Newton", "L-BFGS-B", "Nelder-Mead"])
@pytest.mark.parametrize("start", [(0.0, 0.0), (3.0, -2.0), (-4.0, 6.0), (10.0, 12.0)])
def test_a_constant_churn_is_held_at_the_same_point_from_any_start(start, method):
    """10% of the cohort leave every period: no sign that subscribers differ.

    alpha and beta run off together (the limit is a constant churn); the old fit
    raised "cannot tell" on one machine and returned a model on another. Now both
    are held near the limit, named, and the same from every start and method.
    The limit's churn is the share who left of the subscriber-periods at risk:
    469 / (1000 + 900 + 810 + 729 + 656 + 590) = 0.1001 (by hand); the held fit
    stays within 1% of it over the data and 3% two years on.
    """
    active = [1000, 900, 810, 729, 656, 590, 531]
    model = sbg.fit(active)
    assert model.held == ("alpha", "beta") and model.churn_alike
    assert 1 - model.retention(1) == pytest.approx(469 / 4685, rel=0.01)
    assert 1 - model.retention(24) == pytest.approx(469 / 4685, rel=0.03)  # nearly flat
    neg_ll, starting, _ = sbg._problem(sbg._check_active(active))
    opt = _fit.maximise(
        neg_ll,
        np.array(start),
        names=("alpha", "beta"),
        model="t",
        scale=starting,
        centre=np.zeros(2),
        method=method,
    )
    assert opt.held == model.held
    assert opt.log_params == pytest.approx(np.log([model.alpha, model.beta]), abs=1e-6)
