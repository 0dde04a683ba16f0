"""The rest of the retention metrics on the Retention metrics page (``calc.metrics_more``).

Four blocks: first weeks (time to value, activation, early cancellation),
satisfaction (CSAT, support backlog), revenue (contraction, ARR growth) and
growth (virality). Each block has its inputs on the left and its cards on
the right; a card whose inputs are empty is not drawn, and a ``calc`` error
is shown under the input at fault with everything typed kept.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from calc import metrics_more as mm
from calc import thresholds as th
from calc.errors import InputError
from ui import chrome, metrics_data_view, state
from ui.fields import Form
from ui.format import duration, money, number, pct, signed_pct
from ui.i18n import t
from ui.metrics_data_view import Figure

#: Blocks of the page: name and its inputs (``"text"`` marks a pasted list).
BLOCKS: dict[str, tuple[tuple[str, str], ...]] = {
    "first_weeks": (
        ("m_ttv", "text"),
        ("m_signups", "number"),
        ("m_activated", "number"),
        ("m_subs_started", "number"),
        ("m_cancel_early", "number"),
    ),
    "satisfaction": (("m_csat", "text"), ("m_tickets", "number"), ("m_ticket_age", "text")),
    "revenue_more": (("m_downgrades", "number"), ("m_arr_prev", "number"), ("m_arr_now", "number")),
    "growth_viral": (
        ("m_vir_base", "number"),
        ("m_vir_inv", "number"),
        ("m_vir_conv", "number"),
        ("m_vir_cycles", "number"),
    ),
}


def _given(*keys: str) -> bool:
    """Whether every input is filled in (a text with more than blanks)."""
    for key in keys:
        value = st.session_state.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return False
    return True


def _listed(values: list[float], limit: int = 12) -> str:
    shown = ", ".join(number(x, 2) for x in sorted(values)[:limit])
    return shown + (", …" if len(values) > limit else "")


def _card(figure: Figure, proposed: bool) -> None:
    key = figure.key
    with st.container(border=True):
        st.metric(t(f"mm.{key}"), figure.shown, help=t(f"mm.{key}_help"))
        if figure.note:
            st.caption(figure.note)
        chrome.health(figure.verdict, proposed)
        with st.expander(t("app.how_calculated")):
            st.markdown(t(f"mm.{key}_formula", result=figure.shown, **figure.formula))


def _safe(form: Form, feeds: dict[str, str], draw: Callable[[], None]) -> None:
    try:
        draw()
    except InputError as error:
        form.show(error, feeds)


def _time_to_value(business: str, period: str, cur: str) -> Figure | None:
    if not _given("m_ttv"):
        return None
    days = mm.parse_days(st.session_state.m_ttv, "days_to_value")
    value = mm.time_to_value_days(days)
    count = number(len(days))
    return Figure(
        "time_to_value",
        duration(value, "days"),
        value,
        "days",
        th.time_to_value_health(value, business=business),
        {"days": _listed(days)},
        t("mm.time_to_value_note", count=count) if len(days) > 1 else None,
        basis=t("md.basis_customers", count=count),
    )


def _activation(business: str, period: str, cur: str) -> Figure | None:
    if not _given("m_signups", "m_activated"):
        return None
    s = st.session_state
    value = mm.activation_rate(s.m_activated, s.m_signups)
    formula = {"activated": number(s.m_activated), "new_signups": number(s.m_signups)}
    verdict = th.activation_health(value, business=business)
    basis = t("md.basis_customers", count=number(s.m_signups))
    return Figure("activation", pct(value), value, "fraction", verdict, formula, basis=basis)


def _early_cancel(business: str, period: str, cur: str) -> Figure | None:
    if not _given("m_subs_started", "m_cancel_early"):
        return None
    s = st.session_state
    value = mm.early_cancellation_rate(s.m_cancel_early, s.m_subs_started)
    formula = {"cancelled_early": number(s.m_cancel_early), "started": number(s.m_subs_started)}
    verdict = th.early_cancel_health(value, business=business)
    basis = t("md.basis_subscriptions", count=number(s.m_subs_started))
    return Figure("early_cancel", pct(value), value, "fraction", verdict, formula, basis=basis)


def _csat(business: str, period: str, cur: str) -> Figure | None:
    if not _given("m_csat"):
        return None
    result = mm.csat_breakdown(mm.parse_ratings(st.session_state.m_csat))
    formula = {"satisfied": number(result.satisfied), "total": number(result.responses)}
    verdict = th.csat_health(result.score, business=business)
    basis = t("md.basis_answers", count=number(result.responses))
    return Figure(
        "csat", pct(result.score), result.score, "fraction", verdict, formula, basis=basis
    )


def _backlog(business: str, period: str, cur: str) -> Figure | None:
    if not _given("m_tickets", "m_ticket_age"):
        return None
    ages = mm.parse_days(st.session_state.m_ticket_age, "ticket_ages")
    result = mm.support_backlog(st.session_state.m_tickets, ages)
    tickets = number(result.open_tickets)
    return Figure(
        "backlog",
        duration(result.median_age_days, "days"),
        result.median_age_days,
        "days",
        th.ticket_age_health(result.median_age_days, business=business),
        {"tickets": tickets, "ages": _listed(ages)},
        t("mm.backlog_note", tickets=tickets),
        period=t("md.period_today"),
        basis=t("md.basis_tickets", count=tickets),
    )


def _contraction(business: str, period: str, cur: str) -> Figure | None:
    if not _given("m_downgrades", "m_con", "m_mrr"):
        return None
    s = st.session_state
    result = mm.contraction(s.m_downgrades, s.m_con, s.m_mrr)
    note = t(
        "mm.contraction_note",
        downgrades=number(result.downgrades),
        mrr=money(result.mrr, cur),
        period=t(f"period.{period}"),
    )
    formula = {
        "contraction": money(result.mrr, cur),
        "mrr_start": money(s.m_mrr, cur),
        "downgrades": number(result.downgrades),
    }
    verdict = th.contraction_health(result.share, period, business=business)
    basis = t("md.basis_downgrades", count=number(result.downgrades))
    return Figure(
        "contraction", pct(result.share), result.share, "fraction", verdict, formula, note,
        basis=basis,
    )  # fmt: skip


def _arr_growth(business: str, period: str, cur: str) -> Figure | None:
    if not _given("m_arr_prev", "m_arr_now"):
        return None
    s = st.session_state
    value = mm.arr_growth(s.m_arr_now, s.m_arr_prev)
    formula = {"arr_end": money(s.m_arr_now, cur), "arr_year_before": money(s.m_arr_prev, cur)}
    verdict = th.arr_growth_health(value, business=business)
    return Figure(
        "arr_growth", signed_pct(value, 1), value, "fraction", verdict, formula,
        period=t("md.period_twelve_months"),
    )  # fmt: skip


def _virality(business: str, period: str, cur: str) -> Figure | None:
    if not _given("m_vir_base", "m_vir_inv", "m_vir_conv", "m_vir_cycles"):
        return None
    s = st.session_state
    result = mm.virality(s.m_vir_base, s.m_vir_inv, s.m_vir_conv)
    total = mm.viral_customers(s.m_vir_base, result.k, s.m_vir_cycles)
    k, seed, cycles = number(result.k, 2), number(s.m_vir_base), number(s.m_vir_cycles)
    if result.k > 1:
        note = t("mm.virality_grows", seed=seed, cycles=cycles, total=number(total))
    elif result.k == 1:
        note = t("mm.virality_one", seed=seed, cycles=cycles, total=number(total))
    else:
        limit = number(s.m_vir_base / (1 - result.k))
        note = t("mm.virality_levels", seed=seed, cycles=cycles, total=number(total), limit=limit)
    formula = {
        "invitations": number(s.m_vir_inv),
        "inviters": seed,
        "converted": number(s.m_vir_conv),
        "per": number(result.invites_per_customer, 2),
        "conversion": pct(result.conversion),
        "seed": seed,
        "cycles": cycles,
        "total": number(total),
    }
    verdict = th.virality_health(result.k, business=business)
    return Figure(
        "virality", k, result.k, "coefficient", verdict, formula, note,
        period=t("md.period_cycle"), basis=t("md.basis_customers", count=seed),
    )  # fmt: skip


#: Which widget feeds each ``calc`` field, for errors shown under the input at fault.
FEEDS: dict[str, str] = {
    "days_to_value": "m_ttv",
    "activated": "m_activated",
    "new_signups": "m_signups",
    "cancelled_early": "m_cancel_early",
    "started": "m_subs_started",
    "ratings": "m_csat",
    "open_tickets": "m_tickets",
    "ticket_ages": "m_ticket_age",
    "downgrades": "m_downgrades",
    "contraction": "m_downgrades",
    "mrr_start": "m_downgrades",
    "arr_end": "m_arr_now",
    "arr_year_before": "m_arr_prev",
    "inviters": "m_vir_base",
    "invitations": "m_vir_inv",
    "converted": "m_vir_conv",
    "cycles": "m_vir_cycles",
    "seed": "m_vir_base",
}


#: The typed metrics of each block, in the order they are drawn.
CARDS: dict[str, tuple[Callable[[str, str, str], Figure | None], ...]] = {
    "first_weeks": (_time_to_value, _activation, _early_cancel),
    "satisfaction": (_csat, _backlog),
    "revenue_more": (_contraction, _arr_growth),
    "growth_viral": (_virality,),
}


def _block(name: str, business: str, proposed: bool, period: str, cur: str) -> None:
    with st.container(border=True):
        st.subheader(t(f"mm.group_{name}"))
        st.caption(t(f"mm.group_{name}_intro"))
        left, right = st.columns([1, 2], gap="large")
        form = Form()
        with left:
            for key, kind in BLOCKS[name]:
                if kind == "text":
                    form.text(key)
                else:
                    form.number(key, step=1.0, fmt="%g")
        with right:
            columns = st.columns(2)
            for index, compute in enumerate(CARDS[name]):
                with columns[index % 2]:

                    def draw(compute=compute) -> None:
                        figure = compute(business, period, cur)
                        if figure is not None:
                            _card(figure, proposed)

                    _safe(form, FEEDS, draw)
            twins = {c.__name__.lstrip("_"): i % 2 for i, c in enumerate(CARDS[name])}
            metrics_data_view.measured(name, business, proposed, cur, columns, twins)


def figures(period: str, cur: str) -> list[tuple[str, Figure]]:
    """Every typed metric that its inputs allow, with its block, without drawing anything
    (for the Metrics sheet); a metric whose inputs are faulty is left out."""
    business, _ = state.business()
    out = []
    for name, computes in CARDS.items():
        for compute in computes:
            try:
                figure = compute(business, period, cur)
            except InputError:
                continue
            if figure is not None:
                out.append((name, figure))
    return out


def blocks(period: str, cur: str) -> None:
    """Draw the four blocks of the rest of the retention metrics, each with what the file in
    use measures beside the typed figures, and the Metrics workbook to download."""
    business, proposed = state.business()
    for name in CARDS:
        _block(name, business, proposed, period, cur)
    metrics_data_view.download(figures(period, cur), period, cur)
