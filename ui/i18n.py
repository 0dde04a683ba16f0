"""One translation function for every user-facing text.

Texts live as data in ``ui/locales/<language>.toml`` (a flat table of keys,
grouped in TOML sections). English is the only language so far; a language is
added by adding a catalogue with the same keys.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).with_name("locales")
DEFAULT_LANGUAGE = "en"


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


@cache
def catalogue(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """All texts of one language, keyed by dotted name (``"clv.title"``)."""
    with (LOCALES / f"{language}.toml").open("rb") as handle:
        return _flatten(tomllib.load(handle))


def t(key: str, /, **values: object) -> str:
    """The text for ``key`` in the current language, with ``{name}`` fields filled.

    A missing key is a programming error and raises ``KeyError``; the test
    suite checks that every key used in the code is in every catalogue.
    """
    text = catalogue(DEFAULT_LANGUAGE)[key]
    return text.format(**values) if values else text
