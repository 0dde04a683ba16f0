"""What if? The "+5 points of retention" scenario, baseline pinned against it."""

import streamlit as st

from calc.errors import InputError
from calc.scenario import retention_uplift
from calc.thresholds import PROFIT_UPLIFT_HIGH, PROFIT_UPLIFT_LOW
from ui import charts, chrome, state
from ui.fields import Form
from ui.format import (
    currency_symbol,
    money,
    money_printf,
    number,
    pct,
    percent_printf,
    signed_pct,
)
from ui.i18n import t


@chrome.inputs("whatif")
def body(cur: str) -> None:
    """The sliders, and the scenario against the baseline."""
    money_fmt = money_printf(cur)
    form = Form()
    controls, results = st.columns([1, 2], gap="large")
    with controls:
        pinned = chrome.pinned_result()
    with controls, st.container(border=True):
        for key, feeds, step, fmt, changed in (
            ("wi_ret", "retention_rate", 0.5, percent_printf("%g"), state.whatif_retention_changed),
            ("wi_up", "uplift", 0.5, "+%g", None),
            ("wi_margin", "margin_per_customer", 1.0, money_fmt, None),
            ("wi_cac", "acquisition_cost", 5.0, money_fmt, None),
            ("wi_disc", "discount_rate", 0.5, percent_printf("%g"), None),
            ("wi_years", "years", 1, None, None),
        ):
            lo, hi = state.slider_range(key, cur)
            form.slider(key, feeds, lo, hi, step=step, fmt=fmt, on_change=changed)
    with controls, st.container(border=True, key="wi_assumptions"):
        st.markdown(f"**{t('journeys.assumptions_title')}**")
        st.caption(t("journeys.assumptions_help"))
        form.number("wi_start", "starting_customers", step=100.0, fmt="%.0f")
        form.number("wi_new", "new_customers_per_year", step=10.0, fmt="%.0f")
        lo, hi = state.slider_range("wi_growth", cur)
        form.slider("wi_growth", "margin_growth", lo, hi, step=1.0, fmt=percent_printf())

    args = form.args(
        "starting_customers",
        "retention_rate",
        "new_customers_per_year",
        "margin_per_customer",
        "margin_growth",
        "acquisition_cost",
        "discount_rate",
        "years",
        "uplift",
    )
    with results:
        try:
            result = retention_uplift(**args)  # under 1 ms: a cache's copy cost more
        except InputError as error:
            form.show(error)
            st.info(t("app.fix_to_see_results"), icon=":material/edit:")
            st.stop()

        base, new = result.baseline, result.scenario
        years = args["years"]
        headline = t(
            "whatif.headline",
            points=number(args["uplift"] * 100, 1),
            change=signed_pct(result.profit_change),
            years=years,
        )
        pinned.markdown(f"**{headline.lstrip('# ')}**")  # a line, not a second heading
        st.markdown(headline)
        st.caption(
            t("whatif.headline_sub", before=pct(base.retention_rate), after=pct(new.retention_rate))
        )
        a, b = st.columns(2)
        c, d = st.columns(2)
        a.metric(
            t("whatif.profit", years=years),
            money(new.total_profit, cur),
            delta=money(new.total_profit - base.total_profit, cur),
            help=t("whatif.profit_help", baseline=money(base.total_profit, cur)),
        )
        b.metric(
            t("whatif.npv"),
            money(new.npv, cur),
            delta=signed_pct(result.npv_change),
            help=t("whatif.npv_help", baseline=money(base.npv, cur)),
        )
        c.metric(
            t("whatif.clv"),
            money(new.clv_per_customer, cur),
            delta=signed_pct(result.clv_change),
            help=t("whatif.clv_help", baseline=money(base.clv_per_customer, cur)),
        )
        end_base = base.yearly["customers"].iloc[-1]
        end_new = new.yearly["customers"].iloc[-1]
        d.metric(
            t("whatif.customers_end", years=years),
            number(end_new),
            delta=number(end_new - end_base),
            help=t("whatif.customers_help", baseline=number(end_base)),
        )

        labels = (t("whatif.baseline"), t("whatif.scenario"))
        cases = charts.compare_data(base.yearly, new.yearly, labels)
        for value, title, y_title in (
            ("customers", t("whatif.chart_customers"), t("whatif.chart_customers_y")),
            (
                "profit",
                t("whatif.chart_profit"),
                t("whatif.chart_profit_y", currency=currency_symbol(cur)),
            ),
        ):
            st.markdown(f"**{title}**")
            charts.draw(
                charts.compare,
                cases,
                value=value,
                x_title=t("whatif.chart_x"),
                y_title=y_title,
                baseline=labels[0],
                scenario=labels[1],
                bars=value == "profit",
            )

        if result.profit_change is None:
            band = "none"
        elif result.profit_change < PROFIT_UPLIFT_LOW:
            band = "below"
        elif result.profit_change > PROFIT_UPLIFT_HIGH:
            band = "above"
        else:
            band = "inside"
        with st.container(border=True):
            st.markdown(f"**{t('whatif.why_title')}**")
            st.markdown(
                t(
                    f"whatif.why_{band}",
                    low=pct(PROFIT_UPLIFT_LOW, 0),
                    high=pct(PROFIT_UPLIFT_HIGH, 0),
                )
            )
            st.markdown(
                t(
                    "whatif.why_levers",
                    growth=pct(args["margin_growth"], 0),
                    cac=money(args["acquisition_cost"], cur),
                    new=number(args["new_customers_per_year"]),
                )
            )
            st.caption(t("whatif.source", source=t("rule.profit_uplift_high.source")))

        chrome.explain(
            "app.how_calculated",
            [t("whatif.explain_model"), t("whatif.explain_profit"), t("whatif.explain_npv")],
        )


body(chrome.page("whatif"))
