"""What the desk statistics, the weekly digest and the case export read from the database.

Queries return plain rows for bot/core/desks/; nothing here selects a reporter's user id, and
a reporter's name leaves only through `shown_identity`, which is set only when the reporter
chose to be shown (and cleared when they ask to be forgotten), and is sealed: opened here
only with the reporter key.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

from bot.core.clock import Clock, from_text, to_text
from bot.core.desks.export import ExportRow
from bot.core.desks.stats import CaseRow
from bot.storage.database import Database
from bot.storage.reports.views import SHOWN
from bot.storage.sealing import Sealer

FIRST_ACK = """
    SELECT report_id, MIN(changed_at) AS first_ack FROM report_status_history
    WHERE status != 'new' GROUP BY report_id
"""


class DeskData:
    def __init__(self, db: Database, clock: Clock, sealer: Sealer | None = None) -> None:
        self.sealer = sealer
        self.db = db
        self.clock = clock

    def case_rows(self, since: dt.date, desk: str | None = None) -> list[CaseRow]:
        """Cases created since `since`: all of them, or those one regional desk owns (`desk`
        is its key; the central desk sees every case, so it passes None)."""
        sql = (
            "SELECT r.created_at, r.category, r.province, r.urgent, r.status, r.outcome,"
            " r.closed_at, r.ack_due_at, r.outcome_people, a.first_ack"
            f" FROM reports r LEFT JOIN ({FIRST_ACK}) a ON a.report_id = r.id"
            " WHERE r.created_at >= ?"
        )
        params: list[object] = [_day_start(since)]
        if desk is not None:
            sql += " AND r.desk_key = ?"
            params.append(desk)
        return [_case_row(row) for row in self.db.execute(sql, params)]

    def export_rows(self, since: dt.date, desk: str | None = None) -> Iterator[ExportRow]:
        sql = (
            "SELECT r.*, (SELECT GROUP_CONCAT(l.display, ' | ') FROM"
            "   (SELECT display FROM report_identifier_links WHERE report_id = r.id"
            "    ORDER BY position) l) AS identifiers"
            " FROM reports r WHERE r.created_at >= ?"
        )
        params: list[object] = [_day_start(since)]
        if desk is not None:
            sql += " AND r.desk_key = ?"
            params.append(desk)
        for row in self.db.execute(sql + " ORDER BY r.id", params):
            yield _export_row(row, self.sealer)

    def claim_digest(self, week: dt.date, enqueue) -> bool:
        """Record this week's digest and queue it (through `enqueue`, in the same transaction);
        False when it was queued already."""
        with self.db.transaction() as conn:
            claimed = conn.execute(
                "INSERT INTO desk_digests (week, queued_at) VALUES (?, ?)"
                " ON CONFLICT (week) DO NOTHING",
                (week.isoformat(), to_text(self.clock.now())),
            ).rowcount
            if claimed:
                enqueue()
        return bool(claimed)

    def record_verdict(self, verdict: str) -> None:
        day = self.clock.now().date().isoformat()
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO check_verdicts (day, verdict, checks) VALUES (?, ?, 1)"
                " ON CONFLICT (day, verdict) DO UPDATE SET checks = check_verdicts.checks + 1",
                (day, verdict),
            )

    def verdicts(self, since: dt.date) -> list[tuple[str, int]]:
        rows = self.db.execute(
            "SELECT verdict, SUM(checks) FROM check_verdicts WHERE day >= ?"
            " GROUP BY verdict ORDER BY SUM(checks) DESC",
            (since.isoformat(),),
        )
        return [(str(v), int(n)) for v, n in rows]

    def top_checked(self, limit: int = 5) -> list[tuple[str, str, int]]:
        """The identifiers (phones, accounts, agencies) checked most often in the early-warning
        window (check counts are kept only that long): counts only, never who checked."""
        bucket_rows = self.db.execute(
            "SELECT kind, value, SUM(checks) AS n FROM check_counts"
            " GROUP BY kind, value ORDER BY n DESC, kind, value LIMIT ?",
            (limit,),
        )
        return [(str(k), str(v), int(n)) for k, v, n in bucket_rows]


def _day_start(day: dt.date) -> str:
    return to_text(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC))


def _when(value: str | None) -> dt.datetime | None:
    return from_text(value) if value else None


def _case_row(row) -> CaseRow:
    return CaseRow(
        created_at=from_text(row["created_at"]),
        category=row["category"],
        province=row["province"],
        urgent=bool(row["urgent"]),
        status=row["status"],
        outcome=row["outcome"],
        closed_at=_when(row["closed_at"]),
        first_ack_at=_when(row["first_ack"]),
        ack_due_at=from_text(row["ack_due_at"]),
        people=row["outcome_people"],
    )


def _export_row(row, sealer: Sealer | None) -> ExportRow:
    """A shown name is sealed: it is opened only when the key is at hand (without the key
    the export says nothing of who reported)."""
    value = row["shown_identity"]
    shown = json.loads(sealer.open(value, SHOWN)) if value and sealer else None
    return ExportRow(
        code=row["code"],
        created_at=from_text(row["created_at"]),
        category=row["category"],
        urgent=bool(row["urgent"]),
        province=row["province"],
        place=row["place"],
        occurred=row["occurred"],
        details=row["details"],
        status=row["status"],
        outcome=row["outcome"],
        outcome_people=row["outcome_people"],
        closed_at=_when(row["closed_at"]),
        desk_chat_id=row["desk_chat_id"],
        desk=row["desk_key"],
        shown_name=_shown_name(shown),
        identifiers=tuple((row["identifiers"] or "").split(" | ")) if row["identifiers"] else (),
    )


def _shown_name(shown: dict | None) -> str | None:
    if not shown:
        return None
    parts = [shown.get("name"), f"@{shown['username']}" if shown.get("username") else None]
    parts.append(shown.get("phone"))
    return " ".join(p for p in parts if p) or None
