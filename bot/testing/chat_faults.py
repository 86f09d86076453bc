"""Random failures for one chat only (the emulator's `random_failures` hits every chat).

Used by the tip-off benchmark: the desk group fails a share of sends while reporters'
private chats keep working, which is what an outage on Telegram's side of one big group
looks like to the bot.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable

from bot.testing.fake_api import FakeBotAPI
from bot.testing.faults import SEND_METHODS, Fault, make_fault


def random_failures_for_chat(
    api: FakeBotAPI,
    chat_id: int,
    rate: float,
    *,
    seed: int = 1,
    statuses: Iterable[int] = (500, 502, 429),
    retry_after: int = 1,
) -> Callable[[], None]:
    """Fail a seeded-random `rate` of send requests to `chat_id`; returns an undo."""
    rng = random.Random(seed)
    choices = tuple(statuses)
    original = api.faults.pick_failure

    def pick(method: str, target: object) -> Fault | None:
        scripted = original(method, target)
        if scripted is not None or target != chat_id or method not in SEND_METHODS:
            return scripted
        if rng.random() >= rate:
            return None
        status = rng.choice(choices)
        return make_fault(status, retry_after=retry_after if status == 429 else None)

    api.faults.pick_failure = pick  # type: ignore[method-assign]

    def undo() -> None:
        api.faults.pick_failure = original  # type: ignore[method-assign]

    return undo
