"""The Forecast page's order-log work in one call, that answers as far as the data allow.

:func:`forecast_orders` measures the file against what the models need
(:mod:`calc.models.readiness`), fits BG/NBD, forecasts every customer's
purchases over the page's windows with ranges, fits Gamma-Gamma and values
every customer. Each step that cannot be made is reported with its reason,
and the steps before it are kept: without BG/NBD the page still has the
readiness check and a ranking by recency and frequency; without Gamma-Gamma
it still has P(alive) and expected purchases.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from calc.errors import FitError
from calc.messages import Message
from calc.models import bgnbd, gamma_gamma, readiness
from calc.models._fit import Range, compress
from calc.models.clv import CustomerValues, _horizon, _margin, _rate, _values
from calc.models.summary import CustomerSummary, convert_time


@dataclass(frozen=True)
class OrderForecast:
    """What the models say about an order log, as far as they could go.

    Attributes
    ----------
    checks : tuple of readiness.Check
        How the file measures against what the models need.
    customers : int
        Customers in the summary.
    purchases : BGNBDModel or None
        The repeat-purchase model; None with ``purchases_error``.
    spend : GammaGammaModel or None
        The spend model; None with ``spend_error`` (or when BG/NBD failed).
    table : DataFrame or None
        One row per customer (index ``customer_id``): ``p_alive``;
        ``next_<days>_low``, ``next_<days>``, ``next_<days>_high`` for every
        window; with the spend model also the columns of
        :class:`~calc.models.clv.CustomerValues` (``order_value``, ``clv``, ...).
    totals : dict
        Window in days -> :class:`Range` of all customers' purchases.
    values : CustomerValues or None
        The model CLV, when both models ran.
    purchases_error, spend_error : Message or None
        Why a model could not be fitted.
    """

    checks: tuple[readiness.Check, ...]
    customers: int
    purchases: bgnbd.BGNBDModel | None = None
    spend: gamma_gamma.GammaGammaModel | None = None
    table: pd.DataFrame | None = None
    totals: dict[int, Range] = field(default_factory=dict)
    values: CustomerValues | None = None
    purchases_error: Message | None = None
    spend_error: Message | None = None

    @property
    def held(self) -> tuple[str, ...]:
        """Parameters of either model held near a limit (see :mod:`calc.models._fit`)."""
        held = self.purchases.held if self.purchases is not None else ()
        return held + (self.spend.held if self.spend is not None else ())

    def fits(self) -> OrderForecast:
        """The fitted models (or why they could not be fitted) without the per-customer tables.

        What :func:`forecast_orders` takes as ``fitted``: a few hundred bytes
        instead of the tables (60 MB at 400,000 customers).
        """
        return _replace(self, table=None, totals={}, values=None)


def forecast_orders(
    summary: CustomerSummary,
    *,
    windows_days: tuple[int, ...] = (90, 365),
    horizon_years: float = 3,
    annual_discount_rate: float = 0.10,
    margin: float = 1.0,
    fitted: OrderForecast | None = None,
) -> OrderForecast:
    """Readiness, BG/NBD forecasts and (where possible) model CLV of every customer.

    Parameters
    ----------
    summary : CustomerSummary
        From :func:`calc.models.summary.summarize`, in any model unit.
    windows_days : tuple of int
        Forecast windows, in days (converted with 365.25 / 12 = 30.4375 days
        a month, 7 a week).
    horizon_years, annual_discount_rate, margin : float
        The CLV horizon (years), yearly discount rate and margin share, as in
        :func:`calc.models.clv.customer_value`.
    fitted : OrderForecast, optional
        An earlier forecast of the same summary (or its :meth:`OrderForecast.fits`):
        its models, or the reasons they could not be fitted, are taken as they
        are, and only the forecasts and values for these settings are worked
        out. A new horizon, discount rate or margin needs no new fit.

    Returns
    -------
    OrderForecast

    Raises
    ------
    InputError
        A horizon, discount rate or margin out of range (checked first).

    Examples
    --------
    >>> x, t_x, age = bgnbd.simulate(500, seed=2)
    >>> s = CustomerSummary(
    ...     customer_id=np.arange(500), frequency=x.astype(int), recency=t_x, age=age,
    ...     mean_value=gamma_gamma.simulate(x, seed=3), total_value=np.zeros(500),
    ...     first_purchase=np.zeros(500, "datetime64[D]"), unit="W",
    ...     observation_end=np.datetime64("1971-01-01"),
    ... )
    >>> f = forecast_orders(s, horizon_years=1, margin=0.3)
    >>> f.purchases_error, f.spend_error, sorted(f.totals), f.table.shape
    (None, None, [90, 365], (500, 16))

    Another horizon on the same fits:

    >>> g = forecast_orders(s, horizon_years=2, margin=0.3, fitted=f.fits())
    >>> g.purchases is f.purchases, bool(g.values.total_clv.likely > f.values.total_clv.likely)
    (True, True)
    """
    length = _horizon(horizon_years)
    rate = _rate(annual_discount_rate)
    share = _margin(margin)
    checks = readiness.check(summary)
    base = OrderForecast(checks=checks, customers=summary.n_customers)
    x, tx, t_age = bgnbd.check_rfm(summary.frequency, summary.recency, summary.age)
    rows = compress(x, tx, t_age)  # once, for the fit, the windows and the values
    if fitted is not None and fitted.purchases is None:
        return _replace(base, purchases_error=fitted.purchases_error)
    if fitted is not None:
        purchases = fitted.purchases
    else:
        try:
            purchases = bgnbd._fit_checked(x, tx, t_age, rows)
        except FitError as error:
            return _replace(base, purchases_error=error.about)
    index = pd.Index(summary.customer_id, name="customer_id")
    table = pd.DataFrame(
        {"p_alive": bgnbd._p_alive(x, tx, t_age, *np.exp(purchases.log_params))}, index=index
    )
    totals = {}
    for days in windows_days:
        each, totals[days] = purchases.forecast(
            convert_time(days, "D", summary.unit), x, tx, t_age, rows
        )
        table[f"next_{days}_low"] = each.low
        table[f"next_{days}"] = each.likely
        table[f"next_{days}_high"] = each.high
    partial = _replace(base, purchases=purchases, table=table, totals=totals)
    if fitted is not None and fitted.spend is None:
        return _replace(partial, spend_error=fitted.spend_error)
    if fitted is not None:
        spend = fitted.spend
    else:
        try:
            spend = gamma_gamma.fit(x, summary.mean_value)
        except FitError as error:
            return _replace(partial, spend_error=error.about)
    m = gamma_gamma._check(x, summary.mean_value)[1]
    values = _values(
        purchases,
        spend,
        x,
        tx,
        t_age,
        m,
        rows,
        time_unit=summary.unit,
        length=length,
        horizon_unit="Y",
        rate=rate,
        share=share,
        customer_id=index,  # the index built above: the ids are not converted twice
    )
    full = values.table  # same customers in the same order as `table`
    for column in table.columns.drop("p_alive"):
        full[column] = table[column].to_numpy()
    return _replace(partial, spend=spend, table=full, values=values)


def _replace(forecast: OrderForecast, **changes) -> OrderForecast:
    return OrderForecast(**{**forecast.__dict__, **changes})
