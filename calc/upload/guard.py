"""The one door for untrusted files: container checks, then the parse in a worker process.

An upload is data from anyone. The Excel reader (calamine, Rust) trusts what a
workbook says about itself: a 1.7 KB XLSX declaring a cell at XFD1048576 asks
for 512 GB and aborts the whole process; a shared-strings header claiming 2e9
strings asks for 48 GB; one 4 MB string used 2,000 times takes 10 GB. A
process abort takes every user's session down, and a Rust panic is a
``BaseException`` nothing catches. So :func:`parse`:

1. checks the container before any reader touches it (:func:`check_container`):
   sheet counts, declared sheet dimensions, shared-string counts and lengths,
   the zip's entry count and compressed/uncompressed ratio;
2. runs the reader in a worker process with a memory limit (``RLIMIT_AS``)
   and a time limit, so that an abort, a panic, a ``MemoryError`` or a run
   away becomes a :class:`~calc.errors.DataError` with a message, and the
   server process never holds the reader's peak memory.

The worker is forked from the server process itself: the file's bytes and the
imported readers are there already, so nothing is copied in and nothing is
imported again. (A fork server would fork from a clean, single-threaded
process instead, but multiprocessing's re-imports the main script in every
worker, and the bytes would have to be sent.) Python 3.11's ``fork`` does
not warn about threads; the child touches only its own copy of memory, and a
child stuck on a lock another thread held at the fork ends at the time limit
like any other run away. Only the parsed result comes back: the pickle
(protocol 5) through a pipe, and each array of it through a memory file
(``memfd``) the server maps, so the arrays cross with one copy. The file
lives while any of its mappings does; an upload builds its own columns from
the cells and keeps none of them, so it goes with the read.

Cost (``benchmarks/isolation.py``, 1M-row CSV of 39 MB, this 2-core machine,
read and interpretation together): about 0.1 s, +18% (median of 11; it was
+46% with the arrays pickled through the pipe and Arrow's default pool in
the child, measured side by side). What is left is the fork itself (15 ms
for a server of 800 MB), the child's fresh pages (its parse takes 0.08-0.10 s
against 0.06 s in a warm server) and writing the 41 MB of arrays (16 ms).

Where ``fork`` is not available (Windows), the reader runs in-process after
the same checks.
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import mmap
import multiprocessing
import os
import pickle
import re
import resource
import tempfile
import threading
import traceback
import zipfile
import zlib
from collections.abc import Callable

from calc.errors import CalcError, DataError
from calc.messages import Message

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


def _vm_size() -> int:
    """The process's virtual memory size in bytes (Linux), 0 when unknown."""
    try:
        with open("/proc/self/statm", "rb") as fh:  # the process's own figures, not user data
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):  # pragma: no cover - not Linux
        return 0


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
    """Run ``fn(*args)`` under a memory limit; send back what it returned or raised.

    The arrays of the result are written into ``shared`` (a memory file the
    server made before the fork), each at a page boundary; the pipe carries the
    pickle and where each array lies.
    """
    os.environ["RUST_BACKTRACE"] = "0"
    faulthandler.disable()  # an abort here is expected and answered; no dump of every thread
    _fresh_pool()
    start = _vm_size()
    if start:
        limit = start + memory
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        outcome = ("ok", fn(*args))
    except CalcError as exc:
        outcome = ("calc", (type(exc), exc.__dict__, str(exc)))
    except MemoryError:
        outcome = ("memory", None)
    except BaseException as exc:  # a Rust panic is a BaseException: every one becomes a message
        outcome = ("bug", "".join(traceback.format_exception(exc)))
    buffers: list = []
    try:
        head = pickle.dumps(outcome, protocol=5, buffer_callback=buffers.append)
    except MemoryError:
        buffers, head = [], pickle.dumps(("memory", None), protocol=5)
    places, offset = [], 0
    for buffer in buffers:  # arrays travel as they are, without a copy in this process
        view = buffer.raw()
        os.pwrite(shared, view, offset)
        places.append((offset, view.nbytes))
        offset += -(-view.nbytes // mmap.PAGESIZE) * mmap.PAGESIZE
    send.send_bytes(pickle.dumps((head, places)))
    send.close()


def _receive(receive, shared: int) -> tuple:
    """The worker's outcome: the pickle, with each array mapped from the memory file.

    Each array is its own private mapping: numpy may write to it without
    touching the file.
    """
    head, places = pickle.loads(receive.recv_bytes())
    buffers = [
        mmap.mmap(shared, size, offset=offset, access=mmap.ACCESS_COPY) if size else bytearray()
        for offset, size in places
    ]
    return pickle.loads(head, buffers=buffers)


def _rebuild(cls: type, state: dict, text: str) -> CalcError:
    """A calc error as raised in the worker (its __init__ takes other arguments than its args)."""
    error = cls.__new__(cls)
    Exception.__init__(error, text)
    error.__dict__.update(state)
    return error


def _reap(worker) -> None:
    """Wait for a worker that has answered (or died) to end; end it if it lingers."""
    worker.join(10)
    if worker.is_alive():  # pragma: no cover - a worker that sent its result exits at once
        worker.kill()
        worker.join()


def _memory_file() -> int:
    """A file in memory the worker writes its arrays into (a temporary file where Linux's
    ``memfd_create`` is missing)."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create("retention-upload", os.MFD_CLOEXEC)
    return os.dup(tempfile.TemporaryFile().fileno())  # pragma: no cover - not Linux


def run(fn: Callable, data: bytes, *args) -> object:
    """``fn(data, *args)`` in a worker process with the memory and time limits of :func:`limits`.

    Returns what ``fn`` returns. A :class:`CalcError` raised in the worker is
    raised here as it was; a crash (abort, panic, segfault), running out of
    memory, running out of time or any other exception becomes a
    :class:`DataError` with a message for the user (the original traceback is
    its ``__cause__``).
    """
    context = _context()
    memory, seconds = limits(len(data))
    if context is None:  # pragma: no cover - Windows
        return fn(data, *args)
    receive, send = context.Pipe(duplex=False)
    shared = _memory_file()
    worker = context.Process(
        target=_child, args=(send, shared, memory, fn, (data, *args)), daemon=True
    )
    worker.start()
    send.close()
    outcome = None
    try:
        if receive.poll(seconds):
            outcome = _receive(receive, shared)
        else:
            worker.kill()
            worker.join()
            raise DataError("guard.too_slow", seconds=round(seconds))
    except EOFError:  # the worker died before or while sending
        outcome = None
    finally:
        receive.close()
        os.close(shared)  # the mappings made of it stay
    if outcome is None:
        _reap(worker)
    else:  # tearing down the worker's memory takes a while: the answer need not wait for it
        threading.Thread(target=_reap, args=(worker,), daemon=True).start()
    if outcome is None:
        raise DataError("guard.crashed", limit=round(memory / 2**20))
    status, payload = outcome
    if status == "ok":
        return payload
    if status == "calc":
        raise _rebuild(*payload)
    if status == "memory":
        raise DataError("guard.too_much_memory", limit=round(memory / 2**20))
    raise DataError("guard.failed") from RuntimeError(payload)
