"""The Segments tab of an order log: which customers stay, and what each group is worth.

Every number comes from :mod:`calc.history.segments` (and the models from
:mod:`calc.models`); this module holds the results in the session on the
file's key and the choices (never on a DataFrame, see STYLE.md), lays them
out, words the tests of difference and draws the charts (ten largest segments
plus "other").
"""

from __future__ import annotations

import re
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from calc.errors import CalcError, InputError
from calc.exports.segment_sheets import segment_tables
from calc.history import segment_models, segment_tests, segments
from calc.models.summary import summarize
from ui import charts, state, upload_view
from ui.format import calc_text, currency_symbol, localized, money, number, pct, plain, points
from ui.i18n import column_title, t

#: Segments drawn in a chart; the table holds every one.
CHART_SEGMENTS = 10
#: A point of a retention curve needs this many customers observed that long to be drawn.
MIN_CURVE_CUSTOMERS = 10
#: Above this many customers the models per segment wait for the user to ask (seconds each).
MODELS_AT_ONCE = 100_000
#: Models count time in weeks, as on the Forecast page; CLV over this many years.
UNIT = "W"
YEARS = 3
REST = "__rest__"
#: How each column of the comparison table is written.
KINDS = {
    "customers": "count",
    "customers_share": "percent",
    "repeat_customers": "count",
    "repeat_rate": "percent",
    "churn_buyers": "count",
    "churn_lost": "count",
    "churn_rate": "percent",
    "orders": "count",
    "aov": "money",
    "median_days_between": "decimal",
    "revenue": "money",
    "value_first_year": "money",
    "customers_first_year": "count",
    "value_two_years": "money",
    "customers_two_years": "count",
    "p_alive": "percent",
    "purchases_next_year": "decimal",
    "clv_low": "money",
    "clv": "money",
    "clv_high": "money",
}
MONEY = {k for k, v in KINDS.items() if v == "money"}
#: How a customer of a segment is named in a sentence, by the kind of grouping.
WHO = {"channel": "who_channel", "country": "who_country", "first_order": "who_size"}


# ------------------------------------------------ held in the session (ui.state.held)


def _models(
    table: pd.DataFrame, s: segments.Segments, margin: float, disc: float
) -> pd.DataFrame | str:
    """One model per segment where it can, else the whole file's; a message when none can run.

    The whole file's models are fitted only when a segment needs them, and no
    customer is valued one by one (:func:`calc.history.segment_models.segment_models`).
    """
    paid = table[table["amount"] > 0]
    try:
        summary = summarize(paid["customer_id"], paid["date"], paid["amount"], unit=UNIT)
        return segment_models.segment_models(
            s,
            summary,
            horizon_years=YEARS,
            annual_discount_rate=disc,
            margin=margin,
        )
    except CalcError as error:
        return calc_text(error)


# ------------------------------------------------------------------ choices


def _by_name(option: str) -> str:
    if option.startswith("col:"):
        return t("segments.by_column", column=plain(option.removeprefix("col:")))
    return t(f"segments.by_{option}")


def _read_tiers(text: str) -> tuple[float, ...] | None:
    """Tier edges as typed: numbers apart by spaces or semicolons; a comma is a decimal comma."""
    tokens = [tok.strip(",") for tok in re.split(r"[;\s]+", text.strip()) if tok.strip(",")]
    if not tokens:
        return None
    try:
        return tuple(float(tok.replace(",", ".")) for tok in tokens)
    except ValueError:
        raise InputError("tiers", "segments.tiers_positive") from None


def _edges_text(edges: tuple[float, ...]) -> str:
    return " ".join(f"{v:g}" for v in edges)


def _options(table: pd.DataFrame) -> list[str]:
    return [*segments.available(table), *(f"col:{c}" for c in segments.text_columns(table))]


def _grouping(option: str) -> tuple[str, str | None]:
    return ("column", option.removeprefix("col:")) if option.startswith("col:") else (option, None)


def _choose(table: pd.DataFrame) -> tuple[str, str | None, tuple[float, ...] | None] | None:
    option = st.selectbox(
        t("segments.by"),
        _options(table),
        format_func=_by_name,
        key="seg_by",
        help=t("segments.by_help"),
        persist_state="session",  # kept while another tab is open
    )
    by, column = _grouping(option)
    tiers = None
    if by == "first_order":
        text = st.text_input(
            t("segments.tiers"),
            key="seg_tiers",
            help=t("segments.tiers_help"),
            persist_state="session",
        )
        try:
            tiers = _read_tiers(text or "")
        except CalcError as error:
            st.warning(calc_text(error), icon=":material/warning:")
            return None
    return by, column, tiers


# -------------------------------------------------------------------- show


def show(
    loaded: upload_view.Loaded, currency: str
) -> tuple[segments.Segments, pd.DataFrame | None] | None:
    """The Segments tab: choice of grouping, comparison table, curves, value, tests, downloads.

    Returns the segments on screen and their models (None when there are
    none), for the results workbook's segment sheets (:func:`workbook_tables`).
    """
    table = loaded.upload.table
    st.markdown(t("segments.intro"))
    chosen = _choose(table)
    if chosen is None:
        return None
    by, column, tiers = chosen
    key = upload_view.held_key()
    try:
        s = state.held(
            "_seg_held",
            (key, chosen),
            lambda: segments.segment(table, by, column=column, tiers=tiers),
        )
    except CalcError as error:
        st.warning(calc_text(error), icon=":material/warning:")
        return None
    st.caption(t("segments.first_order_note"))
    if by == "first_order":
        how = "segments.tiers_default" if tiers is None else "segments.tiers_yours"
        st.caption(t(how, tiers=_edges_text(s.tiers)))
    with_models = st.toggle(
        t("segments.with_models"),
        value=_models_by_default(loaded),
        key="seg_models",
        help=t("segments.models_help"),
        persist_state="session",
    )
    models = None
    if with_models:
        margin, disc = state.calc_value("margin"), state.calc_value("disc")
        with st.spinner(t("segments.fitting")):
            models = state.held(
                "_seg_models", (key, chosen, margin, disc), lambda: _models(table, s, margin, disc)
            )
        if isinstance(models, str):
            st.info(t("segments.models_failed", reason=models), icon=":material/info:")
            models = None
    full = _table(s, models)
    st.subheader(t("segments.table_title"))
    _show_table(full, currency)
    _notes(s, models)
    top = segments.largest(s, CHART_SEGMENTS)
    if len(s.labels) > CHART_SEGMENTS:
        st.caption(
            t("segments.chart_top", shown=number(CHART_SEGMENTS), total=number(len(s.labels)))
        )
    st.subheader(t("segments.curves_title"))
    _curves(top)
    st.subheader(t("segments.value_title"))
    _values(top, models, currency)
    st.subheader(t("segments.compare_title"))
    _compare(s, currency, (key, chosen))
    _downloads(full, s)
    return s, models


def _models_by_default(loaded: upload_view.Loaded) -> bool:
    return loaded.analysis.headline.customers <= MODELS_AT_ONCE


def later(loaded: upload_view.Loaded) -> Callable[[], tuple | None]:
    """The segments of the tab while another tab is open, for the results workbook.

    The tab is computed only when open (0.15 s and 45 MB for a 1M-row log); the
    workbook still holds its sheets: built on click from the choices the tab
    keeps, or its defaults, as the tab would show them. None when they cannot
    be made (the tab says why when opened).
    """
    table = loaded.upload.table
    options = _options(table)
    choice = st.session_state.get("seg_by")
    by, column = _grouping(choice if choice in options else options[0])
    with_models = st.session_state.get("seg_models", _models_by_default(loaded))
    margin, disc = state.calc_value("margin"), state.calc_value("disc")
    text = st.session_state.get("seg_tiers") or ""

    def build() -> tuple | None:
        try:
            tiers = _read_tiers(text) if by == "first_order" else None
            s = segments.segment(table, by, column=column, tiers=tiers)
        except CalcError:
            return None
        models = _models(table, s, margin, disc) if with_models else None
        return s, None if isinstance(models, str) else models

    return build


def _table(s: segments.Segments, models: pd.DataFrame | None) -> pd.DataFrame:
    out = s.table
    if models is not None:
        out = out.merge(models, on="segment", how="left")
    return out


def _show_table(full: pd.DataFrame, currency: str) -> None:
    shown = full.drop(columns=["model_customers"], errors="ignore")
    if "model" in shown.columns:
        shown = shown.assign(model=shown["model"].map(lambda m: t(f"segments.model_{m}")))
    config = {}
    for name in shown.columns:
        label = column_title(name)
        if name in MONEY:
            label = t("segments.in_currency", label=label, symbol=currency_symbol(currency))
        config[name] = st.column_config.Column(label)
    st.dataframe(localized(shown, KINDS), hide_index=True, column_config=config)


def _notes(s: segments.Segments, models: pd.DataFrame | None) -> None:
    notes = [t("segments.table_note")]
    if s.churn_windows is None:
        notes.append(t("segments.churn_short"))
    if models is not None:
        pooled = models.loc[models["model"] == "pooled", "segment"].tolist()
        notes.append(t("segments.models_note", years=number(YEARS)))
        if pooled:
            names = ", ".join(plain(v) for v in pooled[:20])
            notes.append(t("segments.pooled_note", segments=names))
    st.caption(" ".join(notes))


def _label(name: str) -> str:
    return t("segments.other") if name == segments.OTHER else name


# ------------------------------------------------------------------ charts


def curves_chart(*, x_title: str, y_title: str, color_title: str) -> alt.Chart:
    """Share of a segment's customers who bought again within N months, one line a segment.

    Dataset ``curves``: ``segment``, ``months``, ``share`` (0-1), ``observed``.
    """
    return (
        alt.Chart(alt.NamedData("curves"))
        .mark_line(point=True)
        .encode(
            x=alt.X("months:Q", title=x_title, axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("share:Q", title=y_title, axis=alt.Axis(format="%")),
            color=alt.Color("segment:N", title=color_title, sort=None),
            tooltip=[
                alt.Tooltip("segment:N", title=color_title),
                alt.Tooltip("months:Q", title=x_title),
                alt.Tooltip("share:Q", title=y_title, format=".1%"),
                alt.Tooltip("observed:Q", title=" ", format=",.0f"),
            ],
        )
        .properties(height=300)
    )


def values_chart(*, x_title: str, y_title: str) -> alt.LayerChart:
    """Value per customer per segment as bars, with its range as a rule.

    Dataset ``values``: ``segment`` (in order), ``value``, ``low``, ``high``
    (equal to ``value`` when there is no range).
    """
    base = alt.Chart(alt.NamedData("values")).encode(y=alt.Y("segment:N", title=x_title, sort=None))
    bars = base.mark_bar(color=charts.SCENARIO).encode(
        x=alt.X("value:Q", title=y_title),
        tooltip=[
            alt.Tooltip("segment:N", title=x_title),
            alt.Tooltip("value:Q", title=y_title, format=",.0f"),
            alt.Tooltip("low:Q", format=",.0f"),
            alt.Tooltip("high:Q", format=",.0f"),
        ],
    )
    rule = base.mark_rule(color=charts.ACT, strokeWidth=2).encode(x="low:Q", x2="high:Q")
    return (bars + rule).properties(height=alt.Step(26))


def _curves(top: segments.Segments) -> None:
    data = top.curves.assign(segment=top.curves["segment"].map(_label))
    data = data[data["observed"] >= MIN_CURVE_CUSTOMERS][["segment", "months", "share", "observed"]]
    if data.empty:
        st.info(t("segments.curves_empty"), icon=":material/schedule:")
        return
    charts.draw(
        curves_chart,
        {"curves": data},
        x_title=t("segments.curves_x"),
        y_title=t("segments.curves_y"),
        color_title=t("col.segment"),
    )
    st.caption(
        t("segments.curves_note")
        + " "
        + t("segments.curves_thin", count=number(MIN_CURVE_CUSTOMERS))
    )


def _values(top: segments.Segments, models: pd.DataFrame | None, currency: str) -> None:
    symbol = currency_symbol(currency)
    if models is not None and models["clv"].notna().any():
        folded = segment_models.fold_models(models, top.labels)
        data = pd.DataFrame(
            {
                "segment": folded["segment"].map(_label),
                "value": folded["clv"],
                "low": folded["clv_low"],
                "high": folded["clv_high"],
            }
        )
        title = t("segments.value_model", years=number(YEARS), symbol=symbol)
        note = t("segments.value_model_note", years=number(YEARS))
    else:
        value = top.table["value_first_year"]
        data = pd.DataFrame(
            {
                "segment": top.table["segment"].map(_label),
                "value": value,
                "low": value,
                "high": value,
            }
        )
        title = t("segments.value_historic", symbol=symbol)
        note = t("segments.value_historic_note")
    data = data.dropna(subset=["value"])
    if data.empty:
        st.info(t("segments.value_empty"), icon=":material/schedule:")
        return
    charts.draw(values_chart, {"values": data}, x_title=t("col.segment"), y_title=title)
    st.caption(note)


# --------------------------------------------------------------- compare


def _who(s: segments.Segments, name: str) -> str:
    if s.by.startswith("cohort_"):
        return t("segments.who_cohort", name=plain(name))
    return t(f"segments.{WHO.get(s.by, 'who_first')}", name=plain(name))


def _p(p: float) -> str:
    if p < 0.01:
        return t("segments.p_below", p=number(0.01, 2))
    return t("segments.p_is", p=number(p, 2))


def sentence(
    s: segments.Segments, d: segment_tests.Difference, a: str, other: str, currency: str
) -> str:
    """One difference in words: what differs, by how much, and whether it could be chance."""

    def fmt(v: float) -> str:
        return money(v, currency) if d.measure == "value_first_year" else pct(v)

    more = "more" if d.difference >= 0 else "less"
    text = t(
        f"segments.say_{d.measure}_{more}",
        who=_who(s, a),
        a=fmt(d.a),
        b=fmt(d.b),
        other=other,
    )
    if not d.judged:
        return text + " " + t("segments.not_judged", customers=number(segments.MIN_CUSTOMERS))
    if d.measure == "value_first_year":
        verdict = "segments.value_real" if d.real else "segments.value_chance"
        return text + " " + t(verdict, low=fmt(d.low), high=fmt(d.high))
    verdict = "segments.real" if d.real else "segments.chance"
    return text + " " + t(verdict, p=_p(d.p_value), low=points(d.low), high=points(d.high))


def _compare(s: segments.Segments, currency: str, where: tuple) -> None:
    if len(s.labels) < 2:
        st.info(t("segments.one_segment"), icon=":material/info:")
        return
    left, right = st.columns(2)
    a = left.selectbox(t("segments.compare_a"), s.labels, key="seg_a")
    others = [REST, *(v for v in s.labels if v != a)]
    b = right.selectbox(
        t("segments.compare_b"),
        others,
        format_func=lambda v: t("segments.the_rest") if v == REST else v,
        key="seg_b",
    )
    b = None if b == REST or b not in s.labels else b
    other = t("segments.the_rest") if b is None else plain(b)
    pair = (*where, a, b)  # this file and grouping, and the two compared
    for d in state.held("_seg_compare", pair, lambda: segment_tests.compare(s, a, b)):
        st.markdown("- " + sentence(s, d, a, other, currency))
    st.caption(
        t(
            "segments.tests_note",
            resamples=number(segments.RESAMPLES),
            normal=number(segment_tests.NORMAL_FROM),
            customers=number(segments.MIN_CUSTOMERS),
            count=number(segments.MIN_COUNT),
        )
    )


# --------------------------------------------------------------- downloads


def workbook_tables(s: segments.Segments, models: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """The segment sheets of the results workbook, by code, the models named in the language.

    :func:`calc.exports.segment_sheets.segment_tables`; the interface names
    the sheets and their columns as it does the order log's own tables.
    """
    tables = segment_tables(s, models)
    for code, frame in tables.items():
        if "model" in frame.columns:
            words = frame["model"].map(lambda m: t(f"segments.model_{m}"))
            tables[code] = frame.assign(model=words)
    return tables


def _downloads(full: pd.DataFrame, s: segments.Segments) -> None:
    left, right = st.columns(2)
    left.download_button(
        t("segments.download_table"),
        upload_view.on_click_data(upload_view.csv_file, full),
        file_name="segments.csv",
        mime="text/csv",
        key="seg_csv",
        on_click="ignore",
    )
    right.download_button(
        t("segments.download_curves"),
        upload_view.on_click_data(upload_view.csv_file, s.curves),
        file_name="segment_retention.csv",
        mime="text/csv",
        key="seg_curves_csv",
        on_click="ignore",
    )
    st.caption(t("segments.in_workbook", button=t("upload.download_all")))
