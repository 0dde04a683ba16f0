"""calc.scenarios: checked scenarios, headline results, comparison and the JSON file."""

import json
import math

import pytest

from calc.clv import clv_report
from calc.errors import InputError
from calc.scenarios import (
    FORMAT,
    MAX_SCENARIOS,
    check_name,
    compare,
    from_json,
    headline,
    next_name,
    scenario,
    to_json,
)

SHOP = {
    "avg_order_value": 45.0,
    "purchases_per_year": 4.0,
    "gross_margin": 0.40,
    "discount_rate": 0.08,
    "acquisition_cost": 60.0,
    "churn_rate": 0.30,
}


def document(*items, baseline=None, **extra):
    return json.dumps(
        {"format": FORMAT, "version": 1, "baseline": baseline, "scenarios": list(items), **extra}
    ).encode()


def test_headline_equals_clv_report_of_the_same_inputs():
    """Oracle: calc.clv.clv_report, itself checked against its worked example."""
    report = clv_report(45, 4, 0.40, 0.08, 60, churn_rate=0.30)
    result = headline(scenario("A", SHOP))
    assert result["discounted_margin_clv"] == report.discounted_margin_clv
    assert result["payback_months"] == report.payback_months
    assert result["clv_cac"] == report.clv_cac


def test_lifespan_scenario_keeps_only_the_lifespan():
    made = scenario("B", {**SHOP, "churn_rate": None, "lifespan_years": 4})
    assert "churn_rate" not in made.inputs
    assert headline(made)["revenue_clv"] == 45 * 4 * 4


@pytest.mark.parametrize(
    ("inputs", "field", "match"),
    [
        ({**SHOP, "avg_order_value": -1}, "avg_order_value", "Scenario A: .*negative"),
        ({**SHOP, "churn_rate": 0}, "churn_rate", "Scenario A: Churn of 0%"),
        ({**SHOP, "lifespan_years": 3}, "churn_rate", "exactly one"),
        ({k: v for k, v in SHOP.items() if k != "churn_rate"}, "churn_rate", "exactly one"),
        ({k: v for k, v in SHOP.items() if k != "gross_margin"}, "gross_margin", "missing"),
        ({**SHOP, "bonus": 1}, "bonus", "unknown input 'bonus'"),
        ({**SHOP, "gross_margin": "40%"}, "gross_margin", "must be a number"),
        ({**SHOP, "gross_margin": True}, "gross_margin", "must be a number"),
    ],
)
def test_each_bad_input_is_refused_naming_scenario_and_field(inputs, field, match):
    with pytest.raises(InputError, match=match) as caught:
        scenario("A", inputs)
    assert caught.value.field == field


def test_inputs_must_be_a_table():
    with pytest.raises(InputError, match="table of numbers") as caught:
        scenario("A", [1, 2])
    assert caught.value.field == "inputs"


@pytest.mark.parametrize("name", ["", "   ", None, 7, "x" * 41])
def test_bad_names_are_refused(name):
    with pytest.raises(InputError) as caught:
        check_name(name)
    assert caught.value.field == "name"


def test_next_name_fills_gaps_and_runs_out():
    assert next_name([]) == "A"
    assert next_name(["A", "B", "D"]) == "C"
    assert next_name(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) == ""


def test_compare_baseline_deltas_are_zero_and_others_differ():
    better = scenario("B", {**SHOP, "churn_rate": 0.20})
    table = compare([scenario("A", SHOP), better], baseline="A")
    base = table[table["scenario"] == "A"]
    assert (base["delta"].dropna() == 0).all()
    row = table[(table["scenario"] == "B") & (table["measure"] == "discounted_margin_clv")]
    expected = (
        headline(better)["discounted_margin_clv"]
        - headline(scenario("A", SHOP))["discounted_margin_clv"]
    )
    assert row["delta"].iloc[0] == pytest.approx(expected, abs=1e-9)
    assert set(table["kind"]) == {"input", "result"}


def test_compare_pins_another_baseline_and_leaves_infinite_deltas_empty():
    free = scenario("Free", {**SHOP, "acquisition_cost": 0})
    table = compare([scenario("A", SHOP), free], baseline="Free")
    ratio = table[(table["scenario"] == "A") & (table["measure"] == "clv_cac")]
    assert math.isnan(ratio["delta"].iloc[0])  # against an infinite CLV:CAC
    unknown = compare([scenario("A", SHOP), free], baseline="nobody")
    assert (unknown[unknown["scenario"] == "A"]["delta"].dropna() == 0).all()


def test_compare_of_nothing_is_an_empty_table():
    assert compare([]).empty


def test_json_round_trip_keeps_names_inputs_order_and_baseline():
    items = [
        scenario("A", SHOP),
        scenario("Lower CAC", {**SHOP, "acquisition_cost": 30}),
        scenario("Ærlig", {**SHOP, "churn_rate": None, "lifespan_years": 5}),
    ]
    back, baseline = from_json(to_json(items, "Lower CAC"))
    assert back == items
    assert baseline == "Lower CAC"


@pytest.mark.parametrize(
    ("data", "field", "match"),
    [
        (b'{"format": ', "file", "not valid JSON: .* line 1, column 12"),
        (b"\xff\xfe", "file", "not text"),
        (b"[1, 2]", "file", "not a scenarios file"),
        (b'{"format": "other"}', "file", "not a scenarios file"),
        (json.dumps({"format": FORMAT, "version": 2}).encode(), "file", "version 2"),
        (json.dumps({"format": FORMAT, "version": 1}).encode(), "file", "no list"),
        (document(*[{"name": c, "inputs": SHOP} for c in "ABCDEFG"]), "file", "7 scenarios"),
        (document("A"), "file", "number 1 is not a table"),
        (document({"name": "A", "inputs": SHOP}, {"name": " A", "inputs": SHOP}), "name", "Two"),
        (document({"name": "A", "inputs": SHOP}, baseline="B"), "baseline", "'B' is not one"),
        (document({"name": "", "inputs": SHOP}), "name", "Give the scenario a name"),
        (document({"name": "A"}), "inputs", "table of numbers"),
        (
            document({"name": "A", "inputs": {**SHOP, "gross_margin": 40}}),
            "gross_margin",
            "Scenario A: ",
        ),
    ],
)
def test_malformed_files_are_refused_with_a_clear_message(data, field, match):
    with pytest.raises(InputError, match=match) as caught:
        from_json(data)
    assert caught.value.field == field


def test_the_limit_is_six():
    assert MAX_SCENARIOS == 6
    six = [{"name": c, "inputs": SHOP} for c in "ABCDEF"]
    assert len(from_json(document(*six))[0]) == 6


def test_every_preset_is_a_valid_illustrative_scenario():
    from calc.presets import PRESETS

    assert len(PRESETS) == 6
    for item in PRESETS:
        assert item.illustrative and item.source is None
        result = headline(item.as_scenario(item.key))
        assert result["discounted_margin_clv"] > 0


def test_monthly_preset_churn_is_converted_to_a_year():
    """1 - (1 - 0.10)**12 = 0.7176: a 10% monthly churn loses 72% of a cohort in a year."""
    from calc.presets import preset

    assert preset("subscription_box").inputs["churn_rate"] == pytest.approx(0.7176, abs=5e-5)
    with pytest.raises(KeyError):
        preset("bakery")
