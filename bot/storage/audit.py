"""What desk members did with a case: an append-only record (who, when, which case, what).

Whistleblowing systems keep such a trail so that a leak or a misuse can be traced to a
person. This repository offers `record` and reading only: no update and no delete exist
in the code (tests/test_sealed_audit.py holds it to that), so a desk member cannot tidy
away their own actions through the bot. Desk members are staff, so their Telegram id is
kept; a reporter never appears here.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.clock import Clock, from_text, to_text
from bot.storage.database import Database

STATUS = "status"
OUTCOME = "outcome"
REPLY = "reply"
EXPORT = "export"


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor_id: int | None
    actor_name: str | None
    case_code: str | None
    action: str
    detail: str | None


@dataclass
class DeskAudit:
    db: Database
    clock: Clock

    def record(
        self,
        action: str,
        actor_id: int | None,
        actor_name: str | None = None,
        report_id: int | None = None,
        case_code: str | None = None,
        detail: str | None = None,
    ) -> int:
        """Append one entry; the sequence number is the next one (portable: no
        AUTOINCREMENT), taken inside the caller's transaction or a new one."""
        with self.db.transaction():
            if case_code is None and report_id is not None:
                row = self.db.one("SELECT code FROM reports WHERE id = ?", (report_id,))
                case_code = row[0] if row else None
            seq = int(self.db.one("SELECT COALESCE(MAX(seq), 0) + 1 FROM desk_audit")[0])
            self.db.execute(
                "INSERT INTO desk_audit (seq, at, actor_id, actor_name, report_id, case_code, "
                "action, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    seq,
                    to_text(self.clock.now()),
                    actor_id,
                    actor_name,
                    report_id,
                    case_code,
                    action,
                    detail,
                ),
            )
        return seq

    def for_case(self, case_code: str) -> list[AuditEntry]:
        rows = self.db.all(
            "SELECT * FROM desk_audit WHERE case_code = ? ORDER BY seq", (case_code.upper(),)
        )
        return [_entry(r) for r in rows]

    def recent(self, limit: int = 50) -> list[AuditEntry]:
        rows = self.db.all("SELECT * FROM desk_audit ORDER BY seq DESC LIMIT ?", (limit,))
        return [_entry(r) for r in reversed(rows)]


def _entry(row) -> AuditEntry:
    return AuditEntry(
        row["seq"],
        to_text(from_text(row["at"])),
        row["actor_id"],
        row["actor_name"],
        row["case_code"],
        row["action"],
        row["detail"],
    )
