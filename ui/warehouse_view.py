"""The "Connect a database" panel of Your data: summaries computed where the orders live.

The connection comes from ``st.connection(name, type="sql")`` with its
credentials in ``.streamlit/secrets.toml`` (``[connections.<name>]``, see
README); nothing here shows, logs or links them. The panel takes a table name
or a SQL query and the same column mapping as an upload (customer, date,
amount), and :mod:`calc.warehouse` runs the per-customer summary, the monthly
retention counts and the cohort table on the database: only those summaries
travel. Results are held in this session and computed on the button's click
only, never on a rerun.

The Forecast page uses a connected table as it uses an uploaded file
(:func:`in_use`): the click also brings back the summary the models fit (paid
orders, in weeks). A file or sample chosen after the click takes over again.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy.exc
import streamlit as st
from streamlit.errors import StreamlitAPIException

from calc import warehouse
from calc.errors import DataError
from calc.warehouse.sources import from_sqlalchemy
from ui import upload_view
from ui.format import calc_text, number, pct, plain
from ui.i18n import t

#: This session's last database result: ``(request, results or DataError)``.
_HELD = "_wh_held"
#: How many times this session has summarised a database (a key for the Forecast page's fit).
_RUNS = "_wh_runs"
#: The time unit of the summary the Forecast page fits (``forecast_fit.UNIT``).
FORECAST_UNIT = "W"
#: The standard columns and the widget key of each one's column name.
MAPPING = {"customer_id": "wh_customer", "date": "wh_date", "amount": "wh_amount"}


def connections() -> list[str]:
    """Names of the SQL connections configured in ``secrets.toml`` (``[connections.<name>]``)."""
    try:
        configured = st.secrets.get("connections", {})
    except FileNotFoundError:  # no secrets.toml at all
        return []
    return sorted(configured)


def _request() -> tuple:
    s = st.session_state
    source = s.get("wh_table", "") if s.get("wh_kind", "table") == "table" else ""
    sql = s.get("wh_sql", "") if s.get("wh_kind", "table") == "sql" else ""
    mapping = tuple((name, s.get(key) or name) for name, key in MAPPING.items())
    return (s.get("wh_conn"), source.strip(), sql.strip(), mapping)


def _run() -> None:
    """Button callback: open the connection, summarise on the database, hold the result."""
    request = _request()
    name, table, sql, mapping = request
    try:
        try:
            # the section's settings passed on as they are: st.connection reads the same
            # secrets, but through a handle that AppTest's secrets do not reach
            settings = dict(st.secrets["connections"][name])
            settings.pop("create_engine_kwargs", None)  # st.connection reads these itself
            url = st.connection(name, type="sql", **settings).engine.url
        except (
            StreamlitAPIException,
            sqlalchemy.exc.SQLAlchemyError,
            ImportError,
            TypeError,
            ValueError,
        ):
            # the configuration itself is wrong; its text may quote the URL, so it is not shown
            raise DataError("warehouse.cannot_connect", engine=name) from None
        orders = warehouse.open_table(from_sqlalchemy(url), table=table or None, sql=sql or None)
        columns = dict(mapping)
        result = {
            "summary": warehouse.summarize(orders, unit="D", columns=columns),
            "retention": warehouse.retention(orders, "M", columns=columns),
            "cohorts": warehouse.cohorts(orders, columns=columns),
        }
        result["paid"] = _paid_summary(orders, columns)
    except DataError as error:
        result = error
    runs = st.session_state.get(_RUNS, 0) + 1
    st.session_state[_RUNS] = runs
    st.session_state[_HELD] = (request, result, _file_choice(), runs)


def _paid_summary(orders, columns: dict[str, str]):
    """The summary the Forecast page's models fit: paid orders only, in weeks (or why not)."""
    paid = orders.filter(orders[columns["amount"]] > 0)
    try:
        return warehouse.summarize(paid, unit=FORECAST_UNIT, columns=columns)
    except DataError as error:
        return error


def _file_choice() -> tuple:
    """The file or sample chosen in this session (name and size), to see whether it changes."""
    s = st.session_state
    kept = s.get("up_kept")
    return (kept[0], len(kept[1])) if kept else None, s.get("up_sample")


def in_use() -> tuple | None:
    """The database summary the Forecast page uses, with a note and a way back to files.

    A table connected on Your data is used until a file or sample is chosen
    after it (or the button here lets it go), as an upload is used until it is
    removed.

    Returns
    -------
    tuple or None
        ``(key, summary, spent)``: a key that changes with every new result,
        the per-customer summary of paid orders in weeks, and each customer's
        net spend to date (all rows, by customer id); ``None`` when no table is
        connected, a file was chosen since, or the summary could not be made
        (then its message is shown).
    """
    held = st.session_state.get(_HELD)
    if held is None or isinstance(held[1], DataError) or held[2] != _file_choice():
        return None
    request, result, _, runs = held
    _, table, _, _ = request
    note, back = st.columns([4, 1], vertical_alignment="center")
    note.info(
        t(
            "wh_more.in_use",
            source=plain(table) if table else t("wh.kind_sql"),
            connection=plain(request[0]),
        ),
        icon=":material/database:",
    )
    back.button(t("wh_more.use_file"), key="wh_forget", on_click=_forget, icon=":material/close:")
    paid = result["paid"]
    if isinstance(paid, DataError):
        st.error(calc_text(paid), icon=":material/error:")
        return None
    everything = result["summary"]
    spent = pd.Series(everything.total_value, index=pd.Index(everything.customer_id))
    return runs, paid, spent


def _forget() -> None:
    st.session_state.pop(_HELD, None)


def panel() -> None:
    """The panel, in an expander under the uploader (closed until a result is held)."""
    held = st.session_state.get(_HELD)
    with st.expander(t("wh.title"), icon=":material/database:", expanded=held is not None):
        names = connections()
        if not names:
            st.info(t("wh.none"), icon=":material/key:")
            st.code(t("wh.example"), language="toml")
            return
        st.selectbox(t("wh.connection"), names, key="wh_conn", help=t("wh.connection_help"))
        kind = st.segmented_control(
            t("wh.kind"),
            ["table", "sql"],
            format_func=lambda k: t(f"wh.kind_{k}"),
            key="wh_kind",
            default="table",
            required=True,
        )
        if kind == "sql":
            st.text_area(t("wh.sql"), key="wh_sql", placeholder="SELECT * FROM orders")
        else:
            st.text_input(t("wh.table"), key="wh_table", placeholder="orders")
        cols = st.columns(3)
        for column, (name, key) in zip(cols, MAPPING.items(), strict=True):
            column.text_input(t(f"wh.column_{name}"), key=key, placeholder=name)
        st.button(t("wh.run"), key="wh_run", on_click=_run, type="primary")
        st.caption(t("wh.privacy"))
        if held is not None:
            _results(*held[:2])


def _results(request: tuple, result) -> None:
    if isinstance(result, DataError):
        st.error(calc_text(result), icon=":material/error:")
        return
    summary, rates, cohorts = result["summary"], result["retention"], result["cohorts"]
    repeat = (summary.frequency > 0).mean() if summary.n_customers else 0.0
    a, b, c = st.columns(3)
    a.metric(t("wh.customers"), number(summary.n_customers))
    b.metric(t("wh.repeat"), pct(repeat))
    c.metric(t("wh.revenue"), number(float(summary.total_value.sum())))
    _, table, _, mapping = request
    st.caption(
        t(
            "wh.read",
            source=plain(table) if table else t("wh.kind_sql"),
            mapping=", ".join(f"{ours} ← {plain(theirs)}" for ours, theirs in mapping),
            last=str(summary.observation_end),
        )
    )
    st.caption(t("wh_more.forecast_note"))
    st.markdown(f"**{t('wh.retention')}**")
    upload_view.table(rates)
    st.markdown(f"**{t('wh.cohorts')}**")
    upload_view.table(cohorts)
