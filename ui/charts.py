"""Altair chart builders, and the fast way to draw them.

Each builder takes only texts (titles, labels) and returns an ``alt.Chart``
whose data are *named* datasets; the page passes small, already aggregated
tidy tables under those names to :func:`draw` (a :data:`Dataset`). Building an Altair chart and
turning it into a Vega-Lite spec costs 50-150 ms on this 2-core machine, so
:func:`draw` caches the spec per builder and texts and only swaps the data on
a rerun (a slider move). Nothing here computes a business number.
"""

from __future__ import annotations

import importlib
import threading
import zlib
from collections.abc import Callable
from functools import lru_cache, partial

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

from ui import chart_images
from ui.format import chart_locale
from ui.i18n import t

BASELINE = "#8a99a6"
SCENARIO = "#1f6f8b"
ACT = "#c0392b"
WATCH = "#e6a700"
HEALTHY = "#2e8b57"

Dataset = chart_images.Dataset  # a frame or an Arrow table


def payback(*, x_title: str, y_title: str) -> alt.LayerChart:
    """Cumulative discounted margin of one customer against the CAC line.

    Datasets: ``curve`` (``period``, ``cumulative_discounted_margin``; start
    it at period 0 with nothing earned, so a payback inside the first period
    lies on the line), ``cac`` (one row: ``cac``, ``label``, ``period`` where
    the label stands) and ``payback`` (``period``, ``cac``, ``label``; empty
    when payback never comes).
    """
    line = (
        alt.Chart(alt.NamedData("curve"))
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
    cac = alt.Chart(alt.NamedData("cac"))
    rule = cac.mark_rule(color=ACT, strokeDash=[6, 4]).encode(y="cac:Q")
    cac_label = cac.mark_text(align="right", dy=-8, color=ACT).encode(
        x="period:Q", y="cac:Q", text="label:N"
    )
    point = alt.Chart(alt.NamedData("payback"))
    marker = point.mark_point(size=160, shape="diamond", filled=True, color=ACT).encode(
        x="period:Q", y="cac:Q", tooltip=["label:N"]
    )
    marker_label = point.mark_text(align="left", dx=10, dy=14, color=ACT).encode(
        x="period:Q", y="cac:Q", text="label:N"
    )
    return alt.layer(line, rule, cac_label, marker, marker_label).properties(height=320)


#: The payback marker's columns, which stay when it has no row (payback never comes).
_MARKER = pa.schema([("period", pa.float64()), ("cac", pa.float64()), ("label", pa.string())])


def payback_data(
    curve: pd.DataFrame,
    cac: float,
    cac_label: str,
    payback_period: float | None,
    payback_label: str,
) -> dict[str, pa.Table]:
    """The datasets of :func:`payback` from ``calc.clv.margin_curve``'s frame."""
    periods = np.concatenate(([0], curve["period"].to_numpy()))  # from nothing earned at 0
    margins = np.concatenate(([0.0], curve["cumulative_discounted_margin"].to_numpy()))
    marker = pa.table(
        {"period": [payback_period], "cac": [cac], "label": [payback_label]}, schema=_MARKER
    )
    return {
        "curve": pa.table({"period": periods, "cumulative_discounted_margin": margins}),
        "cac": pa.table({"cac": [float(cac)], "label": [cac_label], "period": [int(periods[-1])]}),
        "payback": marker if payback_period is not None else marker.slice(0, 0),
    }


def compare(
    *, value: str, x_title: str, y_title: str, baseline: str, scenario: str, bars: bool
) -> alt.Chart:
    """Baseline against scenario per year.

    Dataset ``cases``: ``year``, ``case_label`` (``baseline`` or ``scenario``
    text) and the ``value`` column.
    """
    order = [baseline, scenario]
    color = alt.Color(
        "case_label:N",
        scale=alt.Scale(domain=order, range=[BASELINE, SCENARIO]),
        legend=alt.Legend(orient="top", title=None),
    )
    base = alt.Chart(alt.NamedData("cases")).encode(
        x=alt.X("year:O", title=x_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{value}:Q", title=y_title),
        color=color,
        tooltip=[
            alt.Tooltip("year:O", title=x_title),
            alt.Tooltip("case_label:N", title=" "),
            alt.Tooltip(f"{value}:Q", title=y_title, format=",.0f"),
        ],
    )
    if bars:
        mark = base.mark_bar().encode(xOffset=alt.XOffset("case_label:N", sort=order))
    else:
        mark = base.mark_line(point=True)
    return mark.properties(height=260)


def compare_data(
    baseline: pd.DataFrame, scenario: pd.DataFrame, labels: tuple[str, str]
) -> dict[str, pa.Table]:
    """The dataset of :func:`compare` from the yearly frames of two cases (``year``,
    ``customers``, ``profit``: ``calc.scenario.UpliftPath.yearly``), the baseline's
    rows first, each case named by its label."""
    cases = (baseline, scenario)
    return {
        "cases": pa.table(
            {
                "year": np.concatenate([case["year"].to_numpy() for case in cases]),
                "case_label": [labels[0]] * len(baseline) + [labels[1]] * len(scenario),
                "customers": np.concatenate([case["customers"].to_numpy() for case in cases]),
                "profit": np.concatenate([case["profit"].to_numpy() for case in cases]),
            }
        )
    }


def churn_levels(*, x_title: str, y_title: str, threshold_title: str) -> alt.LayerChart:
    """Churn per period against the act line.

    Dataset ``churn``: ``period`` (label), ``churn`` (fraction), ``threshold``
    (fraction) and ``level`` ("healthy", "watch", "act").
    """
    color = alt.Color(
        "level:N",
        scale=alt.Scale(domain=["healthy", "watch", "act"], range=[HEALTHY, WATCH, ACT]),
        legend=None,
    )
    source = alt.Chart(alt.NamedData("churn"))
    bars = source.mark_bar(size=48).encode(
        x=alt.X("period:N", title=x_title, sort=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("churn:Q", title=y_title, axis=alt.Axis(format="%")),
        color=color,
        tooltip=[
            alt.Tooltip("period:N", title=x_title),
            alt.Tooltip("churn:Q", title=y_title, format=".1%"),
            alt.Tooltip("threshold:Q", title=threshold_title, format=".1%"),
        ],
    )
    ticks = source.mark_tick(color="#1b2a33", thickness=3, size=70).encode(
        x=alt.X("period:N", sort=None), y="threshold:Q"
    )
    return alt.layer(bars, ticks).properties(height=300)


def rate_over_time(*, x_title: str, y_title: str, rate_title: str) -> alt.Chart:
    """A rate per period as a line.

    Dataset ``rates``: ``label`` (period label, in order) and ``rate``
    (fraction).
    """
    return (
        alt.Chart(alt.NamedData("rates"))
        .mark_line(point=True, color=SCENARIO)
        .encode(
            x=alt.X("label:O", title=x_title, sort=None, axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("rate:Q", title=y_title, axis=alt.Axis(format="%")),
            tooltip=[
                alt.Tooltip("label:O", title=x_title),
                alt.Tooltip("rate:Q", title=rate_title, format=".1%"),
            ],
        )
        .properties(height=260)
    )


def cohort_heatmap(*, x_title: str, y_title: str, value_title: str, percent: bool) -> alt.Chart:
    """Cohort retention as a heatmap: first-purchase month down, months since across.

    Dataset ``cohorts``: ``label`` (cohort), ``months_since_first`` and
    ``value`` (a share when ``percent``, else a count or amount).
    """
    fmt = ".0%" if percent else ",.0f"
    base = alt.Chart(alt.NamedData("cohorts")).encode(
        x=alt.X("months_since_first:O", title=x_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("label:O", title=y_title, sort="descending"),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "value:Q",
            title=value_title,
            scale=alt.Scale(scheme="blues"),
            legend=alt.Legend(format=fmt),
        ),
        tooltip=[
            alt.Tooltip("label:O", title=y_title),
            alt.Tooltip("months_since_first:O", title=x_title),
            alt.Tooltip("value:Q", title=value_title, format=fmt),
        ],
    )
    return cells.properties(height=alt.Step(16))


def histogram(*, x_title: str, y_title: str) -> alt.Chart:
    """Bars of a distribution already binned.

    Dataset ``bins``: ``bin`` (label, in order) and ``count``.
    """
    return (
        alt.Chart(alt.NamedData("bins"))
        .mark_bar(color=SCENARIO)
        .encode(
            x=alt.X("bin:N", title=x_title, sort=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("count:Q", title=y_title),
            tooltip=[alt.Tooltip("bin:N", title=x_title), alt.Tooltip("count:Q", title=y_title)],
        )
        .properties(height=260)
    )


def movements(*, x_title: str, y_title: str, kinds: tuple[str, ...]) -> alt.Chart:
    """Stacked bars of MRR movements per month (losses below zero).

    Dataset ``moves``: ``label`` (month), ``kind`` (one of ``kinds``, texts)
    and ``amount`` (negative for contraction and churn).
    """
    palette = [HEALTHY, "#6fbf8e", SCENARIO, WATCH, ACT][: len(kinds)]
    return (
        alt.Chart(alt.NamedData("moves"))
        .mark_bar()
        .encode(
            x=alt.X("label:O", title=x_title, sort=None, axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("amount:Q", title=y_title),
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=list(kinds), range=palette),
                legend=alt.Legend(orient="top", title=None),
            ),
            tooltip=[
                alt.Tooltip("label:O", title=x_title),
                alt.Tooltip("kind:N", title=" "),
                alt.Tooltip("amount:Q", title=y_title, format=",.0f"),
            ],
        )
        .properties(height=300)
    )


_SPEC_BUILD = threading.Lock()


def _spec(module: str, name: str, texts: tuple[tuple[str, object], ...]) -> dict:
    """The chart's spec, shared by every session: read only (each use makes its own top).

    Built once: sessions that ask for a spec being built wait for it instead of building
    their own (50 sessions opening a page at once built it 50 times, at 50-150 ms each).
    """
    with _SPEC_BUILD:
        return _built_spec(module, name, texts)


@lru_cache(maxsize=64)
def _built_spec(module: str, name: str, texts: tuple[tuple[str, object], ...]) -> dict:
    """Not ``st.cache_data``, which hashed the texts and unpickled a copy on every rerun."""
    return getattr(importlib.import_module(module), name)(**dict(texts)).to_dict()


def _arrow(dataset: Dataset) -> bytes:
    """A dataset as the Arrow stream the chart element carries: its columns, no index.

    Streamlit's own conversion of a frame went through pandas' metadata and the index:
    twice the time, and 8% of a What if? rerun.
    """
    table = (
        dataset
        if isinstance(dataset, pa.Table)
        else pa.table(
            {str(name): pa.array(column, from_pandas=True) for name, column in dataset.items()}
        )
    )
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def draw(builder: Callable[..., alt.TopLevelMixin], data: dict[str, Dataset], **texts) -> None:
    """Draw the chart ``builder(**texts)`` returns, with ``data`` by dataset name.

    The spec is cached per builder and texts; only the data change per rerun.
    """
    key = tuple(sorted(texts.items()))
    cached = _spec(builder.__module__, builder.__name__, key)
    spec = {**cached, "config": {**cached.get("config", {}), "locale": chart_locale()}}
    datasets = {name: _arrow(frame) for name, frame in data.items()}
    st.vega_lite_chart({**spec, "datasets": datasets}, width="stretch")
    name = f"{builder.__name__}-{zlib.crc32(repr(key).encode()):08x}"
    # An image has no container to stretch to: give it a page's width (a bar chart would
    # otherwise be 20 px a bar, its labels over each other).
    image = (
        spec if {"hconcat", "vconcat", "concat", "facet"} & spec.keys() else {**spec, "width": 720}
    )
    with st.popover(t("app.chart_download"), icon=":material/download:"):
        for kind, mime in (("png", "image/png"), ("svg", "image/svg+xml")):
            st.download_button(
                t(f"app.chart_{kind}"),
                partial(getattr(chart_images, kind), image, data),
                file_name=f"{builder.__name__}.{kind}",
                mime=mime,
                key=f"chart-{kind}-{name}",
                on_click="ignore",
            )
