"""Bot API method semantics for the fake server (validation, errors, resulting objects).

Each handler takes the decoded request parameters and returns the ``result`` payload or raises
:class:`APIError` with the description the real Bot API uses, so python-telegram-bot maps it to
the same exception (BadRequest, Forbidden, ...). Handlers other than getUpdates are synchronous,
which keeps "check flood limit, execute, record" atomic within the event loop.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from bot.core.tghtml import HTMLError, parse_entities, utf16_len
from bot.testing.fake_state import (
    APIError,
    Chat,
    FakeState,
    JSONDict,
    StoredFile,
    UploadedFile,
    bad_request,
)

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"

_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
# Message fields that copyMessage/forwardMessage carry over.
_CONTENT_KEYS = (
    "text",
    "entities",
    "photo",
    "document",
    "video",
    "voice",
    "audio",
    "animation",
    "sticker",
    "location",
    "contact",
    "caption",
    "caption_entities",
)
_MEDIA_TYPES = {
    "photo": "image/jpeg",
    "document": "application/octet-stream",
    "video": "video/mp4",
    "voice": "audio/ogg",
    "audio": "audio/mpeg",
    "animation": "video/mp4",
    "sticker": "image/webp",
}

Handler = Callable[["BotMethods", JSONDict], Any]
_REGISTRY: dict[str, tuple[str, Handler]] = {}


def api_method(name: str) -> Callable[[Handler], Handler]:
    """Register a handler under its Bot API name (looked up case-insensitively)."""

    def register(func: Handler) -> Handler:
        _REGISTRY[name.lower()] = (name, func)
        return func

    return register


def canonical_method(name: str) -> str | None:
    """The canonical spelling of a Bot API method name, or None if unknown."""
    entry = _REGISTRY.get(name.lower())
    return entry[0] if entry else None


def normalize_id(value: Any) -> Any:
    """Ids arrive as ints or numeric strings (chat ids also as "@username"); use ints."""
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return value


class BotMethods:
    """Implements the Bot API methods the bot uses on top of :class:`FakeState`."""

    def __init__(self, state: FakeState, strict_html: bool = True) -> None:
        self.state = state
        self.strict_html = strict_html

    def call(self, method: str, params: JSONDict) -> Any | Awaitable[Any]:
        entry = _REGISTRY.get(method.lower())
        if entry is None:
            raise APIError(404, "Not Found")
        return entry[1](self, params)

    # -- shared validation -------------------------------------------------------------------
    def _chat(self, params: JSONDict, key: str = "chat_id", write: bool = True) -> Chat:
        """Resolve a chat; ``write`` also enforces blocked/left state like sending does."""
        raw = params.get(key)
        if raw is None or raw == "":
            raise bad_request(f"{key} is empty")
        chat_id = normalize_id(raw)
        chat = self.state.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None and isinstance(chat_id, str):
            # Only public groups/channels can be addressed by @username.
            chat = next(
                (
                    c
                    for c in self.state.chats.values()
                    if c.username and f"@{c.username}" == chat_id
                ),
                None,
            )
        if chat is None:
            if write and chat_id in self.state.users:
                raise APIError(403, "Forbidden: bot can't initiate conversation with a user")
            raise bad_request("chat not found")
        if write:
            if chat.migrated_to is not None:
                raise APIError(
                    400,
                    "Bad Request: group chat was upgraded to a supergroup chat",
                    {"migrate_to_chat_id": chat.migrated_to},
                )
            if chat.is_private and chat.blocked:
                raise APIError(403, "Forbidden: bot was blocked by the user")
            if not chat.is_private and not chat.bot_is_member:
                kind = "supergroup" if chat.type == "supergroup" else "group"
                raise APIError(403, f"Forbidden: bot is not a member of the {kind} chat")
        return chat

    def _format(
        self, text: Any, parse_mode: Any, entities: Any, *, caption: bool = False
    ) -> tuple[str, list[JSONDict]]:
        """Apply parse_mode and the length limits; returns rendered text and entities."""
        text = "" if text is None else str(text)
        found: list[JSONDict] = list(entities) if isinstance(entities, list) else []
        mode = str(parse_mode or "").lower()
        if mode == "html":
            try:
                text, found = parse_entities(text, strict_ampersand=self.strict_html)
            except HTMLError as exc:
                raise APIError(400, str(exc)) from exc
        elif mode not in ("", "markdown", "markdownv2"):
            raise bad_request("unsupported parse_mode")
        if caption:
            if utf16_len(text) > MAX_CAPTION:
                raise bad_request("message caption is too long")
        else:
            if not text.strip():
                raise bad_request("message text is empty")
            if utf16_len(text) > MAX_TEXT:
                raise bad_request("message is too long")
        return text, found

    def _text_content(self, params: JSONDict) -> JSONDict:
        text, entities = self._format(
            params.get("text"), params.get("parse_mode"), params.get("entities")
        )
        content: JSONDict = {"text": text}
        if entities:
            content["entities"] = entities
        return content

    def _caption_content(self, params: JSONDict, key: str = "caption") -> JSONDict:
        if params.get(key) in (None, ""):
            return {}
        caption, entities = self._format(
            params.get(key),
            params.get("parse_mode"),
            params.get("caption_entities"),
            caption=True,
        )
        content: JSONDict = {"caption": caption}
        if entities:
            content["caption_entities"] = entities
        return content

    @staticmethod
    def _markup(params: JSONDict) -> JSONDict | None:
        """Validate reply_markup; only inline keyboards are echoed back on the message."""
        markup = params.get("reply_markup")
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            return None
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise bad_request("can't parse inline keyboard button: Text must be non-empty")
                if "callback_data" in button:
                    data = str(button["callback_data"]).encode("utf-8")
                    if not 1 <= len(data) <= MAX_CALLBACK_DATA:
                        raise bad_request("BUTTON_DATA_INVALID")
                if not _BUTTON_ACTIONS.intersection(button):
                    raise bad_request(
                        "can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )
                if "url" in button and not str(button["url"]).strip():
                    raise bad_request("inline keyboard button URL '' is invalid: Wrong HTTP URL")
        return {"inline_keyboard": copy.deepcopy(rows)}

    def _reply_target(self, chat: Chat, params: JSONDict) -> JSONDict | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = bool(reply.get("allow_sending_without_reply"))
            if reply.get("chat_id") is not None:
                chat = self._chat(reply, write=False)
        elif params.get("reply_to_message_id") is not None:
            message_id = params.get("reply_to_message_id")
            allow_missing = bool(params.get("allow_sending_without_reply"))
        else:
            return None
        target = chat.messages.get(normalize_id(message_id))
        if target is None:
            if allow_missing:
                return None
            raise bad_request("message to be replied not found")
        return target

    def _post(self, params: JSONDict, content: JSONDict, chat: Chat | None = None) -> JSONDict:
        """Common tail of every send: reply, keyboard, store, return a copy."""
        chat = chat or self._chat(params)
        reply_to = self._reply_target(chat, params)
        markup = self._markup(params)
        if markup is not None:
            content["reply_markup"] = markup
        message = self.state.add_message(chat, self.state.bot_user, content, reply_to)
        return copy.deepcopy(message)

    def _input_file(self, value: Any, kind: str, uploads: dict[str, UploadedFile]) -> StoredFile:
        """Resolve an upload, ``attach://name``, known file_id or URL to a stored file."""
        if isinstance(value, str) and value.startswith("attach://"):
            value = uploads.get(value[len("attach://") :])
            if value is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
        if isinstance(value, UploadedFile):
            mime = value.content_type
            if not mime or mime == "application/octet-stream":
                mime = _MEDIA_TYPES[kind]
            return self.state.store_file(value.data, kind, mime, value.filename)
        if isinstance(value, str) and value in self.state.files:
            return self.state.files[value]
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            # No network here: pretend Telegram downloaded something.
            name = value.rstrip("/").rsplit("/", 1)[-1] or None
            return self.state.store_file(value.encode(), kind, _MEDIA_TYPES[kind], name)
        if value in (None, ""):
            raise bad_request(f"there is no {kind} in the request")
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _send_media(self, params: JSONDict, kind: str) -> JSONDict:
        chat = self._chat(params)
        uploads = params.get("__uploads__", {})
        stored = self._input_file(params.get(kind), kind, uploads)
        duration = int(params.get("duration") or 1)
        content = self.state.media_fields(kind, stored, duration)
        content.update(self._caption_content(params))
        return self._post(params, content, chat)

    def _message(self, chat: Chat, params: JSONDict, missing: str) -> JSONDict:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        message_id = normalize_id(params.get("message_id"))
        message = chat.messages.get(message_id) if isinstance(message_id, int) else None
        if message is None:
            raise bad_request(missing)
        return message

    def _editable(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params)
        message = self._message(chat, params, "message to edit not found")
        if not self.state.is_bot_message(message):
            raise bad_request("message can't be edited")
        return message

    def _apply_edit(self, message: JSONDict, changes: JSONDict, markup: JSONDict | None) -> Any:
        current = {key: message.get(key) or None for key in changes}
        wanted = {key: value or None for key, value in changes.items()}
        if current == wanted and message.get("reply_markup") == markup:
            raise bad_request(NOT_MODIFIED)
        for key, value in changes.items():
            if value:
                message[key] = value
            else:
                message.pop(key, None)
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = markup
        self.state.mark_edited(message)
        return copy.deepcopy(message)

    # -- bot & settings ----------------------------------------------------------------------
    @api_method("getMe")
    def get_me(self, params: JSONDict) -> JSONDict:
        return {
            **self.state.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    @api_method("logOut")
    def log_out(self, params: JSONDict) -> bool:
        return True

    @api_method("close")
    def close(self, params: JSONDict) -> bool:
        return True

    @api_method("getUpdates")
    async def get_updates(self, params: JSONDict) -> list[JSONDict]:
        allowed = params.get("allowed_updates")
        return await self.state.get_updates(
            offset=int(params.get("offset") or 0),
            limit=int(params.get("limit") or 100),
            timeout=float(params.get("timeout") or 0),
            allowed=allowed if isinstance(allowed, list) else None,
        )

    @api_method("setWebhook")
    def set_webhook(self, params: JSONDict) -> bool:
        url = str(params.get("url") or "")
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.state.webhook_url = url
        if params.get("drop_pending_updates"):
            self.state.updates.clear()
        return True

    @api_method("deleteWebhook")
    def delete_webhook(self, params: JSONDict) -> bool:
        self.state.webhook_url = ""
        if params.get("drop_pending_updates"):
            self.state.updates.clear()
        return True

    @api_method("getWebhookInfo")
    def get_webhook_info(self, params: JSONDict) -> JSONDict:
        return {
            "url": self.state.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.updates),
        }

    @staticmethod
    def _scope_key(params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    @api_method("setMyCommands")
    def set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request('field "commands" must be an Array')
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_RE.match(
                str(command.get("command", ""))
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description") or "")) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.state.commands[self._scope_key(params)] = copy.deepcopy(commands)
        return True

    @api_method("getMyCommands")
    def get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        return copy.deepcopy(self.state.commands.get(self._scope_key(params), []))

    @api_method("deleteMyCommands")
    def delete_my_commands(self, params: JSONDict) -> bool:
        self.state.commands.pop(self._scope_key(params), None)
        return True

    def _set_text_setting(self, params: JSONDict, kind: str, limit: int) -> bool:
        value = str(params.get(kind) or "")
        if len(value) > limit:
            raise bad_request(f"{kind.replace('_', ' ')} is too long")
        key = (kind, str(params.get("language_code") or ""))
        if value:
            self.state.descriptions[key] = value
        else:
            self.state.descriptions.pop(key, None)
        return True

    def _get_text_setting(self, params: JSONDict, kind: str) -> JSONDict:
        language = str(params.get("language_code") or "")
        value = self.state.descriptions.get((kind, language))
        if value is None:
            value = self.state.descriptions.get((kind, ""), "")
        return {kind: value}

    @api_method("setMyDescription")
    def set_my_description(self, params: JSONDict) -> bool:
        return self._set_text_setting(params, "description", 512)

    @api_method("getMyDescription")
    def get_my_description(self, params: JSONDict) -> JSONDict:
        return self._get_text_setting(params, "description")

    @api_method("setMyShortDescription")
    def set_my_short_description(self, params: JSONDict) -> bool:
        return self._set_text_setting(params, "short_description", 120)

    @api_method("getMyShortDescription")
    def get_my_short_description(self, params: JSONDict) -> JSONDict:
        return self._get_text_setting(params, "short_description")

    @api_method("setMyName")
    def set_my_name(self, params: JSONDict) -> bool:
        return self._set_text_setting(params, "name", 64)

    @api_method("getMyName")
    def get_my_name(self, params: JSONDict) -> JSONDict:
        result = self._get_text_setting(params, "name")
        return {"name": result["name"] or self.state.bot_user["first_name"]}

    # -- sending -----------------------------------------------------------------------------
    @api_method("sendMessage")
    def send_message(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params)
        return self._post(params, self._text_content(params), chat)

    @api_method("sendPhoto")
    def send_photo(self, params: JSONDict) -> JSONDict:
        return self._send_media(params, "photo")

    @api_method("sendDocument")
    def send_document(self, params: JSONDict) -> JSONDict:
        return self._send_media(params, "document")

    @api_method("sendVideo")
    def send_video(self, params: JSONDict) -> JSONDict:
        return self._send_media(params, "video")

    @api_method("sendVoice")
    def send_voice(self, params: JSONDict) -> JSONDict:
        return self._send_media(params, "voice")

    @api_method("sendAudio")
    def send_audio(self, params: JSONDict) -> JSONDict:
        return self._send_media(params, "audio")

    @api_method("sendAnimation")
    def send_animation(self, params: JSONDict) -> JSONDict:
        return self._send_media(params, "animation")

    @api_method("sendSticker")
    def send_sticker(self, params: JSONDict) -> JSONDict:
        return self._send_media(params, "sticker")

    @api_method("sendLocation")
    def send_location(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params)
        try:
            location = {
                "latitude": float(params["latitude"]),
                "longitude": float(params["longitude"]),
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise bad_request("wrong latitude/longitude specified") from exc
        return self._post(params, {"location": location}, chat)

    @api_method("sendMediaGroup")
    def send_media_group(self, params: JSONDict) -> list[JSONDict]:
        chat = self._chat(params)
        media = params.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise bad_request("wrong number of media items in the album; must be 2-10")
        uploads = params.get("__uploads__", {})
        prepared = []
        for item in media:
            kind = item.get("type") if isinstance(item, dict) else None
            if kind not in ("photo", "video", "document", "audio"):
                raise bad_request("unsupported media type in the album")
            stored = self._input_file(item.get("media"), kind, uploads)
            content = self.state.media_fields(kind, stored)
            content.update(self._caption_content(item))
            prepared.append(content)
        group_id = f"album{chat.next_message_id}x{chat.id}"
        reply_to = self._reply_target(chat, params)
        messages = []
        for content in prepared:
            content["media_group_id"] = group_id
            message = self.state.add_message(chat, self.state.bot_user, content, reply_to)
            messages.append(copy.deepcopy(message))
        return messages

    @api_method("sendChatAction")
    def send_chat_action(self, params: JSONDict) -> bool:
        self._chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    @staticmethod
    def _copyable(message: JSONDict) -> JSONDict:
        content = {key: copy.deepcopy(message[key]) for key in _CONTENT_KEYS if key in message}
        if not content:
            raise bad_request("message can't be copied")
        return content

    @api_method("copyMessage")
    def copy_message(self, params: JSONDict) -> JSONDict:
        source = self._chat(params, "from_chat_id", write=False)
        original = self._message(source, params, "message to copy not found")
        target = self._chat(params)
        content = self._copyable(original)
        if "caption" in params and "text" not in content:
            content.pop("caption", None)
            content.pop("caption_entities", None)
            content.update(self._caption_content(params))
        message = self._post(params, content, target)
        return {"message_id": message["message_id"]}

    @api_method("copyMessages")
    def copy_messages(self, params: JSONDict) -> list[JSONDict]:
        source = self._chat(params, "from_chat_id", write=False)
        target = self._chat(params)
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must be a non-empty Array of at most 100 ids")
        if any(b <= a for a, b in itertools.pairwise(ids)):
            raise bad_request("message identifiers must be in strictly increasing order")
        copied = []
        for message_id in ids:
            original = source.messages.get(message_id)
            if original is None or not any(key in original for key in _CONTENT_KEYS):
                continue  # Telegram silently skips what it cannot copy
            content = self._copyable(original)
            if params.get("remove_caption"):
                content.pop("caption", None)
                content.pop("caption_entities", None)
            message = self.state.add_message(target, self.state.bot_user, content)
            copied.append({"message_id": message["message_id"]})
        if not copied:
            raise bad_request("messages to copy not found")
        return copied

    @api_method("forwardMessage")
    def forward_message(self, params: JSONDict) -> JSONDict:
        source = self._chat(params, "from_chat_id", write=False)
        original = self._message(source, params, "message to forward not found")
        target = self._chat(params)
        content = self._copyable(original)
        content["forward_origin"] = {
            "type": "user",
            "sender_user": copy.deepcopy(original["from"]),
            "date": original["date"],
        }
        message = self.state.add_message(target, self.state.bot_user, content)
        return copy.deepcopy(message)

    # -- editing & deleting ------------------------------------------------------------------
    @api_method("editMessageText")
    def edit_message_text(self, params: JSONDict) -> Any:
        message = self._editable(params)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        content = self._text_content(params)
        changes = {"text": content["text"], "entities": content.get("entities")}
        return self._apply_edit(message, changes, self._markup(params))

    @api_method("editMessageCaption")
    def edit_message_caption(self, params: JSONDict) -> Any:
        message = self._editable(params)
        if "text" in message:
            raise bad_request("there is no caption in the message to edit")
        content = self._caption_content(params)
        changes = {
            "caption": content.get("caption"),
            "caption_entities": content.get("caption_entities"),
        }
        return self._apply_edit(message, changes, self._markup(params))

    @api_method("editMessageReplyMarkup")
    def edit_message_reply_markup(self, params: JSONDict) -> Any:
        message = self._editable(params)
        return self._apply_edit(message, {}, self._markup(params))

    @api_method("deleteMessage")
    def delete_message(self, params: JSONDict) -> bool:
        chat = self._chat(params)
        message = self._message(chat, params, "message to delete not found")
        del chat.messages[message["message_id"]]
        chat.deleted.add(message["message_id"])
        self.state.changed.fire()
        return True

    @api_method("deleteMessages")
    def delete_messages(self, params: JSONDict) -> bool:
        chat = self._chat(params)
        for message_id in params.get("message_ids") or []:
            if chat.messages.pop(message_id, None) is not None:
                chat.deleted.add(message_id)
        self.state.changed.fire()
        return True

    @api_method("pinChatMessage")
    def pin_chat_message(self, params: JSONDict) -> bool:
        chat = self._chat(params)
        message = self._message(chat, params, "message to pin not found")
        chat.pinned.append(message["message_id"])
        return True

    @api_method("unpinChatMessage")
    def unpin_chat_message(self, params: JSONDict) -> bool:
        chat = self._chat(params)
        message_id = normalize_id(params.get("message_id"))
        if message_id is None and chat.pinned:
            message_id = chat.pinned[-1]
        if message_id in chat.pinned:
            chat.pinned.remove(message_id)
        return True

    # -- callbacks, chats, members, files -----------------------------------------------------
    @api_method("answerCallbackQuery")
    def answer_callback_query(self, params: JSONDict) -> bool:
        query = self.state.callback_queries.get(str(params.get("callback_query_id") or ""))
        if query is None or query.get("answer") is not None:
            raise bad_request(QUERY_TOO_OLD)
        ttl = query.get("ttl")
        if ttl is not None and self.state.clock() - query["created"] > ttl:
            raise bad_request(QUERY_TOO_OLD)
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG")
        answer = {key: value for key, value in params.items() if not key.startswith("__")}
        query["answer"] = answer
        self.state.changed.fire()
        return True

    @api_method("getChat")
    def get_chat(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params, write=False)
        info = {
            **chat.to_dict(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }
        if chat.pinned and chat.pinned[-1] in chat.messages:
            info["pinned_message"] = copy.deepcopy(chat.messages[chat.pinned[-1]])
        return info

    def member_dict(self, chat: Chat, user: JSONDict, status: str) -> JSONDict:
        member: JSONDict = {"user": copy.deepcopy(user), "status": status}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                {
                    "can_be_edited": False,
                    "is_anonymous": False,
                    "can_manage_chat": True,
                    "can_delete_messages": True,
                    "can_manage_video_chats": True,
                    "can_restrict_members": True,
                    "can_promote_members": False,
                    "can_change_info": True,
                    "can_invite_users": True,
                    "can_post_stories": False,
                    "can_edit_stories": False,
                    "can_delete_stories": False,
                    "can_pin_messages": True,
                }
            )
        elif status == "kicked":
            member["until_date"] = 0
        return member

    @api_method("getChatMember")
    def get_chat_member(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params, write=False)
        user_id = normalize_id(params.get("user_id"))
        bot = self.state.bot_user
        if user_id == bot["id"]:
            if chat.is_private:
                status = "kicked" if chat.blocked else "member"
            else:
                status = "administrator" if chat.bot_is_member else "left"
            return self.member_dict(chat, bot, status)
        user = self.state.users.get(user_id) if isinstance(user_id, int) else None
        if user is None:
            raise bad_request("user not found")
        return self.member_dict(chat, user, chat.members.get(user_id, "left"))

    @api_method("leaveChat")
    def leave_chat(self, params: JSONDict) -> bool:
        chat = self._chat(params, write=False)
        if chat.is_private:
            raise bad_request("chat member status can't be changed in private chats")
        if not chat.bot_is_member:
            raise APIError(403, "Forbidden: bot is not a member of the group chat")
        chat.bot_is_member = False
        bot = self.state.bot_user
        self.state.queue_update(
            "my_chat_member",
            {
                "chat": chat.to_dict(),
                "from": bot,
                "date": int(self.state.clock()),
                "old_chat_member": self.member_dict(chat, bot, "administrator"),
                "new_chat_member": self.member_dict(chat, bot, "left"),
            },
        )
        return True

    @api_method("getFile")
    def get_file(self, params: JSONDict) -> JSONDict:
        stored = self.state.files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > 20 * 1024 * 1024:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }
