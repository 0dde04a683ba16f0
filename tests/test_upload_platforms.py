"""Platform exports read as the platforms write them: only the money that was kept.

Fixtures in tests/fixtures/platforms/, laid out as each platform exports (sources in
SOURCES.md there). Every expected number is worked out by hand below from the fixture's rows.
Counting rule (issue 11): failed, cancelled, voided, pending and draft orders are not orders;
a fully refunded order is an order with no revenue; a partial refund is taken off its order.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from calc import history
from calc.upload import read

FIXTURES = Path(__file__).parent / "fixtures" / "platforms"


def load(name: str):
    up = read((FIXTURES / name).read_bytes(), name)
    return up, up.report


def headline(up):
    return history.analyse(up.table).headline


def not_counted(report) -> dict[str, tuple[int, float]]:
    nc = report.not_counted
    return {
        row.status_class: (int(row.orders), round(float(row.amount), 2))
        for row in nc.itertuples(index=False)
    }


def test_shopify_orders_export_counts_each_order_once_at_its_total():
    """Shopify Admin > Orders > Export: one row per line item, order fields on the first row.

    #1001 paid 677.00 (2 lines), #1002 paid 428.00, #1003 paid 278.00 (guest, no e-mail),
    #1004 partially_refunded 898.00 - 200.00, #1005 voided 428.00 (Cancelled at filled),
    #1006 refunded 228.00, #1007 pending 528.00, #1008 paid 761.40 (3 lines, discount),
    #1009 paid 278.00, #1010 paid 528.00.
    """
    up, r = load("shopify_orders.csv")
    assert r.platform == "shopify_orders" and r.shape_source == "platform"
    assert up.mapping["amount"] == "Total" and up.mapping["date"] == "Created at"
    assert "Subtotal" in r.amount_passed_over
    h = headline(up)
    # kept: 677 + 428 + 278 + (898 - 200) + 761.40 + 278 + 528; #1006 is an order with no revenue
    assert h.revenue == pytest.approx(3648.40, abs=0.005)
    assert h.orders == 8  # 7 kept + the refunded #1006; #1005 voided and #1007 pending are not
    # anna, bjorn, dawid by e-mail, the guest by billing name
    assert h.customers == 4
    assert "Kari Gjest" in set(up.table["customer_id"].astype(str))
    assert not_counted(r) == {
        "cancelled": (1, 428.00),
        "pending": (1, 528.00),
        "refunded": (1, 228.00),
        "partially_refunded": (1, 200.00),
    }
    assert sorted(r.skipped["reason"]) == [
        "upload.skip.status_cancelled",
        "upload.skip.status_pending",
    ]
    assert r.currency == "NOK" and r.currency_source == "column"
    # the lines of #1008 still feed the product breakdown, and add up to its total
    lines = up.table[up.table["order_id"] == "#1008"]
    assert len(lines) == 3 and lines["amount"].sum() == pytest.approx(761.40)
    assert lines["product"].nunique() == 3


def test_shopify_customers_export_drops_the_apostrophe_before_ids():
    """Customer ID is written '7234567890101 so that Excel keeps the digits."""
    up, r = load("shopify_customers.csv")
    assert r.platform == "shopify_customers" and up.shape == "customers"
    ids = up.table["customer_id"].astype(str).tolist()
    assert ids[0] == "7234567890101" and not any(i.startswith("'") for i in ids)
    # Total Spent: 1653.00 + 428.00 + 0 + 1289.40 + 0 + 0
    assert up.table["revenue"].sum() == pytest.approx(3370.40)
    assert (up.table["orders"] > 0).sum() == 4


def test_stripe_payments_export_leaves_out_failed_charges_and_nets_refunds():
    """unified_payments.csv: 10 charges in EUR.

    anna 3 x 49.00 Paid; bjorn 120.00 Paid with 20.00 refunded and 120.00 Failed;
    carla 75.00 Refunded and 75.00 Paid; dawid 30.00 Failed then 30.00 Paid;
    a payment by e-mail only (no Customer ID) of 15.00.
    """
    up, r = load("stripe_payments.csv")
    assert r.platform == "stripe_payments"
    h = headline(up)
    assert h.revenue == pytest.approx(49 * 3 + (120 - 20) + 75 + 30 + 15)  # 367.00
    assert h.orders == 8  # 7 kept + carla's refunded charge
    assert h.customers == 5  # four Customer IDs and one e-mail
    assert not_counted(r) == {
        "failed": (2, 150.00),
        "refunded": (1, 75.00),
        "partially_refunded": (1, 20.00),
    }
    assert r.currency == "EUR"


def test_stripe_subscriptions_export_is_read_as_subscriptions_with_monthly_amounts():
    """MRR = 299 + 2990/12 + 3 x 299 + 120 x 52/12 + 499 (active rows; yearly /12, weekly x52/12).

    Trialing (2 x 2990 / 12), past_due and unpaid (499 each) are kept apart from MRR.
    """
    up, r = load("stripe_subscriptions.csv")
    assert up.shape == "subscriptions" and r.platform == "stripe_subscriptions"
    summary = history.subscription_summary(up.table)
    assert summary.mrr == pytest.approx(299 + 2990 / 12 + 3 * 299 + 120 * 52 / 12 + 499, abs=0.01)
    assert not_counted(r) == {"trial": (1, round(2 * 2990 / 12, 2)), "unpaid": (2, 998.00)}
    ended = up.table["end"].notna()
    assert ended.sum() == 2  # the two canceled subscriptions, by Ended At
    assert r.currency == "NOK"


def test_woocommerce_export_takes_the_order_total_once_though_every_line_repeats_it():
    """Advanced Order Export for WooCommerce, default fields; 9 orders in 11 rows.

    Completed 1201 (680, 2 rows), Processing 1202 (430), Cancelled 1203 (430),
    Failed 1204 (280), Refunded 1205 (230), Completed 1206 (980, 150 refunded),
    Pending payment 1207 (280), On hold 1208 (430), Completed 1209 (585, 2 rows).
    """
    up, r = load("woocommerce_orders.csv")
    assert r.platform == "woocommerce_orders"
    h = headline(up)
    assert h.revenue == pytest.approx(680 + 430 + (980 - 150) + 585)  # 2,525.00
    assert h.orders == 5  # four kept and the refunded 1205
    assert h.customers == 3
    assert not_counted(r) == {
        "failed": (1, 280.0),
        "cancelled": (1, 430.0),
        "pending": (2, 710.0),  # Pending payment 280 + On hold 430
        "refunded": (1, 230.0),
        "partially_refunded": (1, 150.0),
    }


def test_square_transactions_net_a_refund_row_against_its_sale():
    """Kari 25 + 40; Ola 50 + 20; Lena 35 refunded by a Refund row of -35; a walk-in 12."""
    up, r = load("square_transactions.csv")
    assert r.platform == "square_transactions"
    h = headline(up)
    assert h.revenue == pytest.approx(25 + 40 + 50 + 20)  # the walk-in has no customer
    assert h.customers == 3
    assert r.skipped["reason"].tolist() == ["upload.skip.customer_missing"]
    assert not_counted(r) == {"refunded": (1, 35.0)}
    assert r.currency == "USD" and r.currency_source == "cells"


def test_etsy_sold_orders_take_the_refund_from_the_adjusted_total():
    """Dates are month-first (03/02/24 is 2 March 2024).

    46 + 31 + 66 (adjusted to 51) + 24 + 51 + 28 kept; Canceled 36; Fully Refunded 41.
    """
    up, r = load("etsy_sold_orders.csv")
    assert r.platform == "etsy_orders"
    h = headline(up)
    assert h.revenue == pytest.approx(46 + 31 + 51 + 24 + 51 + 28)  # 231.00
    assert h.customers == 4 and h.orders == 7
    assert up.table["date"].min().strftime("%Y-%m-%d") == "2024-03-02"
    assert not_counted(r) == {
        "cancelled": (1, 36.0),
        "refunded": (1, 41.0),
        "partially_refunded": (1, 15.0),
    }


def test_vipps_mobilepay_report_counts_captures_and_leaves_out_fees_and_payouts():
    """Kari 349 + 499 (100 refunded); Ola 249 (refunded) + 92; Lena 199 + 150; 6 fee/payout rows."""
    up, r = load("vipps_mobilepay_report.csv")
    assert r.platform == "vipps_mobilepay"
    h = headline(up)
    assert h.revenue == pytest.approx(349 + 399 + 92 + 199 + 150)  # 1,189.00
    assert h.customers == 3
    assert r.skipped["reason"].tolist() == ["upload.skip.status_not_sale"] * 6
    assert not_counted(r)["refunded"] == (1, 249.0)
    assert not_counted(r)["partially_refunded"] == (1, 100.0)


def test_an_unknown_layout_still_goes_through_general_detection():
    up = read(b"customer,date,amount\na,2026-01-01,10\nb,2026-01-02,20\n", "x.csv")
    assert up.report.platform is None and up.report.shape_source == "detected"
