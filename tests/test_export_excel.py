"""calc.export_excel: the workbook's formulas, recomputed by a formula engine, equal calc.

The oracle is calc.clv.clv_report (via calc.scenarios.headline); the workbook
is recalculated by ``formulas`` (a pure-Python Excel formula engine), as Excel
would on opening it.
"""

import io
import math
import re
import zipfile

import formulas
import pytest

from calc.export_excel import ROW, TEXTS, sheet_names, workbook
from calc.scenarios import Scenario, headline, scenario

SHOP = {
    "avg_order_value": 45.0,
    "purchases_per_year": 4.0,
    "gross_margin": 0.40,
    "discount_rate": 0.08,
    "acquisition_cost": 60.0,
    "churn_rate": 0.30,
}
CASES = [
    scenario("A", SHOP),
    scenario("Long life", {**SHOP, "churn_rate": None, "lifespan_years": 5}),
    scenario("No CAC", {**SHOP, "acquisition_cost": 0}),
    scenario("Never back", {**SHOP, "acquisition_cost": 500}),
    scenario("One year", {**SHOP, "churn_rate": 1.0, "acquisition_cost": 50}),
    scenario("Slow", {**SHOP, "churn_rate": 0.05, "acquisition_cost": 900, "discount_rate": 0}),
]


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "book.xlsx"
    path.write_bytes(workbook(CASES, "A", "EUR"))
    return formulas.ExcelModel().loads(str(path)).finish()


def read(solution, sheet: str, cell: str):
    ref = f"'[book.xlsx]{sheet.upper()}'!{cell}"
    value = solution[ref].value[0][0]
    return value.item() if hasattr(value, "item") else value


def expected(item: Scenario, key: str):
    value = headline(item)[key]
    if key == "clv_cac" and math.isinf(value):
        return TEXTS["not_available"]
    if key == "payback_months" and math.isinf(value):
        return TEXTS["never"]
    return value


@pytest.fixture(scope="module")
def solution(model):
    return model.calculate()


@pytest.mark.parametrize("item", CASES, ids=lambda s: s.name)
@pytest.mark.parametrize(
    "key", ["revenue_clv", "discounted_margin_clv", "net_clv", "clv_cac", "payback_months"]
)
def test_every_result_formula_equals_calc(solution, item, key):
    name = sheet_names(CASES)[CASES.index(item)]
    got, want = read(solution, name, f"B{ROW[key]}"), expected(item, key)
    if isinstance(want, str):
        assert got == want
    else:
        assert got == pytest.approx(want, rel=1e-9, abs=1e-9)


def test_a_changed_input_cell_changes_the_results_like_calc(model):
    """The results are live: a new order value in Excel gives calc's CLV for it."""
    solution = model.calculate(inputs={"'[book.xlsx]A'!B4": 90, "'[book.xlsx]A'!B9": 0.2})
    moved = scenario("A", {**SHOP, "avg_order_value": 90, "churn_rate": 0.2})
    for key in ("discounted_margin_clv", "payback_months", "clv_cac"):
        assert read(solution, "A", f"B{ROW[key]}") == pytest.approx(headline(moved)[key])


def test_comparison_sheet_points_at_scenarios_and_changes_against_the_baseline(solution):
    a, slow = headline(CASES[0]), headline(CASES[5])
    # Scenario n has its value in column 1 + 2n and its change next to it; CLV is row 13.
    assert read(solution, "Comparison", "B13") == pytest.approx(a["discounted_margin_clv"])
    assert read(solution, "Comparison", "C13") == pytest.approx(0)
    assert read(solution, "Comparison", "L13") == pytest.approx(slow["discounted_margin_clv"])
    assert read(solution, "Comparison", "M13") == pytest.approx(
        slow["discounted_margin_clv"] - a["discounted_margin_clv"]
    )
    assert read(solution, "Comparison", "D4") == "Long life"
    assert read(solution, "Comparison", "B4") == "A (baseline)"


def test_results_are_formulas_not_numbers():
    data = workbook(CASES[:1], None, "USD")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet2.xml").decode()
    assert f'<c r="B{ROW["discounted_margin_clv"]}"' in sheet
    assert "<f>B14*(1+B7)/(B7+B9)</f>" in sheet
    assert "&quot;USD&quot;" in archive_styles(data)


def archive_styles(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/styles.xml").decode()


def test_sheet_names_are_safe_and_unique():
    items = [Scenario(n, {}) for n in ("Comparison", "x" * 40, "a?", "A*", "'q'")]
    names = sheet_names(items)
    assert names == ["Comparison (2)", "x" * 26, "a-", "A- (2)", "q"]
    assert all(len(n) <= 31 for n in names)


def test_texts_are_translatable_and_formulas_stay_live(tmp_path):
    texts = {
        "comparison": "Sammenligning",
        "never": 'aldri "x"',
        "discounted_margin_clv": "Kundeverdi",
        "baseline": "{name} (grunnlag)",
    }
    path = tmp_path / "book.xlsx"
    path.write_bytes(workbook([CASES[0], CASES[3]], "A", "NOK", texts))
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    assert read(solution, "Never back", f"B{ROW['payback_months']}") == "aldri 'x'"
    assert read(solution, "A", f"A{ROW['discounted_margin_clv']}") == "Kundeverdi"
    assert read(solution, "Sammenligning", "B4") == "A (grunnlag)"


def every_formula_cell(data: bytes):
    """(sheet, cell) of every formula in the workbook, read as written (openpyxl)."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    return [
        (ws.title, cell.coordinate)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def test_every_formula_cell_caches_what_a_recalculation_gives(solution):
    """Issue 13: the results had cached value 0, so a reader that does not recalculate
    (a previewer, pandas) showed zeros. Each cached value must equal the formula engine's."""
    import openpyxl

    data = workbook(CASES, "A", "EUR")
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    cells = every_formula_cell(data)
    assert len(cells) > 100
    for sheet, ref in cells:
        want = read(solution, sheet, ref)
        got = cached[sheet][ref].value
        if isinstance(want, str) or want is None:
            assert got in (want, None) if want == "" else got == want, (sheet, ref)
        else:
            assert got == pytest.approx(want, rel=1e-9, abs=1e-9), (sheet, ref, got, want)


def test_cached_results_are_calcs_numbers():
    import openpyxl

    data = workbook(CASES[:1], None, "EUR")
    cached = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["A"]
    want = headline(CASES[0])
    for key in ("revenue_clv", "discounted_margin_clv", "net_clv", "clv_cac", "payback_months"):
        assert cached[f"B{ROW[key]}"].value == pytest.approx(want[key], rel=1e-12)


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://evil.example")', "http://evil.example", "+1+1"]
)
def test_a_scenario_name_is_text_never_a_formula_or_a_link(name):
    """Issue 15: a scenario named =HYPERLINK(...) became a live formula, a URL a link."""
    import openpyxl

    data = workbook([scenario(name, SHOP), CASES[0]], None, "EUR")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")
        )
        assert not [n for n in archive.namelist() if "worksheets/_rels" in n]  # no links
    # Formulas name the scenario's sheet ('=HYPERLINK(-http---...)'!B4), never call HYPERLINK.
    calls = [re.sub(r"'(?:[^']|'')*'", "", f) for f in re.findall("<f>(.*?)</f>", xml)]
    assert calls and not [f for f in calls if "HYPERLINK" in f]
    assert "<hyperlink" not in xml
    book = openpyxl.load_workbook(io.BytesIO(data))
    compare = book["Comparison"]
    assert compare["B4"].value == f"{name} (baseline)" and compare["B4"].data_type == "s"
    assert compare["D4"].value == "A"
    title = book.worksheets[1]["A1"]
    assert title.value == f"Scenario {name}" and title.data_type == "s"
    assert compare["C4"].value == f"Change {name}" and not compare["C4"].quotePrefix
    assert compare["B4"].quotePrefix == (name[0] in "=+-@")  # stays text when edited in Excel
