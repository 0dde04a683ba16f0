"""A worker kept ready for the next upload: spawned clean, its memory touched ahead, used once.

A worker forked for each file (:mod:`calc.upload.guard`) starts cold: every
page its reader writes is a new one the kernel must find and clear, and the
fork itself copies the server's page tables. For a 1M-row CSV that is most of
what the isolation costs. A standby pays those costs before the file comes:

- it is a new Python process (``python -c`` calling :func:`main`), not a
  fork of the server, so it shares no pages with the server: a fork kept
  alive would make the server copy every page it writes afterwards;
- before it says it is ready, it touches the memory a file of the expected
  size needs (Arrow's pool, the heap the file's bytes land in, the memory
  file its arrays go back through) and keeps it, by the allocator settings it
  is started with;
- it reads one file, under the same memory and time limits as a forked
  worker, answers like one (:mod:`calc.upload.crossing`), and exits once the
  server lets it go; the server starts the next one a few seconds later;
- it exits by itself after :data:`IDLE_SECONDS` without a file, or when the
  server goes away, so its memory is held only while someone is uploading.

The file's bytes go through a socket straight into the standby's warm heap.
A reader given by reference the standby cannot import (a lambda, say) is read
by a forked worker instead.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import pickle
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

#: A standby not given a file within this many seconds exits and gives its memory back.
IDLE_SECONDS = 600
#: Files smaller than this are read by a forked worker, whose cost is then a few ms;
#: reading one does not start a standby.
MIN_BYTES = 1 << 20
#: The file size a standby prepares for when no file was read yet (a 200,000-row export).
DEFAULT_BYTES = 8 << 20
#: The largest file size a standby prepares for (larger files still fit, less warm).
MAX_BYTES = 64 << 20
#: Memory touched ahead, per byte of the expected file: Arrow's pool (a CSV's columns
#: and the reader's blocks), the file's own bytes, and the memory file of the arrays.
POOL_PER_BYTE, HEAP_PER_BYTE, SHARED_PER_BYTE = 3, 1, 2
#: Seconds after a read before the next standby starts: the server is busy with the
#: results of the file just read, and a person takes longer to pick the next one.
AFTER_READ_SECONDS = 5.0
#: Whether reads may use a standby at all (the test suite turns it off: a standby
#: does not see a reader a test has replaced).
enabled = True

# Allocator settings for the standby, read when its allocators start. Arrow's
# jemalloc: one arena for every thread (the warm-up's pages serve the reader's
# threads) and freed pages kept; glibc: large blocks from the heap, not from
# fresh mappings, and the heap never trimmed.
_ENVIRONMENT = {
    "JE_ARROW_MALLOC_CONF": "narenas:1,dirty_decay_ms:-1,muzzy_decay_ms:-1",
    "GLIBC_TUNABLES": "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967296",
    "ARROW_DEFAULT_MEMORY_POOL": "jemalloc",
    "RUST_BACKTRACE": "0",
}
_LENGTH = 8
_START = "import sys; from calc.upload.standby import main; main(*map(float, sys.argv[1:]))"


class _Standby:
    """One spawned standby, as the server sees it."""

    def __init__(self, expected: int):
        ours, theirs = socket.socketpair()
        root = str(Path(__file__).resolve().parents[2])
        environment = dict(os.environ, **_ENVIRONMENT)
        environment["PYTHONPATH"] = os.pathsep.join(
            [root, *filter(None, [os.environ.get("PYTHONPATH")])]
        )
        arguments = [str(theirs.fileno()), str(expected), str(IDLE_SECONDS)]
        self.process = subprocess.Popen(
            [sys.executable, "-c", _START, *arguments],
            pass_fds=[theirs.fileno()],
            env=environment,
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.socket = ours
        self.shared: int | None = None

    def ready(self, timeout: float = 0.0) -> bool:
        """Whether it has prepared (waiting up to ``timeout`` seconds to find out)."""
        if self.shared is not None:
            return True
        if not select.select([self.socket], [], [], timeout)[0]:
            return False
        try:
            message, fds, _, _ = socket.recv_fds(self.socket, 16, 1)
        except OSError:  # pragma: no cover - a socket of our own
            message, fds = b"", []
        if message != b"ready" or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            self.close()
            return False
        self.shared = fds[0]
        return True

    def alive(self) -> bool:
        return self.process.poll() is None

    def run(self, fn: Callable, data: bytes, args: tuple, memory: int, seconds: float):
        """Have it read one file.

        Returns the outcome as :func:`crossing.receive` gives it, None when the
        standby died with the file, ``"slow"`` after ``seconds``, or
        ``"declined"`` when it cannot import ``fn`` or died before the file was
        sent.
        """
        from calc.upload import crossing

        try:
            reader = pickle.dumps(fn)
        except (pickle.PicklingError, AttributeError, TypeError):  # a lambda, say
            return "declined"
        job = pickle.dumps((reader, args, memory, len(data), sys.path))
        try:
            _send(self.socket, job)
            if _receive(self.socket, seconds) != b"go":  # it cannot import fn, or died unused
                return "declined"
            self.socket.sendall(data)
            message = _receive(self.socket, seconds)
        except TimeoutError:
            return "slow"
        except OSError:  # it died while reading the file or before
            return None
        return None if message is None else crossing.receive(message, self.shared)

    def close(self) -> None:
        """Let it go: it exits when its socket closes; ended at once if it must not linger."""
        self.socket.close()
        if self.shared is not None:
            os.close(self.shared)  # mappings made of it stay
            self.shared = None
        threading.Thread(target=_reap, args=(self.process,), daemon=True).start()

    def kill(self) -> None:
        self.process.kill()
        self.close()


def _reap(process: subprocess.Popen) -> None:
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:  # pragma: no cover - it exits when its socket closes
        process.kill()
        process.wait()


def _send(sock: socket.socket, message: bytes) -> None:
    sock.sendall(len(message).to_bytes(_LENGTH, "little") + message)


def _receive(sock: socket.socket, seconds: float | None = None) -> bytes | None:
    """One length-prefixed message, or None when the other side closed first.

    Raises TimeoutError when nothing came within ``seconds``.
    """
    if seconds is not None and not select.select([sock], [], [], seconds)[0]:
        raise TimeoutError
    head = sock.recv(_LENGTH, socket.MSG_WAITALL)
    if len(head) < _LENGTH:
        return None
    size = int.from_bytes(head, "little")
    message = sock.recv(size, socket.MSG_WAITALL)
    return message if len(message) == size else None


# ------------------------------------------------------------------ the server's side

_lock = threading.Lock()
_waiting: list[_Standby] = []


def _usable() -> bool:
    return enabled and hasattr(socket, "send_fds") and hasattr(os, "memfd_create")


def prepare(size: int = DEFAULT_BYTES) -> None:
    """Have a standby start preparing for a file of about ``size`` bytes, unless one is.

    Returns at once; the standby takes a second or two to be ready.
    """
    if not _usable():
        return
    expected = min(max(size, MIN_BYTES), MAX_BYTES)
    with _lock:
        for gone in [s for s in _waiting if not s.alive()]:
            gone.close()
            _waiting.remove(gone)
        if not _waiting:
            with contextlib.suppress(OSError):  # no process may be started here: files are forked
                _waiting.append(_Standby(expected))


def prepare_later(size: int) -> None:
    """:func:`prepare` after :data:`AFTER_READ_SECONDS`, on a timer thread."""
    if _usable():
        timer = threading.Timer(AFTER_READ_SECONDS, prepare, args=(size,))
        timer.daemon = True
        timer.start()


def take() -> _Standby | None:
    """A ready standby, now the caller's alone; None when none is ready."""
    if not _usable():
        return None
    with _lock:
        for standby in _waiting:
            if standby.alive() and standby.ready():
                _waiting.remove(standby)
                return standby
    return None


def wait_ready(timeout: float) -> bool:
    """Wait until the standby is ready (benchmarks and tests: a person takes longer to pick a
    file than a standby to prepare)."""
    end = time.monotonic() + timeout
    with _lock:
        waiting = list(_waiting)
    return any(s.ready(max(0.0, end - time.monotonic())) for s in waiting)


# ------------------------------------------------------------------ the standby's side


def _warm_up(expected: int, mapping: mmap.mmap) -> None:
    """Import the readers and touch the memory a file of ``expected`` bytes needs, keeping it.

    Runs on a thread of idle priority: preparing never takes the processor from
    the server, which is often busy with the results of the file just read.
    """
    _idle()
    import numpy as np
    import pyarrow as pa

    import calc.upload  # noqa: F401 - the readers, imported before the file comes

    pool = pa.jemalloc_memory_pool()
    pa.set_memory_pool(pool)
    size = 4 << 20
    blocks = [
        pa.allocate_buffer(size, memory_pool=pool) for _ in range(POOL_PER_BYTE * expected // size)
    ]
    for block in blocks:
        np.frombuffer(block, dtype=np.uint8).fill(0)
    del blocks
    # the memory file's pages, and this process's map of them
    np.frombuffer(mapping, dtype=np.uint8).fill(0)


def main(fd: float, expected: float, idle: float) -> None:
    """Prepare, say so, read one file, answer, and exit.

    It exits without Python's clean-up and at idle priority: giving its memory
    back is work the server, busy with the file's results, must not wait for.
    """
    try:
        _serve(socket.socket(fileno=int(fd)), int(expected), idle)
    finally:
        _idle()
        os._exit(0)


def _idle() -> None:
    with contextlib.suppress(AttributeError, OSError):  # not Linux: normal priority
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))  # this thread only


def _serve(sock: socket.socket, expected: int, idle: float) -> None:
    import faulthandler

    from calc.upload import crossing

    faulthandler.disable()  # an abort here is expected and answered; no dump of every thread
    shared = crossing.memory_file()
    os.ftruncate(shared, SHARED_PER_BYTE * expected)
    mapping = mmap.mmap(shared, SHARED_PER_BYTE * expected)
    preparing = threading.Thread(target=_warm_up, args=(expected, mapping))
    preparing.start()
    heap = bytearray(HEAP_PER_BYTE * expected + (1 << 20))  # the main heap, where the file lands
    del heap
    preparing.join()
    try:
        socket.send_fds(sock, [b"ready"], [shared])
        job = _receive(sock, idle)
    except (OSError, TimeoutError):  # the server went away, or nobody came: give the memory back
        return
    if job is None:
        return
    fn, args, memory, size, path = pickle.loads(job)
    sys.path[:] = path
    try:
        fn = pickle.loads(fn)
    except Exception:  # defined where this process cannot import it
        _send(sock, b"declined")
        return
    _send(sock, b"go")
    data = sock.recv(size, socket.MSG_WAITALL)
    if len(data) < size:
        return
    message, end = crossing.send(crossing.outcome(fn, (data, *args), memory), shared, mapping)
    with contextlib.suppress(OSError):
        os.ftruncate(shared, end)  # the warm pages the arrays did not take go back
    _send(sock, message)
    with contextlib.suppress(OSError, TimeoutError):  # let go when the server is done with it
        _receive(sock, idle)
