"""/darurat (/emergency): the official contacts, and a warning about fake numbers."""

from __future__ import annotations

import html

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core.content import Content
from bot.i18n import Translator
from bot.telegram import keyboards
from bot.telegram.common import services, translator


def contacts_text(_: Translator, content: Content) -> str:
    lines = [_("<b>Official contacts</b>")]
    for contact in content.contacts:
        name, value = html.escape(contact.name[_.lang]), html.escape(contact.value)
        when = html.escape(contact.when[_.lang])
        lines.append(f"\n<b>{name}</b>: <code>{value}</code>\n{when}")
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
    application.add_handler(CommandHandler(["darurat", "emergency"], emergency))
    application.add_handler(
        CallbackQueryHandler(contacts_pressed, pattern=rf"^{keyboards.CONTACTS}$")
    )
