"""The Upload page's parts: reading a file once, the validation report, the results.

Parsing and every number come from :mod:`calc.upload` and :mod:`calc.history`;
this module only caches, lays out and formats. The file's bytes are the cache
key (never a DataFrame, see STYLE.md), and nothing is written to disk.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from calc import exports, history, upload
from calc.business import PROPOSED_BY_SHAPE
from calc.clv import clv_report
from calc.errors import CalcError, DataError
from calc.exports.results_workbook import results_tables
from calc.metrics_more import churn_reasons
from calc.thresholds import churn_health, grr_health, nrr_health
from calc.upload import standby
from ui import charts, chrome, kept_view, segments_view, state
from ui.format import (
    CURRENCIES,
    calc_text,
    currency_symbol,
    day,
    duration,
    localized,
    money,
    number,
    pct,
    plain,
)
from ui.i18n import column_title, language, speaking, t
from ui.kept_file import KeptFile, Source

SAMPLES_DIR = Path(__file__).parents[1] / "samples"
SAMPLES = {
    "orders_european.csv": "upload.sample_european",
    "orders_english.csv": "upload.sample_english",
    "subscriptions.csv": "upload.sample_subscriptions",
    "customers_polish.csv": "upload.sample_customers",
}
FILE_TYPES = ["csv", "tsv", "txt", "xlsx", "xls", "ods"]
AUTO = "auto"
SETTINGS = {
    "up_shape": ("shape", (AUTO, "orders", "customers", "subscriptions")),
    "up_sep": ("sep", (AUTO, ",", ";", "\t", "|")),
    "up_dec": ("decimal", (AUTO, ".", ",")),
    "up_dates": ("date_order", (AUTO, "DMY", "MDY", "YMD")),
}
PERIOD_CODES = {"M": "month", "Q": "quarter", "Y": "year"}


@dataclass(frozen=True, eq=False)
class Loaded:
    """A read file and everything computed from it."""

    upload: upload.Upload
    analysis: history.OrdersAnalysis | None = None
    subscriptions: history.SubscriptionSummary | None = None
    movements: pd.DataFrame | None = None
    customers: history.Headline | None = None


#: This session's file as read: ``(key, Loaded or DataError, source)``. Held in the session,
#: not in a cache shared by every session: it goes when the session goes (Streamlit drops a
#: closed tab's session after server.disconnectedSessionTTL, 120 s), one file per session
#: (the one on screen), and a rerun reads it without unpickling a copy (0.15 s at 1M rows).
_HELD = "_up_held"


def load(source: Source, filename: str, overrides: tuple[tuple[str, object], ...]) -> Loaded:
    """Read and analyse one file, once per session; keyed on its content and the reading
    settings. ``source`` is a kept upload (:class:`~ui.kept_file.KeptFile`) or a sample's bytes.

    A file that cannot be used raises its :class:`DataError` again without being read again.
    """
    held = st.session_state.get(_HELD)
    if held is None or held[2] is not source or held[0][2:] != (filename, overrides):
        kept = isinstance(source, KeptFile)
        digest = source.digest if kept else hashlib.blake2b(source, digest_size=16).digest()
        key = (len(source), digest, filename, overrides)
        if held is not None and held[0] == key:
            held = (key, held[1], source)  # the same content in a new object
        else:
            st.session_state[_HELD] = None  # the last file goes before the next is read
            try:
                result = _analyse(source.data() if kept else source, filename, overrides)
            except DataError as error:
                result = error
            held = (key, result, source)  # a kept file stays packed: its content is not held
        st.session_state[_HELD] = held
    if isinstance(held[1], DataError):
        raise held[1].with_traceback(None)
    return held[1]


def held_key() -> tuple:
    """The key of the file on screen: its length, content hash, name and reading settings.

    :func:`load` computed it once for this file; whatever is held for the file
    in the session (fits, segments) is held under it, with no hashing on a
    rerun. Empty before a file is read.
    """
    held = st.session_state.get(_HELD)
    return held[0] if held else ()


def _analyse(data: bytes, filename: str, overrides: tuple[tuple[str, object], ...]) -> Loaded:
    read = upload.read(data, filename, **dict(overrides))
    if read.shape == "orders":
        return Loaded(read, analysis=history.analyse(read.table))
    if read.shape == "subscriptions":
        return Loaded(
            read,
            subscriptions=history.subscription_summary(read.table),
            movements=history.mrr_movements(read.table),
        )
    return Loaded(read, customers=history.customers_headline(read.table))


@st.cache_data(max_entries=8, show_spinner=False)
def sample_bytes(name: str) -> bytes:
    """A shipped example file."""
    return (SAMPLES_DIR / name).read_bytes()


def source() -> tuple[str, Source] | None:
    """The uploader and the sample picker; returns (file name, content) to read: a kept
    upload (packed: :mod:`ui.kept_file`) or a sample's bytes.

    An uploaded file is kept for the session (``up_kept``) and serves every
    page that reads data, Your data and Forecast alike, until the user
    removes it or drops another. The uploader itself is emptied as soon as
    its file is kept (a new key, ``up_file_<n>``): Streamlit copies a
    widget's value on every run, and an uploader holding a 170 MB file cost
    70-100 ms and 170 MB on each rerun of the page.
    """
    s = st.session_state
    generation = s.up_generation
    st.file_uploader(
        t("upload.file"),
        type=FILE_TYPES,
        key=f"up_file_{generation}",
        help=t("upload.file_help"),
        on_change=_file_changed,
        args=(generation,),
    )
    if s.up_kept is None:
        standby.prepare()  # a worker made ready while the person picks a file
    else:
        note, remove = st.columns([4, 1], vertical_alignment="center")
        note.info(
            t("journeys.file_in_use", name=plain(s.up_kept[0])), icon=":material/description:"
        )
        remove.button(
            t("journeys.remove_file"),
            key="up_remove",
            on_click=_remove_file,
            icon=":material/close:",
        )
    st.pills(
        t("upload.samples"),
        list(SAMPLES),
        format_func=lambda name: t(SAMPLES[name]),
        key="up_sample",
        help=t("upload.samples_help"),
        persist_state="session",
    )
    st.caption(t("upload.privacy", limit=number(upload.MAX_UPLOAD_MB)))
    if s.up_kept is not None:
        return s.up_kept
    if s.up_sample:
        return s.up_sample, sample_bytes(s.up_sample)
    st.session_state.pop(_HELD, None)  # the file was removed: let its results go
    return None


def _file_changed(generation: int) -> None:
    """A file was dropped on the uploader: keep it, and give the next run an empty uploader.

    Streamlit's store of uploads holds a file until the browser deletes it from its
    uploader or the session ends; an uploader that is replaced deletes nothing. So the
    kept file leaves that store here: the session holds it once, packed.
    """
    s = st.session_state
    dropped = s.get(f"up_file_{generation}")
    if dropped is not None:
        s.up_kept = (dropped.name, KeptFile.of(dropped.getvalue()))
        s.up_generation = generation + 1
        ctx = get_script_run_ctx()
        if ctx is not None:
            ctx.uploaded_file_mgr.remove_file(ctx.session_id, dropped.file_id)


def _remove_file() -> None:
    st.session_state.up_kept = None


def current_churn() -> float | None:
    """The headline yearly churn of the file or sample in this session, without drawing anything.

    ``None`` when no order log is at hand (none chosen, another shape, or a
    file that cannot be read) or when it is too short for a yearly churn.
    """
    kept = st.session_state.get("up_kept")
    name = st.session_state.get("up_sample")
    try:
        if kept is not None:
            loaded = load(kept[1], kept[0], overrides())
        elif name in SAMPLES:
            loaded = load(sample_bytes(name), name, overrides())
        else:
            return None
    except DataError:
        return None
    if loaded.analysis is None or not loaded.analysis.churn.measured:
        return None
    return loaded.analysis.churn.churn


def overrides(file: str | None = None) -> tuple[tuple[str, object], ...]:
    """The reading settings the user changed from "automatic" (for ``file``; default the last
    file the settings were shown for, as on the Forecast page)."""
    chosen = []
    for key, (name, _) in SETTINGS.items():
        value = st.session_state.get(key, AUTO)
        if value != AUTO:
            chosen.append((name, value))
    return (*chosen, *kept_view.overrides(file))


def settings(report: upload.Report | None, file: str) -> None:
    """Reading settings, each "automatic" unless the user forces it."""
    with st.expander(t("upload.settings"), expanded=st.session_state.up_dates != AUTO):
        columns = st.columns(len(SETTINGS))
        for column, (key, (_, options)) in zip(columns, SETTINGS.items(), strict=True):
            column.selectbox(
                t(f"upload.{key}"),
                options,
                format_func=lambda v, key=key: t(f"upload.{key}_{_option_key(v)}"),
                key=key,
            )
        if report is not None:
            kept_view.settings(report, file)
            if len(report.sheet_names) > 1:
                names = ", ".join(map(plain, report.sheet_names[:20]))
                st.caption(t("upload.sheets", sheets=names))


def _setting_text(key: str, value: str | None) -> str:
    """How a reading setting the file was read with is named in the settings (``semicolon ;``)."""
    return t(f"upload.{key}_{_option_key(value)}") if value else t("fmt.not_available")


def _option_key(value: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe", ".": "dot"}.get(
        value, value.lower()
    )


def show_error(error: DataError) -> None:
    """A file that cannot be used: the message, and where in the file."""
    st.error(calc_text(error), icon=":material/error:")
    details = []
    if error.column:
        details.append(t("upload.error_column", column=plain(error.column)))
    if error.rows:
        details.append(t("upload.error_rows", rows=", ".join(map(str, error.rows[:10]))))
    if error.example:
        details.append(t("upload.error_example", example=plain(error.example)))
    if details:
        st.caption(" · ".join(details))
    if isinstance(error, upload.AmbiguousDateOrderError):
        st.info(t("upload.ask_date_order"), icon=":material/calendar_month:")


def report(loaded: Loaded, currency: str) -> None:
    """The validation report: what was read, what was skipped and why, what was not counted."""
    r = loaded.upload.report
    with st.container(border=True):
        st.subheader(t("upload.report"))
        a, b, c, d = st.columns(4)
        a.metric(t("upload.rows_read"), number(r.rows_read))
        b.metric(t("upload.rows_used"), number(r.rows_used))
        c.metric(t("upload.rows_skipped"), number(r.rows_skipped))
        d.metric(t("upload.shape"), t(f"upload.shape_{r.shape}"))
        facts = [
            t("upload.fact_format", format=r.file_format.upper())
            + (" " + t("upload.fact_sheet", sheet=plain(r.sheet)) if r.sheet else ""),
            t(
                "upload.fact_reading",
                sep=_setting_text("up_sep", r.separator),
                decimal=_setting_text("up_dec", r.decimal),
                dates=_setting_text("up_dates", r.date_order),
                encoding=r.encoding or t("fmt.not_available"),
            ),
        ]
        if r.date_min is not None:
            facts.append(
                t(
                    "upload.fact_dates",
                    first=day(r.date_min),
                    last=day(r.date_max),
                )
            )
        facts.extend(kept_view.facts(r))
        if r.refund_rows:
            facts.append(t("upload.fact_refunds", rows=number(r.refund_rows)))
        st.markdown("\n".join(f"- {fact}" for fact in facts))
        kept_view.not_counted(r, currency)
        for warning in r.warnings:
            st.warning(calc_text(warning), icon=":material/warning:")
        mapping = pd.DataFrame(
            {
                t("upload.mapping_ours"): list(loaded.upload.mapping),
                t("upload.mapping_file"): list(loaded.upload.mapping.values()),
            }
        )
        with st.expander(t("upload.mapping")):
            st.dataframe(mapping, hide_index=True)
        if r.rows_skipped:
            skipped = r.skipped.assign(reason=r.skipped["reason"].map(_reason_texts()))
            st.markdown(f"**{t('upload.skipped_first')}**")
            table(skipped, 5)
            st.download_button(
                t("upload.skipped_download"),
                on_click_data(csv_file, skipped),
                file_name="skipped_rows.csv",
                mime="text/csv",
                key="up_skipped_csv",
                on_click="ignore",
            )


def _reason_texts() -> dict[str, str]:
    """Why a row was skipped, by its code, in the current language."""
    return {code: calc_text(reason) for code, reason in upload.SKIP_REASONS.items()}


def table(frame: pd.DataFrame, rows: int | None = None) -> None:
    """A result table: numbers as the language writes them, shares as percentages,
    dates without time."""
    config, kinds = {}, {}
    for column in frame.columns:
        label = column_title(column)
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            config[column] = st.column_config.DateColumn(label, format="YYYY-MM-DD")
            continue
        config[column] = st.column_config.Column(label)
        if column.endswith(("_rate", "_pct", "share")) or column in ("grr", "nrr"):
            kinds[column] = "percent"
        elif pd.api.types.is_float_dtype(frame[column]):
            kinds[column] = "decimal"
        elif pd.api.types.is_integer_dtype(frame[column]) and not _is_id(column):
            kinds[column] = "count"
    shown = frame if rows is None else frame.head(rows)
    st.dataframe(localized(shown, kinds), hide_index=True, column_config=config)


# ------------------------------------------------------------------ downloads
# Every download is built when it is clicked, never on a rerun (a 1M-row log's CSVs took
# 0.58 s a rerun when built eagerly), and a click does not rerun the page.


def on_click_data(build: Callable[..., bytes], *args: object) -> Callable[[], bytes]:
    """``build(*args)`` as the data of a download button: run on click, in this run's language.

    Streamlit calls the function after the run, from its own thread, where
    :func:`ui.i18n.t` would otherwise read the language of whichever session
    ran last in the process.
    """
    code = language()

    def data() -> bytes:
        with speaking(code):
            return build(*args)

    return data


def csv_file(frame: pd.DataFrame) -> bytes:
    """A result table as a CSV download, headed in the user's language."""
    return exports.to_csv(frame.rename(columns=column_title))


def customers_csv(analysis: history.OrdersAnalysis) -> bytes:
    """Every customer of an order log as a CSV download (the workbook stops at Excel's rows)."""
    return csv_file(analysis.customers)


def workbook_sheets(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``calc``'s result tables as workbook sheets named and headed in the user's language.

    A breakdown's sheet is named for its column in the language too ("Etter
    kategori", not "Etter category"); a column without a text of its own (one
    the file named) keeps its name.
    """
    sheets = {}
    for code, frame in tables.items():
        if code.startswith("by "):
            column = code.removeprefix("by ")
            try:
                name = t(f"exports.sheet_by_{column}")
            except KeyError:
                name = t("sheet.by", column=column_title(column))
        else:
            name = t(f"sheet.{code}")
        if "measure" in frame.columns:
            frame = frame.assign(measure=frame["measure"].map(column_title))
        sheets[name] = frame.rename(columns=column_title)
    return sheets


def results_workbook(
    analysis: history.OrdersAnalysis,
    segmented: tuple | Callable[[], tuple | None] | None = None,
    metrics: dict[str, pd.DataFrame] | None = None,
) -> bytes:
    """Every table of an order log as one workbook; a sheet cut at Excel's rows says so.

    ``segmented``: what :func:`ui.segments_view.show` returned, for its segment sheets,
    or (Segments tab closed) :func:`ui.segments_view.later`, which makes them;
    ``metrics``: the sheet of the Retention metrics page.
    """
    if callable(segmented):
        segmented = segmented()
    parts = [analysis.tables()]
    if segmented is not None:
        parts.append(segments_view.workbook_tables(*segmented))
    sheets = {**workbook_sheets(results_tables(*parts)), **(metrics or {})}
    notes = {
        name: t(
            "exports.rows_cut",
            shown=number(exports.MAX_DATA_ROWS),
            total=number(len(frame)),
        )
        for name, frame in sheets.items()
        if len(frame) > exports.MAX_DATA_ROWS
    }
    return exports.to_xlsx(sheets, notes, max_rows=exports.MAX_DATA_ROWS)


def _metrics_sheet() -> dict[str, pd.DataFrame]:
    """The Metrics sheet (typed and measured retention metrics) for the results workbook."""
    from ui import metrics_data_view  # it reads the file through this module

    return metrics_data_view.sheet()


def _is_id(column: str) -> bool:
    """Row numbers and customer numbers are names, not amounts: no digit grouping."""
    return column == "row" or column.endswith("_id")


def currency_of(loaded: Loaded, chosen: str, file: str | None = None) -> str:
    """The file's own currency when it names one we format, else the one chosen.

    With ``file``, the sidebar's currency follows a new file (once, then the
    user's choice there stands): the page runs again with it set.
    """
    found = loaded.upload.report.currency
    if found not in CURRENCIES:
        return chosen
    if file is None:
        return found
    seen = f"{file}:{found}"
    if st.session_state.get("up_cur_of") != seen:
        st.session_state.up_cur_of = seen
        if found != chosen:
            st.session_state.cur = found
            st.rerun()  # so that the sidebar shows it too
    return chosen


def _download(name: str, frame: pd.DataFrame) -> None:
    st.download_button(
        t("upload.download_csv"),
        on_click_data(csv_file, frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"up_csv_{name}",
        on_click="ignore",
    )


def orders_results(loaded: Loaded, currency: str) -> None:
    """Everything measured from an order log, in tabs."""
    a = loaded.analysis
    h = a.headline
    row1 = st.columns(4)
    row1[0].metric(t("upload.customers"), number(h.customers))
    row1[1].metric(t("upload.orders"), number(h.orders))
    row1[2].metric(t("upload.revenue"), money(h.revenue, currency))
    row1[3].metric(t("upload.aov"), money(h.aov, currency))
    row2 = st.columns(4)
    row2[0].metric(t("upload.frequency"), number(h.purchase_frequency, 2))
    row2[1].metric(t("upload.repeat"), pct(h.repeat_purchase_rate))
    row2[2].metric(t("upload.median_gap"), duration(h.median_days_between_purchases, "days", 0))
    row2[3].metric(t("upload.return_rate"), pct(h.return_rate))
    st.caption(t("upload.headline_note", days=number(h.days)))
    churn_panel(loaded)

    tabs = st.tabs(
        [
            t(f"upload.tab_{name}")
            for name in ("retention", "cohorts", "gaps", "clv", "risk", "breakdown", "segments")
        ],
        key="up_tab",
        on_change="rerun",  # so that the Segments tab is computed only when open
    )
    with tabs[0]:
        _retention(a)
    with tabs[1]:
        _cohorts(a)
    with tabs[2]:
        charts.draw(
            charts.histogram,
            {"bins": gap_bins(a.gaps)},
            x_title=t("upload.gap_x"),
            y_title=t("upload.gap_y"),
        )
        st.caption(t("upload.gap_note"))
        _download("time_between_purchases", a.gaps)
    with tabs[3]:
        _clv(a, currency)
    with tabs[4]:
        st.markdown(t("upload.risk_intro", factor=number(history.AT_RISK_FACTOR, 1)))
        table(a.at_risk, 200)
        _download("at_risk", a.at_risk)
    with tabs[5]:
        if a.breakdowns:
            column = st.selectbox(
                t("upload.breakdown_by"),
                list(a.breakdowns),
                format_func=breakdown_name,
                key="up_breakdown",
            )
            table(a.breakdowns[column])
            _download(f"by_{column}", a.breakdowns[column])
        else:
            st.info(t("upload.no_breakdown"))
    with tabs[6]:
        if tabs[6].open:
            segmented = segments_view.show(loaded, currency)
        else:  # computed when opened; the workbook makes its sheets on click
            segmented = segments_view.later(loaded)
    st.download_button(
        t("upload.download_all"),
        on_click_data(results_workbook, a, segmented, _metrics_sheet()),
        file_name="retention_results.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="up_xlsx",
        type="primary",
        on_click="ignore",
    )
    st.download_button(
        t("exports.download_customers"),
        on_click_data(customers_csv, a),
        file_name="customers.csv",
        mime="text/csv",
        key="up_csv_customers",
        on_click="ignore",
    )


def business_of(loaded: Loaded) -> tuple[str, bool]:
    """The kind of business a file is judged as: the user's pick, else what its shape suggests."""
    return state.business(PROPOSED_BY_SHAPE.get(loaded.upload.report.shape))


def churn_panel(loaded: Loaded, alive_next_year: float | None = None) -> None:
    """The one churn of an order log, stated in words, judged, with customers lapsed beside it.

    ``alive_next_year``: the BG/NBD share of today's customers still active a
    year on, when the Forecast page has fitted the models.
    """
    a = loaded.analysis
    y, h = a.churn, a.headline
    with st.container(border=True, key="churn_panel"):
        st.subheader(t("datachurn.title"))
        left, middle, right = st.columns(3)
        left.metric(
            t("datachurn.metric"),
            pct(y.churn) if y.measured else t("fmt.not_available"),
            help=t("datachurn.metric_help"),
        )
        gone = _lapsed(a)
        middle.metric(t("datachurn.lapsed"), pct(gone.share), help=t("datachurn.lapsed_help"))
        if alive_next_year is None:
            right.caption(t("datachurn.model_note"))
        else:
            right.metric(t("datachurn.model"), pct(alive_next_year), help=t("datachurn.model_help"))
        if y.measured:
            text = t(
                "datachurn.definition",
                buyers=number(y.buyers),
                lost=number(y.lost),
                a0=day(y.first_start),
                a1=day(y.first_end),
                b0=day(y.second_start),
                b1=day(y.second_end),
            )
            if y.first_days < history.YEAR_DAYS:
                text += " " + t(
                    "datachurn.short_first", days=number(y.first_days), a0=day(y.first_start)
                )
            st.markdown(text)
            business, proposed = business_of(loaded)
            chrome.health(churn_health(y.churn, "year", business=business), proposed)
        else:
            st.info(_why_no_churn(y, h.days), icon=":material/schedule:")
        _lapsed_settings(a, gone)


def _why_no_churn(y: history.YearlyChurn, days: int) -> str:
    """Why a file has no yearly churn: too short, or nobody bought in the first window
    (a file of orders decades apart was told it needed 18 months)."""
    if y.first_days:
        return t("datachurn.no_buyers", a0=day(y.first_start), a1=day(y.first_end))
    return t("datachurn.too_short", days=number(days))


def _lapsed(a: history.OrdersAnalysis) -> history.Lapsed:
    s = st.session_state
    days = s.get("up_lapsed_days") or history.YEAR_DAYS
    window = days if s.get("up_lapsed_by") == "window" and days > 0 else None
    key = (held_key(), window)
    return state.held("_up_lapsed", key, lambda: history.lapsed(a.customers, window_days=window))


def _lapsed_settings(a: history.OrdersAnalysis, gone: history.Lapsed) -> None:
    values = {
        "count": number(gone.customers),
        "customers": number(a.headline.customers),
        "share": pct(gone.share),
    }
    if gone.window_days is None:
        st.caption(
            t(
                "datachurn.lapsed_rhythm",
                factor=number(gone.factor, 1),
                days=number(gone.once_days),
                **values,
            )
        )
    else:
        st.caption(t("datachurn.lapsed_window", days=number(gone.window_days), **values))
    left, right = st.columns(2)
    left.segmented_control(
        t("datachurn.lapsed_by"),
        ["rhythm", "window"],
        format_func=lambda k: t(f"datachurn.lapsed_by_{k}"),
        key="up_lapsed_by",
        required=True,
    )
    if st.session_state.up_lapsed_by == "window":
        right.number_input(
            t("datachurn.lapsed_days"),
            min_value=1.0,
            step=30.0,
            format="%.0f",
            key="up_lapsed_days",
        )


def gap_bins(gaps: pd.DataFrame) -> pd.DataFrame:
    """The purchase-gap histogram's bins (``bin``, ``count``) named in the user's language
    from their day limits (``1-7 days`` reads ``1-7 dager`` in Norwegian, with an en dash)."""
    names = [
        t("journeys.gap_range", low=low, high=high)
        if not pd.isna(high)
        else t("journeys.gap_over", days=low - 1)
        for low, high in zip(gaps["from_days"], gaps["to_days"], strict=True)
    ]
    return pd.DataFrame({"bin": names, "count": gaps["gaps"].to_numpy()})


def breakdown_name(column: str) -> str:
    """A breakdown column (``category``, ``tier``) in the user's language; a file's own
    column name as it is."""
    try:
        return t(f"journeys.breakdown_{column}")
    except KeyError:
        return column


def _retention(a: history.OrdersAnalysis) -> None:
    code = st.segmented_control(
        t("upload.period"),
        list(PERIOD_CODES),
        format_func=lambda c: t(f"period.{PERIOD_CODES[c]}"),
        key="up_period",
        required=True,
    )
    rates = a.retention[code]
    measured = rates.dropna(subset=["churn_rate"])
    if measured.empty:
        st.info(t("upload.too_short", period=t(f"period.{PERIOD_CODES[code]}")))
        return
    churned, active = measured["churned"].sum(), measured["active"].sum()
    pooled = churned / active if active else math.nan
    name = t(f"period.{PERIOD_CODES[code]}")
    st.metric(  # detail only: never annualised, never judged (the headline churn is yearly)
        t("datachurn.monthly_detail", period=name),
        pct(pooled),
        help=t("datachurn.monthly_detail_help", period=name),
    )
    charts.draw(
        charts.rate_over_time,
        {"rates": measured.rename(columns={"churn_rate": "rate"})[["label", "rate"]]},
        x_title=t("upload.period_axis"),
        y_title=t("upload.churn_axis"),
        rate_title=t("upload.churn_axis"),
    )
    st.caption(t("upload.churn_definition"))
    table(rates)
    _download(f"retention_{PERIOD_CODES[code]}", rates)


def _cohorts(a: history.OrdersAnalysis) -> None:
    left, right = st.columns(2)
    measure = left.segmented_control(
        t("upload.cohort_measure"),
        ["customers", "revenue"],
        format_func=lambda m: t(f"upload.cohort_{m}"),
        key="up_cohort_measure",
        required=True,
    )
    as_share = right.toggle(t("upload.cohort_percent"), key="up_cohort_pct")
    column = f"{measure}_pct" if as_share else measure
    data = a.cohorts[["label", "months_since_first", column]].rename(columns={column: "value"})
    charts.draw(
        charts.cohort_heatmap,
        {"cohorts": data},
        x_title=t("upload.cohort_x"),
        y_title=t("upload.cohort_y"),
        value_title=t(f"upload.cohort_{measure}"),
        percent=as_share,
    )
    st.caption(t("upload.cohort_note"))
    _download("cohorts", a.cohorts)


def _clv(a: history.OrdersAnalysis, currency: str) -> None:
    c = a.clv
    historic = a.customers["historic_clv"]
    mean, median = state.held(
        "_up_historic", held_key(), lambda: (historic.mean(), historic.median())
    )
    left, right = st.columns(2)
    with left, st.container(border=True):
        st.markdown(f"**{t('upload.historic_clv')}**")
        st.metric(t("upload.historic_mean"), money(mean, currency))
        st.metric(t("upload.historic_median"), money(median, currency))
        st.caption(t("upload.historic_note"))
    with right, st.container(border=True):
        st.markdown(f"**{t('upload.formula_clv')}**")
        if math.isnan(c.annual_churn):
            st.info(_why_no_churn(a.churn, c.days), icon=":material/schedule:")
            return
        try:
            report = clv_report(
                c.aov,
                c.purchases_per_year,
                state.calc_value("margin"),
                state.calc_value("disc"),
                state.calc_value("cac"),
                churn_rate=c.annual_churn,
            )
        except CalcError as error:
            st.warning(t("upload.formula_failed", reason=calc_text(error)), icon=":material/info:")
            return
        st.metric(t("clv.margin_clv"), money(report.discounted_margin_clv, currency))
        st.metric(t("clv.revenue_clv"), money(report.revenue_clv, currency))
        st.caption(
            t(
                "upload.formula_note",
                aov=money(c.aov, currency),
                freq=number(c.purchases_per_year, 2),
                churn=pct(report.annual_churn),
                margin=pct(state.calc_value("margin"), 0),
                disc=pct(state.calc_value("disc"), 0),
            )
        )
        st.button(
            t("upload.use_on_clv"),
            on_click=state.use_measured_clv_inputs,
            args=(c.aov, c.purchases_per_year, report.annual_churn),
            kwargs={**_customers_of(a), "proposed": PROPOSED_BY_SHAPE["orders"]},
            key="up_use_clv",
        )
    st.markdown(t("upload.clv_why"))


def _customers_of(a: history.OrdersAnalysis) -> dict[str, float]:
    """The What-if page's assumptions as the file shows them: customers, and new ones a year
    (customers over the years the file covers, at least one)."""
    h = a.headline
    years = max(1.0, h.days / 365.25)
    return {"customers": h.customers, "new_per_year": h.customers / years}


def subscription_results(loaded: Loaded, currency: str) -> None:
    """MRR, NRR, GRR and the MRR movements of a subscription table."""
    s, moves = loaded.subscriptions, loaded.movements
    a, b, c, d, e = st.columns(5)
    a.metric(t("upload.mrr"), money(s.mrr, currency))
    b.metric(t("upload.arr"), money(s.arr, currency))
    c.metric(t("upload.subscribers"), number(s.customers))
    d.metric(t("upload.nrr"), pct(s.nrr_12m))
    e.metric(t("upload.grr"), pct(s.grr_12m))
    if not math.isnan(s.nrr_12m):
        business, proposed = business_of(loaded)
        left, right = st.columns(2)
        with left:
            chrome.health(nrr_health(s.nrr_12m, "year", business=business), proposed)
        with right:
            chrome.health(grr_health(s.grr_12m, "year", business=business), proposed)
    kinds = {
        k: t(f"upload.move_{k}")
        for k in ("new", "reactivation", "expansion", "contraction", "churn")
    }
    long = moves.melt(id_vars="label", value_vars=list(kinds), var_name="kind", value_name="amount")
    signs = long["kind"].isin(["contraction", "churn"]).map({True: -1, False: 1})
    long = long.assign(amount=long["amount"].abs() * signs, kind=long["kind"].map(kinds))
    charts.draw(
        charts.movements,
        {"moves": long},
        x_title=t("upload.month_axis"),
        y_title=t("upload.mrr_axis", currency=currency_symbol(currency)),
        kinds=tuple(kinds.values()),
    )
    table(moves)
    _download("mrr_movements", moves)
    if "reason" in loaded.upload.table.columns:  # why they cancelled, most MRR lost first
        reasons = churn_reasons(loaded.upload.table)
        if len(reasons):
            st.subheader(t("mm.reasons_title"))
            st.caption(t("mm.reasons_intro", currency=currency))
            table(reasons.replace({"churn_reason": {"": t("mm.no_reason")}}))
            _download("churn_reasons", reasons)


def customer_results(loaded: Loaded, currency: str) -> None:
    """Headline numbers of a one-row-per-customer table."""
    h = loaded.customers
    a, b, c, d = st.columns(4)
    a.metric(t("upload.customers"), number(h.customers))
    b.metric(t("upload.orders"), number(h.orders))
    c.metric(t("upload.revenue"), money(h.revenue, currency))
    d.metric(t("upload.repeat"), pct(h.repeat_purchase_rate))
    table(loaded.upload.table, 500)
