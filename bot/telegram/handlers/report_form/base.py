"""What every step of the tip-off form shares: its states, its draft, and how it talks.

`PROMPTS` maps each step to the function that asks its question; `conversation` fills it,
so a step can move on to the next one without importing it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Awaitable, Callable

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    ContextTypes,
    ConversationHandler,
)

from bot.core.reports.draft import (
    Draft,
    TextProblem,
)
from bot.i18n import Translator
from bot.telegram import keyboards
from bot.telegram.common import services, translator

PREFIX = "rp"
DRAFT_KEY = "report_draft"
PREFILL_KEY = "report_prefill"  # a pre-filled report waiting for "start a new one"
PROVINCES_PER_PAGE = 8
FORM_TIMEOUT = 3600  # seconds without an answer before free text is a question again
DRAFT_TTL = dt.timedelta(days=3)
SUMMARY_DETAILS = 1500
END = ConversationHandler.END

CATEGORY, PROVINCE, PLACE, WHEN = "category", "province", "place", "when"
DETAILS, EVIDENCE, IDENTITY, PHONE = "details", "evidence", "identity", "phone"
CONFIRM, RESUME = "confirm", "resume"
EDITABLE = (CATEGORY, PROVINCE, PLACE, WHEN, DETAILS, EVIDENCE, IDENTITY)

Step = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[str]]
PROMPTS: dict[str, Step] = {}


# -- small helpers ---------------------------------------------------------------------------
def _data(*values: str) -> str:
    return keyboards.data(PREFIX, *values)


def button(label: str, *values: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=_data(*values))


def values_of(update: Update) -> list[str]:
    _prefix, values = keyboards.parse(update.callback_query.data)
    return values


def draft_of(context: ContextTypes.DEFAULT_TYPE) -> Draft:
    draft = context.user_data.get(DRAFT_KEY)
    if draft is None:
        draft = context.user_data[DRAFT_KEY] = Draft()
    return draft


async def remember(update: Update, context: ContextTypes.DEFAULT_TYPE, step: str) -> Draft:
    """Save the draft with the step the reporter is on, so it can be resumed later."""
    draft = draft_of(context)
    draft.step = step
    svc = services(context)
    await svc.db.run(svc.report_drafts.save, update.effective_user.id, draft)
    return draft


async def say(update: Update, text: str, markup=None) -> Message:
    return await update.effective_message.reply_text(
        text, parse_mode=ParseMode.HTML, reply_markup=markup
    )


async def chosen(update: Update, label: str) -> None:
    """Answer the press and show the choice under the question, without its buttons."""
    query = update.callback_query
    await query.answer()
    if not getattr(query.message, "text", None):
        return
    with contextlib.suppress(BadRequest):  # too old to edit, or already edited
        await query.edit_message_text(
            f"{query.message.text_html}\n\n➡️ <b>{label}</b>", parse_mode=ParseMode.HTML
        )


async def set_markup(update: Update, markup: InlineKeyboardMarkup | None) -> None:
    """Change the buttons under the pressed message. A second tap on the same button (the
    buttons have already changed: "message is not modified") is no error."""
    with contextlib.suppress(BadRequest):
        await update.callback_query.edit_message_reply_markup(markup)


async def stale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    await update.callback_query.answer(_("This button is out of date."))


async def over_limit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    svc = services(context)
    since = svc.report_outbox.clock.now() - dt.timedelta(days=1)
    sent = await svc.db.run(svc.reporters.count_since, update.effective_user.id, since)
    return sent >= svc.settings.report_daily_limit


def text_problem(_: Translator, problem: TextProblem, maximum: int, minimum: int = 1) -> str:
    if problem is TextProblem.TOO_LONG:
        return _("That is too long: please keep it under {limit} characters.", limit=maximum)
    if problem is TextProblem.TOO_SHORT:
        return _("Please write a little more (at least {limit} characters).", limit=minimum)
    return _("Please answer in words.")


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def private_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A report button pressed in a group (the menu works there too): the form runs only in
    a private chat, where nobody else reads the tip-off and the evidence is the reporter's."""
    _ = translator(update, context)
    if update.callback_query:
        await update.callback_query.answer(
            _("Reports are taken only in a private chat with me. Open it and send /report."),
            show_alert=True,
        )
    return END


def unavailable_text(_: Translator) -> str:
    return _(
        "Reporting through this bot is not available yet. Please use the official contacts "
        "in /emergency. If someone is in danger right now, call the police on <b>110</b>."
    )


def limit_text(_: Translator, limit: int) -> str:
    return _.plural(
        "Thank you for reporting! You have already sent {n} report today, the most one "
        "person can send in a day, so that the desk is not overwhelmed. Please send more "
        "tomorrow. If someone is in danger right now, call the police on <b>110</b>.",
        "Thank you for reporting! You have already sent {n} reports today, the most one "
        "person can send in a day, so that the desk is not overwhelmed. Please send more "
        "tomorrow. If someone is in danger right now, call the police on <b>110</b>.",
        limit,
    )


async def next_step(update: Update, context: ContextTypes.DEFAULT_TYPE, step: str) -> str:
    """The following question, or straight back to the summary when editing one answer."""
    draft = draft_of(context)
    if draft.editing:
        draft.editing = False
        return await PROMPTS[CONFIRM](update, context)
    return await PROMPTS[step](update, context)
