"""The rate limiter for the Application's own bot, which sends every interactive reply.

Telegram documents ~30 messages/s for *bulk notifications* (broadcasts); answers to people who
just wrote are not bulk, so replies are not throttled to that rate here. Broadcasts carry the
bulk budget alone (their own Bot and `Pacer`, see bot/core/broadcasts/pacing.py). What does
apply to every message this bot sends:

* **per chat**: about one message a second, with short bursts (a token bucket of
  `CHAT_BURST`), and never within a second of a broadcast message to the same chat;
* **per group**: at most `GROUP_PER_MINUTE` messages in any minute (a sliding window, with a
  small margin for network jitter);
* **429**: `retry_after` is honoured for every request, retries included: the chat is held for
  that long and the retry queues again behind the limits above;
* **patience**: a request is retried after 429s until it is `patience` seconds (one minute)
  past its first attempt, then given up; so a reply younger than a minute is never abandoned.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.core.broadcasts.pacing import Bucket, Clock, Pacing

log = logging.getLogger(__name__)

SEND_ENDPOINTS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVideo",
        "sendVoice",
        "sendAudio",
        "sendAnimation",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "sendMediaGroup",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
    }
)
CHAT_RATE = 1.0  # messages a second to one chat
CHAT_BURST = 2.0  # a couple at once (the emulator allows 3: a margin for jitter)
GROUP_PER_MINUTE = 20
GROUP_MARGIN = 0.5  # seconds added to the group window: arrival order may differ from ours
PATIENCE = 60.0  # a request is retried after 429s until it is this old
MAX_TRACKED_CHATS = 10_000


class GroupWindow:
    """At most `limit` messages in any `span` seconds, as reserved send times."""

    def __init__(self, limit: int, span: float, clock: Clock) -> None:
        self.limit = limit
        self.span = span
        self.clock = clock
        self.slots: deque[float] = deque()

    def claim(self, messages: int = 1) -> float:
        """Reserve the next `messages` slots; returns how long to wait for the last one."""
        now = self.clock()
        while self.slots and self.slots[0] <= now - self.span:
            self.slots.popleft()
        slot = now
        for _ in range(messages):
            if len(self.slots) >= self.limit:
                slot = max(slot, self.slots[-self.limit] + self.span + GROUP_MARGIN)
            self.slots.append(slot)
        return max(0.0, slot - now)

    def idle(self) -> bool:
        return not self.slots or self.slots[-1] <= self.clock() - self.span


class InteractiveRateLimiter(BaseRateLimiter[int]):
    def __init__(
        self, pacing: Pacing, patience: float = PATIENCE, clock: Clock = time.monotonic
    ) -> None:
        self.pacing = pacing
        self.patience = patience
        self.clock = clock
        self._chats: dict[int, Bucket] = {}
        self._groups: dict[int, GroupWindow] = {}
        self._holds: dict[int | None, float] = {}  # chat (None: no chat) -> held until
        self.on_flood: Callable[[], object] | None = None  # told of every 429 (metrics)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        chat_id = _chat_id(data.get("chat_id"))
        messages = _message_count(endpoint, data)
        started: float | None = None  # the first attempt: time queued behind limits is free
        while True:
            await self._wait_hold(chat_id)
            if messages and chat_id is not None:
                await self._take_turn(chat_id, messages)
            started = self.clock() if started is None else started
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if self.on_flood is not None:
                    self.on_flood()
                wait = retry_seconds(error)
                if self.clock() - started >= self.patience:
                    log.warning("%s: still flood-limited after %.0f s; giving up", endpoint, wait)
                    raise
                log.info("%s: flood-limited, retrying after %.1f s", endpoint, wait)
                self._holds[chat_id] = max(self._holds.get(chat_id, 0.0), self.clock() + wait)

    async def _wait_hold(self, chat_id: int | None) -> None:
        while (pause := self._holds.get(chat_id, 0.0) - self.clock()) > 0:
            await asyncio.sleep(pause)
        self._holds.pop(chat_id, None)

    async def _take_turn(self, chat_id: int, messages: int) -> None:
        gap = self.pacing.broadcasted.wait_time(chat_id)
        if gap > 0:
            await asyncio.sleep(gap)
        self._forget_quiet()
        bucket = self._chats.get(chat_id)
        if bucket is None:
            bucket = self._chats[chat_id] = Bucket(CHAT_RATE, CHAT_BURST, self.clock)
        pause = 0.0
        for _ in range(messages):
            pause = bucket.claim()
        if chat_id < 0:
            window = self._groups.get(chat_id)
            if window is None:
                window = self._groups[chat_id] = GroupWindow(GROUP_PER_MINUTE, 60.0, self.clock)
            pause = max(pause, window.claim(messages))
        if pause > 0:
            await asyncio.sleep(pause)
        self.pacing.replied.record(chat_id)

    def _forget_quiet(self) -> None:
        if len(self._chats) > MAX_TRACKED_CHATS:
            now = self.clock()
            self._chats = {c: b for c, b in self._chats.items() if b.busy_until > now}
        if len(self._groups) > MAX_TRACKED_CHATS:
            self._groups = {c: w for c, w in self._groups.items() if not w.idle()}


def retry_seconds(error: RetryAfter) -> float:
    """PTB 22 keeps a timedelta; its public property warns while migrating from ints."""
    value = getattr(error, "_retry_after", None)
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value or 1)


def _message_count(endpoint: str, data: dict[str, Any]) -> int:
    """How many messages the request posts (0: not a send)."""
    if endpoint not in SEND_ENDPOINTS:
        return 0
    for key in ("media", "message_ids"):
        if isinstance(data.get(key), list):
            return max(1, len(data[key]))
    return 1


def _chat_id(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
