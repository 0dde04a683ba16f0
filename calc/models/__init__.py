"""Probabilistic customer models fitted to a shop's own data.

- :mod:`calc.models.sbg`: subscription retention (shifted-beta-geometric).
- :mod:`calc.models.bgnbd`: repeat purchases and P(alive) (BG/NBD).
- :mod:`calc.models.gamma_gamma`: spend per order (Gamma-Gamma).
- :mod:`calc.models.summary`: per-customer frequency / recency / age / value
  from an order log, and the calibration / holdout split.
- :mod:`calc.models.clv`: discounted customer value from BG/NBD and
  Gamma-Gamma, with explicit time units.

Every forecast comes with a low / likely / high :class:`Range`.
"""

from calc.models._fit import RANGE_LEVEL, Range

__all__ = ["RANGE_LEVEL", "Range"]
