"""Gamma-Gamma spend model: CDNOW reproduction, recovery, identities, failures."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from calc.errors import DataError, FitError
from calc.models import gamma_gamma

DATA = Path(__file__).parent / "fixtures" / "models"


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return pd.read_csv(DATA / "cdnow_sample_summary.csv")


def test_fader_hardie_2013_cdnow_parameters(cdnow):
    """Fader & Hardie (2013), "The Gamma-Gamma model of monetary value", CDNOW.

    946 repeat buyers: p = 6.25, q = 3.74, gamma = 15.44 (two decimals,
    abs = 5e-3). The mean repeat order value is ``repeat_spend / x``, the
    unrounded mean the note works from.
    """
    x = cdnow["x"].to_numpy(float)
    mean = np.where(x > 0, cdnow["repeat_spend"] / np.maximum(x, 1), 0.0)
    model = gamma_gamma.fit(x, mean)
    assert model.n_customers == 946
    assert model.p == pytest.approx(6.25, abs=5e-3)
    assert model.q == pytest.approx(3.74, abs=5e-3)
    assert model.gamma == pytest.approx(15.44, abs=5e-3)


def test_cdnow_with_the_rounded_zbar_column(cdnow):
    """The file's ``zbar`` is rounded to cents; on it gamma comes out 15.448, not 15.44.

    p and q still match the note at two decimals; gamma moves by 0.004, so
    the published 15.44 is reproduced from the unrounded means above.
    """
    model = gamma_gamma.fit(cdnow["x"], cdnow["zbar"])
    assert model.p == pytest.approx(6.25, abs=5e-3)
    assert model.q == pytest.approx(3.74, abs=5e-3)
    assert model.gamma == pytest.approx(15.448, abs=5e-4)
    assert model.frequency_value_correlation == pytest.approx(0.11, abs=0.005)


def test_example_model_matches_the_fit(cdnow):
    x = cdnow["x"].to_numpy(float)
    mean = np.where(x > 0, cdnow["repeat_spend"] / np.maximum(x, 1), 0.0)
    fitted = gamma_gamma.fit(x, mean)
    example = gamma_gamma._cdnow()
    assert example.log_params == pytest.approx(fitted.log_params, abs=1e-6)
    assert example.covariance == pytest.approx(fitted.covariance, rel=0.01, abs=1e-5)
    assert example.log_likelihood == pytest.approx(fitted.log_likelihood, abs=1e-3)


def test_parameter_recovery_on_simulated_buyers():
    """50,000 simulated repeat buyers: the truth lies within 3 standard errors."""
    x = np.random.default_rng(7).integers(1, 10, 50_000).astype(float)
    model = gamma_gamma.fit(x, gamma_gamma.simulate(x, 6.0, 4.0, 15.0, seed=8))
    se = np.sqrt(np.diag(model.covariance))
    assert np.all(np.abs(model.log_params - np.log([6.0, 4.0, 15.0])) < 3 * se)


def test_expected_value_is_a_weighted_mean_of_own_and_population_mean():
    """E(M | x, m) = w m + (1 - w) population mean, w = p x / (p x + q - 1)."""
    model = gamma_gamma._cdnow()
    x = np.array([1.0, 2.0, 5.0, 20.0])
    m = np.array([10.0, 50.0, 30.0, 12.0])
    w = model.p * x / (model.p * x + model.q - 1)
    expected = w * m + (1 - w) * model.population_mean_value
    assert model.expected_mean_value(x, m) == pytest.approx(expected, rel=1e-12)
    # more repeat orders: closer to the customer's own mean
    many = model.expected_mean_value([1, 10, 100], [10.0, 10.0, 10.0])
    assert np.all(np.diff(np.abs(many - 10.0)) < 0)


def test_customers_without_repeat_purchases_get_the_population_mean():
    model = gamma_gamma._cdnow()
    values = model.expected_mean_value([0, 0], [0.0, 99.0])
    assert values == pytest.approx([model.population_mean_value] * 2)


def test_fit_leaves_out_customers_without_repeat_purchases(cdnow):
    repeat = cdnow[cdnow["x"] > 0]
    assert gamma_gamma.fit(cdnow["x"], cdnow["zbar"]).log_params == pytest.approx(
        gamma_gamma.fit(repeat["x"], repeat["zbar"]).log_params, abs=1e-9
    )


def test_ranges_bracket_the_expected_value():
    rng = gamma_gamma._cdnow().expected_mean_value_range([0, 2, 30], [0.0, 10.0, 40.0])
    assert np.all(rng.low < rng.likely) and np.all(rng.likely < rng.high)


@pytest.mark.parametrize(
    ("frequency", "mean_value", "column", "match"),
    [
        ([1, 2], [10.0, -3.0], "mean_value", "Mean order value must be a number of 0 or more"),
        ([1, -2], [10.0, 3.0], "frequency", "Frequency must be a number of 0 or more"),
        ([1, 2], [10.0, float("nan")], "mean_value", "0 or more"),
        ([1, 2.5], [10.0, 3.0], "frequency", "whole number"),
        ([1, 2], [10.0, 0.0], "mean_value", "above 0"),
    ],
)
def test_bad_values_raise_data_error(frequency, mean_value, column, match):
    with pytest.raises(DataError, match=match) as err:
        gamma_gamma.fit(frequency, mean_value)
    assert err.value.column == column
    assert list(err.value.rows) == [2]


def test_bad_shapes_raise_data_error():
    with pytest.raises(DataError, match="one value per customer each"):
        gamma_gamma.fit([1, 2], [3.0])
    with pytest.raises(DataError, match="must be a number") as err:
        gamma_gamma.fit([1], ["x"])
    assert err.value.column == "mean_value"
    with pytest.raises(DataError, match="one value per customer"):
        gamma_gamma.fit([[1]], [[3.0]])


def test_no_repeat_buyers_raise_fit_error():
    with pytest.raises(FitError, match="no repeat spend to learn from"):
        gamma_gamma.fit([0, 0, 0], [0.0, 0.0, 0.0])


def test_too_few_repeat_buyers_raise_fit_error():
    with pytest.raises(FitError, match="at least 10 customers with a repeat purchase; got 3"):
        gamma_gamma.fit([1, 2, 3, 0], [5.0, 6.0, 7.0, 0.0])


def test_identical_order_values_raise_fit_error():
    with pytest.raises(FitError, match="same mean order value"):
        gamma_gamma.fit(np.arange(1, 31), np.full(30, 25.0))


def test_unbounded_average_spend_raises_fit_error():
    """q <= 1: order values so spread out that their average does not exist."""
    x = np.random.default_rng(0).integers(1, 5, 2000).astype(float)
    with pytest.raises(FitError, match="average order value is unbounded"):
        gamma_gamma.fit(x, gamma_gamma.simulate(x, p=1.0, q=0.7, gamma=1.0, seed=3))


def test_no_variation_between_customers_is_held_near_the_shop_average():
    """Twelve buyers with no visible spread between customers: q and gamma run off.

    They are held near the limit (every customer's typical order value the same),
    so each customer's expected order value is close to the average of all
    repeat orders, sum(x m) / sum(x) = 430 / 27 = 15.93 here (by hand), whatever their own mean.
    """
    x = np.array([1, 2, 3, 1, 4, 2, 1, 5, 2, 3, 1, 2], dtype=float)
    m = np.array([10, 14, 12, 30, 11, 25, 8, 16, 9, 20, 40, 13], dtype=float)
    model = gamma_gamma.fit(x, m)
    assert set(model.held) >= {"q", "gamma"} and model.values_alike
    average = np.sum(x * m) / np.sum(x)
    assert average == pytest.approx(15.93, abs=5e-3)
    assert model.expected_mean_value([1, 5], [40.0, 8.0]) == pytest.approx([average] * 2, rel=0.05)
