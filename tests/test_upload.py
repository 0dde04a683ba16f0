"""calc.upload.read on text files: formats, encodings, European numbers and dates, bad input.

Each tricky kind of file is built here in a few lines (or read from
tests/fixtures/upload/), so what is tested is visible next to the test.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import calc.upload
from calc.errors import DataError
from calc.history import headline
from calc.messages import LANGUAGES, Message, catalogue
from calc.upload import MAX_UPLOAD_BYTES, SKIP_REASONS, AmbiguousDateOrderError, read

FIXTURES = Path(__file__).parent / "fixtures" / "upload"
ROOT = Path(__file__).parent.parent


def lines(*rows: str, end: str = "\n") -> str:
    return end.join(rows) + end


ENGLISH = lines(
    "order_id,customer,date,amount",
    "1,C1,2026-01-05,100.00",
    "2,C2,2026-01-20,80.00",
    "3,C1,2026-02-10,50.00",
    "4,C3,2026-02-01,20.00",
    "5,C1,2026-03-01,-10.00",
)


def amounts(up) -> list[float]:
    return up.table["amount"].tolist()


# ------------------------------------------------------------------ happy path


def test_english_csv_maps_columns_and_types():
    up = read(ENGLISH.encode(), "orders.csv")
    assert up.shape == "orders"
    assert up.mapping == {
        "customer_id": "customer",
        "date": "date",
        "amount": "amount",
        "order_id": "order_id",
    }
    assert isinstance(up.table["customer_id"].dtype, pd.CategoricalDtype)
    assert up.table["date"].dtype == "datetime64[ns]"
    assert amounts(up) == [100.0, 80.0, 50.0, 20.0, -10.0]
    r = up.report
    assert (r.rows_read, r.rows_used, r.rows_skipped, r.blank_rows) == (5, 5, 0, 0)
    assert (r.separator, r.decimal, r.encoding, r.date_order) == (",", ".", "utf-8", "YMD")
    assert (r.date_min, r.date_max) == (pd.Timestamp("2026-01-05"), pd.Timestamp("2026-03-01"))
    assert r.refund_rows == 1
    assert r.header_row == 1
    assert r.shape_source == "detected"


def test_european_fixture_with_title_blank_and_total_rows():
    """Semicolons, decimal comma, thousands space, dd.mm.yyyy, a title above and a total below."""
    up = read((FIXTURES / "european_title_total.csv").read_bytes(), "salg.csv")
    r = up.report
    assert up.mapping["customer_id"] == "Kunde" and up.mapping["amount"] == "Beløp"
    assert amounts(up) == [1234.5, 99.0, -34.5, 2500.0]
    assert up.table["customer_id"].astype(str).tolist() == [
        "Ola Sørensen",
        "Łukasz Wójcik",
        "Ola Sørensen",
        "Päivi Mäkinen",
    ]
    assert up.table["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-11-23",
        "2026-11-24",
        "2026-12-01",
        "2026-12-13",
    ]
    assert (r.separator, r.decimal, r.date_order, r.header_row) == (";", ",", "DMY", 3)
    assert r.encoding == "utf-8-sig"
    assert r.blank_rows == 1
    assert r.skipped.to_dict("records") == [
        {"row": 9, "reason": "upload.skip.total_row", "column": "Kunde", "value": "Sum"}
    ]
    assert r.currency == "NOK"


# --------------------------------------------------------------- encodings


NAMES = ["Ola Sørensen", "Łukasz Wójcik", "Päivi Mäkinen", "Arbër Çela"]


def names_file(sep: str = ",") -> str:
    rows = [sep.join(["customer", "date", "amount"])]
    rows += [sep.join([n, f"2026-01-0{i + 1}", f"{10 * (i + 1)}.5"]) for i, n in enumerate(NAMES)]
    return lines(*rows, end="\r\n")


@pytest.mark.parametrize(
    ("encoding", "prefix", "expect"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("utf-16-le", b"\xff\xfe", "utf-16"),
        ("utf-16-be", b"\xfe\xff", "utf-16"),
        ("utf-16-le", b"", "utf-16-le"),
    ],
)
def test_unicode_encodings_keep_names(encoding, prefix, expect):
    data = prefix + names_file("\t").encode(encoding)
    up = read(data, "unicode.txt")
    assert up.table["customer_id"].astype(str).tolist() == NAMES
    assert up.report.encoding == expect
    assert up.report.separator == "\t"


def test_windows_1250_polish_export_keeps_names():
    """A Polish Windows export (code page 1250) was read as 1252: "Michał" became "Micha³"."""
    names = ["Łukasz Wójcik", "Michał Żak", "Agnieszka Kość", "Zofia Dąbrowska"]
    text = lines("klient;data;kwota", *(f"{n};0{i + 1}.02.2026;1,5" for i, n in enumerate(names)))
    up = read(text.encode("cp1250"), "eksport.csv")
    assert up.report.encoding == "cp1250"
    assert up.table["customer_id"].astype(str).tolist() == names


def test_windows_1252_with_pound_signs_stays_western():
    """The pound sign is "Ł" in code page 1250; next to a digit it is a currency, not a letter."""
    text = lines(
        "customer;date;amount", "Åse Sørensen;01.02.2026;£12.50", "Ëndrit Çela;02.02.2026;£7"
    )
    up = read(text.encode("cp1252"), "uk.csv")
    assert up.report.encoding == "cp1252"
    assert up.table["customer_id"].astype(str).tolist() == ["Åse Sørensen", "Ëndrit Çela"]


def test_windows_1252_keeps_names():
    names = ["Ola Sørensen", "Päivi Mäkinen", "Arbër Çela", "Jørgen Kjær"]
    text = lines("kunde;dato;beløp", *(f"{n};0{i + 1}.02.2026;1,5" for i, n in enumerate(names)))
    up = read(text.encode("cp1252"), "ansi.csv")
    assert up.report.encoding == "cp1252"
    assert up.mapping["amount"] == "beløp"
    assert up.table["customer_id"].astype(str).tolist() == names


def test_encoding_override_and_wrong_override():
    data = names_file().encode("utf-8")
    assert read(data, "x.csv", encoding="utf-8").report.encoding == "utf-8"
    with pytest.raises(DataError, match="cannot be read as ascii"):
        read(data, "x.csv", encoding="ascii")


# --------------------------------------------------------------- separators


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_every_separator(sep):
    text = lines(
        sep.join(["customer", "date", "amount", "note"]),
        sep.join(["a", "2026-01-01", "1.5", '"x, y; z | w"']),
        sep.join(["b", "2026-01-02", "2.5", "plain"]),
    )
    up = read(text.encode(), "x.txt")
    assert up.report.separator == sep
    assert amounts(up) == [1.5, 2.5]


def test_separator_override_and_invalid_separator():
    text = lines("customer;date;amount", "a;2026-01-01;1,5", "b;2026-01-02;2")
    assert read(text.encode(), "x.csv", sep=";").report.separator == ";"
    with pytest.raises(DataError, match="separator must be"):
        read(text.encode(), "x.csv", sep=":")


# ----------------------------------------------------------- numbers and money


@pytest.mark.parametrize(
    ("cells", "expected", "decimal"),
    [
        (["1.234,56", "99,50", "7"], [1234.56, 99.5, 7.0], ","),
        (["1 234,56", "1\u00a0000,00", "12"], [1234.56, 1000.0, 12.0], ","),
        (["1'234.56", "1\u2019000.50", "3.25"], [1234.56, 1000.5, 3.25], "."),
        (["kr 1 234,50", "1 234,50 zł", "kr 1.234,-"], [1234.5, 1234.5, 1234.0], ","),
        (["€12.50", "$1,200", "£7.05"], [12.5, 1200.0, 7.05], "."),
        (["-12,50", "(12,50)", "12,50-", "\u22123,00"], [-12.5, -12.5, -12.5, -3.0], ","),
        (["1,200", "2,500.75", "330"], [1200.0, 2500.75, 330.0], "."),
    ],
)
def test_amount_formats(cells, expected, decimal):
    text = "customer|date|amount\n" + "".join(
        f"c{i}|2026-01-0{i + 1}|{c}\n" for i, c in enumerate(cells)
    )
    up = read(text.encode(), "x.csv")
    assert amounts(up) == pytest.approx(expected)
    assert up.report.decimal == decimal


def test_currency_is_reported():
    text = lines("customer;date;amount", "a;2026-01-01;1 234,50 zł", "b;2026-01-02;12,00 zł")
    assert read(text.encode(), "x.csv").report.currency == "PLN"


def test_thousands_dots_without_decimals_follow_the_semicolon_hint():
    """'1.200' alone could be 1.2 or 1200; a semicolon file is European, so 1200."""
    text = lines("customer;date;amount", "a;2026-01-01;1.200", "b;2026-01-02;350")
    assert amounts(read(text.encode(), "x.csv")) == [1200.0, 350.0]
    assert amounts(read(text.encode(), "x.csv", decimal=".")) == [1.2, 350.0]


def test_dates_are_never_read_as_amounts_by_content():
    """No header: the dotted dates must become the date, the money the amount."""
    text = lines(
        "K1;23.11.2026;1.234,50", "K2;24.11.2026;99,00", "K1;25.11.2026;12,00", "K3;26.11.2026;5"
    )
    up = read(text.encode(), "noheader.csv")
    assert up.mapping == {"customer_id": "column 1", "date": "column 2", "amount": "column 3"}
    assert amounts(up) == [1234.5, 99.0, 12.0, 5.0]
    assert up.report.header_row is None


# -------------------------------------------------------------------- dates


def dated(*values: str, sep: str = ",") -> bytes:
    rows = [f"c{i}{sep}{v}{sep}10" for i, v in enumerate(values)]
    return lines(sep.join(["customer", "date", "amount"]), *rows).encode()


def test_day_first_decided_from_data():
    up = read(dated("23/11/2026", "01/12/2026 13:05"), "x.csv")
    assert up.report.date_order == "DMY" and up.report.date_order_source == "data"
    assert up.table["date"].tolist() == [
        pd.Timestamp("2026-11-23"),
        pd.Timestamp("2026-12-01 13:05"),
    ]


def test_month_first_decided_from_data():
    up = read(dated("11/23/2026", "12/01/2026 1:05 PM"), "x.csv")
    assert up.report.date_order == "MDY"
    assert up.table["date"].tolist() == [
        pd.Timestamp("2026-11-23"),
        pd.Timestamp("2026-12-01 13:05"),
    ]


def test_ambiguous_slashed_dates_ask_the_user():
    data = dated("01/02/2026", "03/04/2026", "05/06/2026")
    with pytest.raises(AmbiguousDateOrderError) as info:
        read(data, "x.csv")
    err = info.value
    assert isinstance(err, DataError)
    assert err.column == "date" and err.examples[0] == "01/02/2026"
    assert "day/month/year or month/day/year" in err.message
    up = read(data, "x.csv", date_order="MDY")
    assert up.table["date"].iloc[0] == pd.Timestamp("2026-01-02")
    assert up.report.date_order_source == "override"
    assert read(data, "x.csv", date_order="DMY").table["date"].iloc[0] == pd.Timestamp("2026-02-01")


def test_ambiguous_dotted_dates_are_day_first_by_convention():
    up = read(dated("01.02.2026", "03.04.2026", sep=";"), "x.csv")
    assert up.report.date_order_source == "convention"
    assert up.table["date"].iloc[0] == pd.Timestamp("2026-02-01")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-11-23T10:15:00Z", "2026-11-23 10:15"),
        ("2026-11-23 10:15", "2026-11-23 10:15"),
        ("2026/11/23", "2026-11-23"),
        ("23.11.26", "2026-11-23"),
        ("20261123", "2026-11-23"),
        ("23 Nov 2026", "2026-11-23"),
    ],
)
def test_date_formats(cell, expected):
    up = read(dated(cell, cell), "x.csv")
    assert up.table["date"].iloc[0] == pd.Timestamp(expected)


def test_bad_override_values():
    with pytest.raises(DataError, match="date order"):
        read(ENGLISH.encode(), "x.csv", date_order="DM")
    with pytest.raises(DataError, match="decimal mark"):
        read(ENGLISH.encode(), "x.csv", decimal=";")
    with pytest.raises(DataError, match="kind of table"):
        read(ENGLISH.encode(), "x.csv", shape="invoices")
    with pytest.raises(TypeError, match="colour"):
        read(ENGLISH.encode(), "x.csv", colour="red")
    with pytest.raises(TypeError, match="bytes"):
        read(ENGLISH, "x.csv")


# ------------------------------------------------------------- column names


@pytest.mark.parametrize(
    "header",
    [
        "Kundenr;Ordredato;Beløp",  # Norwegian
        "Kundenummer;Dato;Beløb",  # Danish
        "ID klienta;Data zamówienia;Kwota",  # Polish
        "Asiakasnumero;Päivämäärä;Summa",  # Finnish
        "Klienti;Data e porosisë;Shuma",  # Albanian
        "klient;data;kwota",
        "asiakas;pvm;yhteensä",
        "Customer Email;Created At;Order Total",
    ],
)
def test_column_names_in_our_languages(header):
    text = lines(header, "a;2026-01-01;10,5", "b;2026-01-02;7", "a;2026-01-03;1")
    up = read(text.encode(), "x.csv")
    assert list(up.mapping.values())[:3] == header.split(";")
    assert amounts(up) == [10.5, 7.0, 1.0]


def test_mapping_override_wins_and_unknown_column_is_reported():
    text = lines("buyer,seller,date,amount", "a,x,2026-01-01,1", "b,x,2026-01-02,2")
    up = read(text.encode(), "x.csv", mapping={"customer_id": "seller"})
    assert up.mapping["customer_id"] == "seller"
    assert up.table["customer_id"].astype(str).tolist() == ["x", "x"]
    with pytest.raises(DataError, match="no column 'client'") as info:
        read(text.encode(), "x.csv", mapping={"customer_id": "client"})
    assert info.value.column == "client"


def test_optional_columns_and_returned_flags():
    text = lines(
        "Ordrenr;Kunde;Navn;Dato;Beløp;Kategori;Antall;Returnert;Kanal;Land",
        "1;K1;Ola;01.02.2026;10;Sko;1;nei;web;NO",
        "2;K2;Kari;02.02.2026;20;Klær;2;ja;app;NO",
        "3;K1;Ola;03.02.2026;30;Sko;1;;web;SE",
    )
    up = read(text.encode(), "x.csv")
    t = up.table
    assert {"order_id", "customer_name", "category", "quantity", "returned"} <= set(t.columns)
    assert t["returned"].tolist() == [False, True, False]
    assert t["quantity"].tolist() == [1.0, 2.0, 1.0]
    assert t["order_id"].tolist() == ["1", "2", "3"]
    assert t["category"].astype(str).tolist() == ["Sko", "Klær", "Sko"]


def test_status_column_marks_returns_and_a_refunded_order_keeps_no_revenue():
    text = lines(
        "customer,date,amount,status",
        "a,2026-01-01,5,Completed",
        "b,2026-01-02,6,Returned",
        "c,2026-01-03,7,zwrot",
    )
    table = read(text.encode(), "x.csv").table
    assert table["returned"].tolist() == [False, True, True]
    assert table["amount"].tolist() == [5.0, 0.0, 0.0]


# ----------------------------------------------------------- skipped rows


def test_bad_rows_are_skipped_with_row_numbers_and_reasons():
    text = lines(
        "customer,date,amount",
        "a,2026-01-01,10",
        ",2026-01-02,11",
        "b,soon,12",
        "c,2026-01-04,n/a",
        "d,2026-01-05,",
        "",
        "e,,14",
        "f,2026-01-07,15",
    )
    up = read(text.encode(), "x.csv")
    skipped = up.report.skipped
    assert skipped[["row", "reason", "value"]].to_dict("records") == [
        {"row": 3, "reason": "upload.skip.customer_missing", "value": ""},
        {"row": 4, "reason": "upload.skip.date_not_understood", "value": "soon"},
        {"row": 5, "reason": "upload.skip.amount_not_understood", "value": "n/a"},
        {"row": 6, "reason": "upload.skip.amount_missing", "value": ""},
        {"row": 8, "reason": "upload.skip.date_missing", "value": ""},
    ]
    assert up.report.rows_used == 2 and up.report.blank_rows == 1
    assert up.report.rows_skipped == 5
    assert any("5 of 7 rows were skipped" in w.text() for w in up.report.warnings)


def test_row_numbers_after_an_empty_line_deep_in_a_large_file():
    # 30,000 rows (about 660 kB): the lines are counted in steps of 256 kB, and one empty
    # line anywhere must move every later row number by one
    rows = [f"c{i % 500},2026-01-{1 + i % 28:02d},{10 + i % 7}" for i in range(30_000)]
    rows[25_000] = ",2026-01-02,11"  # no customer: reported with its line number
    text = "\n".join(["customer,date,amount", *rows[:20_000], "", *rows[20_000:]]) + "\n"
    up = read(text.encode(), "x.csv")
    skipped = up.report.skipped
    # header on line 1, rows[i] on line i + 2 before the empty line and i + 3 after it
    assert skipped[["row", "reason"]].to_dict("records") == [
        {"row": 25_003, "reason": "upload.skip.customer_missing"}
    ]
    assert (up.report.rows_used, up.report.blank_rows) == (29_999, 1)


@pytest.mark.parametrize("size", [0, 1, 2**18 - 1, 2**18, 2**18 + 1, 3 * 2**18 + 5])
def test_line_feeds_are_counted_across_the_counting_steps(size):
    from calc.upload.sniff import _line_breaks

    rng = np.random.default_rng(size)
    body = rng.choice(np.frombuffer(b"ab,\n\r", dtype=np.uint8), size).tobytes()
    if size > 2**18:  # a line feed on each side of the first step's edge
        body = body[: 2**18 - 1] + b"\n\n" + body[2**18 + 1 :]
    assert _line_breaks(body) == body.count(b"\n")


def test_ragged_lines_are_reported():
    text = lines("customer,date,amount", "a,2026-01-01,10", "Totals: 10", "b,2026-01-02,1,extra")
    up = read(text.encode(), "x.csv")
    assert amounts(up) == [10.0]
    assert up.report.skipped["row"].tolist() == [3, 4]
    assert up.report.rows_read == 3


def test_total_rows_in_several_languages():
    text = lines(
        "kunde;dato;beløp",
        "a;01.02.2026;10",
        "Totalt;;10",
        "Razem:;;10",
        "Yhteensä;;10",
        "Gjithsej;;10",
    )
    up = read(text.encode(), "x.csv")
    assert up.report.skipped["reason"].unique().tolist() == ["upload.skip.total_row"]
    assert up.report.skipped["row"].tolist() == [3, 4, 5, 6]


# ------------------------------------------------------------- bad input


def test_empty_file():
    for data in (b"", b"   \r\n\t", b"\xef\xbb\xbf"):
        with pytest.raises(DataError, match="is empty"):
            read(data, "empty.csv")


def test_binary_garbage():
    data = np.random.default_rng(0).integers(0, 256, 4000, dtype=np.uint8).tobytes()
    with pytest.raises(DataError, match="does not contain readable text"):
        read(data, "garbage.csv")


def test_png_renamed_to_csv():
    data = (FIXTURES / "image_renamed.csv").read_bytes()
    assert data.startswith(b"\x89PNG")
    with pytest.raises(DataError, match="is a PNG image, not a spreadsheet"):
        read(data, "image_renamed.csv")


@pytest.mark.parametrize(
    ("magic", "what"), [(b"%PDF-1.7\n", "PDF"), (b"\xff\xd8\xff\xe0", "JPEG"), (b"GIF89a", "GIF")]
)
def test_other_non_spreadsheets(magic, what):
    with pytest.raises(DataError, match=what):
        read(magic + b"\x00" * 100, "x.csv")


def test_text_named_like_a_workbook():
    with pytest.raises(DataError, match="named like a workbook"):
        read(ENGLISH.encode(), "orders.xlsx")


def test_header_only():
    with pytest.raises(DataError, match="header but no rows"):
        read(b"customer,date,amount\n", "x.csv")
    with pytest.raises(DataError, match="header but no rows"):
        read(b"customer,date,amount\n,,\n\n", "x.csv")


def test_all_rows_invalid():
    text = lines("customer,date,amount", "a,2026-01-01,n/a", "b,2026-01-02,tbd")
    with pytest.raises(DataError, match=r"No row could be used") as info:
        read(text.encode(), "x.csv")
    err = info.value
    assert err.column == "amount" and err.rows == (2, 3) and err.example == "n/a"
    assert "row 2" in err.message and "'amount'" in err.message
    assert err.about.code == "upload.no_usable_row" and err.about.values["row"] == 2
    reason = catalogue("nb")["upload.skip.amount_not_understood"]
    assert f"2: {reason} (" in err.text("nb") and "«amount»" in err.text("nb")


def test_skip_reasons_are_codes_with_a_text_in_every_language():
    """The ``reason`` column holds codes; the interface shows ``Message(code).text(language)``."""
    english = {code for code in catalogue("en") if code.startswith("upload.skip.")}
    assert set(SKIP_REASONS) == english
    text = lines("customer,date,amount", ",2026-01-02,11", "b,soon,12", "c,2026-01-03,1")
    reasons = read(text.encode(), "x.csv").report.skipped["reason"].tolist()
    assert reasons == ["upload.skip.customer_missing", "upload.skip.date_not_understood"]
    assert Message(reasons[0]).text() == "customer is missing"
    for language in LANGUAGES:
        assert all(SKIP_REASONS[code].text(language) for code in reasons)


def test_single_column_file():
    with pytest.raises(DataError, match="only one column"):
        read(lines("customer", "a", "b").encode(), "x.csv")


def test_over_the_size_limit():
    """One limit, said the same way by the uploader and by calc (issue 15).

    The browser counts server.maxUploadSize in megabytes of 1,000,000 bytes
    (1,048,576 on Windows); calc counts the same, so one byte over the limit
    reaches calc's own message, which says 200.1 MB, never "200 MB; the limit
    is 200 MB".
    """
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == calc.upload.MAX_UPLOAD_MB == 200
    assert MAX_UPLOAD_BYTES == 200_000_000
    with pytest.raises(DataError, match=r"The file is 200\.1 MB; the limit is 200 MB"):
        read(b"a" * (MAX_UPLOAD_BYTES + 1), "big.csv")


def test_single_customer_and_one_day():
    text = lines("customer,date,amount", "a,2026-01-01,10", "a,2026-01-01,5")
    up = read(text.encode(), "x.csv")
    assert any("one customer" in w.text() for w in up.report.warnings)
    assert any("one day" in w.text() for w in up.report.warnings)
    assert amounts(up) == [10.0, 5.0]


def test_wrong_shape():
    text = lines("sku,name,price", "A1,Shoe,10", "A2,Hat,5")
    with pytest.raises(DataError, match="does not look like"):
        read(text.encode(), "catalogue.csv")


def test_forced_shape_that_does_not_fit():
    with pytest.raises(DataError, match="number of orders per customer"):
        read(ENGLISH.encode(), "x.csv", shape="customers")
    assert read(ENGLISH.encode(), "x.csv", shape="orders").report.shape_source == "override"


# ------------------------------------------------------ customers, subscriptions


def test_customers_file():
    text = lines(
        "ID klienta;Pierwszy zakup;Ostatni zakup;Liczba zamówień;Przychód",
        "K1;2025-01-02;2025-06-01;3;1 234,50 zł",
        "K2;2025-02-03;2025-02-03;1;99,00 zł",
        "Razem;;;4;1 333,50 zł",
    )
    up = read(text.encode(), "klienci.csv")
    assert up.shape == "customers"
    assert up.table["revenue"].tolist() == [1234.5, 99.0]
    assert up.table["orders"].tolist() == [3.0, 1.0]
    assert up.report.currency == "PLN"
    assert up.report.skipped["reason"].tolist() == ["upload.skip.total_row"]


def test_customers_rfm_summary():
    text = lines(
        "customer_id,frequency,recency,T,monetary_value",
        "a,2,30,60,10.5",
        "b,0,0,40,0",
        "a,1,1,1,1",
    )
    up = read(text.encode(), "rfm.csv")
    assert up.shape == "customers"
    assert set(up.table.columns) >= {"frequency", "recency", "T", "monetary_value"}
    assert any("more than one row" in w.text() for w in up.report.warnings)


def test_subscriptions_file_with_active_rows():
    text = lines(
        "customer,plan,start date,end date,monthly price",
        "a,Pro,2026-01-01,,29",
        "b,Basic,2026-01-10,2026-03-15,9",
        "c,Basic,2026-02-10,2026-01-15,9",
    )
    up = read(text.encode(), "subs.csv")
    assert up.shape == "subscriptions" and up.report.layout == "long"
    assert up.table["end"].isna().tolist() == [True, False]
    assert up.table["mrr"].tolist() == [29.0, 9.0]
    assert up.report.skipped["reason"].tolist() == ["upload.skip.ends_before_start"]


def test_wide_revenue_per_month():
    text = lines(
        "Kunde;Jan 2026;Feb 2026;Mar 2026;2026-04",
        "a;100;100;;120",
        "b;50;50;50;",
    )
    up = read(text.encode(), "wide.csv")
    assert up.shape == "subscriptions" and up.report.layout == "wide"
    t = up.table
    assert list(t.columns) == ["customer_id", "month", "mrr"]
    assert len(t) == 6
    assert t.groupby("month")["mrr"].sum().tolist() == [150.0, 150.0, 50.0, 120.0]


def test_sample_files_read_cleanly():
    for path in sorted((ROOT / "samples").glob("*.csv")):
        up = read(path.read_bytes(), path.name)
        assert up.report.rows_skipped == 0, path.name
        assert up.report.unused_columns == (), path.name


def test_large_file_that_is_not_utf8_after_all():
    """Large files skip the full decode in Python; a Windows-1252 letter deep inside still works."""
    rows = ["kunde;dato;sum"] + [f"K{i};01.02.2026;{i},50" for i in range(200_000)]
    data = "\n".join([*rows, "Jørgen Kjær;02.02.2026;1,00"]).encode("cp1252")
    assert len(data) > 4_000_000 and data[:200_000].isascii()
    up = read(data, "stor.csv")
    assert up.report.encoding == "cp1252"
    assert up.table["customer_id"].astype(str).iloc[-1] == "Jørgen Kjær"
    assert up.mapping["amount"] == "sum" and up.report.rows_used == 200_001


def test_large_utf8_file_read_without_a_full_decode():
    """Over 4 MB, only the head is decoded in Python; a character cut at its end is fine."""
    first = "kunde;dato;beløp\n"
    pad = "x" * (200_000 - len(first.encode()) - len("K;01.02.2026;1,00\n") - 1)
    lines = [first.rstrip("\n"), f"K{pad};01.02.2026;1,00", "Åse;01.02.2026;2,00"]
    data = ("\n".join(lines) + "\n").encode() + b"".join(
        f"K{i};02.02.2026;{i},50\n".encode() for i in range(250_000)
    )
    assert data[199_999:200_001] == "Å".encode()  # the head ends inside Å
    up = read(data, "big.csv")
    assert up.report.encoding == "utf-8" and up.report.rows_used == 250_002
    assert up.table["customer_id"].astype(str).iloc[1] == "Åse"


def test_old_mac_line_endings_and_utf16_big_endian():
    text = "customer,date,amount\rÅse,2026-01-01,1.5\rÇela,2026-01-02,2\r"
    assert read(text.encode(), "mac.csv").table["amount"].tolist() == [1.5, 2.0]
    up = read(names_file("\t").encode("utf-16-be"), "be.txt")
    assert up.report.encoding == "utf-16-be"
    assert up.table["customer_id"].astype(str).tolist() == NAMES


def test_utf8_override_on_a_file_with_bom():
    up = read(b"\xef\xbb\xbf" + ENGLISH.encode(), "x.csv", encoding="utf-8")
    assert up.report.columns[0] == "order_id"


def test_control_characters_are_not_text():
    with pytest.raises(DataError, match="does not contain readable text"):
        read(bytes(range(1, 32)) * 50, "x.csv")


def test_only_no_break_spaces_is_empty():
    with pytest.raises(DataError, match="is empty"):
        read(b"\xa0\xa0\xa0", "x.csv")


def test_a_list_without_columns():
    with pytest.raises(DataError, match="only one column"):
        read(b"a\nb\nc\n", "x.csv")


def test_a_defect_in_reading_the_cells_is_a_message_not_a_traceback(monkeypatch):
    # The worker only reads the cells; their interpretation runs in this process and
    # must turn a defect of ours into the same message the worker gives.
    def broken(*args, **kwargs):
        raise AttributeError("'pyarrow.lib.ChunkedArray' object has no attribute 'dictionary'")

    monkeypatch.setitem(calc.upload.BUILDERS, "orders", broken)
    with pytest.raises(DataError) as caught:
        read(b"customer,date,amount\nA,2024-01-05,1\n", "x.csv")
    assert caught.value.about.code == "guard.failed"
    assert isinstance(caught.value.__cause__, AttributeError)


@pytest.mark.parametrize("order", ["up", "down", "shuffled"])
@pytest.mark.parametrize("spread", ["wide", "run"])
def test_order_codes_are_equal_exactly_where_the_numbers_are(order, spread):
    from calc.upload.order_log import _order_codes

    rng = np.random.default_rng(7)
    if spread == "wide":  # 1 to 15 digits
        numbers = rng.integers(1, 10**15, 2_000) // 10 ** rng.integers(0, 15, 2_000)
    else:  # 1001, 1002, ... with gaps, as a shop numbers its orders
        numbers = 1001 + np.cumsum(rng.integers(1, 5, 2_000))
    numbers = np.repeat(np.sort(numbers), rng.integers(1, 4, 2_000))  # lines of an order
    numbers = {"up": numbers, "down": numbers[::-1], "shuffled": rng.permutation(numbers)}[order]
    codes = _order_codes(pa.array(numbers.astype(str)))
    expected = pd.factorize(numbers.astype(str))[0]  # the text, hashed
    assert codes.dtype == np.int64
    assert codes.min() == 0 and codes.max() == expected.max()  # 0, 1, ... without gaps
    pairs = np.unique(np.stack([codes, expected]), axis=1)
    assert pairs.shape[1] == expected.max() + 1  # the same rows share a code
    # a leading zero, a sign or a decimal point is another order number than the plain one
    assert _order_codes(pa.array(["0012", "12", "12"])).tolist() == [0, 1, 1]
    written = pa.array(["0012", "12", "+12", "12.0", "12", ""])
    assert _order_codes(written).tolist() == [0, 1, 2, 3, 1, -1]


@pytest.mark.parametrize(
    ("ids", "orders"),
    [
        (["1001", "1001", "1002"], 2),  # plain numbers: counted as integers
        (["#1001", "#1001", "#1002"], 2),  # Shopify's names: as text
        (["0012", "12", "12"], 2),  # a leading zero is another number
        (["1001", "", "1002"], 3),  # an empty cell is an order of its own
        (["1003", "1003", "1002", "1001", "1001"], 3),  # newest first, lines together
        (["1001", "1002", "1002", "1010"], 3),  # oldest first
        (["+1001", "1001", "1001"], 2),  # a sign is written text
        (["1001.0", "1001", "1001"], 2),  # so is a decimal point
        (["1234567890123456789", "1234567890123456789", "1"], 2),  # 19 digits: as text
    ],
)
def test_order_numbers_group_lines_whatever_they_look_like(ids, orders):
    rows = "\n".join(f"{i},A,2024-01-05,10" for i in ids)
    up = read(f"order,customer,date,amount\n{rows}\n".encode(), "x.csv")
    assert up.table["amount"].sum() == pytest.approx(10.0 * len(ids))
    assert up.table["order_id"].tolist() == ids
    assert headline(up.table).orders == orders


@pytest.mark.parametrize(
    "case", ["together", "guest_line", "two_customers", "no_number", "apart", "descending"]
)
def test_orders_by_number_alone_group_as_the_two_sorts_would(case, monkeypatch):
    # When each order number has one customer, the numbers are the orders
    # (order_log._by_number: one sort of the rows, none when they stand sorted); the
    # grouping must be the one the general way's two sorts give, which still runs otherwise.
    from calc.upload import order_log

    rng = np.random.default_rng(11)
    lines = rng.integers(1, 4, 3_000)  # lines per order
    codes = np.repeat(np.arange(3_000), lines)
    cust = np.repeat(rng.integers(0, 800, 3_000), lines)
    n = len(codes)
    later_line = np.flatnonzero(np.diff(codes) == 0)[3] + 1  # not an order's first line
    if case == "guest_line":  # a line without the customer: it takes the order's
        cust[later_line] = -1
    if case == "two_customers":  # another customer under the same number: another order
        cust[later_line] += 1
    if case == "no_number":
        codes[10] = -1
    if case == "apart":  # an order's lines scattered over the file
        shuffle = rng.permutation(n)
        codes, cust = codes[shuffle], cust[shuffle]
    if case == "descending":
        codes = codes.max() - codes
    by_number = order_log._by_number(codes, cust)
    assert (by_number is not None) == (case in ("together", "apart", "descending"))
    fast = order_log._Orders(n, cust, codes)
    monkeypatch.setattr(order_log, "_by_number", lambda codes, cust: None)
    sort = order_log._Orders(n, cust, codes)
    assert (fast.order is None) == (case == "together")
    order = np.arange(n) if fast.order is None else fast.order
    np.testing.assert_array_equal(fast.group, sort.group)
    np.testing.assert_array_equal(order, sort.order)
    np.testing.assert_array_equal(fast.starts, sort.starts)
    np.testing.assert_array_equal(fast.size, sort.size)
    np.testing.assert_array_equal(fast.cust, sort.cust)
    assert fast.conflicts == sort.conflicts == (1 if case == "two_customers" else 0)
    valid = rng.random(n) < 0.5
    np.testing.assert_array_equal(fast.first(valid), sort.first(valid))
    every = np.ones(n, dtype=bool)  # each order's first row, without a pass over the rows
    for orders in (fast, sort):
        expected = order_log._first_per_group(orders.group, orders.order, orders.count, every)
        np.testing.assert_array_equal(orders.first(every), expected)
    assert fast.count == len(np.unique(codes)) + (case == "two_customers")


def test_a_total_row_is_not_an_order_left_out_for_its_status():
    # The sum row under an export carries a status too; it was skipped as a total, so it
    # is no cancelled order: 1 order of 20 was not counted, not 2 orders of 50.
    csv = (
        "order,customer,date,amount,status\n"
        "1,A,2024-01-05,10,paid\n"
        "2,B,2024-01-06,20,cancelled\n"
        ",Total,,30,cancelled\n"
    )
    up = read(csv.encode(), "x.csv")
    left_out = up.report.not_counted.set_index("status_class")
    assert left_out.loc["cancelled", "orders"] == 1
    assert left_out.loc["cancelled", "amount"] == pytest.approx(20.0)
    assert up.report.skipped["reason"].tolist() == [
        "upload.skip.status_cancelled",
        "upload.skip.total_row",
    ]


def test_a_row_without_an_order_number_keeps_its_own_customer_date_and_money():
    # A hand-kept sheet leaves the number of one order empty. That row is an order of
    # its own, which sorts before the numbered ones: each order's values must still be
    # read from its own row (they were swapped: B got A's 10 on A's day).
    csv = (
        "order,customer,date,amount,status\n"
        "1001,A,2024-01-05,10,paid\n"
        ",B,2024-01-06,20,paid\n"
        "1002,C,2024-01-07,30,cancelled\n"
    )
    up = read(csv.encode(), "x.csv")
    table = up.table
    assert table["customer_id"].astype(str).tolist() == ["A", "B"]
    assert table["date"].dt.day.tolist() == [5, 6]
    assert table["amount"].tolist() == [10.0, 20.0]
    assert up.report.not_counted["orders"].tolist() == [1]  # C's cancelled order


def test_lines_of_an_order_listed_apart_are_put_together():
    # A hand-kept sheet sorted by day lists B's order between the two lines of A's order
    # 1001. By hand: orders 1001 (A, 10 + 5), 1002 (B, 20), 1003 (A, 7): 3 orders of 2
    # customers, 42 in all, AOV 14, 1.5 orders a customer, A buying again 60 days on. The
    # analysis took 1001 for two orders (4 orders, AOV 10.50, 2 a customer).
    csv = (
        "order,customer,date,amount\n"
        "1001,A,2024-01-05,10\n"
        "1002,B,2024-01-05,20\n"
        "1001,A,2024-01-05,5\n"
        "1003,A,2024-03-05,7\n"
    )
    table = read(csv.encode(), "x.csv").table
    assert table["order_id"].tolist() == ["1001", "1001", "1002", "1003"]
    assert table["amount"].tolist() == [10.0, 5.0, 20.0, 7.0]
    h = headline(table)
    assert (h.customers, h.orders, h.revenue, h.aov) == (2, 3, 42.0, 14.0)
    assert (h.purchase_frequency, h.repeat_purchase_rate) == (1.5, 0.5)
    assert h.median_days_between_purchases == 60.0


def test_a_log_of_one_customer_says_so():
    # B's only order was cancelled: the orders that count are all A's.
    csv = (
        "order,customer,date,amount,status\n"
        "1,A,2024-01-05,10,paid\n"
        "2,B,2024-01-06,20,cancelled\n"
        "3,A,2024-02-06,30,paid\n"
    )
    codes = [w.code for w in read(csv.encode(), "x.csv").report.warnings]
    assert "upload.note.one_customer" in codes
    two = csv.replace("cancelled", "paid").encode()
    assert "upload.note.one_customer" not in [w.code for w in read(two, "x.csv").report.warnings]
