"""The scenarios page: save the CLV inputs under a name, compare, rename, delete, export.

Saved scenarios are :class:`calc.scenarios.Scenario` objects in session state
(``scenarios``, a tuple) with the pinned baseline's name in ``sc_base``; both
change only in the callbacks below. ``sc_error`` holds the message of the last
refused action until the next run shows it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from functools import partial
from urllib.parse import urlencode

import altair as alt
import pandas as pd
import streamlit as st

from calc import scenarios as sc
from calc.clv import clv_report, margin_curve
from calc.errors import InputError
from calc.export_excel import TEXTS as WORKBOOK_TEXTS
from calc.export_excel import workbook
from calc.presets import PRESETS, preset
from ui import chart_images, charts, state
from ui.export_pdf import OnePager, one_pager
from ui.format import calc_text, currency_symbol, day, duration, money, number, pct, plain
from ui.i18n import t

#: How each measure of calc.scenarios is shown: money, percent, count or duration.
_MONEY = {"avg_order_value", "acquisition_cost", "revenue_clv", "discounted_margin_clv", "net_clv"}
_PERCENT = {"gross_margin", "discount_rate", "churn_rate"}


def _saved() -> tuple[sc.Scenario, ...]:
    return st.session_state.scenarios


def current_inputs() -> dict[str, float | None]:
    """The CLV page's inputs as :mod:`calc.scenarios` takes them (fractions per year)."""
    v = state.calc_value
    by_churn = st.session_state.clv_mode == "churn"
    return {
        "avg_order_value": v("aov"),
        "purchases_per_year": v("freq"),
        "gross_margin": v("margin"),
        "discount_rate": v("disc"),
        "acquisition_cost": v("cac"),
        "churn_rate": v("churn") if by_churn else None,
        "lifespan_years": None if by_churn else v("life"),
    }


def _refuse(text: str) -> None:
    st.session_state.sc_error = text


def save_current() -> None:
    s = st.session_state
    try:
        name = sc.check_name(s.sc_name)
        if name in (item.name for item in _saved()):
            _refuse(t("scenarios.name_taken", name=plain(name)))
            return
        s.scenarios = (*_saved(), sc.scenario(name, current_inputs()))
    except InputError as error:
        _refuse(calc_text(error))
        return
    if s.sc_base is None:
        s.sc_base = name
    s.sc_name = sc.next_name([item.name for item in s.scenarios])


def save_from_clv() -> None:
    """Save the CLV page's inputs as the next scenario (A, B, C ...), from the CLV page."""
    s = st.session_state
    name = sc.next_name([item.name for item in _saved()])
    if not name or len(_saved()) >= sc.MAX_SCENARIOS:
        s.clv_saved = (False, t("scenarios.full", most=sc.MAX_SCENARIOS))
        return
    try:
        s.scenarios = (*_saved(), sc.scenario(name, current_inputs()))
    except InputError as error:
        s.clv_saved = (False, calc_text(error))
        return
    if s.sc_base is None:
        s.sc_base = name
    s.sc_name = sc.next_name([item.name for item in s.scenarios])
    s.clv_saved = (True, t("journeys.saved_as_scenario", name=name))


def save_button() -> None:
    """The CLV page's "Save as scenario" button and what its last click did."""
    said = st.session_state.pop("clv_saved", None)
    with st.container(key="edit_clv_save"):
        st.button(
            t("journeys.save_as_scenario"),
            key="clv_save_sc",
            on_click=save_from_clv,
            icon=":material/bookmark_add:",
        )
        if said:
            saved, text = said
            if saved:
                st.success(text, icon=":material/check:")
            else:
                st.warning(text, icon=":material/info:")


def set_link(items: Sequence[sc.Scenario], baseline: str, currency: str) -> str:
    """A link to the Scenarios page that opens this whole set, its baseline and currency."""
    query = urlencode(
        {
            "lang": st.session_state.lang,
            "cur": currency,
            "sc": sc.to_link(items, baseline, currency),
        }
    )
    base = (st.context.url or "").split("?")[0]
    return f"{base}?{query}"


def rename() -> None:
    s = st.session_state
    old = s.sc_pick
    try:
        new = sc.check_name(s.sc_new_name)
    except InputError as error:
        _refuse(calc_text(error))
        return
    if new != old and new in (item.name for item in _saved()):
        _refuse(t("scenarios.name_taken", name=plain(new)))
        return
    s.scenarios = tuple(
        sc.Scenario(new, item.inputs) if item.name == old else item for item in _saved()
    )
    if s.sc_base == old:
        s.sc_base = new
    s.sc_pick = new


def delete() -> None:
    s = st.session_state
    s.scenarios = tuple(item for item in _saved() if item.name != s.sc_pick)
    if s.sc_base == s.sc_pick:
        s.sc_base = s.scenarios[0].name if s.scenarios else None


def pin() -> None:
    st.session_state.sc_base = st.session_state.sc_pick


def load() -> None:
    """Put the chosen scenario's inputs back into the calculator (and the pages sharing them)."""
    s = st.session_state
    item = next(item for item in _saved() if item.name == s.sc_pick)
    _into_calculator(item.inputs)
    s.sc_loaded = item.name


def load_preset() -> None:
    """Put the chosen preset's inputs into the calculator."""
    _into_calculator(preset(st.session_state.sc_preset).inputs)
    st.session_state.sc_loaded = t(f"presets.{st.session_state.sc_preset}")


def save_preset() -> None:
    """Save the chosen preset as the next scenario, named after the business type."""
    s = st.session_state
    chosen = preset(s.sc_preset)
    name = t(f"presets.{chosen.key}")
    if name in (item.name for item in _saved()):
        _refuse(t("scenarios.name_taken", name=name))
        return
    s.scenarios = (*_saved(), chosen.as_scenario(name))
    if s.sc_base is None:
        s.sc_base = name


def _into_calculator(inputs) -> None:
    s = st.session_state
    s.aov = inputs["avg_order_value"]
    s.freq = inputs["purchases_per_year"]
    s.margin = round(inputs["gross_margin"] * 100, 4)
    s.disc = round(inputs["discount_rate"] * 100, 4)
    s.cac = inputs["acquisition_cost"]
    if "churn_rate" in inputs:
        s.clv_mode = "churn"
        s.churn = round(inputs["churn_rate"] * 100, 4)
    else:
        s.clv_mode = "life"
        s.life = inputs["lifespan_years"]
    state.clv_margin_changed()
    state.clv_churn_changed()
    state.cac_changed()
    state.discount_changed()


def import_file() -> None:
    s = st.session_state
    upload = s.sc_file
    if upload is None:
        return
    try:
        items, baseline = sc.from_json(upload.getvalue())
    except InputError as error:
        _refuse(calc_text(error))
        return
    s.scenarios = tuple(items)
    s.sc_base = baseline or (items[0].name if items else None)
    s.sc_name = sc.next_name([item.name for item in items])


def show(measure: str, value: float, currency: str, *, cents: bool | None = None) -> str:
    """One input or result of a scenario as text (money with or without ``cents``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if measure in _MONEY:
        return money(value, currency, cents=cents)
    if measure in _PERCENT:
        return pct(value)
    if measure == "clv_cac":
        return t("fmt.ratio", value=number(value, 1)) if math.isfinite(value) else ""
    if measure == "payback_months":
        return duration(value, "months")
    if measure == "lifespan_years":
        return duration(value, "years")
    return number(value, 2)


def _signed(measure: str, delta: float, currency: str, *, cents: bool | None = None) -> str:
    if delta is None or math.isnan(delta) or delta == 0:
        return ""
    sign = "+" if delta > 0 else "-"
    if measure in _PERCENT:
        return sign + t("fmt.points", value=number(abs(delta) * 100, 1))
    return sign + show(measure, abs(delta), currency, cents=cents)


def _cents(table: pd.DataFrame) -> dict[str, bool]:
    """Per money measure, whether its row prints cents: only when every amount in it is
    below 100, so a value and its change read alike (``NOK 220 (+NOK 40)``)."""
    finite = table[table["value"].map(lambda v: v is not None and math.isfinite(v))]
    return {
        measure: bool((values.abs() < 100).all())
        for measure, values in finite.groupby("measure")["value"]
    }


def baseline_title(name: str) -> str:
    """The baseline's column heading: ``A (baseline)``, or the name alone when it says so."""
    word = t("scenarios.baseline_column", name="").strip(" ()")
    return name if word.casefold() in name.casefold() else t("scenarios.baseline_column", name=name)


def comparison(table: pd.DataFrame, baseline: str, currency: str) -> pd.DataFrame:
    """Measures down, scenarios across; each cell the value and its change against the baseline.

    Rows that no scenario fills (a lifespan when every scenario gives a churn)
    are left out; money in one row has the same decimals throughout.
    """
    cents = _cents(table)
    cells = table.assign(
        text=[
            show(m, v, currency, cents=cents.get(m))
            + (
                f" ({d})"
                if (d := _signed(m, delta, currency, cents=cents.get(m))) and name != baseline
                else ""
            )
            for name, m, v, delta in zip(
                table["scenario"], table["measure"], table["value"], table["delta"], strict=True
            )
        ]
    )
    wide = cells.pivot(index="measure", columns="scenario", values="text")
    wide = wide.loc[[*sc.INPUTS, *sc.RESULTS], list(dict.fromkeys(table["scenario"]))]
    wide = wide[(wide != "").any(axis=1)]
    wide.index = [t(f"scenarios.measure_{m}") for m in wide.index]
    wide.columns = [baseline_title(name) if name == baseline else name for name in wide.columns]
    return wide


def pdf_texts(items: Sequence[sc.Scenario], baseline: str, currency: str) -> OnePager:
    """The one-pager's texts: the baseline's headline, every scenario side by side, method."""
    base = next(item for item in items if item.name == baseline)
    report = sc.headline(base)
    wide = comparison(sc.compare(items, baseline), baseline, currency)
    return OnePager(
        title=t("pdf.title"),
        subtitle=t("pdf.subtitle", date=day(date.today()), currency=currency, n=len(items)),
        headline_title=t("pdf.headline_title", name=baseline),
        headline=[
            (
                t(f"scenarios.measure_{key}"),
                show(key, report[key], currency) or t("fmt.not_available"),
            )
            for key in ("discounted_margin_clv", "clv_cac", "payback_months", "revenue_clv")
        ],
        table_title=t("scenarios.compare_title"),
        table=[
            [t("pdf.measure"), *wide.columns],
            *(
                [label, *row]
                for label, row in zip(wide.index, wide.to_numpy().tolist(), strict=True)
            ),
        ],
        notes_title=t("pdf.notes_title"),
        notes=[
            t("pdf.note_clv"),
            t("pdf.note_payback"),
            t("pdf.note_rules", ratio=t("rule.clv_cac.source"), payback=t("rule.payback.source")),
        ],
        footer=t("pdf.footer"),
    )


def clv_data(table: pd.DataFrame, baseline: str) -> dict[str, pd.DataFrame]:
    """The dataset of :func:`clv_bars` from a :func:`calc.scenarios.compare` table."""
    clv = table[table["measure"] == "discounted_margin_clv"]
    role = ["baseline" if name == baseline else "scenario" for name in clv["scenario"]]
    return {
        "clv": pd.DataFrame(
            {"scenario": clv["scenario"].tolist(), "clv": clv["value"].tolist(), "role": role}
        )
    }


def excel_texts() -> dict[str, str]:
    """The workbook's texts in the current language."""
    return {key: t(f"excel.{key}") for key in WORKBOOK_TEXTS}


def payback_chart(item: sc.Scenario, currency: str) -> tuple[dict, dict[str, charts.Dataset]]:
    """Spec and data of the CLV page's payback chart for one scenario."""
    report = clv_report(**item.inputs)
    years, cac = report.payback_years, item.inputs["acquisition_cost"]
    horizon = 10 if math.isinf(years) else min(30, max(5, math.ceil(years) + 3))
    curve = margin_curve(
        report.annual_margin, 1 - report.annual_churn, item.inputs["discount_rate"], horizon
    )
    data = charts.payback_data(
        curve,
        cac,
        cac_label=t("clv.chart_cac", cac=money(cac, currency, cents=False)),
        payback_period=years if years <= horizon else None,
        payback_label=t("clv.chart_payback", when=duration(report.payback_months, "months")),
    )
    spec = charts.payback(
        x_title=t("clv.chart_x"), y_title=t("clv.chart_y", currency=currency_symbol(currency))
    )
    return image_spec(spec), data


#: Width in pixels of a chart drawn as an image (PNG, SVG, PDF): a browser gives the chart
#: its container's width, an image renderer would give a bar chart 20 px per bar.
IMAGE_WIDTH = 720
IMAGE_HEIGHT = 130


def image_spec(chart: alt.Chart, height: int = IMAGE_HEIGHT) -> dict:
    """The spec of ``chart`` for an image file: full width, labels that do not overlap."""
    spec = chart.properties(width=IMAGE_WIDTH, height=height).to_dict()
    config = spec.setdefault("config", {})
    config.setdefault("axis", {}).update(
        {"labelFontSize": 12, "titleFontSize": 13, "labelLimit": 180}
    )
    # The y title written across, above the axis: upright it would set a short chart's height.
    config.setdefault("axisY", {}).update(
        {
            "titleAngle": 0,
            "titleAnchor": "end",
            "titleAlign": "left",
            "titleBaseline": "bottom",
            "titleX": -40,
            "titleY": -10,
        }
    )
    return spec


def pdf_file(texts: OnePager, figures: Sequence[tuple[dict, dict[str, charts.Dataset]]]) -> bytes:
    """The one-pager with its charts, rendered when downloaded."""
    images = tuple(chart_images.png(spec, data) for spec, data in figures)
    return one_pager(replace(texts, charts=images))


def clv_bars(*, x_title: str, y_title: str) -> alt.Chart:
    """CLV per scenario, the baseline grey. Dataset ``clv``: ``scenario``, ``clv``, ``role``."""
    return (
        alt.Chart(alt.NamedData("clv"))
        .mark_bar()
        .encode(
            x=alt.X(
                "scenario:N",
                title=x_title,
                sort=None,
                axis=alt.Axis(labelAngle=0, labelLimit=160, labelOverlap=False),
            ),
            y=alt.Y("clv:Q", title=y_title),
            color=alt.Color(
                "role:N",
                scale=alt.Scale(
                    domain=["baseline", "scenario"], range=[charts.BASELINE, charts.SCENARIO]
                ),
                legend=None,
            ),
            tooltip=[alt.Tooltip("scenario:N"), alt.Tooltip("clv:Q", format=",.0f")],
        )
        .properties(height=280)
    )


def main(currency: str) -> None:
    """Draw the page."""
    s = st.session_state
    if s.get("sc_error"):
        st.error(s.sc_error, icon=":material/error:")
        s.sc_error = None
    if s.get("sc_loaded"):
        st.success(t("scenarios.loaded", name=plain(s.sc_loaded)), icon=":material/check:")
        s.sc_loaded = None
    if "sc_name" not in s:
        s.sc_name = sc.next_name([item.name for item in _saved()])

    opened = s.get("sc_link_opened")
    if opened is not None:  # the scenarios of a link, read by ui.state.init: how many
        s.sc_link_opened = None
        if opened:
            st.success(t("journeys.set_loaded", n=opened), icon=":material/link:")
        else:
            st.warning(t("journeys.set_ignored"), icon=":material/link_off:")
    full = len(_saved()) >= sc.MAX_SCENARIOS
    with st.container(border=True, key="edit_presets"):
        st.markdown(f"**{t('presets.title')}**")
        st.caption(t("presets.illustrative"))
        pick_col, load_col, save_col = st.columns([2, 1, 1], vertical_alignment="bottom")
        pick_col.selectbox(
            t("presets.pick"),
            [item.key for item in PRESETS],
            format_func=lambda key: t(f"presets.{key}"),
            key="sc_preset",
        )
        load_col.button(t("scenarios.load"), key="sc_preset_load", on_click=load_preset)
        save_col.button(
            t("scenarios.save"), key="sc_preset_save", on_click=save_preset, disabled=full
        )
    with st.container(border=True, key="edit_save"):
        st.markdown(f"**{t('scenarios.save_title')}**")
        st.caption(t("scenarios.save_help", most=sc.MAX_SCENARIOS))
        name_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
        name_col.text_input(t("scenarios.name"), key="sc_name", max_chars=sc.MAX_NAME_LENGTH)
        button_col.button(
            t("scenarios.save"),
            key="sc_save",
            on_click=save_current,
            disabled=full,
            icon=":material/add:",
        )
        if full:
            st.caption(t("scenarios.full", most=sc.MAX_SCENARIOS))

    items = _saved()
    if not items:
        st.info(t("scenarios.none"), icon=":material/info:")
    else:
        names = [item.name for item in items]
        baseline = s.sc_base if s.sc_base in names else names[0]
        table = sc.compare(items, baseline)
        st.subheader(t("scenarios.compare_title"))
        st.caption(t("scenarios.compare_help", name=plain(baseline)))
        st.dataframe(comparison(table, baseline, currency), height="content")
        chart_data = clv_data(table, baseline)
        chart_texts = {
            "x_title": t("scenarios.chart_x"),
            "y_title": t("scenarios.chart_y", currency=currency_symbol(currency)),
        }
        charts.draw(clv_bars, chart_data, **chart_texts)
        spec = image_spec(clv_bars(**chart_texts))
        png, svg = st.container(key="edit_chart_files").columns(2)
        png.download_button(
            t("scenarios.chart_png"),
            partial(chart_images.png, spec, chart_data),
            file_name="scenarios-clv.png",
            mime="image/png",
            icon=":material/image:",
            on_click="ignore",
        )
        svg.download_button(
            t("scenarios.chart_svg"),
            partial(chart_images.svg, spec, chart_data),
            file_name="scenarios-clv.svg",
            mime="image/svg+xml",
            icon=":material/image:",
            on_click="ignore",
        )

        with st.container(border=True, key="edit_manage"):
            st.markdown(f"**{t('scenarios.manage_title')}**")
            if s.get("sc_pick") not in names:
                s.sc_pick = names[0]
            st.selectbox(t("scenarios.pick"), names, key="sc_pick")
            st.text_input(t("scenarios.new_name"), key="sc_new_name", max_chars=sc.MAX_NAME_LENGTH)
            a, b, c, d = st.columns(4)
            a.button(t("scenarios.rename"), key="sc_rename", on_click=rename)
            b.button(t("scenarios.pin"), key="sc_pin", on_click=pin)
            c.button(t("scenarios.load"), key="sc_load", on_click=load)
            d.button(t("scenarios.delete"), key="sc_delete", on_click=delete)

    with st.container(border=True, key="edit_files"):
        st.markdown(f"**{t('scenarios.file_title')}**")
        st.caption(t("scenarios.file_help"))
        if items:
            with st.expander(t("journeys.share_set_title"), icon=":material/link:"):
                st.caption(t("journeys.share_set_how"))
                st.code(set_link(items, baseline, currency), language=None, wrap_lines=True)
            st.download_button(
                t("scenarios.export"),
                sc.to_json(items, s.sc_base, currency),
                file_name="scenarios.json",
                mime="application/json",
                icon=":material/download:",
                on_click="ignore",
            )
            st.download_button(
                t("scenarios.export_excel"),
                partial(workbook, items, s.sc_base, currency, excel_texts()),
                file_name="scenarios.xlsx",
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                icon=":material/table_view:",
                on_click="ignore",
            )
            st.download_button(
                t("scenarios.export_pdf"),
                partial(
                    pdf_file,
                    pdf_texts(items, baseline, currency),
                    [(spec, chart_data), payback_chart(items[names.index(baseline)], currency)],
                ),
                file_name="scenarios.pdf",
                mime="application/pdf",
                icon=":material/picture_as_pdf:",
                on_click="ignore",
            )
        st.file_uploader(t("scenarios.import"), type=["json"], key="sc_file", on_change=import_file)
