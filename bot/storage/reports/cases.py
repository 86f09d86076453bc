"""Cases: submitting a report, the desk's decisions, cards, evidence and reminders."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field

from bot.core.clock import Clock, to_text
from bot.core.desks.routing import DeskMap, desk_payload, single_desk
from bot.core.reports.case_status import DeadlineRules, Outcome, Status, can_change
from bot.core.reports.draft import Draft, ShownIdentity, new_code
from bot.core.reports.identifiers import Identifier, extract
from bot.storage.audit import OUTCOME, STATUS, DeskAudit
from bot.storage.database import Database, IntegrityError
from bot.storage.pseudonyms import ReportQuota
from bot.storage.reports.drafts import delete_draft
from bot.storage.reports.outbox import RECEIVED, ReportOutbox
from bot.storage.reports.views import (
    CardIdentifier,
    Report,
    StoredEvidence,
    _report,
    fully_synced,
    seal_shown,
)
from bot.storage.sealing import Sealer

CODE_ATTEMPTS = 20
REPORTER = "reporter"  # the purpose a reporter's id is tagged and sealed for


@dataclass
class Reports:
    db: Database
    outbox: ReportOutbox
    rules: DeadlineRules
    sealer: Sealer
    desks: DeskMap = field(default_factory=single_desk)

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
            self._link_reporter(report_id, user_id, language, to_text(now))
            ReportQuota(self.db, self.clock, self.sealer.current.windows).add(user_id, to_text(now))
            self._insert_evidence(report_id, draft)
            self._link_identifiers(report_id, extract(draft.all_text()), now)
            # The reporter's confirmation (with the case code) is owed as surely as the card,
            # and goes first; without a report_id, so it never waits behind the desk.
            self.outbox.enqueue(RECEIVED, None, {"report": report_id})
            self._queue_cards(report_id, draft.province)
            delete_draft(self.db, self.sealer, user_id)
        report = self.get(report_id)
        assert report is not None
        return report

    def _queue_cards(self, report_id: int, province: str | None) -> None:
        """The case belongs to its province's desk (else the central one). Each desk's card
        is a job of its own, in that desk's lane: neither waits for the other, and each
        copies the evidence from the reporter's chat (see `copies_missing`)."""
        owner = self.desks.owner_of(province)
        self.db.execute("UPDATE reports SET desk_key = ? WHERE id = ?", (owner.key, report_id))
        self.outbox.enqueue("card", report_id)
        if not owner.central:
            self.outbox.enqueue("card", report_id, {"desk": owner.key})

    def _link_reporter(self, report_id: int, user_id: int, language: str, now: str) -> None:
        """The only row that ties the case to a person: a tag to find it, the id sealed."""
        self.db.execute(
            "INSERT INTO report_links (report_id, reporter_tag, reporter_sealed, language, "
            "created_at) VALUES (?, ?, ?, ?, ?)",
            (
                report_id,
                self.sealer.tag(REPORTER, user_id),
                self.sealer.seal(str(user_id), REPORTER),
                language,
                now,
            ),
        )

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
            seal_shown(self.sealer, shown),
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
        return _report(row, self.sealer) if row else None

    def by_code(self, code: str) -> Report | None:
        row = self.db.one("SELECT * FROM reports WHERE code = ?", (code,))
        return _report(row, self.sealer) if row else None

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
            queue_refreshes(self.outbox, self.desks, report_id, report.desk_key)
            payload = {"status": status, "outcome": outcome, "people": people}
            self.outbox.enqueue("notify", report_id, payload)
            self._audit(report, status, outcome, people, by_name, by_id)
        return self.get(report_id)

    def _audit(
        self,
        report: Report,
        status: Status,
        outcome: Outcome | None,
        people: int | None,
        by_name: str,
        by_id: int | None,
    ) -> None:
        """The decision goes on the append-only audit trail in the same transaction."""
        detail = f"{report.status.value} -> {status.value}"
        if outcome:
            detail += f" ({outcome}{f', {people} people' if people else ''})"
        action = OUTCOME if outcome else STATUS
        audit = DeskAudit(self.db, self.clock)
        audit.record(action, by_id, by_name, report.id, report.code, detail)

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
                self.outbox.enqueue("card_refresh", report_id, desk_payload(self.desks.central))

    def regional_card_sent(self, report_id: int, desk: str, chat_id: int, message_id: int) -> None:
        """Record the owning regional desk's card copy (the central card stays the one in
        `reports`); a shown name follows by a refresh, as for the central card."""
        with self.db.transaction():
            add_desk_message(self.db, chat_id, message_id, report_id, "card")
            shown = self.db.one("SELECT shown_identity FROM reports WHERE id = ?", (report_id,))
            if shown is not None and shown[0]:
                self.outbox.enqueue("card_refresh", report_id, {"desk": desk})

    def card_in(self, report_id: int, chat_id: int) -> int | None:
        """The current (latest) card of a case in one desk chat, if it has one there."""
        rows = self.db.all(
            "SELECT message_id FROM report_desk_messages WHERE report_id = ? AND chat_id = ? "
            "AND kind = 'card' ORDER BY rowid",
            (report_id, chat_id),
        )
        return int(rows[-1]["message_id"]) if rows else None

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
        """Record the central desk's copy (None: the original and every other copy were
        gone). Where the original is stays known until every desk has its copy
        (`forget_originals`)."""
        with self.db.transaction():
            self.db.execute(
                "UPDATE report_evidence SET desk_message_id = ?, copy_failed = ? WHERE id = ?",
                (message_id, int(message_id is None), evidence_id),
            )
            if message_id is not None:
                add_desk_message(self.db, chat_id, message_id, report_id, "evidence")

    def regional_copied(
        self, evidence_id: int, report_id: int, desk: str, chat_id: int, message_id: int | None
    ) -> None:
        """Record a regional desk's copy of one file. None: nothing was left to copy (the
        original gone, and no central copy): then no desk can copy it any more, and the
        cards say so (`copy_failed`, as when the central desk finds it gone)."""
        with self.db.transaction():
            if message_id is None:
                self.db.execute(
                    "UPDATE report_evidence SET copy_failed = 1 WHERE id = ? "
                    "AND desk_message_id IS NULL",
                    (evidence_id,),
                )
            self.db.execute(
                "INSERT INTO report_evidence_copies (evidence_id, desk, chat_id, message_id) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (evidence_id, desk) DO UPDATE SET "
                "chat_id = excluded.chat_id, message_id = excluded.message_id",
                (evidence_id, desk, chat_id, message_id),
            )
            if message_id is not None:
                add_desk_message(self.db, chat_id, message_id, report_id, "evidence")

    def regional_copies(self, report_id: int) -> dict[int, dict[str, tuple[int, int | None]]]:
        """evidence id → {desk key: (chat, message or None)} of the case's regional copies."""
        rows = self.db.all(
            "SELECT c.evidence_id, c.desk, c.chat_id, c.message_id FROM report_evidence_copies "
            "AS c JOIN report_evidence AS e ON e.id = c.evidence_id WHERE e.report_id = ?",
            (report_id,),
        )
        found: dict[int, dict[str, tuple[int, int | None]]] = {}
        for r in rows:
            found.setdefault(r["evidence_id"], {})[r["desk"]] = (r["chat_id"], r["message_id"])
        return found

    def copies_missing(self, report_id: int) -> bool:
        """Whether a desk that needs a file of the case still has to copy it from the
        reporter's chat: the central desk always, the owning regional desk while it is in
        the routing file. A file whose original is gone (`copy_failed`) needs nothing."""
        report = self.get(report_id)
        if report is None:
            return False
        owner = self.desks.by_key(report.desk_key)
        regional = owner.key if owner is not None and not owner.central else None
        copies = self.regional_copies(report_id)
        for item in self.evidence(report_id):
            if item.kind == "note" or item.source_message_id is None or item.copy_failed:
                continue
            if item.desk_message_id is None:
                return True
            if regional is not None and regional not in copies.get(item.id, {}):
                return True
        return False

    def forget_originals(self, report_id: int) -> None:
        """Every desk has its copies: forget where the reporter's originals are."""
        self.db.execute(
            "UPDATE report_evidence SET source_message_id = NULL WHERE report_id = ?",
            (report_id,),
        )

    def open_cases(self, limit: int = 30, desk: str | None = None) -> tuple[list[Report], int]:
        """Open cases (of one regional desk, or all), overdue and urgent first; and how many
        there are in all."""
        now = to_text(self.clock.now())
        only, params = _desk_filter(desk)
        rows = self.db.all(
            f"SELECT * FROM reports WHERE status NOT IN ('closed', 'spam'){only} ORDER BY "
            "(status = 'new' AND ack_due_at <= ?) DESC, urgent DESC, id LIMIT ?",
            (*params, now, limit),
        )
        total = self.db.one(
            f"SELECT COUNT(*) FROM reports WHERE status NOT IN ('closed', 'spam'){only}", params
        )
        return [_report(r, self.sealer) for r in rows], int(total[0])

    def overdue_count(self, desk: str | None = None) -> int:
        only, params = _desk_filter(desk)
        row = self.db.one(
            f"SELECT COUNT(*) FROM reports WHERE status = 'new' AND ack_due_at <= ?{only}",
            (to_text(self.clock.now()), *params),
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
            report = _report(row, self.sealer)
            sent = report.reminders_sent + 1
            following = self.rules.next_reminder(report.ack_due_at, report.urgent, sent)
            with self.db.transaction():
                self.db.execute(
                    "UPDATE reports SET reminders_sent = ?, next_reminder_at = ? WHERE id = ?",
                    (sent, to_text(following) if following else None, report.id),
                )
                for desk in self.desks.reminded(report.desk_key, sent):  # one job per desk
                    payload = {"number": sent, **desk_payload(desk)}
                    self.outbox.enqueue("reminder", report.id, payload)
        return len(rows)


def _desk_filter(desk: str | None) -> tuple[str, tuple[str, ...]]:
    """SQL keeping one regional desk's cases (`desk` is its key); None keeps every case."""
    return ("", ()) if desk is None else (" AND desk_key = ?", (desk,))


def queue_refreshes(
    outbox: ReportOutbox, desks: DeskMap, report_id: int, owner: str | None
) -> None:
    """A card refresh for each desk of the case, each in its desk's lane: one desk that
    cannot be reached must not keep the other's card out of date."""
    for desk in desks.desks_of(owner):
        outbox.enqueue("card_refresh", report_id, desk_payload(desk))


def add_desk_message(
    db: Database, chat_id: int, message_id: int, report_id: int, kind: str
) -> None:
    db.execute(
        "INSERT INTO report_desk_messages (chat_id, message_id, report_id, kind) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (chat_id, message_id) DO UPDATE SET"
        " report_id = excluded.report_id, kind = excluded.kind",
        (chat_id, message_id, report_id, kind),
    )
