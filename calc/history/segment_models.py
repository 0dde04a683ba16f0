"""P(alive), expected purchases and model CLV per segment, from BG/NBD and Gamma-Gamma.

One model per segment where the segment meets the models' own prerequisites
(:mod:`calc.models.readiness`) and both models fit; otherwise the pooled
model's numbers for the segment's customers, said so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calc.history.segments import OTHER, Segments
from calc.models import readiness
from calc.models.forecast import OrderForecast, forecast_orders
from calc.models.summary import CustomerSummary


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


def segment_models(
    s: Segments,
    summary: CustomerSummary,
    pooled: OrderForecast | None,
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
    customers' numbers come from the ``pooled`` fit of the whole file (as the
    Forecast page shows it).

    Parameters
    ----------
    s : Segments
    summary : CustomerSummary
        Of the whole file's paid orders (as the Forecast page fits).
    pooled : OrderForecast or None
        :func:`calc.models.forecast.forecast_orders` of ``summary`` with the
        same settings and ``window_days`` among its windows.
    window_days, horizon_years, annual_discount_rate, margin
        As for :func:`calc.models.forecast.forecast_orders`.

    Returns
    -------
    pandas.DataFrame
        One row per segment of ``s``: ``segment``, ``model`` (``"own"``,
        ``"pooled"`` or ``"none"``), ``model_customers``, ``p_alive`` (mean,
        0-1), ``purchases_next_year`` (expected purchases per customer within
        ``window_days``), ``clv_low``, ``clv``, ``clv_high`` (model CLV per
        customer; the range is the mean of the customers' 90% ranges, which
        move together with the models' parameters).
    """
    seg = s.segment_of(summary.customer_id)
    pooled_table = None if pooled is None else pooled.table
    rows = []
    column = f"next_{window_days}"
    for code, label in enumerate(s.labels):
        mask = seg == code
        n = int(mask.sum())
        table, model = None, "none"
        if n:
            sub = _subset(summary, mask)
            if readiness.ready(readiness.check(sub)) != "short":
                fit = forecast_orders(
                    sub,
                    windows_days=(window_days,),
                    horizon_years=horizon_years,
                    annual_discount_rate=annual_discount_rate,
                    margin=margin,
                )
                if fit.values is not None:
                    table, model = fit.table, "own"
            if table is None and pooled_table is not None:
                table, model = pooled_table.iloc[np.flatnonzero(mask)], "pooled"
        row = {"segment": label, "model": model, "model_customers": n}
        for name, source in (
            ("p_alive", "p_alive"),
            ("purchases_next_year", column),
            ("clv_low", "clv_low"),
            ("clv", "clv"),
            ("clv_high", "clv_high"),
        ):
            has = table is not None and source in table.columns and n
            row[name] = float(table[source].mean()) if has else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)


def fold_models(models: pd.DataFrame, keep: list[str]) -> pd.DataFrame:
    """The rows of :func:`segment_models` for ``keep``, the others folded into :data:`OTHER`.

    The folded row's figures are the customer-weighted means of the folded
    segments' figures (each a mean per customer), so they are the mean over
    all their customers.

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
