"""The report outbox: every duty to deliver, written with the change that causes it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from bot.core.clock import Clock, to_text
from bot.storage.database import Database
from bot.storage.reports.views import OutboxJob

RECEIVED = "received"  # the outbox job that tells a reporter their case code
REPORTER_ONLY = (RECEIVED, "notify")  # jobs that send nothing to a desk chat


def lane_of(kind: str, payload: dict[str, Any] | None) -> str:
    """Which chat a job writes to, as far as order and flood limits go: the reporters'
    private chats, a regional desk's group (named in the job) or the central desk's. Jobs
    of one case wait for each other only within a lane, so one desk that cannot be reached
    holds back neither the other desk nor the reporter."""
    if kind in REPORTER_ONLY:
        return "reporter"
    desk = (payload or {}).get("desk")
    return f"desk:{desk}" if desk else "desk"


# A pending job that waits for no earlier pending job of its case in its lane (`due`).
READY = (
    "o.state = 'pending' AND NOT EXISTS (SELECT 1 FROM report_outbox AS p "
    "WHERE p.state = 'pending' AND p.report_id = o.report_id AND p.id < o.id "
    "AND (p.lane = o.lane OR p.lane IS NULL OR o.lane IS NULL))"
)


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
            "INSERT INTO report_outbox (kind, report_id, payload, due_at, created_at, lane) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (
                kind,
                report_id,
                json.dumps(payload or {}, ensure_ascii=False),
                self.clock.timestamp() + delay,
                to_text(self.clock.now()),
                lane_of(kind, payload),
            ),
        )
        return int(cursor.fetchone()[0])

    def due(self, limit: int = 50) -> list[OutboxJob]:
        """Pending jobs whose time has come: reporters' confirmations first (a person is
        waiting for their case code), then urgent reports, then oldest first. A job
        waits for every earlier pending job of the same report in its lane (a relay must
        not overtake its card), never for another desk's (see `lane_of`); a row without a
        lane (queued before lanes were stored) waits for, and holds back, all of them."""
        rows = self.db.all(
            f"SELECT * FROM report_outbox AS o WHERE {READY} AND o.due_at <= ? "
            "ORDER BY o.kind = ? DESC, "
            "COALESCE((SELECT r.urgent FROM reports AS r WHERE r.id = o.report_id), 0) DESC, "
            "o.id LIMIT ?",
            (self.clock.timestamp(), RECEIVED, limit),
        )
        return [
            OutboxJob(r["id"], r["kind"], r["report_id"], json.loads(r["payload"]), r["attempts"])
            for r in rows
        ]

    def next_due_at(self) -> float | None:
        """When the next job that waits for no other is due (a job behind another in its
        lane becomes ready when that one is done, and the lane wakes the worker then)."""
        row = self.db.one(f"SELECT MIN(o.due_at) FROM report_outbox AS o WHERE {READY}")
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
