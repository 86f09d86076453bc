"""The error handler: log it (never the token), tell the user something went wrong."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import NetworkError, TimedOut
from telegram.ext import Application, ContextTypes

from bot.telegram.common import translator

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    if isinstance(error, (TimedOut, NetworkError)) and not isinstance(update, Update):
        log.warning("network problem talking to Telegram: %s", error)
        return
    log.error("error while handling an update", exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != update.effective_chat.PRIVATE:
        return
    try:
        _ = translator(update, context)
        await context.bot.send_message(
            update.effective_chat.id,
            _("Sorry, something went wrong on our side. Please try again in a moment."),
        )
    except Exception:
        log.warning("could not tell the user about the error", exc_info=True)


def register(application: Application) -> None:
    application.add_error_handler(on_error)
