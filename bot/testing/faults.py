"""Fault injection for the fake Bot API: scripted failures, slow responses, random errors
and Telegram's flood limits.

The point is to exercise the bot's retry/outbox logic against the failure shapes the real
API produces: 5xx and 429 (with ``retry_after``) that mean "nothing was sent", and the nasty
case where the request succeeded but the client never saw the answer (a slow response that
trips the client timeout, or ``deliver=True`` failures).
"""

from __future__ import annotations

import math
import random
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# Methods that post a new message; only these count toward (and are limited by) flood control.
SEND_METHODS = frozenset(
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
        "sendMediaGroup",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
    }
)

DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass
class Fault:
    """One failure decision for one request."""

    status: int
    description: str
    retry_after: int | None = None
    deliver: bool = False  # execute the method anyway, then answer with the error
    source: str = "scripted"  # "scripted", "random" or "flood"

    def parameters(self) -> dict[str, int] | None:
        return {"retry_after": self.retry_after} if self.retry_after else None


def make_fault(
    status: int,
    description: str | None = None,
    retry_after: int | None = None,
    deliver: bool = False,
    source: str = "scripted",
) -> Fault:
    """Fill in Telegram's usual description and a ``retry_after`` for 429s."""
    if status == 429 and retry_after is None:
        retry_after = 1
    text = description or DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
    return Fault(status, text.format(retry_after=retry_after), retry_after, deliver, source)


def _matches(rule_method: str | None, rule_chat: int | None, method: str, chat_id: object) -> bool:
    if rule_method not in (None, "*") and rule_method != method:
        return False
    return rule_chat is None or rule_chat == chat_id


@dataclass
class FailRule:
    method: str | None
    fault: Fault
    remaining: int | None  # None = forever
    chat_id: int | None = None


@dataclass
class DelayRule:
    method: str | None
    seconds: float
    remaining: int | None
    chat_id: int | None = None


@dataclass
class RandomFailures:
    rate: float
    rng: random.Random
    methods: frozenset[str]
    statuses: tuple[int, ...]
    retry_after: int
    deliver_rate: float


class FloodLimiter:
    """Telegram's flood limits as the Bots FAQ describes them, with 429 + retry_after.

    * **Bulk** sends (``bulk_per_second``, ~30/s): a send is bulk when its chat has not written
      to the bot (no update from that chat) in the last ``reply_window`` seconds, like a
      broadcast to subscribers. Answers to people who just wrote are not bulk and share no
      overall budget (Telegram documents none for them).
    * **Paid** sends (``allow_paid_broadcast=True``): up to ``paid_per_second`` (1,000/s)
      instead of the bulk limit.
    * **Per chat**: about one message a second with short bursts, as a token bucket of
      ``per_chat_burst`` messages refilled at ``per_chat_per_second``.
    * **Per group**: ``group_per_minute`` (20) messages in any sliding minute.

    Every accepted send counts (bulk, paid or reply); a rejected one does not.
    """

    def __init__(
        self,
        bulk_per_second: int | None = 30,
        per_chat_per_second: float | None = 1,
        group_per_minute: int | None = 20,
        *,
        per_chat_burst: int = 3,
        paid_per_second: int | None = 1000,
        reply_window: float = 60.0,
        last_inbound: Callable[[object], float | None] = lambda chat_id: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bulk_per_second = bulk_per_second
        self.per_chat_per_second = per_chat_per_second
        self.group_per_minute = group_per_minute
        self.per_chat_burst = per_chat_burst
        self.paid_per_second = paid_per_second
        self.reply_window = reply_window
        self.last_inbound = last_inbound
        self.clock = clock
        self._bulk: deque[float] = deque()
        self._paid: deque[float] = deque()
        self._per_chat: dict[object, float] = {}  # GCRA "theoretical arrival time"
        self._per_group: dict[object, deque[float]] = {}

    @staticmethod
    def _wait(window: deque[float], limit: int | None, span: float, now: float) -> float:
        while window and window[0] <= now - span:
            window.popleft()
        if limit is None or len(window) < limit:
            return 0.0
        return window[-limit] + span - now

    def is_bulk(self, chat_id: object) -> bool:
        """True when the chat has not written to the bot within ``reply_window`` seconds."""
        wrote = self.last_inbound(chat_id)
        return wrote is None or self.clock() - wrote > self.reply_window

    def _chat_wait(self, chat_id: object, now: float, messages: int) -> float:
        if self.per_chat_per_second is None:
            return 0.0
        interval = 1.0 / self.per_chat_per_second
        tat = max(self._per_chat.get(chat_id, now), now) + interval * (messages - 1)
        return max(0.0, tat - (self.per_chat_burst - 1) * interval - now)

    def check(
        self, chat_id: object, is_group: bool, paid: bool = False, messages: int = 1
    ) -> int | None:
        """Seconds to wait (Telegram rounds up, minimum 1) or None if the send may go."""
        now = self.clock()
        wait = self._chat_wait(chat_id, now, messages)
        if paid:
            wait = max(wait, self._wait(self._paid, self.paid_per_second, 1.0, now))
        elif self.is_bulk(chat_id):
            wait = max(wait, self._wait(self._bulk, self.bulk_per_second, 1.0, now))
        if is_group:
            group_window = self._per_group.setdefault(chat_id, deque())
            wait = max(wait, self._wait(group_window, self.group_per_minute, 60.0, now))
        return max(1, math.ceil(wait)) if wait > 0 else None

    def record(
        self, chat_id: object, is_group: bool, messages: int = 1, paid: bool = False
    ) -> None:
        now = self.clock()
        bulk = not paid and self.is_bulk(chat_id)
        for _ in range(messages):
            if paid:
                self._paid.append(now)
            elif bulk:
                self._bulk.append(now)
            if is_group:
                self._per_group.setdefault(chat_id, deque()).append(now)
        if self.per_chat_per_second is not None:
            interval = 1.0 / self.per_chat_per_second
            tat = max(self._per_chat.get(chat_id, now), now)
            self._per_chat[chat_id] = tat + interval * messages


class FaultInjector:
    """Holds the active fault rules; consulted by the HTTP layer for every request."""

    def __init__(self) -> None:
        self.fail_rules: list[FailRule] = []
        self.delay_rules: list[DelayRule] = []
        self.random: RandomFailures | None = None
        self.flood: FloodLimiter | None = None

    def clear(self) -> None:
        self.fail_rules.clear()
        self.delay_rules.clear()
        self.random = None
        self.flood = None

    def add_failure(
        self,
        method: str | None,
        fault: Fault,
        count: int | None = 1,
        chat_id: int | None = None,
    ) -> None:
        self.fail_rules.append(FailRule(method, fault, count, chat_id))

    def add_delay(
        self,
        method: str | None,
        seconds: float,
        count: int | None = 1,
        chat_id: int | None = None,
    ) -> None:
        self.delay_rules.append(DelayRule(method, seconds, count, chat_id))

    def set_random(
        self,
        rate: float,
        seed: int | None,
        methods: Iterable[str] | None,
        statuses: Iterable[int],
        retry_after: int = 1,
        deliver_rate: float = 0.0,
    ) -> None:
        if rate <= 0:
            self.random = None
            return
        self.random = RandomFailures(
            rate=rate,
            rng=random.Random(seed),
            methods=frozenset(methods) if methods is not None else SEND_METHODS,
            statuses=tuple(statuses),
            retry_after=retry_after,
            deliver_rate=deliver_rate,
        )

    def pick_failure(self, method: str, chat_id: object) -> Fault | None:
        """The fault for this request, consuming one use of a scripted rule."""
        for rule in self.fail_rules:
            if _matches(rule.method, rule.chat_id, method, chat_id):
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self.fail_rules.remove(rule)
                return rule.fault
        chaos = self.random
        if chaos is not None and method in chaos.methods and chaos.rng.random() < chaos.rate:
            status = chaos.rng.choice(chaos.statuses)
            deliver = status >= 500 and chaos.rng.random() < chaos.deliver_rate
            return make_fault(
                status,
                retry_after=chaos.retry_after if status == 429 else None,
                deliver=deliver,
                source="random",
            )
        return None

    def pick_delay(self, method: str, chat_id: object) -> float:
        for rule in self.delay_rules:
            if _matches(rule.method, rule.chat_id, method, chat_id):
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self.delay_rules.remove(rule)
                return rule.seconds
        return 0.0
