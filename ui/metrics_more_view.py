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
from ui import chrome, state
from ui.fields import Form
from ui.format import duration, money, number, pct, signed_pct
from ui.i18n import t

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


def _card(
    key: str,
    shown: str,
    verdict: th.Health,
    proposed: bool,
    formula: dict[str, object],
    note: str | None = None,
) -> None:
    with st.container(border=True):
        st.metric(t(f"mm.{key}"), shown, help=t(f"mm.{key}_help"))
        if note:
            st.caption(note)
        chrome.health(verdict, proposed)
        with st.expander(t("app.how_calculated")):
            st.markdown(t(f"mm.{key}_formula", result=shown, **formula))


def _safe(form: Form, feeds: dict[str, str], draw: Callable[[], None]) -> None:
    try:
        draw()
    except InputError as error:
        form.show(error, feeds)


def _time_to_value(form: Form, business: str, proposed: bool) -> None:
    if not _given("m_ttv"):
        return
    days = mm.parse_days(st.session_state.m_ttv, "days_to_value")
    value = mm.time_to_value_days(days)
    shown = duration(value, "days")
    note = t("mm.time_to_value_note", count=number(len(days))) if len(days) > 1 else None
    verdict = th.time_to_value_health(value, business=business)
    _card("time_to_value", shown, verdict, proposed, {"days": _listed(days)}, note)


def _activation(form: Form, business: str, proposed: bool) -> None:
    if not _given("m_signups", "m_activated"):
        return
    s = st.session_state
    value = mm.activation_rate(s.m_activated, s.m_signups)
    formula = {"activated": number(s.m_activated), "new_signups": number(s.m_signups)}
    verdict = th.activation_health(value, business=business)
    _card("activation", pct(value), verdict, proposed, formula)


def _early_cancel(form: Form, business: str, proposed: bool) -> None:
    if not _given("m_subs_started", "m_cancel_early"):
        return
    s = st.session_state
    value = mm.early_cancellation_rate(s.m_cancel_early, s.m_subs_started)
    formula = {"cancelled_early": number(s.m_cancel_early), "started": number(s.m_subs_started)}
    verdict = th.early_cancel_health(value, business=business)
    _card("early_cancel", pct(value), verdict, proposed, formula)


def _csat(form: Form, business: str, proposed: bool) -> None:
    if not _given("m_csat"):
        return
    result = mm.csat_breakdown(mm.parse_ratings(st.session_state.m_csat))
    formula = {"satisfied": number(result.satisfied), "total": number(result.responses)}
    verdict = th.csat_health(result.score, business=business)
    _card("csat", pct(result.score), verdict, proposed, formula)


def _backlog(form: Form, business: str, proposed: bool) -> None:
    if not _given("m_tickets", "m_ticket_age"):
        return
    ages = mm.parse_days(st.session_state.m_ticket_age, "ticket_ages")
    result = mm.support_backlog(st.session_state.m_tickets, ages)
    shown = duration(result.median_age_days, "days")
    note = t("mm.backlog_note", tickets=number(result.open_tickets))
    formula = {"tickets": number(result.open_tickets), "ages": _listed(ages)}
    verdict = th.ticket_age_health(result.median_age_days, business=business)
    _card("backlog", shown, verdict, proposed, formula, note)


def _contraction(form: Form, business: str, proposed: bool, period: str, cur: str) -> None:
    if not _given("m_downgrades", "m_con", "m_mrr"):
        return
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
    _card("contraction", pct(result.share), verdict, proposed, formula, note)


def _arr_growth(form: Form, business: str, proposed: bool, cur: str) -> None:
    if not _given("m_arr_prev", "m_arr_now"):
        return
    s = st.session_state
    value = mm.arr_growth(s.m_arr_now, s.m_arr_prev)
    formula = {"arr_end": money(s.m_arr_now, cur), "arr_year_before": money(s.m_arr_prev, cur)}
    verdict = th.arr_growth_health(value, business=business)
    _card("arr_growth", signed_pct(value, 1), verdict, proposed, formula)


def _virality(form: Form, business: str, proposed: bool) -> None:
    if not _given("m_vir_base", "m_vir_inv", "m_vir_conv", "m_vir_cycles"):
        return
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
    _card("virality", k, verdict, proposed, formula, note)


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


def _block(name: str, cards: tuple[Callable[[Form], None], ...]) -> None:
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
            for index, draw in enumerate(cards):
                with columns[index % 2]:
                    _safe(form, FEEDS, lambda draw=draw: draw(form))


def blocks(period: str, cur: str) -> None:
    """Draw the four blocks of the rest of the retention metrics."""
    business, proposed = state.business()
    b, p = business, proposed
    _block(
        "first_weeks",
        (
            lambda f: _time_to_value(f, b, p),
            lambda f: _activation(f, b, p),
            lambda f: _early_cancel(f, b, p),
        ),
    )
    _block("satisfaction", (lambda f: _csat(f, b, p), lambda f: _backlog(f, b, p)))
    _block(
        "revenue_more",
        (lambda f: _contraction(f, b, p, period, cur), lambda f: _arr_growth(f, b, p, cur)),
    )
    _block("growth_viral", (lambda f: _virality(f, b, p),))
