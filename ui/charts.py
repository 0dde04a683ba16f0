"""Altair chart builders.

Each takes a small, already aggregated tidy frame and returns an
``alt.Chart``; nothing here computes a business number. Texts come in as
arguments so the charts follow the page's language.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

BASELINE = "#8a99a6"
SCENARIO = "#1f6f8b"
ACT = "#c0392b"
WATCH = "#e6a700"
HEALTHY = "#2e8b57"


def payback(
    curve: pd.DataFrame,
    cac: float,
    *,
    x_title: str,
    y_title: str,
    cac_label: str,
    payback_period: float | None,
    payback_label: str,
) -> alt.Chart:
    """Cumulative discounted margin of one customer against the CAC line.

    ``curve`` has columns ``period`` and ``cumulative_discounted_margin``; the
    line starts from nothing earned at period 0, so that the payback point,
    which may fall inside the first period, lies on it.
    """
    start = pd.DataFrame({"period": [0], "cumulative_discounted_margin": [0.0]})
    line = (
        alt.Chart(pd.concat([start, curve[list(start.columns)]], ignore_index=True))
        .mark_line(point=True, color=SCENARIO)
        .encode(
            x=alt.X("period:Q", title=x_title, axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("cumulative_discounted_margin:Q", title=y_title),
            tooltip=[
                alt.Tooltip("period:Q", title=x_title),
                alt.Tooltip("cumulative_discounted_margin:Q", title=y_title, format=",.0f"),
            ],
        )
    )
    layers = [line]
    cac_frame = pd.DataFrame({"cac": [cac], "label": [cac_label]})
    layers.append(alt.Chart(cac_frame).mark_rule(color=ACT, strokeDash=[6, 4]).encode(y="cac:Q"))
    layers.append(
        alt.Chart(cac_frame)
        .mark_text(align="left", dx=4, dy=-8, color=ACT)
        .encode(y="cac:Q", x=alt.value(0), text="label:N")
    )
    if payback_period is not None:
        point = pd.DataFrame({"period": [payback_period], "cac": [cac], "label": [payback_label]})
        layers.append(
            alt.Chart(point)
            .mark_point(size=160, shape="diamond", filled=True, color=ACT)
            .encode(x="period:Q", y="cac:Q", tooltip=["label:N"])
        )
        layers.append(
            alt.Chart(point)
            .mark_text(align="left", dx=10, dy=14, color=ACT)
            .encode(x="period:Q", y="cac:Q", text="label:N")
        )
    return alt.layer(*layers).properties(height=320)


def compare(
    frame: pd.DataFrame,
    value: str,
    *,
    x_title: str,
    y_title: str,
    case_title: str,
    case_labels: dict[str, str],
    bars: bool = False,
) -> alt.Chart:
    """Baseline against scenario per year; ``frame`` has ``year``, ``case``, ``value``."""
    data = frame.assign(case_label=frame["case"].map(case_labels))
    order = [case_labels["baseline"], case_labels["scenario"]]
    color = alt.Color(
        "case_label:N",
        title=case_title,
        scale=alt.Scale(domain=order, range=[BASELINE, SCENARIO]),
        legend=alt.Legend(orient="top", title=None),
    )
    base = alt.Chart(data).encode(
        x=alt.X("year:O", title=x_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{value}:Q", title=y_title),
        color=color,
        tooltip=[
            alt.Tooltip("year:O", title=x_title),
            alt.Tooltip("case_label:N", title=case_title),
            alt.Tooltip(f"{value}:Q", title=y_title, format=",.0f"),
        ],
    )
    if bars:
        mark = base.mark_bar().encode(xOffset=alt.XOffset("case_label:N", sort=order))
    else:
        mark = base.mark_line(point=True)
    return mark.properties(height=280)


def churn_levels(
    frame: pd.DataFrame,
    *,
    x_title: str,
    y_title: str,
    threshold_title: str,
) -> alt.Chart:
    """Churn per period against its thresholds.

    ``frame`` has ``period`` (label), ``churn`` (fraction), ``threshold``
    (fraction) and ``level`` ("healthy", "watch", "act").
    """
    color = alt.Color(
        "level:N",
        scale=alt.Scale(domain=["healthy", "watch", "act"], range=[HEALTHY, WATCH, ACT]),
        legend=None,
    )
    bars = (
        alt.Chart(frame)
        .mark_bar(size=48)
        .encode(
            x=alt.X("period:N", title=x_title, sort=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("churn:Q", title=y_title, axis=alt.Axis(format="%")),
            color=color,
            tooltip=[
                alt.Tooltip("period:N", title=x_title),
                alt.Tooltip("churn:Q", title=y_title, format=".1%"),
                alt.Tooltip("threshold:Q", title=threshold_title, format=".1%"),
            ],
        )
    )
    ticks = (
        alt.Chart(frame)
        .mark_tick(color="#1b2a33", thickness=3, size=70)
        .encode(x=alt.X("period:N", sort=None), y="threshold:Q")
    )
    return (bars + ticks).properties(height=300)
