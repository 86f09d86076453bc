"""Which chat is the desk: DESK_CHAT_ID, checked at start and followed through a migration.

At start the bot asks Telegram what DESK_CHAT_ID is (getChat) and refuses to run unless it
is a group, a supergroup or a channel: an id without its minus sign is a person's private
chat, and cards (with any name a reporter chose to show) would go to that person, whose
presses would then count as the desk's. When the desk group is upgraded to a supergroup,
Telegram gives it a new id; the bot records the move in the database and uses the new id
at once and after restarts.
"""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.constants import ChatType
from telegram.error import BadRequest, ChatMigrated, Forbidden

from bot.config import ConfigError
from bot.services import Services
from bot.storage.reports import DeskChats

log = logging.getLogger(__name__)

DESK_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP, ChatType.CHANNEL)


def desk_chats(svc: Services) -> DeskChats:
    return DeskChats(svc.db, svc.report_outbox.clock)


def current_desk(svc: Services, chat_id: int | None = None) -> int | None:
    """The desk chat's id now (`chat_id`, or DESK_CHAT_ID, after any recorded migration)."""
    chat = chat_id if chat_id is not None else svc.settings.desk_chat_id
    return None if chat is None else desk_chats(svc).follow(chat)


def record_migration(svc: Services, old_chat_id: int, new_chat_id: int) -> bool:
    """The desk moved (only a move of the current desk chat counts); True if it is news."""
    if current_desk(svc) != old_chat_id:
        return False
    moved = desk_chats(svc).migrated(old_chat_id, new_chat_id)
    if moved:
        log.warning("the desk group became supergroup %s; following it", new_chat_id)
    return moved


async def check_desk(bot: Bot, svc: Services) -> None:
    """Refuse a DESK_CHAT_ID that is not a group, a supergroup or a channel."""
    desk = await svc.db.run(current_desk, svc)
    if desk is None:
        return
    try:
        chat = await bot.get_chat(desk)
    except ChatMigrated as exc:
        await svc.db.run(record_migration, svc, desk, exc.new_chat_id)
        chat = await bot.get_chat(exc.new_chat_id)
    except (BadRequest, Forbidden) as exc:
        raise ConfigError(
            "DESK_CHAT_ID",
            f"Telegram does not know chat {desk} or the bot is not in it ({exc}). Add the bot "
            "to the desk group, then send /chatid there to see its id.",
        ) from None
    if chat.type not in DESK_TYPES:
        raise ConfigError(
            "DESK_CHAT_ID",
            f"{desk} is a {chat.type} chat, not a group, supergroup or channel (group ids "
            "start with a minus sign). Send /chatid in the desk group to see its id.",
        )
