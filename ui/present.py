"""Present mode: one sidebar toggle that hides the inputs and enlarges the headline numbers.

For a projector: the pages keep drawing everything, and a style sheet hides
input widgets, buttons, the share box, every container keyed ``edit_*`` (the
Scenarios page's save, manage and file boxes) and the sidebar, and makes
metric values large. While presenting, the toggle itself sits at the top of
the page, the one control left. It is bound to the URL (``?present=true``),
so a shared link can open in present mode.
"""

from __future__ import annotations

import streamlit as st

from ui.i18n import t

#: Input widgets (by Streamlit's test ids) hidden while presenting.
HIDDEN = (
    "stNumberInput",
    "stSlider",
    "stRadio",
    "stButtonGroup",
    "stTextArea",
    "stTextInput",
    "stFileUploader",
    "stExpander",
    "stSelectbox",
    "stButton",
    "stDownloadButton",
    "stPopover",
)
#: Containers a page keys ``edit_<name>`` hold only ways to change things: hidden too.
EDIT_PREFIX = "edit_"
STYLE = (
    "<style>"
    + ", ".join(f'[data-testid="stMain"] [data-testid="{name}"]' for name in HIDDEN)
    + " {display: none;}"
    # A column of inputs only (no metric or chart in it) goes too, not just its widgets.
    ' [data-testid="stColumn"]:has([data-testid="stNumberInput"], [data-testid="stSlider"])'
    ':not(:has([data-testid="stMetric"], [data-testid="stVegaLiteChart"])) {display: none;}'
    f' [data-testid="stMain"] [class*="st-key-{EDIT_PREFIX}"] {{display: none;}}'
    ' [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],'
    ' [data-testid="stExpandSidebarButton"] {display: none;}'
    ' [data-testid="stMetricValue"] {font-size: 3.2rem;}'
    ' [data-testid="stMetricLabel"] p {font-size: 1.2rem;}'
    "</style>"
)


def toggle() -> bool:
    """The present-mode switch (in the sidebar); applies the style when on."""
    on = st.toggle(
        t("present.toggle"),
        key="present",
        help=t("present.help"),
        bind="query-params",
        persist_state="session",
    )
    if on:
        st.html(STYLE)
    return on
