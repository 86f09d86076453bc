"""Repositories for Cek Dulu: the agency register, check counts, and tip-off counts.

The register is replaced as a whole by each import and cached in memory by import id, so a
check costs one tiny query to notice a newer import (made by `python -m bot agencies import`
in another process). Check counts are per identifier and time bucket, never per person.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.core.cekdulu.agencies import Agency, Batch, Register
from bot.core.clock import Clock, to_text
from bot.core.reports.identifiers import Identifier
from bot.storage.database import Database
from bot.storage.pseudonyms import SeenChecks
from bot.storage.sealing import Sealer

BUCKETS_PER_WINDOW = 6
MIN_BUCKET_SECONDS = 60
KEEP_COUNTS = dt.timedelta(days=30)
PURGE_EVERY_SECONDS = 3600.0
KEEP_IMPORTS = 5


@dataclass
class AgencyRegister:
    db: Database
    clock: Clock
    _cached: Register | None = field(default=None, repr=False)

    def import_batch(
        self, agencies: Sequence[Agency], source: str, as_of: dt.date, file_name: str | None
    ) -> Batch:
        """Store a new list as the register in use; keep the last few older ones."""
        with self.db.transaction():
            cursor = self.db.execute(
                "INSERT INTO agency_imports (source, as_of, file_name, agencies, imported_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (source, as_of.isoformat(), file_name, len(agencies), to_text(self.clock.now())),
            )
            batch_id = int(cursor.fetchone()[0])
            self.db.executemany(
                "INSERT INTO agencies (import_id, name, licence_number, valid_until, address) "
                "VALUES (?, ?, ?, ?, ?)",
                [(batch_id, *_row(agency)) for agency in agencies],
            )
            self.db.execute(
                "DELETE FROM agency_imports WHERE id NOT IN "
                "(SELECT id FROM agency_imports ORDER BY id DESC LIMIT ?)",
                (KEEP_IMPORTS,),
            )
        return Batch(batch_id, source, as_of)

    def current(self) -> Register:
        """The newest register (empty, with no batch, before the first import)."""
        row = self.db.one("SELECT * FROM agency_imports ORDER BY id DESC LIMIT 1")
        if row is None:
            return Register([], None)
        if self._cached is not None and self._cached.batch and self._cached.batch.id == row["id"]:
            return self._cached
        batch = Batch(row["id"], row["source"], dt.date.fromisoformat(row["as_of"]))
        rows = self.db.all("SELECT * FROM agencies WHERE import_id = ? ORDER BY id", (row["id"],))
        self._cached = Register([_agency(r) for r in rows], batch)
        return self._cached


def _row(agency: Agency) -> tuple[str, str | None, str | None, str | None]:
    until = agency.valid_until.isoformat() if agency.valid_until else None
    return agency.name, agency.licence_number, until, agency.address


def _agency(row) -> Agency:
    until = row["valid_until"]
    return Agency(
        name=row["name"],
        licence_number=row["licence_number"],
        valid_until=dt.date.fromisoformat(until) if until else None,
        address=row["address"],
    )


@dataclass
class ReportedIdentifiers:
    """Read-only view of the identifiers stored by tip-offs (bot/storage/reports.py)."""

    db: Database

    def counts(self, identifiers: Iterable[Identifier]) -> dict[tuple[str, str], int]:
        """How many tip-offs mention each identifier; reports the desk marked spam do not
        count, so a false report cannot brand a number."""
        keys = list(dict.fromkeys((i.kind.value, i.value) for i in identifiers))
        if not keys:
            return {}
        values = ", ".join("(?, ?)" for _ in keys)
        rows = self.db.all(
            "SELECT i.kind, i.value, COUNT(DISTINCT l.report_id) AS n FROM report_identifiers "
            "AS i JOIN report_identifier_links AS l ON l.identifier_id = i.id JOIN reports AS r "
            f"ON r.id = l.report_id WHERE r.status != 'spam' AND (i.kind, i.value) IN "
            f"(VALUES {values}) GROUP BY i.kind, i.value",
            tuple(part for key in keys for part in key),
        )
        return {(r["kind"], r["value"]): int(r["n"]) for r in rows}


@dataclass(frozen=True)
class Surge:
    """An identifier checked `checks` times within the window: worth an early warning."""

    kind: str
    value: str
    display: str
    checks: int


@dataclass
class CheckCounts:
    db: Database
    clock: Clock
    window: dt.timedelta
    sealer: Sealer | None = None
    _last_purge: float = field(default=float("-inf"), repr=False)

    @property
    def bucket_seconds(self) -> int:
        return max(MIN_BUCKET_SECONDS, int(self.window.total_seconds()) // BUCKETS_PER_WINDOW)

    def record(self, identifiers: Sequence[Identifier]) -> list[Surge]:
        """Count one check of each identifier; returns each with its count in the window."""
        now = self.clock.timestamp()
        bucket = int(now) // self.bucket_seconds
        first = int(now - self.window.total_seconds()) // self.bucket_seconds + 1
        surges = []
        with self.db.transaction():
            for item in {(i.kind.value, i.value): i for i in identifiers}.values():
                self.db.execute(
                    "INSERT INTO check_counts (kind, value, bucket, checks) VALUES (?, ?, ?, 1) "
                    "ON CONFLICT (kind, value, bucket) DO UPDATE SET "
                    "checks = check_counts.checks + 1",
                    (item.kind.value, item.value, bucket),
                )
                total = self.db.one(
                    "SELECT SUM(checks) FROM check_counts WHERE kind = ? AND value = ? "
                    "AND bucket >= ?",
                    (item.kind.value, item.value, first),
                )
                surges.append(Surge(item.kind.value, item.value, item.display, int(total[0])))
        self._purge(now)
        return surges

    def first_time(self, user_id: int, identifiers: Sequence[Identifier]) -> list[Identifier]:
        """The identifiers this person was not counted for in the window: remembered as
        pseudonymous tags (bot/storage/pseudonyms.py) that survive /hapusdata, so nobody can
        check, delete their data and check again to forge an early warning."""
        pepper = self.sealer.current.windows if self.sealer else b""
        seen = SeenChecks(self.db, self.clock, int(self.window.total_seconds()), pepper)
        unique = {(i.kind.value, i.value): i for i in identifiers}
        return [i for key, i in unique.items() if seen.first_time(user_id, *key)]

    def claim_alert(self, surge: Surge) -> bool:
        """True once per window per identifier: the caller then sends the early warning."""
        now = self.clock.now()
        since = to_text(now - self.window)
        with self.db.transaction():
            row = self.db.one(
                "SELECT alerted_at FROM check_alerts WHERE kind = ? AND value = ?",
                (surge.kind, surge.value),
            )
            if row is not None and row["alerted_at"] > since:
                return False
            self.db.execute(
                "INSERT INTO check_alerts (kind, value, alerted_at, checks) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (kind, value) DO UPDATE SET alerted_at = excluded.alerted_at, "
                "checks = excluded.checks",
                (surge.kind, surge.value, to_text(now), surge.checks),
            )
        return True

    def _purge(self, now: float) -> None:
        if time.monotonic() - self._last_purge < PURGE_EVERY_SECONDS:
            return
        self._last_purge = time.monotonic()
        oldest = int(now - KEEP_COUNTS.total_seconds()) // self.bucket_seconds
        self.db.execute("DELETE FROM check_counts WHERE bucket < ?", (oldest,))
        cutoff = to_text(self.clock.now() - KEEP_COUNTS)
        self.db.execute("DELETE FROM check_alerts WHERE alerted_at < ?", (cutoff,))
