"""SQLite (WAL) behind one small class, with numbered SQL migrations.

Writes are tiny and the bot is one process, so a single connection used from the event
loop is enough and keeps every write ordered; WAL lets benchmarks and tools read while the
bot writes. Migrations are plain SQL files, `migrations/NNNN_name.sql`, applied in order
at start-up and recorded in `schema_migrations`, so a feature adds a file, never edits one.
Queries are ANSI enough to move to PostgreSQL later behind the same repositories.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class Database:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(
            str(path), isolation_level=None, check_same_thread=False, timeout=30
        )
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA busy_timeout=30000")
        # Deleted rows are overwritten with zeros, not merely marked free: /hapusdata and
        # retention promise that a name or a phone number is gone from the disk too.
        self.conn.execute("PRAGMA secure_delete=ON")
        self._depth = 0

    @classmethod
    def open(cls, path: Path | str) -> Database:
        """Open and migrate: the one way the application gets a database."""
        database = cls(path)
        database.migrate()
        return database

    def close(self) -> None:
        self.conn.close()

    def scrub(self) -> None:
        """After deleting personal data: copy the write-ahead log into the database and
        truncate it, so the old page images that still held the data leave the -wal file
        too (secure_delete only clears the database pages themselves)."""
        if self._depth or str(self.path) == ":memory:":
            return
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def migrate(self) -> list[str]:
        """Apply every migration not applied yet; returns their names."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )
        done = {row[0] for row in self.conn.execute("SELECT name FROM schema_migrations")}
        applied = []
        for name, sql in _migrations():
            if name in done:
                continue
            with self.transaction():
                for statement in _statements(sql):
                    self.conn.execute(statement)
                self.conn.execute("INSERT INTO schema_migrations (name) VALUES (?)", (name,))
            applied.append(name)
            log.info("applied migration %s", name)
        return applied

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, nested calls joining the outer transaction."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._depth = 0

    def execute(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def one(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def all(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()


def _migrations() -> list[tuple[str, str]]:
    folder = resources.files("bot.storage") / "migrations"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return [(f.name.removesuffix(".sql"), f.read_text(encoding="utf-8")) for f in files]


def _statements(sql: str) -> list[str]:
    """Split a migration into statements; comment lines may contain anything."""
    statements, buffer = [], ""
    for line in sql.splitlines():
        if line.lstrip().startswith("--"):
            continue
        buffer += line + "\n"
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
