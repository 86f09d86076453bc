"""Bot API methods that edit, delete and pin messages."""

from __future__ import annotations

from typing import Any

from bot.testing.fake_methods.base import MethodsBase, api_method, normalize_id
from bot.testing.fake_state import (
    JSONDict,
    bad_request,
)


class EditingMethods(MethodsBase):
    """Bot API methods that edit, delete and pin messages."""

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
