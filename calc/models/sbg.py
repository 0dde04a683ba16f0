"""Subscription retention: the shifted-beta-geometric (sBG) model.

Every subscriber has their own chance ``theta`` of cancelling at each renewal,
and keeps it for life; across subscribers ``theta`` follows a beta
distribution with parameters ``alpha`` and ``beta``. Customers with a high
chance leave early, so the retention rate of a cohort rises over time even
though nobody's own chance changes. Fitted to the number of customers still
active at the start and after every period (a cohort table), the model projects
survival, retention and the discounted value of a subscriber.

One period is whatever the table uses (a month, a year); every rate below is
per that period.

References
----------
Fader, P. S. and Hardie, B. G. S. (2007), "How to project customer retention",
Journal of Interactive Marketing 21(1), 76-90 (model, likelihood, the
Regular / High End data in ``tests/fixtures/models/sbg_survival_fader_hardie_2007.csv``).

Fader, P. S. and Hardie, B. G. S. (2010), "Customer-base valuation in a
contractual setting: the perils of ignoring heterogeneity", Marketing Science
29(1), 85-93 (discounted expected lifetime and residual lifetime).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import betaln, digamma, hyp2f1

from calc.errors import DataError, FitError, InputError
from calc.messages import Message
from calc.models._fit import (
    RANGE_LEVEL,
    Range,
    log_gradients,
    maximise,
    quadratic_form,
    to_range,
)

#: Fewest points (start plus two periods) that can identify two parameters.
MIN_PERIODS = 3

#: Whole-number inputs, as messages name them.
_LABELS = {
    "horizon": Message("models.fields.horizon"),
    "periods": Message("models.fields.periods"),
    "renewals": Message("models.fields.renewals"),
}


@dataclass(frozen=True)
class SBGModel:
    """A fitted sBG model of one cohort.

    Attributes
    ----------
    alpha, beta : float
        Parameters of the beta distribution of the per-period chance of
        cancelling; its mean is ``alpha / (alpha + beta)``.
    log_likelihood : float
        Maximised log-likelihood of the cohort table.
    n_customers : int
        Customers in the cohort at period 0.
    periods : int
        Periods observed after the start.
    covariance : ndarray
        Covariance of ``(log alpha, log beta)``, for the ranges.
    held : tuple of str
        Parameters the data could not fix, held by the weak penalty of
        :mod:`calc.models._fit`. Both ``alpha`` and ``beta`` held high: every
        subscriber seems to have the same chance of cancelling, and the model
        stands in for a constant churn of ``alpha / (alpha + beta)`` a period
        (:attr:`churn_alike`).
    """

    alpha: float
    beta: float
    log_likelihood: float
    n_customers: int
    periods: int
    covariance: np.ndarray = field(repr=False)
    held: tuple[str, ...] = ()

    @property
    def churn_alike(self) -> bool:
        """The data show no spread of the chance of cancelling between subscribers.

        Examples
        --------
        >>> _example().churn_alike, fit([1000, 900, 810, 729, 656, 590, 531]).churn_alike
        (False, True)
        """
        return bool(self.held)

    def survival(self, t):
        """Share of a new cohort still active after ``t`` periods.

        Parameters
        ----------
        t : int or array of int
            Periods since the start (0, 1, 2, ...).

        Returns
        -------
        float or ndarray
            Share between 0 and 1; ``survival(0) == 1``.

        Notes
        -----
        ``S(t) = B(alpha, beta + t) / B(alpha, beta)``, with ``B`` the beta
        function. It never increases with ``t``.

        Examples
        --------
        >>> m = _example()
        >>> round(m.survival(1), 3), round(m.survival(12), 3)
        (0.851, 0.378)
        """
        return _survival(self.alpha, self.beta, _periods(t, "t"))

    def retention(self, t):
        """Share of the customers active after ``t - 1`` periods who renew at ``t``.

        Parameters
        ----------
        t : int or array of int
            Period, 1 or more.

        Returns
        -------
        float or ndarray
            Retention rate between 0 and 1; it rises with ``t``.

        Notes
        -----
        ``r(t) = (beta + t - 1) / (alpha + beta + t - 1)``.

        Examples
        --------
        >>> m = _example()
        >>> round(m.retention(1), 3), round(m.retention(12), 3)
        (0.851, 0.957)
        """
        t = _periods(t, "t")
        if np.any(np.asarray(t) < 1):
            raise InputError("t", "models.sbg.retention_from_period_1")
        return _scalar((self.beta + t - 1) / (self.alpha + self.beta + t - 1))

    def derl(self, discount_rate: float, renewals: int = 0) -> float:
        """Discounted expected residual lifetime of a current subscriber.

        For a customer who has made ``renewals`` renewals and is now up for the
        next one, the expected number of further payments, each discounted to
        today. Multiply by the margin per payment to get the customer's
        remaining value.

        Parameters
        ----------
        discount_rate : float
            Discount rate per period, a fraction (0.10 for 10% a year with
            yearly periods), 0 or more.
        renewals : int
            Renewals already made, 0 or more (0: a customer who has paid once).

        Returns
        -------
        float
            Discounted number of future payments, counting the coming renewal
            payment as due now (undiscounted).

        Raises
        ------
        InputError
            Negative discount rate or renewals; a discount rate of 0 when the
            fitted cohort has no finite expected lifetime (``alpha <= 1``).

        Notes
        -----
        With ``n = renewals + 1``:
        ``DERL = B(alpha, beta + n) / B(alpha, beta + n - 1)
        * 2F1(1, beta + n; alpha + beta + n; 1 / (1 + d))``,
        ``2F1`` the Gauss hypergeometric function. It equals the sum over
        ``t >= n`` of ``S(t) / S(n - 1) / (1 + d) ** (t - n)``.

        References
        ----------
        Fader and Hardie (2010), equation for DERL(d | alpha, beta, n - 1 renewals).

        Examples
        --------
        >>> m = _example()
        >>> round(m.derl(0.10, renewals=4), 2)
        6.9
        """
        d = _discount(discount_rate, self.alpha)
        n = _whole(renewals, "renewals") + 1
        return float(_derl(self.alpha, self.beta, d, n))

    def del_(self, discount_rate: float) -> float:
        """Discounted expected lifetime of a new subscriber, first payment included.

        Parameters
        ----------
        discount_rate : float
            Discount rate per period, a fraction, 0 or more.

        Returns
        -------
        float
            Discounted number of payments, the first (now) counting as 1.

        Raises
        ------
        InputError
            Negative discount rate, or 0 when ``alpha <= 1``.

        Notes
        -----
        ``DEL = 2F1(1, beta; alpha + beta; 1 / (1 + d)) = 1 + DERL(d, 0) / (1 + d)``.

        Examples
        --------
        >>> m = _example()
        >>> round(m.del_(0.10), 2)
        5.92
        """
        d = _discount(discount_rate, self.alpha)
        return float(_del(self.alpha, self.beta, d))

    def expected_lifetime(self, horizon: int | None = None) -> float:
        """Expected number of periods a new subscriber pays for, first included.

        Parameters
        ----------
        horizon : int, optional
            Count only the first ``horizon`` periods (1 or more). Needed when
            ``alpha <= 1``: such a cohort has a long tail of customers who
            almost never leave, and its average lifetime is unbounded.

        Returns
        -------
        float
            Periods. Without a horizon ``(alpha + beta - 1) / (alpha - 1)``;
            with one, the sum of ``S(t)`` for ``t = 0 .. horizon - 1``.

        Raises
        ------
        InputError
            No horizon while ``alpha <= 1``, or a horizon below 1.

        Examples
        --------
        >>> m = _example()
        >>> round(m.expected_lifetime(horizon=12), 2)
        7.16
        """
        if horizon is None:
            if self.alpha <= 1:
                raise InputError("horizon", "models.sbg.lifetime_unbounded")
            return (self.alpha + self.beta - 1) / (self.alpha - 1)
        h = _whole(horizon, "horizon")
        if h < 1:
            raise InputError("horizon", "models.sbg.horizon_too_short")
        return float(np.sum(_survival(self.alpha, self.beta, np.arange(h))))

    def expected_lifetime_range(self, horizon: int) -> Range:
        """:meth:`expected_lifetime` within ``horizon`` periods as low / likely / high.

        Examples
        --------
        >>> r = _example().expected_lifetime_range(12)
        >>> r.low < r.likely < r.high
        True
        """
        h = _whole(horizon, "horizon")
        if h < 1:
            raise InputError("horizon", "models.sbg.horizon_too_short")
        t = np.arange(h)
        return self._range(lambda a, b: np.sum(_survival(a, b, t)), "log")

    def derl_range(self, discount_rate: float, renewals: int = 0) -> Range:
        """:meth:`derl` as low / likely / high (90% range from parameter uncertainty).

        Examples
        --------
        >>> r = _example().derl_range(0.10, renewals=4)
        >>> round(r.likely, 2), r.low < r.likely < r.high
        (6.9, True)
        """
        d = _discount(discount_rate, self.alpha)
        n = _whole(renewals, "renewals") + 1
        return self._range(lambda a, b: _derl(a, b, d, n), "log")

    def project(self, periods: int) -> pd.DataFrame:
        """Survival and retention for periods 0 .. ``periods`` with ranges.

        Parameters
        ----------
        periods : int
            Last period to project, 1 or more (observed periods included).

        Returns
        -------
        DataFrame
            One row per period: ``period``; ``survival_low``, ``survival``,
            ``survival_high`` (shares of the starting cohort);
            ``active_low``, ``active``, ``active_high`` (customers, the shares
            times the cohort size); ``retention_low``, ``retention``,
            ``retention_high`` (0 for period 0, where it is undefined).
            The ranges cover 90% of the parameter uncertainty.

        Examples
        --------
        >>> p = _example().project(12)
        >>> p.loc[12, ["period", "survival"]].round(3).tolist()
        [12.0, 0.378]
        """
        last = _whole(periods, "periods")
        if last < 1:
            raise InputError("periods", "models.sbg.project_too_short")
        t = np.arange(last + 1)
        surv = self._range(lambda a, b: _survival(a, b, t), "logit")
        ret_t = np.maximum(t, 1)
        ret = self._range(lambda a, b: (b + ret_t - 1) / (a + b + ret_t - 1), "logit")
        mask = t >= 1
        frame = pd.DataFrame({"period": t})
        for name, rng, scale in (("survival", surv, 1.0), ("active", surv, self.n_customers)):
            frame[f"{name}_low"] = rng.low * scale
            frame[name] = rng.likely * scale
            frame[f"{name}_high"] = rng.high * scale
        frame["retention_low"] = np.where(mask, ret.low, 0.0)
        frame["retention"] = np.where(mask, ret.likely, 0.0)
        frame["retention_high"] = np.where(mask, ret.high, 0.0)
        return frame

    def _range(self, fun, link: str) -> Range:
        z = np.log([self.alpha, self.beta])
        value, grads = log_gradients(lambda p: fun(*np.exp(p)), z, link=link)
        variance = quadratic_form(grads, self.covariance)
        return to_range(value, variance, link=link, level=RANGE_LEVEL)


def fit(active) -> SBGModel:
    """Fit the sBG model to the customers still active after each period.

    Parameters
    ----------
    active : array-like of int, or a table of them
        One cohort: customers active at period 0 (the cohort size), after 1
        period, after 2 periods, ... (never increasing). Several cohorts: a
        2-D array or DataFrame with one cohort per row, or a list of lists;
        periods a cohort has not reached yet are left out (shorter lists) or
        empty (NaN at the end of the row). The longest cohort needs at least
        3 values.

    Returns
    -------
    SBGModel
        Fitted ``alpha``, ``beta``, log-likelihood and the curves built on them;
        ``n_customers`` is the total of the cohorts' starting sizes.

    Raises
    ------
    DataError
        Counts that are negative, not whole, missing inside a cohort, or that rise.
    FitError
        Fewer than 3 values in the longest cohort; nobody left; everybody left
        in the first period. A cohort with the same churn every period is no
        error: ``alpha`` and ``beta`` run off together, are held near that
        limit (a constant churn) and named in :attr:`SBGModel.held`.

    Notes
    -----
    With ``n_t`` active after ``t`` periods, ``n_{t-1} - n_t`` customers left
    at ``t``, each with probability
    ``P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta)``, and ``n_last``
    are still active, each with probability ``S(last)``. The log-likelihood is
    the sum of these counts times the log-probabilities, over all cohorts
    (each cohort is observed up to its own last period).

    References
    ----------
    Fader and Hardie (2007), sections 3-4 and appendix.

    Examples
    --------
    The High End cohort of Fader and Hardie (2007), years 0-7:

    >>> m = fit([1000, 869, 743, 653, 593, 551, 517, 491])
    >>> round(m.alpha, 3), round(m.beta, 3)
    (0.668, 3.806)

    Three cohorts that started in different years, pooled:

    >>> m = fit([[1000, 869, 743, 653, 593], [1000, 870, 750], [1000, 860]])
    >>> m.n_customers, m.periods, round(m.alpha, 2), round(m.beta, 2)
    (3000, 4, 1.55, 9.64)
    """
    cohorts = _check_active(active)
    neg_ll, starting, n = _problem(cohorts)
    opt = maximise(
        neg_ll,
        np.zeros(2),
        names=("alpha", "beta"),
        model=Message("models.fit.sbg"),
        scale=starting,
    )
    alpha, beta = np.exp(opt.log_params)
    return SBGModel(
        alpha=float(alpha),
        beta=float(beta),
        log_likelihood=float(opt.log_likelihood),
        n_customers=int(starting),
        periods=n,
        covariance=opt.covariance,
        held=opt.held,
    )


def _problem(cohorts: list[np.ndarray]):
    """Minus the log-likelihood of checked cohorts, their total size and periods.

    The search starts at, and the weak penalty is centred on, alpha = beta = 1
    (every chance of cancelling equally likely).
    """
    n = max(c.size for c in cohorts) - 1
    lost = np.zeros(n)  # customers who left at periods 1..n, all cohorts
    left = np.zeros(n + 1)  # customers still active when their cohort's data end
    for counts in cohorts:
        lost[: counts.size - 1] += counts[:-1] - counts[1:]
        left[counts.size - 1] += counts[-1]
    starting = sum(c[0] for c in cohorts)
    t = np.arange(1, n + 1, dtype=float)
    ends = np.arange(n + 1, dtype=float)
    if lost.sum() == 0:
        raise FitError("models.sbg.nobody_left")
    if all(c.size < 2 or c[1] == 0 for c in cohorts):
        raise FitError("models.sbg.all_left_at_once")

    def neg_ll(z: np.ndarray) -> tuple[float, np.ndarray]:
        a, b = np.exp(z)
        base = betaln(a, b)
        ll = np.sum(lost * (betaln(a + 1, b + t - 1) - base)) + np.sum(
            left * (betaln(a, b + ends) - base)
        )
        dab = digamma(a + b)
        d_base_a, d_base_b = digamma(a) - dab, digamma(b) - dab
        ga = np.sum(lost * (digamma(a + 1) - digamma(a + b + t) - d_base_a)) + np.sum(
            left * (digamma(a) - digamma(a + b + ends) - d_base_a)
        )
        gb = np.sum(lost * (digamma(b + t - 1) - digamma(a + b + t) - d_base_b)) + np.sum(
            left * (digamma(b + ends) - digamma(a + b + ends) - d_base_b)
        )
        return -ll, -np.array([ga * a, gb * b])

    return neg_ll, starting, n


def _check_active(active) -> list[np.ndarray]:
    """The cohorts as float arrays, trailing empty periods removed."""
    if isinstance(active, pd.DataFrame):
        active = active.to_numpy(dtype=float)
    try:
        table = np.asarray(active, dtype=float)
    except (TypeError, ValueError):
        rows = _ragged(active)
        several = True
    else:
        if table.ndim not in (1, 2):
            raise DataError("models.sbg.counts_shape")
        several = table.ndim == 2
        rows = list(table) if several else [table]
    cohorts = []
    for i, row in enumerate(rows):
        filled = np.flatnonzero(~np.isnan(row))
        counts = row[: filled[-1] + 1] if filled.size else row[:0]
        position = lambda j, _i=i: [_i + 1] if several else [j + 1]  # noqa: E731
        bad = np.flatnonzero(~np.isfinite(counts) | (counts < 0) | (counts != np.round(counts)))
        if bad.size:
            where = {
                "column": "active",
                "rows": position(bad[0]) if several else (bad + 1).tolist(),
                "example": str(counts[bad[0]]),
                "period": int(bad[0]),
            }
            if several:
                raise DataError("models.sbg.count_not_whole_in_cohort", cohort=i + 1, **where)
            raise DataError("models.sbg.count_not_whole", **where)
        if counts.size == 0:
            continue
        if counts[0] <= 0:
            where = {"column": "active", "rows": position(0), "example": str(counts[0])}
            if several:
                raise DataError("models.sbg.first_count_zero_in_cohort", cohort=i + 1, **where)
            raise DataError("models.sbg.first_count_zero", **where)
        rising = np.flatnonzero(np.diff(counts) > 0) + 1
        if rising.size:
            where = {
                "column": "active",
                "rows": position(rising[0]) if several else (rising + 1).tolist(),
                "example": str(counts[rising[0]]),
                "period": int(rising[0]),
            }
            if several:
                raise DataError("models.sbg.count_rises_in_cohort", cohort=i + 1, **where)
            raise DataError("models.sbg.count_rises", **where)
        cohorts.append(counts)
    longest = max((c.size for c in cohorts), default=0)
    if longest < MIN_PERIODS:
        raise FitError("models.sbg.too_short", longest=longest)
    return cohorts


def _ragged(active) -> list[np.ndarray]:
    """Cohorts of different lengths, given as a list of lists."""
    try:
        return [np.asarray(row, dtype=float).ravel() for row in active]
    except (TypeError, ValueError):
        raise DataError("models.sbg.not_numbers", column="active") from None


def _survival(a, b, t):
    return _scalar(np.exp(betaln(a, b + t) - betaln(a, b)))


def _derl(a, b, d, n):
    ratio = np.exp(betaln(a, b + n) - betaln(a, b + n - 1))
    if d == 0:
        return ratio * (a + b + n - 1) / (a - 1)
    return ratio * hyp2f1(1.0, b + n, a + b + n, 1.0 / (1.0 + d))


def _del(a, b, d):
    if d == 0:
        return (a + b - 1) / (a - 1)
    return hyp2f1(1.0, b, a + b, 1.0 / (1.0 + d))


def _discount(rate, alpha: float) -> float:
    d = float(rate)
    if not np.isfinite(d) or d < 0:
        raise InputError("discount_rate", "models.sbg.discount_negative")
    if d == 0 and alpha <= 1:
        raise InputError("discount_rate", "models.sbg.discount_needed")
    return d


def _whole(value, name: str) -> int:
    number = float(value)
    if not np.isfinite(number) or number != round(number) or number < 0:
        raise InputError(name, "models.sbg.not_whole", label=_LABELS[name])
    return int(number)


def _periods(t, name: str):
    arr = np.asarray(t, dtype=float)
    if np.any(~np.isfinite(arr)) or np.any(arr < 0):
        raise InputError(name, "models.sbg.periods_negative")
    return arr


def _scalar(value):
    value = np.asarray(value, dtype=float)
    return float(value) if value.ndim == 0 else value


def _example() -> SBGModel:
    """The High End fit of Fader and Hardie (2007), for the examples."""
    return fit([1000, 869, 743, 653, 593, 551, 517, 491])
