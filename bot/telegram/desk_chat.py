"""Which chat is the desk: DESK_CHAT_ID, checked at start and followed through a migration.

At start the bot asks Telegram what DESK_CHAT_ID is (getChat) and refuses to run unless it
is a group, a supergroup or a channel: an id without its minus sign is a person's private
chat, and cards (with any name a reporter chose to show) would go to that person, whose
presses would then count as the desk's. When the desk group is upgraded to a supergroup,
Telegram gives it a new id; the bot records the move in the database and uses the new id
at once and after restarts.
"""

from __future__ import annotations

import html
import logging

from telegram import Bot
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError

from bot.config import ConfigError
from bot.core.desks.routing import Desk
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


def chat_of(svc: Services, desk: Desk) -> int | None:
    """A desk's chat now: DESK_CHAT_ID for the central desk, its own group for a regional
    one, each after any recorded migration (a query: call it off the event loop)."""
    return current_desk(svc) if desk.central else current_desk(svc, desk.chat_id)


def desk_of_chat(svc: Services, chat_id: int | None) -> Desk | None:
    """Which desk a chat is (central or regional), or None for any other chat."""
    if chat_id is None:
        return None
    return next((d for d in svc.desks.all if chat_of(svc, d) == chat_id), None)


def record_migration(svc: Services, old_chat_id: int, new_chat_id: int) -> Desk | None:
    """A desk moved (only a move of a current desk chat counts): the desk, if it is news."""
    desk = desk_of_chat(svc, old_chat_id)
    if desk is None or not desk_chats(svc).migrated(old_chat_id, new_chat_id):
        return None
    log.warning("a desk group became supergroup %s; following it", new_chat_id)
    return desk


async def announce_migration(bot: Bot, svc: Services, desk: Desk, new_chat_id: int) -> None:
    """Tell the admins once that a desk's group moved, naming that desk: the setting to
    update is DESK_CHAT_ID for the central desk, the routing file for a regional one."""
    _ = svc.i18n.translator(svc.settings.default_language)
    if desk.central:
        note = _(
            "ℹ️ The desk group was upgraded to a supergroup, with the new id "
            "<code>{new}</code>. Reports now go there; nothing else is needed. When "
            "convenient, set DESK_CHAT_ID={new}.",
            new=new_chat_id,
        )
    else:
        note = _(
            "ℹ️ The group of <b>{desk}</b> was upgraded to a supergroup, with the new "
            "id <code>{new}</code>. Its reports now go there; nothing else is needed. "
            "When convenient, write chat_id: {new} for this desk in the desk routing "
            "file.",
            desk=html.escape(desk.name),
            new=new_chat_id,
        )
    await tell_admins(bot, svc, note)


async def tell_admins(bot: Bot, svc: Services, text: str) -> None:
    """A message to every ADMIN_IDS chat; one that cannot be reached is logged, not raised."""
    if not svc.settings.admin_ids:
        log.error("no ADMIN_IDS to tell about a desk problem")
    for admin in svc.settings.admin_ids:
        try:
            await bot.send_message(admin, text, parse_mode=ParseMode.HTML)
        except TelegramError as exc:
            log.warning("could not alert admin %s: %s", admin, exc)


async def check_desk(bot: Bot, svc: Services) -> None:
    """Refuse a DESK_CHAT_ID (or a regional desk's chat) that is not a group, a supergroup
    or a channel."""
    desk = await svc.db.run(current_desk, svc)
    if desk is None:
        return
    await _check_chat(bot, svc, desk, "DESK_CHAT_ID")
    for regional in svc.desks.regional:
        chat = await svc.db.run(chat_of, svc, regional)
        if chat is not None:
            await _check_chat(bot, svc, chat, f"DESKS_FILE (desk '{regional.key}')")


async def _check_chat(bot: Bot, svc: Services, desk: int, setting: str) -> None:
    try:
        chat = await bot.get_chat(desk)
    except ChatMigrated as exc:
        await svc.db.run(record_migration, svc, desk, exc.new_chat_id)
        chat = await bot.get_chat(exc.new_chat_id)
    except (BadRequest, Forbidden) as exc:
        raise ConfigError(
            setting,
            f"Telegram does not know chat {desk} or the bot is not in it ({exc}). Add the bot "
            "to the desk group, then send /chatid there to see its id.",
        ) from None
    if chat.type not in DESK_TYPES:
        raise ConfigError(
            setting,
            f"{desk} is a {chat.type} chat, not a group, supergroup or channel (group ids "
            "start with a minus sign). Send /chatid in the desk group to see its id.",
        )
