"""Customer value (CLV) calculator: what one customer is worth, and when they pay back."""

import math

import streamlit as st

from calc.clv import clv_report, margin_curve
from calc.errors import InputError
from calc.thresholds import clv_cac_health, payback_health
from ui import charts, chrome, scenarios_view, state
from ui.fields import Form
from ui.format import currency_symbol, duration, money, number, pct
from ui.i18n import t


@chrome.inputs("clv")
def body(cur: str) -> None:
    """The inputs, what one customer is worth, and when they pay back."""
    form = Form()
    inputs, results = st.columns([1, 2], gap="large")

    with inputs:
        pinned = chrome.pinned_result()
        st.subheader(t("clv.inputs"))
        form.number("aov", "avg_order_value", step=1.0, on_change=state.clv_margin_changed)
        form.number("freq", "purchases_per_year", step=0.5, on_change=state.clv_margin_changed)
        st.radio(
            t("field.clv_mode"),
            ["churn", "life"],
            format_func=lambda mode: t(f"clv.mode_{mode}"),
            key="clv_mode",
            horizontal=True,
            on_change=state.clv_churn_changed,
            persist_state="session",
        )
        if st.session_state.clv_mode == "churn":
            form.number("churn", "churn_rate", on_change=state.clv_churn_changed)
        else:
            form.number("life", "lifespan_years", step=0.5, on_change=state.clv_churn_changed)
        form.number("margin", "gross_margin", on_change=state.clv_margin_changed)
        form.number("disc", "discount_rate", step=0.5, on_change=state.discount_changed)
        form.number("cac", "acquisition_cost", step=5.0, on_change=state.cac_changed)
        scenarios_view.save_button()

    lifetime = "churn_rate" if st.session_state.clv_mode == "churn" else "lifespan_years"
    args = form.args(
        "avg_order_value",
        "purchases_per_year",
        "gross_margin",
        "discount_rate",
        "acquisition_cost",
        lifetime,
    )

    with results:
        try:
            report = clv_report(**args)
        except InputError as error:
            form.show(error)
            st.info(t("app.fix_to_see_results"), icon=":material/edit:")
            st.stop()

        pinned.markdown(
            t(
                "journeys.pinned_clv",
                clv=money(report.discounted_margin_clv, cur),
                payback=duration(report.payback_months, "months")
                if math.isfinite(report.clv_cac)
                else t("fmt.not_available"),
            )
        )
        st.subheader(t("clv.results"))
        a, b = st.columns(2)
        c, d = st.columns(2)
        a.metric(
            t("clv.revenue_clv"), money(report.revenue_clv, cur), help=t("clv.revenue_clv_help")
        )
        b.metric(
            t("clv.margin_clv"),
            money(report.discounted_margin_clv, cur),
            help=t("clv.margin_clv_help"),
        )
        has_cac = math.isfinite(report.clv_cac)
        c.metric(
            t("clv.clv_cac"),
            t("fmt.ratio", value=number(report.clv_cac, 1)) if has_cac else t("fmt.not_available"),
        )
        # No acquisition cost: nothing to earn back, so no payback time (never "0 months").
        d.metric(
            t("clv.payback"),
            duration(report.payback_months, "months") if has_cac else t("fmt.not_available"),
        )
        st.caption(
            t(
                "clv.per_customer_line",
                lifespan=duration(report.lifespan_years, "years"),
                churn=pct(report.annual_churn),
                net=money(report.net_clv, cur),
            )
        )

        if not has_cac:
            st.info(t("clv.no_cac"), icon=":material/info:")
        else:
            business, proposed = state.business()
            verdict_ratio, verdict_payback = st.columns(2)
            with verdict_ratio:
                st.markdown(f"**{t('clv.clv_cac')}**")
                chrome.health(clv_cac_health(report.clv_cac, business=business), proposed)
            with verdict_payback:
                st.markdown(f"**{t('clv.payback')}**")
                chrome.health(payback_health(report.payback_months, business=business), proposed)

        payback_years = report.payback_years
        horizon = 10 if math.isinf(payback_years) else min(30, max(5, math.ceil(payback_years) + 3))
        curve = margin_curve(
            report.annual_margin, 1 - report.annual_churn, args["discount_rate"], horizon
        )
        st.markdown(f"**{t('clv.chart_title')}**")
        charts.draw(
            charts.payback,
            charts.payback_data(
                curve,
                args["acquisition_cost"],
                cac_label=t("clv.chart_cac", cac=money(args["acquisition_cost"], cur, cents=False)),
                payback_period=payback_years if payback_years <= horizon else None,
                payback_label=t(
                    "clv.chart_payback", when=duration(report.payback_months, "months")
                ),
            ),
            x_title=t("clv.chart_x"),
            y_title=t("clv.chart_y", currency=currency_symbol(cur)),
        )

        chrome.explain(
            "app.how_calculated",
            [
                t(
                    "clv.explain_revenue",
                    aov=money(args["avg_order_value"], cur),
                    freq=number(args["purchases_per_year"], 2),
                    lifespan=number(report.lifespan_years, 2),
                    result=money(report.revenue_clv, cur),
                ),
                t(
                    "clv.explain_margin",
                    revenue=money(report.revenue_clv, cur),
                    margin=pct(args["gross_margin"]),
                    result=money(report.margin_clv, cur),
                ),
                t(
                    "clv.explain_discounted",
                    m=money(report.annual_margin, cur),
                    d=number(args["discount_rate"], 4),
                    r=number(1 - report.annual_churn, 4),
                    result=money(report.discounted_margin_clv, cur),
                ),
                t(
                    "clv.explain_ratio",
                    clv=money(report.discounted_margin_clv, cur),
                    cac=money(args["acquisition_cost"], cur),
                    result=number(report.clv_cac, 2),
                ),
                t("clv.explain_payback"),
                t("clv.sources"),
            ],
        )


body(chrome.page("clv"))
