"""Bot API methods about the bot itself: identity, updates, webhook, commands, texts."""

from __future__ import annotations

import copy
import json

from bot.testing.fake_methods.base import _COMMAND_RE, MethodsBase, api_method
from bot.testing.fake_state import (
    JSONDict,
    bad_request,
)


class SettingsMethods(MethodsBase):
    """Bot API methods about the bot itself: identity, updates, webhook, commands, texts."""

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
