"""Paid broadcasts: the settings, the estimate shown in the preview, and pacing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings
from bot.core.broadcasts.model import hours_parts, paid_estimate
from bot.core.broadcasts.pacing import Pacing
from bot.testing.faults import FloodLimiter

ROOT = Path(__file__).resolve().parents[1]


def test_paid_broadcasts_are_off_by_default() -> None:
    settings = Settings.from_env({})
    assert settings.broadcast_paid_rate is None
    assert settings.broadcast_paid_stars_per_message == 0.1
    assert Settings.from_env({"BROADCAST_PAID_RATE": ""}).broadcast_paid_rate is None


def test_paid_settings_are_parsed() -> None:
    settings = Settings.from_env(
        {"BROADCAST_PAID_RATE": "1000", "BROADCAST_PAID_STARS_PER_MESSAGE": "0.25"}
    )
    assert settings.broadcast_paid_rate == 1000
    assert settings.broadcast_paid_stars_per_message == 0.25


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BROADCAST_PAID_RATE", "0"),
        ("BROADCAST_PAID_RATE", "1001"),
        ("BROADCAST_PAID_RATE", "fast"),
        ("BROADCAST_PAID_RATE", "-5"),
        ("BROADCAST_PAID_STARS_PER_MESSAGE", "0"),
        ("BROADCAST_PAID_STARS_PER_MESSAGE", "free"),
    ],
)
def test_bad_paid_settings_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({name: value})
    assert caught.value.variable == name


def test_cli_bad_paid_rate_is_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "BROADCAST_PAID_RATE": "5000"},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Configuration error: BROADCAST_PAID_RATE: must be 1 to 1000 messages a second, got '5000'"
    )


def test_estimate_of_a_million_subscribers() -> None:
    estimate = paid_estimate(1_000_000, 25, 1000, 0.1)
    assert hours_parts(estimate.free_seconds) == (11, 6, 40)  # 40,000 s at 25/s
    assert estimate.paid_seconds == 1000
    assert estimate.stars == 100_000
    assert paid_estimate(3, 25, 1000, 0.1).stars == 1  # part of a Star is a whole Star


def test_a_paid_pacer_runs_at_its_own_rate_outside_the_bulk_budget() -> None:
    pacing = Pacing(25)
    free, paid = pacing.pacer(), pacing.pacer(paid_rate=800)
    assert free.nominal == 25 and free.budget is pacing.budget
    assert paid.nominal == 800 and paid.budget is None


def test_the_emulator_allows_1000_paid_but_30_bulk_sends_a_second() -> None:
    now = [100.0]
    flood = FloodLimiter(30, None, None, paid_per_second=1000, clock=lambda: now[0])

    def accepted(paid: bool, start: int) -> int:
        count = 0
        for chat in range(start, start + 1500):
            if flood.check(chat, False, paid) is None:
                flood.record(chat, False, paid=paid)
                count += 1
        return count

    assert accepted(paid=False, start=0) == 30
    assert accepted(paid=True, start=10_000) == 1000  # paid sends are not held by bulk ones
    now[0] += 1.5
    assert accepted(paid=False, start=20_000) == 30
