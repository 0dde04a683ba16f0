"""Overview: the worked example's headline numbers and a way into every page."""

import streamlit as st

from ui import chrome
from ui.i18n import t

chrome.page("overview")
for info in chrome.PAGES[1:]:
    with st.container(border=True):
        st.page_link(info.path, label=t(f"{info.key}.title"), icon=info.icon)
        st.caption(t(f"{info.key}.intro"))
