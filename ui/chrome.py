"""The frame every page shares: page config, menu, currency and error display."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, wraps
from pathlib import Path

import streamlit as st

from calc.business import BUSINESS_TYPES
from ui import present, process, share, state
from ui.format import CURRENCIES, duration, money, number, pct
from ui.i18n import LANGUAGES, start_language, t


@dataclass(frozen=True)
class PageInfo:
    path: str
    key: str
    icon: str


#: The tab's icon: an emoji, which the page draws itself. A Material icon there is fetched
#: from fonts.gstatic.com on every page (the menu's Material icons come with Streamlit).
FAVICON = "📈"

PAGES = (
    PageInfo("app.py", "overview", ":material/home:"),
    PageInfo("pages/1_Customer_value.py", "clv", ":material/savings:"),
    PageInfo("pages/2_Retention_metrics.py", "metrics", ":material/monitoring:"),
    PageInfo("pages/3_What_if.py", "whatif", ":material/tune:"),
    PageInfo("pages/4_Churn_check.py", "churn", ":material/traffic:"),
    PageInfo("pages/5_Your_data.py", "upload", ":material/upload_file:"),
    PageInfo("pages/6_Forecast.py", "forecast", ":material/query_stats:"),
    PageInfo("pages/7_Scenarios.py", "scenarios", ":material/compare:"),
)


def page(key: str) -> str:
    """Set up a page: config, shared state, menu and currency. Returns the currency.

    A page of inputs draws its links in its :func:`inputs` body; any other page's
    (the language and currency codes in the address) are drawn here.
    """
    process.set_up()
    start_language()
    st.set_page_config(
        page_title=f"{t(f'{key}.title')} · {t('app.name')}",
        page_icon=FAVICON,
        layout="wide",
    )
    state.init()
    s = st.session_state
    if s.go_to:  # set by a callback that hands numbers to another page
        target, s.go_to = s.go_to, None
        st.switch_page(target)
    presenting = s.get("present", st.query_params.get("present") == "true")
    with st.sidebar:
        st.markdown(f"### {t('app.name')}")
        for p in PAGES:
            st.page_link(p.path, label=t(f"{p.key}.menu"), icon=p.icon)
        st.divider()
        st.session_state.lang_pick = st.session_state.lang
        st.selectbox(
            t("app.language"),
            list(LANGUAGES),
            format_func=LANGUAGES.get,
            key="lang_pick",
            help=t("app.language_help"),
            on_change=_language_picked,
        )
        st.session_state.cur_pick = st.session_state.cur
        st.selectbox(
            t("app.currency"),
            CURRENCIES,
            key="cur_pick",
            help=t("app.currency_help"),
            on_change=_currency_picked,
        )
        business_selector()
        if not presenting:
            present.toggle()
        st.caption(t("app.sidebar_note"))
        st.html(_scripts(), unsafe_allow_javascript=True)
    if presenting:  # the sidebar is hidden while presenting: the way out stays in view
        present.toggle()
    st.html(WRAP_STYLE)
    st.title(t(f"{key}.title"))
    st.caption(t(f"{key}.intro"))
    _notices(key)
    if key not in state.PAGE_INPUTS:
        links(key)
    return st.session_state.cur


def links(key: str) -> None:
    """The page's codes in the address bar and, on a page of inputs, its shareable link."""
    share.codes_in_url(key)
    share.bar(key)


def inputs(key: str) -> Callable[[Callable[[str], None]], Callable[[str], None]]:
    """Make a page's inputs and results one fragment: ``@chrome.inputs("clv")`` on
    ``body(cur)``, called with :func:`page`'s currency.

    Typing a number or moving a slider then reruns this body alone, not the menu, the
    selectors and the frame around it: 18% less server CPU per change on Customer value
    and What if? (one session, side by side with whole runs).
    The body starts with the page's :func:`links`, so the address and the shareable link
    follow every input. A callback that changes what the frame shows calls ``st.rerun()``
    for a whole run (:func:`judged_as`'s kind of business).
    """

    def fragment(body: Callable[[str], None]) -> Callable[[str], None]:
        @wraps(body)
        def run(cur: str) -> None:
            start_language()  # a fragment's run is a run of its own: texts look it up once
            links(key)
            body(cur)

        return st.fragment(run)

    return fragment


#: On a phone the columns stack and the results fall a screen or more below the inputs: a
#: one-line result, shown only on narrow screens, stays pinned above the inputs while they
#: scroll. Our own style sheet, no user text in it.
PINNED_STYLE = (
    "<style>"
    '[data-testid="stLayoutWrapper"]:has(> .st-key-pinned_result) {display: none;}'
    "@media (max-width: 640px) {"
    '[data-testid="stLayoutWrapper"]:has(> .st-key-pinned_result) {display: flex;'
    " position: sticky; top: 3.75rem; z-index: 99; background: #ffffff;"
    " padding: 0.4rem 0.2rem; border-bottom: 2px solid #1f6f8b;}"
    "}"
    "</style>"
)
#: Card titles and metric labels wrap instead of ending in "..." on a narrow screen.
WRAP_STYLE = (
    '<style>[data-testid="stPageLink"] p, [data-testid="stMetricLabel"] p'
    " {white-space: normal; overflow: visible; text-overflow: clip;}</style>"
)


def pinned_result():
    """A container for the page's one-line result, pinned above the inputs on a phone."""
    st.html(PINNED_STYLE)
    return st.container(key="pinned_result")


def _notices(key: str) -> None:
    """What a callback on another page did here: numbers set from a file, a saved scenario."""
    s = st.session_state
    if key == "clv" and s.handed_over:
        said = s.handed_over
        s.handed_over = None
        lines = [
            t(
                "journeys.handed_over",
                aov=money(said["aov"], s.cur),
                freq=number(said["freq"], 2),
                churn=pct(said["churn"] / 100, 2),
            )
        ]
        if said.get("customers") is not None and said.get("new") is not None:
            lines.append(
                t(
                    "journeys.handed_over_customers",
                    customers=number(said["customers"]),
                    new=number(said["new"]),
                )
            )
        st.success("  \n".join(lines), icon=":material/check:")


def _currency_picked() -> None:
    """The selector changed: the session's currency (``cur``, not a widget) follows."""
    st.session_state.cur = st.session_state.cur_pick


def _language_picked() -> None:
    """The selector changed: the session's language (``lang``, not a widget) follows."""
    st.session_state.lang = st.session_state.lang_pick


@cache
def _scripts() -> str:
    """Our own scripts (no user input in them): number inputs take ``12,5``; on a phone the
    menu closes once a page is chosen."""
    here = Path(__file__).parent
    return "".join(
        f"<script>{(here / name).read_text(encoding='utf-8')}</script>"
        for name in ("decimal_comma.js", "menu_closes.js")
    )


def explain(title_key: str, lines: list[str]) -> None:
    """A "How is this calculated?" expander with the user's own numbers."""
    with st.expander(t(title_key)):
        st.markdown("\n\n".join(lines))  # one element, each line its paragraph


LEVEL_STYLE = {
    "healthy": ("green", ":material/check_circle:"),
    "watch": ("orange", ":material/visibility:"),
    "act": ("red", ":material/warning:"),
}


def in_unit(rule, value: float | None) -> str:
    """A threshold of a ``calc.thresholds.Rule`` in the rule's unit and period."""
    if value is None:
        return ""
    if rule.unit == "fraction":
        text = pct(value)
    elif rule.unit == "multiple":
        text = t("fmt.ratio", value=number(value, 1))
    elif rule.unit in ("months", "days"):
        text = duration(value, rule.unit)
    elif rule.unit == "coefficient":  # the virality coefficient K, e.g. 0.15
        text = number(value, 2)
    else:
        text = number(value)
    return t(f"fmt.per_{rule.period}", value=text) if rule.period else text


def business_selector() -> None:
    """The kind of business, chosen once in the sidebar and kept in the link as its code.

    Not ``bind="query-params"``: that writes the option's translated label
    into the address; a link carries ``business=cafe`` in every language.
    """
    st.selectbox(
        t("business.label"),
        BUSINESS_TYPES,
        index=None,
        format_func=lambda key: t(f"kind.{key}"),
        key="business",
        placeholder=t("business.placeholder"),
        help=t("business.help"),
        persist_state="session",
        on_change=_business_cleared,
    )
    chosen = st.session_state.business
    if chosen in BUSINESS_TYPES:
        st.query_params["business"] = chosen


def _business_cleared() -> None:
    if st.session_state.business is None and "business" in st.query_params:
        del st.query_params["business"]


def _pick_business(key: str) -> None:
    st.session_state.business = st.session_state[key]
    st.rerun()  # the sidebar and the address show the business: a whole run, not a fragment's


def rule_source(rule) -> str:
    """The source of a rule's lines in the user's language: the business's own, or the general."""
    return t(f"rule.cite.{rule.cite}.source") if rule.cite else t(f"rule.{rule.key}.source")


def judged_as(rule, proposed: bool = False) -> None:
    """Which kind of business a verdict assumed, and a way to change it there and then."""
    kind = t(f"kind.{rule.business}")
    if rule.cite is None and rule.business != "other":
        text = t("business.judged_as_general", kind=kind)
    else:
        text = t("business.judged_as_proposed" if proposed else "business.judged_as", kind=kind)
    key = f"business_pick_{rule.key}"  # one verdict per rule on a page
    st.session_state[key] = rule.business
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    row.caption(text, width="content")
    with row.popover(t("business.change"), icon=":material/storefront:", type="tertiary"):
        st.selectbox(
            t("business.label"),
            BUSINESS_TYPES,
            format_func=lambda k: t(f"kind.{k}"),
            key=key,
            on_change=_pick_business,
            args=(key,),
        )


def health(result, proposed: bool = False) -> None:
    """A traffic-light badge for a ``calc.thresholds.Health`` with its rule, source and
    the kind of business it was judged as (``proposed``: only suggested by the file)."""
    color, icon = LEVEL_STYLE[result.level]
    st.badge(t(f"level.{result.level}"), color=color, icon=icon)
    st.caption(
        t(
            "app.rule_line",
            rule=t(f"rule.{result.rule.key}.metric"),
            value=in_unit(result.rule, result.value),
            threshold=in_unit(result.rule, result.threshold),
            source=rule_source(result.rule),
        )
    )
    judged_as(result.rule, proposed)
    if result.level != "healthy":
        st.markdown(f"**{t('app.next_step')}** {t(f'rule.{result.rule.key}.next_step')}")
