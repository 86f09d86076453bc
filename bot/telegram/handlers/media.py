"""Stickers, voice notes, photos and other media outside a flow: a kind explanation."""

from __future__ import annotations

import contextlib

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.telegram.commands import names, slash
from bot.telegram.common import translator
from bot.telegram.flood import album_repeat


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if album_repeat(update, context):
        return  # an album is answered once, at its first photo
    _ = translator(update, context)
    if update.effective_message:
        await update.effective_message.reply_text(
            _(
                "Thank you! I can only understand typed text for now, so I cannot listen to voice "
                "notes or read pictures and stickers. Please type your question, or open /menu."
            )
        )


async def nothing_to_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/batal or /cancel when no conversation is waiting for an answer (each conversation
    handles it first when one is)."""
    _ = translator(update, context)
    if update.effective_message:
        await update.effective_message.reply_text(
            _(
                "There is nothing to cancel: I am not waiting for an answer from you. "
                "Ask me anything, or open {menu}.",
                menu=slash(_, "menu"),
            )
        )


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    if update.effective_message:
        await update.effective_message.reply_text(
            _(
                "I don't know that command. Try {menu} or {help}.",
                menu=slash(_, "menu"),
                help=slash(_, "help"),
            )
        )


async def unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button no handler of this group claims: stale, from an old version, or forged.

    Handlers in other groups (the desk's) may already have answered it; then Telegram
    refuses a second answer, which is fine.
    """
    _ = translator(update, context)
    with contextlib.suppress(BadRequest):
        await update.callback_query.answer(
            _("This button is out of date. Please open /menu again.")
        )


def register(application: Application) -> None:
    """Must be registered last: in one handler group only the first match runs, so
    feature flows that accept media or commands get to see them first."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler(names("cancel"), nothing_to_cancel, private))
    application.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))
    application.add_handler(
        MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, not_text)
    )
    application.add_handler(CallbackQueryHandler(unknown_button))
