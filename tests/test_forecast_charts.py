"""Chart builders of the Forecast page: the Vega-Lite structure AppTest cannot see."""

from ui import charts, forecast_charts


def retention_spec() -> dict:
    return forecast_charts.retention_curve(
        x_title="Months",
        y_title="Still subscribed",
        observed="Observed",
        fitted="Model",
        low="Low",
        high="High",
    ).to_dict()


def tracking_spec() -> dict:
    return forecast_charts.tracking(
        x_title="Week", y_title="Repeat purchases", actual="Happened", expected="Expected"
    ).to_dict()


def test_retention_curve_layers_band_line_points_and_today_on_named_data():
    spec = retention_spec()
    names = [layer["data"]["name"] for layer in spec["layer"]]
    assert names == ["fitted", "fitted", "observed", "today", "today"]
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["area", "line", "point", "rule", "text"]


def test_retention_band_spans_low_to_high_as_percentages():
    band = retention_spec()["layer"][0]["encoding"]
    assert band["y"]["field"] == "survival_low"
    assert band["y2"]["field"] == "survival_high"
    assert band["y"]["axis"]["format"] == "%"
    assert [tip["title"] for tip in band["tooltip"]] == ["Months", "Low", "Model", "High"]


def test_retention_curve_has_no_inline_data():
    spec = retention_spec()
    assert "datasets" not in spec
    assert all("values" not in layer["data"] for layer in spec["layer"])


def test_tracking_colours_and_dashes_actual_then_expected():
    lines = tracking_spec()["layer"][0]["encoding"]
    assert lines["color"]["scale"]["domain"] == ["Happened", "Expected"]
    assert lines["strokeDash"]["scale"]["domain"] == ["Happened", "Expected"]
    assert lines["x"]["type"] == "temporal"
    assert lines["y"]["field"] == "purchases"


def test_tracking_marks_where_the_check_period_starts():
    spec = tracking_spec()
    assert [layer["data"]["name"] for layer in spec["layer"]] == ["weeks", "split", "split"]
    assert spec["layer"][1]["mark"]["color"] == charts.ACT
