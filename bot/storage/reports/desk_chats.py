"""Where a desk chat id leads now."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.clock import Clock, to_text
from bot.storage.database import Database


@dataclass
class DeskChats:
    """Where a desk chat id leads now: a group upgraded to a supergroup changes its id."""

    db: Database
    clock: Clock

    MAX_HOPS = 5  # a group migrates once; a chain is only possible by a mistake

    def follow(self, chat_id: int) -> int:
        for _hop in range(self.MAX_HOPS):
            row = self.db.one(
                "SELECT new_chat_id FROM desk_chat_migrations WHERE old_chat_id = ?", (chat_id,)
            )
            if row is None or row[0] == chat_id:
                break
            chat_id = int(row[0])
        return chat_id

    def migrated(self, old_chat_id: int, new_chat_id: int) -> bool:
        """Record a migration; False if it was known already."""
        if old_chat_id == new_chat_id or self.follow(old_chat_id) == new_chat_id:
            return False
        self.db.execute(
            "INSERT INTO desk_chat_migrations (old_chat_id, new_chat_id, migrated_at) "
            "VALUES (?, ?, ?) ON CONFLICT (old_chat_id) DO UPDATE SET "
            "new_chat_id = excluded.new_chat_id, migrated_at = excluded.migrated_at",
            (old_chat_id, new_chat_id, to_text(self.clock.now())),
        )
        return True
