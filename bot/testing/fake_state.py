"""In-memory world of the fake Bot API: users, chats, message history, files and updates.

Kept free of HTTP so the same state can be driven by the HTTP layer (bot requests) and by
the test-facing helpers (simulated users). Everything here is synchronous except the long
poll; waiting is event-driven through :class:`Signal`.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.core.tghtml import utf16_len
from bot.waiting import wait_set

JSONDict = dict[str, Any]

DEFAULT_TOKEN = "123456:TEST-TOKEN"

# Update kinds delivered when the bot did not ask for specific ones (Telegram's default).
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

MAX_POLL_TIMEOUT = 50.0


class APIError(Exception):
    """A Bot API error response: HTTP status, description and optional ``parameters``."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def bad_request(reason: str) -> APIError:
    """Shorthand for the most common error, 400 "Bad Request: <reason>"."""
    return APIError(400, f"Bad Request: {reason}")


class Signal:
    """Wake every waiter whenever something changes; waiters re-check their own condition.

    Cheaper and simpler than a Condition because producers are synchronous code paths.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait_for(
        self, check: Callable[[], Any], timeout: float | None, interval: float | None = None
    ) -> Any:
        """Return the first truthy ``check()`` result; raise TimeoutError after ``timeout``.

        ``check`` runs after every :meth:`fire`, and also every ``interval`` seconds if given
        (for conditions on state that does not fire this signal, e.g. the bot's own).
        """
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            result = check()
            if result:
                return result
            left = None if deadline is None else deadline - loop.time()
            if left is not None and left <= 0:
                raise TimeoutError
            limits = [limit for limit in (left, interval) if limit is not None]
            await wait_set(self._event, min(limits, default=None))


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    filename: str
    content_type: str
    data: bytes

    def __repr__(self) -> str:
        return f"<upload {self.field}={self.filename!r} {len(self.data)} bytes>"


@dataclass
class StoredFile:
    """A file known to the fake server (uploaded by the bot or sent by a simulated user)."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    mime_type: str
    file_name: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class Chat:
    """A chat and its full message history (user and bot messages share the id sequence)."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None  # public groups only
    user: JSONDict | None = None  # the other party of a private chat
    blocked: bool = False  # private chat: the user blocked the bot
    bot_is_member: bool = True  # groups: False after leaveChat
    migrated_to: int | None = None  # a group upgraded to this supergroup
    members: dict[int, str] = field(default_factory=dict)  # user id -> member status
    messages: dict[int, JSONDict] = field(default_factory=dict)
    bot_sent: list[JSONDict] = field(default_factory=list)  # bot messages in send order
    deleted: set[int] = field(default_factory=set)
    pinned: list[int] = field(default_factory=list)
    next_message_id: int = 1

    @property
    def is_private(self) -> bool:
        return self.type == "private"

    def to_dict(self) -> JSONDict:
        data: JSONDict = {"id": self.id, "type": self.type}
        if self.title is not None:
            data["title"] = self.title
        if self.username is not None:
            data["username"] = self.username
        if self.user is not None:
            for key in ("first_name", "last_name", "username"):
                if self.user.get(key):
                    data[key] = self.user[key]
        return data


def strip_reply(message: JSONDict) -> JSONDict:
    """Copy of a message as embedded in ``reply_to_message`` (Telegram nests one level)."""
    nested = copy.deepcopy(message)
    nested.pop("reply_to_message", None)
    return nested


class FakeState:
    """Users, chats, files, the update queue and the bot's settings."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "test_bot",
        bot_name: str = "Test Bot",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        self.clock = clock
        self.bot_user: JSONDict = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self.users: dict[int, JSONDict] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.updates: list[JSONDict] = []
        self.allowed_updates: list[str] = []
        self.webhook_url = ""
        self.callback_queries: dict[str, JSONDict] = {}
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.descriptions: dict[tuple[str, str], str] = {}  # (kind, language) -> text
        self.changed = Signal()  # any message stored, edited or call recorded
        self.updates_changed = Signal()
        self.closing = False
        self._poll_generation = 0
        self._update_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self.message_listeners: list[Callable[[JSONDict, bool], None]] = []
        # chat id -> time.monotonic() of its latest update: tells replies from bulk sends
        self.last_inbound: dict[int, float] = {}

    # -- people and chats ------------------------------------------------------------------
    def add_user(
        self,
        user_id: int,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
        last_name: str | None = None,
    ) -> JSONDict:
        """Register (or update) a human user; returns the Telegram ``User`` dict."""
        user = self.users.get(user_id) or {"id": user_id, "is_bot": False}
        user["first_name"] = first_name or user.get("first_name") or f"User{user_id}"
        for key, value in (
            ("last_name", last_name),
            ("username", username),
            ("language_code", language_code),
        ):
            if value is not None:
                user[key] = value
        self.users[user_id] = user
        return user

    def private_chat(self, user_id: int, **user_fields: Any) -> Chat:
        user = self.add_user(user_id, **user_fields)
        chat = self.chats.get(user_id)
        if chat is None:
            chat = self.chats[user_id] = Chat(id=user_id, type="private", user=user)
        chat.members[user_id] = "member"
        return chat

    def group_chat(
        self,
        chat_id: int,
        title: str,
        chat_type: str | None = None,
        members: Iterable[int] = (),
        admins: Iterable[int] = (),
        username: str | None = None,
    ) -> Chat:
        if chat_id >= 0:
            raise ValueError("group chat ids are negative in the Bot API")
        kind = chat_type or ("supergroup" if str(chat_id).startswith("-100") else "group")
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = self.chats[chat_id] = Chat(id=chat_id, type=kind, title=title)
        chat.title = title
        chat.username = username
        for user_id in members:
            chat.members[user_id] = "member"
        for user_id in admins:
            chat.members[user_id] = "administrator"
        return chat

    def user_chat(self, user_id: int, chat_id: int | None) -> tuple[JSONDict, Chat]:
        """The user and the chat they write in (their private chat unless ``chat_id``)."""
        if chat_id is None or chat_id == user_id:
            chat = self.chats.get(user_id) or self.private_chat(user_id)
            return self.users[user_id], chat
        chat = self.chats.get(chat_id)
        if chat is None:
            raise ValueError(f"unknown chat {chat_id}: create it with api.group_chat() first")
        user = self.users.get(user_id) or self.add_user(user_id)
        chat.members.setdefault(user_id, "member")
        return user, chat

    # -- messages ----------------------------------------------------------------------------
    def add_message(
        self,
        chat: Chat,
        sender: JSONDict,
        content: JSONDict,
        reply_to: JSONDict | None = None,
    ) -> JSONDict:
        """Store a new message in ``chat`` and return the live stored dict."""
        message: JSONDict = {
            "message_id": chat.next_message_id,
            "date": int(self.clock()),
            "chat": chat.to_dict(),
            "from": dict(sender),
        }
        chat.next_message_id += 1
        message.update(content)
        if reply_to is not None:
            message["reply_to_message"] = strip_reply(reply_to)
        chat.messages[message["message_id"]] = message
        if sender.get("id") == self.bot_user["id"]:
            chat.bot_sent.append(message)
            self._emit(message, edited=False)
        self.changed.fire()
        return message

    def mark_edited(self, message: JSONDict) -> None:
        message["edit_date"] = int(self.clock())
        self._emit(message, edited=True)
        self.changed.fire()

    def _emit(self, message: JSONDict, edited: bool) -> None:
        for listener in list(self.message_listeners):
            listener(message, edited)

    def is_bot_message(self, message: JSONDict) -> bool:
        return message.get("from", {}).get("id") == self.bot_user["id"]

    # -- files -------------------------------------------------------------------------------
    def store_file(
        self,
        data: bytes,
        kind: str,
        mime_type: str,
        file_name: str | None = None,
    ) -> StoredFile:
        """Keep file bytes so getFile and the file endpoint can serve them back."""
        number = next(self._file_ids)
        suffix = ""
        if file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1]
        elif "/" in mime_type:
            suffix = {"image/jpeg": ".jpg", "audio/ogg": ".oga", "video/mp4": ".mp4"}.get(
                mime_type, ""
            )
        stored = StoredFile(
            file_id=f"fake-{kind}-{number}",
            file_unique_id=f"uniq{number}",
            data=data,
            file_path=f"{kind}s/file_{number}{suffix}",
            mime_type=mime_type,
            file_name=file_name,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    def media_fields(self, kind: str, stored: StoredFile, duration: int = 1) -> JSONDict:
        """The message field(s) Telegram returns for a piece of media of ``kind``."""
        base = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
        }
        if kind == "photo":
            thumb = {**base, "width": 90, "height": 90}
            return {"photo": [thumb, {**base, "width": 1280, "height": 960}]}
        if kind == "document":
            doc = {**base, "mime_type": stored.mime_type}
            if stored.file_name:
                doc["file_name"] = stored.file_name
            return {"document": doc}
        if kind in ("video", "animation"):
            return {kind: {**base, "width": 640, "height": 360, "duration": duration}}
        if kind in ("voice", "audio"):
            return {kind: {**base, "duration": duration, "mime_type": stored.mime_type}}
        if kind == "sticker":
            return {
                "sticker": {
                    **base,
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                }
            }
        raise ValueError(f"unsupported media kind {kind!r}")

    # -- updates -----------------------------------------------------------------------------
    def queue_update(self, kind: str, payload: JSONDict) -> JSONDict:
        update = {"update_id": next(self._update_ids), kind: copy.deepcopy(payload)}
        chat_id = _update_chat_id(payload)
        if chat_id is not None:
            self.last_inbound[chat_id] = time.monotonic()
        self.updates.append(update)
        self.updates_changed.fire()
        return update

    def new_callback_query_id(self) -> str:
        return f"cbq{next(self._query_ids)}"

    def _deliverable(self, update: JSONDict) -> bool:
        kind = next(key for key in update if key != "update_id")
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in _OPT_IN_UPDATES

    async def get_updates(
        self, offset: int | None, limit: int, timeout: float, allowed: list[str] | None
    ) -> list[JSONDict]:
        """getUpdates semantics: confirm by offset, long-poll, newest poll wins (409)."""
        if self.webhook_url:
            raise APIError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        if allowed is not None:
            self.allowed_updates = list(allowed)
        if offset:
            if offset > 0:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            else:
                self.updates = self.updates[offset:]
        limit = max(1, min(100, limit or 100))
        self._poll_generation += 1
        generation = self._poll_generation
        self.updates_changed.fire()  # an older poll still waiting must now answer 409

        def ready() -> list[JSONDict] | bool:
            if generation != self._poll_generation:
                raise APIError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            # Updates the bot did not subscribe to are never delivered: drop them.
            self.updates = [u for u in self.updates if self._deliverable(u)]
            return copy.deepcopy(self.updates[:limit]) or self.closing

        timeout = max(0.0, min(float(timeout or 0), MAX_POLL_TIMEOUT))
        try:
            result = await self.updates_changed.wait_for(ready, timeout)
        except TimeoutError:
            return []
        return result if isinstance(result, list) else []

    def close(self) -> None:
        """Release every pending long poll (server shutdown)."""
        self.closing = True
        self.updates_changed.fire()
        self.changed.fire()

    @staticmethod
    def command_entities(text: str) -> list[JSONDict]:
        """A ``bot_command`` entity for a leading "/command" as Telegram clients send it."""
        if not text.startswith("/") or len(text) < 2 or text[1].isspace():
            return []
        token = text.split(maxsplit=1)[0]
        return [{"type": "bot_command", "offset": 0, "length": utf16_len(token)}]


def _update_chat_id(payload: JSONDict) -> int | None:
    """The chat an update comes from (a callback query's: its message's chat)."""
    chat = payload.get("chat") or (payload.get("message") or {}).get("chat")
    if isinstance(chat, dict) and isinstance(chat.get("id"), int):
        return chat["id"]
    return None
