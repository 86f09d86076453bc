"""Pseudonymous memories: "seen before" without storing who.

Some limits must hold even after a person deletes their data (/hapusdata): otherwise one
person could check a number, delete, and check again until the desk gets an early warning,
or reset the daily report limit. They are kept as tags, HMAC-SHA256 of the user id under a
random key that belongs to one time window. Rows and key are deleted when the window is
over; with the key gone, no tag can be tied to a person, not even by trying every id.
With the reporter key at hand (bot/storage/sealing.py) each window key is mixed with a
sub-key of it (the "pepper"), so the database alone does not let anyone test a guessed user
id against the tags even while a window lasts; a key rotation starts the tags afresh (the
daily limit and "already counted" forget the current window once).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from bot.core.clock import Clock
from bot.storage.database import Database

KEY_BYTES = 32


def keyed_tag(key: bytes, *parts: object) -> bytes:
    """HMAC-SHA256 of the parts under `key`: the one way this bot turns a person into a
    tag, used with the window keys here and with the reporter key (bot/storage/sealing.py)."""
    message = "\x1f".join(str(p) for p in parts).encode()
    return hmac.new(key, message, hashlib.sha256).digest()


@dataclass
class WindowKeys:
    """One random key per purpose and window (`Unix time // seconds`)."""

    db: Database
    clock: Clock
    purpose: str
    seconds: int
    pepper: bytes = b""  # from the reporter key: without it, no guessed id can be tested

    def window(self, offset: int = 0) -> int:
        return int(self.clock.timestamp()) // self.seconds + offset

    def tag(self, window: int, *parts: object) -> bytes:
        key = self._key(window)
        if self.pepper:
            key = keyed_tag(self.pepper, self.purpose, key.hex())
        return keyed_tag(key, *parts)

    def _key(self, window: int) -> bytes:
        row = self.db.one(
            "SELECT key FROM pseudonym_keys WHERE purpose = ? AND window = ?",
            (self.purpose, window),
        )
        if row is not None:
            return bytes(row[0])
        key = secrets.token_bytes(KEY_BYTES)
        self.db.execute(
            "INSERT INTO pseudonym_keys (purpose, window, key) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (self.purpose, window, key),
        )
        row = self.db.one(
            "SELECT key FROM pseudonym_keys WHERE purpose = ? AND window = ?",
            (self.purpose, window),
        )
        return bytes(row[0])

    def drop_before(self, window: int, table: str) -> None:
        """Forget the windows before `window`: their rows in `table`, then their keys."""
        self.db.execute(f"DELETE FROM {table} WHERE window < ?", (window,))
        self.db.execute(
            "DELETE FROM pseudonym_keys WHERE purpose = ? AND window < ?", (self.purpose, window)
        )


@dataclass
class SeenChecks:
    """Cek Dulu: whether a person was already counted for an identifier recently (this
    window or the one before), so one person checking again and again counts once."""

    db: Database
    clock: Clock
    seconds: int
    pepper: bytes = b""

    @property
    def keys(self) -> WindowKeys:
        seconds = max(self.seconds, 60)
        return WindowKeys(self.db, self.clock, "check_seen", seconds, self.pepper)

    def first_time(self, user_id: int, kind: str, value: str) -> bool:
        keys = self.keys
        now = keys.window()
        with self.db.transaction():
            keys.drop_before(now - 1, "check_seen")
            for window in (now - 1, now):
                tag = keys.tag(window, user_id, kind, value)
                if self.db.one(
                    "SELECT 1 FROM check_seen WHERE window = ? AND tag = ?", (window, tag)
                ):
                    return False
            self.db.execute(
                "INSERT INTO check_seen (window, tag) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (now, keys.tag(now, user_id, kind, value)),
            )
        return True


DAY = 86400


@dataclass
class ReportQuota:
    """The daily report limit: reports per person in the last 24 hours, kept as tags."""

    db: Database
    clock: Clock
    pepper: bytes = b""

    @property
    def keys(self) -> WindowKeys:
        return WindowKeys(self.db, self.clock, "report_quota", DAY, self.pepper)

    def add(self, user_id: int, created_at: str) -> None:
        keys = self.keys
        now = keys.window()
        keys.drop_before(now - 1, "report_quota")
        self.db.execute(
            "INSERT INTO report_quota (window, tag, created_at) VALUES (?, ?, ?)",
            (now, keys.tag(now, user_id), created_at),
        )

    def count_since(self, user_id: int, since: str) -> int:
        keys = self.keys
        now = keys.window()
        total = 0
        for window in (now - 1, now):
            row = self.db.one(
                "SELECT COUNT(*) FROM report_quota WHERE window = ? AND tag = ? AND created_at > ?",
                (window, keys.tag(window, user_id), since),
            )
            total += int(row[0])
        return total
