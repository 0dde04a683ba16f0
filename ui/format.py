"""Formatting of money, percentages, counts and durations for display.

The one place that turns ``calc``'s fractions into percent text and numbers
into locale-formatted strings (Babel, CLDR data), so every page reads alike.
The locale follows the current language (:func:`ui.i18n.babel_locale`):
``1 234,50 kr`` and ``12,5 %`` in Norwegian, ``€1,234.50`` and ``12.5%`` in English.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd
from babel import Locale
from babel.dates import format_date, get_day_names, get_month_names, get_period_names
from babel.numbers import (
    NumberPattern,
    format_scientific,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
    parse_pattern,
)

from calc.errors import CalcError
from calc.messages import Formatter, Message
from ui.i18n import babel_locale, language, t

CURRENCIES = ("EUR", "USD", "GBP", "NOK", "DKK", "SEK", "PLN", "ALL")


#: From this size on a number is written in scientific notation (``1E22``): Babel's
#: decimal arithmetic (28 digits) cannot write every digit of 1e22 or 1e308, and a
#: shop's numbers never get there unless a link or a file says so.
HUGE = 1e15


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


@lru_cache(maxsize=16)
def _locale(code: str) -> Locale:
    """Babel's locale ``code``, parsed once (8 µs a parse)."""
    return Locale.parse(code)


@lru_cache(maxsize=256)
def _pattern(text: str) -> NumberPattern:
    """The number pattern ``text`` (``#,##0.0 %``), parsed once."""
    return parse_pattern(text)


def _write(value: float, pattern: str, **currency: object) -> str:
    """``value`` in ``pattern``, in the current language.

    What Babel's ``format_decimal``, ``format_percent`` and ``format_currency`` do, without
    parsing the locale and the pattern again on every call: half their time, and a money
    or percent text is written about a hundred times a rerun.
    """
    return _pattern(pattern).apply(value, _locale(babel_locale()), **currency)


def _huge(value: float) -> str | None:
    """``value`` in scientific notation when it is too large to write in full, else None."""
    if abs(value) < HUGE:
        return None
    return format_scientific(value, format="0.###E0", locale=babel_locale())


#: Characters that mean something to Streamlit's markdown: emphasis, links and images,
#: code, headings, lists, tables, HTML and entities, KaTeX ($), colour and icon
#: directives (:red[...], :material/...:).
_MARKUP = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:=^&\"'@])")


def plain(value: object, limit: int = 200) -> str:
    r"""Text from a user (a file, a column name, a cell, a scenario name, a link) as text.

    The one escaping helper for anything a user wrote that reaches markdown
    (``st.markdown``, ``st.error``, captions, labels): every character markdown
    would act on is escaped with a backslash, so ``![t](http://host/pixel.png)``
    shows as those characters and fetches nothing, ``$x$`` is no formula and
    ``:red[x]`` no colour. Line breaks become spaces; text longer than
    ``limit`` characters is cut with an ellipsis (a message quotes a value, it
    does not reproduce a file).

    >>> plain("![t](http://h/p.png)")
    '\\!\\[t\\]\\(http\\://h/p\\.png\\)'
    >>> plain("a\nb" + "c" * 300, limit=5)
    'a bc…'
    """
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _MARKUP.sub(r"\\\1", text)


def _plain_values(value: object) -> object:
    """The values of a calc message with every text from a user escaped (see :func:`plain`)."""
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, list | tuple):
        return [_plain_values(item) for item in value]
    if isinstance(value, Message):
        return Message(value.code, **{k: _plain_values(v) for k, v in value.values.items()})
    return value


def money(value: float | None, currency: str, *, cents: bool | None = None) -> str:
    """``€1,234`` (whole units from 100 up, cents below unless told)."""
    if not _finite(value):
        return t("fmt.not_available")
    if (big := _huge(value)) is not None:
        return f"{big} {currency}"
    if cents is None:
        cents = abs(value) < 100
    locale = babel_locale()
    standard = _locale(locale).currency_formats["standard"].pattern
    pattern = standard if cents else _whole_units(locale)
    return _write(value, pattern, currency=currency, currency_digits=cents is not False)


def _whole_units(locale: str) -> str:
    """The locale's currency pattern without decimals: ``#,##0.00 ¤ -> #,##0 ¤``."""
    return _locale(locale).currency_formats["standard"].pattern.replace(".00", "")


def _percent_pattern(digits: str) -> str:
    """The language's percent pattern with ``digits`` where its number goes (``#,##0 %``)."""
    return _locale(babel_locale()).percent_formats[None].pattern.replace("#,##0", digits, 1)


def pct(fraction: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.8215 -> 82.2%`` (``82,2 %`` in Norwegian)."""
    if not _finite(fraction):
        return t("fmt.not_available")
    if (big := _huge(fraction * 100)) is not None:
        return _percent_pattern("{}").format(big)
    decimals = "#,##0" + ("." + "0" * digits if digits else "")
    return _write(fraction, _percent_pattern(decimals))


def points(fraction: float) -> str:
    """A difference of two rates in percentage points: ``0.05 -> 5 points``."""
    return t("fmt.points", value=number(fraction * 100, 1))


def number(value: float | None, digits: int = 0) -> str:
    """A plain number with thousands separators and at most ``digits`` decimals."""
    if not _finite(value):
        return t("fmt.not_available")
    if (big := _huge(value)) is not None:
        return big
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return _write(value, pattern)


def signed_pct(fraction: float | None, digits: int = 0) -> str:
    """A change as a signed percentage: ``+42%`` or ``-3%``."""
    if not _finite(fraction):
        return t("fmt.not_available")
    sign = "+" if fraction >= 0 else ""
    return sign + pct(fraction, digits)


def _message_number(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    if (big := _huge(value)) is not None:
        return big
    return _write(value, "#,##0.######")


def _message_percent(fraction: float) -> str:
    if not math.isfinite(fraction):
        return str(fraction)
    if (big := _huge(fraction * 100)) is not None:
        return _percent_pattern("{}").format(big)
    return _write(fraction, _percent_pattern("#,##0.##"))


#: Numbers in calc's error messages, written as the language writes them.
_MESSAGE_FORMAT = Formatter(number=_message_number, percent=_message_percent)


def calc_text(said: CalcError | Message) -> str:
    """What ``calc`` says (an error, a note, a reason), in the current language.

    Markdown-safe: texts the message quotes (a column name, a cell, a file or
    scenario name, an answer from a link) are escaped by :func:`plain`.
    """
    about = said.about if isinstance(said, CalcError) else said
    return _plain_values(about).text(language(), _MESSAGE_FORMAT)


#: How a kind of table column writes its numbers: decimals, and whether as a percentage.
_CELL_KINDS = {
    "count": (0, False),
    "decimal": (2, False),
    "money": (2, False),
    "percent": (1, True),
}


def cell_format(kind: str) -> Callable[[float], str]:
    """How a table writes one number of ``kind`` in the current language.

    ``count`` ``1 500``, ``decimal`` and ``money`` ``1 234,50`` (the currency
    is in the column's heading), ``percent`` ``83,3 %`` (a fraction in). Built
    on Python's grouping with the locale's symbols swapped in, because a table
    formats every cell: 0.9 µs a number against Babel's 8.4 µs (measured).
    """
    digits, percent = _CELL_KINDS[kind]
    locale = babel_locale()
    swap = str.maketrans(
        {
            ",": get_group_symbol(locale),
            ".": get_decimal_symbol(locale),
            "-": get_minus_sign_symbol(locale),
        }
    )
    shape = _percent_pattern("{}") if percent else "{}"
    scale = 100.0 if percent else 1.0

    def write(value: float) -> str:
        return shape.format(f"{value * scale:,.{digits}f}".translate(swap))

    return write


def localized(frame: pd.DataFrame, kinds: Mapping[str, str]) -> pd.io.formats.style.Styler:
    """``frame`` for ``st.dataframe`` with numbers written as the language writes them.

    ``kinds`` maps a column to ``count``, ``decimal``, ``money`` or
    ``percent``; a ``decimal`` column of whole numbers is written as counts.
    The cells keep their numbers, so the table still sorts by value. A
    column that does not hold numbers (customer ids such as ``"A"``) is
    left as it is.
    """
    formats = {}
    for column, kind in kinds.items():
        if column not in frame.columns:
            continue
        try:
            values = frame[column].to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError):
            continue
        finite = values[np.isfinite(values)]
        whole = kind == "decimal" and bool(np.all(finite == np.round(finite)))
        formats[column] = cell_format("count" if whole else kind)
    return frame.style.format(formats, na_rep=t("fmt.not_available"))


def duration(value: float | None, unit: str, digits: int = 1) -> str:
    """``value`` in ``unit`` ("years", "months", "days"); infinite means never.

    The unit takes the language's plural form of the number as shown (CLDR
    rules through Babel): ``1 year``, ``2 lata``, ``5 lat``, ``3,3 roku``. The
    text ``fmt.<unit>`` is the general form; ``fmt.<unit>_one``, ``_few`` and
    ``_many`` exist in every language and repeat it where the language has no
    such form.
    """
    if value is None or math.isinf(value):
        return t("fmt.never")
    if math.isnan(value):
        return t("fmt.not_available")
    shown = round(value, digits)
    shown = int(shown) if shown == int(shown) else shown
    form = _locale(babel_locale()).plural_form(abs(shown))
    suffix = "" if form == "other" else f"_{form}"
    return t(f"fmt.{unit}{suffix}", value=number(value, digits))


def day(value: date) -> str:
    """A date in the locale's medium form: ``Nov 23, 2026``, ``23. nov. 2026``."""
    return format_date(value, format="medium", locale=babel_locale())


def currency_symbol(currency: str) -> str:
    """``EUR -> €``, for slider labels (``%`` doubled so printf formats keep it)."""
    return get_currency_symbol(currency, locale=babel_locale()).replace("%", "%%")


def percent_printf(number: str = "%.0f") -> str:
    """Printf format of a percentage (0 to 100 in), the sign placed as the language does.

    ``%.0f%%`` in English, ``%.0f %%`` in Norwegian; ``number`` is the printf
    conversion of the number (``%g`` writes 70 and 70.5). For Streamlit's
    sliders and progress columns, which take printf formats only.
    """
    return _percent_pattern("{}").replace("%", "%%").format(number)


def money_printf(currency: str) -> str:
    """Printf format for whole amounts, symbol where the locale puts it: ``€%.0f``, ``%.0f kr``."""
    pattern = _whole_units(babel_locale()).split(";")[0]
    return pattern.replace("#,##0", "%.0f").replace("¤", currency_symbol(currency))


def chart_locale() -> dict:
    """Vega's number and time locale for the current language (``config.locale`` of a chart).

    Axes and tooltips then group and mark decimals as the text does (``20 000``, ``0,5``)
    and name months in the language.
    """
    locale = babel_locale()
    days = get_day_names("wide", locale=locale)
    short_days = get_day_names("abbreviated", locale=locale)
    months = get_month_names("wide", context="stand-alone", locale=locale)
    short_months = get_month_names("abbreviated", context="stand-alone", locale=locale)
    periods = get_period_names(locale=locale)
    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # d3 counts days from Sunday, Babel from Monday
    return {
        "number": {
            "decimal": get_decimal_symbol(locale),
            "thousands": get_group_symbol(locale),
            "grouping": [3],
            "currency": ["", ""],
            "minus": get_minus_sign_symbol(locale),
        },
        "time": {
            "dateTime": "%x %X",
            "date": "%Y-%m-%d",
            "time": "%H:%M:%S",
            "periods": [periods.get("am", "AM"), periods.get("pm", "PM")],
            "days": [days[i] for i in sunday_first],
            "shortDays": [short_days[i] for i in sunday_first],
            "months": [months[i] for i in range(1, 13)],
            "shortMonths": [short_months[i] for i in range(1, 13)],
        },
    }
