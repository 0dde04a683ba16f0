"""Repeat buying: the BG/NBD model ("beta-geometric / negative binomial").

While active, a customer buys at their own steady rate ``lambda`` (gamma
distributed across customers with shape ``r`` and rate ``alpha``). After every
purchase they may drop out for good with their own probability ``p`` (beta
distributed with ``a`` and ``b``). From each customer's frequency, recency and
age the model says how likely they are still active and how many purchases to
expect from them.

Time unit: the model works in whatever unit the inputs use (days, weeks or
months, see :mod:`calc.models.summary`); recency, age, ``t`` and ``alpha`` are
all in that unit, and ``1 / alpha`` scales a purchase rate per unit.

Definitions (per customer, in the chosen unit):

- ``frequency`` ``x``: repeat purchases (purchases after the first one).
- ``recency`` ``t_x``: time from the first purchase to the last repeat
  purchase; 0 when ``x = 0``.
- ``age`` ``T``: time from the first purchase to the end of observation.

References
----------
Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005), "'Counting your
customers' the easy way: an alternative to the Pareto/NBD model", Marketing
Science 24(2), 275-284: the likelihood, E[X(t)], P(alive), the conditional
expectation E[X(t) | x, t_x, T], and the CDNOW estimates r = 0.243,
alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4.

Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005), "Implementing the
BG/NBD model for customer base analysis in Excel" (note): the worked
conditional expectation 1.226 for x = 2, t_x = 30.43, T = 38.86, t = 39.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.integrate import IntegrationWarning, quad
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1, polygamma

from calc.errors import DataError, FitError, InputError
from calc.messages import Message
from calc.models._fit import (
    RANGE_LEVEL,
    Range,
    compress,
    log_gradients,
    maximise,
    quadratic_form,
    to_range,
)

#: Fewest customers the model is fitted to.
MIN_CUSTOMERS = 20
#: The parameters, in the order of ``log_params``.
PARAMETERS = ("r", "alpha", "a", "b")

#: The columns of a customer summary, as messages name them.
_LABELS = {
    "frequency": Message("models.fields.frequency"),
    "recency": Message("models.fields.recency"),
    "age": Message("models.fields.age"),
}


@dataclass(frozen=True)
class BGNBDModel:
    """A fitted BG/NBD model.

    Attributes
    ----------
    r, alpha : float
        Shape and rate (per time unit) of the gamma distribution of purchase
        rates; the average customer buys ``r / alpha`` times per unit while
        active.
    a, b : float
        Beta distribution of the chance of dropping out after a purchase; its
        mean is ``a / (a + b)``.
    log_likelihood : float
        Maximised log-likelihood.
    n_customers : int
        Customers the model was fitted to.
    distinct_rows : int
        Distinct (frequency, recency, age) rows the likelihood was computed on.
    covariance : ndarray
        Covariance of ``log(r, alpha, a, b)``, for the ranges.
    held : tuple of str
        Parameters the data could not fix, held by the weak penalty of
        :mod:`calc.models._fit` near the limiting model (see
        :attr:`rates_alike`, :attr:`no_dropout_seen`); empty for a plain
        maximum likelihood fit.
    """

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int
    distinct_rows: int
    covariance: np.ndarray = field(repr=False)
    held: tuple[str, ...] = ()

    @property
    def rates_alike(self) -> bool:
        """The data show no spread of purchase rates between customers.

        ``r`` and ``alpha`` ran off together (their ratio, the average rate,
        stays fixed): the limit is every active customer buying at the same
        rate ``r / alpha``, and the fit stands in for it.

        Examples
        --------
        >>> _cdnow().rates_alike
        False
        """
        return "r" in self.held or "alpha" in self.held

    @property
    def no_dropout_seen(self) -> bool:
        """The data show too little of customers leaving to measure how they do.

        ``a`` or ``b`` ran off; typically ``a / (a + b)``, the average chance of
        leaving after a purchase, went towards 0: P(alive) is then close to 1
        for everyone and rests on that assumption.

        Examples
        --------
        >>> _cdnow().no_dropout_seen
        False
        """
        return "a" in self.held or "b" in self.held

    @property
    def log_params(self) -> np.ndarray:
        """``log(r, alpha, a, b)``, the scale the fit and the ranges work on.

        Examples
        --------
        >>> _cdnow().log_params.round(3).tolist()
        [-1.416, 1.485, -0.232, 0.886]
        """
        return np.log([self.r, self.alpha, self.a, self.b])

    def p_alive(self, frequency, recency, age) -> np.ndarray:
        """Probability that each customer is still active at the end of observation.

        Parameters
        ----------
        frequency, recency, age : array-like
            Repeat purchases, time of the last repeat purchase and age (time
            since the first purchase), in the model's time unit.

        Returns
        -------
        ndarray
            One probability per customer, between 0 and 1. Exactly 1 for
            customers without a repeat purchase: in this model a customer can
            only drop out right after a purchase.

        Notes
        -----
        ``P(alive) = 1 / (1 + [x > 0] * a / (b + x - 1)
        * ((alpha + T) / (alpha + t_x)) ** (r + x))``.

        Examples
        --------
        >>> m = _cdnow()
        >>> m.p_alive([0, 2], [0.0, 30.43], [38.86, 38.86]).round(3).tolist()
        [1.0, 0.727]
        """
        x, tx, t_age = check_rfm(frequency, recency, age)
        return _p_alive(x, tx, t_age, self.r, self.alpha, self.a, self.b)

    def expected_purchases(self, t, frequency, recency, age) -> np.ndarray:
        """Expected purchases of each customer in the next ``t`` time units.

        Parameters
        ----------
        t : float
            Length of the forecast window, in the model's time unit, 0 or more.
        frequency, recency, age : array-like
            As in :meth:`p_alive`.

        Returns
        -------
        ndarray
            Expected number of purchases per customer, 0 or more.

        Notes
        -----
        ``E[X(t) | x, t_x, T] = P(alive) * E_new(t | r + x, alpha + T, a, b + x)``,
        where ``E_new`` is :meth:`expected_purchases_new` with updated
        parameters; equivalent to the conditional expectation of Fader, Hardie
        and Lee (2005).

        Examples
        --------
        The first customer of the CDNOW sample (x = 2, t_x = 30.43, T = 38.86
        weeks); Fader, Hardie and Lee (2005) work out 1.226 purchases over 39
        weeks:

        >>> m = _cdnow()
        >>> m.expected_purchases(39, [2], [30.43], [38.86]).round(3).tolist()
        [1.226]
        """
        horizon = _horizon(t)
        x, tx, t_age = check_rfm(frequency, recency, age)
        per_row, inverse = _conditional(horizon, x, tx, t_age)
        return per_row(self.log_params)[inverse]

    def expected_purchases_range(self, t, frequency, recency, age) -> Range:
        """:meth:`expected_purchases` as low / likely / high per customer.

        The range covers 90% of the uncertainty of the fitted parameters, not
        the customer's own randomness.

        Examples
        --------
        >>> rng = _cdnow().expected_purchases_range(39, [2], [30.43], [38.86])
        >>> bool(rng.low[0] < 1.226 < rng.high[0])
        True
        """
        horizon = _horizon(t)
        x, tx, t_age = check_rfm(frequency, recency, age)
        return self.forecast(horizon, x, tx, t_age)[0]

    def forecast(self, t, x, tx, t_age, rows=None) -> tuple[Range, Range]:
        """Expected purchases in the next ``t`` units, per customer and in total.

        One pass for both (the Forecast page's work): every distinct
        (frequency, recency, age) row is computed once, the hypergeometric
        part once per distinct (frequency, age), for the value and each of the
        four shifted parameter sets behind the ranges.

        Parameters
        ----------
        t : float
            Window, in the model's unit, 0 or more.
        x, tx, t_age : ndarray
            Checked arrays (see :func:`check_rfm`).
        rows : tuple, optional
            ``compress(x, tx, t_age)``, when the caller already has it.

        Returns
        -------
        (Range, Range)
            Per customer (arrays) and all customers together (floats).

        Examples
        --------
        >>> x, tx, age = check_rfm([0, 2], [0.0, 30.43], [38.86, 38.86])
        >>> each, total = _cdnow().forecast(39.0, x, tx, age)
        >>> each.likely.round(3).tolist(), round(total.likely, 3)
        ([0.195, 1.226], 1.421)
        """
        horizon = _horizon(t)
        per_row, inverse, counts = _conditional(horizon, x, tx, t_age, rows, counts=True)
        value, grads = log_gradients(per_row, self.log_params)
        each = to_range(value, quadratic_form(grads, self.covariance), level=RANGE_LEVEL)
        each = Range(each.low[inverse], each.likely[inverse], each.high[inverse])
        total = float(np.sum(counts * value))
        if total <= 0:
            return each, Range(0.0, 0.0, 0.0)
        g = np.array([np.sum(counts * value * gj) for gj in grads]) / total
        variance = quadratic_form(g[:, None], self.covariance)[0]
        return each, to_range(total, variance, level=RANGE_LEVEL)

    def expected_total(self, t, frequency, recency, age) -> Range:
        """Expected purchases of all these customers together in the next ``t`` units.

        Use it for the holdout check: fit on the first part of the history,
        then compare with the purchases that happened in the last ``t`` units.

        Returns
        -------
        Range
            Total expected purchases, low / likely / high (90% of parameter
            uncertainty).

        Examples
        --------
        >>> m = _cdnow()
        >>> total = m.expected_total(39, [0, 2], [0.0, 30.43], [38.86, 38.86])
        >>> round(total.likely, 3)
        1.421
        """
        horizon = _horizon(t)
        x, tx, t_age = check_rfm(frequency, recency, age)
        return self.forecast(horizon, x, tx, t_age)[1]

    def expected_purchases_new(self, t):
        """Expected repeat purchases of a newly acquired customer in their first ``t`` units.

        Parameters
        ----------
        t : float or array
            Time since the first purchase, in the model's unit, 0 or more.

        Returns
        -------
        float or ndarray
            Expected repeat purchases (the first purchase not counted).

        Notes
        -----
        ``E[X(t)] = (a + b - 1) / (a - 1)
        * (1 - (alpha / (alpha + t)) ** r * 2F1(r, b; a + b - 1; t / (alpha + t)))``
        (Fader, Hardie and Lee 2005).

        Examples
        --------
        >>> round(_cdnow().expected_purchases_new(52), 3)
        1.444
        """
        horizon = _window(t)
        value = expected_new(horizon, self.r, self.alpha, self.a, self.b)
        return float(value) if value.ndim == 0 else value

    def expected_purchases_new_range(self, t) -> Range:
        """:meth:`expected_purchases_new` as low / likely / high.

        Examples
        --------
        >>> rng = _cdnow().expected_purchases_new_range(52)
        >>> rng.low < rng.likely < rng.high
        True
        """
        horizon = _window(t)
        value, grads = log_gradients(lambda z: expected_new(horizon, *np.exp(z)), self.log_params)
        return to_range(value, quadratic_form(grads, self.covariance), level=RANGE_LEVEL)


def fit(frequency, recency, age) -> BGNBDModel:
    """Fit the BG/NBD model to customers' frequency, recency and age.

    Parameters
    ----------
    frequency : array-like of int
        Repeat purchases per customer, 0 or more.
    recency : array-like of float
        Time from first to last repeat purchase, 0 when frequency is 0; at most
        the age. Same time unit as ``age``.
    age : array-like of float
        Time from first purchase to the end of observation, 0 or more.

    Returns
    -------
    BGNBDModel
        Fitted ``r``, ``alpha`` (per the input's time unit), ``a``, ``b`` and
        the log-likelihood, with the forecasts built on them.

    Raises
    ------
    DataError
        Inputs of different lengths, missing or negative values, a fractional
        frequency, recency above age, or recency without repeat purchases.
    FitError
        Fewer than 20 customers, nobody with a repeat purchase, or a
        likelihood that is undefined where the search goes. A parameter the
        data cannot fix (every customer buying at the same rate, nobody seen
        leaving) is no error: it is held near its limit and named in
        :attr:`BGNBDModel.held`; the same data give the same verdict on any
        machine (see :mod:`calc.models._fit`).

    Notes
    -----
    Log-likelihood of one customer (Fader, Hardie and Lee 2005)::

        ln L = ln[G(r + x) alpha^r / G(r)]
               + ln[ B(a, b + x) / B(a, b) (alpha + T)^-(r + x)
                     + [x > 0] B(a + 1, b + x - 1) / B(a, b) (alpha + t_x)^-(r + x) ]

    Identical (x, t_x, T) rows are grouped and their log-likelihood counted
    with its multiplicity, so the cost grows with distinct rows, not
    customers. Maximised over the log-parameters as described in
    :mod:`calc.models._fit` (Newton steps with the exact Hessian).

    Examples
    --------
    10,000 simulated customers, weeks, true r = 0.5, alpha = 5, a = 0.8,
    b = 2.5; a and b, informed only by the customers who drop out, are the
    hardest to pin down (the CDNOW reproduction is in
    ``tests/test_models_bgnbd.py``):

    >>> x, t_x, age = simulate(10_000, seed=1)
    >>> m = fit(x, t_x, age)
    >>> [round(v, 2) for v in (m.r, m.alpha, m.a, m.b)]
    [0.5, 5.01, 0.69, 2.03]
    """
    x, tx, t_age = check_rfm(frequency, recency, age)
    return _fit_checked(x, tx, t_age, compress(x, tx, t_age))


def _fit_checked(x, tx, t_age, rows) -> BGNBDModel:
    """:func:`fit` on checked arrays and their :func:`compress` result ``rows``."""
    neg_ll, hessian, start = _problem(x, tx, t_age, rows)
    opt = maximise(
        neg_ll,
        start,
        names=PARAMETERS,
        model=Message("models.fit.bgnbd"),
        scale=x.size,
        hessian=hessian,
    )
    r, alpha, a, b = np.exp(opt.log_params)
    return BGNBDModel(
        r=float(r),
        alpha=float(alpha),
        a=float(a),
        b=float(b),
        log_likelihood=float(opt.log_likelihood),
        n_customers=int(x.size),
        distinct_rows=int(rows[1].size),
        covariance=opt.covariance,
        held=opt.held,
    )


def _problem(x, tx, t_age, rows):
    """Minus the log-likelihood on the distinct rows, its Hessian, and the search's start.

    The start (also the centre of the weak penalty, see :mod:`calc.models._fit`)
    is r = 1, a = 1, b = 3 and ``alpha = 1 / (repeat purchases per unit of
    age)``: the rate of the average customer, so it moves with the time unit.
    """
    n = x.size
    if n < MIN_CUSTOMERS:
        raise FitError("models.bgnbd.too_few_customers", minimum=MIN_CUSTOMERS, count=n)
    if not np.any(x > 0):
        raise FitError("models.bgnbd.no_repeat_buyers")
    _, first, counts = rows
    neg_ll, hessian = _neg_log_likelihood(x[first], tx[first], t_age[first], counts)
    rate = np.sum(x) / max(np.sum(t_age), 1e-9)
    start = np.log([1.0, 1.0 / max(rate, 1e-6), 1.0, 3.0])
    return neg_ll, hessian, np.clip(start, np.log(1e-5), np.log(1e6))


def _neg_log_likelihood(x, tx, t_age, w):
    """Minus the log-likelihood over log(r, alpha, a, b): its value and gradient, and its Hessian.

    ``x, tx, t_age`` are distinct rows and ``w`` their counts. Customers
    without a repeat purchase contribute ``r (ln alpha - ln(alpha + T))``.
    For the others the log-likelihood is written as
    ``c3(x) - (r + x) ln(alpha + t_x) + softplus(d)`` with
    ``d = ln(b + x - 1) - ln(a) - (r + x) (ln(alpha + T) - ln(alpha + t_x))``
    (``c2 - c3`` of the beta functions reduces to that logarithm);
    everything that depends on x alone is computed once per distinct x, and
    logarithms once per distinct T and t_x.

    Returns ``neg_ll(z) -> (value, gradient)`` and ``hessian(z)``, the exact
    second derivatives: a Newton step then costs one pass over the rows
    instead of the five of a finite-difference Hessian.
    """
    zero = x == 0
    t0_codes, t0_vals = pd.factorize(t_age[zero], sort=False)
    w0 = np.bincount(t0_codes, weights=w[zero], minlength=len(t0_vals))
    t0_vals = np.asarray(t0_vals, dtype=float)
    n0 = np.sum(w0)
    rep = ~zero
    wr = w[rep]
    xcode, xvals = pd.factorize(x[rep], sort=False)
    xvals = np.asarray(xvals, dtype=float)
    nx = np.bincount(xcode, weights=wr, minlength=len(xvals))
    n_rep = np.sum(nx)
    tcode, tvals = pd.factorize(t_age[rep], sort=False)
    txcode, txvals = pd.factorize(tx[rep], sort=False)
    tvals = np.asarray(tvals, dtype=float)
    txvals = np.asarray(txvals, dtype=float)
    wx = wr * xvals[xcode]
    # sums over rows of a function of t_x alone, weighted by w or w * x: per distinct t_x
    w_tx = np.bincount(txcode, weights=wr, minlength=len(txvals))
    wx_tx = np.bincount(txcode, weights=wx, minlength=len(txvals))

    last: dict = {}

    def rows(z: np.ndarray) -> dict:
        """What the value, gradient and Hessian share at ``z``: parameters and per-row terms.

        Kept for the last ``z``, with the value and gradient once computed: a
        Newton step asks for the Hessian where it has just had the value.
        """
        key = np.asarray(z, dtype=float).tobytes()
        if key not in last:
            last.clear()
            last[key] = _rows(z)
        return last[key]

    def _rows(z: np.ndarray) -> dict:
        r, alpha, a, b = np.exp(z)
        lt_tab = np.log(alpha + tvals)
        ltx_tab = np.log(alpha + txvals)
        itx_tab = 1.0 / (alpha + txvals)
        it_row, itx_row = 1.0 / (alpha + tvals)[tcode], itx_tab[txcode]
        s_row = (r + xvals)[xcode]
        gap = lt_tab[tcode] - ltx_tab[txcode]  # ln(alpha + T) - ln(alpha + t_x)
        d = (np.log(b + xvals - 1) - np.log(a))[xcode] - s_row * gap
        return {
            "r": r, "alpha": alpha, "a": a, "b": b, "d": d, "gap": gap, "s_row": s_row,
            "ltx_tab": ltx_tab, "itx_tab": itx_tab, "it_row": it_row, "itx_row": itx_row,
            "e": it_row - itx_row,  # 1 / (alpha + T) - 1 / (alpha + t_x)
            "sigma": expit(d),  # share of the "still active" term in each likelihood
        }  # fmt: skip

    def neg_ll(z: np.ndarray) -> tuple[float, np.ndarray]:
        v = rows(z)
        if "neg_ll" not in v:
            v["neg_ll"] = _neg_ll(v)
        return v["neg_ll"]

    def _neg_ll(v: dict) -> tuple[float, np.ndarray]:
        r, alpha, a, b = v["r"], v["alpha"], v["a"], v["b"]
        log_alpha = np.log(alpha)
        # customers without repeat purchases
        log_t0 = np.log(alpha + t0_vals)
        ll = r * (n0 * log_alpha - np.sum(w0 * log_t0))
        g_r = n0 * log_alpha - np.sum(w0 * log_t0)
        g_alpha = r * (n0 / alpha - np.sum(w0 / (alpha + t0_vals)))
        # repeat buyers: per distinct x
        base = betaln(a, b)
        c3 = betaln(a + 1, b + xvals - 1) - base
        gap, s_row = v["gap"], v["s_row"]
        w2 = wr * v["sigma"]
        sum_ltx = v["ltx_tab"] @ w_tx
        sum_x_ltx = v["ltx_tab"] @ wx_tx
        ll += (
            np.sum(nx * (gammaln(r + xvals) - gammaln(r) + r * log_alpha + c3))
            - (r * sum_ltx + sum_x_ltx)
            + np.sum(wr * np.logaddexp(0.0, v["d"]))
        )
        g_r += np.sum(nx * (digamma(r + xvals) - digamma(r) + log_alpha)) - sum_ltx - w2 @ gap
        itx_tab = v["itx_tab"]
        g_alpha += r * n_rep / alpha - (
            r * (itx_tab @ w_tx) + itx_tab @ wx_tx + np.sum(w2 * s_row * v["e"])
        )
        wx2 = np.bincount(xcode, weights=w2, minlength=len(xvals))
        wx3 = nx - wx2
        dab = digamma(a + b + xvals)
        g_a = np.sum(wx2 * (digamma(a) - dab) + wx3 * (digamma(a + 1) - dab)) - n_rep * (
            digamma(a) - digamma(a + b)
        )
        g_b = np.sum(wx2 * (digamma(b + xvals) - dab) + wx3 * (digamma(b + xvals - 1) - dab)) - (
            n_rep * (digamma(b) - digamma(a + b))
        )
        grad = np.array([g_r * r, g_alpha * alpha, g_a * a, g_b * b])
        return -ll, -grad

    def hessian(z: np.ndarray) -> np.ndarray:
        # In (r, alpha, a, b) first, then to the log scale: d2/dz_i dz_j =
        # theta_i theta_j H_ij, plus theta_i dll/dtheta_i on the diagonal.
        v = rows(z)
        r, alpha, a, b = v["r"], v["alpha"], v["a"], v["b"]
        h = np.zeros((4, 4))
        # customers without repeat purchases: r (n0 ln alpha - sum ln(alpha + T))
        h[0, 1] = n0 / alpha - np.sum(w0 / (alpha + t0_vals))
        h[1, 1] = r * (-n0 / alpha**2 + np.sum(w0 / (alpha + t0_vals) ** 2))
        # repeat buyers, the terms outside the softplus
        h[0, 0] = np.sum(nx * (polygamma(1, r + xvals) - polygamma(1, r)))
        itx_tab = v["itx_tab"]
        h[0, 1] += n_rep / alpha - itx_tab @ w_tx
        h[1, 1] += -r * n_rep / alpha**2 + (itx_tab**2) @ (r * w_tx + wx_tx)
        tri_ab, tri_abx = polygamma(1, a + b), polygamma(1, a + b + xvals)
        h[2, 2] = np.sum(nx * (polygamma(1, a + 1) - tri_abx - polygamma(1, a) + tri_ab))
        h[3, 3] = np.sum(nx * (polygamma(1, b + xvals - 1) - tri_abx - polygamma(1, b) + tri_ab))
        h[2, 3] = np.sum(nx * (tri_ab - tri_abx))
        # softplus(d): q grad(d) grad(d)' + sigma Hess(d), q = sigma (1 - sigma), with
        # grad(d) = (-gap, -s e, -1/a, 1/(b + x - 1)), e = 1/(alpha + T) - 1/(alpha + t_x)
        sigma, gap, s_row, e = v["sigma"], v["gap"], v["s_row"], v["e"]
        ws = wr * sigma
        wq = ws * (1.0 - sigma)
        wq_gap = wq * gap
        wq_se = wq * s_row * e
        kb = 1.0 / (b + xvals - 1)
        q_x = np.bincount(xcode, weights=wq, minlength=len(xvals))
        s_x = np.bincount(xcode, weights=ws, minlength=len(xvals))
        h[0, 0] += wq_gap @ gap
        h[0, 1] += wq_gap @ (s_row * e) - ws @ e
        h[0, 2] = np.sum(wq_gap) / a
        h[0, 3] = -kb @ np.bincount(xcode, weights=wq_gap, minlength=len(xvals))
        h[1, 1] += wq_se @ (s_row * e) + (ws * s_row) @ (e * (v["it_row"] + v["itx_row"]))
        h[1, 2] = np.sum(wq_se) / a
        h[1, 3] = -kb @ np.bincount(xcode, weights=wq_se, minlength=len(xvals))
        h[2, 2] += (np.sum(q_x) + np.sum(s_x)) / a**2
        h[2, 3] += -(kb @ q_x) / a
        h[3, 3] += (kb**2) @ (q_x - s_x)
        h = np.triu(h) + np.triu(h, 1).T
        theta = np.array([r, alpha, a, b])
        grad = -neg_ll(z)[1] / theta  # dll/dtheta
        return -(theta[:, None] * h * theta[None, :] + np.diag(theta * grad))

    return neg_ll, hessian


def simulate(
    n_customers: int,
    r: float = 0.5,
    alpha: float = 5.0,
    a: float = 0.8,
    b: float = 2.5,
    *,
    max_age: float = 52.0,
    resolution: float = 0.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simulate frequency, recency and age of customers who follow the BG/NBD story.

    For tests and benchmarks: data with known parameters, to check that
    :func:`fit` recovers them.

    Parameters
    ----------
    n_customers : int
        Customers to simulate, 1 or more.
    r, alpha, a, b : float
        True parameters (``alpha`` per time unit).
    max_age : float
        Ages are spread evenly between ``max_age / 10`` and ``max_age`` time units.
    resolution : float
        If above 0, times are recorded as whole multiples of it (1 / 7 for whole
        days when the unit is weeks), as dates in an order log: each customer's
        first purchase falls at a random moment of its day, and recency and age
        count whole days from that day. 0 keeps exact times.
    seed : int
        Seed of the random generator; the same seed gives the same customers.

    Returns
    -------
    frequency, recency, age : ndarray
        One value per customer.

    Notes
    -----
    Per customer: rate ``lambda ~ Gamma(r, alpha)``, dropout chance
    ``p ~ Beta(a, b)``, and the number of repeat purchases after which they
    drop out ``D ~ Geometric(p)``. With ``c ~ Poisson(lambda T)`` purchases
    in the window, ``x = min(c, D)``; the last purchase time is the ``x``-th
    of ``c`` uniform times on ``[0, T]``.

    Examples
    --------
    >>> x, t_x, age = simulate(3, seed=1)
    >>> bool(np.all(t_x <= age)), x.dtype.kind
    (True, 'f')
    """
    rng = np.random.default_rng(seed)
    n = int(n_customers)
    rate = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    age = rng.uniform(max_age / 10, max_age, n)
    drop_after = rng.geometric(p)
    count = rng.poisson(rate * age)
    x = np.minimum(count, drop_after)
    # x-th smallest of `count` uniform times on [0, age]
    u = rng.beta(np.maximum(x, 1), np.maximum(count - x + 1, 1))
    recency = np.where(x > 0, u * age, 0.0)
    if resolution > 0:
        offset = rng.uniform(0.0, resolution, n)  # moment of the day of the first purchase
        recency = np.floor((offset + recency) / resolution) * resolution
        age = np.floor((offset + age) / resolution) * resolution
    return x.astype(float), recency, age


def check_rfm(frequency, recency, age) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check frequency / recency / age arrays and return them as floats.

    Raises
    ------
    DataError
        With the column at fault, row numbers (first customer is row 1) and an
        example value.

    Examples
    --------
    >>> check_rfm([1, 0], [2.0, 0.0], [5.0, 3.0])[0].tolist()
    [1.0, 0.0]
    """
    arrays = []
    for name, values in (("frequency", frequency), ("recency", recency), ("age", age)):
        try:
            arr = np.asarray(values, dtype=float)
        except (TypeError, ValueError):
            raise DataError("models.data.not_number", column=name, label=_LABELS[name]) from None
        if arr.ndim != 1:
            raise DataError("models.data.not_one_per_customer", column=name, label=_LABELS[name])
        arrays.append(arr)
    x, tx, t_age = arrays
    if not (x.size == tx.size == t_age.size):
        raise DataError(
            "models.bgnbd.lengths_differ", frequency=x.size, recency=tx.size, age=t_age.size
        )
    if x.size == 0:
        raise DataError("models.bgnbd.no_customers")
    for name, arr in (("frequency", x), ("recency", tx), ("age", t_age)):
        _reject(
            name,
            arr,
            ~np.isfinite(arr) | (arr < 0),
            Message("models.data.negative", label=_LABELS[name]),
        )
    _reject(
        "frequency",
        x,
        x != np.round(x),
        Message("models.data.not_whole"),
    )
    _reject(
        "recency",
        tx,
        tx > t_age,
        Message("models.bgnbd.recency_after_age"),
    )
    _reject(
        "recency",
        tx,
        (x == 0) & (tx != 0),
        Message("models.bgnbd.recency_without_repeat"),
    )
    return x, tx, t_age


def _reject(column: str, values: np.ndarray, bad: np.ndarray, reason: Message) -> None:
    if np.any(bad):
        rows = np.flatnonzero(bad)
        raise DataError(
            "models.bgnbd.bad_rows",
            reason=reason,
            count=int(rows.size),
            first=int(rows[0] + 1),
            column=column,
            rows=(rows[:20] + 1).tolist(),
            example=repr(float(values[rows[0]])),
        )


def _horizon(t) -> float:
    try:
        horizon = float(t)
    except (TypeError, ValueError):
        raise InputError("t", "models.bgnbd.window_not_number") from None
    if not np.isfinite(horizon) or horizon < 0:
        raise InputError("t", "models.bgnbd.window_negative")
    return horizon


def _window(t) -> np.ndarray:
    horizon = np.asarray(t, dtype=float)
    if np.any(~np.isfinite(horizon)) or np.any(horizon < 0):
        raise InputError("t", "models.bgnbd.window_negative")
    return horizon


def _p_alive(x, tx, t_age, r, alpha, a, b):
    repeat = x > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        log_odds = (
            np.log(a)
            - np.log(np.where(repeat, b + x - 1, 1.0))
            + (r + x) * (np.log(alpha + t_age) - np.log(alpha + tx))
        )
    return np.where(repeat, expit(-log_odds), 1.0)


def _conditional(t, x, tx, t_age, rows=None, *, counts=False):
    """E[X(t) | x, t_x, T] as a function of the log-parameters, per distinct row.

    The grouping is done here, once: ``per_row(z)`` computes P(alive) once per
    distinct (x, t_x, T) row and the hypergeometric part once per distinct
    (x, T), so the ~20 evaluations behind a page's ranges never group again
    (grouping on every call cost 1.1 s of 1.6 s at 1M customers). Returns
    ``per_row`` and the row of every customer (``inverse``), and with
    ``counts`` the customers per row.
    """
    inverse, first, weight = compress(x, tx, t_age) if rows is None else rows
    ux, utx, ut = x[first], tx[first], t_age[first]
    pair_inverse, pair_first, _ = compress(ux, ut)
    px, pt = ux[pair_first], ut[pair_first]

    def per_row(z):
        r, alpha, a, b = np.exp(z)
        alive = _p_alive(ux, utx, ut, r, alpha, a, b)
        return alive * expected_new(t, r + px, alpha + pt, a, b + px)[pair_inverse]

    if counts:
        return per_row, inverse, weight
    return per_row, inverse


def expected_new(t, r, alpha, a, b):
    """E[X(t)] of a new customer with parameters (r, alpha, a, b); arrays broadcast.

    Used with updated parameters ``(r + x, alpha + T, a, b + x)`` it gives the
    expected purchases of a customer who is still active. Evaluated with
    ``scipy.special.hyp2f1``; where that is out of its accurate range (very
    many purchases, windows far longer than the history), the Pfaff-transformed
    series is tried, then the defining integral over the dropout probability.

    Examples
    --------
    >>> round(float(expected_new(39.0, 0.243, 4.414, 0.793, 2.426)), 4)
    1.1967
    """
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (t, r, alpha, a, b)))
    shape = arrays[0].shape
    t, r, alpha, a, b = (v.ravel() for v in arrays)
    near_one = np.abs(a - 1) < 1e-6
    if np.any(near_one):  # the formula divides by a - 1: average both sides of a = 1
        a = np.where(near_one, 1 + 1e-4, a)
        mirrored = _expected_new_flat(t, r, alpha, np.where(near_one, 1 - 1e-4, a), b)
        value = (_expected_new_flat(t, r, alpha, a, b) + mirrored) / 2
    else:
        value = _expected_new_flat(t, r, alpha, a, b)
    return value.reshape(shape)


def _expected_new_flat(t, r, alpha, a, b):
    factor = (a + b - 1) / (a - 1)
    with np.errstate(all="ignore"):
        value = factor * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, t / (alpha + t)))
        ceiling = r * t / alpha * (1 + 1e-9)
        bad = ~(np.isfinite(value) & (value > 0) & (value <= ceiling)) & (t > 0)
        if np.any(bad):
            value[bad] = factor[bad] * (
                1 - hyp2f1(r[bad], a[bad] - 1, a[bad] + b[bad] - 1, -t[bad] / alpha[bad])
            )
            bad = ~(np.isfinite(value) & (value > 0) & (value <= ceiling)) & (t > 0)
        if np.any(bad):
            series, done = _pfaff_series(t[bad], r[bad], alpha[bad], a[bad], b[bad])
            fine = done & (series > 0) & (series <= ceiling[bad])
            where = np.flatnonzero(bad)[fine]
            value[where] = series[fine]
            bad[where] = False
    value = np.where(t > 0, value, 0.0)
    for i in np.flatnonzero(bad):
        value[i] = _expected_new_integral(t[i], r[i], alpha[i], a[i], b[i])
    return value


def _pfaff_series(t, r, alpha, a, b, terms: int = 2000):
    """E[X(t)] from the series of the Pfaff form, summed without its leading 1.

    ``E = (a + b - 1) / (a - 1) * (1 - 2F1(r, a - 1; a + b - 1; -t / alpha))``
    and ``1 - 2F1 = -sum_{k >= 1} T_k`` with ``T_1 = r (a - 1) z / c`` and
    ``T_{k+1} = T_k (r + k) (a - 1 + k) z / ((c + k) (k + 1))``, ``z = -t / alpha``,
    ``c = a + b - 1``. Summing the terms alone avoids the cancellation in
    ``1 - 2F1``; it is where scipy's ``hyp2f1`` returns NaN for the very large
    ``r`` and ``b`` of a fit held near "every customer alike" (r ~ 5e4). Used
    for ``t / alpha < 1/2`` only; returns the values and whether each converged.
    """
    z = -t / alpha
    c = a + b - 1
    term = r * (a - 1) * z / c
    total = term.copy()
    done = np.zeros(t.shape, dtype=bool)
    use = np.abs(z) < 0.5
    with np.errstate(all="ignore"):
        for k in range(1, terms):
            term = term * (r + k) * (a - 1 + k) * z / ((c + k) * (k + 1))
            total = total + term
            done = use & np.isfinite(total) & (np.abs(term) <= 1e-16 * np.abs(total))
            if np.all(done | ~use):
                break
        value = (a + b - 1) / (a - 1) * -total
    return value, done


def _expected_new_integral(t, r, alpha, a, b) -> float:
    """E[X(t)] by integrating ``(1 - (alpha / (alpha + p t)) ** r) / p`` over p ~ Beta(a, b).

    The range is split at p = 1/2: below, the integral runs over ``ln p`` so
    that the sharp peak near p = 0 of customers with many purchases is
    resolved; above, over ``ln(1 - p)``, which absorbs the ``(1 - p) ** (b - 1)``
    spike at p = 1 when b < 1.
    """
    scale = t / alpha
    norm = betaln(a, b)

    def log_g(p):  # log of (1 - (1 + p t / alpha) ** -r) / p
        return np.log(-np.expm1(-r * np.log1p(p * scale))) - np.log(p)

    def low(s):  # p = e^s, dp = p ds
        p = np.exp(s)
        # Where r p t / alpha is below 1e-13 (p itself may underflow to 0 when a
        # is tiny and the range reaches e**-100000), log_g is log(r t / alpha).
        tiny = s + np.log(r * scale) < -30
        exact = np.log(-np.expm1(-r * np.log1p(p * scale))) - s
        return np.where(tiny, np.log(r * scale), exact) + a * s + (b - 1) * np.log1p(-p) - norm

    def high(u):  # p = 1 - e^u, dp = -e^u du
        p = -np.expm1(u)
        return log_g(p) + (a - 1) * np.log(p) + b * u - norm

    half = np.log(0.5)
    with np.errstate(all="ignore"):
        return _log_quad(low, -60.0 / min(a, 1.0) - np.log1p(scale), half) + _log_quad(
            high, -60.0 / min(b, 1.0), half
        )


def _log_quad(log_f, lo: float, hi: float) -> float:
    """Integral of ``exp(log_f)`` over [lo, hi], starting where the integrand matters."""
    grid = np.linspace(lo, hi, 2001)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = log_f(grid)
    values = np.where(np.isfinite(values), values, -np.inf)
    peak = values.max()
    keep = np.flatnonzero(values > peak - 60)
    start = grid[max(keep[0] - 1, 0)]
    stop = grid[min(keep[-1] + 1, grid.size - 1)]
    centre = grid[values.argmax()]
    with warnings.catch_warnings():  # quad warns when it cannot reach 1e-10; 1e-8 is plenty
        warnings.simplefilter("ignore", IntegrationWarning)
        integral, _ = quad(
            lambda v: np.exp(log_f(v) - peak),
            start,
            stop,
            points=[centre] if start < centre < stop else None,
            limit=400,
            epsabs=0.0,
            epsrel=1e-10,
        )
    return float(integral * np.exp(peak))


def _cdnow() -> BGNBDModel:
    """The CDNOW fit of Fader, Hardie and Lee (2005), for the examples.

    Parameters and covariance as :func:`fit` returns them on
    ``tests/fixtures/models/cdnow_sample_summary.csv`` (weeks).
    """
    return BGNBDModel(
        r=0.2425929,
        alpha=4.4135315,
        a=0.7928861,
        b=2.4257534,
        log_likelihood=-9582.4256,
        n_customers=2357,
        distinct_rows=1016,
        covariance=np.array(
            [
                [0.0026794, 0.0034617, -0.0004567, 0.0001116],
                [0.0034617, 0.0073438, -0.0008189, 0.0009828],
                [-0.0004567, -0.0008189, 0.0548645, 0.0640527],
                [0.0001116, 0.0009828, 0.0640527, 0.0845495],
            ]
        ),
    )
