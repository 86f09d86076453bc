"""python-telegram-bot persistence over the project's database (JSON rows, never pickle).

What is kept (decided here, in one place):
- conversation states of every persistent ConversationHandler (the tip-off form, Cek Dulu,
  the subscription's province step, /kantor), with the time of the last answer, so a
  conversation whose timeout passed while the bot was down is dropped on start-up;
- user_data as JSON. Project objects get an explicit codec by key (`CODECS`: the tip-off
  draft and the broadcast composer's draft); plain JSON values (the case a reply goes to)
  are stored as they are; `MEMORY_ONLY` keys never reach the disk: a cache of the language
  the `users` table already holds, text read from pictures, and the last FAQ question and
  topic (a few minutes' follow-up context; keeping them would store every asker's last
  question and write once per question). A value that is no JSON is kept in memory only,
  with a warning naming its key. Rows untouched for `USER_STATE_DAYS` are dropped at start;
- not bot_data (it holds the Services and workers), chat_data (unused) or callback_data.

PTB writes to a persistence every `update_interval` seconds and on a clean stop, so a
kill -9 would lose the last minute. `BotApplication.process_update` therefore calls
`update_persistence()` after every update: each answer is on disk before the next one is
read, and every method here writes through at once (`flush` has nothing left to do).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telegram.ext import (
    Application,
    BasePersistence,
    CallbackContext,
    ConversationHandler,
    PersistenceInput,
)

from bot.core.reports.draft import Draft as ReportDraft
from bot.storage.persistence import ConversationKey, StateStore
from bot.telegram import lifecycle
from bot.telegram.common import LANGUAGE_KEY
from bot.telegram.handlers import broadcasts, cekdulu, faq
from bot.telegram.handlers.report_form import base as report_form

log = logging.getLogger(__name__)

WRITE_EVERY_SECONDS = 5.0  # only for what no update triggers (a conversation timing out)


@dataclass(frozen=True)
class Codec:
    encode: Callable[[Any], Any]
    decode: Callable[[Any], Any]


CODECS: dict[str, Codec] = {
    report_form.DRAFT_KEY: Codec(ReportDraft.to_dict, ReportDraft.from_dict),
    report_form.PREFILL_KEY: Codec(ReportDraft.to_dict, ReportDraft.from_dict),
    broadcasts.DRAFT_KEY: Codec(broadcasts.Draft.to_dict, broadcasts.Draft.from_dict),
}
MEMORY_ONLY = frozenset({LANGUAGE_KEY, cekdulu.OCR_KEY, faq.LAST_QUESTION, faq.LAST_TOPIC})
USER_STATE_DAYS = 3  # as long as a report draft is kept (report_form.DRAFT_TTL)


def encode_user_data(data: dict[str, Any]) -> dict[str, Any]:
    """The JSON form of user_data: codecs applied, memory-only and non-JSON keys left out."""
    encoded: dict[str, Any] = {}
    for key, value in data.items():
        if key in MEMORY_ONLY or value is None:
            continue
        codec = CODECS.get(key)
        plain = codec.encode(value) if codec else value
        try:
            same = json.loads(json.dumps(plain)) == plain
        except (TypeError, ValueError):
            same = False
        if not same:
            log.warning("user_data key %r is not JSON: kept in memory only", key)
            continue
        encoded[key] = plain
    return encoded


def decode_user_data(stored: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in stored.items():
        codec = CODECS.get(key)
        try:
            data[key] = codec.decode(value) if codec else value
        except (TypeError, ValueError, KeyError):
            log.warning("stored user_data key %r could not be read: dropped", key)
    return data


class DatabasePersistence(BasePersistence[dict[str, Any], dict[str, Any], dict[str, Any]]):
    """Conversations and user_data in `conversation_states` and `user_state` (0008)."""

    def __init__(self, store: StateStore) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=WRITE_EVERY_SECONDS,
        )
        self.store = store
        self.timeouts: dict[str, float] = {}  # handler name → conversation_timeout
        self._written: dict[int, str] = {}  # what is on disk, to skip unchanged writes

    async def get_user_data(self) -> dict[int, dict[str, Any]]:
        loaded = await self.store.db.run(self.store.all_user_data, USER_STATE_DAYS * 86400.0)
        self._written = {uid: json.dumps(data, sort_keys=True) for uid, data in loaded.items()}
        return {uid: decode_user_data(data) for uid, data in loaded.items()}

    async def update_user_data(self, user_id: int, data: dict[str, Any]) -> None:
        encoded = encode_user_data(data)
        text = json.dumps(encoded, sort_keys=True)
        if self._written.get(user_id, "{}") == text:
            return
        await self.store.db.run(self.store.set_user_data, user_id, encoded)
        if encoded:
            self._written[user_id] = text
        else:
            self._written.pop(user_id, None)

    async def drop_user_data(self, user_id: int) -> None:
        await self.store.db.run(self.store.set_user_data, user_id, {})
        self._written.pop(user_id, None)

    async def refresh_user_data(self, user_id: int, user_data: dict[str, Any]) -> None:
        """One process owns the data; there is nothing newer to read."""

    async def get_conversations(self, name: str) -> dict[ConversationKey, object]:
        return await self.store.db.run(self.store.conversations, name, self.timeouts.get(name))

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        await self.store.db.run(self.store.set_conversation, name, key, new_state)

    def forget_user(self, user_id: int) -> None:
        """/hapusdata: the rows now; the copy in memory is cleared by the caller."""
        self.store.forget_user(user_id)
        self._written.pop(user_id, None)

    # -- not stored ------------------------------------------------------------------------
    async def get_chat_data(self) -> dict[int, dict[str, Any]]:
        return {}

    async def get_bot_data(self) -> dict[str, Any]:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: dict[str, Any]) -> None:
        """chat_data is not persisted."""

    async def update_bot_data(self, data: dict[str, Any]) -> None:
        """bot_data holds the Services: never persisted."""

    async def update_callback_data(self, data: Any) -> None:
        """Callback data stays plain strings: nothing to persist."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """chat_data is not persisted."""

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[str, Any]) -> None:
        """chat_data is not persisted."""

    async def refresh_bot_data(self, bot_data: dict[str, Any]) -> None:
        """bot_data is not persisted."""

    async def flush(self) -> None:
        """Every write already went to the database."""


def install(application: Application, persistence: DatabasePersistence) -> None:
    """After the handlers are registered: learn each conversation's timeout, so one that
    timed out while the bot was down is dropped at start-up, and one still running times
    out when its time is up (PTB's timeout jobs live in memory and die with the process)."""
    for handler in persistent_conversations(application):
        timeout = handler.conversation_timeout
        if isinstance(timeout, int | float):
            persistence.timeouts[handler.name] = float(timeout)
        elif timeout is not None:
            persistence.timeouts[handler.name] = timeout.total_seconds()

    async def start() -> None:
        await restore_timeouts(application, persistence)

    async def stop() -> None:
        """The timeout jobs stop with the job queue."""

    lifecycle.on_start_stop(application, start, stop)


def persistent_conversations(application: Application) -> list[ConversationHandler]:
    return [
        handler
        for handlers in application.handlers.values()
        for handler in handlers
        if isinstance(handler, ConversationHandler) and handler.persistent and handler.name
    ]


async def restore_timeouts(application: Application, persistence: DatabasePersistence) -> None:
    """One job per resumed conversation, due when its timeout would have fired."""
    if application.job_queue is None:
        return
    now = time.time()
    for handler in persistent_conversations(application):
        timeout = persistence.timeouts.get(handler.name)
        if timeout is None:
            continue
        store = persistence.store
        times = await store.db.run(store.conversation_times, handler.name)
        for key, moved_at in times.items():
            due = max(0.0, moved_at + timeout - now)
            application.job_queue.run_once(_expire, due, data=(handler, key))


async def _expire(context: CallbackContext) -> None:
    """End a resumed conversation nobody answered since the restart. An answer since then
    started PTB's own timeout job (in `timeout_jobs`), which decides instead."""
    handler, key = context.job.data
    if key in handler.timeout_jobs:
        return
    conversations = getattr(context.application, "_conversation_handler_conversations", {})
    states = conversations.get(handler.name)
    if states is not None and key in states:
        states.pop(key)  # tracked: the row is deleted by update_persistence
        await context.application.update_persistence()


def end_conversations(application: Application, user_id: int) -> None:
    """/hapusdata in the middle of a conversation: end it in memory too (PTB has no public
    way; its per-handler conversation dicts are popped, which also deletes the rows on the
    next `update_persistence`)."""
    conversations = getattr(application, "_conversation_handler_conversations", {})
    for states in conversations.values():
        for key in [k for k in states if k and k[-1] == user_id]:
            states.pop(key, None)
