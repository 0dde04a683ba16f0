"""The scenarios page in AppTest: save, compare, rename, pin, open, delete, import."""

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from calc.clv import clv_report
from calc.messages import catalogue as calc_catalogue
from calc.scenarios import FORMAT, from_json, scenario, to_json, to_link
from ui.format import money

APP = str(Path(__file__).parents[1] / "app.py")
PAGE = "pages/7_Scenarios.py"
SHOP = {
    "avg_order_value": 45.0,
    "purchases_per_year": 4.0,
    "gross_margin": 0.40,
    "discount_rate": 0.08,
    "acquisition_cost": 60.0,
    "churn_rate": 0.30,
}


def open_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def save(at: AppTest, name: str | None = None) -> None:
    if name is not None:
        at.text_input(key="sc_name").set_value(name)
    at.button(key="sc_save").click().run()
    assert not at.exception


def table(at: AppTest):
    return at.dataframe[0].value


def upload(at: AppTest, data: bytes) -> None:
    at.file_uploader(key="sc_file").set_value(("scenarios.json", data, "application/json")).run()
    assert not at.exception


def test_empty_page_explains_what_to_do():
    at = open_page()
    assert at.info
    assert at.text_input(key="sc_name").value == "A"


def test_save_two_scenarios_and_compare_against_the_baseline():
    at = open_page()
    save(at)
    at.switch_page("pages/1_Customer_value.py").run()
    at.number_input(key="churn").set_value(20.0).run()
    at.switch_page(PAGE).run()
    assert at.text_input(key="sc_name").value == "B"
    save(at)
    frame = table(at)
    assert list(frame.columns) == ["A (baseline)", "B"]
    a = clv_report(45, 4, 0.40, 0.08, 60, churn_rate=0.30).discounted_margin_clv
    b = clv_report(45, 4, 0.40, 0.08, 60, churn_rate=0.20).discounted_margin_clv
    row = frame.loc["Customer lifetime value (CLV)"]
    assert row["A (baseline)"] == money(a, "EUR")
    # a value and its change with the same decimals: whole euros here, as 278 is
    assert row["B"] == f"{money(b, 'EUR')} (+{money(b - a, 'EUR', cents=False)})"
    assert frame.loc["Churn per year", "B"] == "20.0% (-10 points)"
    assert "Customer lifespan" not in frame.index  # no scenario gives one: no empty row
    assert {"CLV : CAC", "Time to earn back CAC"} <= set(frame.index)


def test_a_baseline_named_baseline_is_not_headed_baseline_twice():
    at = open_page()
    save(at, "Baseline")
    assert list(table(at).columns) == ["Baseline"]


def test_save_as_scenario_from_the_clv_page():
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page("pages/1_Customer_value.py").run()
    at.button(key="clv_save_sc").click().run()
    assert any("“A”" in s.value for s in at.success)
    at.number_input(key="churn").set_value(20.0).run()
    at.button(key="clv_save_sc").click().run()
    at.switch_page(PAGE).run()
    assert list(table(at).columns) == ["A (baseline)", "B"]


def test_one_link_carries_the_scenario_set_and_its_currency():
    at = AppTest.from_file(APP, default_timeout=30)
    items = [scenario("Shop", SHOP), scenario("Lower churn", {**SHOP, "churn_rate": 0.2})]
    at.query_params["sc"] = to_link(items, "Lower churn", "NOK")
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.selectbox(key="cur_pick").value == "NOK"
    assert list(table(at).columns) == ["Shop", "Lower churn (baseline)"]
    assert any("2" in s.value for s in at.success)


def test_a_broken_scenario_link_says_so_and_opens_nothing():
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["sc"] = "not-a-scenario-set"
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.warning and not at.dataframe


def test_a_taken_name_is_refused_and_nothing_is_added():
    at = open_page()
    save(at, "Today")
    save(at, " Today ")
    assert any("already exists" in e.value for e in at.error)
    assert list(table(at).columns) == ["Today (baseline)"]


def test_an_empty_name_is_refused():
    at = open_page()
    save(at, "  ")
    assert any("Give the scenario a name" in e.value for e in at.error)


def test_inputs_the_calculator_refuses_cannot_be_saved():
    at = open_page()
    at.switch_page("pages/1_Customer_value.py").run()
    at.number_input(key="churn").set_value(0.0).run()
    at.switch_page(PAGE).run()
    save(at)
    assert any("Churn of 0%" in e.value for e in at.error)
    assert at.info  # still none saved


def test_rename_pin_and_delete():
    at = open_page()
    save(at)
    save(at)
    at.selectbox(key="sc_pick").set_value("B")
    at.text_input(key="sc_new_name").set_value("Better")
    at.button(key="sc_rename").click().run()
    assert list(table(at).columns) == ["A (baseline)", "Better"]
    at.button(key="sc_pin").click().run()
    assert list(table(at).columns) == ["A", "Better (baseline)"]
    at.selectbox(key="sc_pick").set_value("A")
    at.text_input(key="sc_new_name").set_value("Better")
    at.button(key="sc_rename").click().run()
    assert any("already exists" in e.value for e in at.error)
    at.button(key="sc_delete").click().run()
    assert list(table(at).columns) == ["Better (baseline)"]
    at.button(key="sc_delete").click().run()
    assert at.info
    assert not at.dataframe


def test_renaming_the_baseline_keeps_it_pinned():
    at = open_page()
    save(at)
    at.text_input(key="sc_new_name").set_value("Now")
    at.button(key="sc_rename").click().run()
    assert list(table(at).columns) == ["Now (baseline)"]


def test_six_is_the_limit():
    at = open_page()
    for _ in range(6):
        save(at)
    assert at.button(key="sc_save").disabled
    assert len(table(at).columns) == 6


def test_open_in_calculator_sets_the_inputs_of_every_page():
    at = open_page()
    lifespan = scenario("Long", {**SHOP, "churn_rate": None, "lifespan_years": 5})
    upload(at, to_json([scenario("Churny", {**SHOP, "churn_rate": 0.4}), lifespan]))
    at.selectbox(key="sc_pick").set_value("Churny")
    at.button(key="sc_load").click().run()
    assert any("Churny" in s.value for s in at.success)
    at.switch_page("pages/3_What_if.py").run()
    assert at.slider(key="wi_ret").value == 60.0
    at.switch_page(PAGE).run()
    at.selectbox(key="sc_pick").set_value("Long")
    at.button(key="sc_load").click().run()
    at.switch_page("pages/1_Customer_value.py").run()
    assert at.radio(key="clv_mode").value == "life"
    assert at.number_input(key="life").value == 5.0


def test_import_replaces_the_scenarios_and_keeps_the_baseline():
    at = open_page()
    save(at)
    items = [scenario("X", SHOP), scenario("Y", {**SHOP, "acquisition_cost": 30})]
    upload(at, to_json(items, "Y"))
    assert list(table(at).columns) == ["X", "Y (baseline)"]
    assert at.text_input(key="sc_name").value == "A"


def test_malformed_import_shows_the_reason_and_keeps_what_was_there():
    at = open_page()
    save(at)
    upload(at, b'{"format": "retention-calculator/scenarios", "version": 1, "scenarios": [')
    assert any("not valid JSON" in e.value for e in at.error)
    bad = {
        "format": FORMAT,
        "version": 1,
        "scenarios": [{"name": "Z", "inputs": {**SHOP, "gross_margin": 40}}],
    }
    upload(at, json.dumps(bad).encode())
    assert any("Scenario Z" in e.value for e in at.error)
    assert list(table(at).columns) == ["A (baseline)"]


def test_the_saved_inputs_are_those_of_the_calculator():
    at = open_page()
    save(at)
    saved = at.session_state["scenarios"]
    assert from_json(to_json(saved))[0] == [scenario("A", SHOP)]


def test_a_preset_opens_in_the_calculator_and_saves_as_a_scenario():
    from calc.presets import preset

    at = open_page()
    at.selectbox(key="sc_preset").set_value("cafe")
    at.button(key="sc_preset_save").click().run()
    assert list(table(at).columns) == ["Café (baseline)"]
    at.button(key="sc_preset_save").click().run()
    assert any("already exists" in e.value for e in at.error)
    at.button(key="sc_preset_load").click().run()
    at.switch_page("pages/1_Customer_value.py").run()
    cafe = preset("cafe").inputs
    assert at.number_input(key="aov").value == cafe["avg_order_value"]
    expected = clv_report(**cafe)
    value = next(m.value for m in at.metric if m.label == "Customer lifetime value (CLV)")
    assert value == money(expected.discounted_margin_clv, "EUR")


def test_the_workbook_texts_come_from_the_catalogue():
    from calc.export_excel import TEXTS
    from ui.scenarios_view import excel_texts

    assert excel_texts() == TEXTS  # English catalogue says what calc says by default


def test_a_malformed_import_is_explained_in_polish():
    """The nested message (scenario, then its input's problem) is Polish throughout."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = "pl"
    at.run()
    at.switch_page(PAGE).run()
    bad = {
        "format": FORMAT,
        "version": 1,
        "scenarios": [{"name": "Z", "inputs": {**SHOP, "gross_margin": 40}}],
    }
    upload(at, json.dumps(bad).encode())
    shown = " ".join(e.value for e in at.error)
    polish = calc_catalogue("pl")
    assert polish["scenarios.in_scenario"].split("{")[0] in shown
    assert polish["fields.gross_margin"] in shown
    assert "must be between" not in shown
