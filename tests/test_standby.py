"""The standby: a worker spawned and warmed before the file comes (calc.upload.standby).

Each test turns standbys on (the suite's ``_no_standby`` turns them off), has
one prepared and waits until it is ready, as a person picking a file would.
The readers given to it are module-level functions, which the standby
imports by name; what they do is checked against a forked worker's answer.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest

import calc.upload
from calc.errors import DataError
from calc.upload import guard, read, sniff, standby

FIXTURES = Path(__file__).parent / "fixtures" / "platforms"
# Two dates that cannot say which of day and month comes first.
AMBIGUOUS = b"customer,date,amount\nA,01/02/2024,1\nB,03/04/2024,2\n"

pytestmark = pytest.mark.skipif(
    not hasattr(os, "memfd_create") or not hasattr(socket, "send_fds"), reason="Linux only"
)


@pytest.fixture
def ready(monkeypatch):
    """A standby made ready; no second one started behind the test's back."""
    monkeypatch.setattr(standby, "enabled", True)
    monkeypatch.setattr(standby, "MIN_BYTES", 0)
    monkeypatch.setattr(standby, "AFTER_READ_SECONDS", 3600.0)
    standby.prepare(1 << 20)
    assert standby.wait_ready(120)
    yield
    with standby._lock:
        for left in standby._waiting:
            left.close()
        standby._waiting.clear()


def _run(fn, data):
    """What ``fn(data)`` returns when read through the guard."""
    with guard.reading(fn, data) as result:
        return result


def _used() -> bool:
    """Whether the standby made ready was taken (each one reads one file)."""
    with standby._lock:
        return not standby._waiting


def _abort(data, *args):
    os.abort()  # as a reader's allocation failure in Rust ends the process


def _loop(data, *args):
    while True:
        pass


def _memory(data, *args):
    raise MemoryError


def _twice(data):
    return data * 2


def test_a_file_read_on_a_standby_is_read_as_by_a_forked_worker(ready):
    data = (FIXTURES / "shopify_orders.csv").read_bytes()
    up = read(data, "shopify_orders.csv")
    assert _used()
    standby.enabled = False
    forked = read(data, "shopify_orders.csv")
    assert up.table.equals(forked.table)
    assert up.report.rows_used == forked.report.rows_used > 0


def test_arrays_come_back_whole_and_writable(ready):
    table = _run(sniff.read_text, b"customer,amount\nA,1\nB,2\n")
    assert _used()
    assert [c.to_pylist() for c in table.columns] == [["A", "B"], ["1", "2"]]
    table.rows[0] = 7  # numpy may write to what came through the memory file
    assert table.rows.tolist() == [7, 3]


def test_a_calc_error_comes_back_whole(ready):
    with pytest.raises(calc.upload.AmbiguousDateOrderError) as caught:
        read(AMBIGUOUS, "x.csv")
    assert _used()
    assert caught.value.column == "date"


def test_a_crash_on_a_standby_is_a_message_and_the_server_goes_on(ready):
    with pytest.raises(DataError) as caught:
        _run(_abort, b"x")
    assert _used()
    assert caught.value.about.code == "guard.crashed"


def test_running_out_of_memory_on_a_standby_is_a_message(ready):
    with pytest.raises(DataError) as caught:
        _run(_memory, b"x")
    assert _used()
    assert caught.value.about.code == "guard.too_much_memory"


def test_a_standby_that_never_ends_is_stopped(ready, monkeypatch):
    monkeypatch.setattr(guard, "SECONDS_BASE", 1.0)
    with standby._lock:
        process = standby._waiting[0].process
    started = time.monotonic()
    with pytest.raises(DataError, match="longer than 1 seconds"):
        _run(_loop, b"x")
    assert time.monotonic() - started < 30
    assert process.wait(10) is not None  # ended, not left running


def test_a_reader_the_standby_cannot_import_is_read_by_a_forked_worker(ready):
    assert _run(lambda data: data[:3], b"abcdef") == b"abc"
    assert _run(_twice, b"ab") == b"abab"  # a module-level one is read on a standby


def test_a_standby_nobody_uses_goes_away(monkeypatch):
    monkeypatch.setattr(standby, "enabled", True)
    monkeypatch.setattr(standby, "IDLE_SECONDS", 1.0)
    standby.prepare(1 << 20)
    assert standby.wait_ready(120)
    with standby._lock:
        process = standby._waiting[0].process
    assert process.wait(30) == 0
    assert standby.take() is None
    with standby._lock:
        standby._waiting.clear()


def test_a_standby_goes_when_the_server_lets_go(ready):
    with standby._lock:
        waiting = standby._waiting.pop()
    waiting.close()
    assert waiting.process.wait(30) == 0


def test_small_files_leave_the_standby_for_large_ones(ready, monkeypatch):
    monkeypatch.setattr(standby, "MIN_BYTES", 1 << 20)
    assert read(b"customer,date,amount\nA,2024-01-05,1\n", "x.csv").report.rows_used == 1
    assert not _used()


def test_a_large_file_prepares_a_standby_for_the_next_one(monkeypatch):
    monkeypatch.setattr(standby, "enabled", True)
    monkeypatch.setattr(standby, "AFTER_READ_SECONDS", 0.0)
    monkeypatch.setattr(standby, "MIN_BYTES", 10)
    with standby._lock:
        assert not standby._waiting
    read(b"customer,date,amount\nA,2024-01-05,1\n", "x.csv")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not standby._waiting:
        time.sleep(0.05)
    assert standby.wait_ready(120)
    with standby._lock:
        for left in standby._waiting:
            left.close()
        standby._waiting.clear()


def test_where_no_process_may_start_files_are_forked(monkeypatch):
    monkeypatch.setattr(standby, "enabled", True)
    monkeypatch.setattr(standby, "MIN_BYTES", 0)
    monkeypatch.setattr(standby.sys, "executable", "/nonexistent/python")
    standby.prepare()
    assert standby.take() is None
    assert read(b"customer,date,amount\nA,2024-01-05,1\n", "x.csv").report.rows_used == 1
