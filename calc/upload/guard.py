"""The one door for untrusted files: container checks, then the parse in a worker process.

An upload is data from anyone. The Excel reader (calamine, Rust) trusts what a
workbook says about itself: a 1.7 KB XLSX declaring a cell at XFD1048576 asks
for 512 GB and aborts the whole process; a shared-strings header claiming 2e9
strings asks for 48 GB; one 4 MB string used 2,000 times takes 10 GB. A
process abort takes every user's session down, and a Rust panic is a
``BaseException`` nothing catches. So :func:`reading`:

1. checks the container before any reader touches it (:func:`check_container`):
   sheet counts, declared sheet dimensions, shared-string counts and lengths,
   the zip's entry count and compressed/uncompressed ratio;
2. runs the reader in a worker process with a memory limit (``RLIMIT_AS``)
   and a time limit, so that an abort, a panic, a ``MemoryError`` or a run
   away becomes a :class:`~calc.errors.DataError` with a message, and the
   server process never holds the reader's peak memory.

Two kinds of worker read a file, and answer alike (:mod:`calc.upload.crossing`):
only the parsed result comes back, the pickle (protocol 5) through a pipe or a
socket and each array through a memory file (``memfd``) the server maps, so the arrays
cross with one copy. The file lives while any of its mappings does; an upload
builds its own columns from the cells and keeps none of them, so it goes with
the read.

- A **standby** (:mod:`calc.upload.standby`) reads a file of 1 MB or more
  when one is ready: a Python process spawned ahead and warmed, which receives
  the bytes through a socket and is let go when the caller is done with the
  result (:func:`reading`).
- Otherwise a worker is **forked** for the file from the server process
  itself: the bytes and the imported readers are there already, so nothing
  is copied in. Python 3.11's ``fork`` does not warn about threads; the child
  touches only its own copy of memory, and a child stuck on a lock another
  thread held at the fork ends at the time limit like any other run away.

Cost (``benchmarks/isolation.py``, 1M-row CSV of 39 MB, this 2-core machine,
read and interpretation together, against both done in the server, medians
of 11 rounds in two runs): on a standby +0.01-0.03 s (+4-7%), forked +0.08-0.11
s (+24-45%). A fork starts cold: the fork itself copies the server's page tables
(7-9 ms), and every page the child's reader writes is new (its parse takes
0.07-0.15 s against 0.05-0.07 s in the server). A standby has both done
before the file comes; what it adds is the bytes through the socket (10-17
ms) and the arrays into the memory file.

Where ``fork`` is not available (Windows), the reader runs in-process after
the same checks.
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import multiprocessing
import os
import re
import threading
import zipfile
import zlib
from collections.abc import Callable

from calc.errors import DataError
from calc.messages import Message
from calc.upload import crossing, standby

#: Most columns a table may have: a wide subscription table of 80 years of months fits.
MAX_COLUMNS = 1_000
#: Most sheets a workbook may have.
MAX_SHEETS = 500
#: Most cells a sheet may declare (its ``<dimension>``): 5M rows of 10 columns.
MAX_DECLARED_CELLS = 50_000_000
#: Excel's own limit on the text of one cell, in characters.
MAX_CELL_CHARS = 32_767
#: Most entries of a zip container (an XLSX has about two per sheet, plus a dozen).
MAX_ZIP_ENTRIES = 2 * MAX_SHEETS + 100
#: Largest ratio of unpacked to packed size accepted for a whole workbook (ordinary: 5-20).
MAX_ZIP_RATIO = 100
#: Unpacked size always accepted, whatever the ratio (bytes).
ZIP_FLOOR = 50 * 1024 * 1024
#: Memory a worker may add to what it starts with: a base plus so many times the file's size.
MEMORY_BASE = 1536 * 1024 * 1024
MEMORY_PER_BYTE = 20
#: Time a worker may take: a base plus so much per megabyte of file (seconds).
SECONDS_BASE = 60.0
SECONDS_PER_MB = 1.0

_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b")
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\b[^>]*\bref="([A-Z]{1,3})?(\d+)?:?([A-Z]{1,3})?(\d+)?"'
)
_SST_HEAD = re.compile(rb"<(?:\w+:)?sst\b[^>]*>")
_COUNT = re.compile(rb'\b(count|uniqueCount)="(\d+)"')
_SI = re.compile(rb"<(?:\w+:)?si[\s>/]")
#: Bytes one shared string may take in the XML: 32,767 characters of up to 4 bytes, and markup.
_SI_BYTES = 4 * MAX_CELL_CHARS + 64 * 1024


def limits(size: int) -> tuple[int, float]:
    """Memory (bytes) and time (seconds) a worker may use for a file of ``size`` bytes.

    >>> memory, seconds = limits(35 * 1024 * 1024)
    >>> round(memory / 2**20), seconds
    (2236, 95.0)
    """
    return MEMORY_BASE + MEMORY_PER_BYTE * size, SECONDS_BASE + SECONDS_PER_MB * size / 2**20


def some(names, shown: int = 8) -> list:
    """At most ``shown`` names for a message, and how many more there are.

    >>> some(["a", "b", "c"], 2)
    ['a', 'b', Message(code='guard.more', values={'count': 1})]
    """
    names = list(names)
    if len(names) <= shown:
        return names
    return [*names[:shown], Message("guard.more", count=len(names) - shown)]


def check_columns(count: int) -> None:
    """Refuse a table of more than :data:`MAX_COLUMNS` columns, before it is split."""
    if count > MAX_COLUMNS:
        raise DataError("guard.too_many_columns", count=count, limit=MAX_COLUMNS)


# ------------------------------------------------------------------ container checks


def _column_number(letters: bytes | None) -> int:
    number = 0
    for char in letters or b"A":
        number = number * 26 + char - 64
    return number


def check_container(data: bytes) -> None:
    """Check a zip workbook (XLSX, ODS) before a reader opens it.

    Reads only the zip's directory, the workbook part, the first 4 KB of each
    sheet and the shared strings (streamed, never whole). Raises
    :class:`DataError` for more than :data:`MAX_SHEETS` sheets, a sheet
    declaring more than :data:`MAX_DECLARED_CELLS` cells or
    :data:`MAX_COLUMNS` columns, a shared-strings header claiming more strings
    than its bytes can hold, one string longer than Excel allows, too many zip
    entries, or a zip unpacking to far more than a spreadsheet does.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            entries = zf.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                raise DataError("guard.too_many_parts", count=len(entries))
            unpacked = sum(e.file_size for e in entries)
            if unpacked > max(ZIP_FLOOR, MAX_ZIP_RATIO * len(data)):
                raise DataError(
                    "guard.zip_ratio",
                    unpacked=round(unpacked / 2**20),
                    packed=round(len(data) / 2**20, 1),
                )
            names = {e.filename for e in entries}
            if "xl/workbook.xml" not in names:
                return  # ODS, or not a workbook at all: the worker's limits still hold
            workbook = _head(zf, "xl/workbook.xml", 8 * 1024 * 1024)
            sheets = len(_SHEET_TAG.findall(workbook))
            if sheets > MAX_SHEETS:
                raise DataError("guard.too_many_sheets", count=sheets, limit=MAX_SHEETS)
            for name in sorted(n for n in names if n.startswith("xl/worksheets/")):
                _check_dimension(_head(zf, name, 4096))
            if "xl/sharedStrings.xml" in names:
                info = zf.getinfo("xl/sharedStrings.xml")
                _check_shared_strings(zf, info, cells=sum(e.file_size for e in entries))
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
        raise DataError("upload.workbook_damaged") from exc


def _head(zf: zipfile.ZipFile, name: str, size: int) -> bytes:
    with zf.open(name) as fh:
        return fh.read(size)


def _check_dimension(head: bytes) -> None:
    found = _DIMENSION.search(head)
    if not found:
        return
    col1, row1, col2, row2 = found.groups()
    rows = int(row2) - int(row1) + 1 if row1 and row2 else int(row1 or row2 or 1)
    columns = _column_number(col2) - _column_number(col1) + 1 if col2 else 1
    check_columns(columns)
    if rows * columns > MAX_DECLARED_CELLS:
        raise DataError("guard.sheet_too_large", height=rows, width=columns)


def _check_shared_strings(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cells: int) -> None:
    """Counts in the header within what the bytes can hold; no string over Excel's limit."""
    with zf.open(info) as fh:
        head = fh.read(4096)
        found = _SST_HEAD.search(head)
        if found:
            for _, value in _COUNT.findall(found.group(0)):
                # a string takes at least 5 bytes (<si/>), a reference to one at least 10
                if int(value) > max(info.file_size // 5, cells // 10) + 16:
                    raise DataError("guard.forged_counts", count=int(value))
        last, offset, tail = 0, 0, head
        while True:
            for match in _SI.finditer(tail):
                at = offset + match.start()
                if at - last > _SI_BYTES and last:
                    raise DataError("guard.cell_too_long", limit=MAX_CELL_CHARS)
                last = at
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            keep = tail[-16:]
            offset += len(tail) - len(keep)
            tail = keep + chunk
        if last and offset + len(tail) - last > _SI_BYTES:
            raise DataError("guard.cell_too_long", limit=MAX_CELL_CHARS)


# ------------------------------------------------------------------ the worker


def _context():
    """The ``fork`` start method, or None where there is none (then files are read in-process)."""
    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - Windows
        return None
    return multiprocessing.get_context("fork")


def _fresh_pool() -> None:
    """Let Arrow allocate from its jemalloc pool, unused in the server: fresh pages for the child.

    The server's default pool (mimalloc) holds pages the server freed; the child
    inherits them shared copy-on-write, and every reuse copies a page. A pool the
    server never touched maps new, zeroed pages instead: the child's parse of a
    1M-row CSV takes 0.10 s instead of 0.20-0.25 s.
    """
    with contextlib.suppress(NotImplementedError, ImportError):  # an Arrow built without it
        import pyarrow

        pyarrow.set_memory_pool(pyarrow.jemalloc_memory_pool())


def _child(send, shared: int, memory: int, fn: Callable, args: tuple) -> None:
    """Run ``fn(*args)`` in the forked worker; send back what it returned or raised."""
    os.environ["RUST_BACKTRACE"] = "0"
    faulthandler.disable()  # an abort here is expected and answered; no dump of every thread
    _fresh_pool()
    message, _ = crossing.send(crossing.outcome(fn, args, memory), shared)
    send.send_bytes(message)
    send.close()


def _reap(worker) -> None:
    """Wait for a worker that has answered (or died) to end; end it if it lingers."""
    worker.join(10)
    if worker.is_alive():  # pragma: no cover - a worker that sent its result exits at once
        worker.kill()
        worker.join()


def _nothing() -> None:
    """Letting go of a worker that needs no letting go."""


def _forked(context, fn: Callable, data: bytes, args: tuple, memory: int, seconds: float):
    """Read in a worker forked for this file.

    Returns the outcome (None if the worker died, "slow" if late) and how to
    let the worker go: nothing to do, as it exits once it has answered. (A
    fork that lingered would share the server's pages, and every page the
    server then wrote would be copied.)
    """
    receive, send = context.Pipe(duplex=False)
    shared = crossing.memory_file()
    worker = context.Process(
        target=_child, args=(send, shared, memory, fn, (data, *args)), daemon=True
    )
    worker.start()
    send.close()
    outcome = None
    try:
        if receive.poll(seconds):
            outcome = crossing.receive(receive.recv_bytes(), shared)
        else:
            outcome = "slow"
            worker.kill()
    except EOFError:  # the worker died before or while sending
        outcome = None
    finally:
        receive.close()
        os.close(shared)  # the mappings made of it stay
    if outcome is None or outcome == "slow":
        _reap(worker)
    else:  # tearing down the worker's memory takes a while: the answer need not wait for it
        threading.Thread(target=_reap, args=(worker,), daemon=True).start()
    return outcome, _nothing


def _on_standby(fn: Callable, data: bytes, args: tuple, memory: int, seconds: float):
    """Read on a ready standby: as :func:`_forked`, with the outcome "none" when none is ready."""
    ready = standby.take() if len(data) >= standby.MIN_BYTES else None
    if ready is None:
        return "none", _nothing
    outcome = ready.run(fn, data, args, memory, seconds)
    if outcome == "slow":
        ready.kill()
        return outcome, _nothing
    if outcome is None or outcome == "declined":
        ready.close()
        return outcome, _nothing
    return outcome, ready.close


@contextlib.contextmanager
def reading(fn: Callable, data: bytes, *args):
    """``fn(data, *args)`` in a worker process with the memory and time limits of :func:`limits`.

    Gives what ``fn`` returns, and lets a standby go when the block ends: its
    exit, which gives back its memory, does not compete with the work on the
    result. A :class:`CalcError` raised in the worker is raised here as it
    was; a crash (abort, panic, segfault), running out of memory, running out
    of time or any other exception becomes a :class:`DataError` with a message
    for the user (the original traceback is its ``__cause__``).

    A file of :data:`standby.MIN_BYTES` or more is read on a ready standby
    (:mod:`calc.upload.standby`) when there is one, and has one prepared for
    the next; a smaller file, or one that finds no standby ready, is read in
    a worker forked for it.
    """
    context = _context()
    memory, seconds = limits(len(data))
    if context is None:  # pragma: no cover - Windows
        yield fn(data, *args)
        return
    outcome, let_go = _on_standby(fn, data, args, memory, seconds)
    if outcome in ("none", "declined"):
        outcome, let_go = _forked(context, fn, data, args, memory, seconds)
    if len(data) >= standby.MIN_BYTES:
        standby.prepare_later(len(data))
    try:
        if outcome == "slow":
            raise DataError("guard.too_slow", seconds=round(seconds))
        yield crossing.answer(outcome, memory)
    finally:
        let_go()
