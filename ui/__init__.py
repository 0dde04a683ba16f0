"""User-interface helpers: text, formatting, charts and page chrome.

Everything here may import streamlit or altair; nothing in :mod:`calc` may.
"""
