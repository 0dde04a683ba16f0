"""Retention metrics measured in the file in use, beside the typed ones (calc.history.first_weeks).

The file is the one this session reads on Your data (an upload kept for the session, or
a sample). A subscription log gives the early cancellation rate, ARR growth and the
downgrades; an order log the time to the first repeat order. Each figure is drawn in a
card of its own, marked as coming from the file, with its formula, its period and the
customers it rests on; a button copies it into the typed inputs only when asked (the
inputs then say they came from the file). The Metrics workbook (typed and measured
figures, formula, value, unit, period, verdict) is built here too.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st
from babel.dates import format_skeleton

from calc import exports, history
from calc import thresholds as th
from calc.errors import DataError
from calc.exports.metric_sheets import COLUMNS, MetricRow, metrics_sheet
from ui import chrome, state, upload_view
from ui.format import calc_text, day, duration, money, number, pct, plain, signed_pct
from ui.i18n import babel_locale, t

UPLOAD_PAGE = "pages/5_Your_data.py"
_MEMO = "_md_measured"


@dataclass(frozen=True)
class Figure:
    """One metric as computed from the inputs (typed) or from a file (measured).

    ``value`` is in ``unit`` (``"fraction"``, ``"days"``, ``"money"``,
    ``"coefficient"``), ``formula`` fills the text ``<prefix>.<key>_formula``.
    """

    key: str
    shown: str
    value: float
    unit: str
    verdict: th.Health | None
    formula: dict[str, object]
    note: str | None = None
    period: str = ""
    basis: str = ""


def _file() -> tuple[str, upload_view.Loaded] | None:
    """The file this session reads on Your data, as read there; None when there is none or
    it cannot be read (Your data says why)."""
    s = st.session_state
    kept, sample = s.get("up_kept"), s.get("up_sample")
    try:
        if kept is not None:
            return kept[0], upload_view.load(kept[1], kept[0], upload_view.overrides())
        if sample in upload_view.SAMPLES:
            data = upload_view.sample_bytes(sample)
            return sample, upload_view.load(data, sample, upload_view.overrides())
    except DataError:
        return None
    return None


def _measure(loaded: upload_view.Loaded) -> dict[str, object]:
    """The measured figures of a file, once per file read (held beside it in the session)."""
    memo = st.session_state.get(_MEMO)
    if memo is not None and memo[0] is loaded:
        return memo[1]
    table, out = loaded.upload.table, {}
    if loaded.subscriptions is not None:
        for name, compute in (
            ("early", history.early_cancellations),
            ("arr", history.arr_growth_measured),
            ("contraction", history.contraction_measured),
        ):
            try:
                out[name] = compute(table)
            except DataError as error:
                out[name] = error
    elif loaded.analysis is not None:
        out["repeat"] = history.first_repeat(table)
    st.session_state[_MEMO] = (loaded, out)
    return out


def _month(stamp) -> str:
    return format_skeleton("yMMM", stamp, locale=babel_locale())


def _term(months: float) -> str:
    if months in (1.0, 3.0, 6.0, 12.0):
        return t(f"md.term_{int(months)}")
    if math.isclose(months, 12 / 52, abs_tol=1e-6):
        return t("md.term_week")
    return duration(months, "months", 2)


def _use(values: dict[str, float]) -> Callable[[], None]:
    """A callback copying measured numbers into the typed inputs, marked as from the file."""

    def use() -> None:
        s = st.session_state
        for key, value in values.items():
            s[key] = float(value)
            state._mark(key, "upload", "file")

    return use


def _health(result: th.Health, proposed: bool) -> None:
    """A verdict as :func:`ui.chrome.health` draws it, without its "change the kind of
    business" control: the typed card of the same rule above carries that one (a page has
    one control per rule)."""
    color, icon = chrome.LEVEL_STYLE[result.level]
    st.badge(t(f"level.{result.level}"), color=color, icon=icon)
    rule = result.rule
    st.caption(
        t(
            "app.rule_line",
            rule=t(f"rule.{rule.key}.metric"),
            value=chrome.in_unit(rule, result.value),
            threshold=chrome.in_unit(rule, result.threshold),
            source=chrome.rule_source(rule),
        )
    )
    kind = t(f"kind.{rule.business}")
    if rule.cite is None and rule.business != "other":
        st.caption(t("business.judged_as_general", kind=kind))
    else:
        st.caption(
            t("business.judged_as_proposed" if proposed else "business.judged_as", kind=kind)
        )
    if result.level != "healthy":
        st.markdown(f"**{t('app.next_step')}** {t(f'rule.{rule.key}.next_step')}")


def _card(key: str, figure: Figure, name: str, proposed: bool, extra: list[str]) -> None:
    """A measured figure: marked as from the file, with what it rests on and its formula."""
    with st.container(border=True, key=f"md_card_{key}"):
        st.badge(t("md.badge"), icon=":material/description:", color="blue")
        st.metric(t(f"md.{key}"), figure.shown, help=t(f"md.{key}_help"))
        st.caption(t("md.source", name=plain(name)))
        for line in (figure.period, figure.basis, *extra):
            if line:
                st.caption(line)
        if figure.note:
            st.caption(figure.note)
        if figure.verdict is not None:
            _health(figure.verdict, proposed)
        with st.expander(t("app.how_calculated")):
            st.markdown(t(f"md.{key}_formula", result=figure.shown, **figure.formula))


def _early(m, business: str) -> tuple[Figure, list[str]] | str:
    if isinstance(m, DataError):
        return calc_text(m)
    if m.started == 0:
        return t("md.no_early_started", as_of=day(m.as_of))
    shown = pct(m.rate)
    formula = {
        "cancelled": number(m.cancelled_early),
        "started": number(m.started),
        "as_of": day(m.as_of),
    }
    figure = Figure(
        "early_cancel",
        shown,
        m.rate,
        "fraction",
        th.early_cancel_health(m.rate, business=business),
        formula,
        period=t("md.period_starts", first=day(m.first_start), last=day(m.last_start)),
        basis=t(
            "md.early_basis",
            started=number(m.started),
            left_out=number(m.in_first_term),
        ),
    )
    return figure, [_term_line(m)]


def _term_line(m) -> str:
    if m.term_source == "file":
        if m.term_months is not None:
            return t("md.term_file_one", term=_term(m.term_months))
        return t("md.term_file_mixed", terms=", ".join(_term(x) for x in m.terms))
    column = _interval_column()
    if column:
        return t("md.term_one_month_ignored", column=plain(column))
    return t("md.term_one_month")


def _interval_column() -> str | None:
    found = _file()
    return None if found is None else found[1].upload.mapping.get("interval")


def _arr(m, business: str, cur: str) -> tuple[Figure, list[str]] | str:
    if isinstance(m, DataError):
        return calc_text(m)
    if m.months < 13:
        return t("md.arr_too_short", months=number(m.months))
    if math.isnan(m.growth):
        return t("md.arr_none_before", month_before=_month(m.month_before))
    shown = signed_pct(m.growth, 1)
    months = {"month": _month(m.month), "month_before": _month(m.month_before)}
    formula = {**months, "arr": money(m.arr, cur), "arr_before": money(m.arr_before, cur)}
    figure = Figure(
        "arr_growth",
        shown,
        m.growth,
        "fraction",
        th.arr_growth_health(m.growth, business=business),
        formula,
        period=t("md.period_months", first=months["month_before"], last=months["month"]),
        basis=t(
            "md.arr_basis",
            customers=number(m.customers),
            customers_before=number(m.customers_before),
            **months,
        ),
    )
    return figure, []


#: Periods a contraction window can be judged in (months -> period of the lines).
_WINDOW_PERIOD = {1: "month", 3: "quarter", 12: "year"}


def _contraction(m, business: str, cur: str) -> tuple[Figure, list[str]] | str:
    if isinstance(m, DataError):
        return calc_text(m)
    if not m.shown:
        return t("md.contraction_cannot")
    if m.months == 0:
        return t("md.contraction_short")
    first, last = _month(m.first_month), _month(m.last_month)
    before = _month(m.first_month - pd.DateOffset(months=1))
    has_share = not math.isnan(m.share)
    shown = pct(m.share) if has_share else t("fmt.not_available")
    formula = {
        "start_month": before,
        "lost": money(m.mrr_lost, cur),
        "mrr_start": money(m.mrr_start, cur),
        "downgrades": number(m.downgrades),
    }
    window = _WINDOW_PERIOD.get(m.months)
    verdict = (
        th.contraction_health(m.share, window, business=business) if has_share and window else None
    )
    note = t(
        "md.contraction_note",
        downgrades=number(m.downgrades),
        customers=number(m.customers),
        lost=money(m.mrr_lost, cur),
    )
    figure = Figure(
        "contraction",
        shown,
        m.share,
        "fraction",
        verdict,
        formula,
        note,
        period=t("md.period_months", first=first, last=last),
        basis=t("md.contraction_basis", paying=number(m.paying)),
    )
    return figure, []


def _repeat(m, business: str) -> tuple[Figure, list[str]]:
    shown = duration(m.median_days, "days")
    formula = {
        "repeat": number(m.repeat_customers),
        "customers": number(m.customers),
        "share": pct(m.share),
    }
    note = t("md.first_repeat_share", share=pct(m.share))
    if m.repeat_customers == 0:
        note = t("md.no_repeat")
    figure = Figure(
        "first_repeat",
        shown,
        m.median_days,
        "days",
        None,
        formula,
        note,
        period=t("md.period_days", first=day(m.first_day), last=day(m.last_day)),
        basis=t("md.repeat_basis", customers=number(m.customers)),
    )
    return figure, [t("md.repeat_caveat")]


def _figures(name: str, business: str, cur: str) -> list[tuple[str, object]]:
    """(key, Figure with extra lines, or a sentence why not) measured for block ``name``."""
    found = _file()
    if found is None:
        return []
    measured = _measure(found[1])
    cur = upload_view.currency_of(found[1], cur)
    out: list[tuple[str, object]] = []
    if name == "first_weeks":
        if "early" in measured:
            out.append(("early_cancel", _early(measured["early"], business)))
        if "repeat" in measured:
            out.append(("first_repeat", _repeat(measured["repeat"], business)))
    elif name == "revenue_more" and "arr" in measured:  # in the order of the typed cards
        out.append(("contraction", _contraction(measured["contraction"], business, cur)))
        out.append(("arr_growth", _arr(measured["arr"], business, cur)))
    return out


def measured(
    name: str, business: str, proposed: bool, cur: str, columns: list, twins: dict[str, int]
) -> None:
    """What the file in use measures for block ``name``, in the grid of its typed cards
    (``columns``): each under its typed twin (``twins``: metric key -> column), a figure
    without one in the column with fewer cards."""
    if name not in ("first_weeks", "revenue_more"):
        return
    found = _file()
    if found is None:
        if name == "first_weeks":
            st.caption(t("md.no_file"))
            st.page_link(UPLOAD_PAGE, label=t("upload.menu"), icon=":material/upload_file:")
    elif found[1].customers is not None and name == "first_weeks":
        st.caption(t("md.file_customers", name=plain(found[0])))
    items = _figures(name, business, cur)
    if items:
        free = len(twins) % len(columns)
        for key, result in items:
            with columns[twins.get(key, free)]:
                if isinstance(result, str):
                    with st.container(border=True, key=f"md_card_{key}"):
                        st.badge(t("md.badge"), icon=":material/description:", color="blue")
                        st.markdown(f"**{t(f'md.{key}')}**")
                        st.caption(result)
                    continue
                figure, extra = result
                _card(key, figure, found[0], proposed, extra)
                _use_button(key, found[1])
    if name == "first_weeks":
        st.caption(t("md.segments"))
        st.page_link(UPLOAD_PAGE, label=t("md.segments_link"), icon=":material/groups:")


def _use_button(key: str, loaded: upload_view.Loaded) -> None:
    """Offer to copy the measured numbers into the typed inputs (early cancellation, ARR)."""
    measured_ = _measure(loaded)
    if key == "early_cancel":
        m = measured_["early"]
        values = {"m_subs_started": m.started, "m_cancel_early": m.cancelled_early}
    elif key == "arr_growth":
        m = measured_["arr"]
        values = {"m_arr_prev": round(m.arr_before, 2), "m_arr_now": round(m.arr, 2)}
    else:
        return
    st.button(
        t(f"md.use_{key}"),
        key=f"md_use_{key}",
        on_click=_use(values),
        help=t("md.use_help"),
        icon=":material/input:",
    )


def _verdict(figure: Figure) -> str:
    health = figure.verdict
    if health is None:
        return ""
    return t(
        "md.sheet_verdict",
        level=t(f"level.{health.level}"),
        threshold=chrome.in_unit(health.rule, health.threshold),
        source=chrome.rule_source(health.rule),
    )


def _value_unit(figure: Figure, cur: str) -> tuple[float, str]:
    if figure.unit == "fraction":
        return figure.value * 100, "%"
    if figure.unit == "days":
        return figure.value, t("md.unit_days")
    if figure.unit == "money":
        return figure.value, cur
    return figure.value, ""


def _row(group: str, figure: Figure, source: str, prefix: str, period: str, cur: str):
    value, unit = _value_unit(figure, cur)
    formula = t(f"{prefix}.{figure.key}_formula", result=figure.shown, **figure.formula)
    return MetricRow(
        group=t(f"mm.group_{group}"),
        metric=t(f"{prefix}.{figure.key}"),
        source=source,
        formula=formula,
        value=value,
        unit=unit,
        period=figure.period or t(f"period.{period}"),
        verdict=_verdict(figure),
        basis=figure.basis,
    )


def sheet_rows(typed: list[tuple[str, Figure]], period: str, cur: str) -> list[MetricRow]:
    """The rows of the Metrics sheet: the typed figures, then those measured in the file."""
    business, _ = state.business()
    rows = [_row(g, f, t("md.source_typed"), "mm", period, cur) for g, f in typed]
    found = _file()
    for group in ("first_weeks", "revenue_more"):
        for _, result in _figures(group, business, cur):
            if isinstance(result, str):
                continue
            figure, extra = result
            if extra:  # the term used, what two orders on one day count as
                figure = replace(figure, basis=" ".join((figure.basis, *extra)))
            source = t("md.source_file", name=found[0])
            rows.append(
                _row(group, figure, source, "md", period, upload_view.currency_of(found[1], cur))
            )
    return rows


def metrics_frame(typed: list[tuple[str, Figure]], period: str, cur: str) -> pd.DataFrame:
    """The Metrics sheet as a table headed in the user's language (built during the run:
    it reads the session, which a download's deferred data function cannot)."""
    headers = tuple((code, t(f"md.col_{code}")) for code in COLUMNS)
    rows = tuple(sheet_rows(typed, period, cur))
    # held while its rows stay the same (their text as key: a missing value, NaN, is never
    # equal to itself): building it, every text neutralised, took 16 ms of each 125 ms
    # rerun of Your data at 1M rows
    return state.held(
        "_md_sheet", (repr(rows), headers), lambda: metrics_sheet(rows, dict(headers))
    )


def sheet() -> dict[str, pd.DataFrame]:
    """The Metrics sheet by its name in the user's language, from this session's inputs and
    file, for the results workbook of Your data."""
    from ui import metrics_more_view  # it imports this module

    period, cur = st.session_state.m_period, st.session_state.cur
    return {t("md.sheet"): metrics_frame(metrics_more_view.figures(period, cur), period, cur)}


def _workbook(name: str, frame: pd.DataFrame) -> bytes:
    return exports.to_xlsx({name: frame})


def download(typed: list[tuple[str, Figure]], period: str, cur: str) -> None:
    """The Metrics workbook to download (its rows gathered now, the file built on click)."""
    st.download_button(
        t("md.download"),
        upload_view.on_click_data(_workbook, t("md.sheet"), metrics_frame(typed, period, cur)),
        file_name="retention_metrics.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="md_xlsx",
        on_click="ignore",
        icon=":material/download:",
    )
    st.caption(t("md.download_note"))
