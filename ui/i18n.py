"""One translation function for every user-facing text.

Texts live as data in ``ui/locales/<language>/*.toml``: TOML tables whose
dotted paths are the keys (``[clv] title = ...`` is ``clv.title``), one file
per part of the app so that parts can be written and translated separately.
English is the only language so far; a language is added by adding a folder
with the same keys.
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
    texts: dict[str, str] = {}
    for path in sorted((LOCALES / language).glob("*.toml")):
        with path.open("rb") as handle:
            part = _flatten(tomllib.load(handle))
        clash = texts.keys() & part.keys()
        if clash:
            raise KeyError(f"{path.name} repeats text keys: {sorted(clash)}")
        texts.update(part)
    return texts


def t(key: str, /, **values: object) -> str:
    """The text for ``key`` in the current language, with ``{name}`` fields filled.

    A missing key is a programming error and raises ``KeyError``; the test
    suite checks that every key used in the code is in every catalogue.
    """
    text = catalogue(DEFAULT_LANGUAGE)[key]
    return text.format(**values) if values else text
