"""Present mode: the sidebar toggle, also reachable from a link, styles the page for a projector."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.chrome import PAGES
from ui.present import HIDDEN, STYLE

APP = str(Path(__file__).parents[1] / "app.py")


def styles(at: AppTest) -> list[str]:
    return [element.proto.body for element in at.get("html")]


@pytest.mark.parametrize("info", PAGES[1:5], ids=lambda p: p.key)
def test_toggle_adds_the_style_and_keeps_the_numbers(info):
    at = AppTest.from_file(APP, default_timeout=30).run()
    at.switch_page(info.path).run()
    before = [m.value for m in at.metric]
    assert STYLE not in styles(at)
    at.toggle(key="present").set_value(True).run()
    assert not at.exception
    assert STYLE in styles(at)
    assert [m.value for m in at.metric] == before


def test_a_link_opens_in_present_mode():
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["present"] = "true"
    at.switch_page("pages/1_Customer_value.py").run()
    assert at.toggle(key="present").value is True
    assert STYLE in styles(at)


def test_the_style_hides_inputs_inside_the_page_only():
    assert all(f'[data-testid="stMain"] [data-testid="{name}"]' in STYLE for name in HIDDEN)
    assert "stSidebar" in STYLE  # hidden while presenting: the toggle moves into the page
    assert '[class*="st-key-edit_"]' in STYLE  # the Scenarios page's save/manage/file boxes


def test_while_presenting_the_toggle_is_in_the_page_not_the_hidden_sidebar():
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["present"] = "true"
    at.switch_page("pages/7_Scenarios.py").run()
    assert not at.exception
    assert at.toggle(key="present").value is True
    assert not at.sidebar.toggle  # drawn in the main area
    at.toggle(key="present").set_value(False).run()
    assert at.sidebar.toggle(key="present").value is False
