"""Retention metrics: one period's numbers in, every metric with its traffic light out."""

import streamlit as st

from ui import chrome, fields, metric_cards, metrics_more_view
from ui.i18n import t


@chrome.inputs("metrics")
def body(cur: str) -> None:
    """The period, and each group of inputs with its metrics."""
    fields.period("m_period", help=t("help.m_period"))
    period = st.session_state.m_period
    for name, inputs, cards in metric_cards.GROUPS:
        metric_cards.group(name, inputs, cards, period, cur)
    metric_cards.nps_group()
    metrics_more_view.blocks(period, cur)


body(chrome.page("metrics"))
