"""Spend per order: the Gamma-Gamma model.

Each customer has their own typical order value; a single order varies
around it (gamma distributed with shape ``p``), and the typical values vary
across customers (their scale follows a gamma distribution with shape ``q``
and rate ``gamma``). A customer's expected order value is a weighted average
of their own mean repeat order value and the average of all customers: the
more repeat orders they have, the more their own mean counts.

The model assumes that how much a customer spends per order does not depend
on how often they buy; :attr:`GammaGammaModel.frequency_value_correlation`
reports the correlation seen in the data (near 0 is what the model expects).

Money is in whatever currency the inputs use, before or after costs as given.

References
----------
Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005), "RFM and CLV: using
iso-value curves for customer base analysis", Journal of Marketing Research
42(4), 415-430 (the spend model).

Fader, P. S. and Hardie, B. G. S. (2013), "The Gamma-Gamma model of monetary
value" (note): likelihood, E(M | p, q, gamma, m_x, x), and the CDNOW estimates
p = 6.25, q = 3.74, gamma = 15.44 on the 946 repeat buyers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import digamma, gammaln

from calc.errors import DataError, FitError
from calc.messages import Message
from calc.models._fit import (
    RANGE_LEVEL,
    Range,
    log_gradients,
    maximise,
    quadratic_form,
    to_range,
)

#: Fewest repeat buyers the model is fitted to.
MIN_REPEAT_BUYERS = 10
#: Largest ``q`` taken as a plain maximum likelihood fit. The customers' mean
#: order values vary with a coefficient of variation of 1/sqrt(q) (0.01 at
#: 10,000): beyond it the data show no spread between customers. Such data are
#: now recognised by the likelihood's shape (see :mod:`calc.models._fit`) and
#: ``q`` is held near that limit; this bound is the last safety net. ``q`` has
#: no unit, so this holds in any currency.
MAX_Q = 1e4

#: The columns the model reads, as messages name them.
_LABELS = {
    "frequency": Message("models.fields.frequency"),
    "mean_value": Message("models.fields.mean_value"),
}


@dataclass(frozen=True)
class GammaGammaModel:
    """A fitted Gamma-Gamma model of spend per order.

    Attributes
    ----------
    p : float
        Shape of the variation of one customer's orders around their typical value.
    q, gamma : float
        Shape and rate of the distribution of customers' typical values.
    log_likelihood : float
        Maximised log-likelihood.
    n_customers : int
        Repeat buyers the model was fitted to.
    frequency_value_correlation : float
        Pearson correlation of repeat purchases and mean repeat order value
        among those buyers; the model assumes it is near 0.
    covariance : ndarray
        Covariance of ``log(p, q, gamma)``, for the ranges.
    held : tuple of str
        Parameters the data could not fix, held by the weak penalty of
        :mod:`calc.models._fit`; ``q`` and ``gamma`` held high: customers'
        typical order values show no spread, and every customer's expected
        order value is close to the shop's average (:attr:`values_alike`).
    """

    p: float
    q: float
    gamma: float
    log_likelihood: float
    n_customers: int
    frequency_value_correlation: float
    covariance: np.ndarray = field(repr=False)
    held: tuple[str, ...] = ()

    @property
    def values_alike(self) -> bool:
        """The data show no spread of typical order values between customers.

        Examples
        --------
        >>> _cdnow().values_alike
        False
        """
        return bool(self.held)

    @property
    def log_params(self) -> np.ndarray:
        """``log(p, q, gamma)``, the scale the fit and the ranges work on.

        Examples
        --------
        >>> _cdnow().log_params.round(3).tolist()
        [1.833, 1.32, 2.737]
        """
        return np.log([self.p, self.q, self.gamma])

    @property
    def population_mean_value(self) -> float:
        """Average order value across customers, ``p * gamma / (q - 1)``.

        Examples
        --------
        >>> round(_cdnow().population_mean_value, 2)
        35.17
        """
        return self.p * self.gamma / (self.q - 1)

    def expected_mean_value(self, frequency, mean_value) -> np.ndarray:
        """Expected value of each customer's future orders.

        Parameters
        ----------
        frequency : array-like of int
            Repeat purchases, 0 or more.
        mean_value : array-like of float
            Mean value of the repeat orders (first order excluded); ignored
            where ``frequency`` is 0.

        Returns
        -------
        ndarray
            Expected value per order, in the input's currency.

        Notes
        -----
        ``E(M | x, m) = (p (gamma + x m)) / (p x + q - 1)``: a weighted mean of
        the population mean ``p gamma / (q - 1)`` and the customer's own mean
        ``m`` with weight ``p x / (p x + q - 1)``. With ``x = 0`` it is the
        population mean.

        Examples
        --------
        With the CDNOW estimates, a customer with 2 repeat orders averaging
        $10.00 should expect $14.53 per order, one without repeat orders $35.17:

        >>> _cdnow().expected_mean_value([2, 0], [10.0, 0.0]).round(2).tolist()
        [14.53, 35.17]
        """
        x, m = _check(frequency, mean_value)
        return _expected(x, m, self.p, self.q, self.gamma)

    def expected_mean_value_range(self, frequency, mean_value) -> Range:
        """:meth:`expected_mean_value` as low / likely / high (90% of parameter uncertainty).

        Examples
        --------
        >>> rng = _cdnow().expected_mean_value_range([2], [10.0])
        >>> bool(rng.low[0] < 14.53 < rng.high[0])
        True
        """
        x, m = _check(frequency, mean_value)
        value, grads = log_gradients(lambda z: _expected(x, m, *np.exp(z)), self.log_params)
        return to_range(value, quadratic_form(grads, self.covariance), level=RANGE_LEVEL)


def fit(frequency, mean_value) -> GammaGammaModel:
    """Fit the Gamma-Gamma model to repeat buyers' order values.

    Parameters
    ----------
    frequency : array-like of int
        Repeat purchases per customer, 0 or more. Customers with 0 have no
        repeat order value and are left out of the fit.
    mean_value : array-like of float
        Mean value of each customer's repeat orders, above 0 where frequency
        is above 0.

    Returns
    -------
    GammaGammaModel
        Fitted ``p``, ``q``, ``gamma`` and the log-likelihood.

    Raises
    ------
    DataError
        Inputs of different lengths, missing or negative values, or a repeat
        buyer with a mean order value of 0 or less.
    FitError
        Fewer than 10 repeat buyers, a likelihood undefined where the search
        goes, or ``q <= 1`` (order values so spread out that their average is
        unbounded). No visible spread between customers is no error: ``q``
        and ``gamma`` are held near that limit and named in
        :attr:`GammaGammaModel.held`.

    Notes
    -----
    Log-likelihood of a customer with ``x`` repeat orders of mean ``m``::

        ln G(p x + q) - ln G(p x) - ln G(q) + q ln gamma + (p x - 1) ln m
        + p x ln x - (p x + q) ln(gamma + x m)

    Everything that depends on ``x`` alone is computed once per distinct
    ``x``; maximised over the log-parameters as :mod:`calc.models._fit`
    describes.

    Examples
    --------
    5,000 simulated repeat buyers, true p = 6, q = 4, gamma = 15 (the CDNOW
    reproduction is in ``tests/test_models_gamma_gamma.py``):

    >>> x = np.random.default_rng(0).integers(1, 8, 5000).astype(float)
    >>> m = fit(x, simulate(x, seed=1))
    >>> [round(v, 1) for v in (m.p, m.q, m.gamma)]
    [5.7, 3.9, 15.7]
    """
    x, m = _check(frequency, mean_value)
    repeat = x > 0
    bad = np.flatnonzero(repeat & (m <= 0))
    if bad.size:
        raise DataError(
            "models.gamma_gamma.mean_value_not_positive",
            column="mean_value",
            rows=(bad[:20] + 1).tolist(),
            example=repr(float(m[bad[0]])),
        )
    x, m = x[repeat], m[repeat]
    n = x.size
    if n == 0:
        raise FitError("models.gamma_gamma.no_repeat_buyers")
    if n < MIN_REPEAT_BUYERS:
        raise FitError(
            "models.gamma_gamma.too_few_repeat_buyers", minimum=MIN_REPEAT_BUYERS, count=n
        )
    if np.all(m == m[0]):
        raise FitError("models.gamma_gamma.same_mean_value")
    corr = float(np.corrcoef(x, m)[0, 1]) if np.ptp(x) > 0 else 0.0
    xcode, xvals = pd.factorize(x, sort=False)
    xvals = np.asarray(xvals, dtype=float)
    nx = np.bincount(xcode, minlength=len(xvals)).astype(float)
    xm = x * m
    const = np.sum(x * np.log(m)) + np.sum(x * np.log(x))
    sum_log_m = np.sum(np.log(m))

    def neg_ll(z: np.ndarray) -> tuple[float, np.ndarray]:
        p, q, g = np.exp(z)
        px = p * xvals
        log_g_xm = np.log(g + xm)
        inv_g_xm = 1.0 / (g + xm)
        ll = (
            np.sum(nx * (gammaln(px + q) - gammaln(px) - gammaln(q)))
            + n * q * np.log(g)
            + p * const
            - sum_log_m
            - p * np.sum(x * log_g_xm)
            - q * np.sum(log_g_xm)
        )
        dpq = digamma(px + q)
        g_p = np.sum(nx * xvals * (dpq - digamma(px))) + const - np.sum(x * log_g_xm)
        g_q = np.sum(nx * (dpq - digamma(q))) + n * np.log(g) - np.sum(log_g_xm)
        g_g = n * q / g - p * np.sum(x * inv_g_xm) - q * np.sum(inv_g_xm)
        return -ll, -np.array([g_p * p, g_q * q, g_g * g])

    start = np.log([1.0, 2.0, max(float(np.mean(m)), 1e-3)])
    opt = maximise(
        neg_ll, start, names=("p", "q", "gamma"), model=Message("models.fit.gamma_gamma"), scale=n
    )
    p, q, g = np.exp(opt.log_params)
    if q > MAX_Q and not opt.held:
        raise FitError(
            "models.fit.boundary", model=Message("models.fit.gamma_gamma"), name="q", value=float(q)
        )
    if q <= 1:
        raise FitError("models.gamma_gamma.unbounded")
    return GammaGammaModel(
        p=float(p),
        q=float(q),
        gamma=float(g),
        log_likelihood=float(opt.log_likelihood),
        n_customers=int(n),
        frequency_value_correlation=corr,
        covariance=opt.covariance,
        held=opt.held,
    )


def simulate(
    frequency, p: float = 6.0, q: float = 4.0, gamma: float = 15.0, *, seed: int = 0
) -> np.ndarray:
    """Simulate mean repeat order values of customers who follow the Gamma-Gamma story.

    For tests and benchmarks: spend with known parameters.

    Parameters
    ----------
    frequency : array-like of int
        Repeat purchases per customer, 0 or more.
    p, q, gamma : float
        True parameters.
    seed : int
        Seed of the random generator.

    Returns
    -------
    ndarray
        Mean repeat order value per customer; 0 where frequency is 0.

    Notes
    -----
    Per customer ``nu ~ Gamma(q, rate gamma)``; the mean of ``x`` orders, each
    ``Gamma(p, rate nu)``, is ``Gamma(p x, rate nu x)``.

    Examples
    --------
    >>> simulate([0, 3], seed=1)[0]
    np.float64(0.0)
    """
    x = np.asarray(frequency, dtype=float)
    rng = np.random.default_rng(seed)
    nu = rng.gamma(q, 1.0 / gamma, x.size)
    shape = np.maximum(p * x, 1e-12)
    total = rng.gamma(shape, 1.0)
    return np.where(x > 0, total / (nu * np.maximum(x, 1.0)), 0.0)


def _expected(x, m, p, q, g):
    return p * (g + x * m) / (p * x + q - 1)


def _check(frequency, mean_value) -> tuple[np.ndarray, np.ndarray]:
    arrays = []
    for name, values in (("frequency", frequency), ("mean_value", mean_value)):
        try:
            arr = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise DataError("models.data.not_number", column=name, label=_LABELS[name]) from None
        if arr.ndim != 1:
            raise DataError("models.data.not_one_per_customer", column=name, label=_LABELS[name])
        arrays.append(arr)
    x, m = arrays
    if x.size != m.size:
        raise DataError("models.gamma_gamma.lengths_differ", frequency=x.size, mean_value=m.size)
    for name, arr in (("frequency", x), ("mean_value", m)):
        bad = np.flatnonzero(~np.isfinite(arr) | (arr < 0))
        if bad.size:
            raise DataError(
                "models.data.negative",
                label=_LABELS[name],
                column=name,
                rows=(bad[:20] + 1).tolist(),
                example=repr(float(arr[bad[0]])),
            )
    bad = np.flatnonzero(x != np.round(x))
    if bad.size:
        raise DataError(
            "models.data.not_whole",
            column="frequency",
            rows=(bad[:20] + 1).tolist(),
            example=repr(float(x[bad[0]])),
        )
    return x, m


def _cdnow() -> GammaGammaModel:
    """The CDNOW fit of Fader and Hardie (2013), for the examples.

    Parameters and covariance as :func:`fit` returns them on the 946 repeat
    buyers of ``tests/fixtures/models/cdnow_sample_summary.csv``, with the mean repeat
    order value taken as ``repeat_spend / x``.
    """
    return GammaGammaModel(
        p=6.2495741,
        q=3.7442244,
        gamma=15.4435150,
        log_likelihood=-4055.9177,
        n_customers=946,
        frequency_value_correlation=0.1138879,
        covariance=np.array(
            [
                [0.0362605, -0.009913, -0.0497636],
                [-0.009913, 0.0060044, 0.017155],
                [-0.0497636, 0.017155, 0.0725394],
            ]
        ),
    )
