"""/darurat (/emergency): the official contacts, and a warning about fake numbers; the short
emergency note under replies to a message that speaks of harm."""

from __future__ import annotations

import html

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core.content import Contact, Content
from bot.i18n import Translator
from bot.telegram import keyboards
from bot.telegram.commands import names, slash
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


def urgent_note(_: Translator, content: Content, shown: str = "") -> str:
    """The emergency contacts for a message that speaks of harm ("aku disekap majikan ...").

    Whatever the message asked (how to send money home, how to get the passport back), someone
    who writes that they are held, beaten or sold sees first where to get help now. Contacts the
    reply already shows (`shown`, an answer that gives them itself) are not repeated; when it
    shows all of them there is no note.
    """
    missing = [c for c in content.contacts if c.fallback and c.value not in shown]
    if not missing:
        return ""
    lines = [_("🆘 If you or someone else is in danger right now, get help at once:")]
    lines += [f"• {html.escape(c.name[_.lang])}: <b>{html.escape(c.value)}</b>" for c in missing]
    lines.append(
        _(
            "{emergency} lists every official contact, also for calling from abroad. "
            "{report} sends a report to the desk.",
            emergency=slash(_, "emergency"),
            report=slash(_, "report"),
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
