"""Inputs that can show a ``calc`` error right under themselves.

A page declares its inputs through :class:`Form`, calls ``calc``, and on an
:class:`~calc.errors.InputError` hands the error back: the message appears
under the input that feeds the parameter the error names, and every typed
value stays. Values reach ``calc`` through :func:`ui.state.calc_value`, which
turns percentages into fractions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from calc.clv import PERIODS
from calc.errors import InputError
from ui import state
from ui.format import calc_text, number, pct
from ui.i18n import t


@dataclass
class Form:
    """The inputs of one page, keyed by widget key."""

    _slots: dict[str, object] = field(default_factory=dict)
    _feeds: dict[str, str] = field(default_factory=dict)

    def number(
        self,
        key: str,
        feeds: str | None = None,
        *,
        step: float = 1.0,
        fmt: str = "%g",
        on_change=None,
    ) -> None:
        """A number input labelled with text ``field.<key>``, feeding ``calc``'s ``feeds``."""
        st.number_input(
            t(f"field.{key}"),
            key=key,
            step=step,
            format=fmt,
            help=t(f"help.{key}"),
            on_change=_typed(key, on_change),
            persist_state="session",
            bind="query-params",
        )
        derived_note(key)
        self._register(key, feeds)

    def slider(
        self,
        key: str,
        feeds: str | None,
        lo: float,
        hi: float,
        *,
        step: float = 1.0,
        fmt: str | None = None,
        on_change=None,
    ) -> None:
        """A what-if slider labelled with the text ``field.<key>``.

        Its value is the session's (seeded by :func:`ui.state.init`); ``value=lo`` is
        what Streamlit would take without it, and spares it reading the whole session
        state to find out whether the slider is a range: 7 times a What if? rerun.
        """
        st.slider(
            t(f"field.{key}"),
            min_value=lo,
            max_value=hi,
            value=lo,
            step=step,
            format=fmt,
            key=key,
            help=t(f"help.{key}"),
            on_change=_typed(key, on_change),
            persist_state="session",
            bind="query-params",
        )
        derived_note(key)
        self._register(key, feeds)

    def text(self, key: str, feeds: str | None = None) -> None:
        """A text area labelled with the text ``field.<key>``."""
        st.text_area(
            t(f"field.{key}"),
            key=key,
            help=t(f"help.{key}"),
            persist_state="session",
            bind="query-params",
        )
        self._register(key, feeds)

    def _register(self, key: str, feeds: str | None) -> None:
        self._slots[key] = st.empty()
        if feeds:
            self._feeds[feeds] = key

    def args(self, *calc_fields: str) -> dict[str, object]:
        """``calc`` keyword arguments from the inputs that feed them."""
        return {name: state.calc_value(self._feeds[name]) for name in calc_fields}

    def show(self, error: InputError, feeds: dict[str, str] | None = None) -> None:
        """Show ``error`` under the input feeding ``error.field``.

        ``feeds`` maps ``calc`` parameter names to widget keys where one page
        feeds the same input to functions with different parameter names.
        """
        key = (feeds or self._feeds).get(error.field)
        slot = self._slots.get(key)
        (slot if slot is not None else st).error(calc_text(error), icon=":material/error:")


def period(key: str, *, on_change=None, help: str | None = None) -> None:
    """The period the numbers of a page cover (month, quarter or year), labelled ``field.<key>``."""
    st.segmented_control(
        t(f"field.{key}"),
        PERIODS,
        format_func=lambda period: t(f"period.{period}"),
        key=key,
        required=True,
        help=help,
        on_change=on_change,
        persist_state="session",
    )


def _typed(key: str, then):
    """A change callback: input ``key`` is now the user's own, then ``then`` runs."""

    def changed() -> None:
        state.typed(key)
        if then is not None:
            then()

    return changed


def derived_text(key: str) -> str | None:
    """Where the value of input ``key`` came from, when the user did not type it here."""
    mark = (st.session_state.get("derived") or {}).get(key)
    if mark is None:
        return None
    source, how = mark
    page = t(f"{source}.menu")
    if how == "file":
        return t("journeys.from_file")
    if how == "margin":
        return t("journeys.derived_margin", page=page)
    value, _, period = how.partition("|")
    if period == "life":
        return t("journeys.derived_life", years=number(float(value), 2), page=page)
    return t(
        "journeys.derived_churn",
        value=as_typed_pct(float(value)),
        period=t(f"period.{period}"),
        page=page,
    )


def derived_note(key: str) -> None:
    """A caption under input ``key`` saying it was derived, and from what."""
    text = derived_text(key)
    if text:
        st.caption(text)


def as_typed_pct(percent: float) -> str:
    """A percentage with as many decimals as it was typed with (35 -> 35%, 2.93 -> 2.93%)."""
    text = f"{percent:.4f}".rstrip("0").rstrip(".")
    digits = len(text.partition(".")[2])
    return pct(percent / 100, digits)
