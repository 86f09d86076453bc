"""Menu buttons that only make sense in a private chat, pressed in a group.

/menu works in groups too, but subscribing to warnings and Cek Dulu belong to one person:
in a group the subscription would be the group's, and Cek Dulu would ask for an offer it
then cannot read there. The press is answered kindly, pointing to the private chat.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, ApplicationHandlerStop, CallbackQueryHandler, ContextTypes

from bot.telegram import keyboards
from bot.telegram.common import translator

GROUPS_GROUP = -3  # after the flood guard, before the features that would act on the press
PRIVATE_ONLY = (keyboards.SUBSCRIPTION, keyboards.CHECK)


async def private_only_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    _ = translator(update, context)
    prefix, _values = keyboards.parse(query.data)
    if prefix == keyboards.SUBSCRIPTION:
        text = _(
            "Warnings are sent to one person: open a private chat with me and send /subscribe."
        )
    else:
        text = _("Cek Dulu works in a private chat with me: open it and send /check.")
    await query.answer(text, show_alert=True)
    raise ApplicationHandlerStop


def register(application: Application) -> None:
    pattern = rf"^({'|'.join(PRIVATE_ONLY)})(:|$)"
    application.add_handler(
        CallbackQueryHandler(private_only_pressed, pattern=pattern), group=GROUPS_GROUP
    )
