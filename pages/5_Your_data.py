"""Your data: upload orders, customers or subscriptions and get every metric at once."""

import streamlit as st

from calc.errors import DataError
from ui import chrome, kept_view, upload_view, warehouse_view

cur = chrome.page("upload")
picked = upload_view.source()
warehouse_view.panel()
if picked is None:
    st.stop()

name, data = picked
file = kept_view.file_id(name, data)
try:
    loaded = upload_view.load(data, name, upload_view.overrides(file))
except DataError as error:
    upload_view.show_error(error)
    upload_view.settings(None, file)
    st.stop()

upload_view.settings(loaded.upload.report, file)
cur = upload_view.currency_of(loaded, cur, file)
upload_view.report(loaded, cur)
if loaded.analysis is not None:
    upload_view.orders_results(loaded, cur)
elif loaded.subscriptions is not None:
    upload_view.subscription_results(loaded, cur)
else:
    upload_view.customer_results(loaded, cur)
