"""The Metrics sheet of the results workbook (calc.exports.metric_sheets, issue 18):
columns in order, numbers as numbers, every text safe to open in a spreadsheet, and the
sheet carried into the workbook of Your data."""

from __future__ import annotations

import io
import math

import openpyxl
import pandas as pd

from calc import exports, history
from calc.exports.metric_sheets import COLUMNS, MetricRow, metrics_sheet

ROWS = [
    MetricRow(
        "First weeks",
        "Activation rate",
        "Typed",
        "activated / new customers = 84 / 120 = **70.0%**",
        70.0,
        "%",
        "year",
        "Healthy: line 40.0% (Rule of thumb)",
        "Rests on 120 customers.",
    ),
    MetricRow(
        "Recurring revenue",
        "ARR growth (from your file)",
        '=HYPERLINK("http://example.com")',  # a file name that would run as a formula
        "(ARR Jan 2025 \u2212 ARR Jan 2024) / ARR Jan 2024 = **+16.7%**",
        120 / 720 * 100,
        "%",
        "-From Jan 2024 to Jan 2025.",
        "",
    ),
    MetricRow("Growth", "Virality coefficient (K)", "Typed", "K", float("nan"), "", "", ""),
]


def test_columns_values_and_formula_text():
    sheet = metrics_sheet(ROWS)
    assert tuple(sheet.columns) == COLUMNS
    assert sheet["value"].dtype == float
    assert sheet.loc[0, "value"] == 70.0
    assert math.isnan(sheet.loc[2, "value"])
    assert sheet.loc[0, "formula"] == "activated / new customers = 84 / 120 = 70.0%"  # no Markdown
    assert sheet.loc[1, "basis"] == ""


def test_texts_that_would_run_as_formulas_are_neutralised_in_the_workbook():
    sheet = metrics_sheet(ROWS, {"metric": "Metric", "value": "Value"})
    data = exports.to_xlsx({"Metrics": sheet})
    ws = openpyxl.load_workbook(io.BytesIO(data))["Metrics"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][:5] == ["group", "Metric", "source", "formula", "Value"]
    assert rows[2][2] == '\'=HYPERLINK("http://example.com")'  # shown as text, never run
    assert rows[1][2] == "Typed"  # ordinary text as it is
    assert rows[2][6] == "'-From Jan 2024 to Jan 2025."  # a leading minus gets an apostrophe
    assert rows[1][4] == 70.0 and rows[2][4] == 120 / 720 * 100
    assert rows[3][4] is None  # no figure: an empty cell, not "nan"


def test_results_workbook_of_your_data_carries_the_metrics_sheet():
    from ui.upload_view import results_workbook

    orders = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b"],
            "date": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-01-05"]),
            "amount": [10.0, 20.0, 5.0],
        }
    )
    data = results_workbook(history.analyse(orders), metrics={"Metrics": metrics_sheet(ROWS)})
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[-1] == "Metrics"
    assert book["Metrics"]["B2"].value == "Activation rate"


def _metrics_page_sheet():
    """A script that opens the page's state and builds the Metrics sheet of the
    session, with the subscriptions sample in use (run by AppTest)."""
    import streamlit as st

    from ui import metrics_data_view, metrics_more_view, state
    from ui.i18n import start_language

    start_language()
    state.init()
    st.session_state.up_sample = "subscriptions.csv"
    typed = metrics_more_view.figures("year", "EUR")
    st.dataframe(metrics_data_view.metrics_frame(typed, "year", "EUR"))


def test_metrics_sheet_of_the_page_has_every_typed_and_measured_metric():
    """The worked example's eight typed metrics, then the three the subscriptions sample
    measures, each with its formula in words and numbers, value, unit and verdict."""
    from streamlit.testing.v1 import AppTest

    from ui.i18n import t

    at = AppTest.from_function(_metrics_page_sheet, default_timeout=90).run()
    assert not at.exception
    sheet = at.dataframe[0].value
    assert list(sheet.columns) == [t(f"md.col_{c}") for c in COLUMNS]
    source, metric, value = (t(f"md.col_{c}") for c in ("source", "metric", "value"))
    typed = sheet[sheet[source] == t("md.source_typed")]
    measured = sheet[sheet[source] != t("md.source_typed")]
    assert len(typed) == 8 and len(measured) == 3
    by_metric = dict(zip(sheet[metric], sheet[value], strict=True))
    assert by_metric[t("mm.early_cancel")] == 7.5  # 6 / 80, as typed
    assert by_metric[t("mm.virality")] == 0.06
    assert by_metric[t("md.arr_growth")] > 0
    assert all("**" not in f for f in sheet[t("md.col_formula")])
    early = measured[measured[metric] == t("md.early_cancel")].iloc[0]
    assert t("md.term_one_month") in early[t("md.col_basis")]  # the term used is stated
    assert early[t("md.col_verdict")].startswith(t("level.healthy"))
