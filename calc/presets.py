"""Typical inputs of six kinds of business, to start a demo from something familiar.

Every preset is **illustrative**: round numbers of the right order for a small
business of that kind, chosen by us, not measured and not taken from a
published survey (``source`` is ``None``). Replace them with the client's own
numbers before drawing any conclusion. Units as in :mod:`calc.scenarios`:
money per customer, rates as fractions per year.

There is one preset per kind of business of :data:`calc.business.BUSINESS_TYPES`
(all but ``"other"``), under the same key, so a preset is judged by the lines
of its own kind (:data:`calc.business.LINES`).
"""

from __future__ import annotations

from dataclasses import dataclass

from calc.business import BUSINESS_TYPES
from calc.clv import convert_rate
from calc.scenarios import Scenario, scenario


@dataclass(frozen=True)
class Preset:
    """One business type: its key (for texts), its inputs and the source of its numbers."""

    key: str
    inputs: dict[str, float]
    source: str | None = None

    @property
    def illustrative(self) -> bool:
        """True when no public source backs the numbers."""
        return self.source is None

    def as_scenario(self, name: str) -> Scenario:
        """The preset as a checked scenario called ``name``."""
        return scenario(name, self.inputs)


def _monthly(churn: float) -> float:
    """A monthly churn as the yearly churn the calculator takes (1 - (1 - m)^12)."""
    return round(convert_rate(churn, "month", "year"), 4)


PRESETS: tuple[Preset, ...] = (
    Preset(
        "online_shop",
        {
            "avg_order_value": 60.0,
            "purchases_per_year": 2.5,
            "gross_margin": 0.40,
            "discount_rate": 0.08,
            "acquisition_cost": 35.0,
            "churn_rate": 0.60,
        },
    ),
    Preset(
        "subscription_box",
        {
            "avg_order_value": 35.0,
            "purchases_per_year": 12.0,
            "gross_margin": 0.35,
            "discount_rate": 0.08,
            "acquisition_cost": 60.0,
            "churn_rate": _monthly(0.10),
        },
    ),
    Preset(
        "saas_small",
        {
            "avg_order_value": 50.0,
            "purchases_per_year": 12.0,
            "gross_margin": 0.80,
            "discount_rate": 0.10,
            "acquisition_cost": 400.0,
            "churn_rate": _monthly(0.03),
        },
    ),
    Preset(
        "hair_salon",
        {
            "avg_order_value": 45.0,
            "purchases_per_year": 6.0,
            "gross_margin": 0.50,
            "discount_rate": 0.08,
            "acquisition_cost": 30.0,
            "churn_rate": 0.40,
        },
    ),
    Preset(
        "cafe",
        {
            "avg_order_value": 8.0,
            "purchases_per_year": 40.0,
            "gross_margin": 0.65,
            "discount_rate": 0.08,
            "acquisition_cost": 15.0,
            "churn_rate": 0.50,
        },
    ),
    Preset(
        "business_services",
        {
            "avg_order_value": 2500.0,
            "purchases_per_year": 4.0,
            "gross_margin": 0.35,
            "discount_rate": 0.10,
            "acquisition_cost": 4000.0,
            "churn_rate": 0.15,
        },
    ),
)


if tuple(p.key for p in PRESETS) != tuple(k for k in BUSINESS_TYPES if k != "other"):
    raise RuntimeError("calc.presets and calc.business.BUSINESS_TYPES name different businesses")


def preset(key: str) -> Preset:
    """The preset called ``key``; ``KeyError`` for an unknown one.

    >>> round(preset("saas_small").inputs["churn_rate"], 4)
    0.3062
    """
    for item in PRESETS:
        if item.key == key:
            return item
    raise KeyError(key)
