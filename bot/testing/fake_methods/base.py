"""The registry of fake Bot API methods, their dispatch and the validation they share.

Each handler takes the decoded request parameters and returns the ``result`` payload or raises
:class:`APIError` with the description the real Bot API uses, so python-telegram-bot maps it to
the same exception (BadRequest, Forbidden, ...). Handlers other than getUpdates are synchronous,
which keeps "check flood limit, execute, record" atomic within the event loop.
"""

from __future__ import annotations

import copy
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

Handler = Callable[["MethodsBase", JSONDict], Any]
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


class MethodsBase:
    """State, dispatch and the validation every Bot API method shares."""

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
