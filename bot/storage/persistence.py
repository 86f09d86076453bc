"""Rows behind the Telegram layer's persistence: conversation states and per-user data.

JSON text in two tables (migrations 0008, 0010), no pickle, sealed: what is stored can be read,
copied between databases and erased by /hapusdata. The Telegram-side adapter that decides
what goes in is `bot/telegram/persistence.py`; this module only stores and loads.
"""

from __future__ import annotations

import json
import time
from typing import Any

from bot.storage.database import Database
from bot.storage.sealing import Sealer, marks

ConversationKey = tuple[str | int, ...]


CONVERSATION = "conversation"
USER_STATE = "user state"


class StateStore:
    """Rows are sealed (bot/storage/sealing.py): a conversation's key holds the person's id
    and their data may hold a draft report, so both are encrypted, found by tags, and the
    `user_id` column of migration 0008 stays empty."""

    def __init__(self, db: Database, sealer: Sealer) -> None:
        self.db = db
        self.sealer = sealer

    # -- conversations ---------------------------------------------------------------------
    def conversations(self, name: str, max_age: float | None = None) -> dict[ConversationKey, Any]:
        """The conversations of handler `name`; those idle longer than `max_age` seconds
        (their timeout passed while the bot was down) are deleted instead of returned."""
        if max_age is not None:
            self.db.execute(
                "DELETE FROM conversation_states WHERE name = ? AND updated_at < ?",
                (name, time.time() - max_age),
            )
        rows = self.db.all(
            "SELECT key_sealed, state FROM conversation_states WHERE name = ?", (name,)
        )
        return {self._key(r["key_sealed"]): json.loads(r["state"]) for r in rows}

    def conversation_times(self, name: str) -> dict[ConversationKey, float]:
        """When each conversation of `name` last moved (unix seconds)."""
        rows = self.db.all(
            "SELECT key_sealed, updated_at FROM conversation_states WHERE name = ?", (name,)
        )
        return {self._key(r["key_sealed"]): float(r["updated_at"]) for r in rows}

    def _key(self, sealed: str) -> ConversationKey:
        return tuple(json.loads(self.sealer.open(sealed, CONVERSATION)))

    def set_conversation(self, name: str, key: ConversationKey, state: Any) -> None:
        """Store the state, or delete the row when the conversation ended (state None)."""
        plain = json.dumps(list(key))
        tags = self.sealer.tags(CONVERSATION, plain)
        with self.db.transaction():
            if state is None or len(tags) > 1:  # ended, or mid-rotation: drop older tags
                self.db.execute(
                    "DELETE FROM conversation_states WHERE name = ? "
                    f"AND conv_key IN ({marks(tags)})",
                    (name, *tags),
                )
            if state is None:
                return
            user = key[-1] if key and isinstance(key[-1], int) else None
            self.db.execute(
                "INSERT INTO conversation_states (name, conv_key, key_sealed, user_tag, state,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name, conv_key) DO UPDATE"
                " SET state = excluded.state, updated_at = excluded.updated_at",
                (
                    name,
                    tags[0],
                    self.sealer.seal(plain, CONVERSATION),
                    None if user is None else self.sealer.tag(USER_STATE, user),
                    json.dumps(state),
                    time.time(),
                ),
            )

    # -- user data -------------------------------------------------------------------------
    def all_user_data(self, max_age: float | None = None) -> dict[int, dict[str, Any]]:
        """Every person's data; rows untouched for `max_age` seconds are deleted instead
        (an abandoned draft is not kept for ever)."""
        if max_age is not None:
            self.db.execute(
                "DELETE FROM sealed_user_state WHERE updated_at < ?", (time.time() - max_age,)
            )
        rows = self.db.all("SELECT user_sealed, data FROM sealed_user_state")
        return {
            int(self.sealer.open(r["user_sealed"], USER_STATE)): json.loads(
                self.sealer.open(r["data"], USER_STATE)
            )
            for r in rows
        }

    def set_user_data(self, user_id: int, data: dict[str, Any]) -> None:
        """Store the user's JSON data; an empty dict deletes the row."""
        tags = self.sealer.tags(USER_STATE, user_id)
        with self.db.transaction():
            if not data or len(tags) > 1:
                self.db.execute(
                    f"DELETE FROM sealed_user_state WHERE user_tag IN ({marks(tags)})", tags
                )
            if not data:
                return
            self.db.execute(
                "INSERT INTO sealed_user_state (user_tag, user_sealed, data, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (user_tag) DO UPDATE SET data = excluded.data,"
                " updated_at = excluded.updated_at",
                (
                    tags[0],
                    self.sealer.seal(str(user_id), USER_STATE),
                    self.sealer.seal(json.dumps(data, ensure_ascii=False), USER_STATE),
                    time.time(),
                ),
            )

    def forget_user(self, user_id: int) -> None:
        """/hapusdata: the person's data and every conversation they were in."""
        tags = self.sealer.tags(USER_STATE, user_id)
        with self.db.transaction():
            self.db.execute(
                f"DELETE FROM sealed_user_state WHERE user_tag IN ({marks(tags)})", tags
            )
            self.db.execute(
                f"DELETE FROM conversation_states WHERE user_tag IN ({marks(tags)})", tags
            )
