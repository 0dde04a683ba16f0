"""The PDF one-pager: its text, extracted again, carries the inputs, headline and sources."""

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from calc.scenarios import headline, scenario
from calc.thresholds import rule
from ui.export_pdf import OnePager, one_pager
from ui.format import money
from ui.scenarios_view import pdf_texts

SHOP = {
    "avg_order_value": 45.0,
    "purchases_per_year": 4.0,
    "gross_margin": 0.40,
    "discount_rate": 0.08,
    "acquisition_cost": 60.0,
    "churn_rate": 0.30,
}


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


@pytest.fixture(scope="module")
def pdf_text():
    items = [
        scenario("A", SHOP),
        scenario("Lower churn", {**SHOP, "churn_rate": 0.2}),
        scenario("Łódź shop", {**SHOP, "churn_rate": None, "lifespan_years": 6}),
    ]
    return text_of(one_pager(pdf_texts(items, "A", "EUR"))), items


def test_headline_numbers_of_the_baseline_are_printed(pdf_text):
    text, items = pdf_text
    result = headline(items[0])
    assert money(result["discounted_margin_clv"], "EUR") in text
    assert "10 months" in text  # payback of the worked example
    assert "3.4 : 1" in text
    assert "Headline numbers of the baseline, A" in text


def test_every_scenario_and_input_is_in_the_table(pdf_text):
    text, items = pdf_text
    for name in ("A (baseline)", "Lower churn", "Łódź shop"):
        assert name in text
    assert "€45.00" in text
    assert "Gross margin" in text and "40.0%" in text
    lower = headline(items[1])["discounted_margin_clv"]
    assert money(lower, "EUR") in text


def test_method_notes_cite_their_sources(pdf_text):
    text, _ = pdf_text
    assert "Gupta & Lehmann (2003)" in text
    assert " ".join(rule("clv_cac").source.split())[:40] in text


def test_a_bare_page_with_charts_and_six_columns_still_fits_one_page():
    buffer = io.BytesIO()
    Image.new("RGB", (80, 40), "white").save(buffer, "PNG")
    png = buffer.getvalue()
    page = OnePager(
        title="T",
        subtitle="S",
        headline_title="H",
        headline=[],
        table_title="Table",
        table=[["m", *"ABCDEF"], ["x", *"123456"]],
        notes_title="N",
        notes=["note"],
        footer="F",
        charts=[png],
    )
    text = text_of(one_pager(page))
    assert "Table" in text and "note" in text


def test_chart_images_are_png_and_svg_of_the_scenarios():
    from calc.scenarios import compare
    from ui import chart_images
    from ui.scenarios_view import clv_bars, clv_data, payback_chart, pdf_file

    items = [scenario("A", SHOP), scenario("B", {**SHOP, "churn_rate": 0.2})]
    data = clv_data(compare(items, "A"), "A")
    spec = clv_bars(x_title="Scenario", y_title="CLV (EUR)").to_dict()
    assert chart_images.png(spec, data).startswith(b"\x89PNG")
    svg = chart_images.svg(spec, data).decode()
    assert svg.startswith("<svg") and "CLV (EUR)" in svg
    figures = [(spec, data), payback_chart(items[0], "EUR")]
    with_chart = pdf_file(pdf_texts(items, "A", "EUR"), figures)
    assert len(PdfReader(io.BytesIO(with_chart)).pages[0].images) == 2
    assert "Headline numbers" in text_of(with_chart)


def test_six_scenarios_with_long_names_and_the_chart_fit_one_page():
    from calc.scenarios import compare
    from ui.scenarios_view import clv_bars, clv_data, payback_chart, pdf_file

    items = [
        scenario(f"Scenario number {c}", {**SHOP, "churn_rate": 0.1 + 0.05 * i})
        for i, c in enumerate("ABCDEF")
    ]
    data = clv_data(compare(items, items[0].name), items[0].name)
    spec = clv_bars(x_title="Scenario", y_title="CLV").to_dict()
    figures = [(spec, data), payback_chart(items[0], "EUR")]
    text = text_of(pdf_file(pdf_texts(items, items[0].name, "EUR"), figures))
    assert "Scenario number F" in text


def test_payback_chart_of_a_scenario_that_never_pays_back_has_no_marker():
    from ui.scenarios_view import payback_chart

    spec, data = payback_chart(scenario("Never", {**SHOP, "acquisition_cost": 500}), "EUR")
    assert data["payback"].num_rows == 0
    assert len(data["curve"]) == 11  # year 0 and a ten-year horizon
    assert spec["layer"]
