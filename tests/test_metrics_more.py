"""calc.metrics_more and its health rules: worked examples and one test per input rule.

Oracles: Userpilot's activation example (1,000 sign-ups, 830 activated: 83%),
SurveyVista's CSAT example (480 of 600 answers 4-5: 80%), Skok (2009) for
K = invitations per customer x conversion, the geometric series for
customers after n cycles, and hand computations written out beside each
number.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from calc import business as biz
from calc import metrics_more as mm
from calc import thresholds as th
from calc.errors import InputError

# --- formulas against worked examples --------------------------------------------


def test_time_to_value_is_the_median_hand_worked():
    # sorted 1, 2, 2, 3, 3, 4, 5, 6, 8, 14: middle pair 3 and 4
    assert mm.time_to_value_days([2, 3, 1, 5, 8, 2, 4, 14, 3, 6]) == 3.5
    # odd count: the middle value; one value is its own median
    assert mm.time_to_value_days([30, 1, 2]) == 2.0
    assert mm.time_to_value_days([4.5]) == 4.5


def test_parse_days_reads_a_pasted_column_and_one_number():
    assert mm.parse_days("3, 1.5; 14\n2\t0") == [3.0, 1.5, 14.0, 2.0, 0.0]
    assert mm.parse_days(" 7 ") == [7.0]


def test_activation_rate_userpilot_worked_example():
    """Userpilot, "Customer activation rate": 830 of 1,000 new users activate, 83%."""
    assert mm.activation_rate(830, 1000) == pytest.approx(0.83, abs=5e-4)


def test_early_cancellation_hand_worked():
    assert mm.early_cancellation_rate(9, 120) == pytest.approx(0.075)
    assert mm.early_cancellation_rate(0, 5) == 0.0


def test_csat_surveyvista_worked_example():
    """SurveyVista, "CSAT benchmarks": 480 of 600 answers are 4 or 5, CSAT 80%."""
    result = mm.csat_breakdown([5] * 300 + [4] * 180 + [3] * 60 + [2] * 40 + [1] * 20)
    assert (result.satisfied, result.responses) == (480, 600)
    assert result.score == pytest.approx(0.80, abs=5e-4)


def test_csat_of_pasted_answers_hand_worked():
    # the worked example of the app: 16 of 20 answers are 4 or 5
    text = "5, 4, 4, 5, 3, 5, 2, 4, 5, 4, 5, 1, 4, 5, 3, 4, 5, 4, 5, 4"
    assert mm.csat_breakdown(mm.parse_ratings(text)).score == pytest.approx(0.80)


def test_support_backlog_median_age_hand_worked():
    # sorted 0.5, 1, 2, 3, 6, 10: middle pair 2 and 3
    result = mm.support_backlog(6, [3, 0.5, 10, 2, 1, 6])
    assert result == mm.Backlog(open_tickets=6, median_age_days=2.5)
    # one number typed is the median already known
    assert mm.support_backlog(40, [4.0]).median_age_days == 4.0


def test_contraction_hand_worked():
    # 12 downgrades lose 500 of 20,000 MRR: 500 / 20,000 = 2.5%
    result = mm.contraction(12, 500, 20_000)
    assert (result.downgrades, result.mrr) == (12, 500.0)
    assert result.share == pytest.approx(0.025)


def test_arr_growth_hand_worked():
    assert mm.arr_growth(300_000, 240_000) == pytest.approx(0.25)
    assert mm.arr_growth(216_000, 240_000) == pytest.approx(-0.10)
    assert mm.arr_growth(0, 240_000) == -1.0


def test_virality_skok_definition():
    """Skok (2009): K = invitations per customer x conversion of an invitation."""
    result = mm.virality(1000, 500, 60)
    assert result.invites_per_customer == 0.5
    assert result.conversion == pytest.approx(0.12)
    assert result.k == pytest.approx(0.5 * 0.12)


def test_viral_customers_is_the_geometric_series():
    # 100 + 50 + 25 + 12.5
    assert mm.viral_customers(100, 0.5, 3) == pytest.approx(187.5)
    # K = 1: one more generation of the same size each cycle
    assert mm.viral_customers(100, 1.0, 4) == 500.0
    # K = 2: 100 + 200 + 400 = 700; above 1 it grows on its own
    assert mm.viral_customers(100, 2.0, 2) == pytest.approx(700.0)
    # below 1 it levels off at seed / (1 - K)
    assert mm.viral_customers(1000, 0.06, 50) == pytest.approx(1000 / 0.94)


# --- verdicts against the lines of the business ------------------------------------


@pytest.mark.parametrize(
    ("health", "value", "business", "level"),
    [
        (th.time_to_value_health, 3.5, "other", "healthy"),
        (th.time_to_value_health, 3.5, "saas_small", "watch"),  # Userpilot: 1.5 days
        (th.time_to_value_health, 40.0, "other", "act"),
        (th.activation_health, 0.70, "other", "healthy"),
        (th.activation_health, 0.30, "saas_small", "watch"),  # Userpilot: 37.5%
        (th.activation_health, 0.10, "other", "act"),
        (th.early_cancel_health, 0.075, "other", "healthy"),
        (th.early_cancel_health, 0.12, "subscription_box", "watch"),
        (th.early_cancel_health, 0.16, "subscription_box", "act"),  # Recurly: 15% a month
        (th.csat_health, 0.80, "other", "healthy"),
        (th.csat_health, 0.80, "cafe", "watch"),  # restaurants average 84%
        (th.csat_health, 0.55, "online_shop", "act"),
        (th.ticket_age_health, 2.5, "other", "watch"),
        (th.ticket_age_health, 8.0, "other", "act"),
        (th.arr_growth_health, 0.05, "other", "watch"),
        (th.arr_growth_health, 0.20, "saas_small", "watch"),  # SaaS Capital median 25%
        (th.arr_growth_health, -0.05, "other", "act"),
        (th.virality_health, 0.06, "other", "watch"),
        (th.virality_health, 0.0, "other", "act"),
    ],
)
def test_verdicts_follow_the_line_of_the_business(health, value, business, level):
    assert health(value, business=business).level == level


def test_contraction_is_judged_per_month_compounded():
    # 2.5% of MRR in a year: 1 - 0.975 ** (1 / 12) = 0.21% a month, under 0.5%
    yearly = th.contraction_health(0.025, "year")
    assert yearly.value == pytest.approx(1 - 0.975 ** (1 / 12))
    assert yearly.level == "healthy"
    assert th.contraction_health(0.008, "month").level == "watch"
    assert th.contraction_health(0.012, "month").level == "act"


def test_virality_above_one_notes_that_growth_feeds_itself():
    verdict = th.virality_health(1.2)
    assert verdict.level == "healthy" and verdict.threshold == 1.0
    assert verdict.next_step.startswith("Above 1 every customer brings more than one")


def test_new_rules_have_sources_and_lines_of_their_own():
    for key in ("time_to_value", "activation", "early_cancel", "csat"):
        assert th.rule(key).source.startswith("Rule of thumb")
    assert "37.5%" in th.rule("activation", "saas_small").source
    assert "25%" in th.rule("arr_growth", "saas_small").source
    assert "84%" in th.rule("csat", "cafe").source
    assert th.rule("virality").unit == "coefficient"
    assert {x.rule for x in biz.LINES} >= {"activation", "csat", "arr_growth", "early_cancel"}


# --- one test per input rule, checking the field -------------------------------------

RULES = [
    (lambda: mm.parse_days("  "), "days", "Nothing to count"),
    (lambda: mm.parse_days(b"3"), "days", "Paste the answers or days as text"),
    (lambda: mm.parse_days("3, -1", "days_to_value"), "days_to_value", "Entry 2 is '-1'"),
    (lambda: mm.parse_days("3,5 dager"), "days", "Entry 3 is 'dager'"),
    (lambda: mm.time_to_value_days([]), "days_to_value", "Nothing to count"),
    (lambda: mm.time_to_value_days("3"), "days_to_value", "as text"),
    (lambda: mm.time_to_value_days([2, math.nan]), "days_to_value", "Entry 2 is 'nan'"),
    (lambda: mm.time_to_value_days([2, math.inf]), "days_to_value", "Entry 2 is 'inf'"),
    (lambda: mm.activation_rate(10, 0), "new_signups", "New customers must be above 0"),
    (lambda: mm.activation_rate(-1, 10), "activated", "Activated customers cannot be"),
    (lambda: mm.activation_rate(11, 10), "activated", r"Activated customers \(11"),
    (lambda: mm.early_cancellation_rate(1, 0), "started", "Subscriptions started must be"),
    (lambda: mm.early_cancellation_rate(6, 5), "cancelled_early", r"Early cancellations \(6"),
    (lambda: mm.parse_ratings("5, 4, 6"), "ratings", "Answer 3 is '6'"),
    (lambda: mm.parse_ratings(""), "ratings", "Nothing to count"),
    (lambda: mm.csat_breakdown([5, True]), "ratings", "Answer 2 is 'True'"),
    (lambda: mm.csat_breakdown([]), "ratings", "Nothing to count"),
    (lambda: mm.csat_breakdown(5), "ratings", "as text"),
    (lambda: mm.support_backlog(0, [2]), "open_tickets", "Unresolved tickets"),
    (lambda: mm.support_backlog(2.5, [2]), "open_tickets", "Unresolved tickets"),
    (lambda: mm.support_backlog(3, [1, 2]), "ticket_ages", "You pasted 2 ticket ages for 3"),
    (lambda: mm.support_backlog(3, [-1]), "ticket_ages", "Entry 1 is '-1'"),
    (lambda: mm.contraction(1, 100, 0), "mrr_start", "Recurring revenue at the start"),
    (lambda: mm.contraction(-1, 100, 1000), "downgrades", "Downgrades"),
    (lambda: mm.contraction(0, 100, 1000), "downgrades", "Downgrades are 0"),
    (lambda: mm.contraction(2, -5, 1000), "contraction", "Contraction"),
    (lambda: mm.contraction(2, 1500, 1000), "contraction", r"Contraction \(1500"),
    (lambda: mm.arr_growth(100, 0), "arr_year_before", "ARR a year before must be above 0"),
    (lambda: mm.arr_growth(-1, 100), "arr_end", "ARR now"),
    (lambda: mm.virality(0, 10, 1), "inviters", "Customers who could invite"),
    (lambda: mm.virality(10, 0, 0), "invitations", "Invitations sent must be above 0"),
    (lambda: mm.virality(10, 5, -1), "converted", "Invited who became customers"),
    (lambda: mm.virality(10, 5, 6), "converted", r"\(6\) cannot be more than invitations"),
    (lambda: mm.viral_customers(-1, 0.5, 3), "seed", "Customers at the start"),
    (lambda: mm.viral_customers(10, -0.5, 3), "k", "Virality coefficient"),
    (lambda: mm.viral_customers(10, 0.5, 0), "cycles", "Invitation cycles"),
    (lambda: th.time_to_value_health(-1), "days", "Days to first value"),
    (lambda: th.activation_health(1.5), "rate", "Activation rate"),
    (lambda: th.early_cancel_health(-0.1), "rate", "Early cancellation rate"),
    (lambda: th.csat_health(80), "score", "CSAT"),
    (lambda: th.ticket_age_health(-2), "days", "Ticket ages"),
    (lambda: th.contraction_health(1.2, "month"), "share", "Contraction"),
    (lambda: th.contraction_health(0.1, "week"), "period", "week"),
    (lambda: th.arr_growth_health(-1.5), "growth", "ARR growth cannot be below -100%"),
    (lambda: th.virality_health(-0.1), "k", "Virality coefficient"),
    (lambda: th.csat_health(0.8, business="bakery"), "business", "bakery"),
]


@pytest.mark.parametrize(("call", "field", "match"), RULES)
def test_each_input_rule_names_its_field(call, field, match):
    with pytest.raises(InputError, match=match) as err:
        call()
    assert err.value.field == field


# --- churn reasons from an uploaded subscription table (issue 18, item 2) ------------

#: A small subscription export, written for this test: four cancellations with reasons
#: in Stripe's feedback words, one without, two active subscriptions.
SUBSCRIPTIONS = (
    "customer_id,plan,start_date,end_date,monthly_amount,cancellation_reason\n"
    "C1,Pro,2024-01-05,2024-06-30,29.00,too_expensive\n"
    "C2,Basic,2024-02-01,2024-03-31,9.00,Too_expensive \n"
    "C3,Team,2024-02-10,2024-09-30,99.00,switched_service\n"
    "C4,Basic,2024-03-01,2024-04-30,9.00,\n"
    "C5,Pro,2024-03-15,,29.00,\n"
    "C6,Team,2024-04-01,,99.00,\n"
    "C7,Basic,2024-05-01,2024-07-31,9.00,missing_features\n"
)


def test_churn_reasons_from_an_upload_hand_worked():
    from calc import upload

    read = upload.read(SUBSCRIPTIONS.encode(), "subscriptions.csv")
    assert read.shape == "subscriptions" and "reason" in read.table.columns
    reasons = mm.churn_reasons(read.table)
    # switched_service 99; too_expensive 29 + 9 = 38; missing_features 9; none given 9 (1 each)
    assert reasons["churn_reason"].tolist() == [
        "switched_service",
        "too_expensive",
        "",
        "missing_features",
    ]
    assert reasons["cancelled"].tolist() == [1, 2, 1, 1]
    assert reasons["mrr_lost"].tolist() == [99.0, 38.0, 9.0, 9.0]
    assert reasons["share"].tolist() == pytest.approx([0.2, 0.4, 0.2, 0.2])


@pytest.mark.parametrize("header", ["Årsak", "Powód rezygnacji", "Peruutuksen syy", "Arsye"])
def test_a_reason_column_is_found_in_other_languages(header):
    from calc import upload

    data = SUBSCRIPTIONS.replace("cancellation_reason", header).encode()
    read = upload.read(data, "abonnementer.csv")
    assert read.mapping["reason"] == header


def test_churn_reasons_need_a_reason_column():
    with pytest.raises(InputError, match="no cancellation reason column") as err:
        mm.churn_reasons(pd.DataFrame({"end": [], "mrr": []}))
    assert err.value.field == "reason"
