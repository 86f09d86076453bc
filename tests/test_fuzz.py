"""Fuzzing (short profile): generated updates against the real Application and the emulator.

No unhandled exception, no request Telegram would reject, no reporter identity on the desk.
The long profile (≥ 10,000 updates) is `python -m bench.fuzz_bench`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from bot.config import Settings
from bot.testing.fuzz import Action, FuzzWorld, actions, fuzz_world

ROOT = Path(__file__).resolve().parents[1]
SHORT = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


# SQLite only: the fuzz world runs the bot on a loop of its own thread, outside the loop
# guard; it hunts handler and Bot API errors, and every handler runs on both backends in the
# e2e tests.
@pytest.fixture(scope="module")
def world() -> Iterator[FuzzWorld]:
    base = Settings.from_env({"CONTENT_DIR": str(ROOT / "content")})
    with fuzz_world(base) as running:
        yield running


def test_generated_updates_break_nothing(world: FuzzWorld) -> None:
    @SHORT
    @given(actions)
    def play(sequence: list[Action]) -> None:
        world.play(sequence)

    play()
    world.check_now()
    findings = world.findings
    assert findings.updates > 150
    assert findings.clean, findings.summary()
