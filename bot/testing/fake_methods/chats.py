"""Bot API methods about callbacks, chats, members and files."""

from __future__ import annotations

import copy

from bot.testing.fake_methods.base import (
    MAX_CALLBACK_ANSWER,
    QUERY_TOO_OLD,
    MethodsBase,
    api_method,
    normalize_id,
)
from bot.testing.fake_state import (
    APIError,
    Chat,
    JSONDict,
    bad_request,
)


class ChatMethods(MethodsBase):
    """Bot API methods about callbacks, chats, members and files."""

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
