"""What the report repositories return, and the one place a case row becomes a `Report`
(opening the sealed name a reporter chose to show)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from bot.core.clock import from_text
from bot.core.reports.case_status import Outcome, Status, outcome_of
from bot.core.reports.draft import ShownIdentity
from bot.storage.database import Database
from bot.storage.sealing import Sealer


@dataclass(frozen=True)
class Report:
    id: int
    code: str
    category: str
    urgent: bool
    province: str
    place: str | None
    occurred: str | None
    details: str
    shown_identity: ShownIdentity | None
    status: Status
    outcome: Outcome | None
    status_by: str | None
    status_at: dt.datetime | None
    created_at: dt.datetime
    ack_due_at: dt.datetime
    reminders_sent: int
    desk_chat_id: int | None
    card_message_id: int | None
    outcome_people: int | None = None  # people kept from leaving, for "departure prevented"
    desk_key: str | None = None  # the desk that owns the case; None: the central desk

    @property
    def finished(self) -> bool:
        return self.status in (Status.CLOSED, Status.SPAM)


@dataclass(frozen=True)
class StoredEvidence:
    id: int
    position: int
    kind: str
    source_message_id: int | None
    file_id: str | None
    text: str | None
    desk_message_id: int | None
    copy_failed: bool


@dataclass(frozen=True)
class CardIdentifier:
    kind: str
    display: str
    other_reports: int
    other_codes: tuple[str, ...]


@dataclass(frozen=True)
class ReporterLink:
    """Who to tell about a case: opened from its sealed row only when a message must go."""

    report_id: int
    user_id: int
    language: str
    forget_after_delivery: bool


@dataclass(frozen=True)
class OutboxJob:
    id: int
    kind: str
    report_id: int | None
    payload: dict[str, Any]
    attempts: int


def _when(value: str | None) -> dt.datetime | None:
    return from_text(value) if value else None


SHOWN = "shown identity"  # what a sealed shown name is bound to


def seal_shown(sealer: Sealer, shown: ShownIdentity | None) -> str | None:
    if shown is None:
        return None
    return sealer.seal(json.dumps(asdict(shown), ensure_ascii=False), SHOWN)


def open_shown(sealer: Sealer, value: str | None) -> ShownIdentity | None:
    return ShownIdentity(**json.loads(sealer.open(value, SHOWN))) if value else None


def _report(row: sqlite3.Row, sealer: Sealer) -> Report:
    return Report(
        id=row["id"],
        code=row["code"],
        category=row["category"],
        urgent=bool(row["urgent"]),
        province=row["province"],
        place=row["place"],
        occurred=row["occurred"],
        details=row["details"],
        shown_identity=open_shown(sealer, row["shown_identity"]),
        status=Status(row["status"]),
        outcome=outcome_of(row["outcome"]),
        status_by=row["status_by"],
        status_at=_when(row["status_at"]),
        created_at=from_text(row["created_at"]),
        ack_due_at=from_text(row["ack_due_at"]),
        reminders_sent=row["reminders_sent"],
        desk_chat_id=row["desk_chat_id"],
        card_message_id=row["card_message_id"],
        outcome_people=row["outcome_people"],
        desk_key=row["desk_key"],
    )


@contextmanager
def fully_synced(db: Database) -> Iterator[None]:
    """Make the next commits survive a power cut, not only a crash of the process.

    The database runs with synchronous=NORMAL (fast, safe against process crashes). A
    report is the one write a person is told about, so it is worth one extra fsync.
    PostgreSQL's counterpart is synchronous_commit, off by default for the bot's connection
    (see database.py): on for these commits."""
    if db.dialect != "sqlite":
        with db.transaction():
            db.execute("SET LOCAL synchronous_commit = on")
            yield
        return
    previous = db.one("PRAGMA synchronous")[0]
    db.execute("PRAGMA synchronous=FULL")
    try:
        yield
    finally:
        db.execute(f"PRAGMA synchronous={int(previous)}")
