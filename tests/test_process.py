"""ui.process: freed memory goes back to the system (issue 15), one BLAS thread (issue 14), no
Nagle delay on the server's connections (issue 15)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from threadpoolctl import threadpool_info

from ui import process

glibc = pytest.mark.skipif(process._libc() is None, reason="not glibc: nothing to give back")

# In a process of its own, so that the malloc settings it needs do not leak into the tests.
_FREED_IN_A_THREAD = """
import ctypes, threading
import numpy as np

def resident_kb():
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))

libc = ctypes.CDLL("libc.so.6")
libc.mallopt(-3, 32 * 1024 * 1024)  # M_MMAP_THRESHOLD raised, as glibc does after big frees
held = []
worker = threading.Thread(target=lambda: held.extend(np.ones(128 * 1024) for _ in range(300)))
worker.start()
worker.join()
before = resident_kb()
del held[:-1]  # 299 of the 300 blocks of 1 MB, made in the worker's arena, freed
freed = resident_kb()
libc.malloc_trim(0)
print(before, freed, resident_kb())
"""


@glibc
def test_set_up_once_per_process_trims_with_one_thread_and_one_blas_thread():
    assert process.set_up() is True
    assert process.set_up() is True  # cached: once per process
    assert [t.name for t in threading.enumerate()].count("memory-keeper") == 1
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)


@glibc
def test_memory_freed_in_a_sessions_thread_stays_until_trimmed():
    """The premise of ui.process: glibc keeps a thread's freed blocks; malloc_trim returns them."""
    out = subprocess.run(
        [sys.executable, "-c", _FREED_IN_A_THREAD], capture_output=True, text=True, check=True
    )
    before, freed, after = (int(v) for v in out.stdout.split())
    assert freed - after > 200 * 1024  # at least 200 of the 299 MB back by the trim alone
    assert before - freed < 100 * 1024  # and not before it


# A session as far as memory goes: its script thread carries a context that holds the
# session's data in a reference cycle (Streamlit's AppSession, SessionState and runner
# hold each other). The first page runs set_up in such a thread.
_FIRST_SESSION = """
import gc, threading, weakref
from ui import process

class Session:
    pass

def first_page():
    session = Session()
    session.me = session  # a cycle, as Streamlit's objects make
    session.upload = bytearray(10)
    threading.current_thread().context = session  # as Streamlit's ScriptRunContext
    process.set_up()

thread = threading.Thread(target=first_page)
thread.start()
thread.join()
ref = weakref.ref(thread.context)
del thread
gc.collect()
kept = ref() is not None  # frozen while alive: a plain collection cannot free it
process.refreeze()
print(kept, ref() is not None)
"""


def _in_a_process(script: str) -> list[str]:
    """What ``script`` prints, run by a Python of its own from the repository's root."""
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return out.stdout.split()


def test_the_first_session_is_not_kept_for_the_life_of_the_process():
    """set_up runs on the first page, in a session's thread: threadpoolctl kept that thread
    (and so the session's upload and forecast, 400 MB at 1M rows) as the one controlling
    OpenBLAS, and gc.freeze made its cycles uncollectable. refreeze collects them."""
    assert _in_a_process(_FIRST_SESSION) == ["True", "False"]


# Objects made by runs, some kept (a session's state), most dropped: Python's own rule would
# collect in full every ten gen-1 collections, stopping every session's thread.
_FULL_COLLECTIONS = """
import gc, threading
from ui import process

process.set_up()
full = []


def count(phase, info):
    keeper = threading.current_thread().name == "memory-keeper"  # the refreeze's own
    if phase == "start" and info["generation"] == 2 and not keeper:
        full.append(1)


gc.callbacks.append(count)
kept = []
for n in range(300_000):
    run = {"n": n}
    run["self"] = run  # a cycle, as a run's objects make
    if n % 10 == 0:
        kept.append(run)
print(len(full))
"""


def test_full_collections_are_left_to_the_refreeze():
    assert _in_a_process(_FULL_COLLECTIONS) == ["0"]


def _nodelay(sock: socket.socket) -> int:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


@pytest.mark.skipif(not process._descriptors(), reason="the system does not list descriptors")
def test_no_nagle_on_the_listening_socket_its_connections_and_later_ones():
    """Streamlit binds with protocol 0 (``socket.socket(family=...)``), where asyncio sets no
    TCP_NODELAY: one session's rerun waited 44 ms for a script of 18 ms. ``create_server``
    binds the same way."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        early, _ = listener.accept()
        other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        assert listener.proto == 0 and _nodelay(listener) == _nodelay(early) == 0
        assert process.no_nagle() >= 3  # the listener and both ends of the connection
        assert _nodelay(listener) == _nodelay(early) == _nodelay(client) == 1
        late_client = socket.create_connection(listener.getsockname())
        late, _ = listener.accept()
        assert _nodelay(late) == 1  # inherited from the listening socket
        # Every descriptor was borrowed and given back open: the sockets still talk.
        late_client.sendall(b"rerun")
        assert late.recv(5) == b"rerun"
        early.sendall(b"ok")
        assert client.recv(2) == b"ok"
        assert other.fileno() >= 0 and other.getsockname()
        for sock in (client, early, other, late_client, late):
            sock.close()
