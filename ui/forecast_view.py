"""The Forecast page's parts: what the models say about a file, laid out and explained.

Every number comes from :mod:`calc.models` (and the formula CLV from
:mod:`calc.clv`) through :mod:`ui.forecast_fit`, which fits once per file and
holds the fits in the session; this module lays out, formats and explains the
results. A fit that cannot be made is shown as a message; the rest of the page
stays.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd
import streamlit as st

from calc import exports, history
from calc.clv import clv_report
from calc.errors import CalcError
from calc.models import Range
from calc.models.clv import discount_rate_per_unit
from calc.models.summary import CustomerSummary
from ui import charts, chrome, forecast_charts, forecast_readiness, state, upload_view
from ui.forecast_fit import (
    HOLDOUT_WEEKS,
    MIN_HISTORY_WEEKS,
    SHOWN_ROWS,
    WINDOWS,
    Holdout,
    OrderFit,
    SubscriptionFit,
    check_orders,
    fit_orders,
    fit_subscriptions,
    fit_summary,
    orders_held,
    subscriptions_held,
)
from ui.format import (
    calc_text,
    currency_symbol,
    duration,
    localized,
    money,
    number,
    pct,
    percent_printf,
)
from ui.i18n import t
from ui.kept_file import Source

T = TypeVar("T")

#: How the number columns of the per-customer tables are written.
NUMBER_KINDS = {
    **{f"next_{days}": "decimal" for days in WINDOWS},
    **dict.fromkeys(
        ("order_value", "clv_low", "clv", "clv_high", "historic_clv", "worth_if_active"), "money"
    ),
}
#: Expected subscriber lifetime is counted up to this many months (10 years).
LIFETIME_CAP_MONTHS = 120
HORIZON_YEARS = (1, 2, 3, 5, 10)
#: alpha + beta above this: subscribers are so alike the curve barely flattens.
ALIKE = 1000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ----------------------------------------------------------------- no data


def no_data() -> None:
    """What the page does, shown before a file or sample is chosen."""
    st.info(t("forecast.no_data"), icon=":material/query_stats:")


def customers_only() -> None:
    """A customer list has no dated history: nothing to fit."""
    st.info(t("forecast.customers_only"), icon=":material/info:")


# ------------------------------------------------------------------ orders


def _settings() -> tuple[float, float]:
    return state.calc_value("margin"), state.calc_value("disc")


def _range(r: Range, fmt) -> str:
    return t("forecast.range", low=fmt(r.low), high=fmt(r.high))


def _years() -> int:
    """The horizon the customers are valued over, in years."""
    return st.select_slider(
        t("forecast.years"),
        HORIZON_YEARS,
        value=3,
        format_func=lambda y: duration(y, "years"),
        key="fc_years",
        help=t("forecast.years_help"),
        persist_state="session",
    )


def _fitting(held: bool, step: str, fit: Callable[[], T], done: Callable[[T], str]) -> T:
    """``fit()`` under a status box that shows it working, then what it found.

    A fit already held in the session is drawn as the finished box (an
    expander with the same label and icon) without the status element:
    ``st.status`` waits 50 ms each time it is drawn, 40% of a Forecast rerun.
    """
    if held:
        result = fit()
        failed = result.error is not None
        label = t("forecast.fit_failed_label") if failed else done(result)
        icon = ":material/error:" if failed else ":material/check:"
        st.expander(label, icon=icon).write(t(step))
        return result
    with st.status(t("forecast.fitting"), expanded=False) as status:
        st.write(t(step))
        result = fit()
        if result.error is not None:
            status.update(label=t("forecast.fit_failed_label"), state="error")
        else:
            status.update(label=done(result), state="complete")
    return result


def orders_page(data: Source, name: str, loaded: upload_view.Loaded, currency: str) -> None:
    """Everything the models say about an order log, and the formula CLV beside it.

    Whatever the fit: what the models need and how the file measures comes
    first; then the models' forecasts, or without them a ranking by recency
    and frequency and the customers past their usual gap.
    """
    margin, disc = _settings()
    years = _years()
    overrides = upload_view.overrides()
    result = _fitting(
        orders_held(margin, disc, years),
        "forecast.step_orders",
        lambda: fit_orders(data, name, overrides, margin, disc, years),
        lambda r: t("forecast.fitted_orders", customers=number(r.customers)),
    )
    if result.forecast is not None:
        forecast_readiness.needs(result.forecast.checks)
    st.caption(t("forecast.orders_basis"))
    upload_view.churn_panel(loaded, result.alive_next_year)
    if result.error:
        st.warning(
            t("forecast.fit_failed", reason=calc_text(result.error)), icon=":material/warning:"
        )
        forecast_readiness.without_model(loaded, currency)
    else:
        forecast_readiness.held_note(result.forecast)
        _order_headline(result, currency, years)
        _customer_table(result, currency, years)
        _at_risk(result, currency, years)
    _compare_clv(loaded, result, currency, years, margin, disc)
    if result.error is None:
        # checked last, so the forecast above is on screen while the check runs
        with st.spinner(t("forecast.step_holdout", weeks=number(HOLDOUT_WEEKS))):
            holdout = check_orders(data, name, overrides)
        _holdout(holdout)
        _order_explain(result, currency)


def _order_headline(result: OrderFit, currency: str, years: int) -> None:
    values = result.forecast.values
    cells = st.columns(4)
    cells[0].metric(
        t("forecast.active_now"),
        number(result.active),
        help=t("forecast.active_now_help"),
    )
    cells[0].caption(t("forecast.of_customers", customers=number(result.customers)))
    for cell, days in zip(cells[1:3], WINDOWS, strict=True):
        total = result.totals[days]
        cell.metric(
            t("forecast.purchases_next", days=number(days)),
            number(total.likely),
            help=t("forecast.purchases_next_help"),
        )
        cell.caption(_range(total, number))
    if values is None:
        cells[3].info(
            t("readiness.spend_missing", reason=calc_text(result.forecast.spend_error)),
            icon=":material/info:",
        )
        return
    cells[3].metric(
        t("forecast.book_value", years=duration(years, "years")),
        money(values.total_clv.likely, currency),
        help=t("forecast.book_value_help"),
    )
    cells[3].caption(_range(values.total_clv, lambda v: money(v, currency)))


def _money_column(label: str, currency: str, help_text: str | None = None):
    return st.column_config.NumberColumn(
        t("forecast.in_currency", label=label, symbol=currency_symbol(currency)), help=help_text
    )


def _columns(currency: str, years: int) -> dict[str, object]:
    """Display settings of the per-customer columns, in display order."""
    span = duration(years, "years")
    config = {
        "_index": st.column_config.TextColumn(t("forecast.col_customer")),
        "customer_name": st.column_config.TextColumn(t("forecast.col_name")),
        "p_alive": st.column_config.ProgressColumn(
            t("forecast.col_alive"),
            help=t("forecast.col_alive_help"),
            format=percent_printf(),
            min_value=0.0,
            max_value=100.0,
        ),
        "last_purchase": st.column_config.DateColumn(t("forecast.col_last"), format="YYYY-MM-DD"),
    }
    for days in WINDOWS:
        config[f"next_{days}"] = st.column_config.NumberColumn(
            t("forecast.col_next", days=number(days))
        )
    config["order_value"] = _money_column(
        t("forecast.col_order_value"), currency, t("forecast.col_order_value_help")
    )
    config["clv_low"] = _money_column(t("forecast.col_clv_low"), currency)
    config["clv"] = _money_column(
        t("forecast.col_clv", years=span), currency, t("forecast.col_clv_help")
    )
    config["clv_high"] = _money_column(t("forecast.col_clv_high"), currency)
    config["historic_clv"] = _money_column(t("forecast.col_spent"), currency)
    config["worth_if_active"] = _money_column(
        t("forecast.col_at_stake", years=span), currency, t("forecast.col_at_stake_help")
    )
    return config


def _show(
    frame: pd.DataFrame, config: dict[str, object], keep: list[str], total: int | None = None
) -> None:
    """The first rows of ``frame`` (of ``total`` rows, by default all of ``frame``)."""
    total = len(frame) if total is None else total
    shown = [c for c in keep if c in frame.columns]
    rows = frame.head(SHOWN_ROWS)[shown]
    if "p_alive" in shown:
        rows = rows.assign(p_alive=rows["p_alive"] * 100)  # the progress column reads 0 to 100
    st.dataframe(
        localized(rows, NUMBER_KINDS),
        column_config={k: v for k, v in config.items() if k in shown or k == "_index"},
        column_order=shown,
    )
    if total > SHOWN_ROWS:
        st.caption(t("forecast.rows_shown", rows=number(SHOWN_ROWS), total=number(total)))


def _export(frame: pd.DataFrame, config: dict[str, object], keep: list[str]) -> pd.DataFrame:
    """The table as downloaded: readable headers, customer id first, sensible rounding."""
    shown = [c for c in keep if c in frame.columns]
    out = frame[shown].reset_index()
    rounding = {c: 3 if c == "p_alive" else 2 for c in shown if out[c].dtype.kind == "f"}
    out = out.round(rounding)
    labels = {"customer_id": t("forecast.col_customer")}
    labels.update({c: config[c]["label"] for c in shown if c in config})
    return out.rename(columns=labels)


def _downloads(make, stem: str, sheet: str, key: str) -> None:
    """CSV and Excel buttons; ``make()`` builds the table only when one is clicked."""
    left, right = st.columns(2)
    left.download_button(
        t("forecast.download_csv"),
        lambda: exports.to_csv(make()),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"{key}_csv",
    )
    right.download_button(
        t("forecast.download_xlsx"),
        lambda: exports.to_xlsx({sheet: make()}),
        file_name=f"{stem}.xlsx",
        mime=XLSX,
        key=f"{key}_xlsx",
    )


TABLE_COLUMNS = [
    "customer_name",
    "p_alive",
    "next_90",
    "next_365",
    "order_value",
    "clv_low",
    "clv",
    "clv_high",
]
RISK_COLUMNS = [
    "customer_name",
    "p_alive",
    "last_purchase",
    "historic_clv",
    "worth_if_active",
]


def _customer_table(result: OrderFit, currency: str, years: int) -> None:
    st.subheader(t("forecast.customers_title"))
    st.caption(t("forecast.customers_note", years=duration(years, "years")))
    config = _columns(currency, years)
    order = result.order  # taken when fitted, with the rows on screen
    _show(result.top, config, TABLE_COLUMNS, total=len(order))
    sheet = t("forecast.customers_title")
    make = lambda: _export(result.table.iloc[order], config, TABLE_COLUMNS)  # noqa: E731
    _downloads(make, "customer_forecast", sheet, "fc_all")


@st.fragment
def _at_risk(result: OrderFit, currency: str, years: int) -> None:
    """The customers slipping away; its slider reruns this section only, not the page."""
    st.subheader(t("forecast.risk_title"))
    threshold = st.slider(
        t("forecast.risk_threshold"),
        min_value=5,
        max_value=95,
        value=50,
        step=5,
        format=percent_printf("%d"),
        key="fc_risk",
        help=t("forecast.risk_threshold_help"),
        persist_state="session",
    )
    # calc.models.clv.at_risk with its order taken once when fitted: most worth
    # if won back first (without values in money: most spent so far). The chances are
    # held in that order too: a rerun compares them in sequence, no gather of every
    # customer (30 ms at 5M rows).
    below = result.risk_alive < threshold / 100
    count = int(np.count_nonzero(below))
    # Only the rows drawn are copied on a rerun; the download takes them all on click.
    slipping = result.table.iloc[result.risk_order[np.flatnonzero(below)[:SHOWN_ROWS]]]
    st.markdown(
        t(
            "forecast.risk_count",
            count=number(count),
            customers=number(result.customers),
            threshold=pct(threshold / 100, 0),
        )
    )
    st.caption(t("forecast.risk_note", years=duration(years, "years")))
    if slipping.empty:
        return
    config = _columns(currency, years)
    _show(slipping, config, RISK_COLUMNS, total=count)
    sheet = t("forecast.risk_title")
    make = lambda: _export(result.table.iloc[result.risk_order[below]], config, RISK_COLUMNS)  # noqa: E731
    _downloads(make, "customers_at_risk", sheet, "fc_risk")


def formula_clv(loaded: upload_view.Loaded, margin: float, disc: float):
    """The formula CLV with the order value, frequency and churn measured in the file.

    Same inputs as the "Your data" page; raises ``CalcError`` when they cannot be used.
    """
    c = loaded.analysis.clv
    churn = history.require_yearly_churn(loaded.analysis.churn, c.days)  # as on Your data
    return clv_report(
        c.aov, c.purchases_per_year, margin, disc, state.calc_value("cac"), churn_rate=churn
    )


def _compare_clv(
    loaded: upload_view.Loaded,
    result: OrderFit,
    currency: str,
    years: int,
    margin: float,
    disc: float,
) -> None:
    st.subheader(t("forecast.compare_title"))
    c = loaded.analysis.clv
    left, right = st.columns(2)
    formula = None
    with left, st.container(border=True):
        st.markdown(f"**{t('forecast.formula_title')}**")
        try:
            formula = formula_clv(loaded, margin, disc)
        except CalcError as error:
            st.warning(
                t("forecast.formula_failed", reason=calc_text(error)), icon=":material/info:"
            )
        else:
            st.metric(t("forecast.formula_clv"), money(formula.discounted_margin_clv, currency))
            st.caption(
                t(
                    "forecast.formula_note",
                    aov=money(c.aov, currency),
                    freq=number(c.purchases_per_year, 2),
                    churn=pct(formula.annual_churn),
                    margin=pct(margin, 0),
                    disc=pct(disc, 0),
                )
            )
    model = None
    with right, st.container(border=True):
        st.markdown(f"**{t('forecast.model_title')}**")
        if result.error or result.forecast.values is None:
            st.caption(t("forecast.model_missing"))
        else:
            total = result.forecast.values.total_clv
            n = result.customers
            model = Range(total.low / n, total.likely / n, total.high / n)
            st.metric(
                t("forecast.model_clv", years=duration(years, "years")),
                money(model.likely, currency),
            )
            st.caption(_range(model, lambda v: money(v, currency)))
            st.caption(t("forecast.model_note", margin=pct(margin, 0), disc=pct(disc, 0)))
    if formula is None or model is None:
        return
    st.markdown(
        t(
            "forecast.why",
            years=duration(years, "years"),
            freq=number(c.purchases_per_year, 2),
            churn=pct(formula.annual_churn),
        )
    )
    if model.likely < formula.discounted_margin_clv:
        st.markdown(t("forecast.why_lower"))
    else:
        st.markdown(t("forecast.why_higher"))


def _holdout(holdout: Holdout) -> None:
    st.subheader(t("forecast.holdout_title"))
    if holdout.too_short or holdout.error:
        reason = (
            t("forecast.holdout_short", weeks=number(MIN_HISTORY_WEEKS))
            if holdout.too_short
            else calc_text(holdout.error)
        )
        st.info(t("forecast.holdout_none", reason=reason), icon=":material/info:")
        return
    check = holdout.check
    expected = check.expected
    st.markdown(
        t(
            "forecast.holdout_sentence",
            end=f"{holdout.calibration_end:%Y-%m-%d}",
            customers=number(check.customers),
            expected=number(expected.likely),
            low=number(expected.low),
            high=number(expected.high),
            weeks=number(check.length),
            actual=number(check.actual),
        )
    )
    if check.actual < expected.low:
        verdict = "below"
    elif check.actual > expected.high:
        verdict = "above"
    else:
        verdict = "within"
    st.markdown(t(f"forecast.holdout_{verdict}"))
    if holdout.new_customers:
        st.caption(t("forecast.holdout_new", customers=number(holdout.new_customers)))
    actual, expected_text = t("forecast.track_actual"), t("forecast.track_expected")
    track = check.tracking
    n = len(track)
    weeks = pd.DataFrame(  # long form, built whole (a text broadcast to every row is slow)
        {
            "period_end": np.tile(track["period_end"].to_numpy(), 2),
            "series": np.repeat(np.array([actual, expected_text], dtype=object), n),
            "purchases": np.concatenate([track["actual"], track["expected"]]),
        }
    )
    split = pd.DataFrame(
        {"period_end": [holdout.calibration_end], "label": [t("forecast.track_split")]}
    )
    charts.draw(
        forecast_charts.tracking,
        {"weeks": weeks, "split": split},
        x_title=t("forecast.track_x"),
        y_title=t("forecast.track_y"),
        actual=actual,
        expected=expected_text,
    )
    st.caption(t("forecast.track_note"))


def _order_explain(result: OrderFit, currency: str) -> None:
    purchases, spend = result.forecast.purchases, result.forecast.spend
    lines = [
        t(
            "forecast.explain_bgnbd",
            r=number(purchases.r, 3),
            alpha=number(purchases.alpha, 3),
            a=number(purchases.a, 3),
            b=number(purchases.b, 3),
        )
    ]
    if spend is not None:
        lines.append(
            t(
                "forecast.explain_gg",
                p=number(spend.p, 3),
                q=number(spend.q, 3),
                gamma=number(spend.gamma, 3),
                mean=money(spend.population_mean_value, currency),
                buyers=number(spend.n_customers),
            )
        )
    if result.forecast.held:
        lines.append(t("readiness.explain_held"))
    lines += [t("readiness.conventions"), t("forecast.explain_ranges")]
    chrome.explain("app.how_calculated", lines)


# ----------------------------------------------------------- subscriptions


def subscriptions_page(data: Source, name: str, loaded: upload_view.Loaded, currency: str) -> None:
    """The retention curve of a subscription table and what a subscriber is worth."""
    result = _fitting(
        subscriptions_held(),
        "forecast.step_cohorts",
        lambda: fit_subscriptions(data, name, upload_view.overrides()),
        lambda r: t(
            "forecast.fitted_subscriptions",
            customers=number(r.model.n_customers),
            cohorts=number(len(r.cohorts)),
        ),
    )
    if result.error:
        st.warning(
            t("forecast.fit_failed", reason=calc_text(result.error)), icon=":material/warning:"
        )
        return
    model = result.model
    margin, disc = _settings()
    monthly = discount_rate_per_unit(disc, "M")
    s = loaded.subscriptions
    per_month = s.mrr / s.customers * margin if s.customers else math.nan
    lifetime = model.expected_lifetime_range(LIFETIME_CAP_MONTHS)
    try:
        derl = model.derl_range(monthly, renewals=0)
    except CalcError as error:
        st.warning(t("forecast.fit_failed", reason=calc_text(error)), icon=":material/warning:")
        return
    year = model.project(12).iloc[12]
    cells = st.columns(4)
    cells[0].metric(t("forecast.sub_customers"), number(model.n_customers))
    cells[0].caption(t("forecast.sub_cohorts", cohorts=number(len(result.cohorts))))
    cells[1].metric(
        t("forecast.sub_after_year"), pct(year["survival"]), help=t("forecast.sub_after_year_help")
    )
    cells[1].caption(
        t("forecast.range", low=pct(year["survival_low"]), high=pct(year["survival_high"]))
    )
    cells[2].metric(
        t("forecast.sub_lifetime"),
        duration(lifetime.likely, "months"),
        help=t("forecast.sub_lifetime_help", cap=duration(LIFETIME_CAP_MONTHS / 12, "years")),
    )
    cells[2].caption(_range(lifetime, lambda v: duration(v, "months")))
    cells[3].metric(
        t("forecast.sub_clv"),
        money(per_month * derl.likely, currency),
        help=t("forecast.sub_clv_help"),
    )
    cells[3].caption(_range(derl, lambda v: money(per_month * v, currency)))
    st.caption(
        t(
            "forecast.sub_clv_note",
            mrr=money(per_month / margin if margin else math.nan, currency),
            margin=pct(margin, 0),
            disc=pct(disc, 0),
            months=number(derl.likely, 1),
        )
    )
    if model.held:
        st.info(
            t("readiness.held_churn", churn=pct(model.alpha / (model.alpha + model.beta))),
            icon=":material/info:",
        )
    _curve(result)
    lines = [
        t("forecast.explain_cohorts"),
        t(
            "forecast.explain_sbg",
            alpha=number(model.alpha, 3),
            beta=number(model.beta, 3),
            churn=pct(model.alpha / (model.alpha + model.beta)),
        ),
    ]
    chrome.explain("app.how_calculated", [*lines, t("forecast.explain_ranges")])
    with st.expander(t("forecast.cohort_table")):
        cohorts = result.cohorts
        st.dataframe(
            localized(cohorts, dict.fromkeys(cohorts.columns, "decimal")),
            column_config={"cohort": t("forecast.cohort_label")},
        )


def _curve(result: SubscriptionFit) -> None:
    st.subheader(t("forecast.curve_title"))
    observed_until = int(result.observed["period"].iloc[-1])
    ahead = st.slider(
        t("forecast.months_ahead"),
        min_value=6,
        max_value=60,
        value=24,
        step=6,
        key="fc_months",
        help=t("forecast.months_ahead_help"),
        persist_state="session",
    )
    projection = result.model.project(observed_until + ahead)
    charts.draw(
        forecast_charts.retention_curve,
        {
            "fitted": projection[["period", "survival_low", "survival", "survival_high"]],
            "observed": result.observed,
            "today": pd.DataFrame(
                {"period": [observed_until], "label": [t("forecast.curve_today")]}
            ),
        },
        x_title=t("forecast.curve_x"),
        y_title=t("forecast.curve_y"),
        observed=t("forecast.curve_observed"),
        fitted=t("forecast.curve_fitted"),
        low=t("forecast.curve_low"),
        high=t("forecast.curve_high"),
    )
    alike = result.model.alpha + result.model.beta > ALIKE
    shape = t("forecast.explain_alike") if alike else t("forecast.curve_flattens")
    st.caption(t("forecast.curve_note") + " " + shape)


# ------------------------------------- a summary computed by a database (calc.warehouse)

#: Where this session holds the fit of a database's summary (:func:`ui.state.held`).
_SUMMARY_FIT = "_fc_summary_fit"


def summary_page(key: object, summary: CustomerSummary, spent: pd.Series, currency: str) -> None:
    """The models' forecasts for a per-customer summary computed where the orders live.

    Only the summary came back from the database, not the order log, so the
    parts that read the log (churn panel, formula CLV, holdout check) are left
    out. The fit is held in the session and made again only when the summary
    (``key``) or a setting changes.
    """
    margin, disc = _settings()
    years = _years()
    with st.spinner(t("forecast.fitting")):
        result = state.held(
            _SUMMARY_FIT,
            (key, margin, disc, years),
            lambda: fit_summary(summary, spent, margin, disc, years),
        )
    if result.forecast is not None:
        forecast_readiness.needs(result.forecast.checks)
    if result.error:
        st.warning(
            t("forecast.fit_failed", reason=calc_text(result.error)), icon=":material/warning:"
        )
        return
    forecast_readiness.held_note(result.forecast)
    _order_headline(result, currency, years)
    _customer_table(result, currency, years)
    _at_risk(result, currency, years)
    _order_explain(result, currency)
