"""Unit tests of the UI helpers that AppTest cannot see well: texts, formats, charts."""

import contextlib
import math
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import altair as alt
import pandas as pd
import pyarrow as pa
import pytest
from streamlit import dataframe_util

from calc.clv import margin_curve
from calc.scenario import retention_uplift
from ui import chart_images, charts, forecast_charts
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
                patterns.append(re.compile("[a-z0-9_]+".join(map(re.escape, parts)) + "$"))
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


def test_payback_data_starts_at_zero_and_marks_cac_and_payback():
    curve = margin_curve(72, 0.7, 0.08, 5)
    data = charts.payback_data(curve, 60, "CAC", payback_period=0.83, payback_label="Paid back")
    assert data["curve"].slice(0, 1).to_pylist() == [
        {"period": 0, "cumulative_discounted_margin": 0.0}
    ]
    assert data["curve"]["cumulative_discounted_margin"].to_pylist()[1:] == (
        curve["cumulative_discounted_margin"].tolist()
    )
    assert data["cac"].to_pylist() == [{"cac": 60.0, "label": "CAC", "period": 5}]
    assert data["payback"].to_pylist() == [{"period": 0.83, "cac": 60.0, "label": "Paid back"}]


def test_payback_data_without_payback_has_an_empty_marker():
    data = charts.payback_data(margin_curve(10, 0.5, 0.1, 5), 500, "CAC", None, "")
    assert data["payback"].num_rows == 0
    assert data["payback"].schema.names == ["period", "cac", "label"]


def test_compare_data_puts_each_case_under_its_label_baseline_first():
    """Hand-worked: 100 customers kept at 50% against 60%, no new ones, margin 10 each.
    Year 1 is certain (100 customers, profit 1,000); year 2 keeps 50 or 60."""
    result = retention_uplift(100, 0.5, 0, 10.0, years=2, uplift=0.1)
    data = charts.compare_data(result.baseline.yearly, result.scenario.yearly, ("Today", "Better"))
    assert data["cases"].to_pylist() == [
        {"year": 1, "case_label": "Today", "customers": 100.0, "profit": 1_000.0},
        {"year": 2, "case_label": "Today", "customers": 50.0, "profit": 500.0},
        {"year": 1, "case_label": "Better", "customers": 100.0, "profit": 1_000.0},
        {"year": 2, "case_label": "Better", "customers": 60.0, "profit": 600.0},
    ]


def test_chart_data_cross_as_their_columns_with_the_values_streamlit_would_send():
    """``draw`` hands each dataset over as an Arrow stream of its columns: the values read
    back are those of Streamlit's own conversion of the frame, without its index."""
    frame = pd.DataFrame(
        {
            "year": [1, 2, 3],
            "label": ["Baseline", None, "Øst"],
            "value": [1.5, float("nan"), -2.0],
            "day": pd.to_datetime(["2026-01-04", "2026-01-11", None]),
            "level": pd.Categorical(["act", "watch", "act"]),
        },
        index=[7, 3, 9],
    )
    ours = pa.ipc.open_stream(charts._arrow(frame)).read_all()
    theirs = pa.ipc.open_stream(dataframe_util.convert_anything_to_arrow_bytes(frame)).read_all()
    assert ours.column_names == ["year", "label", "value", "day", "level"]
    assert ours.to_pydict() == theirs.select(ours.column_names).to_pydict()
    assert ours.column("value").to_pylist() == [1.5, None, -2.0]
    assert ours.schema.equals(theirs.select(ours.column_names).schema)


SESSIONS = 8
_entered = threading.Barrier(SESSIONS, timeout=0.5)
_builds: list[str] = []


def _slow_chart(*, title: str) -> alt.Chart:
    """A chart builder that waits for every session to be inside it, and counts."""
    _builds.append(title)
    with contextlib.suppress(threading.BrokenBarrierError):
        _entered.wait()  # all sessions building at once, or a timeout when they cannot
    return alt.Chart(alt.NamedData("curve")).mark_line().encode(x="x:Q").properties(title=title)


def test_sessions_opening_a_chart_at_once_build_its_spec_once():
    """Eight sessions asking for a spec not yet built wait for the first to build it."""
    texts = (("title", "built once"),)
    with ThreadPoolExecutor(SESSIONS) as pool:
        specs = list(
            pool.map(lambda _: charts._spec(__name__, "_slow_chart", texts), range(SESSIONS))
        )
    assert _builds == ["built once"]
    assert all(spec is specs[0] for spec in specs)


def test_payback_chart_layers_refer_to_the_named_datasets():
    spec = charts.payback(x_title="Years", y_title="Margin").to_dict()
    names = [layer["data"]["name"] for layer in spec["layer"]]
    assert names == ["curve", "cac", "cac", "payback", "payback"]


def test_compare_chart_orders_baseline_then_scenario():
    spec = charts.compare(
        value="profit",
        x_title="Year",
        y_title="Profit",
        baseline="Today",
        scenario="Better",
        bars=True,
    ).to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Today", "Better"]
    assert spec["encoding"]["y"]["field"] == "profit"


def test_churn_chart_colours_by_level():
    spec = charts.churn_levels(x_title="p", y_title="c", threshold_title="t").to_dict()
    color = spec["layer"][0]["encoding"]["color"]["scale"]
    assert color["range"][color["domain"].index("act")] == charts.ACT


def test_every_chart_downloads_as_png_and_svg_with_its_data():
    """The chart download renders the cached spec with the page's data, dates included."""
    payback = charts.payback(x_title="Years", y_title="Margin").to_dict()
    data = charts.payback_data(margin_curve(72, 0.7, 0.08, 5), 60, "CAC", 0.83, "Paid back")
    assert chart_images.png(payback, data).startswith(b"\x89PNG")
    svg = chart_images.svg(payback, data).decode()
    assert svg.startswith("<svg") and "Paid back" in svg

    tracking = forecast_charts.tracking(
        x_title="Week", y_title="Purchases", actual="Happened", expected="Expected"
    ).to_dict()
    weeks = pd.DataFrame(
        {
            "period_end": pd.to_datetime(["2026-01-04", "2026-01-11"] * 2),
            "series": ["Happened", "Happened", "Expected", "Expected"],
            "purchases": [3.0, 5.0, 4.0, 4.5],
        }
    )
    split = pd.DataFrame({"period_end": pd.to_datetime(["2026-01-11"]), "label": ["Check"]})
    svg = chart_images.svg(tracking, {"weeks": weeks, "split": split}).decode()
    assert "Happened" in svg and "Check" in svg


def test_our_scripts_survive_streamlits_html_sanitizer():
    """DOMPurify (SAFE_FOR_XML) drops a script whose text has a "<" followed by a letter or "/",
    so the script would silently not run; browser tests type "12,5" and close the phone's
    menu to prove they do."""
    from ui.chrome import _scripts

    scripts = re.findall(r"<script>(.*?)</script>", _scripts(), flags=re.S)
    assert len(scripts) == 2 and "".join(f"<script>{s}</script>" for s in scripts) == _scripts()
    for body in scripts:
        assert not re.search(r"<[/\w]", body)
