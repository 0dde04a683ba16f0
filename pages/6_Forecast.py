"""Forecast: retention curves and per-customer value from the probabilistic models."""

import streamlit as st

from calc.errors import DataError
from ui import chrome, forecast_view, upload_view, warehouse_view

cur = chrome.page("forecast")
picked = upload_view.source()
database = warehouse_view.in_use()  # a table connected on Your data, chosen after the file
if database is not None:
    forecast_view.summary_page(*database, cur)
    st.stop()
if picked is None:
    forecast_view.no_data()
    st.stop()

name, data = picked
try:
    loaded = upload_view.load(data, name, upload_view.overrides())
except DataError as error:
    upload_view.show_error(error)
    st.stop()

cur = upload_view.currency_of(loaded, cur)
if loaded.analysis is not None:
    forecast_view.orders_page(data, name, loaded, cur)
elif loaded.subscriptions is not None:
    forecast_view.subscriptions_page(data, name, loaded, cur)
else:
    forecast_view.customers_only()
