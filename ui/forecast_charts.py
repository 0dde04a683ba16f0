"""Altair chart builders of the Forecast page.

Like :mod:`ui.charts`, each builder takes only texts and returns a chart on
*named* datasets; the page draws it with :func:`ui.charts.draw`, which caches
the spec and swaps the data. The frames are small: one row per month or week.
"""

from __future__ import annotations

import altair as alt

from ui.charts import ACT, BASELINE, SCENARIO


def retention_curve(
    *, x_title: str, y_title: str, observed: str, fitted: str, low: str, high: str
) -> alt.LayerChart:
    """Share of subscribers still active: observed points, fitted line and its range.

    Datasets: ``fitted`` (``period``, ``survival``, ``survival_low``,
    ``survival_high``: shares of the starting subscribers, periods observed
    and projected), ``observed`` (``period``, ``survival``) and ``today``
    (one row: ``period``, the last observed period, and ``label``).
    """
    fit = alt.Chart(alt.NamedData("fitted"))
    area = fit.mark_area(opacity=0.25, color=SCENARIO).encode(
        x=alt.X("period:Q", title=x_title, axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("survival_low:Q", title=y_title, axis=alt.Axis(format="%")),
        y2="survival_high:Q",
        tooltip=[
            alt.Tooltip("period:Q", title=x_title),
            alt.Tooltip("survival_low:Q", title=low, format=".1%"),
            alt.Tooltip("survival:Q", title=fitted, format=".1%"),
            alt.Tooltip("survival_high:Q", title=high, format=".1%"),
        ],
    )
    line = fit.mark_line(color=SCENARIO).encode(x="period:Q", y="survival:Q")
    points = (
        alt.Chart(alt.NamedData("observed"))
        .mark_point(filled=True, size=45, color="#1b2a33")
        .encode(
            x="period:Q",
            y="survival:Q",
            tooltip=[
                alt.Tooltip("period:Q", title=x_title),
                alt.Tooltip("survival:Q", title=observed, format=".1%"),
            ],
        )
    )
    today = alt.Chart(alt.NamedData("today"))
    rule = today.mark_rule(color=BASELINE, strokeDash=[4, 4]).encode(x="period:Q")
    label = today.mark_text(align="left", dx=4, dy=-4, baseline="bottom", color=BASELINE).encode(
        x="period:Q", y=alt.value(0), text="label:N"
    )
    return alt.layer(area, line, points, rule, label).properties(height=320)


def tracking(*, x_title: str, y_title: str, actual: str, expected: str) -> alt.LayerChart:
    """Repeat purchases per week: what happened against what the model expected.

    Datasets: ``weeks`` (``period_end``, the last day of the week, ``series`` (the
    ``actual`` or ``expected`` text) and ``purchases``) and ``split`` (one
    row: ``period_end`` where the check period starts, and ``label``).
    """
    order = [actual, expected]
    lines = (
        alt.Chart(alt.NamedData("weeks"))
        .mark_line()
        .encode(
            x=alt.X("period_end:T", title=x_title),
            y=alt.Y("purchases:Q", title=y_title),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=order, range=["#1b2a33", SCENARIO]),
                legend=alt.Legend(orient="top", title=None),
            ),
            strokeDash=alt.StrokeDash(
                "series:N", scale=alt.Scale(domain=order, range=[[1, 0], [6, 3]]), legend=None
            ),
            tooltip=[
                alt.Tooltip("period_end:T", title=x_title),
                alt.Tooltip("series:N", title=" "),
                alt.Tooltip("purchases:Q", title=y_title, format=",.1f"),
            ],
        )
    )
    split = alt.Chart(alt.NamedData("split"))
    rule = split.mark_rule(color=ACT, strokeDash=[4, 4]).encode(x="period_end:T")
    label = split.mark_text(align="left", dx=4, baseline="top", color=ACT).encode(
        x="period_end:T", y=alt.value(0), text="label:N"
    )
    return alt.layer(lines, rule, label).properties(height=300)
