"""The Forecast page's plain words around the models: what they need, what was done, and
who is slipping away when they cannot run.

Every number comes from :mod:`calc.models.readiness` and the fitted models;
this module only words and lays it out.
"""

from __future__ import annotations

import streamlit as st

from calc import history
from calc.models import readiness
from calc.models.forecast import OrderForecast
from ui import upload_view
from ui.format import currency_symbol, localized, number, pct
from ui.i18n import t

#: Rows of the ranking drawn on the page.
SHOWN_ROWS = 250
STATUS_ICON = {
    "short": ":material/cancel:",
    "thin": ":material/error:",
    "ready": ":material/check_circle:",
}
RANKING_COLUMNS = (
    "customer_id",
    "customer_name",
    "orders",
    "days_since_last",
    "gap_days",
    "overdue",
)
LATE_COLUMNS = (
    "customer_id",
    "customer_name",
    "days_since_last",
    "usual_interval_days",
    "historic_clv",
    "overdue_days",
)


def needs(checks: tuple[readiness.Check, ...]) -> None:
    """What the models need and how this file measures against it, before any result."""
    overall = readiness.ready(checks)
    with st.expander(t("readiness.title"), expanded=overall != "ready", icon=STATUS_ICON[overall]):
        st.markdown(t("readiness.intro"))
        for c in checks:
            st.markdown(
                t(
                    "readiness.line",
                    icon=STATUS_ICON[c.status],
                    need=t(f"readiness.need_{c.need.name}"),
                    have=number(c.have),
                    minimum=number(c.need.minimum),
                    comfortable=number(c.need.comfortable),
                    status=t(f"readiness.status_{c.status}"),
                )
            )
        st.caption(t(f"readiness.overall_{overall}"))


def held_note(forecast: OrderForecast) -> None:
    """Say in plain words what was done where the data could not fix a parameter."""
    lines = []
    if forecast.purchases is not None and forecast.purchases.rates_alike:
        lines.append(t("readiness.held_rates"))
    if forecast.purchases is not None and forecast.purchases.no_dropout_seen:
        lines.append(t("readiness.held_dropout"))
    if forecast.spend is not None and forecast.spend.values_alike:
        lines.append(t("readiness.held_spend"))
    if lines:
        st.info("\n\n".join([*lines, t("readiness.held_trust")]), icon=":material/tune:")


def without_model(loaded: upload_view.Loaded, currency: str) -> None:
    """Who is slipping away by recency and frequency, when the models cannot run."""
    analysis = loaded.analysis
    st.subheader(t("readiness.ranking_title"))
    st.caption(t("readiness.ranking_note"))
    ranked = readiness.slipping_away(analysis.customers)
    columns = [c for c in RANKING_COLUMNS if c in ranked.columns]
    rows = ranked[columns].head(SHOWN_ROWS)
    labels = {
        "customer_id": t("forecast.col_customer"),
        "customer_name": t("forecast.col_name"),
        "orders": t("readiness.col_orders"),
        "days_since_last": t("readiness.col_since"),
        "gap_days": t("readiness.col_gap"),
        "overdue": t("readiness.col_overdue"),
    }
    kinds = {
        "orders": "count",
        "days_since_last": "decimal",
        "gap_days": "decimal",
        "overdue": "decimal",
    }
    st.dataframe(
        localized(rows, kinds),
        column_config={k: v for k, v in labels.items() if k in columns},
        hide_index=True,
    )
    if len(ranked) > SHOWN_ROWS:
        st.caption(t("forecast.rows_shown", rows=number(SHOWN_ROWS), total=number(len(ranked))))
    late = analysis.at_risk
    st.markdown(
        t(
            "readiness.late_count",
            count=number(len(late)),
            customers=number(len(analysis.customers)),
            factor=pct(history.AT_RISK_FACTOR - 1, 0),
        )
    )
    if not late.empty:
        shown = [c for c in LATE_COLUMNS if c in late.columns]
        days = ("days_since_last", "usual_interval_days", "overdue_days")
        kinds = dict.fromkeys(days, "decimal") | {"historic_clv": "money"}  # ids stay text
        st.dataframe(
            localized(late[shown].head(SHOWN_ROWS), kinds),
            column_config={
                "customer_id": t("forecast.col_customer"),
                "customer_name": t("forecast.col_name"),
                "days_since_last": t("readiness.col_since"),
                "usual_interval_days": t("readiness.col_gap"),
                "historic_clv": t(
                    "forecast.in_currency",
                    label=t("forecast.col_spent"),
                    symbol=currency_symbol(currency),
                ),
                "overdue_days": t("readiness.col_overdue_days"),
            },
            hide_index=True,
        )
