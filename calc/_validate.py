"""Checks shared by the public functions of :mod:`calc`.

Each helper checks one rule, returns the cleaned value as a Python ``float``
(or ``int``) and raises :class:`~calc.errors.InputError` naming the field at
fault, with a message a shop owner can act on. Public functions call these at
entry; nothing else in :mod:`calc` re-checks its inputs.

``label`` names the input as a person would say it: the key of its name in
the ``[fields]`` table of the message catalogues (``"customers_start"`` reads
"Customers at the start"); when omitted, the field name is the key. ``why``
is the code of a sentence saying what a zero would break (``"why.orders"``).
"""

from __future__ import annotations

import math
import numbers

from calc.errors import InputError
from calc.messages import Message, Percent

PERIOD_NAMES = ("month", "quarter", "year")


def _label(field: str, label: str | None) -> Message:
    return Message(f"fields.{label or field}")


def number(
    value: object, field: str, label: str | None = None, *, allow_inf: bool = False
) -> float:
    """Return ``value`` as a float, or raise if it is not a usable number.

    Booleans, strings, ``None`` and NaN are refused; infinity is refused unless
    ``allow_inf`` is set.
    """
    name = _label(field, label)
    if value is None:  # an input left empty: say so, never "got None"
        raise InputError(field, "input.empty", label=name)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(field, "input.not_number", label=name, value=repr(value))
    result = float(value)
    if math.isnan(result):
        raise InputError(field, "input.empty", label=name)
    if math.isinf(result) and not allow_inf:
        raise InputError(field, "input.infinite", label=name, value=str(result))
    return result


def non_negative(value: object, field: str, label: str | None = None) -> float:
    """A count or an amount of money: a finite number of at least 0."""
    result = number(value, field, label)
    if result < 0:
        raise InputError(field, "input.negative", label=_label(field, label), value=result)
    return result


def positive(value: object, field: str, label: str | None = None, *, why: str = "") -> float:
    """A finite number above 0; ``why`` is the code of what a zero would break."""
    result = non_negative(value, field, label)
    if result == 0:
        name = _label(field, label)
        if why:
            raise InputError(field, "input.zero_because", label=name, why=Message(why))
        raise InputError(field, "input.zero", label=name)
    return result


def fraction(value: object, field: str, label: str | None = None) -> float:
    """A rate given as a fraction between 0 and 1 (0.05 means 5%)."""
    result = number(value, field, label)
    if not 0.0 <= result <= 1.0:
        raise InputError(
            field, "input.not_fraction", label=_label(field, label), value=Percent(result)
        )
    return result


def discount(value: object, field: str = "discount_rate", label: str | None = None) -> float:
    """A discount rate per period: any finite number above -100%."""
    result = number(value, field, label or "discount_rate")
    if result <= -1.0:
        raise InputError(field, "input.discount_too_low", value=Percent(result))
    return result


def whole(value: object, field: str, label: str | None = None, *, minimum: int = 1) -> int:
    """A whole number of at least ``minimum`` (a number of periods or years)."""
    name = _label(field, label)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            as_float = float(value)
            if math.isfinite(as_float) and as_float == int(as_float):
                value = int(as_float)
            else:
                raise InputError(field, "input.not_whole", label=name, value=repr(value))
        else:
            raise InputError(field, "input.not_whole", label=name, value=repr(value))
    result = int(value)
    if result < minimum:
        raise InputError(field, "input.too_small", label=name, minimum=minimum, value=result)
    return result


def period(value: object, field: str = "period") -> str:
    """One of the period names ``"month"``, ``"quarter"``, ``"year"``."""
    if not isinstance(value, str) or value not in PERIOD_NAMES:
        raise InputError(field, "input.unknown_period", value=repr(value), choices=PERIOD_NAMES)
    return value
