"""Rows behind the Telegram layer's persistence: conversation states and per-user data.

Plain JSON text in two tables (migration 0008), no pickle: what is stored can be read,
copied between databases and erased by /hapusdata. The Telegram-side adapter that decides
what goes in is `bot/telegram/persistence.py`; this module only stores and loads.
"""

from __future__ import annotations

import json
import time
from typing import Any

from bot.storage.database import Database

ConversationKey = tuple[str | int, ...]


class StateStore:
    def __init__(self, db: Database) -> None:
        self.db = db

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
            "SELECT conv_key, state FROM conversation_states WHERE name = ?", (name,)
        )
        return {tuple(json.loads(r["conv_key"])): json.loads(r["state"]) for r in rows}

    def conversation_times(self, name: str) -> dict[ConversationKey, float]:
        """When each conversation of `name` last moved (unix seconds)."""
        rows = self.db.all(
            "SELECT conv_key, updated_at FROM conversation_states WHERE name = ?", (name,)
        )
        return {tuple(json.loads(r["conv_key"])): float(r["updated_at"]) for r in rows}

    def set_conversation(self, name: str, key: ConversationKey, state: Any) -> None:
        """Store the state, or delete the row when the conversation ended (state None)."""
        conv_key = json.dumps(list(key))
        if state is None:
            self.db.execute(
                "DELETE FROM conversation_states WHERE name = ? AND conv_key = ?", (name, conv_key)
            )
            return
        user = key[-1] if key and isinstance(key[-1], int) else None
        self.db.execute(
            "INSERT INTO conversation_states (name, conv_key, user_id, state, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name, conv_key) DO UPDATE SET"
            " state = excluded.state, updated_at = excluded.updated_at",
            (name, conv_key, user, json.dumps(state), time.time()),
        )

    # -- user data -------------------------------------------------------------------------
    def all_user_data(self, max_age: float | None = None) -> dict[int, dict[str, Any]]:
        """Every person's data; rows untouched for `max_age` seconds are deleted instead
        (an abandoned draft is not kept for ever)."""
        if max_age is not None:
            self.db.execute("DELETE FROM user_state WHERE updated_at < ?", (time.time() - max_age,))
        rows = self.db.all("SELECT user_id, data FROM user_state")
        return {int(r["user_id"]): json.loads(r["data"]) for r in rows}

    def set_user_data(self, user_id: int, data: dict[str, Any]) -> None:
        """Store the user's JSON data; an empty dict deletes the row."""
        if not data:
            self.db.execute("DELETE FROM user_state WHERE user_id = ?", (user_id,))
            return
        self.db.execute(
            "INSERT INTO user_state (user_id, data, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET data = excluded.data,"
            " updated_at = excluded.updated_at",
            (user_id, json.dumps(data, ensure_ascii=False), time.time()),
        )

    def forget_user(self, user_id: int) -> None:
        """/hapusdata: the person's data and every conversation they were in."""
        with self.db.transaction():
            self.db.execute("DELETE FROM user_state WHERE user_id = ?", (user_id,))
            self.db.execute("DELETE FROM conversation_states WHERE user_id = ?", (user_id,))
