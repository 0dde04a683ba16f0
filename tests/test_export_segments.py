"""The segment sheets of the results workbook: every segment, typed, formula-safe, in six languages.

The workbook is read back with openpyxl. The hand-made log has four customers
whose first orders came through three channels, two of them named like
formulas (OWASP, *CSV Injection*: text starting with = + - @ gets a leading
apostrophe; a number never does).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from calc import history, upload
from calc.exports.results_workbook import results_tables
from calc.exports.segment_sheets import SHEETS, segment_tables
from calc.history import segment_models, segments
from calc.messages import LANGUAGES
from calc.models.forecast import forecast_orders
from calc.models.summary import summarize
from ui.i18n import catalogue, speaking
from ui.upload_view import results_workbook

ROOT = Path(__file__).parents[1]

LOG = pd.DataFrame(
    {
        "customer_id": ["a", "a", "b", "c", "c", "d"],
        "date": pd.to_datetime(
            ["2024-01-05", "2024-03-01", "2024-02-01", "2024-02-10", "2024-04-01", "2024-05-01"]
        ),
        "amount": [100.0, 40.0, 20.0, 60.0, 30.0, 10.0],
        "channel": ['=HYPERLINK("http://x")', "web", "@SUM(A1)", "web", "web", "shop"],
    }
)
#: What segment_models gives, by hand: a and b own models, shop none (the codes are words later).
MODELS = pd.DataFrame(
    {
        "segment": ['=HYPERLINK("http://x")', "@SUM(A1)", "web", "shop"],
        "model": ["own", "pooled", "own", "none"],
        "model_customers": [1, 1, 1, 1],
        "p_alive": [0.5, 1.0, 0.75, np.nan],
        "purchases_next_year": [1.5, 0.25, 1.0, np.nan],
        "clv_low": [10.0, 2.0, 8.0, np.nan],
        "clv": [12.5, 3.0, 9.0, np.nan],
        "clv_high": [15.0, 4.5, 11.0, np.nan],
    }
)


def sheet_rows(book, name: str) -> list[list]:
    return [[c.value for c in row] for row in book[name].iter_rows()]


def test_segment_tables_hold_every_segment_the_curves_and_the_value_with_its_range():
    s = segments.segment(LOG, "channel")
    tables = segment_tables(s, MODELS)
    assert tuple(tables) == SHEETS
    table = tables["segments"]
    assert list(table["segment"]) == s.labels  # every segment, as the page's table
    assert list(table["customers"]) == [1, 1, 1, 1]
    assert "model_customers" not in table.columns
    value = tables["segment_value"].set_index("segment")
    assert list(value.columns) == [
        "customers",
        "value_first_year",
        "customers_first_year",
        "value_two_years",
        "customers_two_years",
        "model",
        "clv_low",
        "clv",
        "clv_high",
    ]
    assert value.loc["web", ["clv_low", "clv", "clv_high"]].tolist() == [8.0, 9.0, 11.0]
    assert tables["segment_retention"].equals(s.curves.reset_index(drop=True))
    # without the models: the historic value only
    plain = segment_tables(s)
    assert "clv" not in plain["segments"].columns and "model" not in plain["segment_value"]


def test_results_tables_add_each_areas_sheets_after_the_order_logs_and_refuse_a_code_twice():
    tables = history.analyse(LOG).tables()
    s = segments.segment(LOG, "channel")
    both = results_tables(tables, segment_tables(s))
    assert list(both) == [*tables, *SHEETS]
    with pytest.raises(ValueError, match="segments"):
        results_tables(segment_tables(s), segment_tables(s))


@pytest.mark.parametrize("code", LANGUAGES)
def test_segment_sheets_in_the_results_workbook_in_every_language(code):
    s = segments.segment(LOG, "channel")
    with speaking(code):
        data = results_workbook(history.analyse(LOG), (s, MODELS))
    texts = catalogue(code)
    book = openpyxl.load_workbook(io.BytesIO(data))
    names = [texts[f"sheet.{sheet}"] for sheet in SHEETS]
    assert book.sheetnames[-3:] == names  # after the order log's own sheets, one workbook
    table = sheet_rows(book, names[0])
    header = table[0]
    assert header[:2] == [texts["col.segment"], texts["col.customers"]]
    assert texts["col.clv_low"] in header and texts["col.model"] in header
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in table[1:]}
    # names from the file are text, made inert; numbers are numbers
    assert set(by_name) == {'\'=HYPERLINK("http://x")', "'@SUM(A1)", "web", "shop"}
    web = by_name["web"]
    assert web[texts["col.clv"]] == 9.0 and web[texts["col.p_alive"]] == 0.75
    assert web[texts["col.model"]] == texts["segments.model_own"]
    assert by_name["shop"][texts["col.model"]] == texts["segments.model_none"]
    assert by_name["shop"][texts["col.clv"]] is None  # no model: an empty cell, not "nan"
    curves = sheet_rows(book, names[1])
    assert curves[0][:2] == [texts["col.segment"], texts["col.months"]]
    assert len(curves) - 1 == len(s.curves)
    value = sheet_rows(book, names[2])
    head = value[0]
    row = next(r for r in value[1:] if r[0] == "'@SUM(A1)")
    assert [row[head.index(texts[f"col.{c}"])] for c in ("clv_low", "clv", "clv_high")] == [
        2,
        3,
        4.5,
    ]
    assert row[head.index(texts["col.model"])] == texts["segments.model_pooled"]


def test_the_workbook_without_segments_is_the_order_logs_own():
    with speaking("en"):
        data = results_workbook(history.analyse(LOG))
        later = results_workbook(history.analyse(LOG), lambda: None)  # could not be made
    for made in (data, later):
        assert "Segments" not in openpyxl.load_workbook(io.BytesIO(made)).sheetnames


def test_segments_made_on_click_are_the_same_sheets():
    """With the Segments tab closed the page hands the workbook a function that makes them."""
    s = segments.segment(LOG, "channel")
    with speaking("en"):
        now = openpyxl.load_workbook(io.BytesIO(results_workbook(history.analyse(LOG), (s, None))))
        later = results_workbook(history.analyse(LOG), lambda: (s, None))
    later = openpyxl.load_workbook(io.BytesIO(later))
    assert later.sheetnames == now.sheetnames and "Segments" in later.sheetnames


def test_the_sample_workbook_holds_the_models_per_segment_as_the_tab_shows_them():
    table = upload.read((ROOT / "samples" / "orders_european.csv").read_bytes(), "x.csv").table
    s = segments.segment(table, "category")
    paid = table[table["amount"] > 0]
    summary = summarize(paid["customer_id"], paid["date"], paid["amount"], unit="W")
    pooled = forecast_orders(summary, windows_days=(365,), horizon_years=3, margin=0.3)
    models = segment_models.segment_models(s, summary, pooled, horizon_years=3, margin=0.3)
    with speaking("en"):
        book = openpyxl.load_workbook(
            io.BytesIO(results_workbook(history.analyse(table), (s, models)))
        )
    rows = sheet_rows(book, "Segment value")
    head = rows[0]
    got = {r[0]: r[head.index("Model CLV")] for r in rows[1:]}
    assert got == pytest.approx(dict(zip(models["segment"], models["clv"], strict=True)))
    assert [r[0] for r in sheet_rows(book, "Segments")[1:]] == s.labels
