"""Unit tests of the report outbox worker's small helpers (the worker itself is tested end
to end in test_e2e_reports.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from telegram.error import RetryAfter

from bot.telegram.outbox import retry_seconds

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


@pytest.mark.parametrize("timedelta_mode", ["", "1"])
def test_retry_after_is_read_as_seconds_in_both_ptb_forms(
    timedelta_mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PTB gives retry_after as an int, or as a timedelta when PTB_TIMEDELTA is set."""
    monkeypatch.setenv("PTB_TIMEDELTA", timedelta_mode)
    if not timedelta_mode:
        monkeypatch.delenv("PTB_TIMEDELTA")
    assert retry_seconds(RetryAfter(2)) == 2.0
    assert retry_seconds(RetryAfter(dt.timedelta(seconds=2))) == 2.0
