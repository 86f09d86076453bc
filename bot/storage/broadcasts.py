"""Repositories for subscriptions and broadcasts (migrations 0003 and 0010)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.broadcasts.model import (
    Audience,
    BroadcastState,
    Counts,
    MessageContent,
    RecipientState,
    from_db_time,
    to_db_time,
)
from bot.storage.database import Database

UNSUBSCRIBED = "unsubscribed"
BLOCKED = "blocked"
MAX_ERROR = 300


@dataclass(frozen=True)
class Subscriber:
    user_id: int
    active: bool
    inactive_reason: str | None
    province: str | None
    language: str


@dataclass
class Subscribers:
    db: Database

    def get(self, user_id: int) -> Subscriber | None:
        row = self.db.one("SELECT * FROM subscribers WHERE user_id = ?", (user_id,))
        if row is None:
            return None
        return Subscriber(
            row["user_id"],
            bool(row["active"]),
            row["inactive_reason"],
            row["province"],
            row["language"],
        )

    def subscribe(self, user_id: int, language: str) -> None:
        """Opt in (again); keeps a province chosen earlier."""
        self.db.execute(
            "INSERT INTO subscribers (user_id, language) VALUES (?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET active = 1, inactive_reason = NULL, "
            "language = excluded.language, updated_at = CURRENT_TIMESTAMP",
            (user_id, language),
        )

    def unsubscribe(self, user_id: int) -> bool:
        return self._deactivate(user_id, UNSUBSCRIBED)

    def mark_blocked(self, user_id: int) -> bool:
        """The user blocked the bot (or the chat is gone); False if not subscribed."""
        return self._deactivate(user_id, BLOCKED)

    def _deactivate(self, user_id: int, reason: str) -> bool:
        cursor = self.db.execute(
            "UPDATE subscribers SET active = 0, inactive_reason = ?, "
            "updated_at = CURRENT_TIMESTAMP WHERE user_id = ? AND active = 1",
            (reason, user_id),
        )
        return cursor.rowcount > 0

    def reactivate_if_blocked(self, user_id: int) -> bool:
        """Back after blocking the bot: active again. An explicit unsubscribe stays."""
        cursor = self.db.execute(
            "UPDATE subscribers SET active = 1, inactive_reason = NULL, "
            "updated_at = CURRENT_TIMESTAMP WHERE user_id = ? AND inactive_reason = ?",
            (user_id, BLOCKED),
        )
        return cursor.rowcount > 0

    def set_province(self, user_id: int, province: str | None) -> None:
        self.db.execute(
            "UPDATE subscribers SET province = ?, updated_at = CURRENT_TIMESTAMP WHERE user_id = ?",
            (province, user_id),
        )

    def set_language(self, user_id: int, language: str) -> None:
        self.db.execute(
            "UPDATE subscribers SET language = ?, updated_at = CURRENT_TIMESTAMP WHERE user_id = ?",
            (language, user_id),
        )

    def count(self, audience: Audience) -> int:
        where, params = _audience_sql(audience)
        row = self.db.one(f"SELECT COUNT(*) FROM subscribers WHERE {where}", params)
        return int(row[0]) if row else 0

    def delete(self, user_id: int) -> None:
        self.db.execute("DELETE FROM subscribers WHERE user_id = ?", (user_id,))


def _audience_sql(audience: Audience) -> tuple[str, tuple[str, ...]]:
    """WHERE clause for active subscribers in the audience (placeholders only)."""
    clauses, params = ["active = 1"], []
    for column, values in (("language", audience.languages), ("province", audience.provinces)):
        if values:
            clauses.append(f"{column} IN ({', '.join('?' for _ in values)})")
            params.extend(sorted(values))
    return " AND ".join(clauses), tuple(params)


@dataclass(frozen=True)
class Broadcast:
    id: int
    author_id: int
    author_language: str
    content: MessageContent
    audience: Audience
    state: BroadcastState
    scheduled_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    progress_chat_id: int | None
    progress_message_id: int | None
    channel_state: str | None
    paid: bool = False  # sent with allow_paid_broadcast at BROADCAST_PAID_RATE (0010)


@dataclass(frozen=True)
class Recipient:
    user_id: int
    language: str
    state: RecipientState
    attempts: int


def _broadcast(row) -> Broadcast:
    def when(key: str) -> datetime | None:
        return from_db_time(row[key]) if row[key] else None

    return Broadcast(
        id=row["id"],
        author_id=row["author_id"],
        author_language=row["author_language"],
        content=MessageContent.from_json(row["content"]),
        audience=Audience.from_json(row["audience"]),
        state=BroadcastState(row["state"]),
        scheduled_at=from_db_time(row["scheduled_at"]),
        started_at=when("started_at"),
        finished_at=when("finished_at"),
        progress_chat_id=row["progress_chat_id"],
        progress_message_id=row["progress_message_id"],
        channel_state=row["channel_state"],
        paid=bool(row["paid"]),
    )


@dataclass
class Broadcasts:
    db: Database

    def create(
        self,
        author_id: int,
        author_language: str,
        content: MessageContent,
        audience: Audience,
        scheduled_at: datetime,
        cross_post: bool,
        paid: bool = False,
    ) -> int:
        cursor = self.db.execute(
            "INSERT INTO broadcasts (author_id, author_language, content, audience, "
            "scheduled_at, channel_state, paid) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                author_id,
                author_language,
                content.to_json(),
                audience.to_json(),
                to_db_time(scheduled_at),
                "queued" if cross_post else None,
                int(paid),
            ),
        )
        return int(cursor.fetchone()[0])

    def get(self, broadcast_id: int) -> Broadcast | None:
        row = self.db.one("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return _broadcast(row) if row else None

    def recent(self, limit: int = 10) -> list[Broadcast]:
        rows = self.db.all("SELECT * FROM broadcasts ORDER BY id DESC LIMIT ?", (limit,))
        return [_broadcast(r) for r in rows]

    def set_progress_message(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        self.db.execute(
            "UPDATE broadcasts SET progress_chat_id = ?, progress_message_id = ? WHERE id = ?",
            (chat_id, message_id, broadcast_id),
        )

    def next_due(self, now: datetime) -> Broadcast | None:
        """The broadcast to work on: one already sending (a resume) first, then the
        earliest scheduled one whose time has come."""
        row = self.db.one(
            "SELECT * FROM broadcasts WHERE state = ? OR (state = ? AND scheduled_at <= ?) "
            "ORDER BY state = ? DESC, scheduled_at, id LIMIT 1",
            (
                BroadcastState.SENDING,
                BroadcastState.SCHEDULED,
                to_db_time(now),
                BroadcastState.SENDING,
            ),
        )
        return _broadcast(row) if row else None

    def next_scheduled_time(self) -> datetime | None:
        row = self.db.one(
            "SELECT MIN(scheduled_at) FROM broadcasts WHERE state = ?", (BroadcastState.SCHEDULED,)
        )
        return from_db_time(row[0]) if row and row[0] else None

    def start(self, broadcast_id: int) -> int:
        """Choose the recipients (active subscribers in the audience, now) and start
        sending, atomically; returns how many. Idempotent: does nothing unless scheduled."""
        with self.db.transaction():
            found = self.get(broadcast_id)
            if found is None or found.state is not BroadcastState.SCHEDULED:
                return 0
            where, params = _audience_sql(found.audience)
            self.db.execute(
                "INSERT INTO broadcast_recipients (broadcast_id, user_id, language) "
                f"SELECT ?, user_id, language FROM subscribers WHERE {where} ORDER BY user_id "
                "ON CONFLICT DO NOTHING",
                (broadcast_id, *params),
            )
            self.db.execute(
                "UPDATE broadcasts SET state = ?, started_at = CURRENT_TIMESTAMP WHERE id = ?",
                (BroadcastState.SENDING, broadcast_id),
            )
        return self.counts(broadcast_id).total

    def cancel(self, broadcast_id: int) -> bool:
        """Stop a scheduled or sending broadcast; recipients not reached stay queued."""
        cursor = self.db.execute(
            "UPDATE broadcasts SET state = ?, finished_at = CURRENT_TIMESTAMP "
            "WHERE id = ? AND state IN (?, ?)",
            (
                BroadcastState.CANCELLED,
                broadcast_id,
                BroadcastState.SCHEDULED,
                BroadcastState.SENDING,
            ),
        )
        return cursor.rowcount > 0

    def finish(self, broadcast_id: int) -> None:
        self.db.execute(
            "UPDATE broadcasts SET state = ?, finished_at = CURRENT_TIMESTAMP "
            "WHERE id = ? AND state = ?",
            (BroadcastState.DONE, broadcast_id, BroadcastState.SENDING),
        )

    def state(self, broadcast_id: int) -> BroadcastState | None:
        row = self.db.one("SELECT state FROM broadcasts WHERE id = ?", (broadcast_id,))
        return BroadcastState(row["state"]) if row else None

    def set_channel_state(self, broadcast_id: int, state: str, error: str | None = None) -> None:
        self.db.execute(
            "UPDATE broadcasts SET channel_state = ?, channel_error = ? WHERE id = ?",
            (state, (error or "")[:MAX_ERROR] or None, broadcast_id),
        )

    # -- recipients ---------------------------------------------------------------------------
    def pending(self, broadcast_id: int, after_user: int, limit: int) -> list[Recipient]:
        """Recipients still to send (queued, or in flight when the process died), by user id."""
        rows = self.db.all(
            "SELECT user_id, language, state, attempts FROM broadcast_recipients "
            "WHERE broadcast_id = ? AND state IN (?, ?) AND user_id > ? "
            "ORDER BY user_id LIMIT ?",
            (broadcast_id, RecipientState.QUEUED, RecipientState.SENDING, after_user, limit),
        )
        return [
            Recipient(r["user_id"], r["language"], RecipientState(r["state"]), r["attempts"])
            for r in rows
        ]

    def mark_sending(self, broadcast_id: int, user_id: int) -> bool:
        """False when the recipient is gone (they deleted their data): do not send."""
        return self._set(broadcast_id, user_id, RecipientState.SENDING, attempt=True)

    def mark_sent(self, broadcast_id: int, user_id: int, message_id: int | None) -> None:
        self._set(broadcast_id, user_id, RecipientState.SENT, message_id=message_id)

    def mark_failed(self, broadcast_id: int, user_id: int, error: str) -> None:
        self._set(broadcast_id, user_id, RecipientState.FAILED, error=error)

    def mark_blocked(self, broadcast_id: int, user_id: int, error: str) -> None:
        self._set(broadcast_id, user_id, RecipientState.BLOCKED, error=error)

    def requeue(self, broadcast_id: int, user_id: int, error: str) -> None:
        """Not sent (a 429 or a refused connection): try again later."""
        self._set(broadcast_id, user_id, RecipientState.QUEUED, error=error)

    def _set(
        self,
        broadcast_id: int,
        user_id: int,
        state: RecipientState,
        *,
        attempt: bool = False,
        message_id: int | None = None,
        error: str | None = None,
    ) -> bool:
        cursor = self.db.execute(
            "UPDATE broadcast_recipients SET state = ?, attempts = attempts + ?, "
            "message_id = COALESCE(?, message_id), error = ?, updated_at = CURRENT_TIMESTAMP "
            "WHERE broadcast_id = ? AND user_id = ?",
            (
                state,
                int(attempt),
                message_id,
                (error or "")[:MAX_ERROR] or None,
                broadcast_id,
                user_id,
            ),
        )
        return cursor.rowcount > 0

    def forget_user(self, user_id: int) -> None:
        """/hapusdata: no record of what was sent to them, and nothing more is."""
        self.db.execute("DELETE FROM broadcast_recipients WHERE user_id = ?", (user_id,))

    def counts(self, broadcast_id: int) -> Counts:
        rows = self.db.all(
            "SELECT state, COUNT(*) AS n FROM broadcast_recipients WHERE broadcast_id = ? "
            "GROUP BY state",
            (broadcast_id,),
        )
        return Counts.from_states({r["state"]: r["n"] for r in rows})

    def received(self, broadcast_id: int, user_id: int) -> RecipientState | None:
        row = self.db.one(
            "SELECT state FROM broadcast_recipients WHERE broadcast_id = ? AND user_id = ?",
            (broadcast_id, user_id),
        )
        return RecipientState(row["state"]) if row else None
