"""Shared fitting machinery: row compression, ranges, optimiser failures."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq
from scipy.special import betaln

from calc.errors import FitError
from calc.messages import Message
from calc.models import _fit


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from([0.0, 0.5, 1.5, 2.0])),
        min_size=1,
        max_size=40,
    )
)
def test_compress_groups_exactly_the_identical_rows(rows):
    a = np.array([r[0] for r in rows])
    b = np.array([r[1] for r in rows])
    inverse, first, counts = _fit.compress(a, b)
    assert np.array_equal(a[first][inverse], a)
    assert np.array_equal(b[first][inverse], b)
    assert len(set(zip(a[first], b[first], strict=True))) == first.size
    assert counts.sum() == len(rows)
    assert np.array_equal(np.bincount(inverse), counts)


def test_compress_renumbers_keys_that_would_overflow():
    """Three columns of 65,536 distinct values: 2**48 possible keys, renumbered on the way."""
    n = 2**16
    rng = np.random.default_rng(0)
    cols = [rng.permutation(n).astype(float) for _ in range(3)]
    cols[2][1] = cols[2][0]  # make rows 0 and 1 differ only in the first two columns
    inverse, first, _ = _fit.compress(*cols)
    assert first.size == n
    assert all(np.array_equal(c[first][inverse], c) for c in cols)


def test_ranges_on_the_log_and_logit_scales():
    r = _fit.to_range(2.0, 0.01)
    assert r.low == pytest.approx(2 * np.exp(-1.6449 * 0.1), rel=1e-4)
    assert r.high == pytest.approx(2 * np.exp(1.6449 * 0.1), rel=1e-4)
    share = _fit.to_range(np.array([0.0, 0.5, 1.0]), np.array([0.3, 0.3, 0.3]), link="logit")
    assert share.low[0] == share.high[0] == 0.0
    assert share.low[2] == share.high[2] == 1.0
    assert 0 < share.low[1] < 0.5 < share.high[1] < 1


def quadratic(z):
    """Minus a log-likelihood with its peak at log-parameters (1, 2)."""
    d = z - np.array([1.0, 2.0])
    return float(np.sum(d**2)), 2 * d


def test_maximise_finds_the_peak_and_its_curvature():
    opt = _fit.maximise(quadratic, np.zeros(2), names=("a", "b"), model="test", scale=1.0)
    assert opt.log_params == pytest.approx([1.0, 2.0], abs=1e-6)
    assert opt.covariance == pytest.approx(np.eye(2) / 2, abs=1e-6)


def test_a_peak_beyond_the_allowed_range_is_a_fit_error():
    """Well pinned down by the data, but beyond 1e7: even the penalty cannot hold it."""
    with pytest.raises(FitError, match=r"parameter b .* edge of what is allowed"):
        _fit.maximise(far, np.zeros(2), names=("a", "b"), model="test", scale=1.0)


def far(z):
    """Minus a log-likelihood with a sharp peak far beyond the allowed range for b."""
    d = z - np.array([1.0, 40.0])
    return 1000 * float(np.sum(d**2)), 2000 * d


def test_a_fit_error_names_the_model_in_each_language():
    """The model's name is a message of its own, worded to fit each language's sentence."""
    with pytest.raises(FitError) as err:
        _fit.maximise(
            far, np.zeros(2), names=("a", "b"), model=Message("models.fit.sbg"), scale=1.0
        )
    assert "The retention (sBG) model could not" in str(err.value)
    assert "Modellen for kundebevaring (sBG) fant" in err.value.text("nb")
    assert err.value.text("fi").startswith("Pysyvyysmalli (sBG) ei löytänyt")


def ridge(z):
    """Minus a log-likelihood that only knows a + b = 3 (log scale)."""
    s = z[0] + z[1] - 3
    return float(s**2), np.array([2 * s, 2 * s])


@pytest.mark.parametrize("method", ["Newton", "L-BFGS-B", "Nelder-Mead"])
@pytest.mark.parametrize("start", [(0.0, 0.0), (5.0, -4.0), (-6.0, 9.0), (12.0, 12.0)])
def test_parameters_that_trade_off_are_held_at_one_point_from_any_start(start, method):
    """A flat ridge: the weak penalty (centred at 0) picks the ridge point nearest to it.

    By symmetry a = b = u, where (2u - 3)**2 + 2 penalty(u) is least:
    8u - 12 + 2u / 1e4 + 2 (u / 9)**7 / 9 = 0, solved here with a bracketing
    root finder (u = 1.49996). The same from every start and with every search
    method: the verdict does not depend on where a search stops.
    """
    opt = _fit.maximise(
        ridge,
        np.array(start),
        names=("a", "b"),
        model="test",
        scale=1.0,
        centre=np.zeros(2),
        method=method,
    )
    assert opt.held == ("a", "b")
    u = brentq(lambda u: 8 * u - 12 + 2 * u / 1e4 + 2 * (u / 9) ** 7 / 9, 1, 2, xtol=1e-14)
    assert opt.log_params == pytest.approx([u, u], abs=1e-7)
    assert np.all(np.isfinite(opt.covariance))


def test_the_penalty_by_hand():
    """sum(d**2 / (2 * 100**2) + (d / 9)**8 / 8) and its gradient d / 1e4 + (d / 9)**7 / 9."""
    value, grad = _fit.penalty(np.array([0.0, -9.0, 18.0]))
    assert value == pytest.approx(81 / 2e4 + 324 / 2e4 + 1 / 8 + 256 / 8, abs=1e-12)
    assert grad == pytest.approx([0.0, -9e-4 - 1 / 9, 18e-4 + 128 / 9], abs=1e-12)


def test_a_search_that_does_not_settle_is_a_fit_error():
    """A 'likelihood' whose gradient never fits its values: no step goes downhill."""

    def lying(z):
        return 1.0, np.ones(2)

    with pytest.raises(FitError, match="did not settle"):
        _fit.maximise(lying, np.zeros(2), names=("a", "b"), model="test", scale=1.0)


def test_a_likelihood_undefined_everywhere_is_a_fit_error():
    def undefined(z):
        return float("nan"), np.zeros(2)

    with pytest.raises(FitError, match="did not settle"):
        _fit.maximise(undefined, np.zeros(2), names=("a", "b"), model="test", scale=1.0)


def _survival_12(log_params):
    """Share still active after 12 periods under sBG (ratio of beta functions)."""
    a, b = np.exp(log_params)
    return np.exp(betaln(a, b + 12) - betaln(a, b))


# An sBG fit where customers are all alike (a 3% monthly churn for everyone):
# alpha and beta are huge, only their ratio is pinned down, and the parameter
# uncertainty runs along the line alpha / beta = constant. Numbers from fitting
# the subscriptions sample's 24 monthly cohorts.
ALIKE = np.log([76113.19274322307, 2475089.413911163])
ALIKE_COVARIANCE = np.array(
    [[518.3691471366249, 518.3843552650477], [518.3843552650477, 518.409108152453]]
)


def test_gradients_stay_accurate_for_large_parameters():
    """Scaling alpha and beta together leaves survival (nearly) unchanged: slope ~0."""
    _, grads = _fit.log_gradients(_survival_12, ALIKE, link="logit")
    assert grads[0] == pytest.approx(-1.1749, abs=5e-4)
    assert grads[0] + grads[1] == pytest.approx(0.0, abs=1e-3)


def test_range_of_a_homogeneous_cohort_is_as_narrow_as_its_churn_allows():
    """S(12) = 0.695; the range matches the binomial precision of a 3% churn on 400 customers.

    About 100 of the 400 left, so the monthly churn is known to roughly +-0.3 points and
    S(12) = (1 - churn) ** 12 to roughly +-0.04 (90%); 2% gradient errors made it 0.47-0.85.
    """
    value, grads = _fit.log_gradients(_survival_12, ALIKE, link="logit")
    variance = _fit.quadratic_form(grads[:, None], ALIKE_COVARIANCE)[0]
    r = _fit.to_range(float(value), variance, link="logit")
    assert r.likely == pytest.approx(0.695, abs=5e-4)
    assert 0.64 < r.low < 0.67 and 0.72 < r.high < 0.75
