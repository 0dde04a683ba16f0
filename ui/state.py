"""Session state: the worked example every page opens with, and the sharing
of numbers between pages.

Widget values live in ``st.session_state`` under short, URL-friendly keys.
They are seeded here once per session with a worked example (a small online
shop), and changed afterwards only by the widgets themselves or by the
callbacks below, which copy a number typed on one page to the pages that use
the same quantity (churn, margin per customer, CAC, discount rate).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from calc import scenarios
from calc.business import BUSINESS_TYPES, DEFAULT_BUSINESS
from calc.clv import PERIODS, convert_rate
from calc.errors import CalcError
from ui.format import CURRENCIES

T = TypeVar("T")

# The worked example: an online shop with a 45 EUR basket bought 4 times a
# year, 30% of customers lost a year, 40% gross margin.
EXAMPLE: dict[str, object] = {
    "cur": "EUR",
    # Kind of business every verdict is judged by: None until the user picks one
    "business": None,
    # Customer value (CLV)
    "aov": 45.0,
    "freq": 4.0,
    "clv_mode": "churn",
    "churn": 30.0,
    "life": 3.0,
    "margin": 40.0,
    "disc": 8.0,
    "cac": 60.0,
    # Retention metrics (one year of the same shop)
    "m_period": "year",
    "m_start": 1000.0,
    "m_end": 940.0,
    "m_new": 120.0,
    "m_mrr": 20000.0,
    "m_exp": 1500.0,
    "m_con": 500.0,
    "m_chm": 1200.0,
    "m_orders": 2600.0,
    "m_buyers": 1060.0,
    "m_repeat": 430.0,
    "m_loyal": 150.0,
    "m_revenue": 117000.0,
    "m_sold": 3000.0,
    "m_returned": 150.0,
    "m_recv": 18000.0,
    "m_credit": 219000.0,
    "m_rev_prev": 100000.0,
    "m_rev_now": 104000.0,
    "m_gap": 91.0,
    "m_nps": "10, 9, 9, 8, 7, 10, 6, 9, 3, 10, 8, 9, 10, 7, 9, 5, 9, 10, 8, 9",
    # the rest of the retention metrics (ui/metrics_more_view.py)
    "m_ttv": "2, 3, 1, 5, 8, 2, 4, 14, 3, 6",
    "m_signups": 120.0,
    "m_activated": 84.0,
    "m_subs_started": 80.0,
    "m_cancel_early": 6.0,
    "m_csat": "5, 4, 4, 5, 3, 5, 2, 4, 5, 4, 5, 1, 4, 5, 3, 4, 5, 4, 5, 4",
    "m_tickets": 6.0,
    "m_ticket_age": "3, 0.5, 10, 2, 1, 6",
    "m_downgrades": 12.0,
    "m_arr_prev": 240000.0,
    "m_arr_now": 252000.0,
    "m_vir_base": 1000.0,
    "m_vir_inv": 500.0,
    "m_vir_conv": 60.0,
    "m_vir_cycles": 5.0,
    # What if? (+5 points)
    "wi_start": 1000.0,
    "wi_ret": 70.0,
    "wi_new": 300.0,
    "wi_margin": 72.0,
    "wi_growth": 10.0,
    "wi_cac": 60.0,
    "wi_disc": 8.0,
    "wi_years": 10,
    "wi_up": 5.0,
    # Churn check
    "ch_period": "month",
    "ch_churn": 2.93,
    "ch_customers": 1000.0,
    "ch_margin": 72.0,
    # Upload: reading settings start automatic
    "up_sample": None,
    "up_shape": "auto",
    "up_sep": "auto",
    "up_dec": "auto",
    "up_dates": "auto",
    "up_period": "M",
    "up_cohort_measure": "customers",
    "up_cohort_pct": True,
    "up_lapsed_by": "rhythm",
    "up_lapsed_days": 365.0,
}

#: Session values that are not widgets: the saved scenarios (a tuple of
#: ``calc.scenarios.Scenario``), the pinned baseline's name, and a message or
#: name left by a scenarios callback for the next run to show. Changed only in
#: the callbacks of ``ui.scenarios_view``.
SESSION: dict[str, object] = {
    "scenarios": (),
    "sc_base": None,
    "sc_error": None,
    "sc_loaded": None,
    # kind of business an upload's shape suggested, carried with its numbers
    # (set by use_measured_clv_inputs); a choice in the selector wins
    "business_proposed": None,
    "derived": {},
    # the uploaded file, kept for every page, and the generation of the uploader's key
    # (ui.upload_view.source empties the uploader once its file is kept)
    "up_kept": None,
    "up_generation": 0,
    "handed_over": None,
    "go_to": None,
}

RETENTION_SLIDER = (50.0, 99.0)

#: The inputs of each page that its URL carries (``bind="query-params"``).
PAGE_INPUTS: dict[str, tuple[str, ...]] = {
    "clv": ("aov", "freq", "clv_mode", "churn", "life", "margin", "disc", "cac"),
    "metrics": tuple(key for key in EXAMPLE if key.startswith("m_")),
    "whatif": tuple(key for key in EXAMPLE if key.startswith("wi_")),
    "churn": tuple(key for key in EXAMPLE if key.startswith("ch_")),
}
URL_KEYS = frozenset({"cur", "business"}.union(*PAGE_INPUTS.values()))

#: Allowed options of the choice inputs, and the ranges of the what-if sliders
#: (pages/3_What_if.py draws them with the same bounds; a test checks).
CHOICES: dict[str, tuple[str, ...]] = {
    "clv_mode": ("churn", "life"),
    "m_period": PERIODS,
    "ch_period": PERIODS,
    "cur": CURRENCIES,
    "business": BUSINESS_TYPES,
}
SLIDERS: dict[str, tuple[float, float]] = {
    "wi_ret": (0.0, 100.0),
    "wi_up": (0.0, 20.0),
    "wi_margin": (0.0, math.inf),
    "wi_growth": (-50.0, 100.0),
    "wi_cac": (0.0, math.inf),
    "wi_disc": (0.0, 100.0),
    "wi_years": (1, 50),
}
#: The range each what-if slider shows before a value asks for more; money
#: ranges are in euros and scaled by :data:`MONEY_SCALE` (1,000 EUR is about
#: 10,000 NOK or 4,000 PLN). :func:`slider_range` widens a range to hold the
#: value in use, within :data:`SLIDERS`, so no value is ever moved to fit.
SLIDER_VIEW: dict[str, tuple[float, float]] = {
    "wi_ret": RETENTION_SLIDER,
    "wi_up": (0.0, 20.0),
    "wi_margin": (0.0, 1000.0),
    "wi_growth": (0.0, 30.0),
    "wi_cac": (0.0, 1000.0),
    "wi_disc": (0.0, 30.0),
    "wi_years": (1, 30),
}
MONEY_SLIDERS = frozenset({"wi_margin", "wi_cac"})
#: Rough size of one euro in each currency, rounded to a step of 1-2-5-10 so
#: that slider ends stay round (mid-2026 exchange rates, order of magnitude only).
MONEY_SCALE: dict[str, float] = {
    "EUR": 1,
    "USD": 1,
    "GBP": 1,
    "NOK": 10,
    "DKK": 10,
    "SEK": 10,
    "PLN": 5,
    "ALL": 100,
}


def slider_range(key: str, currency: str) -> tuple[float, float]:
    """The range slider ``key`` shows: its usual range (money scaled to the
    currency), widened to hold the value in use.

    >>> # 1,935.8 kr a year of margin: a NOK slider runs to 10,000 and holds it
    """
    lo, hi = SLIDER_VIEW[key]
    if key in MONEY_SLIDERS:
        hi = hi * MONEY_SCALE.get(currency, 1)
    value = st.session_state.get(key)
    if value is not None and math.isfinite(value):
        if value > hi:
            hi = _round_up(value)
        lo = min(lo, math.floor(value))
    hard_lo, hard_hi = SLIDERS[key]
    lo, hi = max(lo, hard_lo), min(hi, hard_hi)
    return (int(lo), int(hi)) if isinstance(SLIDER_VIEW[key][0], int) else (float(lo), float(hi))


def _round_up(value: float) -> float:
    """The next round number (1, 2 or 5 times a power of ten) at or above ``value``."""
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)  # pragma: no cover


#: Inputs typed as percentages (30 means 30%); ``calc`` takes them as fractions.
PERCENT_KEYS = frozenset(
    {"churn", "margin", "disc", "wi_ret", "wi_up", "wi_growth", "wi_disc", "ch_churn"}
)


def calc_value(key: str):
    """The value of input ``key`` as ``calc`` takes it: percentages become fractions."""
    raw = st.session_state[key]
    if raw is None or key not in PERCENT_KEYS:
        return raw
    return raw / 100


def from_url(key: str, text: str):
    """The value of input ``key`` read from a URL parameter; ``ValueError`` if unusable."""
    example = EXAMPLE[key]
    if key in CHOICES:
        if text not in CHOICES[key]:
            raise ValueError(text)
        return text
    if key not in URL_KEYS:
        raise ValueError(key)  # e.g. upload settings: they do not travel in links
    if isinstance(example, str):
        return text
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    if isinstance(example, int):
        value = int(value)  # as Streamlit reads an integer slider: 3.5 is 3
    lo, hi = SLIDERS.get(key, (-math.inf, math.inf))
    if not lo <= value <= hi:
        raise ValueError(text)
    return value


def init() -> None:
    """Seed a new session from the page URL, else from the worked example.

    Keeps anything already set. A URL parameter that cannot be read is
    ignored: the input keeps its example value and its key is listed in
    ``url_ignored`` so that the page can say so.
    """
    s = st.session_state
    if "url_ignored" not in s:
        s.url_ignored = []
    url = st.query_params
    for key, value in EXAMPLE.items():
        if key in s:
            continue
        s[key] = value
        if key in URL_KEYS and key in url:
            try:
                s[key] = from_url(key, url[key])
            except ValueError:
                s.url_ignored.append(key)
    for key, value in SESSION.items():
        if key not in s:
            s[key] = value
    if "sc" in url and "sc_link" not in s:
        s.sc_link = url["sc"]  # read once per session: later runs keep what the user did
        _open_scenario_link(url["sc"])


def _open_scenario_link(text: str) -> None:
    """Open the scenario set of a link (``?sc=``), with its baseline and currency."""
    s = st.session_state
    try:
        items, baseline, currency = scenarios.from_link(text)
    except CalcError:
        s.sc_link_opened = 0
        return
    s.scenarios = tuple(items)
    s.sc_base = baseline or (items[0].name if items else None)
    if currency in CURRENCIES:
        s.cur = currency
    s.sc_link_opened = len(items)


def _annual_churn_from_clv() -> float | None:
    s = st.session_state
    if s.clv_mode == "churn":
        return None if s.churn is None else s.churn / 100
    if not s.life or s.life <= 0:
        return None
    return min(1.0, 1 / s.life)


def _mark(key: str, source: str, text: str | None) -> None:
    """Note that input ``key`` was set from page ``source`` (``text``: the number as
    typed there); ``None`` clears the note, as when the user types into ``key``."""
    derived = dict(st.session_state.get("derived") or {})
    if text is None:
        derived.pop(key, None)
    else:
        derived[key] = (source, text)
    st.session_state.derived = derived


def _set_churn_everywhere(annual: float, *, skip: str, typed: tuple[float, str]) -> None:
    """Copy a churn to every page that shows churn, as typed where the page has that period.

    ``typed`` is the churn as the user typed it: (percent, period). The Churn
    check page takes it unchanged and in its own period; the CLV page takes
    the yearly figure (unchanged when typed yearly); What-if takes retention
    as 100 minus the yearly churn, never rounded to a slider step or clamped.
    """
    s = st.session_state
    if not 0 <= annual <= 1:
        return
    value, period = typed
    shown = f"{value:g}|{period}"
    for key in ("churn", "wi_ret", "ch_churn"):
        _mark(key, skip, None)
    if skip != "clv":
        s.clv_mode = "churn"
        s.churn = value if period == "year" else round(annual * 100, 2)
        if period != "year":
            _mark("churn", skip, shown)
    if skip != "whatif":
        s.wi_ret = round(100 - value, 10) if period == "year" else round((1 - annual) * 100, 2)
        if period != "year":
            _mark("wi_ret", skip, shown)
    if skip != "churn":
        s.ch_period = period
        s.ch_churn = value


def clv_churn_changed() -> None:
    s = st.session_state
    annual = _annual_churn_from_clv()
    if annual is None:
        return
    if s.clv_mode == "churn":
        _set_churn_everywhere(annual, skip="clv", typed=(s.churn, "year"))
    else:
        _set_churn_everywhere(annual, skip="clv", typed=(round(annual * 100, 2), "year"))
        _mark("ch_churn", "clv", f"{s.life:g}|life")
        _mark("wi_ret", "clv", f"{s.life:g}|life")


def clv_margin_changed() -> None:
    s = st.session_state
    if None in (s.aov, s.freq, s.margin):
        return
    yearly = round(s.aov * s.freq * s.margin / 100, 2)
    if yearly >= 0:
        s.wi_margin = yearly
        s.ch_margin = yearly
        _mark("wi_margin", "clv", "margin")
        _mark("ch_margin", "clv", "margin")


def cac_changed() -> None:
    s = st.session_state
    if s.cac is not None and s.cac >= 0:
        s.wi_cac = float(s.cac)


def discount_changed() -> None:
    s = st.session_state
    if s.disc is not None and 0 <= s.disc <= 100:
        s.wi_disc = float(s.disc)


def whatif_retention_changed() -> None:
    s = st.session_state
    churn = round(100 - s.wi_ret, 10)
    _set_churn_everywhere(churn / 100, skip="whatif", typed=(churn, "year"))


def churn_check_changed() -> None:
    s = st.session_state
    if s.ch_churn is None or not 0 <= s.ch_churn <= 100:
        return
    annual = convert_rate(s.ch_churn / 100, s.ch_period, "year")
    _set_churn_everywhere(annual, skip="churn", typed=(s.ch_churn, s.ch_period))


def business(proposed: str | None = None) -> tuple[str, bool]:
    """The kind of business verdicts are judged by, and whether it was only proposed.

    The user's choice in the selector wins; else ``proposed`` (the shape of
    the file on screen), else what an upload proposed when its numbers were
    carried over, else the general lines (``"other"``).
    """
    s = st.session_state
    if s.get("business") in BUSINESS_TYPES:
        return s.business, False
    guess = proposed or s.get("business_proposed")
    if guess in BUSINESS_TYPES:
        return guess, True
    return DEFAULT_BUSINESS, False


def typed(key: str) -> None:
    """The user typed into ``key``: it is theirs now, no longer derived."""
    _mark(key, "", None)


def use_measured_clv_inputs(
    aov: float,
    purchases_per_year: float,
    annual_churn: float,
    customers: int | None = None,
    new_per_year: float | None = None,
    proposed: str | None = None,
) -> None:
    """Copy order value, frequency and churn measured in an upload to the CLV page,
    and the file's customers to the What-if page's assumptions; leave a note
    saying what was set and send the user to the CLV page.

    ``proposed`` is the kind of business the file's shape suggests; it judges
    the calculators' verdicts until the user picks one.
    """
    s = st.session_state
    if proposed in BUSINESS_TYPES:
        s.business_proposed = proposed
    s.aov = round(aov, 2)
    s.freq = round(purchases_per_year, 2)
    s.clv_mode = "churn"
    s.churn = round(annual_churn * 100, 2)
    clv_margin_changed()
    clv_churn_changed()
    for key in ("aov", "freq", "churn"):
        _mark(key, "upload", "file")
    if customers is not None:
        s.wi_start = float(customers)
        _mark("wi_start", "upload", "file")
    if new_per_year is not None:
        s.wi_new = float(round(new_per_year))
        _mark("wi_new", "upload", "file")
    s.handed_over = {
        "aov": s.aov,
        "freq": s.freq,
        "churn": s.churn,
        "customers": customers,
        "new": None if new_per_year is None else round(new_per_year),
    }
    s.go_to = "pages/1_Customer_value.py"


def held(slot: str, key: tuple, make: Callable[[], T]) -> T:
    """``make()`` once per ``key`` in this session, the last result kept under ``slot``.

    The session's own memo, not a cache every session shares: a result goes
    when its session goes (Streamlit drops a closed tab's session after
    ``server.disconnectedSessionTTL``) or when the next key comes (it is let
    go before the next is made), so a server holds one per session and slot.
    A :class:`~calc.errors.CalcError` from ``make`` is not kept: it is raised
    again, and ``make`` tried again on the next run.
    """
    box = st.session_state.get(slot)
    if box is None or box[0] != key:
        st.session_state[slot] = None
        box = (key, make())
        st.session_state[slot] = box
    return box[1]


def is_held(slot: str, key: tuple) -> bool:
    """Whether :func:`held` has a result for ``key`` under ``slot`` in this session."""
    box = st.session_state.get(slot)
    return box is not None and box[0] == key
