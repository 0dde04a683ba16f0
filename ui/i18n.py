"""One translation function for every user-facing text, in the user's language.

Texts live as data in ``ui/locales/<language>/*.toml``: TOML tables whose
dotted paths are the keys (``[clv] title = ...`` is ``clv.title``), one file
per part of the app so that parts can be written and translated separately.
Every language has the same files and keys as English (``tests/test_i18n.py``
checks this); ``ui/locales/<language>/GLOSSARY.md`` lists the metric terms
chosen for each language.

The current language lives in one place: ``st.session_state["lang"]``, a
language code that no widget owns. The sidebar selector (``lang_pick``) is
seeded from it on every run and changes it only through its callback, so a
page switch or a rerun can never reset it; ``ui.share.codes_in_url`` writes
it into the address bar as ``?lang=<code>``. A new session starts in the
link's language, else the browser's (``st.context.locale``).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from calc.messages import flatten

LOCALES = Path(__file__).with_name("locales")
DEFAULT_LANGUAGE = "en"
#: Language code -> its own name, in menu order.
LANGUAGES = {
    "en": "English",
    "nb": "Norsk bokmål",
    "da": "Dansk",
    "pl": "Polski",
    "fi": "Suomi",
    "sq": "Shqip",
}
#: Language code -> Babel locale for numbers, money and dates.
BABEL_LOCALES = {
    "en": "en",
    "nb": "nb_NO",
    "da": "da_DK",
    "pl": "pl_PL",
    "fi": "fi_FI",
    "sq": "sq_AL",
}
#: Browser language tags that mean one of ours: Norwegian without a written
#: standard, and Nynorsk, read bokmål.
ALIASES = {"no": "nb", "nn": "nb"}
#: Only while developing (``RETENTION_DEV=1``) does a language folder that
#: lacks a whole file borrow that file from English; the tests never do.
DEVELOPMENT = os.environ.get("RETENTION_DEV") == "1"

_speaking: ContextVar[str | None] = ContextVar("speaking", default=None)
# The language of the script run under way, set once per run by start_language():
# reading session state on every t() call cost about 9 ms a rerun.
_this_run: ContextVar[str | None] = ContextVar("this_run", default=None)
_last_run = DEFAULT_LANGUAGE


def _load(path: Path) -> dict[str, str]:
    with path.open("rb") as handle:
        return flatten(tomllib.load(handle))


@cache
def catalogue(language: str = DEFAULT_LANGUAGE, *, fallback: bool = False) -> dict[str, str]:
    """All texts of one language, keyed by dotted name (``"clv.title"``).

    With ``fallback``, a file that English has and ``language`` lacks is read
    from English (for development only).
    """
    texts: dict[str, str] = {}
    files = {path.name: path for path in (LOCALES / language).glob("*.toml")}
    if fallback:
        for path in (LOCALES / DEFAULT_LANGUAGE).glob("*.toml"):
            files.setdefault(path.name, path)
    for name in sorted(files):
        part = _load(files[name])
        clash = texts.keys() & part.keys()
        if clash:
            raise KeyError(f"{name} repeats text keys: {sorted(clash)}")
        texts.update(part)
    return texts


def from_browser(tag: str | None) -> str:
    """Our language for a browser language tag: ``"nb-NO" -> "nb"``, ``"nn" -> "nb"``."""
    if not tag:
        return DEFAULT_LANGUAGE
    base = tag.replace("_", "-").split("-")[0].lower()
    base = ALIASES.get(base, base)
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def language() -> str:
    """The current language: ``st.session_state["lang"]`` in a running app.

    Outside a script run, the language of :func:`speaking`, else that of the
    last script run in this process: ``AppTest`` calls a widget's
    ``format_func`` from the test's own thread. A server only calls it inside
    the session's own run.
    """
    global _last_run
    chosen = _speaking.get() or _this_run.get()
    if chosen is None:
        if get_script_run_ctx(suppress_warning=True) is None:
            return _last_run
        chosen = st.session_state.get("lang")
        _last_run = chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def start_language() -> None:
    """Seed ``st.session_state["lang"]`` once per session, before any text is drawn.

    A link's ``?lang=`` wins (the code, ``nb``, or the selector's name,
    ``Norsk bokmål``); otherwise the browser's language. The sidebar selector
    changes it afterwards, through its callback.
    """
    global _last_run
    if st.session_state.get("lang") not in LANGUAGES:
        wanted = st.query_params.get("lang", "")
        names = {name.casefold(): code for code, name in LANGUAGES.items()}
        code = names.get(wanted.casefold()) or ALIASES.get(wanted.lower(), wanted.lower())
        st.session_state["lang"] = code if code in LANGUAGES else from_browser(st.context.locale)
    _last_run = st.session_state["lang"]
    _this_run.set(_last_run)


def babel_locale() -> str:
    """The Babel locale of the current language (``"nb_NO"``)."""
    return BABEL_LOCALES[language()]


@contextmanager
def speaking(code: str) -> Iterator[None]:
    """Use language ``code`` inside the block, outside a running app (tests, scripts)."""
    token = _speaking.set(code)
    try:
        yield
    finally:
        _speaking.reset(token)


def t(key: str, /, **values: object) -> str:
    """The text for ``key`` in the current language, with ``{name}`` fields filled.

    A missing key is a programming error and raises ``KeyError``; the test
    suite checks that every key used in the code is in every catalogue.
    """
    text = catalogue(language(), fallback=DEVELOPMENT)[key]
    return text.format(**values) if values else text


def column_title(name: object) -> str:
    """The heading of a result-table column (``col.<name>``); unknown columns keep their name.

    Tables also carry columns named by the user's own file (breakdown values,
    skipped rows), which have no text of their own.
    """
    try:
        return t(f"col.{name}")
    except KeyError:
        return str(name)
