"""The Forecast page's models: fitted once per file and held in the session.

:func:`fit_orders` fits BG/NBD and Gamma-Gamma on a file's paid orders and
values every customer, :func:`check_orders` runs the holdout check,
:func:`fit_subscriptions` fits sBG on a subscription file's monthly cohorts,
and :func:`fit_summary` does the first for a summary a database computed.
:mod:`ui.forecast_view` shows what they return.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from calc.churn import alive_after
from calc.errors import CalcError
from calc.messages import Message
from calc.models import Range, sbg
from calc.models.clv import HoldoutCheck, at_risk_order, holdout_check, value_if_active
from calc.models.cohorts import observed_survival, subscription_cohorts
from calc.models.forecast import OrderForecast, forecast_orders
from calc.models.summary import (
    DAYS_PER_UNIT,
    CustomerSummary,
    calibration_holdout,
    convert_time,
    summarize,
)
from ui import state, upload_view
from ui.kept_file import Source

#: The order models count time in weeks; every window below is converted from days.
UNIT = "W"
#: Forecast windows of the per-customer table, in days.
WINDOWS = (90, 365)
#: Length of the holdout check, in weeks, and the history it needs at least.
HOLDOUT_WEEKS = 13
MIN_HISTORY_WEEKS = 3 * HOLDOUT_WEEKS
#: Rows of a customer table drawn on the page (the most valuable first); the downloads
#: hold every customer. Each row drawn costs about 0.1 ms of formatting on every rerun.
SHOWN_ROWS = 250

Params = tuple[tuple[str, object], ...]


@dataclass(frozen=True)
class OrderFit:
    """The order models' answer for one file, as far as they got, and why they stopped.

    ``forecast`` holds the readiness checks and every model result;
    ``table`` the per-customer forecast with the file's names, last purchase
    and spend joined (the forecast's own columns shared, not copied);
    ``order`` its rows most valuable first and ``risk_order`` the order of the
    at-risk list (positions in ``table``, taken once, not on every rerun),
    ``risk_alive`` each customer's ``p_alive`` in that order; ``top`` the
    table's first :data:`SHOWN_ROWS` rows in ``order``; ``active`` the
    customers expected to be active now (the sum of ``p_alive``) and
    ``alive_next_year`` the share of today's customers still active a year on;
    ``error`` why BG/NBD (and so every forecast) could not be made. What a
    rerun shows is taken here once, not from every customer on every rerun.
    """

    customers: int
    forecast: OrderForecast | None = None
    table: pd.DataFrame | None = None
    error: Message | None = None
    order: np.ndarray | None = None
    risk_order: np.ndarray | None = None
    risk_alive: np.ndarray | None = None
    top: pd.DataFrame | None = None
    active: float | None = None
    alive_next_year: float | None = None

    @property
    def totals(self) -> dict[int, Range]:
        return self.forecast.totals if self.forecast is not None else {}


@dataclass(frozen=True)
class Holdout:
    """The holdout check of one file, or why there is none."""

    check: HoldoutCheck | None = None
    calibration_end: pd.Timestamp | None = None
    new_customers: int = 0
    too_short: bool = False
    error: Message | None = None


def paid_orders(table: pd.DataFrame) -> pd.DataFrame:
    """The rows the models learn from: paid purchases (refunds and free orders left out)."""
    return table[table["amount"] > 0]


#: This session's models of the file on screen: ``{"key": ..., "summary": CustomerSummary,
#: "fits": OrderForecast without tables, "settings": (margin, disc, years), "result": OrderFit,
#: "holdout": Holdout}``. Held in the session, not in a cache every session shares: it goes
#: when the session goes, and holds one file and one set of settings (about 150 MB at 1M
#: rows). A new horizon, margin or discount rate reuses the fitted models.
_HELD = "_fc_held"


def _held() -> dict:
    """What is held for the file on screen (read by :func:`ui.upload_view.load` first)."""
    key = upload_view.held_key()
    held = st.session_state.get(_HELD)
    if held is None or held["key"] != key:
        st.session_state[_HELD] = None  # the last file's results go before the next are made
        held = {"key": key}
        st.session_state[_HELD] = held
    return held


def orders_held(margin: float, disc: float, years: int) -> bool:
    """Whether :func:`fit_orders` has its answer for the file on screen and these settings."""
    return _held().get("settings") == (margin, disc, years)


def fit_orders(
    data: Source, name: str, overrides: Params, margin: float, disc: float, years: int
) -> OrderFit:
    """BG/NBD and Gamma-Gamma on a file's paid orders, and every customer's forecast."""
    loaded = upload_view.load(data, name, overrides)
    held = _held()
    settings = (margin, disc, years)
    if held.get("settings") != settings:
        held.pop("result", None)  # the last settings' tables go before the next are made
        held["settings"] = None
        held["result"] = _fit_orders(held, loaded, *settings)
        held["settings"] = settings
    return held["result"]


def _fit_orders(
    held: dict, loaded: upload_view.Loaded, margin: float, disc: float, years: int
) -> OrderFit:
    log = paid_orders(loaded.upload.table)
    try:
        if "summary" not in held:
            held["summary"] = summarize(log["customer_id"], log["date"], log["amount"], unit=UNIT)
        summary = held["summary"]
        result = _forecast(summary, margin, disc, years, held.get("fits"))
    except CalcError as error:
        return OrderFit(customers=loaded.analysis.headline.customers, error=error.about)
    held["fits"] = result.fits()
    known = loaded.analysis.customers.set_index("customer_id")
    columns = [c for c in ("customer_name", "last_purchase", "historic_clv") if c in known]
    return _order_fit(summary, result, known[columns])


def _forecast(summary, margin: float, disc: float, years: int, fitted=None) -> OrderForecast:
    """The page's forecast of a summary: its windows, the horizon and the user's settings."""
    return forecast_orders(
        summary,
        windows_days=WINDOWS,
        horizon_years=years,
        annual_discount_rate=disc,
        margin=margin,
        fitted=fitted,
    )


def _order_fit(summary: CustomerSummary, result: OrderForecast, known: pd.DataFrame) -> OrderFit:
    """The page's answer from a forecast: ``known`` columns (names, last purchase, spend,
    indexed by customer id) joined, the share alive a year on, and the orders taken."""
    if result.table is None:
        return OrderFit(summary.n_customers, forecast=result, error=result.purchases_error)
    table = result.table.copy(deep=False)  # new columns here only; the forecast's are shared
    rfm = (summary.frequency, summary.recency, summary.age)
    alive_next_year = alive_after(result.purchases, *rfm, convert_time(365, "D", UNIT))
    if known.index.dtype != table.index.dtype:  # an upload's categorical ids: to text
        known = known.set_axis(known.index.astype(table.index.dtype))
    extra = known.reindex(table.index)
    for column in extra.columns:
        table[column] = extra[column].to_numpy()
    if "clv" in table.columns:
        table["worth_if_active"] = value_if_active(table["clv"], table["p_alive"])
    # Ordered once here, not on every rerun: by value (or purchases) for the
    # table, and the order of the at-risk list (worth if active, else spend).
    by = table["clv" if "clv" in table.columns else f"next_{WINDOWS[-1]}"].to_numpy()
    order = np.argsort(-by, kind="stable")  # most first, unknown last
    worth = table["worth_if_active" if "clv" in table.columns else "historic_clv"]
    risk_order = at_risk_order(worth)
    p_alive = table["p_alive"].to_numpy()
    return OrderFit(
        summary.n_customers,
        forecast=result,
        table=table,
        order=order,
        risk_order=risk_order,
        risk_alive=p_alive[risk_order],
        top=table.iloc[order[:SHOWN_ROWS]],
        active=float(np.sum(p_alive)),
        alive_next_year=float(np.mean(alive_next_year)),
    )


def check_orders(data: Source, name: str, overrides: Params) -> Holdout:
    """Fit on all but the last 13 weeks and compare with what happened in them."""
    loaded = upload_view.load(data, name, overrides)
    held = _held()
    if "holdout" not in held:
        held["holdout"] = _check_orders(loaded)
    return held["holdout"]


def _check_orders(loaded: upload_view.Loaded) -> Holdout:
    log = paid_orders(loaded.upload.table)
    last = log["date"].max()
    first = log["date"].min()
    if (last - first).days < MIN_HISTORY_WEEKS * DAYS_PER_UNIT["W"]:
        return Holdout(too_short=True)
    cut = last - pd.Timedelta(weeks=HOLDOUT_WEEKS)
    try:
        split = calibration_holdout(
            log["customer_id"], log["date"], log["amount"], calibration_end=cut, unit=UNIT
        )
        check = holdout_check(split)
    except CalcError as error:
        return Holdout(error=error.about)
    return Holdout(check=check, calibration_end=cut, new_customers=split.new_customers_in_holdout)


@dataclass(frozen=True)
class SubscriptionFit:
    """The sBG model fitted to one file's monthly cohorts, or why it could not be."""

    cohorts: pd.DataFrame
    observed: pd.DataFrame
    model: sbg.SBGModel | None = None
    error: Message | None = None


#: The sBG fit of the subscription file on screen, under its upload_view.held_key.
_SUBSCRIPTIONS = "_fc_subscriptions"


def subscriptions_held() -> bool:
    """Whether :func:`fit_subscriptions` has its answer for the file on screen."""
    return state.is_held(_SUBSCRIPTIONS, upload_view.held_key())


def fit_subscriptions(data: Source, name: str, overrides: Params) -> SubscriptionFit:
    """sBG on the monthly start cohorts of a subscription file, held in the session."""
    loaded = upload_view.load(data, name, overrides)
    key = upload_view.held_key()
    return state.held(_SUBSCRIPTIONS, key, lambda: _fit_subscriptions(loaded))


def _fit_subscriptions(loaded: upload_view.Loaded) -> SubscriptionFit:
    table = loaded.upload.table
    cohorts = subscription_cohorts(table)
    observed = observed_survival(cohorts)
    try:
        model = sbg.fit(cohorts)
    except CalcError as error:
        return SubscriptionFit(cohorts, observed, error=error.about)
    return SubscriptionFit(cohorts, observed, model=model)


def fit_summary(
    summary: CustomerSummary, spent: pd.Series, margin: float, disc: float, years: int
) -> OrderFit:
    """BG/NBD and Gamma-Gamma on a summary of paid orders (weeks); ``spent``: net spend by id.

    The summary came from a database (:mod:`calc.warehouse`): the last purchase is its
    first purchase plus its recency, the spend what the database summed.
    """
    try:
        result = _forecast(summary, margin, disc, years)
    except CalcError as error:
        return OrderFit(customers=summary.n_customers, error=error.about)
    days = np.rint(summary.recency * DAYS_PER_UNIT[UNIT]).astype("timedelta64[D]")
    known = pd.DataFrame(
        {
            "last_purchase": (summary.first_purchase + days).astype("datetime64[ns]"),
            "historic_clv": spent.reindex(summary.customer_id).to_numpy(dtype=float),
        },
        index=pd.Index(summary.customer_id),
    )
    return _order_fit(summary, result, known)
