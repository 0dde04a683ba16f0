"""Unit tests of the UI helpers that AppTest cannot see well: texts, formats, charts."""

import math
import re
from pathlib import Path

import pandas as pd
import pytest

from calc.clv import margin_curve
from calc.scenario import retention_uplift
from ui import charts
from ui.format import duration, money, number, pct, signed_pct
from ui.i18n import catalogue, t

ROOT = Path(__file__).parents[1]
CODE = [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py")]
CALL = re.compile(r"""\bt\(\s*(f?)(["'])(.+?)\2""")


def _used_keys() -> tuple[set[str], list[re.Pattern]]:
    literal, patterns = set(), []
    for path in CODE:
        for is_f, _, key in CALL.findall(path.read_text(encoding="utf-8")):
            if is_f:
                parts = re.split(r"\{[^}]*\}", key)
                patterns.append(re.compile("[a-z_]+".join(map(re.escape, parts)) + "$"))
            else:
                literal.add(key)
    return literal, patterns


def test_every_text_key_used_in_the_code_is_in_the_catalogue():
    literal, _ = _used_keys()
    missing = sorted(literal - catalogue().keys())
    assert not missing


def test_every_catalogue_key_is_used_somewhere():
    literal, patterns = _used_keys()
    unused = [
        key for key in catalogue() if key not in literal and not any(p.match(key) for p in patterns)
    ]
    assert not unused


def test_translation_fills_fields():
    assert t("fmt.days", value="3") == "3 days"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234.5, "€1,234"),
        (45.0, "€45.00"),
        (-12.5, "-€12.50"),
        (math.inf, t("fmt.not_available")),
        (None, t("fmt.not_available")),
    ],
)
def test_money(value, expected):
    assert money(value, "EUR") == expected


def test_percent_number_and_durations():
    assert pct(0.8215) == "82.2%"
    assert pct(1 / 3, 0) == "33%"
    assert signed_pct(0.2) == "+20%"
    assert signed_pct(-0.031, 1) == "-3.1%"
    assert number(1234567.891, 2) == "1,234,567.89"
    assert duration(10.0, "months") == "10 months"
    assert duration(math.inf, "months") == "never"


def test_payback_chart_starts_at_zero_and_marks_cac_and_payback():
    curve = margin_curve(72, 0.7, 0.08, 5)
    spec = charts.payback(
        curve,
        60,
        x_title="Years",
        y_title="Margin",
        cac_label="CAC",
        payback_period=0.83,
        payback_label="Paid back",
    ).to_dict()
    layers = spec["layer"]
    assert len(layers) == 5  # line, CAC rule, CAC label, payback point, payback label
    line_data = spec["datasets"][layers[0]["data"]["name"]]
    assert line_data[0] == {"period": 0, "cumulative_discounted_margin": 0.0}
    assert len(line_data) == 6


def test_payback_chart_without_payback_has_no_marker():
    curve = margin_curve(10, 0.5, 0.1, 5)
    spec = charts.payback(
        curve,
        500,
        x_title="x",
        y_title="y",
        cac_label="CAC",
        payback_period=None,
        payback_label="",
    ).to_dict()
    assert len(spec["layer"]) == 3


def test_compare_chart_has_both_cases_in_order():
    tidy = retention_uplift(1000, 0.7, 300, 72, years=3).tidy()
    spec = charts.compare(
        tidy,
        "profit",
        x_title="Year",
        y_title="Profit",
        case_title="Case",
        case_labels={"baseline": "Today", "scenario": "Better"},
        bars=True,
    ).to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Today", "Better"]
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == 6


def test_churn_chart_colours_by_level():
    frame = pd.DataFrame(
        {"period": ["month"], "churn": [0.08], "threshold": [0.07], "level": ["act"]}
    )
    spec = charts.churn_levels(frame, x_title="p", y_title="c", threshold_title="t").to_dict()
    color = spec["layer"][0]["encoding"]["color"]["scale"]
    assert color["range"][color["domain"].index("act")] == charts.ACT
