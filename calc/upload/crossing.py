"""How a reader's result crosses from a worker process to the server.

Both kinds of worker (:mod:`calc.upload.guard` forks one per file,
:mod:`calc.upload.standby` keeps one spawned and warm) run the reader the same
way and answer the same way:

- :func:`outcome` runs the reader under a memory limit and turns whatever
  happens into a value: the result, a calc error to raise again, running out
  of memory, or any other exception as text (a Rust panic is a
  ``BaseException``);
- :func:`send` writes every array of it into a memory file (``memfd``), each
  at a page boundary, and returns the message for the server: the pickle
  (protocol 5) and where each array lies;
- :func:`receive` maps each array from that file into the server, one private
  mapping per array, so the arrays cross with one copy and numpy may write to
  them;
- :func:`answer` turns the outcome into the result, or raises.
"""

from __future__ import annotations

import mmap
import os
import pickle
import resource
import tempfile
import traceback
from collections.abc import Callable

from calc.errors import CalcError, DataError

#: Name of the memory files, as ``/proc/<pid>/maps`` shows their mappings.
NAME = "retention-upload"


def memory_file() -> int:
    """A file in memory for a worker's arrays (a temporary file where Linux's ``memfd_create`` is
    missing)."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create(NAME, os.MFD_CLOEXEC)
    return os.dup(tempfile.TemporaryFile().fileno())  # pragma: no cover - not Linux


def _vm_size() -> int:
    """The process's virtual memory size in bytes (Linux), 0 when unknown."""
    try:
        with open("/proc/self/statm", "rb") as fh:  # the process's own figures, not user data
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):  # pragma: no cover - not Linux
        return 0


def outcome(fn: Callable, args: tuple, memory: int) -> tuple:
    """``fn(*args)`` with at most ``memory`` more bytes of address space, as a tagged value."""
    start = _vm_size()
    if start:
        limit = start + memory
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        return ("ok", fn(*args))
    except CalcError as exc:
        return ("calc", (type(exc), exc.__dict__, str(exc)))
    except MemoryError:
        return ("memory", None)
    except BaseException as exc:  # a Rust panic is a BaseException: every one becomes a message
        return ("bug", "".join(traceback.format_exception(exc)))


def send(result: tuple, shared: int, mapping: mmap.mmap | None = None) -> tuple[bytes, int]:
    """Write the arrays of ``result`` into the memory file ``shared``.

    ``mapping``, a writable mapping of the file's start whose pages are in
    place, takes the arrays that fit in it with a plain copy, without a call
    to the kernel or a page fault. Returns the message to send and the bytes
    of the file the arrays take.
    """
    buffers: list = []
    try:
        head = pickle.dumps(result, protocol=5, buffer_callback=buffers.append)
    except MemoryError:
        buffers, head = [], pickle.dumps(("memory", None), protocol=5)
    places, offset = [], 0
    for buffer in buffers:  # arrays travel as they are, without a copy in this process
        view = buffer.raw()
        if mapping is not None and offset + view.nbytes <= len(mapping):
            mapping[offset : offset + view.nbytes] = view
        else:
            os.pwrite(shared, view, offset)
        places.append((offset, view.nbytes))
        offset += -(-view.nbytes // mmap.PAGESIZE) * mmap.PAGESIZE
    return pickle.dumps((head, places)), offset


def receive(message: bytes, shared: int) -> tuple:
    """The outcome a worker sent, each of its arrays mapped from the memory file."""
    head, places = pickle.loads(message)
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


def answer(result: tuple | None, memory: int) -> object:
    """What the worker returned, or the error it stands for; None means the worker died."""
    if result is None:
        raise DataError("guard.crashed", limit=round(memory / 2**20))
    status, payload = result
    if status == "ok":
        return payload
    if status == "calc":
        raise _rebuild(*payload)
    if status == "memory":
        raise DataError("guard.too_much_memory", limit=round(memory / 2**20))
    raise DataError("guard.failed") from RuntimeError(payload)
