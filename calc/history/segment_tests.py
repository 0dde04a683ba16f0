"""Is the gap between two segments real? Tests of difference for rates and for value.

A two-proportion z-test (pooled standard error) for the repeat-purchase and
churn rates, with a 95% interval for the difference; a bootstrap interval
(fixed seed, a stated number of resamples) for the difference in value per
customer. Small segments are shown but not judged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from calc.errors import DataError
from calc.history.segments import (
    LEVEL,
    MIN_COUNT,
    MIN_CUSTOMERS,
    RESAMPLES,
    SEED,
    VALUE_DAYS,
    Segments,
)


@dataclass(frozen=True)
class Difference:
    """One measure of two groups of customers, and whether the gap is larger than chance.

    Attributes
    ----------
    measure : str
        ``"repeat_rate"``, ``"churn_rate"`` or ``"value_first_year"``.
    a, b : float
        The measure in each group (a fraction, or money per customer).
    n_a, n_b : int
        Customers the measure is taken over in each group.
    difference, low, high : float
        ``a - b`` and its 95% interval.
    p_value : float
        Two-sided p-value of the z-test (rates); NaN for the value, which is
        judged by whether its bootstrap interval holds 0.
    judged : bool
        False when a group is too small to say (see :data:`MIN_CUSTOMERS`,
        :data:`MIN_COUNT`): shown, not judged.
    real : bool
        Judged, and larger than chance would give at the 5% level.
    """

    measure: str
    a: float
    b: float
    n_a: int
    n_b: int
    difference: float
    low: float
    high: float
    p_value: float
    judged: bool
    real: bool


def two_proportions(x_a: int, n_a: int, x_b: int, n_b: int) -> tuple[float, float, float, float]:
    """Two-proportion z-test of x_a / n_a against x_b / n_b, and a 95% interval of the gap.

    Notes
    -----
    z = (p_a - p_b) / sqrt(p (1 - p) (1 / n_a + 1 / n_b)) with the pooled
    p = (x_a + x_b) / (n_a + n_b); two-sided p-value 2 (1 - Phi(|z|)). The
    same p-value as Pearson's chi-squared test of the 2 x 2 table without
    continuity correction (z squared is the chi-squared statistic). The
    interval of p_a - p_b is Wald's: +- 1.96 sqrt(p_a (1 - p_a) / n_a +
    p_b (1 - p_b) / n_b). With no variation at all (p of 0 or 1) p is 1.

    References
    ----------
    Agresti, A. (2013). Categorical Data Analysis, 3rd ed., Wiley, section 3.1.

    Returns
    -------
    tuple
        ``(z, p_value, low, high)``.

    Examples
    --------
    41 of 100 against 28 of 100:

    >>> z, p, low, high = two_proportions(41, 100, 28, 100)
    >>> round(z, 3), round(p, 4), round(low, 3), round(high, 3)
    (1.934, 0.0531, -0.001, 0.261)
    """
    pa, pb = x_a / n_a, x_b / n_b
    pooled = (x_a + x_b) / (n_a + n_b)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if se == 0:
        z, p = 0.0, 1.0
    else:
        z = (pa - pb) / se
        p = float(2 * stats.norm.sf(abs(z)))
    half = stats.norm.ppf(0.5 + LEVEL / 2) * np.sqrt(pa * (1 - pa) / n_a + pb * (1 - pb) / n_b)
    return float(z), p, float(pa - pb - half), float(pa - pb + half)


#: Customers in the smaller of two groups from which the bootstrap's interval is taken from
#: its normal limit (see :func:`bootstrap_difference`).
NORMAL_FROM = 5_000


def bootstrap_difference(
    a: np.ndarray,
    b: np.ndarray,
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    normal_from: int = NORMAL_FROM,
) -> tuple[float, float, float]:
    """Difference of the means of ``a`` and ``b``, and its 95% percentile bootstrap interval.

    Each resample draws ``len(a)`` customers from ``a`` and ``len(b)`` from
    ``b`` with replacement; the interval is the 2.5th and 97.5th percentile
    of the resampled differences. Fixed seed: the same data give the same
    interval.

    With ``normal_from`` customers or more in the smaller group, the resampled
    differences are normal to well within the resampling's own noise (central
    limit theorem; their variance is exactly ``var(a)/len(a) + var(b)/len(b)``
    with the plug-in variances), so the interval is taken from that normal
    instead of from the resamples: at 400,000 customers 2,000 resamples took
    4.5 s, the normal none. ``tests/test_segments.py`` checks the two agree.

    References
    ----------
    Efron, B. and Tibshirani, R. (1993). An Introduction to the Bootstrap,
    Chapman & Hall, chapter 13 (percentile interval).

    Examples
    --------
    >>> d, low, high = bootstrap_difference(np.array([10.0, 20.0, 30.0] * 20),
    ...     np.array([5.0, 10.0, 15.0] * 20))
    >>> d, bool(low > 0), bool(high < 20)
    (10.0, True, True)
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    gap = float(a.mean() - b.mean())
    if min(len(a), len(b)) >= normal_from:
        half = stats.norm.ppf((1 + LEVEL) / 2) * np.sqrt(a.var() / len(a) + b.var() / len(b))
        return gap, gap - half, gap + half
    rng = np.random.default_rng(seed)
    diffs = np.empty(resamples)
    chunk = max(1, 4_000_000 // max(len(a) + len(b), 1))  # about 32 MB of draws at a time
    for start in range(0, resamples, chunk):
        m = min(chunk, resamples - start)
        ma = a[rng.integers(0, len(a), size=(m, len(a)))].mean(axis=1)
        mb = b[rng.integers(0, len(b), size=(m, len(b)))].mean(axis=1)
        diffs[start : start + m] = ma - mb
    low, high = np.quantile(diffs, [(1 - LEVEL) / 2, (1 + LEVEL) / 2])
    return gap, float(low), float(high)


def _rate(measure: str, x_a: int, n_a: int, x_b: int, n_b: int) -> Difference:
    small = min(n_a, n_b) < MIN_CUSTOMERS or min(x_a, n_a - x_a, x_b, n_b - x_b) < MIN_COUNT
    if n_a == 0 or n_b == 0:
        nan = float("nan")
        return Difference(measure, nan, nan, n_a, n_b, nan, nan, nan, nan, False, False)
    _, p, low, high = two_proportions(x_a, n_a, x_b, n_b)
    a, b = x_a / n_a, x_b / n_b
    real = not small and p < 0.05
    return Difference(measure, a, b, n_a, n_b, a - b, low, high, p, not small, real)


def compare(
    s: Segments, a: str, b: str | None = None, *, resamples: int = RESAMPLES, seed: int = SEED
) -> tuple[Difference, ...]:
    """Segment ``a`` against segment ``b`` (or against every other customer when ``b`` is None).

    Returns
    -------
    tuple of Difference
        Repeat-purchase rate, yearly churn (when the file is long enough) and
        value per customer in the first 12 months (customers observed that
        long): each with its interval, p-value where a test gives one, and
        whether it is judged at all.

    Raises
    ------
    DataError
        A segment name that is not in ``s.labels``.

    Examples
    --------
    >>> import pandas as pd
    >>> from calc.history.segments import segment
    >>> t = pd.DataFrame({"customer_id": list("abcd"),
    ...     "date": pd.to_datetime(["2026-01-01"] * 4), "amount": [1.0] * 4,
    ...     "country": ["NO", "NO", "PL", "DK"]})
    >>> d = compare(segment(t, "country"), "NO")[0]
    >>> d.measure, d.n_a, d.n_b, d.judged
    ('repeat_rate', 2, 2, False)
    """
    for name in (a, b):
        if name is not None and name not in s.labels:
            raise DataError("segments.no_segment", name=str(name))
    f = s.facts
    in_a = s.customer_segment == s.labels.index(a)
    in_b = ~in_a if b is None else s.customer_segment == s.labels.index(b)
    repeat = f.orders >= 2
    out = [
        _rate(
            "repeat_rate",
            int(repeat[in_a].sum()),
            int(in_a.sum()),
            int(repeat[in_b].sum()),
            int(in_b.sum()),
        )
    ]
    if f.churn.measured:
        out.append(
            _rate(
                "churn_rate",
                int(f.lost[in_a].sum()),
                int(f.buyer[in_a].sum()),
                int(f.lost[in_b].sum()),
                int(f.buyer[in_b].sum()),
            )
        )
    seen = f.observed_days >= VALUE_DAYS["first_year"] - 1
    va, vb = f.value["first_year"][in_a & seen], f.value["first_year"][in_b & seen]
    if len(va) and len(vb):
        diff, low, high = bootstrap_difference(va, vb, resamples=resamples, seed=seed)
        judged = min(len(va), len(vb)) >= MIN_CUSTOMERS
        real = judged and (low > 0 or high < 0)
        out.append(
            Difference(
                "value_first_year",
                float(va.mean()),
                float(vb.mean()),
                len(va),
                len(vb),
                diff,
                low,
                high,
                float("nan"),
                judged,
                real,
            )
        )
    return tuple(out)
