"""Checks shared by the public functions of :mod:`calc`.

Each helper checks one rule, returns the cleaned value as a Python ``float``
(or ``int``) and raises :class:`~calc.errors.InputError` naming the field at
fault, with a message a shop owner can act on. Public functions call these at
entry; nothing else in :mod:`calc` re-checks its inputs.

``label`` is the name of the input as a person would say it ("Customers at
the start"); when omitted it is made from the field name.
"""

from __future__ import annotations

import math
import numbers

from calc.errors import InputError

PERIOD_NAMES = ("month", "quarter", "year")


def _label(field: str, label: str | None) -> str:
    if label:
        return label
    words = field.replace("_", " ")
    return words[:1].upper() + words[1:]


def _pct(value: float) -> str:
    """Format a fraction as a percentage for a message: 0.155 -> '15.5%'."""
    return f"{value * 100:.4g}%"


def number(
    value: object, field: str, label: str | None = None, *, allow_inf: bool = False
) -> float:
    """Return ``value`` as a float, or raise if it is not a usable number.

    Booleans, strings, ``None`` and NaN are refused; infinity is refused unless
    ``allow_inf`` is set.
    """
    name = _label(field, label)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(field, f"{name} must be a number; got {value!r}.")
    result = float(value)
    if math.isnan(result):
        raise InputError(field, f"{name} is empty or not a number. Enter a number.")
    if math.isinf(result) and not allow_inf:
        raise InputError(field, f"{name} must be a finite number; got {result}.")
    return result


def non_negative(value: object, field: str, label: str | None = None) -> float:
    """A count or an amount of money: a finite number of at least 0."""
    result = number(value, field, label)
    if result < 0:
        raise InputError(
            field, f"{_label(field, label)} cannot be negative; got {result:g}. Enter 0 or more."
        )
    return result


def positive(value: object, field: str, label: str | None = None, *, why: str = "") -> float:
    """A finite number above 0; ``why`` explains what a zero would break."""
    result = non_negative(value, field, label)
    if result == 0:
        reason = f" {why}" if why else ""
        raise InputError(field, f"{_label(field, label)} must be above 0.{reason}")
    return result


def fraction(value: object, field: str, label: str | None = None) -> float:
    """A rate given as a fraction between 0 and 1 (0.05 means 5%)."""
    result = number(value, field, label)
    if not 0.0 <= result <= 1.0:
        raise InputError(
            field,
            f"{_label(field, label)} must be between 0% and 100%; got {_pct(result)}. "
            "Enter rates as fractions, e.g. 0.05 for 5%.",
        )
    return result


def discount(value: object, field: str = "discount_rate", label: str | None = None) -> float:
    """A discount rate per period: any finite number above -100%."""
    result = number(value, field, label or "Discount rate")
    if result <= -1.0:
        raise InputError(
            field,
            f"A discount rate of {_pct(result)} or less would make future money worth "
            "nothing or less. Enter a rate above -100%; typical values are 5% to 15% a year.",
        )
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
                raise InputError(field, f"{name} must be a whole number; got {value!r}.")
        else:
            raise InputError(field, f"{name} must be a whole number; got {value!r}.")
    result = int(value)
    if result < minimum:
        raise InputError(field, f"{name} must be at least {minimum}; got {result}.")
    return result


def period(value: object, field: str = "period") -> str:
    """One of the period names ``"month"``, ``"quarter"``, ``"year"``."""
    if not isinstance(value, str) or value not in PERIOD_NAMES:
        raise InputError(
            field,
            f"Unknown period {value!r}. Choose one of: {', '.join(PERIOD_NAMES)}.",
        )
    return value
