"""Recognise what each column holds, by its name (in six languages) and by its content.

Names are compared after folding case and letters (``Beløp`` -> ``belop``,
``Päivämäärä`` -> ``paivamaara``, ``Kwota zł`` -> ``kwota zl``). An exact match
beats a match of a word inside a longer name. Columns the names leave open are
filled from content: a column of dates, a column of amounts, a column of
repeating identifiers.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from calc.upload.amounts import share_numeric
from calc.upload.dates import share_dates

# Canonical column -> names people use for it (English, Norwegian, Danish,
# Polish, Finnish, Albanian), already folded by `fold`.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer_id": (
        "customer", "customer id", "customer no", "customer number", "customer code",
        "customer ref", "customer email", "client", "client id", "buyer", "buyer id", "email",
        "e mail", "user", "user id", "account", "account id", "member", "contact",
        "kunde", "kunde id", "kundeid", "kundenr", "kunde nr", "kundenummer", "kundenavn id",
        "kunde epost", "epost", "klient", "klient id", "id klienta", "nr klienta",
        "numer klienta", "kod klienta", "klienta", "kontrahent", "nabywca", "asiakas",
        "asiakas id", "asiakasnumero", "asiakasnro", "asiakastunnus", "sahkoposti",
        "klienti", "id klienti", "id e klientit", "klientit", "bleresi", "konsumatori",
    ),
    "customer_name": (
        "name", "customer name", "client name", "full name", "navn", "kundenavn",
        "nazwa klienta", "imie i nazwisko", "nazwisko", "nimi", "asiakkaan nimi", "emri",
        "emri i klientit",
    ),
    "date": (
        "date", "order date", "orderdate", "purchase date", "transaction date", "invoice date",
        "sale date", "created", "created at", "timestamp", "time", "placed at", "paid at",
        "dato", "ordredato", "ordre dato", "kjopsdato", "kobsdato", "fakturadato", "salgsdato",
        "data", "data zamowienia", "data zakupu", "data sprzedazy", "data transakcji",
        "data faktury", "paivamaara", "paivays", "pvm", "tilauspaiva", "tilauspaivamaara",
        "ostopaiva", "data e porosise", "data e blerjes", "data e shitjes", "koha",
    ),
    "amount": (
        "amount", "total", "order total", "total amount", "grand total", "order value",
        "value", "revenue", "sales", "sale", "price", "sum", "net", "net amount", "gross",
        "subtotal", "paid", "amount paid", "belop", "belob", "totalt", "total belop",
        "sum inkl mva", "sum eks mva", "omsetning", "omsaetning", "pris", "verdi", "vaerdi",
        "kwota", "wartosc", "suma", "kwota brutto", "kwota netto", "wartosc brutto",
        "wartosc netto", "cena", "summa", "yhteensa", "hinta", "arvo", "myynti", "loppusumma",
        "shuma", "vlera", "totali", "cmimi", "shuma totale",
    ),
    "order_id": (
        "order", "order id", "order no", "order number", "order nr", "invoice",
        "invoice id", "invoice number", "invoice no", "transaction", "transaction id",
        "receipt", "receipt no", "ordre", "ordre id", "ordrenr", "ordre nr", "ordrenummer",
        "bestilling", "bestillingsnr", "faktura", "fakturanr", "fakturanummer", "zamowienie",
        "nr zamowienia", "numer zamowienia", "id zamowienia", "nr faktury", "numer faktury",
        "tilaus", "tilausnumero", "tilausnro", "tilaus id", "lasku", "laskunumero",
        "porosia", "nr porosie", "id porosie", "numri i porosise", "fatura", "nr fature",
    ),
    "product": (
        "product", "product name", "item", "item name", "sku", "article", "produkt", "vare",
        "varenavn", "varenummer", "artikkel", "nazwa produktu", "towar", "artykul", "tuote",
        "tuotenimi", "nimike", "produkti", "artikulli", "emri i produktit",
    ),
    "category": (
        "category", "product category", "product group", "group", "segment", "department",
        "kategori", "varegruppe", "produktgruppe", "kategoria", "grupa", "grupa produktow",
        "tuoteryhma", "tuotekategoria", "ryhma", "kategoria e produktit", "grupi",
    ),
    "quantity": (
        "quantity", "qty", "units", "count", "antall", "antal", "stk", "ilosc", "liczba",
        "szt", "maara", "kpl", "lukumaara", "sasia", "sasi",
    ),
    "status": (
        "status", "order status", "state", "ordrestatus", "tilstand", "stan",
        "status zamowienia", "tila", "tilauksen tila", "statusi", "gjendja", "payment status",
        "financial status", "subscription status", "betalingsstatus", "status platnosci",
        "maksun tila", "statusi i pageses",
    ),
    "refund_amount": (
        "refunded amount", "amount refunded", "refund amount", "refunds", "order refund amount",
        "partial refunds", "refunded total", "total refunded", "refundert belop",
        "refunderet belob", "kreditert belop", "krediteret belob", "kwota zwrotu",
        "zwrocona kwota", "wartosc zwrotu", "hyvitetty summa", "hyvityssumma", "palautettu summa",
        "shuma e rimbursuar", "rimbursimi",
    ),
    "returned": (
        "returned", "is returned", "return", "refunded", "refund", "returnert", "retur",
        "returneret", "zwrot", "zwrocone", "palautettu", "palautus", "kthyer", "rikthyer",
    ),
    "channel": (
        "channel", "sales channel", "source", "utm source", "kanal", "salgskanal",
        "kanal sprzedazy", "zrodlo", "kanava", "myyntikanava", "lahde", "kanali", "burimi",
    ),
    "country": (
        "country", "country code", "land", "landkode", "kraj", "panstwo", "maa", "maakoodi",
        "shteti", "vendi",
    ),
    "currency": ("currency", "valuta", "waluta", "valuutta", "monedha"),
    # customers shape
    "first_purchase": (
        "first purchase", "first order", "first order date", "first purchase date",
        "customer since", "signup date", "forste kjop", "forste ordre", "forste kob",
        "pierwszy zakup", "data pierwszego zakupu", "ensimmainen osto", "ensimmainen tilaus",
        "blerja e pare", "porosia e pare",
    ),
    "last_purchase": (
        "last purchase", "last order", "last order date", "last purchase date", "siste kjop",
        "siste ordre", "seneste kob", "sidste kob", "ostatni zakup", "data ostatniego zakupu",
        "viimeisin osto", "viimeinen osto", "viimeisin tilaus", "blerja e fundit",
        "porosia e fundit",
    ),
    "orders": (
        "orders", "order count", "number of orders", "orders count", "total orders",
        "purchases", "number of purchases", "antall ordrer", "antall kjop", "antal ordrer",
        "antal kob", "liczba zamowien", "liczba zakupow", "tilauksia", "tilausten maara",
        "ostoja", "numri i porosive", "porosi",
    ),
    "revenue": (
        "revenue", "total revenue", "total spent", "spent", "lifetime value", "ltv", "clv",
        "total sales", "sales", "omsetning", "omsaetning", "totalt kjop", "samlet",
        "przychod", "obrot", "wartosc zakupow", "suma zakupow", "myynti", "liikevaihto",
        "ostot yhteensa", "te ardhura", "shuma totale", "xhiro",
    ),
    "frequency": (
        "frequency", "repeat purchases", "frekvens", "czestotliwosc", "frekvenssi", "frekuenca",
    ),
    "recency": ("recency", "recency days", "aktualnosc", "tuoreus"),
    "T": ("t", "age", "customer age", "tenure", "alder", "wiek", "ika", "mosha"),
    "monetary_value": (
        "monetary value", "monetary", "average order value", "aov", "avg order value",
        "gjennomsnittlig ordre", "srednia wartosc zamowienia", "keskiostos", "vlera mesatare",
    ),
    # subscriptions shape
    "interval": (
        "interval", "billing interval", "billing period", "billing cycle", "plan interval",
        "faktureringsintervall", "betalingsintervall", "intervall", "faktureringsperiode",
        "okres rozliczeniowy", "okres platnosci", "czestotliwosc platnosci", "laskutusvali",
        "laskutusjakso", "maksuvali", "periudha e faturimit", "intervali",
    ),
    "interval_count": ("interval count", "plan interval count", "billing interval count"),
    "start": (
        "start", "start date", "started", "started at", "subscription start", "signup",
        "created", "startdato", "start dato", "oppstart", "data rozpoczecia", "poczatek",
        "od", "alkupaiva", "alkaa", "aloitus", "data e fillimit", "fillimi",
    ),
    "end": (
        "end", "end date", "ended", "ended at", "cancelled", "cancelled at", "canceled",
        "canceled at", "churn date", "cancel date", "sluttdato", "slutt dato", "opphort",
        "oppsagt", "slutdato", "data zakonczenia", "koniec", "do", "loppupaiva", "paattyy",
        "paattynyt", "data e mbarimit", "mbarimi",
    ),
    "mrr": (
        "mrr", "monthly amount", "monthly price", "monthly fee", "monthly revenue",
        "price per month", "amount per month", "plan price", "subscription price", "amount",
        "price", "manedlig belop", "manedspris", "manedsbelop", "manedlig pris", "pris per maned",
        "kwota miesieczna", "oplata miesieczna", "abonament miesiecznie", "kuukausihinta",
        "kuukausimaksu", "hinta kuukaudessa", "pagesa mujore", "cmimi mujor", "belop", "kwota",
        "summa", "shuma", "pris", "hinta", "cena",
    ),
    "plan": (
        "plan", "subscription", "tier", "package", "product", "abonnement", "pakke", "plan nazwa",
        "abonament", "pakiet", "tilaus", "paketti", "sopimus", "paketa", "abonimi",
    ),
    # why a subscription was cancelled (Stripe cancellation details, ChartMogul churn reason)
    "reason": (
        "reason", "cancellation reason", "cancel reason", "churn reason", "cancellation feedback",
        "cancellation details reason", "cancellation details feedback", "arsak",
        "oppsigelsesarsak", "arsag", "opsigelsesarsag", "powod", "powod rezygnacji",
        "przyczyna rezygnacji", "syy", "peruutuksen syy", "lopettamisen syy", "arsye",
        "arsyeja e anulimit",
    ),
}  # fmt: skip

SHAPE_FIELDS: dict[str, tuple[str, ...]] = {
    "orders": (
        "customer_id", "date", "amount", "order_id", "customer_name", "product", "category",
        "quantity", "status", "refund_amount", "returned", "channel", "country", "currency",
    ),
    "customers": (
        "customer_id", "customer_name", "first_purchase", "last_purchase", "orders", "revenue",
        "frequency", "recency", "T", "monetary_value", "category", "channel", "country",
    ),
    "subscriptions": (
        "customer_id", "customer_name", "start", "end", "mrr", "plan", "status", "interval",
        "interval_count", "quantity", "channel", "country", "currency", "reason",
    ),
}  # fmt: skip

DATE_FIELDS = frozenset({"date", "first_purchase", "last_purchase", "start", "end"})
NUMBER_FIELDS = frozenset(
    {
        "amount",
        "refund_amount",
        "interval_count",
        "quantity",
        "orders",
        "revenue",
        "frequency",
        "recency",
        "T",
        "monetary_value",
        "mrr",
    }
)

_FOLD = str.maketrans({"ø": "o", "æ": "ae", "å": "a", "ł": "l", "ß": "ss", "đ": "d", "ð": "d"})
_NON_WORD = re.compile(r"[^a-z0-9]+")


def fold(name: str) -> str:
    """Lower-case a header and strip accents and punctuation, for comparing names.

    >>> fold("Beløp (NOK)"), fold("Päivämäärä"), fold("Data zamówienia"), fold("Çmimi")
    ('belop nok', 'paivamaara', 'data zamowienia', 'cmimi')
    """
    text = unicodedata.normalize("NFKD", str(name).lower().translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", text).strip()


def _score(folded: str, synonyms: tuple[str, ...]) -> float:
    """3 for an exact name, 2 ignoring spaces, else up to 1 for a word inside the name."""
    if folded in synonyms:
        return 3.0
    squeezed = folded.replace(" ", "")
    if any(squeezed == s.replace(" ", "") for s in synonyms):
        return 2.0
    words = folded.split()
    best = 0.0
    for syn in synonyms:
        parts = syn.split()
        k = len(parts)
        for i in range(len(words) - k + 1):
            if words[i : i + k] == parts:
                # a longer phrase is better; the last word is usually the head noun
                best = max(best, min(1.0, 0.4 + 0.2 * k + (0.1 if i + k == len(words) else 0)))
    return best


def match_names(names: tuple[str, ...], shape: str) -> dict[str, str]:
    """Map canonical fields of ``shape`` to file columns by name alone.

    Each column is used once; higher scores win, ties go to the earlier field
    in :data:`SHAPE_FIELDS` (the required ones come first).

    >>> match_names(("Kundenr", "Dato", "Beløp", "Navn"), "orders")
    {'customer_id': 'Kundenr', 'date': 'Dato', 'amount': 'Beløp', 'customer_name': 'Navn'}
    >>> match_names(("klient", "data", "kwota"), "orders")
    {'customer_id': 'klient', 'date': 'data', 'amount': 'kwota'}
    """
    fields = SHAPE_FIELDS[shape]
    folded = [fold(n) for n in names]
    candidates = []
    for fi, field in enumerate(fields):
        for ci, name in enumerate(folded):
            score = _score(name, SYNONYMS[field])
            if score > 0:
                rank = amount_rank(name) if field == "amount" else 0
                candidates.append((-score, rank, fi, ci, field))
    candidates.sort()
    mapping: dict[str, str] = {}
    used: set[int] = set()
    for _, _, _, ci, field in candidates:
        if field in mapping or ci in used:
            continue
        mapping[field] = names[ci]
        used.add(ci)
    return {f: mapping[f] for f in fields if f in mapping}


# How well an amount column's name says "what the customer paid for the whole order",
# best first: an order total (with shipping and discounts) beats a plain amount, which
# beats net/gross revenue figures, a subtotal (before shipping and discounts) and a line price.
_AMOUNT_RANKS = (
    ("order total", "total amount", "grand total", "total", "amount paid", "paid", "totalt",
     "total belop", "sum inkl mva", "kwota brutto", "wartosc brutto", "loppusumma", "yhteensa",
     "shuma totale", "totali"),
    ("amount", "value", "order value", "sum", "belop", "belob", "kwota", "wartosc", "suma",
     "summa", "shuma", "vlera", "arvo"),
    ("net", "net amount", "gross", "revenue", "sales", "sale", "omsetning", "omsaetning",
     "sum eks mva", "kwota netto", "wartosc netto", "myynti"),
    ("subtotal",),
)  # fmt: skip


def amount_rank(folded: str) -> int:
    """0 for an order total, 1 a plain amount, 2 net or gross sales, 3 a subtotal, 4 a price.

    >>> [amount_rank(fold(n)) for n in ("Subtotal", "Total", "Lineitem price", "Beløp")]
    [3, 0, 4, 1]
    """
    words = folded.split()
    for rank, names in enumerate(_AMOUNT_RANKS):
        if folded in names:
            return rank
    for rank, names in enumerate(_AMOUNT_RANKS):
        if any(n.split() == words[-len(n.split()) :] for n in names):
            return rank
    return len(_AMOUNT_RANKS)


# Parts of an order's money, never its amount: left out of the columns "passed over".
_PARTS = frozenset(
    (
        "tax", "taxes", "vat", "mva", "moms", "fee", "fees", "discount", "discounts",
        "shipping", "frakt", "rabatt", "gebyr", "balance", "cost", "tip", "tips", "podatek",
        "rabat", "alv", "vero", "toimitus", "tatim", "zbritje",
    )
)  # fmt: skip


def amount_candidates(names: tuple[str, ...]) -> tuple[str, ...]:
    """Columns whose name says they hold what an order or a payment came to, best first.

    Tax, fee, discount and shipping columns are parts of an amount, not one.

    >>> amount_candidates(("Subtotal", "Shipping", "Taxes", "Total", "Tax 1 Value", "Paid at"))
    ('Total', 'Subtotal')
    """
    scored = []
    for ci, name in enumerate(names):
        folded = fold(name)
        if _PARTS & set(folded.split()):
            continue
        other = max(_score(folded, SYNONYMS[f]) for f in ("refund_amount", "date"))
        if _score(folded, SYNONYMS["amount"]) > max(other, 0):
            scored.append((amount_rank(folded), ci, name))
    return tuple(name for _, _, name in sorted(scored))


def profile(column: pa.Array, limit: int = 2000) -> dict[str, float]:
    """Describe a column by its first non-empty cells: share of dates, of amounts, distinct."""
    sample = column.slice(0, min(len(column), limit * 3))
    if pa.types.is_string(sample.type):
        sample = pc.filter(sample, pc.not_equal(pc.utf8_trim_whitespace(sample), ""))
    else:
        sample = pc.drop_null(sample)
    sample = sample.slice(0, limit)
    if len(sample) == 0:
        return {"dates": 0.0, "numbers": 0.0, "distinct": 0.0, "decimals": 0.0, "filled": 0}
    dates = share_dates(sample)
    numbers = 0.0 if dates > 0.5 else share_numeric(sample)
    distinct = len(pc.unique(sample)) / len(sample)
    decimals = 0.0
    if numbers > 0.5:
        if pa.types.is_string(sample.type):
            decimals = float(np.mean(_bool(pc.match_substring_regex(sample, r"[.,][0-9]{1,2}\b"))))
        elif pa.types.is_floating(sample.type):
            vals = sample.to_numpy(zero_copy_only=False)
            decimals = float(np.mean(vals != np.round(vals)))
    return {
        "dates": dates,
        "numbers": numbers,
        "distinct": distinct,
        "decimals": decimals,
        "filled": len(sample),
    }


def _bool(arr) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def fill_by_content(
    mapping: dict[str, str],
    names: tuple[str, ...],
    profiles: dict[str, dict[str, float]],
    shape: str,
) -> dict[str, str]:
    """Add required fields the names left open, judging columns by content.

    Dates: the first unused column that is mostly dates. Amounts: the unused
    number column with the most decimals. Customer: the unused text or integer
    column whose values repeat least rarely but are not all the same.
    """
    out = dict(mapping)
    used = set(out.values())
    free = [n for n in names if n not in used]

    def take(field: str, name: str) -> None:
        out[field] = name
        free.remove(name)

    date_fields = [f for f in ("date", "start", "end") if f in SHAPE_FIELDS[shape]]
    for field in date_fields[:1]:
        if field not in out:
            for name in free:
                if profiles[name]["dates"] >= 0.8:
                    take(field, name)
                    break
    money = "amount" if shape == "orders" else "mrr" if shape == "subscriptions" else None
    if money and money not in out:
        numeric = [n for n in free if profiles[n]["numbers"] >= 0.8 and profiles[n]["dates"] < 0.5]
        if numeric:
            take(money, max(numeric, key=lambda n: (profiles[n]["decimals"], -names.index(n))))
    if "customer_id" not in out:
        ids = [
            n
            for n in free
            if profiles[n]["dates"] < 0.5
            and profiles[n]["filled"]
            and profiles[n]["decimals"] < 0.5
        ]
        if shape == "orders":
            repeating = [n for n in ids if 0 < profiles[n]["distinct"] < 0.98]
            ids = repeating or ids
        if ids:
            # ids of customers are many and distinct-ish; a status or country column is not
            take(
                "customer_id",
                max(ids, key=lambda n: (profiles[n]["distinct"] > 0.01, -names.index(n))),
            )
    return out
