"""Waiting for an asyncio.Event with a time limit, without losing a cancellation.

On Python 3.11, ``asyncio.wait_for(event.wait(), t)`` returns normally when the task is
cancelled in the same loop step as the event is set: the cancellation is swallowed. A loop
that waits this way inside ``asyncio.timeout`` (or one that is cancelled at shutdown) then
never ends. ``asyncio.wait`` never swallows a cancellation, so every timed wait goes
through here.
"""

from __future__ import annotations

import asyncio


async def wait_set(event: asyncio.Event, timeout: float | None) -> bool:
    """Wait until ``event`` is set or ``timeout`` seconds pass; True when it was set.

    A cancellation of the caller always propagates as CancelledError.
    """
    if event.is_set():
        return True
    waiter = asyncio.ensure_future(event.wait())
    try:
        done, _ = await asyncio.wait({waiter}, timeout=timeout)
    finally:
        waiter.cancel()
    return bool(done)
