"""The money that was kept: what the upload report says of platforms, statuses and currency.

:mod:`calc.upload` decides which orders count (order statuses, refunds, orders
over several rows, the amount column, the currency); this module shows what it
decided, in the user's language, and the reading settings that change it:
which statuses count, which column is the amount, which currency.
"""

from __future__ import annotations

import streamlit as st

from calc import upload
from calc.upload.statuses import COUNTED
from ui.format import CURRENCIES, money, number, plain
from ui.i18n import t
from ui.kept_file import Source

AUTO = "auto"
_OF = "up_status_of"  # the file the status choice belongs to


def file_id(name: str, data: Source) -> str:
    """Which file the reading settings belong to (name and size: cheap on every rerun)."""
    return f"{name}:{len(data)}"


def overrides(file: str | None) -> tuple[tuple[str, object], ...]:
    """The reading settings of this module the user changed, as overrides for calc.upload.read.

    The status choice belongs to one file: ``file``, or (None) the last one shown.
    """
    file = file or st.session_state.get("up_status_file")
    chosen: list[tuple[str, object]] = []
    amount = st.session_state.get("up_amount", AUTO)
    if amount != AUTO:
        chosen.append(("mapping", (("amount", amount),)))
    currency = st.session_state.get("up_currency", AUTO)
    if currency != AUTO:
        chosen.append(("currency", currency))
    if st.session_state.get(_OF) == file and "up_statuses" in st.session_state:
        chosen.append(("statuses", tuple(st.session_state.up_statuses)))
    return tuple(chosen)


def _statuses_chosen() -> None:
    st.session_state[_OF] = st.session_state.get("up_status_file")


def settings(report: upload.Report, file: str) -> None:
    """Which statuses count, which column is the amount, which currency: inside the settings."""
    st.session_state["up_status_file"] = file
    columns = st.columns(3)
    amounts = tuple(c for c in (report.amount_column, *report.amount_passed_over) if c)
    if report.shape == "orders" and amounts:
        options = (AUTO, *amounts)
        if st.session_state.get("up_amount", AUTO) not in options:
            st.session_state.up_amount = AUTO
        columns[0].selectbox(
            t("kept.amount_setting"),
            options,
            format_func=lambda v: t("kept.auto") if v == AUTO else v,
            key="up_amount",
            help=t("kept.amount_setting_help"),
        )
    columns[1].selectbox(
        t("kept.currency_setting"),
        (AUTO, *CURRENCIES),
        format_func=lambda v: t("kept.auto") if v == AUTO else v,
        key="up_currency",
        help=t("kept.currency_setting_help"),
    )
    if report.statuses:
        words = [w for w, _ in report.statuses]
        if st.session_state.get(_OF) != file:
            st.session_state.up_statuses = [w for w, cls in report.statuses if cls in COUNTED]
        columns[2].multiselect(
            t("kept.statuses_setting"),
            words,
            key="up_statuses",
            on_change=_statuses_chosen,
            help=t("kept.statuses_setting_help"),
        )


def facts(report: upload.Report) -> list[str]:
    """Lines of the report: the platform, the amount column, the currency and where it was found."""
    out = []
    if report.platform:
        out.append(t("kept.platform", platform=t(f"kept.platform_{report.platform}")))
    if report.amount_column and report.amount_passed_over:
        out.append(
            t(
                "kept.amount_passed_over",
                column=plain(report.amount_column),
                others=", ".join(
                    t("kept.quoted", name=plain(c)) for c in report.amount_passed_over
                ),
            )
        )
    elif report.amount_column:
        out.append(t("kept.amount", column=plain(report.amount_column)))
    if report.currency == "kr":
        out.append(t("kept.currency_kr"))
    elif report.currency:
        out.append(
            t(
                f"kept.currency_{report.currency_source or 'cells'}",
                currency=report.currency,
                column=plain(report.amount_column or ""),
            )
        )
    return out


def not_counted(report: upload.Report, currency: str) -> None:
    """What was not counted as revenue, status by status, with what it was worth."""
    frame = report.not_counted
    if frame is None or frame.empty:
        return
    lines = []
    for row in frame.itertuples(index=False):
        statuses = f" ({plain(row.statuses)})" if row.statuses else ""
        lines.append(
            t(
                f"kept.nc_{row.status_class}",
                orders=number(int(row.orders)),
                money=money(float(row.amount), currency),
                statuses=statuses,
            )
        )
    st.markdown(f"**{t('kept.not_counted')}**\n" + "\n".join(f"- {line}" for line in lines))
