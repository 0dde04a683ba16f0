"""Hostile and damaged files (issue 15): one upload must never take the server down.

Every file is built here, small. Before calc.upload.guard, the first three
workbooks aborted the whole Python process (SIGABRT from the Excel reader
asking for 512 GB, 23 GB or 48 GB), so these tests could not even report a
failure; the others ended in a traceback or in silently wrong numbers.
"""

from __future__ import annotations

import gc
import io
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest

import calc.upload
from calc import metrics, scenarios
from calc.errors import DataError, InputError
from calc.messages import LANGUAGES, catalogue
from calc.upload import guard, read, sniff

FIXTURES = Path(__file__).parent / "fixtures" / "platforms"
CSV_OK = "customer,date,amount\nA,2024-01-05,1\nSørensen,2024-02-05,12.50\n,,\n".encode()

# ------------------------------------------------------------------ a minimal XLSX writer

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>{parts}</Types>'
)
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def xlsx(sheets: list[str], shared: str | None = None) -> bytes:
    """A workbook from sheet XML bodies (``<dimension>``, ``<sheetData>``) and shared strings."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        parts = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
            for i in range(1, len(sheets) + 1)
        )
        if shared is not None:
            parts += f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SST_TYPE}"/>'
        z.writestr("[Content_Types].xml", _CONTENT_TYPES.format(parts=parts))
        z.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        names = "".join(
            f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, len(sheets) + 1)
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{names}</sheets></workbook>',
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        if shared is not None:
            rels += (
                f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/sharedStrings" '
                'Target="sharedStrings.xml"/>'
            )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}</Relationships>",
        )
        for i, body in enumerate(sheets, start=1):
            z.writestr(
                f"xl/worksheets/sheet{i}.xml", f'<worksheet xmlns="{_MAIN}">{body}</worksheet>'
            )
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
    return buffer.getvalue()


def row(number: int, *cells: str) -> str:
    return f'<row r="{number}">{"".join(cells)}</row>'


def text(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def num(ref: str, value: float) -> str:
    return f'<c r="{ref}"><v>{value}</v></c>'


def shared(ref: str, index: int) -> str:
    return f'<c r="{ref}" t="s"><v>{index}</v></c>'


ORDERS = (
    row(1, text("A1", "customer"), text("B1", "date"), text("C1", "amount"))
    + row(2, text("A2", "A"), text("B2", "2024-01-05"), num("C2", 10))
    + row(3, text("A3", "B"), text("B3", "2024-02-05"), num("C3", 12))
)


def test_the_minimal_workbook_reads():
    """The builder makes a workbook the reader accepts, so the failures below are the files'."""
    up = read(xlsx([f"<sheetData>{ORDERS}</sheetData>"]), "orders.xlsx")
    assert up.table["amount"].tolist() == [10.0, 12.0]


# ------------------------------------------------------------ workbooks that killed the server


def test_cell_at_xfd1048576_is_refused_before_the_reader():
    """1.7 KB; the reader asked for 549,755,813,888 bytes and aborted the process."""
    body = (
        '<dimension ref="A1:XFD1048576"/><sheetData>'
        + ORDERS
        + row(1048576, num("XFD1048576", 1))
        + "</sheetData>"
    )
    data = xlsx([body])
    assert len(data) < 2_000
    with pytest.raises(DataError, match="16384 columns; at most 1000") as caught:
        read(data, "far.xlsx")
    assert caught.value.about.code == "guard.too_many_columns"


def test_far_cell_without_a_dimension_stops_the_worker_not_the_server():
    """No <dimension> to check: the reader asks for 23 GB in the worker, which the limit stops."""
    data = xlsx([f"<sheetData>{ORDERS}{row(1048576, num('ZZ1048576', 1))}</sheetData>"])
    with pytest.raises(DataError) as caught:
        read(data, "far.xlsx")
    assert caught.value.about.code in ("guard.crashed", "guard.too_much_memory")
    assert read(xlsx([f"<sheetData>{ORDERS}</sheetData>"]), "ok.xlsx").report.rows_used == 2


def test_declared_dimension_beyond_the_cell_budget():
    body = '<dimension ref="A1:Z5000000"/><sheetData>' + ORDERS + "</sheetData>"
    with pytest.raises(DataError, match="5000000 rows by 26 columns"):
        read(xlsx([body]), "tall.xlsx")


def test_shared_strings_header_claiming_two_billion_strings():
    """1.9 KB; the reader preallocated 48 GB for the claimed strings."""
    sst = (
        f'<sst xmlns="{_MAIN}" count="2000000000" uniqueCount="2000000000">'
        "<si><t>customer</t></si></sst>"
    )
    data = xlsx([f"<sheetData>{row(1, shared('A1', 0), text('B1', 'date'))}</sheetData>"], sst)
    assert len(data) < 2_000
    with pytest.raises(DataError, match="says it holds 2000000000 texts"):
        read(data, "claims.xlsx")


def test_huge_shared_string_used_many_times():
    """A 4 MB string used 2,000 times: 28 KB packed, 10.2 GB and 18 s, then a Rust panic."""
    big = "x" * 4_000_000
    sst = (
        f'<sst xmlns="{_MAIN}" count="2" uniqueCount="2">'
        f"<si><t>customer</t></si><si><t>{big}</t></si></sst>"
    )
    rows = [row(1, shared("A1", 0), text("B1", "date"), text("C1", "amount"))]
    rows += [
        row(r, shared(f"A{r}", 1), text(f"B{r}", "2024-01-05"), num(f"C{r}", 1))
        for r in range(2, 2002)
    ]
    data = xlsx([f"<sheetData>{''.join(rows)}</sheetData>"], sst)
    assert len(data) < 40_000
    with pytest.raises(DataError, match="more text than a spreadsheet allows"):
        read(data, "bomb.xlsx")


def test_zip_unpacking_far_beyond_its_size():
    body = "<sheetData>" + ORDERS + "</sheetData>" + " " * 60_000_000
    data = xlsx([body])
    assert len(data) < 200_000
    with pytest.raises(DataError, match="unpacks from"):
        read(data, "bomb.xlsx")


def test_damaged_deflate_stream_is_a_message_not_zlib_error():
    """zlib.error escaped from the reader's peek at the sheet."""
    good = xlsx([f"<sheetData>{ORDERS}</sheetData>"])
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    damaged = bytearray(good)
    for i in range(start + 2, start + 40):
        damaged[i] ^= 0xA5
    with pytest.raises(DataError, match=r"could not be opened|could not be read|damaged"):
        read(bytes(damaged), "damaged.xlsx")


def test_four_thousand_sheets_are_refused_at_once():
    """43 KB of sheets took 66 s; now the container check answers."""
    note = "<sheetData>" + row(1, text("A1", "notes")) + "</sheetData>"
    with pytest.raises(DataError, match="4004 parts") as caught:
        read(xlsx([note] * 4000), "sheets.xlsx")
    assert caught.value.about.code == "guard.too_many_parts"
    with pytest.raises(DataError, match="501 sheets; at most 500"):
        read(xlsx([note] * 501), "sheets.xlsx")


def test_data_after_many_note_sheets_is_looked_for_only_so_far():
    note = "<sheetData>" + row(1, text("A1", "notes")) + "</sheetData>"
    data = xlsx([note] * 30 + [f"<sheetData>{ORDERS}</sheetData>"])
    with pytest.raises(DataError, match="No sheet"):
        read(data, "late.xlsx")
    assert read(data, "late.xlsx", sheet="S31").report.rows_used == 2


# ------------------------------------------------------------------ the worker's limits


def _abort(*args, **kwargs):
    os.abort()


def _panic(*args, **kwargs):
    class PanicException(BaseException):  # what pyo3 raises for a Rust panic
        pass

    raise PanicException("called `Option::unwrap()` on a `None` value")


def _memory(*args, **kwargs):
    raise MemoryError


def _loop(*args, **kwargs):
    while True:
        pass


@pytest.mark.parametrize(
    ("work", "code"),
    [
        (_abort, "guard.crashed"),
        (_panic, "guard.failed"),
        (_memory, "guard.too_much_memory"),
    ],
)
def test_a_crash_in_the_reader_is_a_message(monkeypatch, work, code):
    monkeypatch.setattr(sniff, "read_text", work)
    with pytest.raises(DataError) as caught:
        read(b"customer,date,amount\nA,2024-01-05,1\n", "x.csv")
    assert caught.value.about.code == code
    monkeypatch.undo()
    assert read(b"customer,date,amount\nA,2024-01-05,1\n", "x.csv").report.rows_used == 1


def test_a_reader_that_never_ends_is_stopped(monkeypatch):
    monkeypatch.setattr(sniff, "read_text", _loop)
    monkeypatch.setattr(guard, "SECONDS_BASE", 1.0)
    with pytest.raises(DataError, match="longer than 1 seconds"):
        read(b"customer,date,amount\nA,2024-01-05,1\n", "x.csv")


def test_a_calc_error_in_the_worker_comes_back_whole():
    with pytest.raises(calc.upload.AmbiguousDateOrderError) as caught:
        read(b"customer,date,amount\nA,01/02/2024,1\nB,03/04/2024,2\n", "x.csv")
    assert caught.value.column == "date"
    assert caught.value.examples[:1] == ("01/02/2024",)


def _memory_files() -> int:
    """How many mappings of the worker's memory files this process holds (Linux)."""
    with open("/proc/self/maps") as fh:
        return sum("retention-upload" in line for line in fh)


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="Linux only")
@pytest.mark.parametrize("name", ["shopify_orders.csv", "stripe_subscriptions.csv"])
def test_a_read_keeps_no_mapping_of_the_workers_arrays(name):
    """The arrays come back through a memory file, each its own mapping; once read, no column
    of the upload still points into one (it would hold the whole file's text for the session)."""
    data = (FIXTURES / name).read_bytes()
    gc.collect()  # garbage of earlier tests may still hold arrays of theirs
    up = read(data, name)
    gc.collect()
    assert _memory_files() == 0
    assert len(up.table) > 0


def test_arrays_cross_whole_and_writable():
    """Every buffer of the parsed table arrives byte for byte, and numpy may write to it."""
    with guard.reading(lambda data: (sniff.read_text(data), np.arange(5)), CSV_OK) as raw:
        table, numbers = raw
    assert [c.to_pylist() for c in table.columns] == [
        c.to_pylist() for c in sniff.read_text(CSV_OK).columns
    ]
    numbers[0] = 7
    assert numbers.tolist() == [7, 1, 2, 3, 4]


def test_limits_grow_with_the_file():
    small, large = guard.limits(1_000), guard.limits(100_000_000)
    assert small[0] < large[0] and small[1] < large[1]


# ------------------------------------------------------------------ text files


def test_comma_space_csv_reads():
    """`date, customer, amount`: AttributeError 'ChunkedArray' has no attribute 'dictionary'."""
    up = read(b"date, customer, amount\n2024-01-05, A, 10.00\n2024-02-05, B, 12.00\n", "x.csv")
    assert up.table["customer_id"].tolist() == ["A", "B"]
    assert up.table["amount"].tolist() == [10.0, 12.0]


def test_twenty_thousand_columns_are_refused_quickly():
    """713 KB with 20,000 columns read for 35 s; the error listed every column."""
    head = ",".join(f"c{i}" for i in range(20_000))
    line = ",".join("1" for _ in range(20_000))
    with pytest.raises(DataError, match="20000 columns; at most 1000"):
        read(f"{head}\n{line}\n{line}\n".encode(), "wide.csv")


def test_error_messages_name_a_handful_of_columns():
    head = ",".join(f"field{i}" for i in range(40))
    line = ",".join("x" for _ in range(40))
    with pytest.raises(DataError) as caught:
        read(f"{head}\n{line}\n{line}\n".encode(), "x.csv")
    said = str(caught.value)
    assert "field7" in said and "field8" not in said
    assert "and 32 more" in said


def test_years_0001_to_0099_are_not_2001_or_1999():
    """Four-digit years are the year written; outside 1900-2100 a row is skipped with a reason."""
    data = b"date;customer;amount\n0001-01-05;A;10\n0099-02-05;B;12\n2024-02-05;C;12\n"
    up = read(data, "x.csv")
    assert up.table["date"].dt.year.tolist() == [2024]
    assert up.report.skipped["reason"].tolist() == ["upload.skip.date_not_understood"] * 2
    assert up.report.skipped["value"].tolist() == ["0001-01-05", "0099-02-05"]


def test_two_digit_years_still_read_as_before():
    up = read(b"date;customer;amount\n05.01.24;A;10\n05.02.99;B;12\n", "x.csv")
    assert up.table["date"].dt.year.tolist() == [2024, 1999]


def test_a_400_digit_amount_is_skipped_not_infinite():
    data = ("date,customer,amount\n2024-01-05,A," + "9" * 400 + "\n2024-02-05,B,12\n").encode()
    up = read(data, "x.csv")
    assert up.table["amount"].tolist() == [12.0]
    assert up.report.skipped["reason"].tolist() == ["upload.skip.amount_not_understood"]


def test_two_amounts_of_1e308_cannot_make_revenue_infinite():
    data = b"date,customer,amount\n2024-01-05,A,1e308\n2024-02-05,B,1e308\n2024-03-05,C,5\n"
    up = read(data, "x.csv")
    assert np.isfinite(up.table["amount"].sum())
    assert up.report.rows_skipped == 2


def test_huge_numbers_typed_in_a_workbook_are_skipped():
    body = (
        "<sheetData>"
        + ORDERS
        + row(4, text("A4", "C"), text("B4", "2024-03-05"), num("C4", "1e300"))
        + "</sheetData>"
    )
    up = read(xlsx([body]), "x.xlsx")
    assert up.table["amount"].tolist() == [10.0, 12.0]
    assert up.report.rows_skipped == 1


def test_mixed_utf8_and_cp1252_lines_are_one_customer():
    """A file mixing UTF-8 and Windows-1252 lines made "Sørensen" a second, garbled customer."""
    data = (
        "kunde;dato;beløp\n".encode()
        + "Sørensen;23.11.2026;12,50\n".encode()
        + "Sørensen;24.11.2026;7,00\n".encode("cp1252")
    )
    up = read(data, "x.csv")
    assert up.table["customer_id"].tolist() == ["Sørensen", "Sørensen"]
    assert up.report.encoding == "utf-8+cp1252"
    assert any(w.code == "guard.mixed_encoding" for w in up.report.warnings)
    assert "Windows-1252" in next(w.text() for w in up.report.warnings)


def test_pure_windows_files_are_not_called_mixed():
    up = read("kunde;dato;beløp\nSørensen;23.11.2026;12,50\n".encode("cp1252"), "x.csv")
    assert up.report.encoding == "cp1252"
    up = read("klient;data;kwota\nŁukasz;23.11.2026;12,50\n".encode("cp1250"), "x.csv")
    assert up.report.encoding == "cp1250"


def test_no_break_space_amounts_as_babel_writes_them():
    """``12,50\\u00a0€`` and ``1\\u202f234,50\\u00a0zł`` were skipped as not understood."""
    data = "kunde;dato;beløp\nA;23.11.2026;12,50\u00a0€\nB;24.11.2026;1\u202f234,50\u00a0zł\n"
    up = read(data.encode(), "x.csv")
    assert up.table["amount"].tolist() == [12.5, 1234.5]
    assert up.report.rows_skipped == 0


# ------------------------------------------------------------------ imports and links


def test_scenarios_json_nested_100000_deep():
    with pytest.raises(InputError, match="nests lists or tables far deeper") as caught:
        scenarios.from_json(b"[" * 100_000 + b"]" * 100_000)
    assert caught.value.field == "file"


def test_scenarios_json_with_a_5000_digit_number():
    with pytest.raises(InputError, match="thousands of digits") as caught:
        scenarios.from_json(b'{"format": "x", "n": ' + b"1" * 5000 + b"}")
    assert caught.value.field == "file"


@pytest.mark.parametrize("answer", ["²", "①", "٣", "1" * 5000])
def test_nps_answers_that_look_like_digits(answer):
    """``²`` and ``①`` are digits to str.isdigit, not to int(): ValueError from a link."""
    with pytest.raises(InputError, match="not a whole number from 0 to 10") as caught:
        metrics.parse_scores(f"9 {answer}")
    assert caught.value.field == "scores"
    assert len(str(caught.value)) < 200


def test_guard_texts_in_every_language():
    for language in LANGUAGES:
        assert catalogue(language)["guard.too_many_columns"].count("{limit}") == 1
