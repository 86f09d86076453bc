"""Pacing sends under Telegram's flood limits, with interactive replies first.

Telegram allows a bot about 30 *bulk* messages a second (broadcasts) and about one a second
per chat. Answers to people who just wrote are not bulk: the Application's rate limiter
(bot/telegram/ratelimit.py) keeps them to the per-chat and per-group rules only and takes
nothing from the bulk budget. Three pieces keep a broadcast inside the bulk limit:

* `SharedBudget` is the bot's bulk limit, which broadcast sends (and progress edits) share.
* `Pacer` is the broadcast's own, lower limit (25/s by default), a little under Telegram's
  30/s so timer jitter never crosses it. A 429 pauses it for `retry_after` and slows it
  down; it recovers gradually.
* A *paid* broadcast (allow_paid_broadcast, up to 1,000/s, charged in Stars) is outside the
  bulk limit: its `Pacer` runs at BROADCAST_PAID_RATE with no shared budget, so it neither
  waits for nor takes from the bulk budget (replies still come first per chat: the worker
  skips chats that just got an answer).
* `ChatClock` remembers when a chat last got a message, for the one-per-second rule.

Slots are computed with GCRA (a token bucket as "theoretical arrival time"), so a bucket is
two floats and every decision is O(1). No telegram imports: the Telegram layer plugs these
into its rate limiter and the delivery worker.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

Clock = Callable[[], float]

TELEGRAM_MESSAGES_PER_SECOND = 30
INTERACTIVE_RESERVE = 5  # messages/s kept for replies on top of a faster-than-Telegram test rate
PER_CHAT_SPACING = 1.0
SLOWDOWN_FACTOR = 0.8  # multiplicative decrease after a 429
MIN_RATE_SHARE = 0.25  # never slow below a quarter of the configured rate
RECOVERY_QUIET = 10.0  # seconds without a 429 before speeding up again
RECOVERY_STEP = 0.05  # share of the configured rate regained per quiet second
# A little slack so timer lateness (a millisecond or two per sleep) is not lost for good:
# without it 25/s comes out as ~24/s. At most a quarter of a message early, never a burst.
PACER_BURST = 1.25


class Bucket:
    """`rate` sends a second with bursts of up to `burst`, as GCRA."""

    def __init__(self, rate: float, burst: float = 1.0, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self.burst = burst
        self._tat = 0.0  # when the bucket is next empty ("theoretical arrival time")
        self.set_rate(rate)

    def set_rate(self, rate: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.interval = 1.0 / rate

    @property
    def busy_until(self) -> float:
        """When the bucket is full again (a quiet bucket can be forgotten after this)."""
        return self._tat

    def delay(self) -> float:
        """Seconds until a send would conform (0: now)."""
        tolerance = (self.burst - 1) * self.interval
        return max(0.0, self._tat - tolerance - self.clock())

    def claim(self) -> float:
        """Take the next slot, even a future one; returns how long to wait for it."""
        wait = self.delay()
        self._tat = max(self._tat, self.clock()) + self.interval
        return wait

    def hold(self, seconds: float) -> None:
        """Nothing conforms for `seconds` (after a 429's retry_after)."""
        self._tat = max(self._tat, self.clock() + seconds + (self.burst - 1) * self.interval)

    async def wait(self) -> None:
        """Sleep until a slot is free now, then take it; re-checks after each sleep, so
        slots claimed (or holds placed) meanwhile by others push this caller back."""
        while (pause := self.delay()) > 0:
            await asyncio.sleep(pause)
        self.claim()


class SharedBudget:
    """The bot's overall send limit, shared by replies (first) and broadcasts (leftovers)."""

    def __init__(self, rate: float, clock: Clock = time.monotonic) -> None:
        self.bucket = Bucket(rate, burst=1.0, clock=clock)

    async def urgent(self) -> None:
        """For replies: reserve the very next slot, ahead of any broadcast."""
        pause = self.bucket.claim()
        if pause > 0:
            await asyncio.sleep(pause)

    async def background(self) -> None:
        """For broadcasts: wait until no reply holds the next slot."""
        await self.bucket.wait()


class ChatClock:
    """When each chat last got a message; forgets chats quiet for longer than `spacing`."""

    def __init__(self, spacing: float = PER_CHAT_SPACING, clock: Clock = time.monotonic) -> None:
        self.spacing = spacing
        self.clock = clock
        self._last: dict[int, float] = {}

    def record(self, chat_id: int) -> None:
        if len(self._last) > 10_000:
            self._forget_quiet()
        self._last[chat_id] = self.clock()

    def wait_time(self, chat_id: int) -> float:
        last = self._last.get(chat_id)
        return 0.0 if last is None else max(0.0, last + self.spacing - self.clock())

    def _forget_quiet(self) -> None:
        now = self.clock()
        self._last = {c: t for c, t in self._last.items() if now - t < self.spacing}


class Pacer:
    """A broadcast's own rate: `rate`/s, slowed after 429s (AIMD), within the shared budget."""

    def __init__(
        self, rate: float, budget: SharedBudget | None = None, clock: Clock = time.monotonic
    ) -> None:
        self.nominal = rate
        self.budget = budget
        self.clock = clock
        self.bucket = Bucket(rate, burst=PACER_BURST, clock=clock)
        self.flood_waits = 0
        self._last_flood = -RECOVERY_QUIET
        self._paused_until = 0.0
        self._last_recovery = 0.0

    @property
    def rate(self) -> float:
        return self.bucket.rate

    async def next_turn(self) -> None:
        """Wait for the broadcast's next slot, then for a slot in the shared budget."""
        self._recover()
        await self.bucket.wait()
        if self.budget is not None:
            await self.budget.background()

    def flood_wait(self, retry_after: float) -> None:
        """A 429: pause every broadcast send for `retry_after` and slow down, once per
        pause (the other requests in flight at the time report the same flood)."""
        self.flood_waits += 1
        now = self.clock()
        if now >= self._paused_until:
            slower = max(self.nominal * MIN_RATE_SHARE, self.bucket.rate * SLOWDOWN_FACTOR)
            self.bucket.set_rate(slower)
        self._last_flood = now
        self._paused_until = max(self._paused_until, now + retry_after)
        self.bucket.hold(retry_after)

    def pause(self, seconds: float) -> None:
        """Hold every broadcast send for `seconds` without slowing down (network trouble)."""
        self.bucket.hold(seconds)

    def _recover(self) -> None:
        now = self.clock()
        if self.bucket.rate >= self.nominal or now - self._last_flood < RECOVERY_QUIET:
            return
        elapsed = min(now - max(self._last_recovery, self._last_flood + RECOVERY_QUIET), 1.0)
        if elapsed <= 0:
            return
        self._last_recovery = now
        gained = self.nominal * RECOVERY_STEP * elapsed
        self.bucket.set_rate(min(self.nominal, self.bucket.rate + gained))


class Pacing:
    """Everything both senders share: one per running bot."""

    def __init__(self, broadcast_rate: float, clock: Clock = time.monotonic) -> None:
        overall = TELEGRAM_MESSAGES_PER_SECOND
        if broadcast_rate > TELEGRAM_MESSAGES_PER_SECOND:  # a test rate, faster than Telegram
            overall = broadcast_rate + INTERACTIVE_RESERVE
        self.broadcast_rate = broadcast_rate
        self.budget = SharedBudget(overall, clock)
        self.replied = ChatClock(clock=clock)  # chats that just got a reply
        self.broadcasted = ChatClock(clock=clock)  # chats that just got a broadcast
        self.clock = clock

    def pacer(self, paid_rate: float | None = None) -> Pacer:
        """A broadcast's pacer: free ones share the bulk budget; a paid one (`paid_rate`)
        has Telegram's separate paid limit to itself."""
        if paid_rate:
            return Pacer(paid_rate, None, self.clock)
        return Pacer(self.broadcast_rate, self.budget, self.clock)
