"""calc.exports: CSV and the results workbook keep numbers as numbers and text inert.

Cell types are read back with openpyxl (what a cell *is*: number, date, text,
boolean, error) and with calamine through fastexcel (the reader the app uses),
so the file is checked by two independent readers. The formula-injection rule
is OWASP's (*CSV Injection*): text starting with = + - @ tab or CR gets a
leading apostrophe; a number never does.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import fastexcel
import numpy as np
import openpyxl
import pandas as pd
import pytest

from calc import exports, history
from calc.exports import neutralise, results_workbook, to_csv, to_xlsx
from calc.exports.neutralise import is_risky, neutralise_text

RISKY = pd.DataFrame(
    {
        "name": ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "\tx", "\rx", "Ola", None],
        "amount": [-34.5, 1.0, -2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
        "when": pd.to_datetime(["2026-01-01"] * 8),
        "flag": [True, False] * 4,
    }
)

LOG = pd.DataFrame(
    {
        "order_id": ["O1", "O1", "O2", "O3", "O4", "O1", "O5", "O6"],
        "customer_id": ["a", "a", "b", "a", "c", "a", "a", "d"],
        "date": pd.to_datetime(
            [
                "2026-01-05",
                "2026-01-05",
                "2026-01-20",
                "2026-02-10",
                "2026-02-01",
                "2026-02-12",
                "2026-04-02",
                "2026-04-15",
            ]
        ),
        "amount": [60.0, 40.0, 80.0, 50.0, 20.0, -10.0, 30.0, 25.0],
        "category": ["kaffe", "te", "kaffe", "te", "kaffe", "kaffe", "te", "kaffe"],
        "customer_name": ["Ola", "Ola", "Kari", "Ola", "Łukasz", "Ola", "Ola", "=Çela"],
    }
)


def sheet(data: bytes, name: str | int = 0):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return book[name] if isinstance(name, str) else book.worksheets[name]


def cells(ws) -> list[list[tuple[object, str]]]:
    """Each cell as (value, openpyxl type): n number, d date, s text, b boolean, e error."""
    return [[(c.value, c.data_type) for c in row] for row in ws.iter_rows()]


def sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))


# ------------------------------------------------------------------ the rule


@pytest.mark.parametrize(
    ("text", "risky"),
    [
        ("=1+1", True),
        ("+1+1", True),
        ("-2+3+cmd|' /C calc'!A0", True),  # OWASP's example
        ("@SUM(A1)", True),
        ("\t=1", True),
        ("\rx", True),
        ("-2614.49", False),  # a refund written as text is a number, not a formula
        ("+47", False),
        ("-1,5", False),
        ("1e-3", False),
        ("Ola", False),
        ("", False),
    ],
)
def test_risky_is_text_that_would_run_as_a_formula(text, risky):
    assert is_risky(text) is risky
    assert neutralise_text(text) == ("'" + text if risky else text)


def test_neutralise_changes_text_only_never_a_number():
    mixed = pd.DataFrame(
        {
            "value": pd.Series([-2614.49, "=x", 3, pd.Timestamp("2026-01-05"), None], dtype=object),
            "=col": pd.Categorical(["a", "=b", "a", None, "a"]),
            "n": [-1.0, -2.0, 3.0, 4.0, 5.0],
        }
    )
    out = neutralise(mixed)
    assert out["value"].tolist()[:4] == [-2614.49, "'=x", 3, pd.Timestamp("2026-01-05")]
    assert out["value"].iloc[4] is None
    assert out["'=col"].tolist()[:3] == ["a", "'=b", "a"]
    assert out["n"].tolist() == [-1.0, -2.0, 3.0, 4.0, 5.0]
    assert list(mixed.columns) == ["value", "=col", "n"]  # the input is left alone


# ------------------------------------------------------------------ CSV


def test_to_csv_neutralises_formulas_and_keeps_negative_numbers():
    text = to_csv(RISKY).decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == "name,amount,when,flag"
    first = [line.split(",")[0] for line in lines[1:8]]
    assert first[:4] == ['"\'=HYPERLINK(""http://x"")"', "'+1+1", "-2", "'@SUM(A1)"]
    assert lines[1].split(",")[-3] == "-34.5"  # a refund stays a number
    assert lines[7].startswith("Ola,6.0")
    assert to_csv(RISKY)[:3] == b"\xef\xbb\xbf"


# ------------------------------------------------------------------ workbook


def test_numbers_and_dates_are_stored_as_numbers_and_dates():
    """Issue 13: key figures were text and a refund was the text '-2614.49."""
    headline = pd.DataFrame(
        {
            "measure": ["customers", "revenue", "refunds", "first_date", "note"],
            "value": pd.Series(
                [411_689, 64_631_389.84, -2614.49, pd.Timestamp("2024-01-01"), "=1+1"],
                dtype=object,
            ),
        }
    )
    got = cells(sheet(to_xlsx({"headline": headline})))
    assert got[0] == [("measure", "s"), ("value", "s")]
    assert [row[1] for row in got[1:]] == [
        (411_689, "n"),
        (64_631_389.84, "n"),
        (-2614.49, "n"),
        (dt.datetime(2024, 1, 1), "d"),
        ("'=1+1", "s"),
    ]


def test_typed_columns_round_trip_with_their_types():
    frame = pd.DataFrame(
        {
            "day": pd.to_datetime(["2026-01-05", None, "1899-05-01"]),
            "moment": pd.to_datetime(["2026-01-05 10:30", "2026-01-06 00:00", None]).tz_localize(
                "Europe/Oslo"
            ),
            "count": pd.array([1, None, 3], dtype="Int64"),
            "amount": [1.5, np.nan, -2614.49],
            "overflow": [np.inf, -np.inf, 1e20],
            "flag": [True, False, True],
            "tier": pd.Categorical(["Top 20%", "Middle 30%", "Top 20%"]),
            "wait": pd.to_timedelta([1, 2, 3], unit="D"),
        }
    )
    ws = sheet(to_xlsx({"t": frame}))
    got = cells(ws)
    assert got[1] == [
        (dt.datetime(2026, 1, 5), "d"),
        (dt.datetime(2026, 1, 5, 10, 30), "d"),  # wall time, time zone dropped
        (1, "n"),
        (1.5, "n"),
        ("#NUM!", "e"),  # Excel has no infinity
        (True, "b"),
        ("Top 20%", "s"),
        ("1 days", "s"),
    ]
    blank = (None, "n")
    assert got[2][:5] == [blank, (dt.datetime(2026, 1, 6), "d"), blank, blank, ("#NUM!", "e")]
    assert got[3][0] == ("1899-05-01", "s")  # before Excel's calendar: ISO text
    far = pd.DataFrame({"d": np.array(["2500-01-01", "2500-01-01T06:00"], dtype="datetime64[s]")})
    assert [row[0] for row in cells(sheet(to_xlsx({"far": far})))[1:]] == [
        (dt.datetime(2500, 1, 1), "d"),
        (dt.datetime(2500, 1, 1, 6), "d"),
    ]
    assert got[3][3:5] == [(-2614.49, "n"), (1e20, "n")]
    assert ws["A2"].number_format == "yyyy-mm-dd"
    assert ws["B2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert ws["A1"].font.b and not ws["A2"].font.b
    assert ws.freeze_panes == "A2"


def test_text_is_never_a_formula_or_a_link_and_survives_xml():
    frame = pd.DataFrame(
        {
            "name": [
                '=HYPERLINK("http://evil.example")',
                "http://evil.example",
                "-2",
                "a & <b>",
                " padded ",
                "bell\x07",
                "_x0041_",
                "x" * 40_000,
                None,
            ]
        }
    )
    data = to_xlsx({"names": frame})
    assert b"<f>" not in sheet_xml(data) and b"<hyperlink" not in sheet_xml(data)
    got = [value for ((value, kind),) in cells(sheet(data))[1:]]
    link = '=HYPERLINK("http://evil.example")'
    assert got[:5] == ["'" + link, "http://evil.example", "-2", "a & <b>", " padded "]
    assert len(got[7]) == 32_767  # Excel's limit per cell
    assert got[8:] in ([], [None])  # a missing value is an empty cell
    # calamine undoes Excel's _xHHHH_ escapes: the text comes back as it was.
    back = fastexcel.read_excel(data).load_sheet(0).to_arrow().to_pydict()["name"]
    assert back[5:7] == ["bell\x07", "_x0041_"]


def test_sheet_names_are_cleaned_shortened_and_unique():
    tables = {
        "customers/at risk": RISKY.head(1),
        "x" * 40: RISKY.head(1),
        "X" * 40: RISKY.head(1),
        "=bad": RISKY.head(1),
        "": RISKY.head(1),
    }
    names = openpyxl.load_workbook(io.BytesIO(to_xlsx(tables))).sheetnames
    assert names == ["customers at risk", "x" * 31, "X" * 27 + " (2)", "=bad", "sheet"]


def test_rows_beyond_the_limit_are_left_out_and_the_sheet_says_so():
    frame = pd.DataFrame({"customer_id": list("abcde"), "value": [5.0, 4, 3, 2, 1]})
    data = to_xlsx({"c": frame, "d": frame}, {"c": "Rows 1 to 3 of 5"}, max_rows=3)
    c, d = cells(sheet(data, "c")), cells(sheet(data, "d"))
    note = ("Rows 1 to 3 of 5", "s")
    assert len(c) == 4 and c[0] == [("customer_id", "s"), ("value", "s"), (None, "n"), note]
    assert [row[1][0] for row in c[1:]] == [5, 4, 3]
    assert len(d) == 4 and len(d[0]) == 2


def test_a_sheet_written_in_blocks_has_every_row_in_order(monkeypatch):
    monkeypatch.setattr(results_workbook, "BLOCK_ROWS", 3)
    frame = pd.DataFrame({"id": [f"c{i}" for i in range(10)], "n": np.arange(10) * 1.5})
    got = cells(sheet(to_xlsx({"c": frame})))
    assert [row[0][0] for row in got[1:]] == [f"c{i}" for i in range(10)]
    assert [row[1][0] for row in got[1:]] == pytest.approx(np.arange(10) * 1.5)
    assert fastexcel.read_excel(to_xlsx({"c": frame})).load_sheet(0).height == 10


def test_empty_tables_give_a_header_or_an_empty_sheet():
    data = to_xlsx({"no rows": RISKY.head(0), "nothing": pd.DataFrame()})
    assert cells(sheet(data, "no rows")) == [[(c, "s") for c in RISKY.columns]]
    assert cells(sheet(data, "nothing")) == []


def test_an_order_logs_results_export_typed():
    """Every table of calc.history.analyse in one workbook, refunds and dates as numbers."""
    r = history.analyse(LOG)
    data = to_xlsx(r.tables())
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == list(r.tables())
    headline = {row[0].value: row[1] for row in book["headline"].iter_rows(min_row=2)}
    assert headline["refunds"].value == -10 and headline["refunds"].data_type == "n"
    assert headline["first_date"].value == dt.datetime(2026, 1, 5)
    assert headline["customers"].value == 4
    customers = fastexcel.read_excel(data).load_sheet("customers").to_arrow().to_pydict()
    assert "Łukasz" in customers["customer_name"] and "'=Çela" in customers["customer_name"]
    assert b"<f>" not in sheet_xml(data)


def test_package_exports_the_limit_excel_has():
    assert exports.MAX_DATA_ROWS == 1_048_576 - 1


def test_columns_of_any_storage_and_mixed_values_are_typed_cell_by_cell():
    chunked = pd.concat([pd.Series(["a", "=b"]), pd.Series(["c"])], ignore_index=True)
    frame = pd.DataFrame(
        {
            "arrow_int": pd.Series([1, 2, None], dtype="int64[pyarrow]"),
            "chunked": chunked,
            "object_text": pd.Series(["x", None, "+1+1"], dtype=object),
            "mixed": pd.Series(
                [None, True, float("-inf")],
                dtype=object,
            ),
            "when": pd.Series(
                [
                    pd.Timestamp("2026-01-05 12:00", tz="Europe/Oslo"),
                    np.datetime64("1899-05-01"),
                    dt.date(2026, 1, 5),
                ],
                dtype=object,
            ),
        }
    )
    got = cells(sheet(to_xlsx({"m": frame})))
    assert [row[0] for row in got[1:]] == [(1, "n"), (2, "n"), (None, "n")]
    assert [row[1] for row in got[1:]] == [("a", "s"), ("'=b", "s"), ("c", "s")]
    assert [row[2] for row in got[1:]] == [("x", "s"), (None, "n"), ("'+1+1", "s")]
    assert [row[3] for row in got[1:]] == [(None, "n"), (True, "b"), ("#NUM!", "e")]
    assert [row[4] for row in got[1:]] == [
        (dt.datetime(2026, 1, 5, 12, 0), "d"),
        ("1899-05-01T00:00:00", "s"),
        (dt.datetime(2026, 1, 5), "d"),
    ]


# ------------------------------------------------------------------ the page's downloads


def test_breakdown_sheets_are_named_in_the_language_column_included():
    """Issue 13: the workbook said "Etter category" and "Etter tier"."""
    from ui.i18n import speaking
    from ui.upload_view import workbook_sheets

    tables = history.analyse(LOG).tables()
    with speaking("nb"):
        names = list(workbook_sheets(tables))
    assert "Etter kategori" in names and "Etter nivå" in names
    assert not [n for n in names if "category" in n or "tier" in n]
    with speaking("pl"):
        file_column = workbook_sheets({"by loyalty_club": tables["by tier"]})
    assert list(file_column) == ["Wg loyalty_club"]  # a column the file named keeps its name


def test_the_results_download_is_typed_and_says_where_rows_were_cut(monkeypatch):
    from ui.i18n import speaking
    from ui.upload_view import results_workbook

    monkeypatch.setattr(exports, "MAX_DATA_ROWS", 3)
    with speaking("nb"):
        data = results_workbook(history.analyse(LOG))
    book = openpyxl.load_workbook(io.BytesIO(data))
    customers = book["Kunder"]
    assert customers.max_row == 4  # 4 customers, 3 written
    note = [
        c.value for c in customers[1] if c.value and "3" in str(c.value) and "4" in str(c.value)
    ]
    assert note and note[0].startswith("Rad 1 til 3 av 4")
    headline = {row[0].value: row[1] for row in book["Nøkkeltall"].iter_rows(min_row=2)}
    assert [cell.data_type for cell in headline.values()].count("s") == 0  # every figure typed


def test_download_data_is_built_on_click_in_the_language_of_the_run():
    from ui.i18n import speaking, t
    from ui.upload_view import on_click_data

    built = []

    def build(key: str) -> bytes:
        built.append(key)
        return t(key).encode()

    with speaking("fi"):
        data = on_click_data(build, "sheet.customers")
    assert built == []  # nothing built while the page runs
    with speaking("en"):
        assert data() == b"Asiakkaat"
