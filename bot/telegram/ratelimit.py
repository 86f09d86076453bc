"""The rate limiter for the Application's own bot, which sends every interactive reply.

Replies and broadcasts share Telegram's ~30 messages/s, but not a queue: broadcasts go
through their own Bot (own HTTP connection pool, no limiter) paced by the delivery worker,
and only take slots of the shared budget that no reply has claimed. Here, a reply claims
the next slot ahead of any broadcast, and waits out the one-second gap only if a broadcast
message went to the same chat within the last second. Per-group limits and 429 retries are
AIORateLimiter's, unchanged.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

from bot.core.broadcasts.pacing import Pacing

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
        "forwardMessage",
    }
)


class InteractiveRateLimiter(AIORateLimiter):
    def __init__(self, pacing: Pacing, max_retries: int = 3) -> None:
        super().__init__(overall_max_rate=0, max_retries=max_retries)
        self.pacing = pacing

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
        if endpoint in SEND_ENDPOINTS and chat_id is not None:
            await self._take_turn(chat_id)
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )

    async def _take_turn(self, chat_id: int) -> None:
        gap = self.pacing.broadcasted.wait_time(chat_id)
        if gap > 0:
            await asyncio.sleep(gap)
        await self.pacing.budget.urgent()
        self.pacing.replied.record(chat_id)


def _chat_id(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
