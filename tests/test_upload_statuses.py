"""Order statuses, refunds, orders over several rows and currencies in files of any layout.

Hand-made files; the expected orders, customers and money are worked out in each test.
"""

from __future__ import annotations

import pytest

from calc import history
from calc.errors import DataError
from calc.upload import read
from calc.upload.currency import currency_from_header, which_kroner
from calc.upload.statuses import classify, classify_subscription, interval_months


def lines(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode()


@pytest.mark.parametrize(
    ("word", "cls"),
    [
        ("betalt", "kept"), ("kansellert", "cancelled"), ("refundert", "refunded"),
        ("Opłacone", "kept"), ("anulowane", "cancelled"), ("zwrócone", "refunded"),
        ("maksettu", "kept"), ("peruttu", "cancelled"), ("hyvitetty", "refunded"),
        ("paguar", "kept"), ("anuluar", "cancelled"), ("e rimbursuar", "refunded"),
        ("gennemført", "kept"), ("annulleret", "cancelled"), ("delvist refunderet",
        "partially_refunded"), ("wc-failed", "failed"), ("Pending payment", "pending"),
        ("on-hold", "pending"), ("checkout-draft", "draft"), ("Voided", "cancelled"),
        ("Succeeded", "kept"), ("nieudane", "failed"), ("odottaa maksua", "pending"),
    ],
)  # fmt: skip
def test_status_words_of_six_languages_and_the_platforms(word, cls):
    assert classify(word) == cls


def test_only_kept_money_counts_and_the_rest_is_listed_with_its_worth():
    data = lines(
        "kunde;dato;beløp (kr);status",
        "Ola;01.03.2026;100,00;betalt",
        "Ola;02.04.2026;50,00;kansellert",
        "Kari;03.03.2026;80,00;betalt",
        "Kari;04.03.2026;30,00;feilet",
        "Per;05.03.2026;40,00;refundert",
        "Per;06.03.2026;25,00;venter",
    )
    up = read(data, "salg.csv")
    h = history.analyse(up.table).headline
    assert h.revenue == pytest.approx(100 + 80)  # Per's refunded order keeps nothing
    assert h.orders == 3 and h.customers == 3
    nc = up.report.not_counted.set_index("status_class")
    assert nc.loc["cancelled", "orders"] == 1 and nc.loc["cancelled", "amount"] == 50.0
    assert nc.loc["failed", "amount"] == 30.0 and nc.loc["pending", "amount"] == 25.0
    assert nc.loc["refunded", "amount"] == 40.0
    # every row left out is in the skipped rows with its reason and value
    skipped = up.report.skipped
    assert skipped["row"].tolist() == [3, 5, 7]
    assert skipped["value"].tolist() == ["kansellert", "feilet", "venter"]
    assert up.report.currency == "NOK" and up.report.currency_source == "header"


def test_an_unknown_status_is_counted_and_named():
    up = read(
        lines("customer,date,amount,status", "a,2026-01-01,10,paid", "b,2026-01-02,5,zorg"), "x.csv"
    )
    assert up.report.unknown_statuses == ("zorg",)
    assert up.table["amount"].sum() == 15
    assert any(w.code == "upload.note.unknown_statuses" for w in up.report.warnings)


def test_a_file_where_every_order_failed_says_so():
    data = lines("customer,date,amount,status", "a,2026-01-01,10,failed", "b,2026-01-02,5,declined")
    with pytest.raises(DataError) as err:
        read(data, "x.csv")
    assert err.value.about.code == "upload.no_kept_orders" and err.value.column == "status"
    assert "2 orders" in str(err.value)


def test_the_user_chooses_which_statuses_count():
    data = lines(
        "customer,date,amount,status",
        "a,2026-01-01,10,paid",
        "b,2026-01-02,5,shipped",
        "c,2026-01-03,7,failed",
    )
    up = read(data, "x.csv", statuses=("paid", "failed"))
    assert up.table["amount"].tolist() == [10.0, 7.0]
    assert up.report.skipped["reason"].tolist() == ["upload.skip.status_excluded"]
    assert dict(up.report.statuses) == {"paid": "kept", "shipped": "kept", "failed": "failed"}


def test_a_refund_amount_nets_a_partly_refunded_order():
    data = lines(
        "order,customer,date,total,refunded amount",
        "1,a,2026-01-01,100.00,30.00",
        "2,a,2026-02-01,60.00,60.00",
        "3,b,2026-01-05,40.00,0.00",
    )
    up = read(data, "x.csv")
    assert up.mapping["refund_amount"] == "refunded amount"
    assert up.table["amount"].tolist() == [70.0, 0.0, 40.0]
    assert up.table["returned"].tolist() == [True, True, False]
    h = history.analyse(up.table).headline
    assert h.revenue == 110 and h.orders == 3 and h.return_rate == pytest.approx(2 / 3)


def test_an_order_total_on_its_first_row_counts_once_for_its_lines():
    data = lines(
        "order,customer,date,total,product",
        "A1,ola,2026-01-05,300.00,Kaffe",
        "A1,,,,Kopp",
        "A1,,,,Kanne",
        "A2,kari,2026-01-06,50.00,Te",
    )
    up = read(data, "x.csv")
    assert up.report.rows_skipped == 0
    t = up.table
    assert t["amount"].sum() == pytest.approx(350.0)
    assert t.loc[t["order_id"] == "A1", "amount"].tolist() == [100.0, 100.0, 100.0]
    assert t["customer_id"].astype(str).tolist() == ["ola", "ola", "ola", "kari"]
    h = history.analyse(t).headline
    assert h.orders == 2 and h.aov == pytest.approx(175.0)
    by_product = history.breakdown(t, "product").set_index("value")
    assert by_product.loc["Kopp", "orders"] == 1 and by_product.loc["Kopp", "revenue"] == 100.0


def test_an_order_number_with_two_customers_is_two_orders_and_is_said():
    data = lines("order,customer,date,amount", "7,a,2026-01-01,10", "7,b,2026-01-01,20")
    up = read(data, "x.csv")
    assert history.analyse(up.table).headline.orders == 2
    assert any(w.code == "upload.note.order_customers" for w in up.report.warnings)


def test_the_order_total_beats_a_subtotal_and_a_line_price():
    data = lines(
        "customer,date,subtotal,price,total",
        "a,2026-01-01,90.00,45.00,100.00",
        "b,2026-01-02,40.00,40.00,49.00",
    )
    up = read(data, "x.csv")
    assert up.mapping["amount"] == "total"
    assert up.report.amount_column == "total"
    assert up.report.amount_passed_over == ("subtotal", "price")


@pytest.mark.parametrize(
    ("header", "code"),
    [("Beløp (kr)", "kr"), ("Kwota (zł)", "PLN"), ("Summa (€)", "EUR"),
     ("Amount (USD)", "USD"), ("Shuma (Lekë)", "ALL"), ("Amount", None)],
)  # fmt: skip
def test_currency_in_the_amount_header(header, code):
    assert currency_from_header(header) == code


def test_kroner_are_told_apart_by_the_header_language_or_the_country():
    assert which_kroner(("Kundenr", "Dato", "Beløp (kr)"), None) == "NOK"
    assert which_kroner(("Kunde", "Dato", "Beløb (kr)"), None) == "DKK"
    up = read(
        lines("Kunde;Dato;Beløb (kr);Land", "A;01.02.2026;10;DK", "B;02.02.2026;5;DK"), "x.csv"
    )
    assert up.report.currency == "DKK"
    polish = read(lines("klient;data;Kwota (zł)", "A;01.02.2026;10,50", "B;03.02.2026;7"), "x.csv")
    assert polish.report.currency == "PLN" and polish.report.currency_source == "header"


def test_the_user_may_name_the_currency():
    up = read(
        lines("kunde;dato;beløp (kr)", "A;01.02.2026;10", "B;02.02.2026;5"), "x.csv", currency="SEK"
    )
    assert up.report.currency == "SEK" and up.report.currency_source == "override"


def test_subscription_prices_become_monthly_amounts_by_interval_and_quantity():
    data = lines(
        "kunde,start,pris,intervall,antall,status",
        "A,2026-01-01,120,måned,1,aktiv",
        "B,2026-01-01,1200,år,2,aktiv",
        "C,2026-01-01,300,kvartal,1,aktiv",
        "D,2026-01-01,99,måned,1,prøveperiode",
        "E,2026-01-01,10,fortnight,1,aktiv",
    )
    up = read(data, "abonnement.csv")
    assert up.shape == "subscriptions"
    assert up.table["mrr"].tolist() == pytest.approx([120.0, 200.0, 100.0])
    assert up.report.skipped["reason"].tolist() == [
        "upload.skip.subscription_trial",
        "upload.skip.interval_not_understood",
    ]


def test_subscription_statuses_and_intervals():
    assert [classify_subscription(s) for s in ("trialing", "past_due", "Oppsagt")] == [
        "trial",
        "unpaid",
        "ended",
    ]
    assert interval_months("year") == 12 and interval_months("miesiąc") == 1
