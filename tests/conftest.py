"""Shared test set-up."""

import pytest

from ui import i18n


@pytest.fixture(autouse=True)
def _back_to_english():
    """An AppTest run in another language leaves it for widget labels; the next test expects
    English."""
    yield
    i18n._last_run = i18n.DEFAULT_LANGUAGE
