"""Prometheus metrics: what an operator watches on a running bot.

Counters and histograms are updated where things happen (updates, matcher decisions, Cek Dulu
verdicts, 429s); the desk outbox backlog, deadline misses and broadcast progress are read from
the database at scrape time by `DatabaseCollector`, so they are right after a restart and in
a standby process too. `exposition` therefore queries: the HTTP server calls it through
`Database.run`, off the event loop. Each Application gets its own registry (tests build many).

No label ever carries a user id, a chat id or text: only small fixed vocabularies.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from telegram import Update
from telegram.ext import Application

from bot.core.clock import from_text, to_text, utc_now
from bot.storage import Database

log = logging.getLogger(__name__)

METRICS_KEY = "metrics"
REPLY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """The bot's metrics, registered in a registry of their own."""

    def __init__(
        self, database: Database | None = None, now: Callable[[], dt.datetime] = utc_now
    ) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.updates = Counter(
            "bot_updates_total", "Updates handled, by kind.", ["kind"], registry=self.registry
        )
        self.update_seconds = Histogram(
            "bot_update_seconds",
            "Time from taking an update to finishing its handlers (replies included).",
            buckets=REPLY_BUCKETS,
            registry=self.registry,
        )
        self.matcher_decisions = Counter(
            "bot_matcher_decisions_total",
            "Free-text decisions: answer, suggest, fallback, smalltalk, blank.",
            ["kind"],
            registry=self.registry,
        )
        self.check_verdicts = Counter(
            "bot_cekdulu_verdicts_total", "Cek Dulu verdicts.", ["verdict"], registry=self.registry
        )
        self.flood_waits = Counter(
            "bot_telegram_429_total",
            "429 Too Many Requests answers from the Bot API, by sender.",
            ["sender"],
            registry=self.registry,
        )
        self.retries = Counter(
            "bot_telegram_retries_total",
            "Bot API calls sent again after an error, by sender.",
            ["sender"],
            registry=self.registry,
        )
        if database is not None:
            self.registry.register(DatabaseCollector(database, now))

    def exposition(self) -> bytes:
        """The text format Prometheus scrapes (it reads the database: on the event loop, call
        it through `db.run`)."""
        return generate_latest(self.registry)


def update_kind(update: Update) -> str:
    """A small fixed name for what an update is (never its content)."""
    if update.callback_query:
        return "callback"
    if update.edited_message or update.edited_channel_post:
        return "edited"
    if update.my_chat_member or update.chat_member:
        return "membership"
    message = update.message or update.channel_post
    if message is None:
        return "other"
    if message.text and message.text.startswith("/"):
        return "command"
    if message.text:
        return "text"
    if message.media_group_id:
        return "album"
    return "media"


def metrics_of(application: Application) -> Metrics | None:
    metrics = application.bot_data.get(METRICS_KEY)
    return metrics if isinstance(metrics, Metrics) else None


def install(
    application: Application,
    database: Database | None,
    now: Callable[[], dt.datetime] = utc_now,
) -> Metrics:
    """Give the Application its metrics (once)."""
    existing = metrics_of(application)
    if existing is not None:
        return existing
    metrics = Metrics(database, now)
    application.bot_data[METRICS_KEY] = metrics
    return metrics


def count(application: Application, counter: str, label: str) -> None:
    """Add one to a labelled counter, if the Application has metrics (tools may not)."""
    metrics = metrics_of(application)
    if metrics is not None:
        getattr(metrics, counter).labels(label).inc()


class UpdateTimer:
    """Times one update: `with UpdateTimer(metrics, update): ...`."""

    def __init__(self, metrics: Metrics | None, update: object) -> None:
        self.metrics = metrics
        self.kind = update_kind(update) if isinstance(update, Update) else "other"
        self.started = 0.0

    def __enter__(self) -> UpdateTimer:
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.metrics is None:
            return
        self.metrics.updates.labels(self.kind).inc()
        self.metrics.update_seconds.observe(time.monotonic() - self.started)


class DatabaseCollector(Collector):
    """Backlogs and progress read from the database when Prometheus scrapes."""

    def __init__(self, database: Database, now: Callable[[], dt.datetime] = utc_now) -> None:
        self.database = database
        self.now = now

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            yield from self._outbox()
            yield from self._deadlines()
            yield from self._broadcasts()
        except Exception as exc:  # a scrape must never take the bot down
            log.warning("metrics: database not readable: %s", type(exc).__name__)

    def _outbox(self) -> Iterator[GaugeMetricFamily]:
        row = self.database.conn.execute(
            "SELECT COUNT(*), MIN(created_at) FROM report_outbox WHERE state = 'pending'"
        ).fetchone()
        backlog = GaugeMetricFamily("bot_desk_outbox_backlog", "Desk outbox jobs not sent yet.")
        backlog.add_metric([], row[0])
        yield backlog
        oldest = GaugeMetricFamily(
            "bot_desk_outbox_oldest_seconds", "Age of the oldest unsent desk outbox job."
        )
        oldest.add_metric([], self._age_seconds(row[1]))
        yield oldest

    def _age_seconds(self, created: str | None) -> float:
        if not created:
            return 0.0
        return max(0.0, (self.now() - from_text(created)).total_seconds())

    def _deadlines(self) -> Iterator[GaugeMetricFamily]:
        now = to_text(self.now())
        row = self.database.conn.execute(
            "SELECT COUNT(*) FROM reports WHERE status = 'new' AND ack_due_at < ?", (now,)
        ).fetchone()
        missed = GaugeMetricFamily(
            "bot_cases_past_ack_deadline",
            "Open cases still not acknowledged after their deadline (15 min urgent, 24 h other).",
        )
        missed.add_metric([], row[0])
        yield missed

    def _broadcasts(self) -> Iterator[GaugeMetricFamily]:
        rows = self.database.conn.execute(
            "SELECT r.state, COUNT(*) FROM broadcast_recipients r"
            " JOIN broadcasts b ON b.id = r.broadcast_id WHERE b.state = 'sending'"
            " GROUP BY r.state"
        ).fetchall()
        family = GaugeMetricFamily(
            "bot_broadcast_recipients",
            "Recipients of broadcasts being sent now, by delivery state.",
            labels=["state"],
        )
        for state, number in rows:
            family.add_metric([str(state)], number)
        yield family
