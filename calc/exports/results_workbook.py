"""Every result table as one XLSX workbook: numbers as numbers, dates as dates, text as text.

A sheet is written a whole column at a time: each column becomes its cells'
XML in one vectorised step (Arrow compute kernels), a block of rows is
joined and streamed into the compressed file, and the next block follows. A
cell-by-cell writer spends ~6 microseconds of CPU a cell in Python here (30 s
for the 5.7 million cells of a 1M-row order log's results, 1 GB); this one
spends ~0.35 (2 s; 3.8 s for a million customers), and its memory is one
block of rows, not the workbook's XML (~100-170 MB). ``benchmarks/exports.py``.

The parts of the file (styles, theme, workbook, relationships) are those
XlsxWriter writes for the same content (its constant-memory mode, which also
stores text inline), so Excel, LibreOffice, openpyxl and calamine read it as
they read XlsxWriter's files.

Cells:

- numbers (int, float, nullable) -> number cells; NaN and missing -> empty;
  +-infinity -> the error ``#NUM!`` (Excel has no infinity).
- dates and timestamps -> date cells, ``yyyy-mm-dd`` when every value is a
  whole day, else ``yyyy-mm-dd hh:mm:ss``; time zones dropped (wall time);
  dates before 1900-03-01 (outside Excel's calendar) -> ISO text; any
  datetime unit (s, ms, us, ns), so years past 2262 do not overflow.
- booleans -> TRUE/FALSE cells.
- text -> text cells, never formulas; text a spreadsheet would run as a formula
  gets a leading apostrophe (:mod:`calc.exports.neutralise`), numbers never do.
  Characters XML cannot hold are written as Excel's ``_xHHHH_`` escapes;
  text longer than Excel's 32,767 characters is cut there.
- a column of mixed values is typed cell by cell with the same rules.

Sheets hold at most Excel's 1,048,575 rows below the header
(:data:`MAX_DATA_ROWS`); the caller says so with a note (see :func:`to_xlsx`).

References
----------
ECMA-376 Part 1, *Office Open XML File Formats*, 18.3 (worksheets) and 18.8
(styles); Microsoft, *Excel specifications and limits* (1,048,576 rows,
32,767 characters per cell, 31 characters per sheet name).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from calc.exports.neutralise import PLAIN_NUMBER_PATTERN, RISKY_PATTERN, neutralise_text

#: Rows of data a sheet holds below its header (Excel's 1,048,576 rows less one).
MAX_DATA_ROWS = 1_048_575
#: Characters a cell holds (Excel's limit).
MAX_TEXT = 32_767
#: Rows turned into XML in one step: bounds the memory of a sheet, whatever its length.
BLOCK_ROWS = 65_536
#: zlib level of the sheets: 1 compresses ~4x faster than the default 6, files ~25% larger.
COMPRESS_LEVEL = 1

_EPOCH_SERIAL = 25_569  # 1970-01-01 as an Excel serial day (1900 date system)
_FIRST_SERIAL = 61  # 1900-03-01; Excel's serials before it carry its 1900 leap-day bug
_LAST_SERIAL = 2_958_465  # 9999-12-31, the last day Excel has
_PLAIN, _BOLD, _DATE, _DATETIME = 0, 1, 2, 3  # cellXfs of _STYLES
# Text XML 1.0 cannot hold, and literal text that reads as Excel's own escape.
_SPECIAL = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x{FFFE}\x{FFFF}]|_x[0-9A-Fa-f]{4}_"
_SPECIAL_PY = re.compile(r"[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|_x[0-9A-Fa-f]{4}_")
_EDGE_SPACE = r"^\s|\s$"
_TEXT = pa.large_string()

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def to_xlsx(
    tables: Mapping[str, pd.DataFrame],
    notes: Mapping[str, str] | None = None,
    *,
    max_rows: int = MAX_DATA_ROWS,
) -> bytes:
    """Several tables as one XLSX workbook (one sheet each), typed and formula-safe.

    Parameters
    ----------
    tables : mapping
        Sheet name -> DataFrame. Names are cleaned of ``[]:*?/\\``, shortened
        to Excel's 31 characters and made unique (case-insensitively).
    notes : mapping, optional
        Sheet name (as in ``tables``) -> a note written in the header row,
        one empty column right of the table (e.g. that rows were left out).
    max_rows : int
        Rows of each table written below the header, at most
        :data:`MAX_DATA_ROWS`; the rest is left out (say so in ``notes``).

    Returns
    -------
    bytes
        The workbook: a bold, frozen header row per sheet, then the rows.

    Examples
    --------
    >>> import openpyxl
    >>> df = pd.DataFrame({"name": ["=1+1", "Ola"], "refund": [-2614.49, 3.0],
    ...     "day": pd.to_datetime(["2026-01-05", None])})
    >>> ws = openpyxl.load_workbook(io.BytesIO(to_xlsx({"by tier": df})))["by tier"]
    >>> [[c.value for c in row] for row in ws.iter_rows()]  # doctest: +NORMALIZE_WHITESPACE
    [['name', 'refund', 'day'], ["'=1+1", -2614.49, datetime.datetime(2026, 1, 5, 0, 0)],
     ['Ola', 3, None]]
    """
    notes = notes or {}
    limit = max(0, min(int(max_rows), MAX_DATA_ROWS))
    used: set[str] = set()
    names = [sheet_name(name, used) for name in tables]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as zf:
        zf.writestr("[Content_Types].xml", _content_types(len(names)))
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("docProps/app.xml", _app(names))
        zf.writestr("docProps/core.xml", _CORE)
        zf.writestr("xl/workbook.xml", _workbook(names))
        zf.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(names)))
        zf.writestr("xl/styles.xml", _STYLES)
        zf.writestr("xl/theme/theme1.xml", _theme())
        for index, (key, frame) in enumerate(tables.items()):
            _write_sheet(zf, index, frame.iloc[:limit], notes.get(key))
    return buf.getvalue()


def results_tables(*parts: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The results workbook's tables by code, in order: the order log's, then each area's.

    The hook where a result area adds its sheets, e.g.
    ``results_tables(analysis.tables(), segment_tables(s, models))``
    (:func:`calc.exports.segment_sheets.segment_tables`); a code given twice
    is a programming error.

    >>> list(results_tables({"headline": pd.DataFrame()}, {"segments": pd.DataFrame()}))
    ['headline', 'segments']
    """
    out: dict[str, pd.DataFrame] = {}
    for part in parts:
        twice = out.keys() & part.keys()
        if twice:
            raise ValueError(f"sheet codes given twice: {sorted(twice)}")
        out.update(part)
    return out


def sheet_name(name: str, used: set[str]) -> str:
    """An Excel-safe sheet name, unique among ``used`` (case-insensitive), added to it.

    >>> used = set()
    >>> [sheet_name(n, used) for n in ("a/b: c?", "A-b  c", "x" * 40, "X" * 40, "'q'")]
    ['a b  c', 'A-b  c', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'XXXXXXXXXXXXXXXXXXXXXXXXXXX (2)', 'q']
    """
    cleaned = re.sub(r"[\[\]:*?/\\\x00-\x1f]", " ", str(name)).strip("' ")
    base = cleaned[:31].strip("' ") or "sheet"
    candidate, i = base, 2
    while candidate.lower() in used:
        suffix = f" ({i})"
        candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(candidate.lower())
    return candidate


# ------------------------------------------------------------------ a sheet


def _write_sheet(zf: zipfile.ZipFile, index: int, frame: pd.DataFrame, note: str | None) -> None:
    columns = [_prepare(frame.iloc[:, j]) for j in range(frame.shape[1])]
    n_rows, n_cols = len(frame), len(columns)
    last_col = n_cols + 1 if note else max(n_cols, 1)
    dimension = "A1" if last_col == 1 and n_rows == 0 else f"A1:{_letter(last_col - 1)}{n_rows + 1}"
    kinds = [kind for kind, _ in columns]
    widths = "".join(
        f'<col min="{j + 1}" max="{j + 1}" width="{_width(str(c), kind)}" customWidth="1"/>'
        for j, (c, kind) in enumerate(zip(frame.columns, kinds, strict=True))
    )
    selected = 'tabSelected="1" ' if index == 0 else ""
    head = (
        f'{_HEAD}<worksheet xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}"><dimension ref="{dimension}"/>'
        f'<sheetViews><sheetView {selected}workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"{f'<cols>{widths}</cols>' if widths else ''}<sheetData>"
    )
    header = "".join(
        _text_cell(f"{_letter(j)}1", neutralise_text(str(c)), _BOLD)
        for j, c in enumerate(frame.columns)
    )
    if note:
        header += _text_cell(f"{_letter(n_cols + 1)}1", note, _PLAIN)
    text_bytes = sum(
        int(pc.sum(pc.binary_length(v)).as_py() or 0)
        for kind, v in columns
        if kind == "text" and len(v)
    )
    big = n_rows * (n_cols + 1) * 64 + text_bytes > zipfile.ZIP64_LIMIT // 2
    with (
        zf.open(f"xl/worksheets/sheet{index + 1}.xml", "w", force_zip64=big) as out,
        ThreadPoolExecutor(max_workers=1) as compressor,
    ):
        out.write((head + (f'<row r="1">{header}</row>' if header else "")).encode())
        pending = None
        for start in range(0, n_rows, BLOCK_ROWS):
            block = _block(columns, start, min(start + BLOCK_ROWS, n_rows))
            if pending is not None:
                pending.result()
            # zlib lets go of the GIL: the next block is built while this one is compressed.
            pending = compressor.submit(out.write, block)
        if pending is not None:
            pending.result()
        out.write(
            b'</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
            b'header="0.3" footer="0.3"/></worksheet>'
        )


def _block(columns: list[tuple[str, object]], start: int, stop: int) -> memoryview | bytes:
    """The XML of rows ``start`` to ``stop`` (0-based data rows), joined in one vectorised step.

    Text is Arrow's large string (64-bit offsets): a block of long texts may pass 2 GB.
    """
    rows = pa.array(np.arange(start + 2, stop + 2, dtype=np.int64)).cast(_TEXT)
    pieces: list[str | pa.Array] = ['<row r="', rows, '">']
    for j, (kind, values) in enumerate(columns):
        for piece in _cells(kind, values, _letter(j), rows, start, stop):
            if isinstance(piece, str) and isinstance(pieces[-1], str):
                pieces[-1] += piece  # one scalar between two arrays
            else:
                pieces.append(piece)
    if isinstance(pieces[-1], str):
        pieces[-1] += "</row>"
    else:
        pieces.append("</row>")
    # One pass over the block's bytes: every piece joined into each row's XML at once.
    joined = _join(*pieces)
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int64)
    first, last = offsets[joined.offset], offsets[joined.offset + len(joined)]
    return memoryview(joined.buffers()[2])[first:last]


# ------------------------------------------------------------------ columns


def _prepare(s: pd.Series) -> tuple[str, object]:
    """What kind of cells a column makes, and its values ready for :func:`_cells`."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        s = s.astype(s.cat.categories.dtype) if s.notna().all() else s.astype(object)
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool", _flat(pa.array(s, from_pandas=True).cast(pa.int8()).cast(_TEXT))
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return _prepare_dates(s)
    if pd.api.types.is_numeric_dtype(dtype):
        if pd.api.types.is_integer_dtype(dtype):
            return "number", (_flat(pa.array(s, from_pandas=True).cast(_TEXT)), None)
        x = s.to_numpy(dtype="float64", na_value=np.nan)
        finite = np.isfinite(x)
        inf = np.isinf(x)
        return "number", (pa.array(x, mask=~finite).cast(_TEXT), inf if inf.any() else None)
    is_object = dtype is np.dtype(object)
    if isinstance(dtype, pd.StringDtype) or (
        is_object and pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty")
    ):
        if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
            values = pa.array(s.array)  # the column's own Arrow data, no copy
        else:
            values = pa.array(s.to_numpy(dtype=object, na_value=None), type=_TEXT)
        return "text", _flat(values.cast(_TEXT))
    if is_object:
        return "mixed", s.to_numpy(dtype=object)
    return "text", pa.array(s.astype(str).where(s.notna(), None).tolist(), type=_TEXT)


def _flat(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous Arrow array (a pandas column may hold several chunks)."""
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _prepare_dates(s: pd.Series) -> tuple[str, object]:
    """Serial days since 1899-12-30 in the column's own unit (s, ms, us or ns: no overflow)."""
    if getattr(s.dtype, "tz", None) is not None:
        s = s.dt.tz_localize(None)
    values = s.to_numpy()
    unit = np.datetime_data(values.dtype)[0]
    per_day = int(np.timedelta64(1, "D") // np.timedelta64(1, unit))
    ticks = values.view("int64")
    missing = s.isna().to_numpy()
    whole_days = bool(np.all((ticks[~missing] % per_day) == 0))
    days = ticks // per_day  # floor: whole days since 1970-01-01
    if whole_days:
        serial = pa.array(days + _EPOCH_SERIAL, mask=missing)
    else:
        serial = pa.array(ticks / per_day + _EPOCH_SERIAL, mask=missing)
    outside = (days < _FIRST_SERIAL - _EPOCH_SERIAL) | (days > _LAST_SERIAL - _EPOCH_SERIAL)
    off_calendar = ~missing & outside
    pattern = "%Y-%m-%d" if whole_days else "%Y-%m-%d %H:%M:%S"
    iso = s.dt.strftime(pattern) if off_calendar.any() else None
    style = _DATE if whole_days else _DATETIME
    text = off_calendar if off_calendar.any() else None
    return "date", (serial.cast(_TEXT), style, text, iso)


def _cells(
    kind: str, values, letter: str, rows: pa.Array, start: int, stop: int
) -> list[str | pa.Array]:
    """Pieces that, joined, are each row's cell of one column (nothing for an empty cell).

    A block without empty or special cells gives its pieces (tags and values)
    to the row join directly; otherwise the cells are joined here first.
    """
    where = f'<c r="{letter}'
    if kind == "number":
        text, inf = values
        part = text[start:stop]
        if part.null_count == 0 and (inf is None or not inf[start:stop].any()):
            return [where, rows, '"><v>', part, "</v></c>"]
        cells = _join(where, rows, '"><v>', part, "</v></c>")
        if inf is not None and inf[start:stop].any():
            error = _join(where, rows, '" t="e"><v>#NUM!</v></c>')
            cells = pc.if_else(pa.array(inf[start:stop]), error, cells)
    elif kind == "date":
        serial, style, as_text, iso = values
        part = serial[start:stop]
        if part.null_count == 0 and (as_text is None or not as_text[start:stop].any()):
            return [where, rows, f'" s="{style}"><v>', part, "</v></c>"]
        cells = _join(where, rows, f'" s="{style}"><v>', part, "</v></c>")
        if as_text is not None and as_text[start:stop].any():
            part = as_text[start:stop]
            texts = pa.array(iso.iloc[start:stop].where(part, None), type=_TEXT)
            cells = pc.if_else(pa.array(part), _text_cells(texts, where, rows), cells)
    elif kind == "bool":
        cells = _join(where, rows, '" t="b"><v>', values[start:stop], "</v></c>")
    elif kind == "text":
        part = values[start:stop]
        if part.null_count == 0:
            return _text_pieces(_neutralise(part), where, rows)
        cells = _text_cells(_neutralise(part), where, rows)
    else:
        cells = pa.array(
            [
                _mixed_cell(f"{letter}{row}", v)
                for row, v in zip(range(start + 2, stop + 2), values[start:stop], strict=True)
            ],
            type=_TEXT,
        )
    return [pc.fill_null(cells, "")]


def _large(text: str) -> pa.Scalar:
    return pa.scalar(text, type=_TEXT)


def _join(*pieces: str | pa.Array) -> pa.Array:
    """Each row's pieces joined end to end (text pieces are the same in every row)."""
    return pc.binary_join_element_wise(
        *(_large(p) if isinstance(p, str) else p for p in pieces), _large("")
    )


def _neutralise(text: pa.Array) -> pa.Array:
    """Vectorised :func:`calc.exports.neutralise.neutralise_text`."""
    risky = pc.and_(
        pc.match_substring_regex(text, RISKY_PATTERN),
        pc.invert(pc.match_substring_regex(text, PLAIN_NUMBER_PATTERN)),
    )
    if not pc.any(risky).as_py():
        return text
    return pc.if_else(risky, _join("'", text), text)


def _text_cells(text: pa.Array, where: str, rows: pa.Array) -> pa.Array:
    """Inline-string cells (XlsxWriter's constant-memory form): escaped, spaces kept."""
    return _join(*_text_pieces(text, where, rows))


def _text_pieces(text: pa.Array, where: str, rows: pa.Array) -> list[str | pa.Array]:
    """The pieces of :func:`_text_cells` (a missing text gives a missing cell)."""
    special = pc.or_(
        pc.match_substring_regex(text, _SPECIAL),
        pc.greater(pc.utf8_length(text), MAX_TEXT),
    )
    escaped = pc.replace_substring(text, "&", "&amp;")
    escaped = pc.replace_substring(escaped, "<", "&lt;")
    escaped = pc.replace_substring(escaped, ">", "&gt;")
    if pc.any(special).as_py():
        mask = pc.fill_null(special, False)
        fixed = [_xml_text(v) for v in pc.filter(text, mask).to_pylist()]
        escaped = pc.replace_with_mask(escaped, mask, pa.array(fixed, type=_TEXT))
    spaced = pc.fill_null(pc.match_substring_regex(text, _EDGE_SPACE), False)
    if pc.any(spaced).as_py():
        opening = pc.if_else(spaced, _large('<t xml:space="preserve">'), _large("<t>"))
        return [where, rows, '" t="inlineStr"><is>', opening, escaped, "</t></is></c>"]
    return [where, rows, '" t="inlineStr"><is><t>', escaped, "</t></is></c>"]


def _xml_text(value: str) -> str:
    """Text for an XML text node, as Excel escapes it: ``_xHHHH_`` for what XML cannot hold."""
    value = value[:MAX_TEXT]

    def code(m: re.Match) -> str:
        s = m.group(0)
        return "_x005F" + s if s.startswith("_x") else f"_x{ord(s):04X}_"

    return escape(_SPECIAL_PY.sub(code, value))


def _text_cell(ref: str, value: str, style: int) -> str:
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_xml_text(value)}</t></is></c>'


def _mixed_cell(ref: str, v) -> str:
    """One cell of a column of mixed values, typed by the value itself."""
    if v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, (bool, np.bool_)):
        return f'<c r="{ref}" t="b"><v>{int(v)}</v></c>'
    if isinstance(v, (int, float, np.integer, np.floating)):
        x = float(v)
        if math.isinf(x):
            return f'<c r="{ref}" t="e"><v>#NUM!</v></c>'
        return f'<c r="{ref}"><v>{int(v) if isinstance(v, (int, np.integer)) else repr(x)}</v></c>'
    if isinstance(v, (dt.date, np.datetime64)):
        ts = pd.Timestamp(v)
        if ts.tzinfo is not None:
            ts = ts.tz_localize(None)
        serial = (ts - pd.Timestamp("1899-12-30")) / pd.Timedelta(days=1)
        if serial >= _FIRST_SERIAL:
            whole = serial == int(serial)
            number = int(serial) if whole else repr(float(serial))
            return f'<c r="{ref}" s="{_DATE if whole else _DATETIME}"><v>{number}</v></c>'
        return _text_cell(ref, ts.isoformat(), _PLAIN)
    return _text_cell(ref, neutralise_text(str(v)), _PLAIN)


def _letter(j: int) -> str:
    """Excel's column letters of the 0-based column ``j``: 0 -> A, 26 -> AA."""
    out, j = "", j + 1
    while j:
        j, r = divmod(j - 1, 26)
        out = chr(65 + r) + out
    return out


def _width(header: str, kind: str) -> float:
    least = {"date": 11, "number": 10}.get(kind, 10)
    return float(min(max(len(header) + 2, least), 40))


# ------------------------------------------------------------------ package parts
# As XlsxWriter 3.3 writes them for a workbook of inline strings, bold, and two date formats.


def _content_types(n: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(n)
    )
    return (
        f"{_HEAD}<Types "
        'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/'
        'vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/theme/theme1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.theme+xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{sheets}</Types>"
    )


_ROOT_RELS = (
    f'{_HEAD}<Relationships xmlns="{_NS_PKG}">'
    f'<Relationship Id="rId1" Type="{_NS_REL}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_NS_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

_CORE = (
    f"{_HEAD}<cp:coreProperties "
    'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:creator></dc:creator><cp:lastModifiedBy></cp:lastModifiedBy></cp:coreProperties>"
)


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def _app(names: list[str]) -> str:
    titles = "".join(f"<vt:lpstr>{escape(n)}</vt:lpstr>" for n in names)
    return (
        f"{_HEAD}<Properties xmlns="
        '"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity>"
        '<ScaleCrop>false</ScaleCrop><HeadingPairs><vt:vector size="2" baseType="variant">'
        "<vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant>"
        f"<vt:variant><vt:i4>{len(names)}</vt:i4></vt:variant></vt:vector></HeadingPairs>"
        f'<TitlesOfParts><vt:vector size="{len(names)}" baseType="lpstr">{titles}</vt:vector>'
        "</TitlesOfParts><Company></Company><LinksUpToDate>false</LinksUpToDate>"
        "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
        "<AppVersion>12.0000</AppVersion></Properties>"
    )


def _workbook(names: list[str]) -> str:
    sheets = "".join(
        f'<sheet name="{_attr(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
        for i, n in enumerate(names)
    )
    return (
        f'{_HEAD}<workbook xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}">'
        '<fileVersion appName="xl" lastEdited="4" lowestEdited="4" rupBuild="4505"/>'
        '<workbookPr defaultThemeVersion="124226"/><bookViews><workbookView xWindow="240" '
        'yWindow="15" windowWidth="16095" windowHeight="9660"/></bookViews>'
        f'<sheets>{sheets}</sheets><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _workbook_rels(n: int) -> str:
    sheets = "".join(
        f'<Relationship Id="rId{i + 1}" Type="{_NS_REL}/worksheet" '
        f'Target="worksheets/sheet{i + 1}.xml"/>'
        for i in range(n)
    )
    return (
        f'{_HEAD}<Relationships xmlns="{_NS_PKG}">{sheets}'
        f'<Relationship Id="rId{n + 1}" Type="{_NS_REL}/theme" Target="theme/theme1.xml"/>'
        f'<Relationship Id="rId{n + 2}" Type="{_NS_REL}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )


_FONT = (
    '<sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/>'
)
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_NS_MAIN}"><numFmts count="2">'
    '<numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    f'<fonts count="2"><font>{_FONT}</font><font><b/>{_FONT}</font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    '</cellStyles><dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium9" '
    'defaultPivotStyle="PivotStyleLight16"/></styleSheet>'
)


def _theme() -> str:
    from xlsxwriter.theme import THEME_XML_2007  # the default Office theme, as XlsxWriter has it

    return THEME_XML_2007
