"""/hapusdata (/deletemydata): delete what the bot keeps about a person, after saying what
that means for reports still open.

Deleted: the language choice, answer ratings, the warnings subscription, an unfinished
report, and the link between the person and their reports (with any name they chose to
show the desk). The reports
themselves stay with the desk, anonymous, because they may be evidence in a case. Other
features add their own data with `add_eraser`.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.i18n import Translator
from bot.services import Services
from bot.telegram import keyboards, outbox
from bot.telegram.commands import names
from bot.telegram.common import services, translator

PREFIX = "del"
ERASERS_KEY = "privacy_erasers"
MEMORY_ERASERS_KEY = "privacy_memory_erasers"

Eraser = Callable[[Services, int], None]


def add_eraser(application: Application, eraser: Eraser) -> None:
    """Let another feature delete its own rows about a user along with everything else (run
    off the event loop, in the same call as the other deletions)."""
    application.bot_data.setdefault(ERASERS_KEY, []).append(eraser)


def add_memory_eraser(application: Application, eraser: Callable[[int], None]) -> None:
    """Let a feature forget what it holds in memory about a user (run on the event loop,
    before the rows are deleted)."""
    application.bot_data.setdefault(MEMORY_ERASERS_KEY, []).append(eraser)


def _button(label: str, value: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=keyboards.data(PREFIX, value))


async def delete_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    svc = services(context)
    cases = await svc.db.run(svc.reporters.cases_of, update.effective_user.id)
    open_codes = [c.code for c in cases if not c.finished]
    markup = InlineKeyboardMarkup(
        [[_button(_("🗑 Delete my data"), "yes")], [_button(_("Keep it"), "no")]]
    )
    await update.effective_message.reply_text(
        explanation(_, open_codes), parse_mode=ParseMode.HTML, reply_markup=markup
    )


def explanation(_: Translator, open_codes: list[str]) -> str:
    text = _(
        "<b>Delete your data?</b>\n\n"
        "This deletes your language choice, your ratings of answers, your subscription to "
        "warnings, any unfinished report, and the link between you and your reports (with "
        "your name, if you chose to show it). Reports you sent stay with the desk, without "
        "anything that points to you, because they may be needed as evidence."
    )
    if open_codes:
        codes = ", ".join(f"<code>{html.escape(c)}</code>" for c in open_codes)
        text += "\n\n" + _.plural(
            "⚠️ Your report {codes} is still open. After deleting, the desk can no longer ask "
            "you questions about it, and you will not hear how it ends.",
            "⚠️ Your reports {codes} are still open. After deleting, the desk can no longer "
            "ask you questions about them, and you will not hear how they end.",
            len(open_codes),
            codes=codes,
        )
    return text


async def delete_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    _ = translator(update, context)
    _prefix, values = keyboards.parse(query.data)
    choice = values[0] if values else ""
    if choice not in ("yes", "no"):
        await query.answer(_("This button is out of date."))
        return
    await query.answer()
    if choice == "no":
        await _show(query, _("Nothing was deleted."))
        return
    await erase(services(context), query.from_user.id, context)
    outbox.wake(context)
    await _show(
        query, _("Done: your data has been deleted. You can keep using the bot at any time.")
    )


async def _show(query: CallbackQuery, text: str) -> None:
    """The answer in place of the question; a second tap on the same button is no error."""
    try:
        await query.edit_message_text(text)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise


async def erase(svc: Services, user_id: int, context: ContextTypes.DEFAULT_TYPE) -> None:
    for forget in context.bot_data.get(MEMORY_ERASERS_KEY, []):
        forget(user_id)
    await svc.db.run(_erase_rows, svc, user_id, context.bot_data.get(ERASERS_KEY, []))
    if context.user_data is not None:
        context.user_data.clear()


def _erase_rows(svc: Services, user_id: int, erasers: list[Eraser]) -> None:
    svc.reporters.forget_user(user_id)
    svc.feedback.delete_user(user_id)
    svc.subscribers.delete(user_id)
    svc.users.delete(user_id)
    for eraser in erasers:
        eraser(svc, user_id)
    svc.db.scrub()


def register(application: Application) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler(names("deletemydata"), delete_command, filters=private))
    application.add_handler(CallbackQueryHandler(delete_pressed, pattern=rf"^{PREFIX}(:|$)"))
