"""Overview: the headline of every page for the numbers in use, and a way into each."""

import streamlit as st

from calc.churn import churn_cost
from calc.clv import clv_report
from calc.errors import InputError
from calc.metrics import customer_retention_rate
from calc.scenario import retention_uplift
from ui import chrome, state, upload_view
from ui.format import money, number, pct, signed_pct
from ui.i18n import t

cur = chrome.page("overview")
v = state.calc_value
by_churn = st.session_state.clv_mode == "churn"
fix = (t("fmt.not_available"), t("overview.fix"))
headline: dict[str, tuple[str, str]] = {key: fix for key in ("clv", "metrics", "whatif", "churn")}
try:
    report = clv_report(
        v("aov"),
        v("freq"),
        v("margin"),
        v("disc"),
        v("cac"),
        churn_rate=v("churn") if by_churn else None,
        lifespan_years=None if by_churn else v("life"),
    )
    headline["clv"] = (money(report.discounted_margin_clv, cur), t("overview.clv_sub"))
except InputError:
    pass
try:
    rate = customer_retention_rate(v("m_start"), v("m_end"), v("m_new"))
    example = all(
        st.session_state[key] == state.EXAMPLE[key] for key in state.PAGE_INPUTS["metrics"]
    )
    # The metrics page opens on a worked example: never shown as if it were the user's.
    headline["metrics"] = (
        t("fmt.not_available") if example else pct(rate),
        t("journeys.example_sub")
        if example
        else t("overview.metrics_sub", period=t(f"period.{v('m_period')}")),
    )
except InputError:
    pass
try:
    up = retention_uplift(
        v("wi_start"),
        v("wi_ret"),
        v("wi_new"),
        v("wi_margin"),
        v("wi_growth"),
        v("wi_cac"),
        v("wi_disc"),
        v("wi_years"),
        v("wi_up"),
    )
    headline["whatif"] = (
        signed_pct(up.profit_change),
        t("overview.whatif_sub", points=number(v("wi_up") * 100, 1), years=v("wi_years")),
    )
except InputError:
    pass
business, proposed = state.business()
judged = t(
    "business.judged_as_proposed" if proposed else "business.judged_as", kind=t(f"kind.{business}")
)
try:
    cost = churn_cost(
        v("ch_churn"), v("ch_period"), v("ch_customers"), v("ch_margin"), business=business
    )
    headline["churn"] = (
        t(f"level.{cost.verdict.level}"),
        t("overview.churn_sub", lost=number(cost.customers_lost)) + " · " + judged,
    )
except InputError:
    pass
data_churn = upload_view.current_churn()  # the same headline churn as Your data and Forecast
if data_churn is not None:
    headline["upload"] = (pct(data_churn), t("datachurn.metric"))

columns = st.columns(2)
for index, info in enumerate(chrome.PAGES[1:]):
    with columns[index % 2], st.container(border=True):
        st.page_link(info.path, label=t(f"{info.key}.title"), icon=info.icon)
        if info.key in headline:
            value, sub = headline[info.key]
            st.metric(sub, value)
        st.caption(t(f"{info.key}.intro"))
