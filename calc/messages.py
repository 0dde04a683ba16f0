"""The texts of :mod:`calc`'s errors, kept as data in six languages.

An error carries a :class:`Message`: a code such as ``"input.negative"`` and
the values it mentions. The words live in TOML catalogues,
``calc/locales/<language>/<module>.toml``, one table per module (the code
``"metrics.no_orders"`` is key ``no_orders`` of table ``[metrics]``), so the
interface can show the same error in its user's language while :mod:`calc`
itself stays free of any interface code. English is the language of
``str(error)``. Every language has the same keys and the same ``{fields}``
(``tests/test_calc_messages.py`` checks this, and that every code :mod:`calc`
raises has a text).

A value in a message is shown by its type: a :class:`Percent` as a
percentage, a :class:`Message` (such as a field's name, ``fields.churn_rate``)
as its own text in the same language, a list as its items joined, a number by
the :class:`Formatter` given (plain Python formatting unless the interface
passes its own locale-aware one).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

#: The catalogues ship inside the package and are read as its resources.
LOCALES = resources.files("calc") / "locales"
LANGUAGES = ("en", "nb", "da", "pl", "fi", "sq")
DEFAULT_LANGUAGE = "en"


class Percent(float):
    """A fraction shown as a percentage in a message: ``Percent(0.155)`` reads 15.5%."""


def _plain_number(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    return f"{value:g}"


def _plain_percent(value: float) -> str:
    return f"{value * 100:.4g}%"


@dataclass(frozen=True)
class Formatter:
    """How numbers and percentages appear inside messages.

    ``number`` receives ints and floats, ``percent`` a fraction (0.155 for
    15.5%). The defaults write ``1500``, ``0.25`` and ``15.5%``.
    """

    number: Callable[[float], str] = _plain_number
    percent: Callable[[float], str] = _plain_percent


PLAIN = Formatter()


@dataclass(frozen=True, init=False)
class Message:
    """One text of a catalogue with the values it mentions.

    A plain, picklable value: the interface may cache it and show it later in
    whatever language is current then.

    Examples
    --------
    >>> Message("fields.churn_rate").text()
    'Churn'
    >>> Message("input.negative", label=Message("fields.cac"), value=-5.0).text()
    'Acquisition cost cannot be negative; got -5. Enter 0 or more.'
    """

    code: str
    values: Mapping[str, object]

    def __init__(self, code: str, /, **values: object) -> None:
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "values", values)

    def text(self, language: str = DEFAULT_LANGUAGE, formatter: Formatter = PLAIN) -> str:
        """The message in ``language`` (a code of :data:`LANGUAGES`)."""
        shown = {name: _show(value, language, formatter) for name, value in self.values.items()}
        return catalogue(language)[self.code].format(**shown)


def _show(value: object, language: str, formatter: Formatter) -> str:
    if isinstance(value, Message):
        return value.text(language, formatter)
    if isinstance(value, Percent):
        return formatter.percent(float(value))
    if isinstance(value, int | float):
        return formatter.number(value)
    if isinstance(value, list | tuple):
        return ", ".join(_show(item, language, formatter) for item in value)
    return str(value)


def flatten(table: dict, prefix: str = "") -> dict[str, str]:
    """The texts of nested TOML tables by dotted key: ``{"a": {"b": "x"}} -> {"a.b": "x"}``."""
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


@cache
def catalogue(language: str = DEFAULT_LANGUAGE) -> Mapping[str, str]:
    """Every text of one language, keyed by code (``"input.negative"``)."""
    if language not in LANGUAGES:
        raise KeyError(f"No messages in language {language!r}; known: {', '.join(LANGUAGES)}")
    texts: dict[str, str] = {}
    files = [entry for entry in (LOCALES / language).iterdir() if entry.name.endswith(".toml")]
    for entry in sorted(files, key=lambda each: each.name):
        part = flatten(tomllib.loads(entry.read_text(encoding="utf-8")))
        clash = texts.keys() & part.keys()
        if clash:
            raise KeyError(f"{entry.name} repeats message codes: {sorted(clash)}")
        texts.update(part)
    return MappingProxyType(texts)
