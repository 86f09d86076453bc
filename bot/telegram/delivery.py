"""The broadcast delivery worker: database state in, paced sends out.

Everything it needs to know is in the database, so a restart simply carries on: broadcasts
in state `sending` resume with their `queued` recipients and those left `sending` (in flight
when the process died: the only ones that may get a second copy). Each recipient is marked
`sending` before its request and `sent`/`failed`/`blocked` after, so at most
`max_in_flight` messages (`paid_max_in_flight` for a paid broadcast) can ever be duplicated,
and only by a crash.

A paid broadcast (staff chose "paid, fast"; stored in `broadcasts.paid`) is sent with
allow_paid_broadcast=True at BROADCAST_PAID_RATE, outside the bulk budget. If the setting
was removed before it finished, the rest goes out free at the ordinary rate.

It uses its own Bot (own HTTP connection pool, no rate limiter) so broadcast requests never
occupy the connections or the limiter queue that replies to users use, and it paces itself
with a `Pacer` under the shared budget (see bot/core/broadcasts/pacing.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
import warnings
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

import httpx
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.core.broadcasts.model import BroadcastState, Counts, eta_seconds
from bot.core.broadcasts.pacing import Pacer
from bot.services import Services
from bot.storage.broadcasts import Broadcast, Recipient
from bot.telegram.sending import send_content
from bot.waiting import wait_set

log = logging.getLogger(__name__)

NOT_SENT_CAUSES = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
UNREACHABLE = ("chat not found", "user is deactivated", "bot can't initiate conversation")


class Presenter(Protocol):
    """What staff and subscribers see; implemented by the broadcasts handler (gettext)."""

    def progress(self, broadcast: Broadcast, counts: Counts, eta: float | None) -> str: ...

    def report(self, broadcast: Broadcast, counts: Counts) -> str: ...

    def recipient_markup(self, language: str) -> InlineKeyboardMarkup | None: ...


@dataclass(frozen=True)
class DeliveryConfig:
    progress_seconds: float = 5.0
    channel_id: int | str | None = None
    max_in_flight: int = 8  # also the most duplicates a crash can cause
    batch: int = 200
    max_attempts: int = 5  # per recipient, counting 429s and refused connections
    idle_seconds: float = 30.0
    stop_grace: float = 10.0  # clean shutdown: let requests in flight finish
    paid_rate: int | None = None  # BROADCAST_PAID_RATE; None: paid broadcasts go out free
    # Enough requests in flight to keep up with hundreds a second (each takes a few ms to
    # tens of ms); also the most duplicates a crash during a paid broadcast can cause.
    paid_max_in_flight: int = 32

    @classmethod
    def from_settings(cls, settings: Settings) -> DeliveryConfig:
        return cls(
            progress_seconds=settings.broadcast_progress_seconds,
            channel_id=settings.broadcast_channel_id,
            paid_rate=settings.broadcast_paid_rate,
        )

    @property
    def pool_size(self) -> int:
        """Connections the worker's Bot needs: the larger of the two in-flight bounds."""
        return max(self.max_in_flight, self.paid_max_in_flight if self.paid_rate else 0)


def worker_bot(settings: Settings, pool_size: int, base_file_url: str | None = None) -> Bot:
    """A Bot of its own for broadcasts: separate connections from the Application's."""
    request = HTTPXRequest(connection_pool_size=pool_size + 2, read_timeout=10, write_timeout=20)
    kwargs = {"base_file_url": base_file_url} if base_file_url else {}
    return Bot(
        settings.bot_token or "",
        base_url=settings.telegram_base_url,
        request=request,
        **kwargs,
    )


@dataclass
class Run:
    """One broadcast being delivered by this process."""

    broadcast: Broadcast
    pacer: Pacer
    processed_before: int
    slots: asyncio.Semaphore
    paid: bool = False
    started: float = field(default_factory=time.monotonic)
    retry: deque[Recipient] = field(default_factory=deque)
    in_flight: set[int] = field(default_factory=set)


class DeliveryWorker:
    def __init__(
        self, services: Services, bot: Bot, presenter: Presenter, config: DeliveryConfig
    ) -> None:
        self.services = services
        self.repo = services.broadcasts
        # Every query of the loop below goes through `db.run`: on PostgreSQL it runs on the
        # database's thread, so a round trip never holds up the replies on the event loop.
        self.db = services.db
        self.bot = bot
        self.presenter = presenter
        self.config = config
        self._wake = asyncio.Event()
        self._stopping = False
        self._cancelled: set[int] = set()
        self._task: asyncio.Task[None] | None = None
        self._sends: set[asyncio.Task[None]] = set()

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        await self.bot.initialize()
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="broadcast-delivery")

    async def stop(self, grace: float | None = None) -> None:
        """Stop dispatching, give requests in flight `grace` seconds, then cancel them.
        `grace=0` is a hard stop, like a crash: rows in flight stay `sending`."""
        self._stopping = True
        self._wake.set()
        task, self._task = self._task, None
        if task is not None:
            grace = self.config.stop_grace if grace is None else grace
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(task), grace or 0.001)
            task.cancel()
            for send in list(self._sends):
                send.cancel()
            await asyncio.gather(task, *self._sends, return_exceptions=True)
        await self.bot.shutdown()

    def wake(self) -> None:
        """A broadcast was confirmed: look at the schedule now."""
        self._wake.set()

    async def cancel(self, broadcast_id: int) -> bool:
        """Cancel (in the database, and the run in progress if it is this one)."""
        cancelled = await self.db.run(self.repo.cancel, broadcast_id)
        if cancelled:
            self._cancelled.add(broadcast_id)
            self._wake.set()
        return cancelled

    # -- the loop ----------------------------------------------------------------------------
    async def _run(self) -> None:
        while not self._stopping:
            broadcast = await self.db.run(self.repo.next_due, datetime.now(UTC))
            if broadcast is None:
                await self._idle()
                continue
            try:
                await self._deliver(broadcast)
            except Exception:
                log.exception("broadcast %d: delivery failed; retrying shortly", broadcast.id)
                await self._idle(5.0)

    async def _idle(self, longest: float | None = None) -> None:
        timeout = longest or self.config.idle_seconds
        due = await self.db.run(self.repo.next_scheduled_time)
        if due is not None:
            timeout = min(timeout, max(0.05, (due - datetime.now(UTC)).total_seconds()))
        await wait_set(self._wake, timeout)
        self._wake.clear()

    async def _deliver(self, broadcast: Broadcast) -> None:
        if broadcast.state is BroadcastState.SCHEDULED:
            total = await self.db.run(self.repo.start, broadcast.id)
            log.info("broadcast %d: started, %d recipients", broadcast.id, total)
        counts = await self.db.run(self.repo.counts, broadcast.id)
        run = self._new_run(broadcast, counts.processed)
        await self._cross_post(run)
        reporter = asyncio.create_task(self._report_progress(run))
        try:
            await self._dispatch(run)
        finally:
            reporter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reporter
        if not self._stopping:
            await self._finish(run)

    def _new_run(self, broadcast: Broadcast, processed: int) -> Run:
        paid = broadcast.paid and self.config.paid_rate is not None
        if broadcast.paid and not paid:
            log.warning("broadcast %d: BROADCAST_PAID_RATE is off; sending free", broadcast.id)
        in_flight = self.config.paid_max_in_flight if paid else self.config.max_in_flight
        pacer = self.services.pacing.pacer(self.config.paid_rate if paid else None)
        return Run(broadcast, pacer, processed, asyncio.Semaphore(in_flight), paid)

    def _halted(self, run: Run) -> bool:
        return self._stopping or run.broadcast.id in self._cancelled

    async def _dispatch(self, run: Run) -> None:
        source = self._pending(run)
        while not self._halted(run):
            recipient = run.retry.popleft() if run.retry else await anext(source, None)
            if recipient is None:
                if not self._sends:
                    return
                await asyncio.wait(self._sends, return_when=asyncio.FIRST_COMPLETED)
                continue
            await run.slots.acquire()
            try:
                await run.pacer.next_turn()
            except BaseException:
                run.slots.release()
                raise
            if self._halted(run):
                run.slots.release()
                break
            self._spawn(run, recipient)
        await self._drain()

    async def _pending(self, run: Run) -> AsyncIterator[Recipient]:
        after = 0
        while rows := await self.db.run(
            self.repo.pending, run.broadcast.id, after, self.config.batch
        ):
            for recipient in rows:
                after = recipient.user_id
                if recipient.user_id not in run.in_flight:
                    yield recipient

    def _spawn(self, run: Run, recipient: Recipient) -> None:
        run.in_flight.add(recipient.user_id)
        task = asyncio.create_task(self._send_one(run, recipient))
        self._sends.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self._sends.discard(finished)
            run.in_flight.discard(recipient.user_id)
            run.slots.release()

        task.add_done_callback(done)

    async def _drain(self) -> None:
        if self._sends:
            await asyncio.gather(*list(self._sends), return_exceptions=True)

    # -- one message -------------------------------------------------------------------------
    async def _send_one(self, run: Run, recipient: Recipient) -> None:
        pacing = self.services.pacing
        gap = pacing.replied.wait_time(recipient.user_id)
        if gap > 0:
            await asyncio.sleep(gap)
        broadcast_id, user_id = run.broadcast.id, recipient.user_id
        if not await self.db.run(self.repo.mark_sending, broadcast_id, user_id):
            return  # no longer a recipient: they deleted their data meanwhile
        pacing.broadcasted.record(user_id)
        try:
            message = await send_content(
                self.bot,
                user_id,
                run.broadcast.content,
                self.presenter.recipient_markup(recipient.language),
                paid=run.paid,
            )
        except Exception as error:  # classified below; CancelledError is not caught
            await self._failed(run, recipient, error)
        else:
            await self.db.run(self.repo.mark_sent, broadcast_id, user_id, message.message_id)

    async def _failed(self, run: Run, recipient: Recipient, error: Exception) -> None:
        broadcast_id, user_id = run.broadcast.id, recipient.user_id
        if isinstance(error, RetryAfter):
            run.pacer.flood_wait(_retry_seconds(error))
            await self._retry(run, recipient, f"429: {error}")
        elif isinstance(error, Forbidden) or (
            isinstance(error, BadRequest) and _unreachable(error)
        ):
            await self.db.run(self.repo.mark_blocked, broadcast_id, user_id, str(error))
            await self.db.run(self.services.subscribers.mark_blocked, user_id)
        elif _not_sent(error):
            run.pacer.pause(min(2.0**recipient.attempts, 30.0))
            await self._retry(run, recipient, str(error))
        else:
            if not isinstance(error, (TimedOut, NetworkError, BadRequest)):
                log.exception("broadcast %d: unexpected error", broadcast_id, exc_info=error)
            await self.db.run(self.repo.mark_failed, broadcast_id, user_id, _describe(error))

    async def _retry(self, run: Run, recipient: Recipient, error: str) -> None:
        """Definitely not delivered: queue again (up to max_attempts)."""
        if recipient.attempts + 1 >= self.config.max_attempts:
            await self.db.run(self.repo.mark_failed, run.broadcast.id, recipient.user_id, error)
            return
        await self.db.run(self.repo.requeue, run.broadcast.id, recipient.user_id, error)
        again = dataclasses.replace(recipient, attempts=recipient.attempts + 1)
        run.retry.append(again)

    # -- channel, progress, report -----------------------------------------------------------
    async def _cross_post(self, run: Run) -> None:
        broadcast, channel = run.broadcast, self.config.channel_id
        if channel is None or broadcast.channel_state not in ("queued", "sending"):
            return
        await self.db.run(self.repo.set_channel_state, broadcast.id, "sending")
        try:
            await run.pacer.next_turn()
            await send_content(self.bot, channel, broadcast.content)
        except Exception as error:
            log.warning("broadcast %d: cross-post failed: %s", broadcast.id, error)
            await self.db.run(self.repo.set_channel_state, broadcast.id, "failed", str(error))
        else:
            await self.db.run(self.repo.set_channel_state, broadcast.id, "sent")

    async def _report_progress(self, run: Run) -> None:
        while True:
            await asyncio.sleep(self.config.progress_seconds)
            await self._edit_progress(run, final=False)

    async def _edit_progress(self, run: Run, final: bool) -> None:
        broadcast = await self.db.run(self.repo.get, run.broadcast.id) or run.broadcast
        if broadcast.progress_chat_id is None or broadcast.progress_message_id is None:
            return
        counts = await self.db.run(self.repo.counts, broadcast.id)
        eta = None if final else self._eta(run, counts)
        with contextlib.suppress(Exception):
            await self.services.pacing.budget.background()
            await self.bot.edit_message_text(
                self.presenter.progress(broadcast, counts, eta),
                broadcast.progress_chat_id,
                broadcast.progress_message_id,
                parse_mode="HTML",
            )

    def _eta(self, run: Run, counts: Counts) -> float:
        processed = counts.processed - run.processed_before
        elapsed = time.monotonic() - run.started
        return eta_seconds(counts.remaining, processed, elapsed, run.pacer.nominal)

    async def _finish(self, run: Run) -> None:
        broadcast_id = run.broadcast.id
        if broadcast_id not in self._cancelled:
            await self.db.run(self.repo.finish, broadcast_id)
        self._cancelled.discard(broadcast_id)
        await self._edit_progress(run, final=True)
        broadcast = await self.db.run(self.repo.get, broadcast_id) or run.broadcast
        counts = await self.db.run(self.repo.counts, broadcast_id)
        log.info("broadcast %d: %s, %s", broadcast_id, broadcast.state, counts)
        with contextlib.suppress(Exception):
            await self.bot.send_message(
                broadcast.author_id, self.presenter.report(broadcast, counts), parse_mode="HTML"
            )


def _retry_seconds(error: RetryAfter) -> float:
    """PTB 22 keeps a timedelta; its public property warns while migrating from ints."""
    value = getattr(error, "_retry_after", None)
    if isinstance(value, timedelta):
        return value.total_seconds()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(error.retry_after)  # type: ignore[arg-type]


def _unreachable(error: BadRequest) -> bool:
    return any(reason in error.message.lower() for reason in UNREACHABLE)


def _not_sent(error: Exception) -> bool:
    """True only when Telegram certainly did not deliver: a 5xx answer, or a connection
    that was never made. A read timeout may hide a delivery, so it is not retried."""
    if isinstance(error, TimedOut):
        return isinstance(error.__cause__, NOT_SENT_CAUSES)
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        cause = error.__cause__
        return cause is None or isinstance(cause, NOT_SENT_CAUSES)
    return False


def _describe(error: Exception) -> str:
    if isinstance(error, TimedOut):
        return "timed out (may have been delivered; not retried)"
    return f"{type(error).__name__}: {error}"
