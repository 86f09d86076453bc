"""Per-user flood protection: past the limit, one polite slow-down and then silence.

Runs in an early handler group and stops the update, so a flood never reaches the matcher
or the database. Limits are per user over a sliding minute. Every message counts, each photo
of an album included (an album is several messages, and 30 albums a minute are a flood); but
an album gets one answer: handlers that reply to media ask `album_repeat()` first.
"""

from __future__ import annotations

import time
from collections import deque

from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, TypeHandler

from bot.telegram.common import services, translator

FLOOD_GROUP = -10
WINDOW_SECONDS = 60.0
MAX_TRACKED_USERS = 10_000  # past this, users idle for a minute are forgotten


class FloodGuard:
    def __init__(self, limit_per_minute: int, clock=time.monotonic) -> None:
        self.limit = limit_per_minute
        self.clock = clock
        self._seen: dict[int, deque[float]] = {}
        self._warned: dict[int, float] = {}
        self._albums: dict[int, tuple[str | None, int | None]] = {}  # latest album, its first

    def allow(self, user_id: int, album: str | None = None, message_id: int | None = None) -> bool:
        """Record one message (each photo of an album too); False when the user is over
        the limit. `album` and `message_id` let `album_repeat` tell an album's first message."""
        if album is not None and self._albums.get(user_id, (None, None))[0] != album:
            self._albums[user_id] = (album, message_id)
        now = self.clock()
        if len(self._seen) > MAX_TRACKED_USERS:
            self.forget_idle()
        stamps = self._seen.setdefault(user_id, deque())
        while stamps and now - stamps[0] > WINDOW_SECONDS:
            stamps.popleft()
        stamps.append(now)
        if len(stamps) <= self.limit:
            self._warned.pop(user_id, None)
            return True
        return False

    def album_repeat(self, user_id: int, album: str | None, message_id: int | None) -> bool:
        """True for the second and later messages of the album the user is sending."""
        if album is None:
            return False
        first_album, first_message = self._albums.get(user_id, (None, None))
        return first_album == album and first_message != message_id

    def should_warn(self, user_id: int) -> bool:
        """Warn once per window, not on every dropped message."""
        now = self.clock()
        if now - self._warned.get(user_id, -WINDOW_SECONDS - 1) > WINDOW_SECONDS:
            self._warned[user_id] = now
            return True
        return False

    def forget_idle(self) -> None:
        now = self.clock()
        for user_id in [u for u, s in self._seen.items() if not s or now - s[-1] > WINDOW_SECONDS]:
            self._seen.pop(user_id, None)
            self._albums.pop(user_id, None)


async def guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or chat.type != chat.PRIVATE:
        return
    flood: FloodGuard = context.bot_data["flood"]
    message = update.effective_message
    album = message.media_group_id if message else None
    if flood.allow(user.id, album, message.message_id if message else None):
        return
    if flood.should_warn(user.id) and update.effective_message:
        _ = translator(update, context)
        await update.effective_message.reply_text(
            _("You are sending messages very quickly. Please wait a minute, then ask again. 🙏")
        )
    elif update.callback_query:
        await update.callback_query.answer()
    raise ApplicationHandlerStop


def album_repeat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True when this message belongs to an album whose first message was already answered
    (or will be): reply to an album once."""
    message, user = update.effective_message, update.effective_user
    flood: FloodGuard | None = context.bot_data.get("flood")
    if message is None or user is None or flood is None:
        return False
    return flood.album_repeat(user.id, message.media_group_id, message.message_id)


def register(application: Application) -> None:
    limit = services(application).settings.flood_limit_per_minute
    application.bot_data["flood"] = FloodGuard(limit)
    application.add_handler(TypeHandler(Update, guard), group=FLOOD_GROUP)
