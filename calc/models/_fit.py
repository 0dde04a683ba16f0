"""Shared machinery of the models: maximum likelihood, ranges and row compression.

Every model is fitted by maximising its log-likelihood over the logarithms of
its parameters (so they stay positive), in three steps that make the answer a
property of the data, not of where an optimiser happens to stop:

1. **Penalised search.** Newton steps (when the model gives its exact
   Hessian, as BG/NBD does) or L-BFGS-B (analytic gradient) maximise the
   log-likelihood minus a weak penalty on every log-parameter ``z``, measured
   from a centre ``c`` the model derives from the data (for BG/NBD the rate of
   the average customer)::

       (z - c) ** 2 / (2 * 100 ** 2) + ((z - c) / 9) ** 8 / 8

   Within a factor e**7 (about 1,100) of the centre it is all but nil (at
   most 0.02); beyond e**9 (about 8,100) it rises steeply, smoothly (so
   Newton steps converge fast). It gives the
   objective a single peak even where the data are flat, so the Newton steps
   (:func:`_newton`) pin that peak down to 1e-8 on the log scale, whatever
   the starting point, a first search by another method, or the machine.
2. **Does the data alone have a peak?** From the penalised peak, Newton steps
   on the log-likelihood alone. If they settle inside the allowed range on a
   peak that curves in every direction (no direction along which the
   parameters are uncertain by more than a factor e**3 = 20), that peak is the
   maximum likelihood estimate and is returned: the penalty then has no
   influence at all (the CDNOW parameters are reproduced exactly).
3. **Otherwise the penalised fit is the answer.** When the likelihood keeps
   rising towards an edge (BG/NBD's ``alpha`` to infinity: every customer buys
   at the same rate; sBG's ``alpha`` and ``beta`` to infinity: every
   subscriber has the same chance of leaving; BG/NBD's ``a`` to 0: nobody
   seems to leave) or is flat along a line, the parameters that ran off are
   reported as :attr:`Optimum.held`. The likelihood there is flat to a few
   thousandths of a unit, so even the weak penalty would decide how far they
   go; instead each held parameter is tied (standard deviation 1) a factor
   e**3 (20) beyond the penalised peak, the way the likelihood rises, and
   Newton steps pin the result down again. That lands close to the limiting
   model (an sBG cohort with alpha + beta near ten thousand is a constant
   churn; a gamma of purchase rates with shape in the thousands is
   everybody buying at one rate).
   Forecasts that do not depend on how far they ran (a rate, a churn) are
   pinned down by the data; the ranges use the likelihood's curvature with
   the held parameters known to within a factor e**3.

This is the same device as lifetimes' ``penalizer_coef`` (an L2 penalty on
the parameters) and PyMC-Marketing's priors, but applied only where the data
cannot decide, and on the log scale so it does not depend on the time unit.
The curvature of the objective at the optimum (the Hessian: the model's exact
one, or finite differences of the gradient) gives the uncertainty of the
parameters, and the delta method turns that into low / likely / high ranges
for anything computed from them.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import expit, ndtri

from calc.errors import FitError
from calc.messages import Message

#: Parameters are searched between 1e-6 and 1e7 (on the log scale). A penalised
#: optimum at either end means the data push a parameter past anything sensible.
LOG_LOWER = float(np.log(1e-6))
LOG_UPPER = float(np.log(1e7))

#: The weak penalty on each log-parameter, measured from the model's centre:
#: a tie-breaker of standard deviation 100 everywhere, plus a smooth wall,
#: ``(d / 9) ** 8 / 8``, that rises steeply beyond a distance of 9 (a factor of
#: about 8,100). Only reported where the data alone cannot fix a parameter.
PENALTY_SD = 100.0
PENALTY_WALL = 9.0
#: A direction of the log-parameters known to no better than this standard
#: deviation (a factor e**3 = 20) is one the data cannot fix.
FLAT_SD = 3.0

#: Share of the parameter uncertainty covered by every low-high range.
RANGE_LEVEL = 0.90

_BOUNDARY_TOLERANCE = 0.05
_UNDEFINED = 1e300  # objective value where the likelihood is not defined
_HESSIAN_STEP = 1e-4
# Newton steps stop when no log-parameter moves by more than this.
_NEWTON_STEP = 1e-8
_NEWTON_ITERATIONS = 200
# A parameter that moved by more than this (log scale) from the penalised peak
# while the likelihood alone ran off is reported as held.
_RAN_OFF = 0.5
# How far (log scale) the centre of a held parameter moves the way it ran off.
HOLD_SHIFT = 3.0
# Step of the forward differences behind every range. Not smaller: with large
# parameters (an sBG fit with alpha ~ 1e5, customers all alike) the values are
# differences of log-beta terms of ~1e5, and a 1e-6 step turned their rounding
# error into gradients off by 2%, which the long, thin parameter uncertainty of
# such fits blew up into ranges five times too wide.
_DELTA_STEP = 1e-4
# Values per evaluation from which the evaluations behind a range run in two threads.
_PARALLEL_SIZE = 10_000


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
    """Where the likelihood peaks, and how sharply.

    Attributes
    ----------
    log_params : ndarray
        The fitted log-parameters.
    log_likelihood : float
        The log-likelihood (without the penalty) at ``log_params``.
    covariance : ndarray
        Covariance of the log-parameters: the inverse Hessian of minus the
        log-likelihood, plus the penalty's curvature when ``held``.
    held : tuple of str
        Names of the parameters the data could not fix, held by the weak
        penalty; empty for a maximum likelihood fit.
    """

    log_params: np.ndarray
    log_likelihood: float
    covariance: np.ndarray
    held: tuple[str, ...] = ()


def maximise(
    neg_log_likelihood: Callable[[np.ndarray], tuple[float, np.ndarray]],
    start: np.ndarray,
    *,
    names: tuple[str, ...],
    model: str | Message,
    scale: float,
    centre: np.ndarray | None = None,
    method: str | None = None,
    hessian: Callable[[np.ndarray], np.ndarray] | None = None,
) -> Optimum:
    """Maximise a log-likelihood over log-parameters; hold what the data cannot fix.

    Parameters
    ----------
    neg_log_likelihood : callable
        Takes the log-parameters, returns minus the log-likelihood and its
        gradient with respect to the log-parameters.
    start : ndarray
        Starting log-parameters of the search (the answer does not depend on it).
    names : tuple of str
        Parameter names, used in messages and :attr:`Optimum.held`.
    model : str or Message
        Model name as the user sees it, used in messages: a
        :class:`~calc.messages.Message` such as ``models.fit.bgnbd``
        (English "repeat-purchase (BG/NBD)"), or a plain name.
    scale : float
        Number of customers; the search's objective is divided by it so its
        stopping rules do not depend on the size of the data.
    centre : ndarray, optional
        Centre of the weak penalty, log-parameters; ``start`` by default.
    method : str, optional
        The first search: scipy's ``"L-BFGS-B"`` or ``"Nelder-Mead"``, or
        ``"Newton"`` (Newton steps from ``start`` alone). By default Newton
        when ``hessian`` is given, else L-BFGS-B: the fewest passes over the
        data (a 400k-customer BG/NBD fit: 16 evaluations and 11 exact
        Hessians, against 49 evaluations for L-BFGS-B with Hessians taken by
        finite differences). The tests use all three to show the answer does
        not depend on it.
    hessian : callable, optional
        Takes the log-parameters, returns the Hessian of minus the
        log-likelihood. Without it the Hessian is taken by finite differences
        of the gradient (one evaluation per parameter).

    Returns
    -------
    Optimum
        Log-parameters, log-likelihood, covariance of the log-parameters and
        the names of the parameters held by the penalty.

    Raises
    ------
    FitError
        The likelihood is undefined where the search went, or even with the
        penalty a parameter runs to the edge of the allowed range.

    Notes
    -----
    The penalised objective is ``-ln L(z) + penalty(z - centre)``, the
    penalty of :func:`penalty`. See the module description for the three
    steps; the verdict (which parameters are held) depends only on the
    likelihood's shape and the data.

    Examples
    --------
    Minus a log-likelihood with its peak at log-parameters (1, 2):

    >>> def f(z):
    ...     return float(((z - [1.0, 2.0]) ** 2).sum()), 2 * (z - [1.0, 2.0])
    >>> opt = maximise(f, np.zeros(2), names=("a", "b"), model="example", scale=1.0)
    >>> opt.log_params.round(6).tolist(), opt.covariance.round(6).tolist(), opt.held
    ([1.0, 2.0], [[0.5, 0.0], [0.0, 0.5]], ())

    A likelihood that only knows ``a + b`` (a ridge): the penalty picks the
    point of the ridge where likelihood and penalty balance, and says so:

    >>> def ridge(z):
    ...     s = z[0] + z[1] - 3
    ...     return float(s**2), np.array([2 * s, 2 * s])
    >>> opt = maximise(ridge, np.zeros(2), names=("a", "b"), model="example", scale=1.0)
    >>> opt.log_params.round(6).tolist(), opt.held
    ([1.499962, 1.499962], ('a', 'b'))
    """
    start = np.asarray(start, dtype=float)
    centre = start if centre is None else np.asarray(centre, dtype=float)
    lower = np.full(start.size, LOG_LOWER)
    upper = np.full(start.size, LOG_UPPER)

    def penalised(z: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = neg_log_likelihood(z)
        if not np.isfinite(value) or not np.all(np.isfinite(grad)):
            return _UNDEFINED, np.zeros_like(z)
        extra, extra_grad = penalty(z - centre)
        return value + extra, grad + extra_grad

    def curvature(extra: Callable[[np.ndarray], np.ndarray]):
        """The Hessian of minus the log-likelihood plus a penalty whose own is ``extra(z)``
        (a diagonal); None (finite differences) when no ``hessian`` was given."""
        if hessian is None:
            return None
        return lambda z: hessian(z) + np.diag(extra(z))

    def scaled(z: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = penalised(z)
        return value / scale, grad / scale

    first = np.clip(start, lower, upper)
    if method is None:
        method = "L-BFGS-B" if hessian is None else "Newton"
    if method == "Newton":
        pass  # the Newton steps below start from `start` directly
    elif method == "Nelder-Mead":
        res = minimize(
            lambda z: scaled(np.clip(z, lower, upper))[0],
            first,
            method="Nelder-Mead",
            options={"maxiter": 4000, "maxfev": 4000, "xatol": 1e-4, "fatol": 1e-9},
        )
        first = np.clip(res.x, lower, upper)
    else:
        res = minimize(
            scaled,
            first,
            jac=True,
            method="L-BFGS-B",
            bounds=list(zip(lower, upper, strict=True)),
            options={"maxiter": 3000, "ftol": 1e-12, "gtol": 1e-7},
        )
        first = res.x
    if penalised(first)[0] >= _UNDEFINED:
        raise FitError("models.fit.not_settled", model=model)
    z_pen = _newton(
        penalised, first, lower, upper, curvature(lambda z: penalty_curvature(z - centre))
    )
    for name, zi in zip(names, z_pen, strict=True):
        if zi < LOG_LOWER + _BOUNDARY_TOLERANCE or zi > LOG_UPPER - _BOUNDARY_TOLERANCE:
            raise FitError("models.fit.boundary", model=model, name=name, value=float(np.exp(zi)))
    value, grad = penalised(z_pen)
    if value >= _UNDEFINED or np.max(np.abs(grad)) > 1e-6 * max(scale, 1.0):
        raise FitError("models.fit.not_settled", model=model)

    def held_fit(held: np.ndarray, direction: np.ndarray) -> Optimum:
        # Where the likelihood keeps rising, even the weak penalty would decide
        # how far a held parameter goes. Instead its centre moves a factor
        # e**HOLD_SHIFT further the way the likelihood rises, and it is tied
        # there (standard deviation 1), so the answer sits near the limiting
        # model at a place fixed by the data, not by the search.
        target = np.clip(z_pen + HOLD_SHIFT * direction, LOG_LOWER + 3, LOG_UPPER - 3)
        tied = held & (direction != 0)

        def limit(z: np.ndarray) -> tuple[float, np.ndarray]:
            value, grad = neg_log_likelihood(z)
            if not np.isfinite(value) or not np.all(np.isfinite(grad)):
                return _UNDEFINED, np.zeros_like(z)
            extra, extra_grad = penalty(np.where(tied, 0.0, z - centre))
            d = np.where(tied, z - target, 0.0)
            return value + extra + float(np.sum(d * d)) / 2, grad + extra_grad + d

        def limit_curvature(z: np.ndarray) -> np.ndarray:
            return np.where(tied, 1.0, penalty_curvature(np.where(tied, 0.0, z - centre)))

        z_held = z_pen
        if np.any(tied):
            start = np.where(tied, target, z_pen)
            z_held = _newton(limit, start, lower, upper, curvature(limit_curvature))
            if limit(z_held)[0] >= _UNDEFINED:
                raise FitError("models.fit.not_settled", model=model)
        # Uncertainty: the likelihood's curvature, with the held parameters
        # known to within a factor e**3 (what "held" means) on top.
        curve = likelihood_curvature(z_held) + np.diag(held / FLAT_SD**2)
        ll = -neg_log_likelihood(z_held)[0]
        names_held = tuple(n for n, h in zip(names, held, strict=True) if h)
        return Optimum(z_held, float(ll), _inverse(curve, model), names_held)

    def likelihood_curvature(z: np.ndarray) -> np.ndarray:
        return hessian(z) if hessian is not None else _hessian(neg_log_likelihood, z)

    # Step 2: is there a peak of the likelihood alone?
    z_ml = _newton(neg_log_likelihood, z_pen, lower, upper, hessian)
    value, grad = neg_log_likelihood(z_ml)
    edge = (z_ml < LOG_LOWER + _BOUNDARY_TOLERANCE) | (z_ml > LOG_UPPER - _BOUNDARY_TOLERANCE)
    away = z_ml - z_pen
    if not np.isfinite(value) or np.any(edge) or np.max(np.abs(grad)) > 1e-6 * max(scale, 1.0):
        ran = edge | (np.abs(away) > _RAN_OFF)
        if not np.any(ran):
            ran = np.abs(away) >= np.max(np.abs(away))
        return held_fit(ran, np.sign(away))
    curve = likelihood_curvature(z_ml)
    eigenvalues, vectors = np.linalg.eigh(curve)
    flat = ~np.isfinite(eigenvalues) | (eigenvalues < 1.0 / FLAT_SD**2)
    if np.any(flat):
        # Along the flat directions, which way does the likelihood still rise?
        # Nowhere (a ridge): the penalty's point stays. Onwards (a slope too
        # gentle to see, like a churn that is the same for everybody): tie there.
        v = vectors[:, flat]
        weight = np.max(np.abs(v), axis=1)
        rise = -(v @ (v.T @ neg_log_likelihood(z_pen)[1]))
        direction = np.where(np.abs(rise) > 1e-6, np.sign(rise), 0.0)
        return held_fit(weight > 0.3, direction)
    return Optimum(z_ml, float(-value), _inverse(curve, model), ())


def penalty(d: np.ndarray) -> tuple[float, np.ndarray]:
    """The weak penalty at distances ``d`` from the centre (log scale), and its gradient.

    ``sum(d ** 2 / (2 * 100 ** 2) + (d / 9) ** 8 / 8)``.

    Examples
    --------
    >>> value, grad = penalty(np.array([0.0, 9.0, 18.0]))
    >>> round(value, 4), grad.round(4).tolist()
    (32.1452, [0.0, 0.112, 14.224])
    """
    d = np.asarray(d, dtype=float)
    u = d / PENALTY_WALL
    value = float(np.sum(d * d) / (2 * PENALTY_SD**2) + np.sum(u**8) / 8)
    grad = d / PENALTY_SD**2 + u**7 / PENALTY_WALL
    return value, grad


def penalty_curvature(d: np.ndarray) -> np.ndarray:
    """The second derivative of :func:`penalty` along each distance ``d`` (its Hessian's diagonal).

    Examples
    --------
    >>> penalty_curvature(np.array([0.0, 9.0])).round(4).tolist()
    [0.0001, 0.0865]
    """
    u = np.asarray(d, dtype=float) / PENALTY_WALL
    return 1.0 / PENALTY_SD**2 + 7.0 * u**6 / PENALTY_WALL**2


def _inverse(hessian: np.ndarray, model) -> np.ndarray:
    eigenvalues = np.linalg.eigvalsh(hessian)
    if not np.all(np.isfinite(eigenvalues)) or eigenvalues.min() <= 1e-10 * max(
        eigenvalues.max(), 1.0
    ):
        raise FitError("models.fit.not_identified", model=model)
    return np.linalg.inv(hessian)


def _newton(
    fun: Callable[[np.ndarray], tuple[float, np.ndarray]],
    z: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    curvature: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """Newton steps with a backtracking line search, inside the bounds.

    Where the Hessian does not curve upwards in every direction, it is
    shifted until it does (Levenberg), so each step still goes downhill. Stops
    when no log-parameter moves by more than 1e-8, when no step lowers the
    objective, or after 60 steps. Deterministic: the same objective gives the
    same path. ``curvature(z)`` is the Hessian of ``fun``; by default it is
    taken by finite differences of the gradient.
    """
    z = np.clip(np.asarray(z, dtype=float), lower, upper)
    value, grad = fun(z)
    for _ in range(_NEWTON_ITERATIONS):
        if not np.isfinite(value) or value >= _UNDEFINED:
            break
        hessian = _hessian(fun, z, grad) if curvature is None else curvature(z)
        if not np.all(np.isfinite(hessian)):
            break
        eigenvalues, vectors = np.linalg.eigh(hessian)
        floor = 1e-8 * max(float(np.max(np.abs(eigenvalues))), 1e-12)
        eigenvalues = np.maximum(eigenvalues, floor)
        step = -(vectors @ ((vectors.T @ grad) / eigenvalues))
        biggest = np.max(np.abs(step))
        if biggest > 5.0:  # no jumps across the whole range on a flat stretch
            step *= 5.0 / biggest
        slope = float(np.dot(grad, step))
        t = 1.0
        moved = False
        while t > 1e-6:
            trial = np.clip(z + t * step, lower, upper)
            new_value, new_grad = fun(trial)
            if np.isfinite(new_value) and new_value <= value + 1e-4 * t * min(slope, 0.0):
                moved = True
                break
            # Near the peak the objective's change drowns in its rounding error
            # (1e-13 of a log-likelihood of 1e3..1e6); the gradient does not:
            # a full small step that shrinks it is taken.
            if (
                t == 1.0
                and biggest < 1e-3
                and np.all(np.isfinite(new_grad))
                and np.max(np.abs(new_grad)) < np.max(np.abs(grad))
            ):
                moved = True
                break
            t /= 2
        if not moved:
            break
        change = np.max(np.abs(trial - z))
        z, value, grad = trial, new_value, new_grad
        if change < _NEWTON_STEP:
            break
    return z


def _hessian(
    neg_log_likelihood: Callable[[np.ndarray], tuple[float, np.ndarray]],
    z: np.ndarray,
    base: np.ndarray | None = None,
) -> np.ndarray:
    """Hessian of minus the log-likelihood by forward differences of its gradient."""
    k = len(z)
    if base is None:
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
    points = [np.array(log_params, dtype=float)]
    for j in range(len(log_params)):
        point = np.array(log_params, dtype=float)
        point[j] += _DELTA_STEP
        points.append(point)
    value = np.asarray(fun(points[0]), dtype=float)

    def shifted(point: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):  # set in the thread that computes
            return fun(point)

    if value.size >= _PARALLEL_SIZE:
        # The evaluations are independent, and numpy and scipy's special functions let
        # go of the GIL: two threads take a 400k-customer CLV with its ranges (3 years,
        # monthly) from 0.74 to 0.55 s on two cores. Same values either way.
        with ThreadPoolExecutor(max_workers=2) as pool:
            shifted_values = list(pool.map(shifted, points[1:]))
    else:
        shifted_values = [shifted(point) for point in points[1:]]
    values = [value, *(np.asarray(v, dtype=float) for v in shifted_values)]
    base = _link(value, link)
    grads = []
    for shifted_value in values[1:]:
        with np.errstate(invalid="ignore"):
            step = (_link(shifted_value, link) - base) / _DELTA_STEP
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
