"""calc.upload.read on spreadsheets: XLSX (sheets, title rows, formulas), ODS, damaged and
password-protected workbooks. Workbooks are written here in memory (xlsxwriter; ODS and the
OLE container of a protected workbook by hand), so each test shows its file.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from pathlib import Path

import fastexcel
import pandas as pd
import pytest
import xlsxwriter

from calc.errors import DataError
from calc.upload import read

FIXTURES = Path(__file__).parent / "fixtures" / "upload"


def workbook(build) -> bytes:
    buf = io.BytesIO()
    with xlsxwriter.Workbook(buf, {"in_memory": True}) as book:
        build(book)
    return buf.getvalue()


def orders_sheet(book, name="Orders", top=0):
    sheet = book.add_worksheet(name)
    day = book.add_format({"num_format": "dd.mm.yyyy"})
    sheet.write_row(top, 0, ["Kundenr", "Dato", "Beløp", "Navn"])
    rows = [
        (1001, dt.datetime(2026, 1, 5), 12.5, "Ola Sørensen"),
        (1002, dt.datetime(2026, 1, 6, 13, 5), 99.0, "Łukasz Wójcik"),
        (1001, dt.datetime(2026, 2, 1), -3.0, "Ola Sørensen"),
    ]
    for i, (cust, when, amount, name_) in enumerate(rows, start=top + 1):
        sheet.write_number(i, 0, cust)
        sheet.write_datetime(i, 1, when, day)
        sheet.write_number(i, 2, amount)
        sheet.write_string(i, 3, name_)
    return sheet


def test_plain_xlsx_keeps_types():
    up = read(workbook(orders_sheet), "orders.xlsx")
    t = up.table
    assert up.shape == "orders" and up.report.file_format == "xlsx"
    assert t["customer_id"].astype(str).tolist() == ["1001", "1002", "1001"]
    assert t["date"].tolist() == [
        pd.Timestamp("2026-01-05"),
        pd.Timestamp("2026-01-06 13:05"),
        pd.Timestamp("2026-02-01"),
    ]
    assert t["amount"].tolist() == [12.5, 99.0, -3.0]
    assert t["customer_name"].astype(str).tolist()[1] == "Łukasz Wójcik"
    assert up.report.date_order_source == "typed"
    assert up.report.header_row == 1 and up.report.sheet == "Orders"


def test_title_rows_blank_rows_totals_and_formulas():
    def build(book):
        sheet = book.add_worksheet("Salg")
        sheet.write(0, 0, "Salgsrapport 2026")
        sheet.write(1, 0, "Butikk: Kjøkkenbutikken")
        sheet.write_row(3, 0, ["Kunde", "Dato", "Beløp"])
        sheet.write_row(4, 0, ["Ola", "05.01.2026", 12.5])
        sheet.write_row(6, 0, ["Kari", "06.01.2026", "1 234,50"])  # typed text in a number column
        sheet.write_row(7, 0, ["Ola", "01.02.2026"])
        sheet.write_formula(7, 2, "=C5*2", None, 25.0)  # a formula: its stored value is read
        sheet.write(8, 0, "Sum")
        sheet.write_formula(8, 2, "=SUM(C5:C8)", None, 1272.0)

    up = read(workbook(build), "salg.xlsx")
    r = up.report
    assert up.table["amount"].tolist() == [12.5, 1234.5, 25.0]
    assert up.table["date"].dt.day.tolist() == [5, 6, 1]
    assert r.header_row == 4
    assert r.blank_rows == 1
    assert r.skipped[["row", "reason", "value"]].to_dict("records") == [
        {"row": 9, "reason": "upload.skip.total_row", "value": "Sum"}
    ]


def test_sheet_choice_and_names():
    def build(book):
        notes = book.add_worksheet("Read me")
        notes.write(0, 0, "Orders are on the next sheet.")
        orders_sheet(book, "Orders 2026")
        other = book.add_worksheet("Subscriptions")
        other.write_row(0, 0, ["customer", "plan", "start", "monthly amount"])
        other.write_row(1, 0, ["a", "Pro", "2026-01-01", 29])
        other.write_row(2, 0, ["b", "Basic", "2026-02-01", 9])

    data = workbook(build)
    up = read(data, "book.xlsx")
    assert up.report.sheet == "Orders 2026"  # the cover sheet is passed over
    assert up.report.sheet_names == ("Read me", "Orders 2026", "Subscriptions")
    subs = read(data, "book.xlsx", sheet="Subscriptions")
    assert subs.shape == "subscriptions" and subs.table["mrr"].tolist() == [29.0, 9.0]
    assert read(data, "book.xlsx", sheet=2).report.sheet == "Subscriptions"
    with pytest.raises(DataError, match=r"no sheet 'Orders'.*Read me, Orders 2026"):
        read(data, "book.xlsx", sheet="Orders")


def test_workbook_without_a_table():
    def build(book):
        book.add_worksheet("A").write(0, 0, "nothing here")
        book.add_worksheet("B").write(0, 0, "nor here")

    with pytest.raises(DataError, match="No sheet of the workbook holds a table"):
        read(workbook(build), "empty.xlsx")


def test_dates_stored_as_day_numbers():
    def build(book):
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, ["customer", "order date", "amount"])
        sheet.write_row(1, 0, ["a", 46045, 10])  # 2026-01-23 as an unformatted day number
        sheet.write_row(2, 0, ["b", 46046.5, 11])

    up = read(workbook(build), "serial.xlsx")
    assert up.table["date"].tolist() == [
        pd.Timestamp("2026-01-23"),
        pd.Timestamp("2026-01-24 12:00"),
    ]


def test_headerless_sheet_maps_by_content():
    def build(book):
        sheet = book.add_worksheet()
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        for i, (cust, when, amount) in enumerate(
            [("a", dt.date(2026, 1, 1), 10.5), ("b", dt.date(2026, 1, 2), 20.25)] * 2
        ):
            sheet.write_string(i, 0, cust)
            sheet.write_datetime(i, 1, dt.datetime.combine(when, dt.time()), day)
            sheet.write_number(i, 2, amount)

    up = read(workbook(build), "noheader.xlsx")
    assert up.mapping == {"customer_id": "column 1", "date": "column 2", "amount": "column 3"}
    assert up.report.header_row is None
    assert up.table["amount"].sum() == pytest.approx(61.5)


def test_corrupt_xlsx():
    data = workbook(orders_sheet)
    with pytest.raises(DataError, match="could not be opened; it may be damaged"):
        read(data[: len(data) // 2], "cut.xlsx")


def test_zip_that_is_no_workbook():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("notes.txt", "hello")
    with pytest.raises(DataError, match="may be damaged"):
        read(buf.getvalue(), "archive.xlsx")


# ------------------------------------------------ OLE container (XLS, protected)

ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _entry(name: str, kind: int, child=NOSTREAM, right=NOSTREAM, start=ENDOFCHAIN, size=0):
    raw = (name + "\0").encode("utf-16-le")
    return (
        raw.ljust(64, b"\0")
        + struct.pack("<HBB", len(raw), kind, 1)  # name length, type, colour black
        + struct.pack("<III", NOSTREAM, right, child)  # left, right sibling, child
        + bytes(16 + 4 + 16)  # class id, state bits, times
        + struct.pack("<IQ", start, size)
    )


def ole_file(*streams: str, payload: bytes = b"") -> bytes:
    """A minimal compound file (the container of XLS and of encrypted Office files).

    Sector 0 holds the FAT, sector 1 the directory; ``payload`` (padded to
    4096 bytes, so no mini stream is needed) is the content of the first
    stream, the others are empty.
    """
    body = payload.ljust(max(4096, -(-len(payload) // 512) * 512), b"\0") if payload else b""
    sectors = len(body) // 512
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<9I", header, 40, 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
    struct.pack_into("<I", header, 76, 0)  # the FAT is sector 0
    header[80:512] = b"\xff" * 432
    chain = [3 + i if i < sectors - 1 else ENDOFCHAIN for i in range(sectors)]
    fat = struct.pack(f"<{2 + sectors}I", FATSECT, ENDOFCHAIN, *chain).ljust(512, b"\xff")
    entries = [_entry("Root Entry", 5, child=1 if streams else NOSTREAM)]
    for i, name in enumerate(streams, start=1):
        first = i == 1 and sectors > 0
        entries.append(
            _entry(
                name,
                2,
                right=i + 1 if i < len(streams) else NOSTREAM,
                start=2 if first else ENDOFCHAIN,
                size=len(body) if first else 0,
            )
        )
    return bytes(header) + fat + b"".join(entries).ljust(512, b"\0") + body


def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def xls_file(rows: list[list[object]], *, password: bool = False) -> bytes:
    """A BIFF8 workbook (Excel 97-2003) with one sheet of text (LABEL) and NUMBER cells."""

    def bof(kind: int) -> bytes:
        return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))

    def text(value: str) -> bytes:
        return struct.pack("<HB", len(value), 1) + value.encode("utf-16-le")

    sheet = bof(0x0010) + _record(
        0x0200, struct.pack("<IIHHH", 0, len(rows), 0, max(map(len, rows)), 0)
    )
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, (int, float)):
                sheet += _record(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))
            else:
                sheet += _record(0x0204, struct.pack("<HHH", r, c, 0) + text(str(value)))
    sheet += _record(0x000A, b"")
    head = bof(0x0005) + _record(0x0042, struct.pack("<H", 1200))  # code page: UTF-16
    if password:
        head += _record(0x002F, struct.pack("<HHH", 1, 1, 1))  # FilePass: RC4 encrypted
    name = "Ordrer"
    bound = struct.pack("<BB", len(name), 1) + name.encode("utf-16-le")
    offset = len(head) + 4 + 6 + len(bound) + 4  # head, BoundSheet8, EOF
    glob = head + _record(0x0085, struct.pack("<IBB", offset, 0, 0) + bound)
    return ole_file("Workbook", payload=glob + _record(0x000A, b"") + sheet)


def test_xls():
    rows = [
        ["Kunde", "Dato", "Beløp"],
        ["Ola Sørensen", "05.01.2026", 12.5],
        ["Łukasz Wójcik", "06.01.2026", 99],
        ["Ola Sørensen", "01.02.2026", -3],
    ]
    up = read(xls_file(rows), "ordrer.xls")
    assert up.report.file_format == "xls" and up.report.sheet == "Ordrer"
    assert up.table["customer_id"].astype(str).tolist()[1] == "Łukasz Wójcik"
    assert up.table["amount"].tolist() == [12.5, 99.0, -3.0]
    assert up.table["date"].dt.month.tolist() == [1, 1, 2]


def test_password_protected_xls():
    with pytest.raises(DataError, match="protected with a password"):
        read(xls_file([["a", "b"], [1, 2]], password=True), "locked.xls")


def test_password_protected_xlsx():
    data = (FIXTURES / "protected.xlsx").read_bytes()
    assert data == ole_file("EncryptionInfo", "EncryptedPackage")
    with pytest.raises(DataError, match="protected with a password"):
        read(data, "protected.xlsx")


def test_damaged_xls():
    with pytest.raises(DataError, match="may be damaged"):
        read(ole_file("Workbook"), "old.xls")


# ------------------------------------------------------------------------ ODS


def ods_file(rows: list[list[object]]) -> bytes:
    """A minimal OpenDocument spreadsheet: strings, floats and dates typed as LibreOffice does."""

    def cell(value) -> str:
        if isinstance(value, dt.date):
            return (
                f'<table:table-cell office:value-type="date" office:date-value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        if isinstance(value, (int, float)):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return (
            f'<table:table-cell office:value-type="string"><text:p>{value}</text:p>'
            "</table:table-cell>"
        )

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Ordrer">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def test_ods():
    data = ods_file(
        [
            ["Asiakas", "Päivämäärä", "Summa"],
            ["Päivi Mäkinen", dt.date(2026, 3, 1), 12.5],
            ["Arbër Çela", dt.date(2026, 3, 2), 7.25],
        ]
    )
    up = read(data, "tilaukset.ods")
    assert up.report.file_format == "ods"
    assert up.table["customer_id"].astype(str).tolist() == ["Päivi Mäkinen", "Arbër Çela"]
    assert up.table["amount"].tolist() == [12.5, 7.25]
    assert up.table["date"].tolist() == [pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-02")]


def test_reader_failures_become_plain_messages(monkeypatch):
    from calc.upload import sniff

    class Broken:
        def load_sheet(self, *args, **kwargs):
            raise RuntimeError("calamine: unexpected end of file")

    with pytest.raises(DataError, match="could not be read; it may be damaged"):
        sniff._load(Broken(), 0)

    def locked(data):
        raise RuntimeError("Workbook is password protected")

    monkeypatch.setattr(fastexcel, "read_excel", locked)
    with pytest.raises(DataError, match="protected with a password"):
        read(workbook(orders_sheet), "locked.xlsx")


def test_peek_at_something_that_is_no_workbook():
    from calc.upload import sniff

    assert sniff._xlsx_peek(b"PK\x03\x04 not really a zip", 0) == (None, 0)
