"""Shared machinery of the models: maximum likelihood, ranges and row compression.

Every model is fitted by maximising its log-likelihood over the logarithms of
its parameters (so they stay positive) with L-BFGS-B and an analytic gradient.
The curvature of the log-likelihood at the optimum (the Hessian, taken by
finite differences of the gradient) gives the uncertainty of the parameters,
and the delta method turns that into low / likely / high ranges for anything
computed from them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit, ndtri

from calc.errors import FitError
from calc.messages import Message

#: Parameters are searched between 1e-6 and 1e7 (on the log scale). An optimum
#: at either end means the data cannot pin the parameter down.
LOG_LOWER = float(np.log(1e-6))
LOG_UPPER = float(np.log(1e7))

#: Share of the parameter uncertainty covered by every low-high range.
RANGE_LEVEL = 0.90

_BOUNDARY_TOLERANCE = 0.05
_UNDEFINED = 1e300  # objective value where the likelihood is not defined
_HESSIAN_STEP = 1e-4
# Step of the forward differences behind every range. Not smaller: with large
# parameters (an sBG fit with alpha ~ 1e5, customers all alike) the values are
# differences of log-beta terms of ~1e5, and a 1e-6 step turned their rounding
# error into gradients off by 2%, which the long, thin parameter uncertainty of
# such fits blew up into ranges five times too wide.
_DELTA_STEP = 1e-4


@dataclass(frozen=True)
class Range:
    """A forecast given as low, likely and high values.

    ``likely`` is the model's best estimate; ``low`` and ``high`` bound the
    range that holds with probability :data:`RANGE_LEVEL` (90%) given the
    uncertainty of the fitted parameters. Each field is a float or an array of
    the same shape as the input it was computed for.
    """

    low: float | np.ndarray
    likely: float | np.ndarray
    high: float | np.ndarray


@dataclass(frozen=True)
class Optimum:
    """Where the likelihood peaks, and how sharply."""

    log_params: np.ndarray
    log_likelihood: float
    covariance: np.ndarray


def maximise(
    neg_log_likelihood: Callable[[np.ndarray], tuple[float, np.ndarray]],
    start: np.ndarray,
    *,
    names: tuple[str, ...],
    model: str | Message,
    scale: float,
) -> Optimum:
    """Maximise a log-likelihood over log-parameters.

    Parameters
    ----------
    neg_log_likelihood : callable
        Takes the log-parameters, returns minus the log-likelihood and its
        gradient with respect to the log-parameters.
    start : ndarray
        Starting log-parameters.
    names : tuple of str
        Parameter names, used in messages.
    model : str or Message
        Model name as the user sees it, used in messages: a
        :class:`~calc.messages.Message` such as ``models.fit.bgnbd``
        (English "repeat-purchase (BG/NBD)"), or a plain name.
    scale : float
        Number of customers; the objective is divided by it so the stopping
        rules do not depend on the size of the data.

    Returns
    -------
    Optimum
        Log-parameters, maximised log-likelihood and the covariance of the
        log-parameters (inverse Hessian of minus the log-likelihood).

    Raises
    ------
    FitError
        The search did not converge, ran to the edge of the allowed range, or
        the data cannot tell two parameters apart.

    Examples
    --------
    Minus a log-likelihood with its peak at log-parameters (1, 2):

    >>> def f(z):
    ...     return float(((z - [1.0, 2.0]) ** 2).sum()), 2 * (z - [1.0, 2.0])
    >>> opt = maximise(f, np.zeros(2), names=("a", "b"), model="example", scale=1.0)
    >>> opt.log_params.round(6).tolist(), opt.covariance.round(6).tolist()
    ([1.0, 2.0], [[0.5, 0.0], [0.0, 0.5]])
    """

    def objective(z: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = neg_log_likelihood(z)
        if not np.isfinite(value):
            return _UNDEFINED, np.zeros_like(z)
        return value / scale, grad / scale

    bounds = [(LOG_LOWER, LOG_UPPER)] * len(start)
    res = minimize(
        objective,
        np.asarray(start, dtype=float),
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 3000, "ftol": 1e-13, "gtol": 1e-6},
    )
    z = res.x
    value, grad = objective(z)
    for name, zi in zip(names, z, strict=True):
        if zi < LOG_LOWER + _BOUNDARY_TOLERANCE or zi > LOG_UPPER - _BOUNDARY_TOLERANCE:
            raise FitError("models.fit.boundary", model=model, name=name, value=float(np.exp(zi)))
    if value >= _UNDEFINED or np.max(np.abs(grad)) > 1e-4:
        raise FitError("models.fit.not_settled", model=model)
    hessian = _hessian(neg_log_likelihood, z)
    eigenvalues = np.linalg.eigvalsh(hessian)
    if not np.all(np.isfinite(eigenvalues)) or eigenvalues.min() <= 1e-10 * max(
        eigenvalues.max(), 1.0
    ):
        raise FitError("models.fit.not_identified", model=model)
    covariance = np.linalg.inv(hessian)
    return Optimum(log_params=z, log_likelihood=-value * scale, covariance=covariance)


def _hessian(
    neg_log_likelihood: Callable[[np.ndarray], tuple[float, np.ndarray]], z: np.ndarray
) -> np.ndarray:
    """Hessian of minus the log-likelihood by forward differences of its gradient."""
    k = len(z)
    base = neg_log_likelihood(z)[1]
    hessian = np.empty((k, k))
    for j in range(k):
        step = np.zeros(k)
        step[j] = _HESSIAN_STEP
        hessian[j] = (neg_log_likelihood(z + step)[1] - base) / _HESSIAN_STEP
    return (hessian + hessian.T) / 2


def log_gradients(
    fun: Callable[[np.ndarray], np.ndarray], log_params: np.ndarray, *, link: str = "log"
) -> tuple[np.ndarray, np.ndarray]:
    """Value of ``fun`` and the gradient of ``link(fun)`` over the log-parameters.

    Forward differences, one extra evaluation per parameter. Returns the value
    (array) and a ``(k, ...)`` array of gradients.

    Examples
    --------
    ``exp(2 z0 + z1)`` has log-gradient (2, 1):

    >>> value, grads = log_gradients(lambda z: np.exp(2 * z[0] + z[1]), np.zeros(2))
    >>> float(value), grads.round(4).tolist()
    (1.0, [2.0, 1.0])
    """
    value = np.asarray(fun(log_params), dtype=float)
    base = _link(value, link)
    grads = []
    for j in range(len(log_params)):
        shifted = np.array(log_params, dtype=float)
        shifted[j] += _DELTA_STEP
        with np.errstate(invalid="ignore"):
            step = (_link(np.asarray(fun(shifted), dtype=float), link) - base) / _DELTA_STEP
        # A value on the link's edge (survival of exactly 1) has no spread.
        grads.append(np.where(np.isfinite(step), step, 0.0))
    return value, np.stack(grads)


def quadratic_form(grads: np.ndarray, covariance: np.ndarray) -> np.ndarray:
    """``g' C g`` for every column of ``grads`` (``k`` rows), as plain sums.

    Examples
    --------
    >>> quadratic_form(np.array([[1.0, 2.0], [1.0, 0.0]]), np.eye(2)).tolist()
    [2.0, 4.0]
    """
    k = grads.shape[0]
    total = np.zeros(grads.shape[1:])
    for i in range(k):
        for j in range(k):
            total = total + covariance[i, j] * grads[i] * grads[j]
    return np.maximum(total, 0.0)


def to_range(value, variance, *, link: str = "log", level: float = RANGE_LEVEL) -> Range:
    """Turn a value and the variance of ``link(value)`` into a :class:`Range`.

    ``link="log"`` keeps positive quantities positive; ``link="logit"`` keeps
    shares (survival) between 0 and 1. Where the value sits exactly on the
    link's edge (0, or 1 for logit) the range collapses to the value.

    Examples
    --------
    A value of 2 with a standard error of 0.1 on the log scale:

    >>> r = to_range(2.0, 0.01)
    >>> round(r.low, 3), r.likely, round(r.high, 3)
    (1.697, 2.0, 2.358)
    """
    value = np.asarray(value, dtype=float)
    z = float(ndtri(0.5 + level / 2))
    spread = z * np.sqrt(np.asarray(variance, dtype=float))
    centre = _link(value, link)
    with np.errstate(invalid="ignore"):
        if link == "log":
            low, high = np.exp(centre - spread), np.exp(centre + spread)
        else:
            low, high = expit(centre - spread), expit(centre + spread)
    edge = ~np.isfinite(centre)
    low = np.where(edge, value, low)
    high = np.where(edge, value, high)
    if value.ndim == 0:
        return Range(float(low), float(value), float(high))
    return Range(low, value, high)


def _link(value: np.ndarray, link: str) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        if link == "log":
            return np.log(value)
        return np.log(value) - np.log1p(-value)


def compress(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group identical rows so a likelihood is computed once per distinct row.

    Each column is first turned into integer codes (hashing, once), the codes
    are packed into one 64-bit key, and the keys are sorted; a change between
    neighbours marks a new group.

    Returns
    -------
    inverse : ndarray of intp
        Group of every input row.
    first : ndarray of intp
        One input row per group (use it to read the group's values).
    counts : ndarray of float
        Number of input rows in every group.

    Examples
    --------
    >>> inverse, first, counts = compress(np.array([1, 0, 1]), np.array([2.0, 5.0, 2.0]))
    >>> inverse.tolist(), first.tolist(), counts.tolist()
    ([0, 1, 0], [0, 1], [2.0, 1.0])
    """
    n = len(columns[0])
    bits = max(int(n - 1).bit_length(), 1)  # room for the row number below the key
    key = np.zeros(n, dtype=np.int64)
    size = 1
    for column in columns:
        codes, uniques = pd.factorize(column, sort=False)
        if size * len(uniques) >= 2 ** (62 - bits):  # renumber the key so it stays small
            key, packed = pd.factorize(key, sort=False)
            size = len(packed)
        key = key * len(uniques) + codes
        size *= max(len(uniques), 1)
    # Sort key and row number together as one 64-bit integer: far faster than argsort.
    packed_rows = np.sort((key << bits) | np.arange(n, dtype=np.int64))
    order = packed_rows & ((1 << bits) - 1)
    sorted_key = packed_rows >> bits
    starts = np.empty(n, dtype=bool)
    starts[:1] = True
    np.not_equal(sorted_key[1:], sorted_key[:-1], out=starts[1:])
    group_sorted = np.cumsum(starts) - 1
    inverse = np.empty(n, dtype=np.intp)
    inverse[order] = group_sorted
    first = order[starts]
    counts = np.diff(np.append(np.flatnonzero(starts), n)).astype(float)
    return inverse, first, counts
