"""Retention and value figures from an order log (and MRR movements from subscriptions).

One module per concern: ``_prep`` (the shared groupings), ``headline``,
``retention`` (per period), ``churn`` (the one yearly churn), ``cohorts``,
``customers`` (per-customer summary, time between purchases, at-risk and
lapsed customers), ``clv_inputs``, ``breakdown``, ``segments``,
``subscriptions`` and ``first_weeks`` (retention metrics measured in a file:
early cancellation, ARR growth, downgrades, time to the first repeat order);
:func:`analyse` computes them all from one preparation.
The public names are importable from here (``from calc import history``).

Input is the table :func:`calc.upload.read` returns (``customer_id``,
``date``, ``amount`` and optional columns); any DataFrame with those columns
works. Every function returns a tidy DataFrame or a frozen dataclass.

Definitions used throughout
---------------------------
- A *purchase* is a row with an amount of 0 or more; a row with a negative
  amount is a *refund* (a return). Revenue is net: purchases plus refunds.
- An *order* is a purchase row; when the table has ``order_id``, consecutive
  purchase rows with the same order id, customer and day are the lines of one
  order (exports list an order's lines together, and :func:`calc.upload.read`
  puts them together; a refund row between them does not part them).
- A customer is *active* in a calendar period (month, quarter, year) when they
  made at least one purchase in it. A customer active in period p and not
  active in p + 1 has *churned* at the end of p; churn rate of p = churned /
  active in p. The last period has no next period yet, so its churn is left
  empty (NaN). A customer who comes back later counts as *reactivated*.
- Time between purchases is measured between consecutive distinct purchase
  days of the same customer (two orders on one day are one visit).
- A customer is *at risk* when they bought on at least two days and the days
  since their last purchase exceed ``factor`` (default 1.5) times their own
  median time between purchases.

Speed: customer ids are turned into integer codes once (free when the column
is categorical, as :func:`calc.upload.read` returns it) and every grouping
is a numpy ``bincount``, sort or ``reduceat`` on those codes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from calc.errors import DataError
from calc.history._prep import PERIODS, _prepare
from calc.history.breakdown import BREAKDOWN_COLUMNS, _breakdown, _tier_per_row, breakdown
from calc.history.churn import (
    MIN_FIRST_WINDOW_DAYS,
    YEAR_DAYS,
    YearlyChurn,
    _yearly_churn,
    require_yearly_churn,
    yearly_churn,
)
from calc.history.clv_inputs import ClvInputs, _clv_inputs, clv_inputs
from calc.history.cohorts import _cohorts, cohort_matrix, cohorts
from calc.history.customers import (
    AT_RISK_FACTOR,
    GAP_BINS,
    Lapsed,
    _customer_table,
    _gap_table,
    at_risk,
    customer_summary,
    lapsed,
    purchase_gaps,
)
from calc.history.first_weeks import (
    ArrGrowthMeasured,
    ContractionMeasured,
    EarlyCancellations,
    FirstRepeat,
    arr_growth_measured,
    contraction_measured,
    early_cancellations,
    first_repeat,
)
from calc.history.headline import Headline, _headline, customers_headline, headline
from calc.history.retention import _retention, retention
from calc.history.subscriptions import (
    SubscriptionSummary,
    churn_reasons,
    mrr_movements,
    subscription_summary,
)

__all__ = [
    "AT_RISK_FACTOR",
    "BREAKDOWN_COLUMNS",
    "GAP_BINS",
    "MIN_FIRST_WINDOW_DAYS",
    "PERIODS",
    "YEAR_DAYS",
    "ArrGrowthMeasured",
    "ClvInputs",
    "ContractionMeasured",
    "EarlyCancellations",
    "FirstRepeat",
    "Headline",
    "Lapsed",
    "OrdersAnalysis",
    "SubscriptionSummary",
    "YearlyChurn",
    "analyse",
    "arr_growth_measured",
    "at_risk",
    "breakdown",
    "churn_reasons",
    "clv_inputs",
    "cohort_matrix",
    "cohorts",
    "contraction_measured",
    "customer_summary",
    "customers_headline",
    "early_cancellations",
    "first_repeat",
    "headline",
    "lapsed",
    "mrr_movements",
    "purchase_gaps",
    "require_yearly_churn",
    "retention",
    "subscription_summary",
    "yearly_churn",
]


@dataclass(frozen=True, eq=False)
class OrdersAnalysis:
    """Every result of an order log, computed in one pass over shared groupings.

    Attributes
    ----------
    headline : Headline
    retention : dict
        ``"M"``, ``"Q"``, ``"Y"`` -> :func:`retention` table.
    cohorts : pandas.DataFrame
        :func:`cohorts`.
    gaps : pandas.DataFrame
        :func:`purchase_gaps`.
    customers : pandas.DataFrame
        :func:`customer_summary`.
    at_risk : pandas.DataFrame
        :func:`at_risk`.
    clv : ClvInputs
    breakdowns : dict
        Column name -> :func:`breakdown` table, for each category-like column
        present and for ``"tier"``.
    churn : YearlyChurn
        :func:`yearly_churn`, the headline churn (``clv.annual_churn``).
    """

    headline: Headline
    retention: dict[str, pd.DataFrame]
    cohorts: pd.DataFrame
    gaps: pd.DataFrame
    customers: pd.DataFrame
    at_risk: pd.DataFrame
    clv: ClvInputs
    breakdowns: dict[str, pd.DataFrame]
    churn: YearlyChurn | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by a short code, ready for :func:`calc.exports.to_xlsx` as sheet names.

        Codes: ``headline``, ``clv_inputs``, ``retention_month`` (and
        ``_quarter``, ``_year``), ``cohorts``, ``gaps``, ``customers``,
        ``at_risk``, then ``by <column>`` for each breakdown, named as in the
        file. The interface names the sheets in its user's language.
        """
        h = pd.DataFrame({"measure": list(self.headline.__dataclass_fields__)}).assign(
            value=[getattr(self.headline, k) for k in self.headline.__dataclass_fields__]
        )
        c = pd.DataFrame({"measure": list(self.clv.__dataclass_fields__)}).assign(
            value=[getattr(self.clv, k) for k in self.clv.__dataclass_fields__]
        )
        out = {"headline": h.astype({"value": "object"}), "clv_inputs": c}
        for key, name in PERIODS.items():
            out[f"retention_{name}"] = self.retention[key]
        out["cohorts"] = self.cohorts
        out["gaps"] = self.gaps
        out["customers"] = self.customers
        out["at_risk"] = self.at_risk
        for col, df in self.breakdowns.items():
            out[f"by {col}"] = df
        return out


def analyse(
    table: pd.DataFrame,
    *,
    as_of: pd.Timestamp | str | None = None,
    at_risk_factor: float = AT_RISK_FACTOR,
    breakdown_columns: tuple[str, ...] | None = None,
) -> OrdersAnalysis:
    """All results for an order log: headline, retention, cohorts, gaps, customers, breakdowns.

    Parameters
    ----------
    table : pandas.DataFrame
        Orders (``customer_id``, ``date``, ``amount``, optional columns).
    as_of : date, optional
        Day "days since last purchase" counts to; default the last date.
    at_risk_factor : float
        See :func:`at_risk`.
    breakdown_columns : tuple of str, optional
        Columns to break down by; default every one of category, product,
        channel, country, status present, plus ``"tier"``.

    Returns
    -------
    OrdersAnalysis

    Examples
    --------
    >>> t = pd.DataFrame({"customer_id": ["a", "b", "a", "c"],
    ...     "date": pd.to_datetime(["2026-01-05", "2026-01-20", "2026-02-10", "2026-02-01"]),
    ...     "amount": [100.0, 80.0, 50.0, 20.0]})
    >>> r = analyse(t)
    >>> r.headline.revenue, len(r.cohorts), r.customers["historic_clv"].tolist()
    (250.0, 3, [150.0, 80.0, 20.0])
    """
    p = _prepare(table)
    h = _headline(p)
    ret = {k: _retention(p, k) for k in PERIODS}
    churn = _yearly_churn(p)
    summary = _customer_table(p, None if as_of is None else pd.Timestamp(as_of))
    if breakdown_columns is None:
        breakdown_columns = (*(c for c in BREAKDOWN_COLUMNS if c in table.columns), "tier")
    breakdowns = {}
    for col in breakdown_columns:
        if col == "tier":
            values = _tier_per_row(p, summary["tier"])
        elif col in table.columns:
            values = table[col]
        else:
            raise DataError("orders.no_breakdown_column", name=str(col))
        breakdowns[col] = _breakdown(p, values)
    return OrdersAnalysis(
        headline=h,
        retention=ret,
        cohorts=_cohorts(p),
        gaps=_gap_table(p),
        customers=summary,
        at_risk=at_risk(summary, at_risk_factor),
        clv=_clv_inputs(h, ret["M"], churn),
        churn=churn,
        breakdowns=breakdowns,
    )
