"""Links that reopen a page with the same inputs.

Inputs are bound to the URL (``bind="query-params"``), so the address bar
follows every change. Streamlit leaves out values equal to a widget's own
default (0 for a number), which a new session would replace with the worked
example; the link shown here therefore lists every input that differs from
the example, and :func:`ui.state.init` reads them back.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from ui import state
from ui.i18n import t


def _text(value: object) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def codes_in_url(page_key: str) -> None:
    """Write the language and the page's choices into the address bar as codes.

    A bound choice widget would write its translated label (``lang=Norsk+bokmål``,
    ``ch_period=måned``) and, after a page switch, start its first run at its
    default; these are therefore unbound and written here, as the codes
    :func:`ui.state.from_url` reads back. The language always travels; a choice
    (the currency too) only when it differs from the worked example.
    """
    s = st.session_state
    wanted = {"lang": s["lang"]}
    for key in (*state.PAGE_INPUTS.get(page_key, ()), "cur"):
        if key not in state.CHOICES:
            continue
        if s[key] != state.EXAMPLE[key]:
            wanted[key] = s[key]
        elif key in st.query_params:
            del st.query_params[key]
    # Each assignment sends the browser a message, on every rerun: only what changed is sent.
    for key, code in wanted.items():
        if st.query_params.get(key) != code:
            st.query_params[key] = code


def link(page_key: str) -> str:
    """The URL of this page with its inputs: those the URL holds plus any not at the example."""
    s = st.session_state
    params = {key: value for key, value in st.query_params.to_dict().items()}
    for key in (*state.PAGE_INPUTS.get(page_key, ()), "cur"):
        if s[key] != state.EXAMPLE[key]:
            params[key] = _text(s[key])
        elif key in params:
            del params[key]
    query = urlencode(params)
    base = st.context.url or ""
    return f"{base}?{query}" if query else base


def label(key: str) -> str:
    """The name of input ``key`` as its page shows it."""
    if key == "cur":
        return t("app.currency")
    try:
        return t(f"field.{key}")
    except KeyError:  # an example value no page draws
        return key


def bar(page_key: str) -> None:
    """Say which link parameters were ignored, and offer the link to this page."""
    ignored = st.session_state.get("url_ignored")
    if ignored:
        st.warning(
            t("share.ignored", keys=", ".join(map(label, ignored))), icon=":material/link_off:"
        )
        st.session_state.url_ignored = []
    if page_key in state.PAGE_INPUTS:
        with st.expander(t("share.title"), icon=":material/link:"):
            st.caption(t("share.how"))
            st.code(link(page_key), language=None, wrap_lines=True)
