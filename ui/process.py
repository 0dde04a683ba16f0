"""Settings of the server process, made once: memory that goes back, one BLAS thread, a
frozen heap of imports, no Nagle delay on the server's connections.

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
  milliseconds; nothing is moved, nothing allocated), and has Arrow's own
  allocator (mimalloc) give back its free pages too (29 MB after a 1M-row
  upload and its forecast, measured in one process).

Elsewhere than glibc (macOS, Windows, musl) only Arrow's free pages are given back.

**One BLAS thread.** numpy and scipy each bring OpenBLAS with a thread per
core. The models multiply 4 x 4 matrices, where threads only cost: with
other sessions busy, OpenBLAS's waiting threads took a 1M-row fit from 0.97 s
to 2.21 s (load 4.5, two cores). Every session's script already runs in a
thread of its own, so BLAS gets one (threadpoolctl).

**A frozen heap.** After every script run Streamlit collects garbage in full
(``runner.postScriptGC``), walking every object the imports made: 110 ms per
rerun with pandas, scipy, Altair and Ibis loaded. ``.streamlit/config.toml``
turns that off, and the objects alive at the first page (the imports) are
frozen (``gc.freeze``) so that Python's own full collections skip them too
(50 sessions, ``benchmarks/load.py``: p95 rerun 155-259 ms frozen, 353-1,156 ms
not). The first page runs in a session, though, and a frozen object is never
collected: that session's objects, which hold each other in cycles, and with
them its upload and forecast, stayed for the life of the process. So every
:data:`REFREEZE_SECONDS` the heap is thawed, collected once and frozen again
(:func:`refreeze`): what a closed session held goes back at the latest that
long after Streamlit drops the session.

With little left unfrozen, Python's own full collections came every ten gen-1 collections
(its rule compares the survivors with the objects not frozen): under 50 sessions 8-10 in
35 s, each stopping every session's thread for 36-200 ms. The refreeze already collects
in full every :data:`REFREEZE_SECONDS`, so Python's own full collections are left to it
(:data:`FULL_AFTER`); young objects are still collected as before. p95 rerun, 50 sessions
(``benchmarks/load.py``, the two run in turn in one sitting): 337-381 ms with them,
117-261 ms in five of six runs without (602 ms in one).

**No Nagle delay.** A rerun sends the browser about a hundred small websocket
frames. Streamlit's server binds its listening socket with protocol 0, so
asyncio's own ``TCP_NODELAY`` (set only where the protocol reads TCP) is never
set, and Nagle's algorithm holds a small frame until the one before is
acknowledged. A client that delays its acknowledgements (40 ms on Linux, up to
200 ms on Windows) then waits that long: ``benchmarks/load.py``'s client waited
44 ms for a rerun the script ran in 18 ms (20 ms with this setting). Chromium on
the same machine acknowledged at once (68 and 73 ms from the change to the last
frame, without and with). :func:`no_nagle` sets ``TCP_NODELAY`` on the
process's TCP sockets, the listening one included, whose connections inherit
it (Linux, the BSDs).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import itertools
import os
import socket
import threading
import time

import numpy  # noqa: F401 - loads numpy's OpenBLAS, so that set_up limits its threads
import pyarrow
import scipy.linalg  # noqa: F401 - and scipy's own
import streamlit as st
from threadpoolctl import OpenBLASController, threadpool_limits

#: glibc's mallopt parameter number of M_ARENA_MAX (malloc.h).
M_ARENA_MAX = -8
ARENAS = 2
#: How often free pages are handed back, in seconds.
TRIM_SECONDS = 15.0
#: How often the frozen heap is collected and frozen again, in seconds (a multiple of the above).
REFREEZE_SECONDS = 30.0
#: Gen-1 collections before Python would collect in full on its own: in effect never, since
#: :func:`refreeze` does every :data:`REFREEZE_SECONDS`.
FULL_AFTER = 1_000_000


def _libc():
    name = ctypes.util.find_library("c")
    if name is None:  # pragma: no cover - no C library found by name
        return None
    try:
        libc = ctypes.CDLL(name)
        return libc if hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt") else None
    except OSError:  # pragma: no cover - not loadable
        return None


def refreeze() -> None:
    """Thaw the frozen heap, collect everything once, and freeze what is alive.

    A full collection of the server's heap (0.1-0.2 s); objects frozen while
    alive and dropped since are freed by it.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _tend_forever(libc) -> None:
    """Give free pages back every :data:`TRIM_SECONDS` (glibc and Arrow), refreeze every
    :data:`REFREEZE_SECONDS`."""
    every = round(REFREEZE_SECONDS / TRIM_SECONDS)
    for tick in itertools.count(1):
        time.sleep(TRIM_SECONDS)
        if tick % every == 0:
            refreeze()
        if libc is not None:
            libc.malloc_trim(0)
        pyarrow.default_memory_pool().release_unused()


def _give_back():
    """Limit glibc's arenas; the C library, or None where it is not glibc."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(M_ARENA_MAX, ARENAS)
    return libc


def _descriptors() -> list[int]:
    """The process's open file descriptors, none where the system does not list them."""
    for folder in ("/proc/self/fd", "/dev/fd"):
        try:
            return [int(name) for name in os.listdir(folder)]
        except (OSError, ValueError):
            continue
    return []  # pragma: no cover - Windows


def no_nagle() -> int:
    """Set ``TCP_NODELAY`` on every TCP socket of the process; returns how many were set.

    The descriptors are borrowed, never closed: each is wrapped and detached again.
    One that closes meanwhile, or is no socket, is passed over.
    """
    count = 0
    for fd in _descriptors():
        try:
            sock = socket.socket(fileno=fd)
        except OSError:
            continue
        try:
            if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                count += 1
        except OSError:  # pragma: no cover - closed meanwhile, or a stream that is not TCP
            pass
        finally:
            sock.detach()
    return count


@st.cache_resource(show_spinner=False)
def set_up() -> bool:
    """Once per server process (every page calls it): returns whether memory is given back."""
    threadpool_limits(1, user_api="blas")
    # threadpoolctl remembers the thread that set OpenBLAS's limit, and with it this
    # session's script thread, its ScriptRunContext and all of its session state: the
    # first session's upload and forecast were never freed. The limit stays set.
    OpenBLASController.clear_controlling_thread()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_AFTER)
    no_nagle()
    libc = _give_back()
    threading.Thread(target=_tend_forever, args=(libc,), name="memory-keeper", daemon=True).start()
    return libc is not None
