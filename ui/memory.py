"""Give memory the sessions have let go back to the system (glibc on Linux).

A 1M-row upload and its forecast allocate and free about a gigabyte of
arrays. CPython hands large blocks to ``malloc``, and glibc keeps freed
memory in its arenas for reuse: one arena per thread up to eight per core, and
Streamlit runs every session's script in a thread of its own. So after a tab
closes, its session's tables are freed but the server's resident memory does
not fall (measured with ``benchmarks/session_memory.py``: 1,015 MB held after
the only session closed). Two settings change that, once per server process:

- at most two arenas (``M_ARENA_MAX``, as ``MALLOC_ARENA_MAX=2`` would), so
  memory freed by one session's thread is reused by the next session instead
  of sitting in an arena of its own;
- a daemon thread that calls ``malloc_trim(0)`` every :data:`TRIM_SECONDS`,
  which returns the free pages of every arena to the system (a few
  milliseconds; nothing is moved, nothing allocated).

Elsewhere than glibc (macOS, Windows, musl) nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
import time

import streamlit as st

#: glibc's mallopt parameter number of M_ARENA_MAX (malloc.h).
M_ARENA_MAX = -8
ARENAS = 2
#: How often free pages are handed back, in seconds.
TRIM_SECONDS = 15.0


def _libc():
    name = ctypes.util.find_library("c")
    if name is None:  # pragma: no cover - no C library found by name
        return None
    try:
        libc = ctypes.CDLL(name)
        return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None
    except OSError:  # pragma: no cover - not loadable
        return None


def _trim_forever(libc) -> None:
    while True:
        time.sleep(TRIM_SECONDS)
        libc.malloc_trim(0)


@st.cache_resource(show_spinner=False)
def give_back() -> bool:
    """Limit the arenas and start the trimming thread, once per process; False where not glibc."""
    libc = _libc()
    if libc is None:  # pragma: no cover - not glibc
        return False
    libc.mallopt(M_ARENA_MAX, ARENAS)
    threading.Thread(target=_trim_forever, args=(libc,), name="malloc-trim", daemon=True).start()
    return True
