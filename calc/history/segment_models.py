"""P(alive), expected purchases and model CLV per segment, from BG/NBD and Gamma-Gamma.

One model per segment where the segment meets the models' own prerequisites
(:mod:`calc.models.readiness`) and both models fit; otherwise the pooled
model's numbers for the segment's customers, said so.

A segment row shows sums and means over its customers, so nothing here is
computed per customer: the customers are grouped once into their distinct
(frequency, recency, age) rows with a count and the sum of their mean order
values, and every figure is evaluated per distinct row (the hypergeometric
part once per distinct (frequency, age)). The Gamma-Gamma expected order
value ``p (gamma + x m) / (p x + q - 1)`` is linear in ``m``, so a row's sum
of it needs only the row's count and sum of ``m``. The figures equal the means
of the Forecast page's per-customer columns (:func:`calc.models.forecast.
forecast_orders` on the segment's customers) to rounding (1e-15). The range
is that of the segment's mean CLV, from the same parameter shifts for all its
customers at once (as :attr:`calc.models.clv.CustomerValues.total_clv` is for
the whole file), not the mean of the customers' own ranges, which it replaces:
by Jensen's inequality that mean is wider at the top than the range of the
mean (``tests/test_segments.py``).

Speed (``benchmarks/segments.py``): per segment one BG/NBD and one
Gamma-Gamma fit; the value on the distinct rows with the horizon in monthly
steps, as the models cut it; the BG/NBD gradient behind the range from five
evaluations with the horizon in quarters (:data:`RANGE_STEPS`, bounds within
2e-4 of monthly steps; the one at the fitted parameters read off the value's),
the Gamma-Gamma gradient from four cheap ones.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from calc.errors import FitError, InputError
from calc.history.segments import OTHER, Segments
from calc.models import bgnbd, gamma_gamma, readiness
from calc.models._fit import RANGE_LEVEL, compress, log_gradients, quadratic_form, to_range
from calc.models.clv import MAX_STEPS, STEP_MONTHS, discount_rate_per_unit
from calc.models.forecast import OrderForecast
from calc.models.summary import CustomerSummary, convert_time

#: The figures of a segment row, each a mean per customer of the segment.
FIGURES = ("p_alive", "purchases_next_year", "clv_low", "clv", "clv_high")
#: Steps into which the horizon is cut for the gradient behind a CLV range (the value
#: itself is cut as the models cut it, a month a step): quarterly for 3 years.
RANGE_STEPS = 12


def _subset(summary: CustomerSummary, mask: np.ndarray) -> CustomerSummary:
    return CustomerSummary(
        customer_id=summary.customer_id[mask],
        frequency=summary.frequency[mask],
        recency=summary.recency[mask],
        age=summary.age[mask],
        mean_value=summary.mean_value[mask],
        total_value=summary.total_value[mask],
        first_purchase=summary.first_purchase[mask],
        unit=summary.unit,
        observation_end=summary.observation_end,
    )


@dataclass(frozen=True)
class _Rows:
    """A segment's customers as distinct (x, t_x, T) rows: counts and sums of mean order value."""

    x: np.ndarray
    tx: np.ndarray
    age: np.ndarray
    counts: np.ndarray
    value_sums: np.ndarray
    pair: np.ndarray  # distinct (x, T) pair of every row
    pair_x: np.ndarray
    pair_age: np.ndarray

    @classmethod
    def of(cls, x, tx, age, m) -> _Rows:
        inverse, first, counts = compress(x, tx, age)
        ux, ut = x[first], age[first]
        pair, pair_first, _ = compress(ux, ut)
        sums = np.bincount(inverse, weights=m, minlength=first.size)
        return cls(ux, tx[first], ut, counts, sums, pair, ux[pair_first], ut[pair_first])


def _horizon_years(value) -> float:
    try:
        years = float(value)
    except (TypeError, ValueError):
        raise InputError("horizon", "models.clv.horizon_not_number") from None
    if not np.isfinite(years) or years <= 0:
        raise InputError("horizon", "models.clv.horizon_not_positive")
    return years


def _margin(value) -> float:
    try:
        share = float(value)
    except (TypeError, ValueError):
        raise InputError("margin", "models.clv.margin_not_number") from None
    if not np.isfinite(share) or share <= 0 or share > 1:
        raise InputError("margin", "models.clv.margin_out_of_range")
    return share


def _steps(years: float, unit: str, rate: float) -> tuple[np.ndarray, np.ndarray]:
    """Step ends (model units) and the discount at each step's middle, as in :mod:`calc.models.clv`.

    The horizon is cut into steps of at most :data:`~calc.models.clv.STEP_MONTHS`
    (at most :data:`~calc.models.clv.MAX_STEPS`), each
    discounted to its middle by ``(1 + rate) ** -(years to the middle)``. Written
    here so that nothing of ``calc.models`` outside its public names is used;
    ``tests/test_segments.py`` checks the CLV against
    :func:`calc.models.forecast.forecast_orders`.

    >>> edges, discount = _steps(1.0, "M", 0.10)
    >>> edges.size, float(edges[-1]), round(float(discount[0]), 5)
    (12, 12.0, 0.99604)
    """
    months = convert_time(years, "Y", "M")
    count = int(min(max(np.ceil(months / STEP_MONTHS - 1e-9), 1), MAX_STEPS))
    total = convert_time(years, "Y", unit)
    edges = total * np.arange(1, count + 1) / count
    middles = edges - total / count / 2
    return edges, (1 + rate) ** -np.asarray(convert_time(middles, unit, "Y"))


def _coarse(edges: np.ndarray, unit: str, rate: float, most: int) -> tuple[np.ndarray, np.ndarray]:
    """Every n-th of the step ends ``edges`` (at most ``most`` of them, the last always kept).

    Returns their positions in ``edges`` and the discount at the middle of
    each coarse step, so that a coarse evaluation at the fitted parameters is
    read off the fine one.

    >>> edges, _ = _steps(3.0, "M", 0.10)
    >>> pick, discount = _coarse(edges, "M", 0.10, 12)
    >>> edges[pick][:3].tolist(), round(float(discount[0]), 4)
    ([3.0, 6.0, 9.0], 0.9882)
    """
    group = int(np.ceil(edges.size / most))
    pick = np.arange(edges.size - 1, -1, -group)[::-1]
    ends = edges[pick]
    middles = ends - np.diff(ends, prepend=0.0) / 2
    return pick, (1 + rate) ** -np.asarray(convert_time(middles, unit, "Y"))


def _figures(
    purchases: bgnbd.BGNBDModel,
    spend: gamma_gamma.GammaGammaModel | None,
    rows: _Rows,
    *,
    window: float,
    steps: tuple[np.ndarray, np.ndarray],
    range_steps: tuple[np.ndarray, np.ndarray],
    share: float,
) -> dict[str, float]:
    """A segment's means per customer, and the range of its mean CLV.

    Per customer ``CLV = share * P(alive) * det * E(M)`` with
    ``det = sum_k disc_k (E_new(t_k) - E_new(t_{k-1}))`` over the ``steps``
    (:func:`calc.models.clv.customer_value`); summed over a row it is
    ``share * P(alive) * det * p (gamma c + x sum m) / (p x + q - 1)``.

    The range: the delta method on the log of the segment's sum, with its
    log-gradients over both models' parameters (two independent fits, so the
    two variances add), 90% as everywhere in the models. The BG/NBD part of
    the gradient is taken with the horizon cut into the coarser
    ``range_steps`` (:func:`_coarse`, :data:`RANGE_STEPS`): the share of the
    value that moves with a parameter hardly depends on how finely the
    horizon is cut, and the evaluations behind it are the bulk of the work.
    """
    n = float(np.sum(rows.counts))
    base = purchases.log_params
    edges, discount = steps
    pick, coarse_discount = range_steps

    def order_values(z: np.ndarray) -> np.ndarray:
        p, q, g = np.exp(z)
        return p * (g * rows.counts + rows.x * rows.value_sums) / (p * rows.x + q - 1)

    def evaluate(z: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """P(alive) per row and E_new at ``times`` per (x, T) pair."""
        r, alpha, a, b = np.exp(z)
        alive = replace(purchases, r=r, alpha=alpha, a=a, b=b).p_alive(rows.x, rows.tx, rows.age)
        cumulative = bgnbd.expected_new(
            times[None, :],
            (r + rows.pair_x)[:, None],
            (alpha + rows.pair_age)[:, None],
            a,
            (b + rows.pair_x)[:, None],
        )
        return alive, cumulative

    def discounted(cumulative: np.ndarray, factors: np.ndarray) -> np.ndarray:
        return np.sum(np.diff(cumulative, axis=1, prepend=0.0) * factors[None, :], axis=1)

    alive, cumulative = evaluate(base, np.append(edges, window))
    per_row = alive * discounted(cumulative[:, : edges.size], discount)[rows.pair]
    out = {
        "p_alive": np.sum(rows.counts * alive) / n,
        "purchases_next_year": np.sum(rows.counts * alive * cumulative[rows.pair, -1]) / n,
        "clv_low": np.nan,
        "clv": np.nan,
        "clv_high": np.nan,
    }
    if spend is None:
        return out
    values = order_values(spend.log_params)

    def coarse_sum(z: np.ndarray) -> float:
        if np.array_equal(z, base):  # read off the fine evaluation
            here, ends = alive, cumulative[:, pick]
        else:
            here, ends = evaluate(z, edges[pick])
        return np.sum(here * discounted(ends, coarse_discount)[rows.pair] * values)

    _, bg_grads = log_gradients(coarse_sum, base)
    _, gg_grads = log_gradients(lambda z: np.sum(per_row * order_values(z)), spend.log_params)
    variance = float(
        quadratic_form(bg_grads[:, None], purchases.covariance)[0]
        + quadratic_form(gg_grads[:, None], spend.covariance)[0]
    )
    clv = to_range(share * np.sum(per_row * values) / n, variance, level=RANGE_LEVEL)
    return out | {"clv_low": clv.low, "clv": clv.likely, "clv_high": clv.high}


def _own_models(summary: CustomerSummary, x, tx, age, m):
    """Both models fitted to a segment's customers, or None where it cannot have its own."""
    if readiness.ready(readiness.check(summary)) == "short":
        return None
    try:
        return bgnbd.fit(x, tx, age), gamma_gamma.fit(x, m)
    except FitError:
        return None


def _whole_file(x, tx, age, m) -> tuple:
    """The whole file's BG/NBD and Gamma-Gamma, as the Forecast page fits them; None where not."""
    try:
        purchases = bgnbd.fit(x, tx, age)
    except FitError:
        return None, None
    try:
        return purchases, gamma_gamma.fit(x, m)
    except FitError:
        return purchases, None


def segment_models(
    s: Segments,
    summary: CustomerSummary,
    pooled: OrderForecast | None = None,
    *,
    window_days: int = 365,
    horizon_years: float = 3,
    annual_discount_rate: float = 0.10,
    margin: float = 1.0,
) -> pd.DataFrame:
    """P(alive), expected purchases and model CLV per segment: its own models where it can.

    A segment gets its own BG/NBD and Gamma-Gamma fit when it meets the
    models' own prerequisites (no need "short" in
    :func:`calc.models.readiness.check`) and both fits succeed; otherwise its
    customers are valued with the ``pooled`` fit of the whole file (as the
    Forecast page shows it).

    Parameters
    ----------
    s : Segments
    summary : CustomerSummary
        Of the whole file's paid orders (as the Forecast page fits).
    pooled : OrderForecast or None
        :func:`calc.models.forecast.forecast_orders` of ``summary``, when the
        caller has it (the Forecast page's); its fitted models are used, not
        its table. Without it, the whole file's models are fitted here, and
        only when a segment needs them (the same fits: BG/NBD, then
        Gamma-Gamma), so no customer is valued one by one.
    window_days, horizon_years, annual_discount_rate, margin
        As for :func:`calc.models.forecast.forecast_orders`.

    Returns
    -------
    pandas.DataFrame
        One row per segment of ``s``: ``segment``, ``model`` (``"own"``,
        ``"pooled"`` or ``"none"``), ``model_customers``, ``p_alive`` (mean,
        0-1), ``purchases_next_year`` (expected purchases per customer within
        ``window_days``), ``clv`` (model CLV per customer, the mean of the
        Forecast page's ``clv`` over the segment's customers) and ``clv_low``,
        ``clv_high``: the 90% range of that mean (parameter uncertainty of
        the models), the range the Forecast page gives the whole file's total.
        NaN where the models could not say.

    Raises
    ------
    InputError
        A horizon, discount rate or margin out of range.
    """
    years = _horizon_years(horizon_years)
    rate = discount_rate_per_unit(annual_discount_rate, "Y")
    share = _margin(margin)
    steps = _steps(years, summary.unit, rate)
    range_steps = _coarse(steps[0], summary.unit, rate, RANGE_STEPS)
    window = convert_time(window_days, "D", summary.unit)
    x, tx, age = bgnbd.check_rfm(summary.frequency, summary.recency, summary.age)
    m = np.asarray(summary.mean_value, dtype=float)
    seg = s.segment_of(summary.customer_id)
    order = np.argsort(seg, kind="stable")
    bounds = np.searchsorted(seg[order], np.arange(len(s.labels) + 1))
    whole: list = [] if pooled is None else [(pooled.purchases, pooled.spend)]
    rows = []
    for code, label in enumerate(s.labels):
        mine = order[bounds[code] : bounds[code + 1]]
        row = {"segment": label, "model": "none", "model_customers": int(mine.size)}
        row |= dict.fromkeys(FIGURES, np.nan)
        if mine.size:
            mask = np.zeros(seg.size, dtype=bool)
            mask[mine] = True
            sub = _subset(summary, mask)
            models = _own_models(sub, x[mine], tx[mine], age[mine], m[mine])
            row["model"] = "own" if models is not None else "pooled"
            if models is None:
                if not whole:
                    whole.append(_whole_file(x, tx, age, m))
                models = whole[0] if whole[0][0] is not None else None
            if models is None:
                row["model"] = "none"
            else:
                row |= _figures(
                    *models,
                    _Rows.of(x[mine], tx[mine], age[mine], m[mine]),
                    window=window,
                    steps=steps,
                    range_steps=range_steps,
                    share=share,
                )
        rows.append(row)
    return pd.DataFrame(rows)


def fold_models(models: pd.DataFrame, keep: list[str]) -> pd.DataFrame:
    """The rows of :func:`segment_models` for ``keep``, the others folded into :data:`OTHER`.

    The folded row's figures are the customer-weighted means of the folded
    segments' figures (each a mean per customer), so they are the mean over
    all their customers; its range is the customer-weighted mean of their
    ranges (for the chart: near the range of their joint mean, not exactly it,
    as the segments' models differ).

    >>> m = pd.DataFrame({"segment": ["a", "b", "c"], "model": ["own", "own", "pooled"],
    ...     "model_customers": [10, 1, 3], "p_alive": [0.5, 0.25, 0.75],
    ...     "purchases_next_year": [1.0, 2.0, 4.0], "clv_low": [1.0, 1.0, 1.0],
    ...     "clv": [2.0, 2.0, 6.0], "clv_high": [3.0, 3.0, 9.0]})
    >>> fold_models(m, ["a"])[["segment", "model_customers", "p_alive", "clv"]].values.tolist()
    [['a', 10, 0.5, 2.0], ['(other)', 4, 0.625, 5.0]]
    """
    inside = models["segment"].isin(keep)
    rest = models[~inside]
    out = models[inside]
    if rest.empty:
        return out.reset_index(drop=True)
    weights = rest["model_customers"].to_numpy(dtype=float)
    row = {"segment": OTHER, "model": "mixed", "model_customers": int(weights.sum())}
    for name in ("p_alive", "purchases_next_year", "clv_low", "clv", "clv_high"):
        values = rest[name].to_numpy(dtype=float)
        ok = np.isfinite(values) & (weights > 0)
        row[name] = float(np.average(values[ok], weights=weights[ok])) if ok.any() else np.nan
    return pd.concat([out, pd.DataFrame([row])], ignore_index=True)
