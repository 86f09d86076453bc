"""The report outbox worker: sends what the database says is owed, until it is sent.

Handlers never send desk cards, relays or status updates themselves: they write an outbox
row in the same transaction as the change and wake this worker. The worker runs with the
Application (started and stopped by lifecycle hooks), takes due rows oldest first, and
marks each done only after Telegram accepted it. So a restart carries on where the last
run stopped, and a crash can at worst repeat the one message that was in flight.

Failures: network errors and 5xx are retried with exponential backoff; a 429 pauses the
sends of its lane for its retry_after: the desk group's lane (Telegram allows a group 20
messages a minute, so a burst of reports meets it) or the reporters' lane (private chats).
Lanes send side by side, each in order: the bot's rate limiter holds a desk send until the
group may take it (up to a minute in a burst), and neither that wait nor a desk pause ever
holds back a reporter's case code. 400/403 (the bot was removed from the
desk, a wrong DESK_CHAT_ID) alert the admins once and keep retrying slowly, because a report
must not be dropped while someone fixes the setup.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import html
import logging
import random
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application, ContextTypes

from bot.config import Settings
from bot.core.desks.routing import Desk
from bot.services import Services
from bot.storage.reports import OutboxJob
from bot.storage.reports.outbox import REPORTER_ONLY
from bot.storage.reports.outbox import lane_of as lane_for
from bot.telegram import metrics
from bot.telegram.desk_chat import (
    announce_migration,
    chat_of,
    current_desk,
    record_migration,
    tell_admins,
)
from bot.telegram.lifecycle import on_start_stop
from bot.waiting import wait_set

log = logging.getLogger(__name__)

WORKER_KEY = "report_outbox"
BATCH = 50
STOP_CHECK_SECONDS = 0.2
RETENTION_EVERY = 3600.0
DRAFT_TTL = dt.timedelta(days=3)
OUTBOX_KEEP = dt.timedelta(days=7)

T = TypeVar("T")
JobHandler = Callable[["Delivery", OutboxJob], Awaitable[None]]


@dataclass
class Delivery:
    """What a job handler needs: the bot, the services, and the desk chat (which follows a
    group's migration to a supergroup)."""

    bot: Bot
    services: Services
    worker: OutboxWorker

    async def desk(self, chat_id: int | None = None) -> int:
        chat = await self.run(current_desk, self.services, chat_id)
        if chat is None:
            raise BadRequest("DESK_CHAT_ID is not set")
        return chat

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` off the event loop (`Database.run`): job handlers never query on it."""
        return await self.services.db.run(fn, *args)


class OutboxWorker:
    def __init__(self, application: Application) -> None:
        self.application = application
        self.services: Services = application.bot_data["services"]
        self.handlers: dict[str, JobHandler] = {}
        self.task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._stopping = False
        # Lane → time.monotonic() until which a 429 holds back that lane's sends.
        self._paused_until: dict[str, float] = {}
        self._held_back = False  # the last pass skipped due jobs of a paused or busy lane
        self._lanes: dict[str, asyncio.Task[None]] = {}  # lane → the task sending its jobs
        # Alert key → the lane it is about (None: a bug): a desk that works again clears only
        # its own alerts, so one desk still unreachable is not announced as fixed.
        self._alerted: dict[str, str | None] = {}
        self._last_retention = float("-inf")
        self._periodic: list[Callable[[], object]] = []

    @property
    def settings(self) -> Settings:
        return self.services.settings

    def register(self, kind: str, handler: JobHandler) -> None:
        self.handlers[kind] = handler

    def every_cycle(self, task: Callable[[], object]) -> None:
        """Run `task` (quick, synchronous: it only queues jobs) on every pass of the worker,
        off the event loop with the worker's other housekeeping queries."""
        self._periodic.append(task)

    def wake(self) -> None:
        self._wake.set()

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        self._stopping = False
        self.task = asyncio.create_task(self.run(), name="report-outbox")

    async def stop(self) -> None:
        """Finish the message in flight, then stop; what is left waits for the next start."""
        self._stopping = True
        self.wake()
        if self.task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        await asyncio.gather(*self._lanes.values(), return_exceptions=True)

    async def run(self) -> None:
        pending = await self.services.db.run(self.services.report_outbox.pending)
        log.info("report outbox started, %d pending", pending)
        try:
            while not self._stopping:
                self._wake.clear()
                try:
                    await self.run_once()
                except Exception:
                    log.exception("report outbox: unexpected error, carrying on")
                await self._pause()
        except asyncio.CancelledError:
            for lane in self._lanes.values():  # the worker dies: its lanes with it
                lane.cancel()
            raise

    async def run_once(self) -> int:
        """Queue due reminders, apply retention now and then, and hand each idle lane its
        due jobs; returns how many were handed out.

        Lanes send side by side, each in order. The bot's rate limiter holds a desk send
        until the group may take it (20 messages a minute, or a 429's retry_after), which
        in a burst of reports is up to a minute: a reporter's case code must not wait
        behind it. A busy lane keeps its jobs until it is done (then it wakes the worker),
        so no job is ever sent by two tasks."""
        due = await self.services.db.run(self._housekeeping)
        self._held_back = False
        batches: dict[str, list[OutboxJob]] = {}
        for job in due:
            lane = lane_of(job)
            if self._paused(lane) or lane in self._lanes:
                self._held_back = True
                continue
            batches.setdefault(lane, []).append(job)
        for lane, jobs in batches.items():
            if not self._stopping:
                task = asyncio.create_task(self._send_lane(lane, jobs), name=f"outbox-{lane}")
                self._lanes[lane] = task
        return sum(len(jobs) for jobs in batches.values())

    async def _send_lane(self, lane: str, jobs: list[OutboxJob]) -> None:
        """One lane's jobs in order, until a 429 pauses the lane or the worker stops."""
        try:
            for job in jobs:
                if self._stopping or self._paused(lane):
                    break
                await self._process(job)
        except Exception:
            log.exception("report outbox: unexpected error in lane %s, carrying on", lane)
        finally:
            del self._lanes[lane]
            self.wake()

    def _housekeeping(self) -> list[OutboxJob]:
        """One pass's queries, on the database's thread: reminders and periodic jobs queued,
        retention now and then, and the jobs now due."""
        self.services.reports.queue_due_reminders()
        for task in self._periodic:
            task()
        self._retention()
        return self.services.report_outbox.due(BATCH)

    def _paused(self, lane: str) -> bool:
        return time.monotonic() < self._paused_until.get(lane, 0.0)

    async def _pause(self) -> None:
        outbox = self.services.report_outbox
        next_due = await self.services.db.run(outbox.next_due_at)
        deadline = time.monotonic() + self._idle_seconds(next_due)
        while not self._stopping and not self._wake.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            await wait_set(self._wake, min(left, STOP_CHECK_SECONDS))

    def _idle_seconds(self, next_due: float | None) -> float:
        """Until the next job is due (`next_due`), at most one poll interval; when due jobs
        were held back (a 429's pause, a lane still busy), until the first pause ends, at
        most one poll interval (a lane that finishes wakes the worker)."""
        poll = self.settings.outbox_poll_seconds
        wait = poll
        if next_due is not None:
            wait = min(wait, next_due - self.services.report_outbox.clock.timestamp())
        now = time.monotonic()
        pauses = [until - now for until in self._paused_until.values() if until > now]
        if wait <= 0 and self._held_back:
            wait = min([*pauses, poll])
        return max(wait, 0.0)

    # -- one job -----------------------------------------------------------------------------
    async def _process(self, job: OutboxJob) -> None:
        outbox = self.services.report_outbox
        handler = self.handlers.get(job.kind)
        run = self.services.db.run
        if handler is None:
            await run(outbox.fail, job.id, f"no handler for {job.kind!r}")
            return
        try:
            await handler(Delivery(self.application.bot, self.services, self), job)
        except RetryAfter as exc:
            metrics.count(self.application, "flood_waits", "desk")
            seconds = retry_seconds(exc)
            self._paused_until[lane_of(job)] = time.monotonic() + seconds
            await run(outbox.retry, job.id, seconds, str(exc))
        except ChatMigrated as exc:
            await self._migrated(job, exc)
        except (BadRequest, Forbidden) as exc:
            key = f"{lane_of(job)}:{type(exc).__name__}{exc}"
            await self._alert_once(key, str(exc), job, lane_of(job))
            delay = self.backoff(job.attempts + 1, permanent=True)
            await run(outbox.retry, job.id, delay, str(exc))
        except (NetworkError, TelegramError) as exc:
            log.info("outbox job %s (%s) will be retried: %s", job.id, job.kind, exc)
            await run(outbox.retry, job.id, self.backoff(job.attempts + 1), str(exc))
        except Exception as exc:
            log.exception("outbox job %s (%s) failed", job.id, job.kind)
            await self._alert_once(f"bug:{job.kind}:{type(exc).__name__}", repr(exc))
            delay = self.backoff(job.attempts + 1, permanent=True)
            await run(outbox.retry, job.id, delay, repr(exc))
        else:
            await run(outbox.done, job.id)
            if job.kind not in REPORTER_ONLY:  # a reporter's message says nothing of the desk
                await self._recovered(lane_of(job))

    def backoff(self, attempt: int, permanent: bool = False) -> float:
        """Exponential from OUTBOX_RETRY_SECONDS up to OUTBOX_RETRY_MAX_SECONDS, ±20%."""
        base = self.settings.outbox_retry_seconds
        ceiling = self.settings.outbox_retry_max_seconds
        seconds = ceiling if permanent else min(ceiling, base * 2 ** max(attempt - 1, 0))
        return seconds * random.uniform(0.8, 1.2)

    async def _migrated(self, job: OutboxJob, exc: ChatMigrated) -> None:
        """The desk group became a supergroup: record it (kept across restarts), tell the
        admins once, and send the job again to the new chat right away."""
        moved = await self.services.db.run(self._record_move, exc.new_chat_id, job)
        if moved is not None:
            await announce_migration(self.application.bot, self.services, moved, exc.new_chat_id)
        await self.services.db.run(self.services.report_outbox.retry, job.id, 0.0, str(exc))

    def _record_move(self, new_chat_id: int, job: OutboxJob) -> Desk | None:
        """The job's desk chat moved: the regional desk it names, else the central desk."""
        desk = self._regional_desk(job)
        old = chat_of(self.services, desk) if desk else current_desk(self.services)
        return None if old is None else record_migration(self.services, old, new_chat_id)

    def _regional_desk(self, job: OutboxJob) -> Desk | None:
        """The regional desk whose group the job writes to, or None for the central desk."""
        desk = self.services.desks.by_key(job.payload.get("desk")) if job.payload else None
        return None if desk is None or desk.central else desk

    # -- admins ------------------------------------------------------------------------------
    async def _alert_once(
        self, key: str, problem: str, job: OutboxJob | None = None, lane: str | None = None
    ) -> None:
        if key in self._alerted:
            return
        self._alerted[key] = lane
        log.error("report delivery problem: %s", problem)
        _ = self.services.i18n.translator(self.settings.default_language)
        regional = self._regional_desk(job) if job is not None else None
        if regional is None:
            alert = _(
                "⚠️ <b>Reports cannot reach the desk chat</b> ({chat}): {problem}\n\n"
                "Nothing is lost: reports are kept and retried. Check that the bot is still a "
                "member of the desk group and that DESK_CHAT_ID is right.",
                chat=html.escape(str(self.settings.desk_chat_id)),
                problem=html.escape(problem),
            )
        else:
            chat = await self.services.db.run(chat_of, self.services, regional)
            alert = _(
                "⚠️ <b>Reports cannot reach the group of {desk}</b> ({chat}): {problem}\n\n"
                "Nothing is lost: its reports are kept and retried, and the central desk has "
                "them. Check that the bot is still a member of that group and that its chat_id "
                "in the desk routing file is right.",
                desk=html.escape(regional.name),
                chat=html.escape(str(chat)),
                problem=html.escape(problem),
            )
        await tell_admins(self.application.bot, self.services, alert)

    async def _recovered(self, lane: str) -> None:
        """A desk job went through: its lane's alerts (and any bug's) are over."""
        over = [key for key, about in self._alerted.items() if about in (lane, None)]
        if not over:
            return
        for key in over:
            del self._alerted[key]
        _ = self.services.i18n.translator(self.settings.default_language)
        await tell_admins(
            self.application.bot,
            self.services,
            _("✅ Reports reach the desk chat again. Waiting reports are being delivered."),
        )

    # -- housekeeping ------------------------------------------------------------------------
    def _retention(self) -> None:
        """Hourly: unlink reporters from long-closed cases, drop stale drafts and old rows."""
        if time.monotonic() - self._last_retention < RETENTION_EVERY:
            return
        self._last_retention = time.monotonic()
        svc = self.services
        now = svc.report_outbox.clock.now()
        cutoff = now - dt.timedelta(days=self.settings.report_retention_days)
        unlinked = svc.reporters.forget_finished(cutoff)
        drafts = svc.report_drafts.purge(now - DRAFT_TTL)
        rows = svc.report_outbox.purge(now - OUTBOX_KEEP)
        if unlinked or drafts:
            svc.db.scrub()
        if unlinked or drafts or rows:
            log.info("retention: %d links, %d drafts, %d outbox rows", unlinked, drafts, rows)

    async def run_retention_now(self) -> None:
        self._last_retention = float("-inf")
        await self.services.db.run(self._retention)


def lane_of(job: OutboxJob) -> str:
    """Which chat a job writes to, as far as order and flood limits go: a reporter, a
    regional desk's group (named in the job), or the central desk's: a 429 or an error in
    one group holds back only the jobs for that group (`bot.storage.reports.outbox`)."""
    return lane_for(job.kind, job.payload)


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter.retry_after is an int or a timedelta depending on PTB's settings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def worker(application: Application) -> OutboxWorker:
    return application.bot_data[WORKER_KEY]


def wake(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell the worker there is something new to send (it would find it anyway)."""
    found = context.bot_data.get(WORKER_KEY)
    if found is not None:
        found.wake()


def register(application: Application) -> None:
    outbox = OutboxWorker(application)
    application.bot_data[WORKER_KEY] = outbox
    on_start_stop(application, outbox.start, outbox.stop)
