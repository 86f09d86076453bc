"""Unfinished reports, sealed (a draft may hold a name to show) and found by a tag."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from bot.core.clock import Clock, from_text, to_text
from bot.core.reports.draft import Draft
from bot.storage.database import Database
from bot.storage.sealing import Sealer, marks

DRAFT = "draft"


def delete_draft(db: Database, sealer: Sealer, user_id: int) -> None:
    tags = sealer.tags(DRAFT, user_id)
    db.execute(f"DELETE FROM sealed_drafts WHERE user_tag IN ({marks(tags)})", tags)


@dataclass
class ReportDrafts:
    db: Database
    clock: Clock
    sealer: Sealer

    def get(self, user_id: int) -> tuple[Draft, dt.datetime] | None:
        tags = self.sealer.tags(DRAFT, user_id)
        row = self.db.one(
            f"SELECT data, updated_at FROM sealed_drafts WHERE user_tag IN ({marks(tags)})", tags
        )
        if row is None:
            return None
        data = json.loads(self.sealer.open(row["data"], DRAFT))
        return Draft.from_dict(data), from_text(row["updated_at"])

    def save(self, user_id: int, draft: Draft) -> None:
        text = json.dumps(draft.to_dict(), ensure_ascii=False)
        with self.db.transaction():
            if len(self.sealer.keys) > 1:  # mid-rotation: drop a copy under an older tag
                delete_draft(self.db, self.sealer, user_id)
            self.db.execute(
                "INSERT INTO sealed_drafts (user_tag, user_sealed, data, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (user_tag) DO UPDATE SET data = excluded.data, "
                "updated_at = excluded.updated_at",
                (
                    self.sealer.tag(DRAFT, user_id),
                    self.sealer.seal(str(user_id), DRAFT),
                    self.sealer.seal(text, DRAFT),
                    to_text(self.clock.now()),
                ),
            )

    def delete(self, user_id: int) -> None:
        delete_draft(self.db, self.sealer, user_id)

    def purge(self, before: dt.datetime) -> int:
        cursor = self.db.execute(
            "DELETE FROM sealed_drafts WHERE updated_at < ?", (to_text(before),)
        )
        return cursor.rowcount
