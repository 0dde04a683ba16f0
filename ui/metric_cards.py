"""The Retention metrics page's table: which inputs feed which ``calc`` metric,
how the result is shown and which rule of thumb judges it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st

from calc import metrics as m
from calc import thresholds as th
from calc.errors import InputError
from ui import chrome, state
from ui.fields import Form
from ui.format import duration, money, number, pct, signed_pct
from ui.i18n import t


@dataclass(frozen=True)
class Metric:
    """One metric card: ``compute(**{arg: value of widget})`` shown by ``show``."""

    key: str
    compute: Callable[..., float]
    feeds: dict[str, str]
    show: str = "pct"
    health: Callable[[float, str, str], th.Health] | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _per(fn):
    return lambda value, period, business: fn(value, period, business=business)


def _plain(fn):
    return lambda value, period, business: fn(value, business=business)


GROUPS: tuple[tuple[str, tuple[str, ...], tuple[Metric, ...]], ...] = (
    (
        "customers",
        ("m_start", "m_end", "m_new"),
        (
            Metric(
                "retention",
                m.customer_retention_rate,
                {"customers_start": "m_start", "customers_end": "m_end", "new_customers": "m_new"},
                health=_per(th.retention_health),
            ),
            Metric(
                "churn",
                m.churn_from_counts,
                {"customers_start": "m_start", "customers_end": "m_end", "new_customers": "m_new"},
                health=_per(th.churn_health),
            ),
        ),
    ),
    (
        "mrr",
        ("m_mrr", "m_exp", "m_con", "m_chm"),
        (
            Metric(
                "revenue_churn",
                m.revenue_churn_rate,
                {"mrr_start": "m_mrr", "churned_mrr": "m_chm", "contraction_mrr": "m_con"},
                health=_per(th.revenue_churn_health),
            ),
            Metric(
                "nrr",
                m.net_revenue_retention,
                {
                    "mrr_start": "m_mrr",
                    "expansion": "m_exp",
                    "contraction": "m_con",
                    "churned": "m_chm",
                },
                health=_per(th.nrr_health),
            ),
            Metric(
                "grr",
                m.gross_revenue_retention,
                {"mrr_start": "m_mrr", "contraction": "m_con", "churned": "m_chm"},
                health=_per(th.grr_health),
            ),
        ),
    ),
    (
        "orders",
        ("m_buyers", "m_orders", "m_revenue", "m_repeat", "m_loyal"),
        (
            Metric(
                "repeat",
                m.repeat_purchase_rate,
                {"repeat_customers": "m_repeat", "total_customers": "m_buyers"},
                health=_plain(th.repeat_purchase_health),
            ),
            Metric(
                "frequency",
                m.purchase_frequency,
                {"orders": "m_orders", "customers": "m_buyers"},
                show="number",
            ),
            Metric(
                "interval",
                m.purchase_interval_days,
                {"orders": "m_orders", "customers": "m_buyers"},
                show="days",
                extra={"period": "m_period"},
            ),
            Metric(
                "aov",
                m.average_order_value,
                {"revenue": "m_revenue", "orders": "m_orders"},
                show="money",
            ),
            Metric(
                "loyal",
                m.loyal_customer_rate,
                {"loyal_customers": "m_loyal", "total_customers": "m_buyers"},
            ),
        ),
    ),
    (
        "money",
        ("m_rev_prev", "m_rev_now", "m_sold", "m_returned", "m_recv", "m_credit"),
        (
            Metric(
                "growth",
                m.existing_customer_revenue_growth,
                {"revenue_start": "m_rev_prev", "revenue_end": "m_rev_now"},
                show="signed",
            ),
            Metric(
                "returns",
                m.product_return_rate,
                {"units_returned": "m_returned", "units_sold": "m_sold"},
                health=_plain(th.return_rate_health),
            ),
            Metric(
                "dso",
                m.days_sales_outstanding,
                {"receivables": "m_recv", "credit_sales": "m_credit"},
                show="days",
                health=_plain(th.dso_health),
                extra={"days": "m_period"},
            ),
        ),
    ),
)


def _show(metric: Metric, value: float, currency: str) -> str:
    if metric.show == "money":
        return money(value, currency)
    if metric.show == "number":
        return number(value, 2)
    if metric.show == "days":
        return duration(value, "days")
    if metric.show == "signed":
        return signed_pct(value, 1)
    return pct(value)


def _extra_args(metric: Metric, period: str) -> dict[str, object]:
    extras: dict[str, object] = {}
    for arg in metric.extra:
        extras[arg] = m.days_in_period(period) if arg == "days" else period
    return extras


def card(metric: Metric, form: Form, period: str, currency: str) -> None:
    """Compute one metric and draw its card; hide it when an input is empty."""
    raw = {arg: st.session_state[key] for arg, key in metric.feeds.items()}
    if any(value is None for value in raw.values()):
        return
    business, proposed = state.business()
    try:
        value = metric.compute(**raw, **_extra_args(metric, period))
        verdict = metric.health(value, period, business) if metric.health else None
    except InputError as error:
        form.show(error, metric.feeds)
        return
    with st.container(border=True):
        st.metric(
            t(f"metrics.{metric.key}"),
            _show(metric, value, currency),
            help=t(f"metrics.{metric.key}_help", period=t(f"period.{period}")),
        )
        if verdict is not None:
            chrome.health(verdict, proposed)
        shown = {arg: number(v, 2) for arg, v in raw.items()}
        with st.expander(t("app.how_calculated")):
            st.markdown(
                t(
                    f"metrics.{metric.key}_formula",
                    result=_show(metric, value, currency),
                    days=number(m.days_in_period(period), 1),
                    **shown,
                )
            )


def group(name: str, inputs: tuple[str, ...], cards: tuple[Metric, ...], period, currency):
    """One block of the page: its inputs on the left, its metric cards on the right."""
    with st.container(border=True):
        st.subheader(t(f"metrics.group_{name}"))
        left, right = st.columns([1, 2], gap="large")
        form = Form()
        with left:
            for key in inputs:
                form.number(key, step=1.0, fmt="%.0f")
        with right:
            columns = st.columns(2)
            for index, metric in enumerate(cards):
                with columns[index % 2]:
                    card(metric, form, period, currency)


def nps_group() -> None:
    """Net Promoter Score from pasted 0-10 answers."""
    with st.container(border=True):
        st.subheader(t("metrics.group_nps"))
        left, right = st.columns([1, 2], gap="large")
        form = Form()
        with left:
            form.text("m_nps", "scores")
        text = st.session_state.m_nps
        if not text or not text.strip():
            return
        try:
            scores = m.parse_scores(text)
            breakdown = m.nps_breakdown(scores)
            business, proposed = state.business()
            verdict = th.nps_health(breakdown.score, business=business)
        except InputError as error:
            form.show(error)
            return
        with right, st.container(border=True):
            st.metric(t("metrics.nps"), number(breakdown.score, 0), help=t("metrics.nps_help"))
            chrome.health(verdict, proposed)
            with st.expander(t("app.how_calculated")):
                st.markdown(
                    t(
                        "metrics.nps_formula",
                        promoters=breakdown.promoters,
                        passives=breakdown.passives,
                        detractors=breakdown.detractors,
                        total=breakdown.responses,
                        result=number(breakdown.score, 0),
                    )
                )
