"""The sealed link between a person and their cases, and the messages relayed between them.

The link row holds a keyed tag of the reporter's id (to find "my cases") and the id itself
sealed (to write to them); neither says who reported without the reporter key."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from bot.core.clock import to_text
from bot.core.desks.routing import DeskMap, single_desk
from bot.storage.database import Database
from bot.storage.pseudonyms import ReportQuota
from bot.storage.reports.cases import REPORTER, add_desk_message, queue_refreshes
from bot.storage.reports.drafts import delete_draft
from bot.storage.reports.outbox import ReportOutbox
from bot.storage.reports.views import Report, ReporterLink, _report
from bot.storage.sealing import Sealer, marks


@dataclass
class Reporters:
    """The link between a person and their cases, and the messages relayed between them."""

    db: Database
    outbox: ReportOutbox
    sealer: Sealer
    desks: DeskMap = field(default_factory=single_desk)

    def link(self, report_id: int) -> ReporterLink | None:
        row = self.db.one("SELECT * FROM report_links WHERE report_id = ?", (report_id,))
        if row is None:
            return None
        return ReporterLink(
            row["report_id"],
            int(self.sealer.open(row["reporter_sealed"], REPORTER)),
            row["language"],
            bool(row["forget_after_delivery"]),
        )

    def latest_case(self, user_id: int, since: dt.datetime) -> Report | None:
        """The person's newest case created after `since`, if any."""
        cases = [c for c in self.cases_of(user_id) if c.created_at >= since]
        return cases[0] if cases else None

    def cases_of(self, user_id: int) -> list[Report]:
        tags = self.sealer.tags(REPORTER, user_id)
        rows = self.db.all(
            "SELECT r.* FROM reports AS r JOIN report_links AS l ON l.report_id = r.id "
            f"WHERE l.reporter_tag IN ({marks(tags)}) AND l.forget_after_delivery = 0 "
            "ORDER BY r.id DESC",
            tags,
        )
        return [_report(r, self.sealer) for r in rows]

    def count_since(self, user_id: int, since: dt.datetime) -> int:
        """Reports sent since `since` (at most a day back), counted from pseudonymous tags
        that /hapusdata does not delete: deleting one's data must not reset the limit."""
        quota = ReportQuota(self.db, self.outbox.clock, self.sealer.current.windows)
        return quota.count_since(user_id, to_text(since))

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
        tags = self.sealer.tags(REPORTER, user_id)
        row = self.db.one(
            "SELECT r.report_id FROM report_relays AS r JOIN report_links AS l "
            f"ON l.report_id = r.report_id WHERE l.reporter_tag IN ({marks(tags)}) "
            "AND r.reporter_message_id = ? AND l.forget_after_delivery = 0",
            (*tags, message_id),
        )
        return row["report_id"] if row else None

    def relay(self, kind: str, report_id: int, payload: dict[str, Any]) -> int:
        return self.outbox.enqueue(kind, report_id, payload)

    # -- forgetting --------------------------------------------------------------------------
    def forget_user(self, user_id: int) -> int:
        """Unlink a person from all their cases (/hapusdata); returns how many.

        A case whose evidence is still to be copied from their chat (a card on its way, and
        the originals not yet forgotten, see `Reports.forget_originals`) keeps the link
        until every desk has its copies (marked, and no longer listed or notified); shown
        names are cleared from every card."""
        tags = self.sealer.tags(REPORTER, user_id)
        with self.db.transaction():
            rows = self.db.all(
                "SELECT l.report_id, r.shown_identity, r.desk_key, "
                "EXISTS (SELECT 1 FROM report_outbox AS o WHERE o.report_id = l.report_id "
                "AND o.kind = 'card' AND o.state = 'pending') AND EXISTS (SELECT 1 FROM "
                "report_evidence AS e WHERE e.report_id = l.report_id AND e.kind != 'note' "
                "AND e.source_message_id IS NOT NULL) AS undelivered "
                "FROM report_links AS l JOIN reports AS r ON r.id = l.report_id "
                f"WHERE l.reporter_tag IN ({marks(tags)})",
                tags,
            )
            for row in rows:
                self._forget_case(row)
            delete_draft(self.db, self.sealer, user_id)
        return len(rows)

    def _forget_case(self, row: sqlite3.Row) -> None:
        report_id = row["report_id"]
        if row["undelivered"]:
            self.db.execute(
                "UPDATE report_links SET forget_after_delivery = 1 WHERE report_id = ?",
                (report_id,),
            )
        else:
            self._unlink(report_id)
        if row["shown_identity"]:
            self._hide_name(report_id, row["desk_key"])
        self.db.execute(
            "DELETE FROM report_outbox WHERE report_id = ? AND kind = 'notify' "
            "AND state = 'pending'",
            (report_id,),
        )

    def _hide_name(self, report_id: int, owner: str | None) -> None:
        """Take a shown name off the case and its cards (`owner`: the case's desk key). The
        refreshes are queued even when no card is recorded yet: one may be on its way, and
        each refresh waits for its desk's card."""
        self.db.execute("UPDATE reports SET shown_identity = NULL WHERE id = ?", (report_id,))
        queue_refreshes(self.outbox, self.desks, report_id, owner)

    def _unlink(self, report_id: int) -> None:
        self.db.execute("DELETE FROM report_links WHERE report_id = ?", (report_id,))
        self.db.execute("DELETE FROM report_relays WHERE report_id = ?", (report_id,))
        self.db.execute(
            "UPDATE report_evidence SET source_message_id = NULL WHERE report_id = ?",
            (report_id,),
        )

    def delivered(self, report_id: int) -> None:
        """Every desk has the evidence: honour a pending request to forget."""
        with self.db.transaction():
            row = self.db.one(
                "SELECT forget_after_delivery FROM report_links WHERE report_id = ?",
                (report_id,),
            )
            if row and row[0]:
                self._unlink(report_id)

    def forget_finished(self, closed_before: dt.datetime) -> int:
        """Retention: unlink reporters from cases closed before the cut-off."""
        with self.db.transaction():
            rows = self.db.all(
                "SELECT l.report_id, r.shown_identity, r.desk_key FROM report_links AS l "
                "JOIN reports AS r ON r.id = l.report_id WHERE r.status IN ('closed', 'spam') "
                "AND r.closed_at < ?",
                (to_text(closed_before),),
            )
            for row in rows:
                self._unlink(row["report_id"])
                if row["shown_identity"]:
                    self._hide_name(row["report_id"], row["desk_key"])
        return len(rows)
