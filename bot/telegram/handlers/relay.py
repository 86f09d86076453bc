"""Anonymous two-way follow-up between the desk and a reporter.

Desk → reporter: a desk member replies (a Telegram reply) to a case card, or to a message
the reporter sent; the bot passes it on as coming from "the desk", never from a person.
Reporter → desk: the reporter replies to one of those messages (or taps "Reply to the
desk"); it appears in the desk chat under the card. Media travel as copies, never
forwards, so no account is revealed either way. Desk replies starting with "#" are
internal notes and stay in the desk. Delivery goes through the outbox, like everything
else that must not get lost.
"""

from __future__ import annotations

import html

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.core.reports.draft import normalise_code
from bot.i18n import Translator
from bot.storage.reports import Report
from bot.telegram import keyboards, outbox
from bot.telegram.common import services, translator
from bot.telegram.handlers.desk import desk_translator, in_desk
from bot.telegram.handlers.status import RELAY_PREFIX
from bot.telegram.report_format import clip

RELAY_GROUP = -1  # before the report form and the FAQ, which would take the text otherwise
RELAY_KEY = "relay_to_case"
RELAYED_KINDS = ("photo", "document", "video", "voice", "audio", "animation")
INTERNAL_NOTE = "#"
MAX_RELAY_TEXT = 3500
MAX_RELAY_CAPTION = 700
TO_DESK, TO_REPORTER = "to_desk", "to_reporter"
RELAYABLE_DESK_MESSAGES = ("card", "reporter")


def relay_content(message: Message) -> dict[str, str] | None:
    """What to pass on: {"kind", "text"} for text or a captionable file, else None."""
    if message.text:
        return {"kind": "text", "text": clip(message.text, MAX_RELAY_TEXT)}
    kind = next((k for k in RELAYED_KINDS if getattr(message, k, None)), None)
    if kind is None:
        return None
    return {"kind": kind, "text": clip(message.caption or "", MAX_RELAY_CAPTION)}


# -- texts -----------------------------------------------------------------------------------
def to_reporter_text(_: Translator, report: Report, text: str) -> str:
    head = _(
        "💬 <b>Message from the coordination desk</b> about your report <code>{code}</code>:",
        code=report.code,
    )
    tail = _("<i>Reply to this message, or tap the button, to answer the desk.</i>")
    body = f"\n\n{html.escape(text)}" if text else ""
    return f"{head}{body}\n\n{tail}"


def to_desk_text(_: Translator, report: Report, text: str) -> str:
    head = _("💬 <b>The reporter of <code>{code}</code> writes:</b>", code=report.code)
    return f"{head}\n\n{html.escape(text)}" if text else head


def delivered_note(_: Translator) -> str:
    return _("✅ Delivered to the reporter.")


def unreachable_note(_: Translator, report: Report) -> str:
    return _(
        "⚠️ Not delivered: the reporter of <code>{code}</code> can no longer be reached (they "
        "blocked the bot or deleted their data, or the case was closed long ago).",
        code=report.code,
    )


# -- reporter → desk -------------------------------------------------------------------------
async def reply_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "Reply to the desk": the next message this person sends goes to the desk."""
    query = update.callback_query
    _ = translator(update, context)
    _prefix, values = keyboards.parse(query.data)
    code = normalise_code(values[0]) if values else None
    cases = services(context).reporters.cases_of(query.from_user.id)
    case = next((c for c in cases if c.code == code), None)
    if case is None:
        await query.answer(_("This button is out of date."))
        raise ApplicationHandlerStop  # answered: later groups must not answer again
    context.user_data[RELAY_KEY] = case.id
    await query.answer()
    await query.message.reply_text(
        _(
            "✍️ Write your message for the desk about <code>{code}</code>. Text, photos, "
            "documents and voice notes can be passed on. Send /cancel to stop.",
            code=case.code,
        ),
        parse_mode=ParseMode.HTML,
    )
    raise ApplicationHandlerStop


async def reporter_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    report_id = _reporter_case(update, context)
    if report_id is None:
        return
    _ = translator(update, context)
    if message.text and message.text.startswith("/"):
        if message.text.split()[0].split("@")[0] == "/cancel":
            await message.reply_text(_("Not sent."))
            raise ApplicationHandlerStop
        return  # another command: the reply is abandoned, the command runs
    content = relay_content(message)
    if content is None:
        await message.reply_text(
            _("I can pass on text, photos, documents, videos and voice notes only.")
        )
        raise ApplicationHandlerStop
    svc = services(context)
    svc.reporters.relay(TO_DESK, report_id, {"message_id": message.message_id, **content})
    outbox.wake(context)
    report = svc.reports.get(report_id)
    await message.reply_text(
        _("✅ Passed on to the desk (<code>{code}</code>).", code=report.code if report else ""),
        parse_mode=ParseMode.HTML,
    )
    raise ApplicationHandlerStop


def _reporter_case(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """The case this message answers: a reply to our message about a case, or else the
    case of the last "Reply to the desk" pressed (a reply names its case more surely)."""
    message = update.effective_message
    chosen = context.user_data.pop(RELAY_KEY, None) if context.user_data is not None else None
    target = message.reply_to_message
    if target is None or target.from_user is None or target.from_user.id != context.bot.id:
        return chosen
    replied = services(context).reporters.case_of_reply(update.effective_user.id, target.message_id)
    return replied if replied is not None else chosen


# -- desk → reporter -------------------------------------------------------------------------
async def desk_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    message = update.effective_message
    target = message.reply_to_message
    if not in_desk(svc, message.chat.id) or target is None or target.from_user is None:
        return
    if target.from_user.id != context.bot.id:
        return
    found = svc.reporters.desk_message(message.chat.id, target.message_id)
    if found is None or found[1] not in RELAYABLE_DESK_MESSAGES:
        return
    if (message.text or message.caption or "").startswith(INTERNAL_NOTE):
        return
    await _relay_to_reporter(message, context, found[0])


async def _relay_to_reporter(
    message: Message, context: ContextTypes.DEFAULT_TYPE, report_id: int
) -> None:
    svc = services(context)
    _ = desk_translator(svc)
    report = svc.reports.get(report_id)
    content = relay_content(message)
    if report is None or content is None:
        await message.reply_text(
            _("Only text, photos, documents, videos and voice notes can be passed on.")
        )
        return
    link = svc.reporters.link(report_id)
    if link is None or link.forget_after_delivery:
        await message.reply_text(unreachable_note(_, report), parse_mode=ParseMode.HTML)
        return
    payload = {"chat_id": message.chat.id, "message_id": message.message_id, **content}
    svc.reporters.relay(TO_REPORTER, report_id, payload)
    outbox.wake(context)


def register(application: Application) -> None:
    private = filters.ChatType.PRIVATE & ~filters.StatusUpdate.ALL
    application.add_handler(
        CallbackQueryHandler(reply_button, pattern=rf"^{RELAY_PREFIX}(:|$)"), group=RELAY_GROUP
    )
    application.add_handler(MessageHandler(private, reporter_message), group=RELAY_GROUP)
    desk = services(application).settings.desk_chat_id
    if desk is not None:
        replies = filters.Chat(desk) & filters.REPLY & ~filters.COMMAND
        application.add_handler(MessageHandler(replies, desk_reply), group=RELAY_GROUP)
