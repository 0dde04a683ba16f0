"""Which currency a file's amounts are in, when the cells do not say it.

Order: the cells (``kr 1 234,50``, ``€12``), a currency column, then the
amount column's header (``Beløp (kr)``, ``Kwota (zł)``, ``Summa (€)``,
``Amount (USD)``, ``Shuma (Lekë)``). Plain ``kr`` is Norwegian, Danish or
Swedish kroner: the header's language (``beløp`` / ``beløb`` / ``belopp``) or
the country column tells which; when neither does, it stays ``"kr"`` and the
user is asked to choose.
"""

from __future__ import annotations

import re

import pandas as pd

from calc.upload.amounts import _CODES
from calc.upload.columns import fold

_TOKEN = re.compile(r"[^\s()\[\]{}/,;:]+")
# Header words only one of the three Scandinavian languages writes, after lower-casing.
_KRONER_WORDS = {
    "NOK": ("beløp", "kjøp", "mva", "antall", "ordrenummer", "kundenummer", "varenavn", "salg"),
    "DKK": ("beløb", "køb", "moms", "antal", "ordrenr.", "varenavn", "salg"),
    "SEK": ("belopp", "köp", "kund", "datum", "summa", "antal", "moms", "försäljning"),
}
_COUNTRY = {
    "NOK": ("no", "nor", "norway", "norge", "noreg"),
    "DKK": ("dk", "dnk", "denmark", "danmark"),
    "SEK": ("se", "swe", "sweden", "sverige"),
}


def currency_from_header(header: str) -> str | None:
    """The currency a column header names, as an ISO code (``"kr"`` for plain kroner).

    Examples
    --------
    >>> [currency_from_header(h) for h in ("Beløp (kr)", "Kwota (zł)", "Summa (€)")]
    ['kr', 'PLN', 'EUR']
    >>> currency_from_header("Amount (USD)"), currency_from_header("Shuma (Lekë)")
    ('USD', 'ALL')
    >>> currency_from_header("Amount") is None, currency_from_header("Total all") is None
    (True, True)
    """
    tokens = _TOKEN.findall(str(header).lower())
    bracketed = re.findall(r"[(\[]([^)\]]*)[)\]]", str(header).lower())
    for token in [t.strip() for t in bracketed] + tokens[1:]:
        code = _CODES.get(token.strip("."))
        if code and (token != "all" or bracketed):
            return code
    return None


def which_kroner(names: tuple[str, ...], country: pd.Series | None) -> str | None:
    """NOK, DKK or SEK for a file that only writes ``kr``; None when nothing tells.

    The country column wins (its most common value); else the language of the
    headers, by words only one of the three languages uses.

    >>> which_kroner(("Kundenr", "Dato", "Beløp (kr)"), None)
    'NOK'
    >>> which_kroner(("Kunde", "Dato", "Beløb"), None)
    'DKK'
    >>> which_kroner(("Kund", "Datum", "Belopp"), pd.Series(["NO", "NO", "SE"]))
    'NOK'
    >>> which_kroner(("customer", "date", "amount"), None) is None
    True
    """
    if country is not None and len(country.dropna()):
        top = fold(str(country.value_counts().index[0]))
        for code, words in _COUNTRY.items():
            if top in words:
                return code
    words = {w for name in names for w in _TOKEN.findall(str(name).lower())}
    votes = {code: len(words & set(hints)) for code, hints in _KRONER_WORDS.items()}
    best = max(votes.values())
    winners = [code for code, v in votes.items() if v == best]
    return winners[0] if best and len(winners) == 1 else None


def resolve(
    found: str | None,
    source: str | None,
    amount_header: str | None,
    names: tuple[str, ...],
    country: pd.Series | None,
) -> tuple[str | None, str | None]:
    """The file's currency and where it was found, from cells or column, else the header.

    Returns ``(code, source)``; ``source`` is ``"cells"``, ``"column"``,
    ``"header"`` or None.

    >>> resolve(None, None, "Beløp (kr)", ("Kundenr", "Dato", "Beløp (kr)"), None)
    ('NOK', 'header')
    """
    if found is None and amount_header is not None:
        found = currency_from_header(amount_header)
        source = "header" if found else None
    if found == "kr":
        found = which_kroner(names, country) or "kr"
    return found, source
