"""What an order's or a payment's status says about the money: kept, or not an order at all.

Shops, payment providers and bookkeeping tools write the state of an order in
their own words and languages (``paid``, ``wc-cancelled``, ``Refunded``,
``kansellert``, ``opłacone``, ``maksettu``, ``anuluar``). This module is the one
table of those words and the class each belongs to; a reader classifies the
distinct values of a status column once.

Classes
-------
``kept``
    The money was received and kept: paid, completed, fulfilled, captured,
    succeeded, delivered, processing (WooCommerce: paid, not yet shipped).
``partially_refunded``
    Kept, less a refund; a refund-amount column nets it.
``refunded``
    Paid and fully paid back: still an order (the customer came and bought),
    but none of its money is revenue, and it counts as a return.
``failed``
    The payment failed or was declined: never money.
``cancelled``
    Cancelled or voided before the money was kept.
``pending``
    Not paid yet: pending, awaiting payment, on hold, authorised but not
    captured, unpaid.
``draft``
    A draft, a checkout draft or a test order.
``not_sale``
    A row of a payment report that is no sale: a fee, a payout, a top-up.
``unknown``
    A word not in the table: the order is kept, and the report lists the word
    so the user can decide (the reading settings let them leave it out).
"""

from __future__ import annotations

from calc.upload.columns import fold

#: Status classes whose orders count as orders (a refunded one with no revenue).
COUNTED = ("kept", "partially_refunded", "refunded", "unknown")
#: Status classes whose orders are not orders, in the order the report lists them.
LEFT_OUT = ("failed", "cancelled", "pending", "draft", "not_sale")
CLASSES = (*COUNTED, *LEFT_OUT)

# Folded status words (see calc.upload.columns.fold) by class, in English, the platforms'
# own codes (Shopify financial status, Stripe, WooCommerce, Square, Etsy), Norwegian,
# Danish, Polish, Finnish and Albanian.
_WORDS: dict[str, tuple[str, ...]] = {
    "kept": (
        "paid", "completed", "complete", "fulfilled", "partially fulfilled", "captured",
        "succeeded", "success", "successful", "delivered", "shipped", "processing", "settled",
        "closed", "done", "approved", "partially paid", "in transit", "ok", "accepted",
        "payment", "sale", "capture", "captured payment", "charge",
        "betalt", "fullfort", "fullfoert", "levert", "sendt", "ferdig", "utlevert", "bokfort",
        "gennemfort", "leveret", "afsendt", "faerdig", "afsluttet", "bogfort",
        "oplacone", "oplacony", "oplacona", "zaplacone", "zaplacony", "zrealizowane",
        "zrealizowany", "wyslane", "wyslany", "dostarczone", "dostarczony", "zakonczone",
        "zakonczony", "zaksiegowane",
        "maksettu", "toimitettu", "valmis", "lahetetty", "hyvaksytty", "kirjattu",
        "paguar", "perfunduar", "dorezuar", "derguar", "kryer", "e paguar",
    ),
    "partially_refunded": (
        "partially refunded", "partly refunded", "partial refund", "partially returned",
        "delvis refundert", "delvis kreditert", "delvis returnert", "delvist refunderet",
        "delvist krediteret", "czesciowo zwrocone", "czesciowo zwrocony", "czesciowy zwrot",
        "osittain hyvitetty", "osittain palautettu", "rimbursuar pjeserisht",
        "kthyer pjeserisht",
    ),
    "refunded": (
        "refunded", "fully refunded", "returned", "refund", "chargeback", "charged back",
        "disputed lost", "refundert", "kreditert", "returnert", "refunderet", "krediteret",
        "returneret", "zwrocone", "zwrocony", "zwrot", "zwrot srodkow", "hyvitetty",
        "palautettu", "rimbursuar", "kthyer", "e rimbursuar",
    ),
    "failed": (
        "failed", "declined", "payment failed", "error", "rejected", "blocked", "denied",
        "feilet", "mislykket", "avvist", "fejlet", "mislykkedes", "afvist", "nieudane",
        "nieudana", "nieudany", "odrzucone", "odrzucona", "blad platnosci", "epaonnistunut",
        "hylatty", "deshtuar", "refuzuar", "e deshtuar", "e refuzuar",
    ),
    "cancelled": (
        "cancelled", "canceled", "voided", "void", "expired", "abandoned", "trash",
        "kansellert", "avbrutt", "annullert", "kansellert av kunde", "annulleret", "afbrudt",
        "anulowane", "anulowany", "anulowana", "peruttu", "peruutettu", "mitatoity",
        "anuluar", "e anuluar",
    ),
    "pending": (
        "pending", "pending payment", "awaiting payment", "on hold", "unpaid", "authorized",
        "authorised", "requires payment method", "requires action", "requires capture",
        "incomplete", "uncaptured", "not paid", "payment pending",
        "venter", "venter pa betaling", "ikke betalt", "ubetalt", "avventer", "afventer",
        "afventer betaling", "ikke betalt", "oczekujace", "oczekujacy", "oczekuje na platnosc",
        "nieoplacone", "nieoplacony", "w toku", "odottaa", "odottaa maksua", "maksamatta",
        "maksamaton", "ne pritje", "pa paguar", "e papaguar",
    ),
    "draft": (
        "draft", "checkout draft", "test", "test order", "utkast", "kladde", "szkic",
        "wersja robocza", "luonnos", "skice",
    ),
    "not_sale": (
        "fees retained", "fee", "fees", "payout", "payout scheduled", "payout aborted",
        "correction", "top up", "transfer", "adjustment",
    ),
}  # fmt: skip

_CLASS_OF = {word: cls for cls, words in _WORDS.items() for word in words}
_PREFIXES = ("wc ", "status ", "order ", "payment ")


def classify(status: str) -> str:
    """The class of one status word (see the module notes); ``""`` for an empty cell.

    Case, accents, punctuation and a platform prefix (``wc-``) do not matter.

    Examples
    --------
    >>> [classify(s) for s in ("Paid", "wc-cancelled", "partially_refunded", "Opłacone")]
    ['kept', 'cancelled', 'partially_refunded', 'kept']
    >>> [classify(s) for s in ("kansellert", "Maksettu", "anuluar", "Zwrócone", "awaiting")]
    ['cancelled', 'kept', 'cancelled', 'refunded', 'unknown']
    >>> classify("  ")
    ''
    """
    word = fold(status)
    if not word:
        return ""
    if word in _CLASS_OF:
        return _CLASS_OF[word]
    for prefix in _PREFIXES:
        if word.startswith(prefix) and word[len(prefix) :] in _CLASS_OF:
            return _CLASS_OF[word[len(prefix) :]]
    return "unknown"


# Subscription status classes: ``active`` (counted in MRR), ``ended``, and two kept apart
# from MRR: ``trial`` (not paying yet) and ``unpaid`` (unpaid, past due, incomplete or
# paused: the money is not coming in now; Stripe's ``past_due`` is a renewal whose payment
# failed and is being retried).
_SUBSCRIPTION_WORDS: dict[str, tuple[str, ...]] = {
    "active": (
        "active", "paid", "running", "aktiv", "aktivt", "aktywna", "aktywny",
        "aktywne", "aktiivinen", "voimassa", "aktive", "aktiv", "ne fuqi",
    ),
    "ended": (
        "canceled", "cancelled", "ended", "expired", "terminated", "churned", "incomplete expired",
        "avsluttet", "kansellert", "oppsagt", "opphort", "opsagt", "afsluttet", "annulleret",
        "anulowana", "anulowany", "zakonczona", "zakonczony", "wygasla", "paattynyt", "peruttu",
        "irtisanottu", "anuluar", "perfunduar", "skaduar",
    ),
    "trial": (
        "trialing", "trial", "in trial", "free trial", "proveperiode", "provetid", "okres probny",
        "probny", "kokeilu", "kokeilujakso", "prove", "periudhe prove",
    ),
    "unpaid": (
        "unpaid", "past due", "incomplete", "paused", "on hold", "ubetalt", "pause", "pauset",
        "sat pa pause",
        "nieoplacona", "nieoplacony", "wstrzymana", "maksamatta", "maksamaton", "keskeytetty",
        "e papaguar", "pezulluar",
    ),
}  # fmt: skip
_SUBSCRIPTION_CLASS_OF = {w: cls for cls, words in _SUBSCRIPTION_WORDS.items() for w in words}


def classify_subscription(status: str) -> str:
    """The class of a subscription's status; ``"active"`` for a word not in the table or empty.

    >>> [classify_subscription(s) for s in ("active", "past_due", "trialing", "canceled", "")]
    ['active', 'unpaid', 'trial', 'ended', 'active']
    >>> [classify_subscription(s) for s in ("unpaid", "Oppsagt", "Päättynyt", "aktywna")]
    ['unpaid', 'ended', 'ended', 'active']
    """
    return _SUBSCRIPTION_CLASS_OF.get(fold(status), "active")


# Billing interval -> months per interval (a yearly price / 12 is its MRR).
_INTERVAL_WORDS: dict[float, tuple[str, ...]] = {
    1.0: ("month", "monthly", "months", "mnd", "maned", "maaned", "manedlig", "maanedlig",
          "miesiac", "miesiecznie", "miesieczny", "kuukausi", "kuukausittain", "kk", "muaj",
          "mujor", "mujore"),
    12.0: ("year", "yearly", "annual", "annually", "years", "ar", "arlig", "aarlig", "rok",
           "rocznie", "roczny", "vuosi", "vuosittain", "vit", "vjetor", "vjetore"),
    3.0: ("quarter", "quarterly", "kvartal", "kvartalsvis", "kwartal", "kwartalnie",
          "neljannes", "neljannesvuosittain", "tremujor", "tremujore"),
    12 / 52: ("week", "weekly", "weeks", "uke", "ukentlig", "uge", "ugentlig", "tydzien",
              "tygodniowo", "viikko", "viikoittain", "jave", "javor"),
    12 / 365.25: ("day", "daily", "days", "dag", "daglig", "dzien", "dziennie", "paiva",
                  "paivittain", "dite", "ditor"),
}  # fmt: skip
_MONTHS_OF = {w: months for months, words in _INTERVAL_WORDS.items() for w in words}


def interval_months(word: str) -> float:
    """Months in one billing interval (``"year"`` -> 12, ``"week"`` -> 12/52); NaN if unknown.

    >>> interval_months("year"), interval_months("Kvartal"), round(interval_months("week"), 4)
    (12.0, 3.0, 0.2308)
    """
    return _MONTHS_OF.get(fold(word), float("nan"))
