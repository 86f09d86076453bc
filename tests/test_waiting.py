"""Timed waits end on time and never swallow a cancellation (the CI hang of session 8).

On Python 3.11 ``asyncio.wait_for`` loses a cancellation that arrives in the loop step where
the awaited event is set. The emulator's ``wait_until`` (and the workers' idle waits) used it
in a loop, so a wait whose event kept firing, as an album's requests do, could outlive its
own time limit forever: the album test hung for 300 s in CI.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from bot.testing.fake_state import Signal
from bot.waiting import wait_set


@contextlib.asynccontextmanager
async def firing(signal: Signal) -> AsyncIterator[None]:
    """Fire `signal` on every loop step, like an emulator answering a stream of requests."""
    stop = asyncio.Event()

    async def fire() -> None:
        while not stop.is_set():
            signal.fire()
            await asyncio.sleep(0)

    task = asyncio.create_task(fire())
    try:
        yield
    finally:
        stop.set()
        await task


async def finishes(awaitable: object, within: float) -> asyncio.Task[object]:
    """Run `awaitable` and return its finished task; fail (without hanging) if it runs on."""
    task = asyncio.ensure_future(awaitable)  # type: ignore[arg-type]
    done, _ = await asyncio.wait({task}, timeout=within)
    if not done:
        task.cancel()
        pytest.fail(f"still waiting after {within} s")
    return task


async def test_a_wait_on_a_busy_signal_times_out_on_time() -> None:
    signal = Signal()
    async with firing(signal):
        for _ in range(50):
            task = await finishes(signal.wait_for(lambda: False, 0.01, interval=0.01), within=1)
            assert isinstance(task.exception(), TimeoutError)


async def test_a_wait_returns_the_first_truthy_check() -> None:
    signal = Signal()
    seen: list[int] = []
    async with firing(signal):
        task = await finishes(
            signal.wait_for(lambda: seen.append(1) or (len(seen) >= 3 and "done"), 5), within=2
        )
    assert task.result() == "done"


async def test_wait_set_tells_set_from_timed_out() -> None:
    event = asyncio.Event()
    assert await wait_set(event, 0.01) is False
    asyncio.get_running_loop().call_later(0.01, event.set)
    assert await wait_set(event, 5) is True
    assert await wait_set(event, 0) is True  # already set: no wait at all


async def test_a_cancellation_that_meets_the_event_is_not_swallowed() -> None:
    """Cancel the waiter in the very step its event is set, many times: it must always end."""

    async def idle_loop(event: asyncio.Event) -> None:
        while True:  # a worker's idle loop: only a cancellation ends it
            await wait_set(event, 0.5)
            event.clear()

    for _ in range(50):
        event = asyncio.Event()
        task = asyncio.create_task(idle_loop(event))
        await asyncio.sleep(0)
        event.set()
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=1)
        assert done, "the cancellation was lost"
        assert task.cancelled()
