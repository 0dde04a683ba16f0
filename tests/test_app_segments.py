"""AppTest of the Segments tab of "Your data" on the European sample, in English and Polish."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from calc import upload
from calc.exports.segment_sheets import segment_tables
from calc.history import segment_tests, segments
from ui.i18n import catalogue, speaking, t
from ui.segments_view import _read_tiers, sentence

ROOT = Path(__file__).parents[1]
APP = str(ROOT / "app.py")
SAMPLE = "orders_european.csv"


def sample_page(code: str) -> AppTest:
    """Your data on the sample, with the Segments tab open (it is computed only when open)."""
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["lang"] = code
    at.run()
    at.switch_page("pages/5_Your_data.py").run()
    at.session_state["up_sample"] = SAMPLE
    at.run()
    assert not at.exception
    assert not [e for e in at.get("selectbox") if e.key == "seg_by"]  # closed: not computed
    with speaking(code):
        at.session_state["up_tab"] = t("upload.tab_segments")
    at.run()
    assert not at.exception
    return at


def texts(at: AppTest) -> list[str]:
    return [e.value for e in (*at.markdown, *at.caption, *at.info, *at.warning)]


def test_segments_tab_in_english_by_category_with_models_and_a_test_of_difference():
    at = sample_page("en")
    tab = next(tab for tab in at.tabs if tab.label == "Segments")
    assert at.selectbox(key="seg_by").value == "category"
    table = segments.segment(
        upload.read((ROOT / "samples" / SAMPLE).read_bytes(), SAMPLE).table, "category"
    ).table
    shown = tab.dataframe[0].value
    assert list(shown["segment"]) == list(table["segment"])  # every group, largest first
    assert list(shown["customers"]) == list(table["customers"])
    assert "model" in shown.columns and set(shown["model"]) <= {"own model", "whole-file model"}
    said = texts(at)
    assert any("counts once, in the group of their first order" in s for s in said)
    # one Excel download: the results workbook holds the segment sheets, the tab says so
    assert any('button "Download every table (Excel)"' in s for s in said)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("Download every table (Excel)") == 1
    assert not [b for b in labels if "Excel" in b and b != "Download every table (Excel)"]
    # the comparison: the largest category against all other customers, in words
    assert at.selectbox(key="seg_a").value == table["segment"][0]
    assert any(s.startswith("- Customers whose first order was Clothing come back") for s in said)
    assert any("chance" in s for s in said if s.startswith("- "))
    # another group, and a tier edge typed with a decimal comma
    at.selectbox(key="seg_b").set_value("Home").run()
    assert not at.exception
    assert any("against" in s and "for Home" in s for s in texts(at))
    at.selectbox(key="seg_by").set_value("first_order").run()
    at.text_input(key="seg_tiers").set_value("40 80,5 150").run()
    assert not at.exception
    groups = list(at.tabs[-1].dataframe[0].value["segment"])
    assert groups == ["< 40", "40-80.5", "80.5-150", "≥ 150"]
    at.text_input(key="seg_tiers").set_value("80 40").run()
    assert any("increase" in w.value for w in at.warning)
    at.selectbox(key="seg_by").set_value("cohort_quarter").run()
    assert not at.exception
    assert any("whole file" in s for s in texts(at))  # small quarters get the pooled model


def test_segments_tab_in_polish():
    at = sample_page("pl")
    texts_pl = catalogue("pl")
    assert any(tab.label == texts_pl["upload.tab_segments"] for tab in at.tabs)
    said = texts(at)
    assert any(texts_pl["segments.first_order_note"] == s for s in said)
    assert any(s.startswith("- Klienci") for s in said)
    assert at.subheader and any(h.value == texts_pl["segments.compare_title"] for h in at.subheader)


@pytest.mark.parametrize(
    ("typed", "edges"),
    [
        ("30 60 100", (30.0, 60.0, 100.0)),
        ("30, 60, 100", (30.0, 60.0, 100.0)),
        ("12,5;40", (12.5, 40.0)),
        ("", None),
    ],
)
def test_tier_edges_as_typed(typed, edges):
    assert _read_tiers(typed) == edges


def test_a_difference_in_words_with_its_verdict():
    d = segment_tests.Difference(
        "repeat_rate", 0.41, 0.28, 200, 300, 0.13, 0.05, 0.21, 0.004, True, True
    )
    s = segments.segment(
        upload.read((ROOT / "samples" / SAMPLE).read_bytes(), SAMPLE).table, "category"
    )
    with speaking("en"):
        said = sentence(s, d, "espresso", "all other customers", "EUR")
    assert said == (
        "Customers whose first order was espresso come back more often: 41.0% against 28.0% "
        "for all other customers. Unlikely to be chance (p < 0.01; the gap lies between "
        "5 points and 21 points)."
    )


def _segments_for_the_workbook_with_the_tab_closed():
    import streamlit as st

    from ui import segments_view, state, upload_view

    state.init()
    name = "orders_european.csv"
    loaded = upload_view.load(upload_view.sample_bytes(name), name, ())
    s, models = segments_view.later(loaded)()
    st.text("|".join(s.labels))
    st.text("|".join(segments_view.workbook_tables(s, models)))
    st.text(str(models is not None))


def test_the_results_workbook_has_the_segment_sheets_though_the_tab_was_never_opened():
    """The tab is computed only when open; the workbook's sheets are made on click, with the
    tab's default grouping (category) and its models, as the open tab would show them."""
    at = AppTest.from_function(_segments_for_the_workbook_with_the_tab_closed, default_timeout=180)
    at.run()
    assert not at.exception
    table = upload.read((ROOT / "samples" / SAMPLE).read_bytes(), SAMPLE).table
    expected = segments.segment(table, "category")
    labels, sheets, with_models = (e.value for e in at.text)
    assert labels.split("|") == list(expected.labels)
    assert sheets.split("|") == list(segment_tables(expected))
    assert with_models == "True"  # a sample of under 100,000 customers: models by default
