"""Recognise what kind of file an upload is and turn it into raw text columns.

Everything here works on ``bytes`` in memory. The result is a :class:`RawTable`:
the header names as written in the file, one Arrow array per column (strings
for text files; typed where an Excel cell carries a date or number) and, for
each data row, its row number as a spreadsheet or text editor shows it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from calc.errors import DataError
from calc.messages import Message
from calc.upload import guard

SEPARATORS = (",", ";", "\t", "|")
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_SAMPLE_LINES = 60
#: Bytes compared at a time when counting a file's lines (fits the cache).
_STEP = 1 << 18
_QUOTED = re.compile(r'"[^"]*"')
_NON_SPACE = re.compile(r"\S")

_MAGIC = (
    (b"\x89PNG", Message("upload.kind.png")),
    (b"\xff\xd8\xff", Message("upload.kind.jpeg")),
    (b"GIF8", Message("upload.kind.gif")),
    (b"%PDF", Message("upload.kind.pdf")),
    (b"BM", None),  # bitmap only when more evidence follows; see _binary_kind
    (b"\x1f\x8b", Message("upload.kind.gzip")),
    (b"Rar!", Message("upload.kind.rar")),
    (b"7z\xbc\xaf", Message("upload.kind.seven_zip")),
    (b"RIFF", Message("upload.kind.media")),
)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def _password() -> DataError:
    return DataError("upload.password")


@dataclass(frozen=True)
class RawTable:
    """Columns of one table as found in the file, before any cleaning.

    Attributes
    ----------
    names : tuple of str
        Header cells as written (made unique by appending `` (2)``).
    columns : tuple of pyarrow.Array
        One array per column, same length; strings for text files.
    rows : numpy.ndarray
        For each data row, its row number in the file (first row is 1).
    details : dict
        How the file was read: ``format``, ``encoding``, ``separator``,
        ``header_row``, ``sheet``, ``sheet_names``.
    problems : tuple of (int, str, str)
        Lines that could not be split into the header's columns:
        ``(row, reason, text)``, the reason a message code
        (``"upload.skip.column_count"``).
    """

    names: tuple[str, ...]
    columns: tuple[pa.Array, ...]
    rows: np.ndarray
    details: dict = field(default_factory=dict)
    problems: tuple[tuple[int, str, str], ...] = ()


def container(data: bytes, filename: str) -> str:
    """Name the container of an upload from its first bytes.

    Returns ``"xlsx"`` (also for ODS, told apart later), ``"xls"``, or
    ``"text"``. Raises :class:`DataError` for images, documents, archives,
    password-protected workbooks and binary data.

    >>> container(b"kunde;dato\\n", "x.csv")
    'text'
    """
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(_OLE):
        if _ENCRYPTED in data[:1_000_000] or _ENCRYPTED in data[-1_000_000:]:
            raise _password()
        if _biff_file_pass(data):
            raise _password()
        return "xls"
    for magic, what in _MAGIC:
        if what and data.startswith(magic):
            raise DataError("upload.not_a_spreadsheet", filename=filename, kind=what)
    return "text"


def _biff_file_pass(data: bytes) -> bool:
    """True when an Excel 97-2003 workbook starts with a FilePass record (it is encrypted).

    Walks the records after the workbook's BOF (BIFF8, version 0x0600, globals).
    """
    at = data.find(b"\x09\x08\x10\x00\x00\x06\x05\x00", 512, 1 << 20)
    if at < 0:
        return False
    for _ in range(64):
        kind, size = (
            int.from_bytes(data[at : at + 2], "little"),
            int.from_bytes(data[at + 2 : at + 4], "little"),
        )
        if kind == 0x002F:
            return True
        if kind in (0x000A, 0x0085) or size > 8224 or at + 4 + size > len(data):
            return False
        at += 4 + size
    return False  # pragma: no cover - a workbook's globals reach a BoundSheet8 or EOF sooner


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode text bytes, trying BOMs, UTF-16, UTF-8, then a Windows code page.

    Returns the text and the encoding's name. A strict decode that succeeds is
    taken; UTF-8 is tried before the Windows code pages because a file in one
    of them with accented letters is almost never valid UTF-8. Of those,
    :func:`windows_code_page` tells Central European (Polish) from Western.

    >>> decode("Sørensen".encode("cp1252"))
    ('Sørensen', 'cp1252')
    >>> decode("Michał Żak".encode("cp1250"))
    ('Michał Żak', 'cp1250')
    >>> decode(b"\\xef\\xbb\\xbfJ\\xc3\\xb8rgen")
    ('Jørgen', 'utf-8-sig')
    """
    if encoding:
        try:
            return data.decode(encoding).removeprefix("\ufeff"), encoding
        except (LookupError, UnicodeDecodeError) as exc:
            raise DataError("upload.wrong_encoding", encoding=encoding) from exc
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        head = data[:4000]
        odd_zero = head[1::2].count(0) / max(1, len(head[1::2]))
        even_zero = head[0::2].count(0) / max(1, len(head[0::2]))
        candidates = []
        if odd_zero > 0.3 and even_zero < 0.05:
            candidates.append("utf-16-le")
        elif even_zero > 0.3 and odd_zero < 0.05:
            candidates.append("utf-16-be")
        candidates += ["utf-8", windows_code_page(data)]
    for name in candidates:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        if name.startswith("cp125") and _UTF8_LETTER.search(data):
            return _per_line(data, name), f"utf-8+{name}"
        return text, name
    raise DataError("upload.not_text")


#: A Latin letter written in UTF-8 (lead byte C3-C5 for ø, é, ą, ł..., then 80-BF): in a
#: file that is not UTF-8 throughout, it says some lines are (a Windows code page rarely
#: puts a capital A with a mark before one of its symbols inside a word).
_UTF8_LETTER = re.compile(rb"[\xc3\xc4\xc5][\x80-\xbf]")


def _per_line(data: bytes, page: str) -> str:
    r"""Decode a file mixing UTF-8 and Windows code page lines, each line in its own.

    >>> _per_line("Sørensen\n".encode() + "Sørensen\n".encode("cp1252"), "cp1252")
    'Sørensen\nSørensen\n'
    """
    out = []
    for line in data.split(b"\n"):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(line.decode(page, errors="replace"))
    return "\n".join(out)


#: Characters of the upper half of Windows-1250 or -1252 that are not letters
#: (³ ¹ ¿ £ ¯ ...): where one touches a letter, a letter was read in the wrong code page.
_SYMBOLS = "".join(
    sorted(
        {
            char
            for byte in range(0x80, 0x100)
            for page in ("cp1250", "cp1252")
            for char in bytes([byte]).decode(page, errors="ignore")
            if not char.isalpha()
        }
    )
)
_SYMBOL_IN_WORD = re.compile(
    f"[{re.escape(_SYMBOLS)}](?=[^\\W\\d_])|(?<=[^\\W\\d_])[{re.escape(_SYMBOLS)}]"
)


def windows_code_page(data: bytes) -> str:
    """``cp1250`` (Central European: Polish) or ``cp1252`` (Western) for a non-UTF-8 file.

    Both read almost any byte, but the wrong one turns letters into symbols
    inside words: Polish "Michał" (ł is byte 0xB3) read as Windows-1252 is
    "Micha³", "Łukasz" is "£ukasz". The code page whose reading leaves fewer
    symbols touching a letter wins; a tie (Sørensen, Çela, "£12.50") is
    Western, the default of most spreadsheet exports.

    >>> windows_code_page("Łukasz Wójcik;Michał Żak".encode("cp1250"))
    'cp1250'
    >>> windows_code_page("Åse Sørensen;Ëndrit Çela;£12.50".encode("cp1252"))
    'cp1252'
    """
    sample = data[:200_000]
    try:
        central = sample.decode("cp1250")
    except UnicodeDecodeError:  # bytes cp1250 leaves undefined: not Central European
        return "cp1252"
    western = sample.decode("cp1252", errors="replace")
    wrong_in_western = len(_SYMBOL_IN_WORD.findall(western))
    return "cp1250" if wrong_in_western > len(_SYMBOL_IN_WORD.findall(central)) else "cp1252"


def _looks_binary(text: str) -> bool:
    head = text[:20_000]
    control = sum(1 for ch in head if ch < " " and ch not in "\t\r\n")
    return control > 0.01 * len(head)


def _split(line: str, sep: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=sep, quotechar='"'), [])
    except csv.Error:  # a cell over the csv module's 128 kB limit: split plainly
        return line.split(sep)


def guess_separator(lines: list[str]) -> str:
    """Pick the separator that splits the sample lines most consistently.

    For every candidate, the most common count per line (outside quotes) is
    found; the candidate whose count is the same on the largest share of lines
    wins, then the one giving more columns.

    >>> guess_separator(["kunde;dato;beløp", "1;23.11.2026;12,50", "2;24.11.2026;7,00"])
    ';'
    """
    best, best_key = None, (0.0, 0)
    stripped = [_QUOTED.sub("", line) for line in lines]
    for sep in SEPARATORS:
        counts = [line.count(sep) for line in stripped]
        mode, _ = Counter(counts).most_common(1)[0]
        if mode == 0:
            nonzero = [c for c in counts if c]
            if not nonzero:
                continue
            mode, _ = Counter(nonzero).most_common(1)[0]
        share = sum(c == mode for c in counts) / len(counts)
        key = (round(share, 2), mode)
        if key > best_key:
            best, best_key = sep, key
    if best is None:
        raise DataError("upload.one_column")
    return best


_NUMBERISH = re.compile(r"^[\s\-+(]*[$€£]?\s*[\d.,' \u00a0]+\s*(kr|zł|[A-Z]{3})?\)?\s*$")
_DATEISH = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")


def _is_value(cell: str) -> bool:
    cell = cell.strip()
    return bool(cell) and bool(_NUMBERISH.match(cell) or _DATEISH.match(cell))


def header_index(rows: list[list[str]]) -> int | None:
    """Find the header among the first rows; ``None`` when the file has none.

    The header is the first row that fills at least half as many cells as a
    typical row below it and is made of text rather than numbers or dates.
    Title lines above it (one filled cell) are skipped.

    >>> header_index([["Sales 2026"], [], ["id", "date", "amount"], ["1", "2026-01-02", "5"]])
    2
    >>> header_index([["1", "2026-01-02", "5"], ["2", "2026-01-03", "7"]]) is None
    True
    """
    filled = [sum(1 for c in row if c.strip()) for row in rows]
    typical = Counter(f for f in filled if f >= 2).most_common(1)
    if not typical:  # one filled cell per row at most: a list, not a table
        return None
    width = typical[0][0]
    for i, row in enumerate(rows):
        if filled[i] >= max(2, (width + 1) // 2):
            values = sum(_is_value(c) for c in row)
            return None if values * 2 > filled[i] else i
    return None  # pragma: no cover - a row of width `width` always exists


def unique_names(names: list[str]) -> tuple[str, ...]:
    """Make header names unique and non-empty, keeping their order.

    >>> unique_names(["Dato", "", "Dato"])
    ('Dato', 'column 2', 'Dato (2)')
    """
    seen: Counter = Counter()
    out = []
    for i, raw in enumerate(names):
        name = str(raw).strip() if raw is not None else ""
        name = name or f"column {i + 1}"
        seen[name] += 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return tuple(out)


def _utf8_head(data: bytes) -> str | None:
    """The first 200 kB of a large file that looks like BOM-less UTF-8 text, else None.

    For such files the whole text is not decoded in Python: Arrow validates
    UTF-8 while reading, and a failure sends the file through :func:`decode`.
    """
    if len(data) < 4_000_000 or data.startswith((codecs.BOM_UTF8, b"\xff\xfe", b"\xfe\xff")):
        return None
    chunk = data[:200_000]
    try:
        head = chunk.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(chunk) - 4:
            return None
        head = chunk[: exc.start].decode("utf-8")  # a character cut at the end of the chunk
    if "\n" not in head or "\x00" in head or _looks_binary(head) or not _NON_SPACE.search(head):
        return None
    return head


def read_text(
    data: bytes, *, encoding: str | None = None, sep: str | None = None, _full: bool = False
) -> RawTable:
    """Split a delimited text file into string columns.

    The sample (first lines) decides the separator and the header row; the
    whole file is then split by Arrow's CSV reader with every column read as
    text, so no number or date rule is applied before we know the column's
    meaning.
    """
    head = None if encoding or _full else _utf8_head(data)
    if head is None:
        text, enc = decode(data, encoding)
        if not _NON_SPACE.search(text):
            raise DataError("upload.empty_text")
        if "\n" not in text[:200_000] and "\r" in text:
            text = text.replace("\r", "\n")
            data = text.encode("utf-8")
        head = text[:200_000]
        cut = len(head) < len(text)
        body = text.encode("utf-8") if enc != "utf-8" else data
        del text
    else:  # a large UTF-8 file: Arrow checks the rest while it splits the columns
        enc, body, cut = "utf-8", data, True
    lines = head.split("\n")[:400]
    physical = [line.rstrip("\r") for line in lines]
    if cut or len(lines) >= 400:
        physical = physical[:-1] or physical  # the last piece may be cut mid-line
    sample = [line for line in physical if line.strip()][:_SAMPLE_LINES]
    if sep is None:
        sep = guess_separator(sample)
    elif sep not in SEPARATORS:
        raise DataError("upload.unknown_separator")
    parsed = [_split(line, sep) for line in physical]
    found = header_index([row for row in parsed if any(c.strip() for c in row)][:_SAMPLE_LINES])
    nonblank = [i for i, row in enumerate(parsed) if any(c.strip() for c in row)]
    if found is None:
        header_line = None
        first_data = nonblank[0]
        width = Counter(len(parsed[i]) for i in nonblank[:_SAMPLE_LINES]).most_common(1)[0][0]
        names = unique_names([f"column {i + 1}" for i in range(width)])
    else:
        header_line = nonblank[found]
        first_data = header_line + 1
        names = unique_names(parsed[header_line][: guard.MAX_COLUMNS + 1])
    widest = len(parsed[header_line if found is not None else first_data])
    guard.check_columns(max(widest, len(names)))
    if body.startswith(codecs.BOM_UTF8):
        body = body[3:]
    skip = first_data
    internal = [f"c{i}" for i in range(len(names))]
    problems: list[tuple[int, str, str]] = []

    def on_invalid(row):
        problems.append((row.number, row.text))
        return "skip"

    def parse(threads: bool):
        return pacsv.read_csv(
            pa.BufferReader(body),
            read_options=pacsv.ReadOptions(
                skip_rows=skip, column_names=internal, use_threads=threads, block_size=1 << 24
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, invalid_row_handler=on_invalid, newlines_in_values=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(internal, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )

    try:
        table = parse(True)
        if problems:
            problems.clear()
            table = parse(False)  # row numbers of bad lines are only known single-threaded
    except pa.ArrowInvalid as exc:
        if enc == "utf-8" and "UTF8" in str(exc) and not _full:
            return read_text(data, sep=sep, _full=True)  # not UTF-8 after all: decode it all
        raise DataError(  # pragma: no cover - bad rows are skipped by the handler
            "upload.cannot_split"
        ) from exc
    n = table.num_rows
    bad_lines = {num for num, _ in problems if num is not None}
    rows, empty_lines = _row_numbers(body, first_line=skip + 1, expected=n, bad_lines=bad_lines)
    kept_problems = tuple(
        (num or 0, "upload.skip.column_count", txt.strip())
        for num, txt in problems
        if txt.strip(sep + " \t")
    )
    columns = tuple(table.column(c) for c in internal)
    return RawTable(
        names=names,
        columns=columns,
        rows=rows,
        details={
            "format": "csv",
            "encoding": enc,
            "separator": sep,
            "header_row": None if header_line is None else header_line + 1,
            "empty_lines": empty_lines,
        },
        problems=kept_problems,
    )


def _line_breaks(body: bytes) -> int:
    """How many line feeds ``body`` holds.

    Compared a cache-sized step at a time: 3 ms for 39 MB where ``bytes.count``
    takes 16 ms and one comparison of the whole file would fill 39 MB of fresh
    memory.
    """
    data = np.frombuffer(body, dtype=np.uint8)
    hit = np.empty(min(len(data), _STEP), dtype=bool)
    count = 0
    for start in range(0, len(data), _STEP):
        part = data[start : start + _STEP]
        np.equal(part, 10, out=hit[: len(part)])
        count += int(np.count_nonzero(hit[: len(part)]))
    return count


def _row_numbers(
    body: bytes, *, first_line: int, expected: int, bad_lines: set[int]
) -> tuple[np.ndarray, int]:
    """File line numbers (1-based) of the rows Arrow returned.

    Arrow skips empty lines and bad lines; when there are none of either, data
    row ``i`` sits on line ``first_line + i``. Otherwise the non-empty lines
    are located with numpy (no quoted line breaks are assumed).
    """
    simple = np.arange(first_line, first_line + expected, dtype=np.int64)
    lines = _line_breaks(body) + (0 if body.endswith(b"\n") else 1)
    if not bad_lines and lines - (first_line - 1) == expected:
        return simple, 0  # no empty line anywhere after the header
    buf = np.frombuffer(body, dtype=np.uint8)
    breaks = np.flatnonzero(buf == 10)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(buf)]))
    length = ends - starts
    cr = np.zeros(len(starts), dtype=bool)
    has = length > 0
    cr[has] = buf[ends[has] - 1] == 13
    length = length - cr
    numbers = np.arange(1, len(starts) + 1, dtype=np.int64)
    keep = (length > 0) & (numbers >= first_line)
    if bad_lines:
        keep &= ~np.isin(numbers, np.fromiter(bad_lines, dtype=np.int64))
    found = numbers[keep]
    empty = int(((length == 0) & (numbers >= first_line)).sum())
    if body.endswith(b"\n"):
        empty -= 1  # the piece after the final line break is no line
    return (found, empty) if len(found) == expected else (simple, empty)


# ---------------------------------------------------------------- spreadsheets

_SHEET_REL = re.compile(rb'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]+)"', re.S)
_REL = re.compile(rb'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', re.S)
_REL_REV = re.compile(rb'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', re.S)
_ROW = re.compile(rb"<row\b[^>]*?\br=\"(\d+)\"[^>]*?(/>|>(.*?)</row>)", re.S)
_CELL = re.compile(rb"<c\b[^>]*?(/>|>(.*?)</c>)", re.S)


def _xlsx_peek(data: bytes, sheet_index: int) -> tuple[int | None, int]:
    """Peek at the top of an XLSX sheet: its header row (0-based) and how many cells rows fill.

    Only the first 256 KB of the sheet's XML are decompressed, so a million-row
    workbook is not read twice. Returns ``(None, 0)`` when this cannot be told.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            workbook = zf.read("xl/workbook.xml")
            rels = zf.read("xl/_rels/workbook.xml.rels")
            targets = dict(_REL.findall(rels))
            targets.update({rid: tgt for tgt, rid in _REL_REV.findall(rels)})
            sheets = _SHEET_REL.findall(workbook)
            target = targets[sheets[sheet_index][1]].decode()
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            with zf.open(path) as fh:
                head = fh.read(256 * 1024)
    except (KeyError, IndexError, zipfile.BadZipFile, zlib.error, EOFError, OSError):
        return None, 0
    rows = []
    for number, _, inner in _ROW.findall(head)[:_SAMPLE_LINES]:
        cells = [c for _, c in _CELL.findall(inner or b"") if b"<v>" in c or b"<t" in c]
        if cells:
            rows.append((int(number) - 1, len(cells)))
    typical = Counter(n for _, n in rows if n >= 2).most_common(1)
    if not typical or len(rows) < 2:
        return None, 0
    width = typical[0][0]
    return next(r for r, n in rows if n >= max(2, (width + 1) // 2)), width


#: Sheets looked at for a table when none is chosen (a cover, notes, then the data).
_SHEETS_TRIED = 20


def _load(reader, index: int, **kwargs):
    try:
        return reader.load_sheet(index, **kwargs).to_arrow()
    except Exception as exc:  # fastexcel raises its own and Rust panics as several types
        raise DataError("upload.sheet_damaged") from exc


def read_excel(data: bytes, kind: str, sheet: int | str | None = None) -> RawTable:
    """Read one sheet of an XLSX, XLS or ODS workbook with fastexcel.

    fastexcel (calamine, Rust) returns Arrow columns, keeping dates as dates
    and numbers as numbers; cells with formulas give their stored values.
    Without ``sheet``, the first sheet with at least two columns and two rows
    is read.
    """
    import fastexcel  # imported here: only Excel uploads pay for it

    try:
        reader = fastexcel.read_excel(data)
        sheet_names = tuple(reader.sheet_names)
    except Exception as exc:  # fastexcel raises its own and Rust panics as several types
        if "password" in str(exc).lower():
            raise _password() from exc
        raise DataError("upload.workbook_damaged") from exc
    fmt = "ods" if kind == "zip" and b"opendocument.spreadsheet" in data[:200] else kind
    if fmt == "zip":
        fmt = "xlsx"
    if not sheet_names:
        raise DataError("upload.no_sheets")
    if len(sheet_names) > guard.MAX_SHEETS:
        raise DataError("guard.too_many_sheets", count=len(sheet_names), limit=guard.MAX_SHEETS)
    if sheet is None:
        candidates = range(min(len(sheet_names), _SHEETS_TRIED))
    elif isinstance(sheet, int) and 0 <= sheet < len(sheet_names):
        candidates = [sheet]
    elif isinstance(sheet, str) and sheet in sheet_names:
        candidates = [sheet_names.index(sheet)]
    else:
        raise DataError("upload.no_such_sheet", sheet=sheet, sheets=sheet_names)
    batch, header, index = None, None, candidates[0]
    for index in candidates:
        header, width = _xlsx_peek(data, index) if fmt == "xlsx" else (None, 0)
        if fmt == "xlsx" and width < 2 and len(candidates) > 1:
            continue  # a notes or cover sheet
        if header is not None:
            batch = _load(reader, index, header_row=header)
            if not _plausible_header([str(c) for c in batch.schema.names], batch):
                header, batch = None, None
        if batch is None:
            batch = _load(reader, index, header_row=None, skip_rows=0)
        guard.check_columns(batch.num_columns)
        if (batch.num_columns >= 2 and batch.num_rows >= 2) or len(candidates) == 1:
            break
        batch = None
    if batch is None:
        raise DataError("upload.no_table_sheet")
    columns = [batch.column(i) for i in range(batch.num_columns)]
    if header is None:
        columns, raw, first_row = _split_header(columns)
    else:
        raw, first_row = [str(c) for c in batch.schema.names], header + 2
    names = unique_names(["" if n.startswith("__UNNAMED__") else n for n in raw])
    n = len(columns[0]) if columns else 0
    return RawTable(
        names=names,
        columns=tuple(columns),
        rows=np.arange(first_row, first_row + n, dtype=np.int64),
        details={
            "format": fmt,
            "sheet": sheet_names[index],
            "sheet_names": sheet_names,
            "header_row": first_row - 1 if header is not None or raw[:1] != ["column 1"] else None,
        },
    )


def _plausible_header(names: list[str], batch: pa.RecordBatch) -> bool:
    """Most header cells are filled and are words, not numbers or dates."""
    named = [n for n in names if not n.startswith("__UNNAMED__")]
    values = sum(_is_value(n) for n in named)
    return batch.num_columns > 0 and len(named) * 2 >= batch.num_columns and values * 2 < len(named)


def _split_header(columns: list[pa.Array]) -> tuple[list[pa.Array], list[str], int]:
    """Find the header inside columns read without one (all as text)."""
    if not columns:  # pragma: no cover - fastexcel returns at least one column
        return columns, [], 1
    top = min(len(columns[0]), _SAMPLE_LINES)
    head = [["" if v is None else str(v) for v in col.slice(0, top).to_pylist()] for col in columns]
    rows = [[head[c][r] for c in range(len(columns))] for r in range(top)]
    found = header_index(rows)
    if found is None:
        start = next((r for r in range(top) if any(x.strip() for x in rows[r])), 0)
        names = [f"column {i + 1}" for i in range(len(columns))]
        return [col.slice(start) for col in columns], names, start + 1
    names = rows[found]
    return [col.slice(found + 1) for col in columns], names, found + 2


def _empty(col) -> np.ndarray:
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        empty = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(col), ""), True)
    else:
        empty = pc.is_null(col)
    return np.asarray(empty.to_numpy(zero_copy_only=False), dtype=bool)


def is_blank(columns: tuple, n: int) -> np.ndarray:
    """Rows in which every cell is empty or only spaces.

    The first column is checked in full; the others only on the rows still
    blank, which are usually none.
    """
    if not columns:  # pragma: no cover - every reader returns at least one column
        return np.ones(n, dtype=bool)
    blank = _empty(columns[0])
    for col in columns[1:]:
        rows = np.flatnonzero(blank)
        if len(rows) == 0:
            break
        blank[rows] = _empty(col.take(pa.array(rows)))
    return blank
