"""The error handler: log it (never the token), tell the user something went wrong, and
let no later handler group take the update. A person who blocked the bot is not an error."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, TimedOut
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes

from bot.telegram.common import translator

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _report(update, context)
    if isinstance(update, Update):
        # One failure, one answer: handlers of later groups must not take the same update
        # (a press whose handler failed would otherwise also get "this button is out of
        # date", and be answered twice, which Telegram refuses).
        raise ApplicationHandlerStop


async def _report(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    if isinstance(error, (TimedOut, NetworkError)) and not isinstance(update, Update):
        log.warning("network problem talking to Telegram: %s", error)
        return
    if isinstance(error, Forbidden):
        # The person blocked the bot (or left the group) while we were answering: nothing
        # is broken and there is nobody to tell.
        log.info("could not answer: %s", error.message)
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
