"""The Application's rate limiter: replies are not bulk, 429s are honoured, nothing young is
abandoned. A fake clock advanced by the limiter's own sleeps keeps these instant."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.core.broadcasts.pacing import Pacing
from bot.telegram import ratelimit
from bot.telegram.ratelimit import InteractiveRateLimiter

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


REAL_SLEEP = asyncio.sleep


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await REAL_SLEEP(0)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(ratelimit.asyncio, "sleep", fake.sleep)
    return fake


def limiter(clock: FakeTime) -> InteractiveRateLimiter:
    return InteractiveRateLimiter(Pacing(25, clock=clock), clock=clock)


async def send(limiter: InteractiveRateLimiter, chat_id: int, callback: Any = None) -> Any:
    async def ok(*_args: Any) -> dict[str, bool]:
        return {"ok": True}

    return await limiter.process_request(
        callback or ok, (), {}, "sendMessage", {"chat_id": chat_id, "text": "x"}, None
    )


async def test_replies_to_many_people_do_not_wait_for_a_bulk_budget(clock: FakeTime) -> None:
    """1,200 people write at once: each answer goes now (the old limiter spread them over
    40 s at 30/s, and dropped some)."""
    rl = limiter(clock)
    await asyncio.gather(*(send(rl, 10_000 + n) for n in range(1200)))
    assert clock.slept == []


async def test_one_chat_gets_a_short_burst_then_one_a_second(clock: FakeTime) -> None:
    rl = limiter(clock)
    for _ in range(5):
        await send(rl, 42)
    assert clock.slept == pytest.approx([1.0, 1.0, 1.0])


async def test_a_group_gets_at_most_twenty_a_minute(clock: FakeTime) -> None:
    rl = limiter(clock)
    start = clock.now
    for _ in range(21):
        await send(rl, -100123)
    assert clock.now - start >= 60.0


async def test_retry_after_is_honoured_and_a_young_reply_is_never_abandoned(
    clock: FakeTime,
) -> None:
    """Ten 429s with retry_after=5 (50 s): still delivered, each retry after its wait."""
    rl = limiter(clock)
    attempts: list[float] = []

    async def flooded(*_args: Any) -> dict[str, bool]:
        attempts.append(clock.now)
        if len(attempts) <= 10:
            raise RetryAfter(timedelta(seconds=5))
        return {"ok": True}

    assert await send(rl, 42, flooded) == {"ok": True}
    assert len(attempts) == 11
    assert all(b - a >= 5.0 for a, b in itertools.pairwise(attempts))


async def test_a_reply_is_given_up_only_after_a_minute(clock: FakeTime) -> None:
    rl = limiter(clock)
    attempts: list[float] = []

    async def always_flooded(*_args: Any) -> dict[str, bool]:
        attempts.append(clock.now)
        raise RetryAfter(timedelta(seconds=7))

    with pytest.raises(RetryAfter):
        await send(rl, 42, always_flooded)
    assert attempts[-1] - attempts[0] >= 60.0


async def test_a_429_holds_the_chat_for_other_requests_too(clock: FakeTime) -> None:
    rl = limiter(clock)
    calls: list[tuple[str, float]] = []

    async def first(*_args: Any) -> dict[str, bool]:
        calls.append(("first", clock.now))
        if len(calls) == 1:
            raise RetryAfter(timedelta(seconds=10))
        return {"ok": True}

    async def second(*_args: Any) -> dict[str, bool]:
        calls.append(("second", clock.now))
        return {"ok": True}

    start = clock.now
    await send(rl, 42, first)
    await send(rl, 42, second)
    assert calls[-1][0] == "second" and calls[-1][1] - start >= 10.0
