"""Tests of the metrics the Retention metrics page derives from plain counts."""

import pytest

from calc.errors import InputError
from calc.metrics import churn_from_counts, days_in_period, parse_scores, purchase_interval_days


def test_churn_from_counts_hand_worked_on_hubspots_formula():
    """HubSpot's CRR = (E - N) / S; hand-worked: S=200, N=40, E=220 -> 90% kept, 10% churn.

    Customers lost = S + N - E = 200 + 40 - 220 = 20, and 20 / 200 = 0.10.
    """
    assert churn_from_counts(200, 220, 40) == pytest.approx(0.10)


def test_purchase_interval_hand_worked():
    """2,600 orders / 1,060 customers = 2.4528 a year; 365 / 2.4528 = 148.8 days."""
    assert purchase_interval_days(2600, 1060, "year") == pytest.approx(148.81, abs=5e-3)
    assert purchase_interval_days(3, 1, "month") == pytest.approx(365 / 12 / 3)


def test_days_in_period():
    assert [days_in_period(p) for p in ("month", "quarter", "year")] == [365 / 12, 91.25, 365]


def test_purchase_interval_needs_orders():
    with pytest.raises(InputError, match="Orders must be above 0") as err:
        purchase_interval_days(0, 10, "year")
    assert err.value.field == "orders"


def test_purchase_interval_needs_customers():
    with pytest.raises(InputError) as err:
        purchase_interval_days(10, 0, "year")
    assert err.value.field == "customers"


def test_parse_scores_accepts_commas_semicolons_spaces_and_lines():
    assert parse_scores("10,9; 8\n\n7  0") == [10, 9, 8, 7, 0]


@pytest.mark.parametrize("text", ["", "  ,; "])
def test_parse_scores_needs_an_answer(text):
    with pytest.raises(InputError, match="at least one answer") as err:
        parse_scores(text)
    assert err.value.field == "scores"


@pytest.mark.parametrize(("text", "bad"), [("10, 11", "11"), ("9, 7.5", "7.5"), ("-1", "-1")])
def test_parse_scores_quotes_the_bad_answer(text, bad):
    with pytest.raises(InputError, match=f"'{bad}'") as err:
        parse_scores(text)
    assert err.value.field == "scores"
