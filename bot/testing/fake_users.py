"""Simulated Telegram users for the fake Bot API: they write, send media and press buttons.

Each action stores the user's message in the chat history (so replies and copyMessage work)
and queues the update the real Telegram would deliver to the bot through getUpdates.
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from bot.testing.fake_state import Chat, FakeState, JSONDict

# Placeholder bytes; only their identity matters to the tests.
FAKE_JPEG = b"\xff\xd8\xff\xe0fake-jpeg\xff\xd9"
FAKE_PDF = b"%PDF-1.4\n% fake document\n%%EOF\n"
FAKE_OGG = b"OggS\x00fake-voice"
FAKE_WEBP = b"RIFF\x00\x00\x00\x00WEBPfake"


class SimulatedUsers:
    """Mixin for :class:`FakeBotAPI`: the Python API tests use to play the humans."""

    state: FakeState
    callback_query_ttl: float | None = None  # seconds a query stays answerable; None = forever
    _albums: int = 0  # albums sent so far (for unique media_group_ids)

    def _user_acted(self) -> None:
        """Hook: remember where the bot's reactions to this action start (see wait_for)."""

    # -- setup -------------------------------------------------------------------------------
    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
        last_name: str | None = None,
    ) -> JSONDict:
        """Register a user without a private chat (e.g. desk staff writing only in a group)."""
        return copy.deepcopy(
            self.state.add_user(user_id, first_name, username, language_code, last_name)
        )

    def private_chat(
        self,
        user_id: int,
        first_name: str = "Test",
        username: str | None = None,
        language_code: str | None = "id",
        last_name: str | None = None,
    ) -> JSONDict:
        """Create the private chat between ``user_id`` and the bot; returns the Chat dict."""
        chat = self.state.private_chat(
            user_id,
            first_name=first_name,
            username=username,
            language_code=language_code,
            last_name=last_name,
        )
        return chat.to_dict()

    def group_chat(
        self,
        chat_id: int,
        title: str = "Test group",
        *,
        chat_type: str | None = None,
        members: tuple[int, ...] | list[int] = (),
        admins: tuple[int, ...] | list[int] = (),
        username: str | None = None,
    ) -> JSONDict:
        """Create a group (negative id; "-100..." → supergroup) with the bot as admin.

        ``admins`` get status "administrator" in getChatMember, ``members`` "member"; users
        who write in the group become members automatically.
        """
        chat = self.state.group_chat(chat_id, title, chat_type, members, admins, username)
        return chat.to_dict()

    # -- actions -----------------------------------------------------------------------------
    def _user_message(
        self,
        user_id: int,
        content: JSONDict,
        chat_id: int | None,
        reply_to: int | None,
        update_kind: str = "message",
    ) -> JSONDict:
        user, chat = self.state.user_chat(user_id, chat_id)
        if chat.is_private and chat.blocked:
            self._set_blocked(chat, False)  # writing to a bot you blocked restarts it
        target = None
        if reply_to is not None:
            target = chat.messages.get(reply_to)
            if target is None:
                raise ValueError(f"no message {reply_to} in chat {chat.id} to reply to")
        message = self.state.add_message(chat, user, content, target)
        self.state.queue_update(update_kind, message)
        self._user_acted()
        return copy.deepcopy(message)

    async def send_text(
        self,
        user_id: int,
        text: str,
        reply_to: int | None = None,
        *,
        chat_id: int | None = None,
        entities: list[JSONDict] | None = None,
    ) -> JSONDict:
        """The user writes ``text`` (a leading "/command" gets its bot_command entity)."""
        content: JSONDict = {"text": text}
        found = entities if entities is not None else self.state.command_entities(text)
        if found:
            content["entities"] = found
        message = self._user_message(user_id, content, chat_id, reply_to)
        await asyncio.sleep(0)
        return message

    async def _send_file(
        self,
        user_id: int,
        kind: str,
        data: bytes,
        mime_type: str,
        *,
        file_name: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
        reply_to: int | None = None,
        duration: int = 1,
        extra: JSONDict | None = None,
    ) -> JSONDict:
        stored = self.state.store_file(data, kind, mime_type, file_name)
        content = self.state.media_fields(kind, stored, duration)
        if extra:
            content[kind].update(extra)
        if caption:
            content["caption"] = caption
        message = self._user_message(user_id, content, chat_id, reply_to)
        await asyncio.sleep(0)
        return message

    async def send_photo(
        self,
        user_id: int,
        caption: str | None = None,
        *,
        data: bytes = FAKE_JPEG,
        chat_id: int | None = None,
        reply_to: int | None = None,
    ) -> JSONDict:
        return await self._send_file(
            user_id,
            "photo",
            data,
            "image/jpeg",
            caption=caption,
            chat_id=chat_id,
            reply_to=reply_to,
        )

    async def send_album(
        self,
        user_id: int,
        count: int,
        caption: str | None = None,
        *,
        chat_id: int | None = None,
        pictures: list[bytes] | None = None,
    ) -> list[JSONDict]:
        """An album: ``count`` photos arriving as separate messages with one media_group_id
        (the caption, as in Telegram, on the first). ``pictures`` gives each photo's bytes
        (default: a tiny JPEG for every one)."""
        self._albums += 1
        album = f"album-{user_id}-{self._albums}"
        sent = []
        for number in range(count):
            data = pictures[number] if pictures else FAKE_JPEG
            stored = self.state.store_file(data, "photo", "image/jpeg")
            content = {**self.state.media_fields("photo", stored), "media_group_id": album}
            if caption and number == 0:
                content["caption"] = caption
            sent.append(self._user_message(user_id, content, chat_id, None))
        await asyncio.sleep(0)
        return sent

    async def send_document(
        self,
        user_id: int,
        data: bytes = FAKE_PDF,
        *,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        chat_id: int | None = None,
        reply_to: int | None = None,
    ) -> JSONDict:
        return await self._send_file(
            user_id,
            "document",
            data,
            mime_type,
            file_name=file_name,
            caption=caption,
            chat_id=chat_id,
            reply_to=reply_to,
        )

    async def send_voice(
        self,
        user_id: int,
        duration: int = 3,
        *,
        data: bytes = FAKE_OGG,
        caption: str | None = None,
        chat_id: int | None = None,
        reply_to: int | None = None,
    ) -> JSONDict:
        return await self._send_file(
            user_id,
            "voice",
            data,
            "audio/ogg",
            caption=caption,
            chat_id=chat_id,
            reply_to=reply_to,
            duration=duration,
        )

    async def send_sticker(
        self, user_id: int, emoji: str = "👍", *, chat_id: int | None = None
    ) -> JSONDict:
        return await self._send_file(
            user_id, "sticker", FAKE_WEBP, "image/webp", chat_id=chat_id, extra={"emoji": emoji}
        )

    async def send_location(
        self,
        user_id: int,
        latitude: float = -6.2,
        longitude: float = 106.8,
        *,
        chat_id: int | None = None,
    ) -> JSONDict:
        content = {"location": {"latitude": latitude, "longitude": longitude}}
        message = self._user_message(user_id, content, chat_id, None)
        await asyncio.sleep(0)
        return message

    async def send_contact(
        self,
        user_id: int,
        phone_number: str,
        first_name: str | None = None,
        *,
        chat_id: int | None = None,
    ) -> JSONDict:
        """Share a contact (own number when ``first_name`` is omitted, as the button does)."""
        contact: JSONDict = {"phone_number": phone_number}
        if first_name is None:
            contact["first_name"] = self.state.users.get(user_id, {}).get("first_name", "User")
            contact["user_id"] = user_id
        else:
            contact["first_name"] = first_name
        message = self._user_message(user_id, {"contact": contact}, chat_id, None)
        await asyncio.sleep(0)
        return message

    async def forward_text(
        self,
        user_id: int,
        text: str,
        *,
        sender_name: str = "Info Loker",
        chat_id: int | None = None,
    ) -> JSONDict:
        """The user forwards a text written by someone else to the bot. The origin is a
        "hidden_user" (an author who hides their account), the commonest case for ads."""
        origin = {
            "type": "hidden_user",
            "sender_user_name": sender_name,
            "date": int(self.state.clock()),
        }
        message = self._user_message(
            user_id, {"text": text, "forward_origin": origin}, chat_id, None
        )
        await asyncio.sleep(0)
        return message

    async def edit_text(
        self, user_id: int, message_id: int, text: str, *, chat_id: int | None = None
    ) -> JSONDict:
        """The user edits an earlier text message; the bot gets an ``edited_message``."""
        _, chat = self.state.user_chat(user_id, chat_id)
        message = chat.messages.get(message_id)
        if message is None or message.get("from", {}).get("id") != user_id:
            raise ValueError(f"user {user_id} has no message {message_id} in chat {chat.id}")
        message["text"] = text
        message.pop("entities", None)
        if entities := self.state.command_entities(text):
            message["entities"] = entities
        message["edit_date"] = int(self.state.clock())
        self.state.queue_update("edited_message", message)
        self._user_acted()
        await asyncio.sleep(0)
        return copy.deepcopy(message)

    async def press(
        self,
        user_id: int,
        message_id: int,
        data: str,
        *,
        chat_id: int | None = None,
        force: bool = False,
    ) -> str:
        """Press the inline button with ``data`` under a bot message; returns the query id.

        Asserts that such a button exists unless ``force`` (to send forged callback data).
        """
        user, chat = self.state.user_chat(user_id, chat_id)
        message = chat.messages.get(message_id)
        assert message is not None, f"no message {message_id} in chat {chat.id}"
        if not force:
            assert self.state.is_bot_message(message), f"message {message_id} is not the bot's"
            available = _callback_data(message)
            assert data in available, (
                f"no button with callback_data={data!r} on message {message_id}; "
                f"available: {available}"
            )
        query_id = self.state.new_callback_query_id()
        self.state.callback_queries[query_id] = {
            "id": query_id,
            "user_id": user_id,
            "chat_id": chat.id,
            "message_id": message_id,
            "data": data,
            "created": self.state.clock(),
            "ttl": self.callback_query_ttl,
            "answer": None,
        }
        self.state.queue_update(
            "callback_query",
            {
                "id": query_id,
                "from": user,
                "message": message,
                "chat_instance": str(chat.id),
                "data": data,
            },
        )
        self._user_acted()
        await asyncio.sleep(0)
        return query_id

    def callback_answer(self, query_id: str) -> JSONDict | None:
        """The bot's answerCallbackQuery parameters for ``query_id`` (None if unanswered)."""
        query = self.state.callback_queries.get(query_id)
        return copy.deepcopy(query["answer"]) if query and query["answer"] is not None else None

    # -- blocking ----------------------------------------------------------------------------
    def _set_blocked(self, chat: Chat, blocked: bool) -> None:
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        bot = self.state.bot_user
        member = {"user": bot, "status": new}
        if blocked:
            member["until_date"] = 0
        previous: JSONDict = {"user": bot, "status": old}
        if not blocked:
            previous["until_date"] = 0
        self.state.queue_update(
            "my_chat_member",
            {
                "chat": chat.to_dict(),
                "from": chat.user,
                "date": int(self.state.clock()),
                "old_chat_member": previous,
                "new_chat_member": member,
            },
        )

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to them fail with 403, a my_chat_member is queued."""
        _, chat = self.state.user_chat(user_id, None)
        self._set_blocked(chat, True)
        self._user_acted()

    def unblock(self, user_id: int) -> None:
        _, chat = self.state.user_chat(user_id, None)
        self._set_blocked(chat, False)
        self._user_acted()

    def migrate_group(self, user_id: int, group_id: int, supergroup_id: int) -> JSONDict:
        """``user_id`` upgrades a group to a supergroup, as Telegram does: the group gets a
        ``migrate_to_chat_id`` service message, and sends to it fail with 400 and
        ``parameters.migrate_to_chat_id`` from then on."""
        old = self.state.chats[group_id]
        self.state.group_chat(supergroup_id, old.title or "", "supergroup")
        self.state.chats[supergroup_id].members.update(old.members)
        message = self._user_message(user_id, {"migrate_to_chat_id": supergroup_id}, group_id, None)
        old.migrated_to = supergroup_id
        return message

    def inject_update(self, kind: str, payload: Any) -> JSONDict:
        """Queue any raw update (for update kinds the helpers above do not cover)."""
        update = self.state.queue_update(kind, payload)
        self._user_acted()
        return copy.deepcopy(update)


def _callback_data(message: JSONDict) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [button["callback_data"] for row in rows for button in row if "callback_data" in button]
