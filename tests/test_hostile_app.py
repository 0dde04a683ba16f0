"""Hostile input through the pages (issue 15): links, answers and files never end in a traceback,
and text from a user is shown as text.

The AppTest checks open a page the way a shared link does; tests/test_hostile_browser.py
holds the check in a real browser.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.format import plain

ROOT = Path(__file__).parents[1]
APP = str(ROOT / "app.py")


def open_link(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.switch_page(page).run()
    return at


@pytest.mark.parametrize(
    ("page", "params", "said"),
    [
        ("pages/1_Customer_value.py", {"aov": "-1e22"}, "-1E22"),
        ("pages/3_What_if.py", {"wi_start": "1e308"}, "too large to work out"),
        ("pages/2_Retention_metrics.py", {"m_nps": "9 ² ①"}, "Answer 2 is"),
    ],
)
def test_a_link_with_an_extreme_value_gets_a_message_not_a_traceback(page, params, said):
    """decimal.InvalidOperation (numbers beyond 1e22) and ValueError (² from a link) before."""
    at = open_link(page, **params)
    assert not at.exception
    if said:
        assert any(said in error.value for error in at.error)


def test_numbers_beyond_what_babel_can_write():
    from ui.format import money, number, pct

    assert number(1e308) == "1E308"
    assert money(-1e22, "EUR") == "-1E22 EUR"
    assert pct(1e20) == "1E22%"
    assert number(1e14) == "100,000,000,000,000"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("![t](http://h/p.png)", "\\!\\[t\\]\\(http\\://h/p\\.png\\)"),
        (":red[x] $x^2$", "\\:red\\[x\\] \\$x\\^2\\$"),
        ("<img src=x>", "\\<img src\\=x\\>"),
        ("Sørensen AS", "Sørensen AS"),
    ],
)
def test_plain_escapes_what_markdown_acts_on(text, shown):
    assert plain(text) == shown


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader[0].set_value((name, data, "text/csv")).run()
    assert not at.exception
    return at


def test_column_names_and_cells_in_upload_messages_are_escaped():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/5_Your_data.py").run()
    image = "![t](http://127.0.0.1:9/pixel.png)"
    data = f"customer,date,{image}\nA,2024-01-05,{image}\nB,2024-02-05,{image}\n".encode()
    at = _upload(at, "x.csv", data)
    shown = " ".join(error.value for error in at.error) + " ".join(c.value for c in at.caption)
    assert plain(image) in shown
    assert image not in shown


def test_a_session_holds_its_file_once_and_lets_it_go(monkeypatch):
    """Results live in the session (released with it), read once, a bad file not re-read.

    Before, a cache shared by all sessions kept two results for 30 minutes after every tab
    closed, unpickled a copy on each rerun, and re-read a refused file on every rerun.
    """
    import calc.upload

    reads = []
    real = calc.upload.read

    def counted(*args, **kwargs):
        reads.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(calc.upload, "read", counted)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/5_Your_data.py").run()
    good = b"customer,date,amount\nA,2024-01-05,10\nB,2024-02-05,12\nA,2024-03-05,7\n"
    at = _upload(at, "good.csv", good)
    at.run()
    assert reads == ["good.csv"]
    assert at.session_state["_up_held"][1].upload.report.rows_used == 3
    at = _upload(at, "bad.csv", b"")
    at.run()
    assert reads == ["good.csv", "bad.csv"]
    assert at.error
    at.button(key="up_remove").click().run()
    assert "_up_held" not in at.session_state
