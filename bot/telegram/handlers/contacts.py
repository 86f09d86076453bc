"""/darurat (/emergency): the official contacts, and a warning about fake numbers."""

from __future__ import annotations

import html

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core.content import Contact, Content
from bot.i18n import Translator
from bot.telegram import keyboards
from bot.telegram.commands import names
from bot.telegram.common import services, translator


def shows_value(contact: Contact) -> bool:
    """A number or an address is worth showing; an app's name repeated after the name, or a
    note such as "24/7" where a number would be, is not."""
    if contact.kind in ("phone", "whatsapp"):
        return any(ch.isdigit() for ch in contact.value.replace("24/7", ""))
    return contact.value.casefold() not in contact.name.get("en", "").casefold()


def contacts_text(_: Translator, content: Content) -> str:
    lines = [_("<b>Official contacts</b>")]
    for contact in content.contacts:
        name, when = html.escape(contact.name[_.lang]), html.escape(contact.when[_.lang])
        if shows_value(contact):
            value = html.escape(contact.value)
            lines.append(f"\n<b>{name}</b>: <code>{value}</code>\n{when}")
        else:
            lines.append(f"\n<b>{name}</b>\n{when}")
    lines.append(
        "\n"
        + _(
            '⚠️ Scammers spread fake "call centre" numbers. Trust only numbers published by '
            "a government: in Indonesia on sites ending in .go.id, abroad on the host "
            "government's own site (such as Taiwan's 1955 hotline or .gov.hk)."
        )
    )
    return "\n".join(lines)


async def emergency(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    if update.effective_message:
        await update.effective_message.reply_text(
            contacts_text(_, services(context).content),
            parse_mode=ParseMode.HTML,
        )


async def contacts_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer()
    await emergency(update, context)


def register(application: Application) -> None:
    application.add_handler(CommandHandler(names("emergency"), emergency))
    application.add_handler(
        CallbackQueryHandler(contacts_pressed, pattern=rf"^{keyboards.CONTACTS}$")
    )
