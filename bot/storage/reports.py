"""Repositories for tip-off reports: cases, reporters, relays, drafts and the outbox.

Every change that must reach somebody (a new card, a status update, a relayed message) is
written to `report_outbox` in the same transaction as the change itself: if the change is
stored, so is the duty to deliver it, and a crash in between cannot separate them.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from bot.core.clock import Clock, from_text, to_text
from bot.core.reports.case_status import DeadlineRules, Outcome, Status, can_change, outcome_of
from bot.core.reports.draft import Draft, ShownIdentity, new_code
from bot.core.reports.identifiers import Identifier, extract
from bot.storage.database import Database, IntegrityError
from bot.storage.pseudonyms import ReportQuota

CODE_ATTEMPTS = 20
RECEIVED = "received"  # the outbox job that tells a reporter their case code


# -- views -----------------------------------------------------------------------------------
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


def _report(row: sqlite3.Row) -> Report:
    shown = json.loads(row["shown_identity"]) if row["shown_identity"] else None
    return Report(
        id=row["id"],
        code=row["code"],
        category=row["category"],
        urgent=bool(row["urgent"]),
        province=row["province"],
        place=row["place"],
        occurred=row["occurred"],
        details=row["details"],
        shown_identity=ShownIdentity(**shown) if shown else None,
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


# -- the outbox ------------------------------------------------------------------------------
@dataclass
class ReportOutbox:
    db: Database
    clock: Clock

    def enqueue(
        self,
        kind: str,
        report_id: int | None,
        payload: dict[str, Any] | None = None,
        delay: float = 0.0,
    ) -> int:
        cursor = self.db.execute(
            "INSERT INTO report_outbox (kind, report_id, payload, due_at, created_at) "
            "VALUES (?, ?, ?, ?, ?) RETURNING id",
            (
                kind,
                report_id,
                json.dumps(payload or {}, ensure_ascii=False),
                self.clock.timestamp() + delay,
                to_text(self.clock.now()),
            ),
        )
        return int(cursor.fetchone()[0])

    def due(self, limit: int = 50) -> list[OutboxJob]:
        """Pending jobs whose time has come: reporters' confirmations first (a person is
        waiting for their case code), then urgent reports, then oldest first. A job
        waits for every earlier pending job of the same report (a relay must not overtake
        its card)."""
        rows = self.db.all(
            "SELECT * FROM report_outbox AS o WHERE o.state = 'pending' AND o.due_at <= ? "
            "AND NOT EXISTS (SELECT 1 FROM report_outbox AS p WHERE p.state = 'pending' "
            "AND p.report_id = o.report_id AND p.id < o.id) ORDER BY o.kind = ? DESC, "
            "COALESCE((SELECT r.urgent FROM reports AS r WHERE r.id = o.report_id), 0) DESC, "
            "o.id LIMIT ?",
            (self.clock.timestamp(), RECEIVED, limit),
        )
        return [
            OutboxJob(r["id"], r["kind"], r["report_id"], json.loads(r["payload"]), r["attempts"])
            for r in rows
        ]

    def next_due_at(self) -> float | None:
        row = self.db.one("SELECT MIN(due_at) FROM report_outbox WHERE state = 'pending'")
        return row[0] if row else None

    def save_payload(self, job_id: int, payload: dict[str, Any]) -> None:
        self.db.execute(
            "UPDATE report_outbox SET payload = ? WHERE id = ?",
            (json.dumps(payload, ensure_ascii=False), job_id),
        )

    def done(self, job_id: int) -> None:
        self._finish(job_id, "done", None)

    def fail(self, job_id: int, error: str) -> None:
        self._finish(job_id, "failed", error)

    def _finish(self, job_id: int, state: str, error: str | None) -> None:
        self.db.execute(
            "UPDATE report_outbox SET state = ?, last_error = ?, finished_at = ?, "
            "attempts = attempts + 1 WHERE id = ?",
            (state, error, to_text(self.clock.now()), job_id),
        )

    def retry(self, job_id: int, delay: float, error: str) -> None:
        self.db.execute(
            "UPDATE report_outbox SET attempts = attempts + 1, due_at = ?, last_error = ? "
            "WHERE id = ?",
            (self.clock.timestamp() + delay, error[:500], job_id),
        )

    def pending(self) -> int:
        row = self.db.one("SELECT COUNT(*) FROM report_outbox WHERE state = 'pending'")
        return int(row[0])

    def purge(self, finished_before: dt.datetime) -> int:
        cursor = self.db.execute(
            "DELETE FROM report_outbox WHERE state != 'pending' AND finished_at < ?",
            (to_text(finished_before),),
        )
        return cursor.rowcount


# -- cases -----------------------------------------------------------------------------------
@dataclass
class Reports:
    db: Database
    outbox: ReportOutbox
    rules: DeadlineRules

    @property
    def clock(self) -> Clock:
        return self.outbox.clock

    def submit(
        self, draft: Draft, user_id: int, language: str, shown: ShownIdentity | None
    ) -> Report:
        """Store a finished report, its evidence and identifiers, the reporter link and the
        card delivery, all or nothing, synced to disk before the reporter hears of it."""
        now = self.clock.now()
        with fully_synced(self.db), self.db.transaction():
            report_id = self._insert_report(draft, shown, now)
            self.db.execute(
                "INSERT INTO report_reporters (report_id, user_id, language, created_at) "
                "VALUES (?, ?, ?, ?)",
                (report_id, user_id, language, to_text(now)),
            )
            ReportQuota(self.db, self.clock).add(user_id, to_text(now))
            self._insert_evidence(report_id, draft)
            self._link_identifiers(report_id, extract(draft.all_text()), now)
            # The reporter's confirmation (with the case code) is owed as surely as the card,
            # and goes first; without a report_id, so it never waits behind the desk.
            self.outbox.enqueue(RECEIVED, None, {"report": report_id})
            self.outbox.enqueue("card", report_id)
            self.db.execute("DELETE FROM report_drafts WHERE user_id = ?", (user_id,))
        report = self.get(report_id)
        assert report is not None
        return report

    def _insert_report(self, draft: Draft, shown: ShownIdentity | None, now: dt.datetime) -> int:
        urgent = draft.urgent
        due = self.rules.ack_due(now, urgent)
        values = (
            draft.category,
            int(urgent),
            draft.province,
            draft.place,
            draft.when,
            draft.details,
            json.dumps(asdict(shown), ensure_ascii=False) if shown else None,
            to_text(now),
            to_text(due),
            to_text(due),
        )
        for _attempt in range(CODE_ATTEMPTS):
            try:
                with self.db.savepoint():
                    row = self.db.one(
                        "INSERT INTO reports (code, category, urgent, province, place, "
                        "occurred, details, shown_identity, created_at, ack_due_at, "
                        "next_reminder_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        (new_code(), *values),
                    )
            except IntegrityError:
                continue  # the code is taken: draw another
            return int(row[0])
        raise RuntimeError("could not find a free case code")

    def _insert_evidence(self, report_id: int, draft: Draft) -> None:
        for position, item in enumerate(draft.evidence, start=1):
            self.db.execute(
                "INSERT INTO report_evidence (report_id, position, kind, source_message_id, "
                "file_id, file_size, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    report_id,
                    position,
                    item.kind,
                    item.message_id,
                    item.file_id,
                    item.file_size,
                    item.text,
                ),
            )

    def _link_identifiers(
        self, report_id: int, identifiers: list[Identifier], now: dt.datetime
    ) -> None:
        for position, item in enumerate(identifiers):
            row = self.db.one(
                "INSERT INTO report_identifiers (kind, value, reports, first_seen, last_seen) "
                "VALUES (?, ?, 1, ?, ?) ON CONFLICT (kind, value) DO UPDATE SET "
                "reports = report_identifiers.reports + 1, last_seen = excluded.last_seen "
                "RETURNING id",
                (item.kind.value, item.value, to_text(now), to_text(now)),
            )
            self.db.execute(
                "INSERT INTO report_identifier_links (report_id, identifier_id, position, "
                "display) VALUES (?, ?, ?, ?)",
                (report_id, row[0], position, item.display),
            )

    def get(self, report_id: int) -> Report | None:
        row = self.db.one("SELECT * FROM reports WHERE id = ?", (report_id,))
        return _report(row) if row else None

    def by_code(self, code: str) -> Report | None:
        row = self.db.one("SELECT * FROM reports WHERE code = ?", (code,))
        return _report(row) if row else None

    def evidence(self, report_id: int) -> list[StoredEvidence]:
        rows = self.db.all(
            "SELECT * FROM report_evidence WHERE report_id = ? ORDER BY position", (report_id,)
        )
        return [
            StoredEvidence(
                r["id"],
                r["position"],
                r["kind"],
                r["source_message_id"],
                r["file_id"],
                r["text"],
                r["desk_message_id"],
                bool(r["copy_failed"]),
            )
            for r in rows
        ]

    def identifiers(self, report_id: int, other_codes: int = 3) -> list[CardIdentifier]:
        """The report's identifiers, each with the other reports that share it. Reports the
        desk marked spam do not count: a false report must not brand someone's number."""
        rows = self.db.all(
            "SELECT l.identifier_id, i.kind, l.display FROM report_identifier_links "
            "AS l JOIN report_identifiers AS i ON i.id = l.identifier_id "
            "WHERE l.report_id = ? ORDER BY l.position",
            (report_id,),
        )
        return [
            CardIdentifier(
                r["kind"], r["display"], *self._others(r["identifier_id"], report_id, other_codes)
            )
            for r in rows
        ]

    def _others(
        self, identifier_id: int, report_id: int, limit: int
    ) -> tuple[int, tuple[str, ...]]:
        """(how many other non-spam reports have it, the latest `limit` of their codes)."""
        others = (
            "FROM report_identifier_links AS l JOIN reports AS r ON r.id = l.report_id "
            "WHERE l.identifier_id = ? AND l.report_id != ? AND r.status != 'spam'"
        )
        count = self.db.one(f"SELECT COUNT(*) {others}", (identifier_id, report_id))
        rows = self.db.all(
            f"SELECT r.code {others} ORDER BY r.id DESC LIMIT ?", (identifier_id, report_id, limit)
        )
        return int(count[0]), tuple(r["code"] for r in rows)

    # -- the desk side -----------------------------------------------------------------------
    def change_status(
        self,
        report_id: int,
        status: Status,
        outcome: Outcome | None,
        by_name: str,
        by_id: int | None,
        people: int | None = None,
    ) -> Report | None:
        """Apply a desk decision; None when the move is not allowed from the current status
        (or the outcome and the count of people do not go together).

        Queues the card update and the reporter's notification with it. Reopening clears
        the outcome and its count, so a reopened case counts no one in the statistics."""
        now = to_text(self.clock.now())
        with self.db.transaction():
            report = self.get(report_id)
            if report is None or not can_change(report.status, status, outcome, people):
                return None
            finished = status in (Status.CLOSED, Status.SPAM)
            self.db.execute(
                "UPDATE reports SET status = ?, outcome = ?, outcome_people = ?, status_by = ?, "
                "status_at = ?, closed_at = ?, next_reminder_at = NULL WHERE id = ?",
                (status.value, outcome, people, by_name, now, now if finished else None, report_id),
            )
            self.db.execute(
                "INSERT INTO report_status_history (report_id, status, outcome, changed_by, "
                "changed_by_id, changed_at) VALUES (?, ?, ?, ?, ?, ?)",
                (report_id, status.value, outcome, by_name, by_id, now),
            )
            self.outbox.enqueue("card_refresh", report_id)
            payload = {"status": status, "outcome": outcome, "people": people}
            self.outbox.enqueue("notify", report_id, payload)
        return self.get(report_id)

    def history(self, report_id: int) -> list[sqlite3.Row]:
        return self.db.all(
            "SELECT * FROM report_status_history WHERE report_id = ? ORDER BY id", (report_id,)
        )

    def card_sent(self, report_id: int, chat_id: int, message_id: int) -> None:
        """Record a card copy (sent without a shown name); a shown name is added by a
        refresh queued in the same transaction, now that the copy is known."""
        with self.db.transaction():
            self.db.execute(
                "UPDATE reports SET desk_chat_id = ?, card_message_id = ? WHERE id = ?",
                (chat_id, message_id, report_id),
            )
            add_desk_message(self.db, chat_id, message_id, report_id, "card")
            shown = self.db.one("SELECT shown_identity FROM reports WHERE id = ?", (report_id,))
            if shown is not None and shown[0]:
                self.outbox.enqueue("card_refresh", report_id)

    def card_copies(self, report_id: int) -> list[tuple[int, int]]:
        """(chat, message) of every card copy of a case the bot knows of, oldest first."""
        rows = self.db.all(
            "SELECT chat_id, message_id FROM report_desk_messages WHERE report_id = ? "
            "AND kind = 'card' ORDER BY rowid",
            (report_id,),
        )
        return [(r["chat_id"], r["message_id"]) for r in rows]

    def evidence_copied(
        self, evidence_id: int, report_id: int, chat_id: int, message_id: int | None
    ) -> None:
        """Record the desk's copy (None: the reporter deleted the original) and forget
        where the original was."""
        with self.db.transaction():
            self.db.execute(
                "UPDATE report_evidence SET desk_message_id = ?, copy_failed = ?, "
                "source_message_id = NULL WHERE id = ?",
                (message_id, int(message_id is None), evidence_id),
            )
            if message_id is not None:
                add_desk_message(self.db, chat_id, message_id, report_id, "evidence")

    def open_cases(self, limit: int = 30) -> tuple[list[Report], int]:
        """Open cases, overdue and urgent first; and how many there are in all."""
        now = to_text(self.clock.now())
        rows = self.db.all(
            "SELECT * FROM reports WHERE status NOT IN ('closed', 'spam') ORDER BY "
            "(status = 'new' AND ack_due_at <= ?) DESC, urgent DESC, id LIMIT ?",
            (now, limit),
        )
        total = self.db.one("SELECT COUNT(*) FROM reports WHERE status NOT IN ('closed', 'spam')")
        return [_report(r) for r in rows], int(total[0])

    def overdue_count(self) -> int:
        row = self.db.one(
            "SELECT COUNT(*) FROM reports WHERE status = 'new' AND ack_due_at <= ?",
            (to_text(self.clock.now()),),
        )
        return int(row[0])

    def queue_due_reminders(self) -> int:
        """Queue a reminder for every new case past its deadline; returns how many."""
        now = self.clock.now()
        rows = self.db.all(
            "SELECT * FROM reports WHERE status = 'new' AND next_reminder_at IS NOT NULL "
            "AND next_reminder_at <= ?",
            (to_text(now),),
        )
        for row in rows:
            report = _report(row)
            sent = report.reminders_sent + 1
            following = self.rules.next_reminder(report.ack_due_at, report.urgent, sent)
            with self.db.transaction():
                self.db.execute(
                    "UPDATE reports SET reminders_sent = ?, next_reminder_at = ? WHERE id = ?",
                    (sent, to_text(following) if following else None, report.id),
                )
                self.outbox.enqueue("reminder", report.id, {"number": sent})
        return len(rows)


def add_desk_message(
    db: Database, chat_id: int, message_id: int, report_id: int, kind: str
) -> None:
    db.execute(
        "INSERT INTO report_desk_messages (chat_id, message_id, report_id, kind) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (chat_id, message_id) DO UPDATE SET"
        " report_id = excluded.report_id, kind = excluded.kind",
        (chat_id, message_id, report_id, kind),
    )


# -- reporters, relays -----------------------------------------------------------------------
@dataclass
class Reporters:
    """The link between a person and their cases, and the messages relayed between them."""

    db: Database
    outbox: ReportOutbox

    def link(self, report_id: int) -> ReporterLink | None:
        row = self.db.one("SELECT * FROM report_reporters WHERE report_id = ?", (report_id,))
        if row is None:
            return None
        return ReporterLink(
            row["report_id"], row["user_id"], row["language"], bool(row["forget_after_delivery"])
        )

    def latest_case(self, user_id: int, since: dt.datetime) -> Report | None:
        """The person's newest case created after `since`, if any."""
        cases = [c for c in self.cases_of(user_id) if c.created_at >= since]
        return cases[0] if cases else None

    def cases_of(self, user_id: int) -> list[Report]:
        rows = self.db.all(
            "SELECT r.* FROM reports AS r JOIN report_reporters AS l ON l.report_id = r.id "
            "WHERE l.user_id = ? AND l.forget_after_delivery = 0 ORDER BY r.id DESC",
            (user_id,),
        )
        return [_report(r) for r in rows]

    def count_since(self, user_id: int, since: dt.datetime) -> int:
        """Reports sent since `since` (at most a day back), counted from pseudonymous tags
        that /hapusdata does not delete: deleting one's data must not reset the limit."""
        return ReportQuota(self.db, self.outbox.clock).count_since(user_id, to_text(since))

    # -- relays ------------------------------------------------------------------------------
    def desk_message(self, chat_id: int, message_id: int) -> tuple[int, str] | None:
        row = self.db.one(
            "SELECT report_id, kind FROM report_desk_messages WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        return (row["report_id"], row["kind"]) if row else None

    def add_desk_message(self, chat_id: int, message_id: int, report_id: int, kind: str) -> None:
        add_desk_message(self.db, chat_id, message_id, report_id, kind)

    def add_reporter_message(self, report_id: int, message_id: int) -> None:
        self.db.execute(
            "INSERT INTO report_relays (report_id, reporter_message_id, created_at) "
            "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (report_id, message_id, to_text(self.outbox.clock.now())),
        )

    def case_of_reply(self, user_id: int, message_id: int) -> int | None:
        """The case a reporter's reply belongs to (they replied to one of our messages)."""
        row = self.db.one(
            "SELECT r.report_id FROM report_relays AS r JOIN report_reporters AS l "
            "ON l.report_id = r.report_id WHERE l.user_id = ? AND r.reporter_message_id = ? "
            "AND l.forget_after_delivery = 0",
            (user_id, message_id),
        )
        return row["report_id"] if row else None

    def relay(self, kind: str, report_id: int, payload: dict[str, Any]) -> int:
        return self.outbox.enqueue(kind, report_id, payload)

    # -- forgetting --------------------------------------------------------------------------
    def forget_user(self, user_id: int) -> int:
        """Unlink a person from all their cases (/hapusdata); returns how many.

        A case whose evidence is still to be copied from their chat keeps the link until
        it is delivered (marked, and no longer listed or notified); shown names are cleared
        from every card."""
        with self.db.transaction():
            rows = self.db.all(
                "SELECT l.report_id, r.shown_identity, "
                "EXISTS (SELECT 1 FROM report_outbox AS o WHERE o.report_id = l.report_id "
                "AND o.kind = 'card' AND o.state = 'pending') AS undelivered "
                "FROM report_reporters AS l JOIN reports AS r ON r.id = l.report_id "
                "WHERE l.user_id = ?",
                (user_id,),
            )
            for row in rows:
                self._forget_case(row)
            self.db.execute("DELETE FROM report_drafts WHERE user_id = ?", (user_id,))
        return len(rows)

    def _forget_case(self, row: sqlite3.Row) -> None:
        report_id = row["report_id"]
        if row["undelivered"]:
            self.db.execute(
                "UPDATE report_reporters SET forget_after_delivery = 1 WHERE report_id = ?",
                (report_id,),
            )
        else:
            self._unlink(report_id)
        if row["shown_identity"]:
            self._hide_name(report_id)
        self.db.execute(
            "DELETE FROM report_outbox WHERE report_id = ? AND kind = 'notify' "
            "AND state = 'pending'",
            (report_id,),
        )

    def _hide_name(self, report_id: int) -> None:
        """Take a shown name off the case and its card. The refresh is queued even when no
        card is recorded yet: one may be on its way, and the refresh waits for it."""
        self.db.execute("UPDATE reports SET shown_identity = NULL WHERE id = ?", (report_id,))
        self.outbox.enqueue("card_refresh", report_id)

    def _unlink(self, report_id: int) -> None:
        self.db.execute("DELETE FROM report_reporters WHERE report_id = ?", (report_id,))
        self.db.execute("DELETE FROM report_relays WHERE report_id = ?", (report_id,))
        self.db.execute(
            "UPDATE report_evidence SET source_message_id = NULL WHERE report_id = ?",
            (report_id,),
        )

    def delivered(self, report_id: int) -> None:
        """The card and its evidence reached the desk: honour a pending request to forget."""
        with self.db.transaction():
            row = self.db.one(
                "SELECT forget_after_delivery FROM report_reporters WHERE report_id = ?",
                (report_id,),
            )
            if row and row[0]:
                self._unlink(report_id)

    def forget_finished(self, closed_before: dt.datetime) -> int:
        """Retention: unlink reporters from cases closed before the cut-off."""
        with self.db.transaction():
            rows = self.db.all(
                "SELECT l.report_id, r.shown_identity FROM report_reporters AS l JOIN reports "
                "AS r ON r.id = l.report_id WHERE r.status IN ('closed', 'spam') "
                "AND r.closed_at < ?",
                (to_text(closed_before),),
            )
            for row in rows:
                self._unlink(row["report_id"])
                if row["shown_identity"]:
                    self._hide_name(row["report_id"])
        return len(rows)


# -- drafts ----------------------------------------------------------------------------------
@dataclass
class ReportDrafts:
    db: Database
    clock: Clock

    def get(self, user_id: int) -> tuple[Draft, dt.datetime] | None:
        row = self.db.one("SELECT * FROM report_drafts WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        return Draft.from_dict(json.loads(row["data"])), from_text(row["updated_at"])

    def save(self, user_id: int, draft: Draft) -> None:
        self.db.execute(
            "INSERT INTO report_drafts (user_id, data, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET data = excluded.data, "
            "updated_at = excluded.updated_at",
            (user_id, json.dumps(draft.to_dict(), ensure_ascii=False), to_text(self.clock.now())),
        )

    def delete(self, user_id: int) -> None:
        self.db.execute("DELETE FROM report_drafts WHERE user_id = ?", (user_id,))

    def purge(self, before: dt.datetime) -> int:
        cursor = self.db.execute(
            "DELETE FROM report_drafts WHERE updated_at < ?", (to_text(before),)
        )
        return cursor.rowcount


# -- the desk chat ---------------------------------------------------------------------------
@dataclass
class DeskChats:
    """Where a desk chat id leads now: a group upgraded to a supergroup changes its id."""

    db: Database
    clock: Clock

    MAX_HOPS = 5  # a group migrates once; a chain is only possible by a mistake

    def follow(self, chat_id: int) -> int:
        for _hop in range(self.MAX_HOPS):
            row = self.db.one(
                "SELECT new_chat_id FROM desk_chat_migrations WHERE old_chat_id = ?", (chat_id,)
            )
            if row is None or row[0] == chat_id:
                break
            chat_id = int(row[0])
        return chat_id

    def migrated(self, old_chat_id: int, new_chat_id: int) -> bool:
        """Record a migration; False if it was known already."""
        if old_chat_id == new_chat_id or self.follow(old_chat_id) == new_chat_id:
            return False
        self.db.execute(
            "INSERT INTO desk_chat_migrations (old_chat_id, new_chat_id, migrated_at) "
            "VALUES (?, ?, ?) ON CONFLICT (old_chat_id) DO UPDATE SET "
            "new_chat_id = excluded.new_chat_id, migrated_at = excluded.migrated_at",
            (old_chat_id, new_chat_id, to_text(self.clock.now())),
        )
        return True
