"""Churn check: one churn figure in every period, judged, priced, with a next step."""

import pandas as pd
import streamlit as st

from calc.churn import churn_by_period, churn_cost
from calc.errors import InputError
from calc.thresholds import RULES, rule
from ui import charts, chrome, fields, state
from ui.fields import Form, as_typed_pct
from ui.format import money, number, pct
from ui.i18n import t


@chrome.inputs("churn")
def body(cur: str) -> None:
    """The churn figure, its verdict in every period and its cost."""
    form = Form()
    inputs, results = st.columns([1, 2], gap="large")
    with inputs, st.container(border=True):
        form.number("ch_churn", "churn_rate", step=0.1, on_change=state.churn_check_changed)
        fields.period("ch_period", on_change=state.churn_check_changed)
        form.number("ch_customers", "customers", step=100.0, fmt="%.0f")
        form.number("ch_margin", "margin_per_customer", step=5.0)

    period = st.session_state.ch_period
    business, proposed = state.business()
    args = form.args("churn_rate", "customers", "margin_per_customer")
    with results:
        try:
            cost = churn_cost(period=period, business=business, **args)
            table = churn_by_period(args["churn_rate"], period, business=business)
        except InputError as error:
            form.show(error)
            st.info(t("app.fix_to_see_results"), icon=":material/edit:")
            st.stop()

        verdict = cost.verdict
        st.subheader(t(f"churn.verdict_{verdict.level}"))
        chrome.health(verdict, proposed)

        columns = st.columns(3)
        for column, row in zip(columns, table.itertuples(), strict=True):
            own = row.period == period  # the figure as typed; the other two are derived from it
            column.metric(
                t("churn.per_period", period=t(f"period.{row.period}")),
                as_typed_pct(st.session_state.ch_churn) if own else pct(row.churn, 2),
                help=t("churn.per_period_help"),
            )
            column.caption(t("journeys.typed") if own else t("journeys.derived"))

        a, b, c = st.columns(3)
        a.metric(t("churn.lost_customers"), number(cost.customers_lost))
        b.metric(t("churn.lost_margin"), money(cost.margin_lost, cur))
        c.metric(
            t("churn.kept_at_watch", line=chrome.in_unit(verdict.rule, verdict.rule.watch)),
            number(cost.customers_kept_at_watch_line),
        )
        if cost.customers_kept_at_watch_line == 0:  # a 0 there must not read as "keeps none"
            c.caption(t("churn.kept_below_watch"))

        st.markdown(f"**{t('churn.chart_title')}**")
        chart_data = table.assign(
            period=table["period"].map(lambda p: t(f"period.{p}")), threshold=table["act"]
        )
        charts.draw(
            charts.churn_levels,
            {"churn": chart_data},
            x_title=t("churn.chart_x"),
            y_title=t("churn.chart_y"),
            threshold_title=t("churn.chart_threshold"),
        )
        st.caption(t("churn.chart_caption", act=chrome.in_unit(verdict.rule, verdict.rule.act)))

        chrome.explain(
            "app.how_calculated",
            [
                t(
                    "churn.explain_conversion",
                    churn=pct(args["churn_rate"], 2),
                    period=t(f"period.{period}"),
                    annual=pct(cost.annual_churn, 2),
                ),
                t(
                    "churn.explain_cost",
                    customers=number(args["customers"]),
                    annual=pct(cost.annual_churn, 2),
                    lost=number(cost.customers_lost),
                    margin=money(args["margin_per_customer"], cur),
                    result=money(cost.margin_lost, cur),
                ),
            ],
        )
        with st.expander(t("churn.all_rules")):
            lines = [rule(r.key, business) for r in RULES]
            st.caption(t("business.judged_as", kind=t(f"kind.{business}")))
            st.dataframe(
                pd.DataFrame(
                    {
                        t("churn.rules_metric"): [t(f"rule.{r.key}.metric") for r in lines],
                        t("churn.rules_watch"): [chrome.in_unit(r, r.watch) for r in lines],
                        t("churn.rules_act"): [chrome.in_unit(r, r.act) for r in lines],
                        t("churn.rules_source"): [chrome.rule_source(r) for r in lines],
                    }
                ),
                hide_index=True,
            )


body(chrome.page("churn"))
