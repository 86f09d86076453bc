"""Wiring: the waiting conversation and the handlers outside it."""

from __future__ import annotations

import warnings

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.telegram import outbox
from bot.telegram.commands import names
from bot.telegram.common import services
from bot.telegram.handlers.cekdulu.alerts import deliver_alert
from bot.telegram.handlers.cekdulu.base import ALERT_JOB, PREFIX, WAIT_SECONDS, WAITING
from bot.telegram.handlers.cekdulu.details import all_reasons
from bot.telegram.handlers.cekdulu.entry import (
    cancel,
    cek_command,
    cek_pressed,
    check_message,
    unreadable,
    waiting_input,
)
from bot.telegram.handlers.cekdulu.pictures import check_picture


def build_conversation() -> ConversationHandler:
    private = filters.ChatType.PRIVATE
    words = (filters.TEXT | filters.CAPTION) & ~filters.COMMAND
    pictures = filters.PHOTO | filters.Document.IMAGE
    no_words = (
        ~filters.TEXT & ~filters.CAPTION & ~pictures & ~filters.COMMAND & ~filters.StatusUpdate.ALL
    )
    pressed = CallbackQueryHandler(cek_pressed, pattern=rf"^{PREFIX}:start$")
    command = CommandHandler(names("check"), cek_command, filters=private)
    with warnings.catch_warnings():
        # per_message=False on purpose: the waiting state belongs to the person, not a message
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[command, pressed],
            states={
                WAITING: [
                    MessageHandler(private & (words | pictures), waiting_input),
                    MessageHandler(private & no_words, unreadable),
                ]
            },
            fallbacks=[CommandHandler(names("cancel"), cancel), command, pressed],
            conversation_timeout=WAIT_SECONDS,
            name="cekdulu",
            persistent=True,
        )


def register(application: Application) -> None:
    """After the tip-off form (which keeps photos sent as evidence) and before the FAQ (which
    would read a forwarded ad as a question) and the media catch-all."""
    services(application).checker  # noqa: B018 - a broken rules file stops the start-up
    private = filters.ChatType.PRIVATE & ~filters.COMMAND & ~filters.StatusUpdate.ALL
    forwarded = private & filters.FORWARDED
    application.add_handler(build_conversation())
    words = filters.TEXT | filters.CAPTION
    pictures = filters.PHOTO | filters.Document.IMAGE
    application.add_handler(CallbackQueryHandler(all_reasons, pattern=rf"^{PREFIX}:all$"))
    application.add_handler(MessageHandler(private & pictures, check_picture))
    application.add_handler(MessageHandler(forwarded & words, check_message))
    application.add_handler(MessageHandler(private & filters.CAPTION, check_message))
    application.add_handler(MessageHandler(forwarded & ~filters.TEXT, unreadable))
    outbox.worker(application).register(ALERT_JOB, deliver_alert)
