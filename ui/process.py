"""Settings of the server process, made once: memory that goes back, one BLAS thread, a
frozen heap of imports.

**Memory.** A 1M-row upload and its forecast allocate and free about a gigabyte of
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

**One BLAS thread.** numpy and scipy each bring OpenBLAS with a thread per
core. The models multiply 4 x 4 matrices, where threads only cost: with
other sessions busy, OpenBLAS's waiting threads took a 1M-row fit from 0.97 s
to 2.21 s (load 4.5, two cores). Every session's script already runs in a
thread of its own, so BLAS gets one (threadpoolctl).

**A frozen heap.** After every script run Streamlit collects garbage in full
(``runner.postScriptGC``), walking every object the imports made: 110 ms per
rerun with pandas, scipy, Altair and Ibis loaded. ``.streamlit/config.toml``
turns that off, and the objects alive at the first page (the imports) are
frozen (``gc.freeze``) so that Python's own full collections skip them too.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading
import time

import numpy  # noqa: F401 - loads numpy's OpenBLAS, so that set_up limits its threads
import scipy.linalg  # noqa: F401 - and scipy's own
import streamlit as st
from threadpoolctl import threadpool_limits

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


def _give_back() -> bool:
    """Limit the arenas and start the trimming thread; False where not glibc."""
    libc = _libc()
    if libc is None:  # pragma: no cover - not glibc
        return False
    libc.mallopt(M_ARENA_MAX, ARENAS)
    threading.Thread(target=_trim_forever, args=(libc,), name="malloc-trim", daemon=True).start()
    return True


@st.cache_resource(show_spinner=False)
def set_up() -> bool:
    """Once per server process (every page calls it): returns whether memory is given back."""
    threadpool_limits(1, user_api="blas")
    gc.freeze()
    return _give_back()
