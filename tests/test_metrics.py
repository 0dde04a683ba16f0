"""Tests of calc.metrics: published and hand-worked examples, one test per input rule."""

import numpy as np
import pandas as pd
import pytest

from calc.errors import InputError
from calc.metrics import (
    NpsBreakdown,
    average_order_value,
    average_time_between_purchases,
    churn_rate,
    customer_retention_rate,
    days_sales_outstanding,
    existing_customer_revenue_growth,
    gross_revenue_retention,
    loyal_customer_rate,
    net_promoter_score,
    net_revenue_retention,
    nps_breakdown,
    product_return_rate,
    purchase_frequency,
    repeat_purchase_rate,
    revenue_churn_rate,
)

# --- worked examples -----------------------------------------------------------


def test_hubspot_retention_formula_hand_worked():
    """HubSpot, "Customer retention metrics": CRR = ((E - N) / S) x 100.

    S = 200, N = 40, E = 220: (220 - 40) / 200 = 0.90.
    """
    assert customer_retention_rate(200, 220, 40) == pytest.approx(0.90, abs=5e-3)


def test_agile_brand_guide_retention_example():
    """Agile Brand Guide, "Retention rate": 1,000 at the start, 250 won, 1,100 at the end.

    (1,100 - 250) / 1,000 = 85% (printed as a whole percent). The page's own
    working has a typo (1,110) but prints the right result.
    """
    assert customer_retention_rate(1_000, 1_100, 250) == pytest.approx(0.85, abs=5e-3)


def test_retention_edges():
    assert customer_retention_rate(100, 0, 0) == 0.0
    assert customer_retention_rate(100, 130, 30) == 1.0


def test_churn_rate_hand_worked():
    """500 customers at the start of the month, 450 of them still there: 50 / 500 = 10%."""
    assert churn_rate(500, 50) == pytest.approx(0.10, abs=5e-3)


def test_chartmogul_gross_mrr_churn_example():
    """ChartMogul Help Center, "Metric: MRR Churn Rate", Standard (B2B) setting.

    100 MRR at the start; 10 churned and 10 contraction: gross (10 + 10) / 100 = 20%.
    """
    assert revenue_churn_rate(100, 10, 10) == pytest.approx(0.20, abs=5e-3)


def test_chartmogul_net_mrr_churn_example():
    """Same ChartMogul example with 10 expansion: ((10 + 10) - 10) / 100 = 10%."""
    assert revenue_churn_rate(100, 10, 10, expansion_mrr=10) == pytest.approx(0.10, abs=5e-3)


def test_net_revenue_churn_can_be_negative():
    """Expansion of 30 against losses of 10: (10 - 30) / 100 = -20% ("negative churn")."""
    assert revenue_churn_rate(100, 10, 0, expansion_mrr=30) == pytest.approx(-0.20)


def test_nrr_and_grr_on_the_chartmogul_example():
    """100 start, 10 expansion, 10 contraction, 10 churned: NRR 90%, GRR 80%."""
    assert net_revenue_retention(100, 10, 10, 10) == pytest.approx(0.90)
    assert gross_revenue_retention(100, 10, 10) == pytest.approx(0.80)
    assert net_revenue_retention(100, 10, 10, 10) == pytest.approx(
        1 - revenue_churn_rate(100, 10, 10, expansion_mrr=10)
    )


def test_nrr_above_100pct_with_strong_expansion():
    assert net_revenue_retention(10_000, 2_000, 300, 700) == pytest.approx(1.10)


def test_ratios_hand_worked():
    assert repeat_purchase_rate(300, 1_200) == 0.25
    assert loyal_customer_rate(90, 1_200) == 0.075
    assert purchase_frequency(3_000, 1_200) == 2.5
    assert average_order_value(150_000, 3_000) == 50.0
    assert product_return_rate(45, 1_500) == pytest.approx(0.03)


def test_days_sales_outstanding_hand_worked():
    """50,000 receivables / 200,000 credit sales x 365 days = 91.25 days."""
    assert days_sales_outstanding(50_000, 200_000) == pytest.approx(91.25, abs=5e-3)
    assert days_sales_outstanding(10_000, 30_000, days=30) == pytest.approx(10.0)


def test_nps_reichheld_definition_hand_worked():
    """Reichheld (2003): NPS = % promoters (9-10) - % detractors (0-6).

    Ten answers: 3 promoters (10, 9, 9), 5 passives (8, 8, 7, 7, 7) and
    2 detractors (6, 2): 30% - 20% = +10.
    """
    result = nps_breakdown([10, 9, 9, 8, 8, 7, 7, 7, 6, 2])
    assert result == NpsBreakdown(promoters=3, passives=5, detractors=2, responses=10, score=10.0)
    assert net_promoter_score([10, 9, 9, 8, 8, 7, 7, 7, 6, 2]) == 10.0


def test_nps_extremes_and_array_inputs():
    assert net_promoter_score([10, 9]) == 100.0
    assert net_promoter_score((0, 6, 3)) == -100.0
    assert net_promoter_score([7, 8]) == 0.0
    assert net_promoter_score(np.array([10, 0, 8, 9])) == 25.0
    assert net_promoter_score(pd.Series([10.0, 0.0, 8.0, 9.0])) == 25.0
    assert net_promoter_score(np.int64(s) for s in [9, 9, 1]) == pytest.approx(100 / 3)


def test_existing_customer_revenue_growth_hand_worked():
    assert existing_customer_revenue_growth(80_000, 92_000) == pytest.approx(0.15)
    assert existing_customer_revenue_growth(80_000, 60_000) == pytest.approx(-0.25)


def test_average_time_between_purchases_hand_worked():
    """Two customers: one orders on days 0, 30, 90 (span 90, 2 gaps), one on days 0, 60.

    Total span 150 days over (5 orders - 2 customers) = 3 gaps: 50 days.
    """
    assert average_time_between_purchases(90, 3) == 45.0
    assert average_time_between_purchases(150, 5, customers=2) == 50.0


# --- one test per input rule ---------------------------------------------------


def test_rule_no_customers_at_start():
    with pytest.raises(InputError, match="nobody to keep or lose") as err:
        customer_retention_rate(0, 0, 0)
    assert err.value.field == "customers_start"


def test_rule_end_above_start_plus_new():
    with pytest.raises(InputError, match="cannot be more than customers at the start plus") as err:
        customer_retention_rate(100, 150, 20)
    assert err.value.field == "customers_end"


def test_rule_new_above_end():
    with pytest.raises(InputError, match=r"New customers \(30\) cannot be more than") as err:
        customer_retention_rate(100, 20, 30)
    assert err.value.field == "new_customers"


def test_rule_negative_count():
    with pytest.raises(InputError, match="cannot be negative") as err:
        customer_retention_rate(100, 90, -1)
    assert err.value.field == "new_customers"


def test_rule_count_given_as_text():
    with pytest.raises(InputError, match="must be a number") as err:
        churn_rate("500", 50)
    assert err.value.field == "customers_start"


def test_rule_lost_above_start():
    with pytest.raises(InputError, match=r"Customers lost \(120\) cannot be more") as err:
        churn_rate(100, 120)
    assert err.value.field == "customers_lost"


def test_rule_revenue_losses_above_starting_revenue():
    with pytest.raises(InputError, match="cannot be more than the recurring") as err:
        revenue_churn_rate(100, 80, 30)
    assert err.value.field == "churned_mrr"
    with pytest.raises(InputError, match="cannot be more than the recurring") as err:
        net_revenue_retention(100, 0, 30, 80)
    assert err.value.field == "churned"


def test_rule_no_starting_revenue():
    with pytest.raises(InputError, match="Recurring revenue at the start must be above 0") as err:
        gross_revenue_retention(0, 0, 0)
    assert err.value.field == "mrr_start"


def test_rule_negative_expansion():
    with pytest.raises(InputError, match="cannot be negative") as err:
        revenue_churn_rate(100, 10, 0, expansion_mrr=-5)
    assert err.value.field == "expansion_mrr"


def test_rule_negative_contraction_names_its_field():
    with pytest.raises(InputError, match="cannot be negative") as err:
        gross_revenue_retention(100, -1, 0)
    assert err.value.field == "contraction"


def test_rule_part_above_total():
    with pytest.raises(InputError, match=r"Repeat customers \(130\) cannot be more") as err:
        repeat_purchase_rate(130, 100)
    assert err.value.field == "repeat_customers"


def test_rule_no_total_customers():
    with pytest.raises(InputError, match="at least one customer") as err:
        loyal_customer_rate(0, 0)
    assert err.value.field == "total_customers"


def test_rule_no_customers_for_frequency():
    with pytest.raises(InputError, match="Customers must be above 0") as err:
        purchase_frequency(10, 0)
    assert err.value.field == "customers"


def test_rule_no_orders_for_average_order_value():
    with pytest.raises(InputError, match="at least one order") as err:
        average_order_value(100, 0)
    assert err.value.field == "orders"


def test_rule_returns_above_sales():
    with pytest.raises(InputError, match=r"Units returned \(20\) cannot be more") as err:
        product_return_rate(20, 10)
    assert err.value.field == "units_returned"


def test_rule_no_units_sold():
    with pytest.raises(InputError, match="at least one unit sold") as err:
        product_return_rate(0, 0)
    assert err.value.field == "units_sold"


def test_rule_no_credit_sales():
    with pytest.raises(InputError, match="some sales on credit") as err:
        days_sales_outstanding(1_000, 0)
    assert err.value.field == "credit_sales"


def test_rule_zero_day_period():
    with pytest.raises(InputError, match="period length") as err:
        days_sales_outstanding(1_000, 5_000, days=0)
    assert err.value.field == "days"


def test_rule_empty_score_list():
    with pytest.raises(InputError, match="No scores given") as err:
        net_promoter_score([])
    assert err.value.field == "scores"


def test_rule_score_outside_0_10():
    with pytest.raises(InputError, match="Score number 3 is 11") as err:
        net_promoter_score([9, 10, 11])
    assert err.value.field == "scores"
    with pytest.raises(InputError, match="Score number 1 is -1"):
        net_promoter_score(np.array([-1, 5]))


def test_rule_score_not_whole():
    with pytest.raises(InputError, match=r"Score number 2 is 7\.5") as err:
        nps_breakdown([9, 7.5])
    assert err.value.field == "scores"


def test_rule_score_missing_in_array():
    with pytest.raises(InputError, match="Score number 2 is empty") as err:
        nps_breakdown(np.array([9.0, np.nan]))
    assert err.value.field == "scores"


def test_rule_score_not_a_number():
    with pytest.raises(InputError, match="Score number 2 is True") as err:
        nps_breakdown([9, True])
    assert err.value.field == "scores"
    with pytest.raises(InputError, match="Score number 1 is '9'"):
        nps_breakdown(["9"])


def test_rule_scores_given_as_text():
    with pytest.raises(InputError, match="must be a list of whole numbers") as err:
        nps_breakdown("9 10 7")
    assert err.value.field == "scores"
    with pytest.raises(InputError, match="must be a list of whole numbers"):
        nps_breakdown(9)


def test_rule_growth_needs_starting_revenue():
    with pytest.raises(InputError, match="Growth is measured against it") as err:
        existing_customer_revenue_growth(0, 100)
    assert err.value.field == "revenue_start"


def test_rule_time_between_purchases_needs_repeat_orders():
    with pytest.raises(InputError, match="needs repeat purchases") as err:
        average_time_between_purchases(0, 2, customers=2)
    assert err.value.field == "orders"


def test_rule_time_between_purchases_needs_customers():
    with pytest.raises(InputError, match="Customers must be above 0") as err:
        average_time_between_purchases(10, 3, customers=0)
    assert err.value.field == "customers"
