"""Bot API methods that send, copy and forward messages."""

from __future__ import annotations

import copy
import itertools

from bot.testing.fake_methods.base import _CHAT_ACTIONS, _CONTENT_KEYS, MethodsBase, api_method
from bot.testing.fake_state import (
    JSONDict,
    bad_request,
)


class SendingMethods(MethodsBase):
    """Bot API methods that send, copy and forward messages."""

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
