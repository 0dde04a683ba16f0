"""Shared test set-up."""

import pytest

from ui import i18n


@pytest.fixture(autouse=True)
def _back_to_english():
    """An AppTest run in another language leaves it for widget labels; the next test expects
    English."""
    yield
    i18n._last_run = i18n.DEFAULT_LANGUAGE


@pytest.fixture(autouse=True, scope="session")
def _no_standby():
    """Files are read in forked workers unless a test asks for a standby: a standby is another
    interpreter, which does not see what a test has replaced, and whether one is ready would
    depend on timing. Session-wide, so that module-wide fixtures read files the same way."""
    from calc.upload import standby

    standby.enabled = False
    yield
    standby.enabled = True
