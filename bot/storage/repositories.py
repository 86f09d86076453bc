"""Repositories: the queries each feature needs, named for what they mean."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.clock import Clock, to_text
from bot.storage.database import Database
from bot.storage.sealing import Sealer, marks

MAX_STORED_QUESTION = 1000


USER = "user"  # the purpose a person's id is tagged and sealed for outside the report tables


@dataclass
class Users:
    """The language a person chose, found by a tag: a list of everyone who used the bot
    would be a list of possible reporters. The id is sealed beside it, for key rotation."""

    db: Database
    sealer: Sealer

    def language(self, user_id: int) -> str | None:
        tags = self.sealer.tags(USER, user_id)
        row = self.db.one(
            f"SELECT language FROM sealed_users WHERE user_tag IN ({marks(tags)})", tags
        )
        return row["language"] if row else None

    def set_language(self, user_id: int, language: str) -> None:
        with self.db.transaction():
            if len(self.sealer.keys) > 1:  # mid-rotation: drop a copy under an older tag
                self.delete(user_id)
            self.db.execute(
                "INSERT INTO sealed_users (user_tag, user_sealed, language, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (user_tag) DO UPDATE SET "
                "language = excluded.language, updated_at = excluded.updated_at",
                (
                    self.sealer.tag(USER, user_id),
                    self.sealer.seal(str(user_id), USER),
                    language,
                    to_text(Clock().now()),
                ),
            )

    def delete(self, user_id: int) -> None:
        tags = self.sealer.tags(USER, user_id)
        self.db.execute(f"DELETE FROM sealed_users WHERE user_tag IN ({marks(tags)})", tags)


@dataclass
class Feedback:
    db: Database

    def record(self, user_id: int, entry_id: str, helpful: bool, question: str | None) -> None:
        """One vote per user, entry and question; a second press changes the vote."""
        self.db.execute(
            "INSERT INTO feedback (user_id, entry_id, helpful, question) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_id, entry_id, question) DO UPDATE SET helpful = excluded.helpful",
            (user_id, entry_id, int(helpful), (question or "")[:MAX_STORED_QUESTION]),
        )

    def summary(self) -> list[tuple[str, int, int]]:
        """(entry, helpful, not helpful) per entry, most disliked first."""
        rows = self.db.all(
            "SELECT entry_id, SUM(helpful) AS up, SUM(1 - helpful) AS down FROM feedback "
            "GROUP BY entry_id ORDER BY down DESC, entry_id"
        )
        return [(r["entry_id"], r["up"], r["down"]) for r in rows]

    def delete_user(self, user_id: int) -> None:
        self.db.execute("DELETE FROM feedback WHERE user_id = ?", (user_id,))


@dataclass
class Unanswered:
    """Questions the bot did not answer; no user id is kept, only the text."""

    db: Database

    def record(
        self, question: str, language: str, decision: str, best_entry: str | None, score: float
    ) -> None:
        self.db.execute(
            "INSERT INTO unanswered (question, language, decision, best_entry, best_score) "
            "VALUES (?, ?, ?, ?, ?)",
            (question[:MAX_STORED_QUESTION], language, decision, best_entry, score),
        )

    def recent(self, limit: int = 50) -> list[dict[str, object]]:
        rows = self.db.all("SELECT * FROM unanswered ORDER BY id DESC LIMIT ?", (limit,))
        return [dict(r) for r in rows]
