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

from bot.core.desks.routing import Desk
from bot.core.reports.draft import normalise_code
from bot.core.tghtml import rendered_length
from bot.i18n import Translator
from bot.services import Services
from bot.storage.audit import REPLY
from bot.storage.reports import Report
from bot.telegram import keyboards, outbox
from bot.telegram.commands import is_command
from bot.telegram.common import services, translator
from bot.telegram.handlers.desk import (
    chat_desk,
    desk_member,
    desk_translator,
    may_act,
    not_a_member,
    not_your_case,
    staff_name,
)
from bot.telegram.handlers.status import RELAY_PREFIX
from bot.telegram.report_format import split_text

RELAY_GROUP = -1  # before the report form and the FAQ, which would take the text otherwise
RELAY_KEY = "relay_to_case"
RELAYED_KINDS = ("photo", "document", "video", "voice", "audio", "animation")
INTERNAL_NOTE = "#"
MAX_PART = 3800  # UTF-16 units of relayed text per message, leaving room for the header
MAX_CAPTION = 1024
TO_DESK, TO_REPORTER = "to_desk", "to_reporter"
MIRROR = "mirror"  # a desk's note or reply, shown under the case's card in its other desk
NOTE_MIRROR, REPLY_MIRROR = "note", "reply"
RELAYABLE_DESK_MESSAGES = ("card", "reporter")


def relay_content(message: Message) -> dict[str, str] | None:
    """What to pass on, whole: {"kind", "text"} for text or a captionable file, else None."""
    if message.text:
        return {"kind": "text", "text": message.text}
    kind = next((k for k in RELAYED_KINDS if getattr(message, k, None)), None)
    if kind is None:
        return None
    return {"kind": kind, "text": message.caption or ""}


def _parts(head: str, text: str, tail: str = "") -> list[str]:
    """`head`, the text (escaped, split so every message fits) and `tail` on the last one.
    Several parts are numbered, so the reader knows none is missing."""
    pieces = split_text(text, MAX_PART) if text else [""]
    parts = []
    for number, piece in enumerate(pieces, start=1):
        counter = f" ({number}/{len(pieces)})" if len(pieces) > 1 else ""
        body = f"\n\n{html.escape(piece)}" if piece else ""
        end = f"\n\n{tail}" if tail and number == len(pieces) else ""
        parts.append(f"{head}{counter}{body}{end}")
    return parts


def fits_caption(text: str) -> bool:
    return rendered_length(text, strict_ampersand=False) <= MAX_CAPTION


# -- texts -----------------------------------------------------------------------------------
def _reporter_head(_: Translator, report: Report) -> str:
    return _(
        "💬 <b>Message from the coordination desk</b> about your report <code>{code}</code>:",
        code=report.code,
    )


def _reporter_tail(_: Translator) -> str:
    return _("<i>Reply to this message, or tap the button, to answer the desk.</i>")


def to_reporter_text(_: Translator, report: Report, text: str) -> str:
    body = f"\n\n{html.escape(text)}" if text else ""
    return f"{_reporter_head(_, report)}{body}\n\n{_reporter_tail(_)}"


def to_reporter_parts(_: Translator, report: Report, text: str) -> list[str]:
    return _parts(_reporter_head(_, report), text, _reporter_tail(_))


def _desk_head(_: Translator, report: Report) -> str:
    return _("💬 <b>The reporter of <code>{code}</code> writes:</b>", code=report.code)


def to_desk_text(_: Translator, report: Report, text: str) -> str:
    head = _desk_head(_, report)
    return f"{head}\n\n{html.escape(text)}" if text else head


def to_desk_parts(_: Translator, report: Report, text: str) -> list[str]:
    return _parts(_desk_head(_, report), text)


def desk_messages(_: Translator, report: Report, content: dict[str, str]) -> int:
    """How many desk messages a relay becomes (told to the reporter truthfully)."""
    if content["kind"] == "text":
        return len(to_desk_parts(_, report, content["text"]))
    if fits_caption(to_desk_text(_, report, content["text"])):
        return 1
    return 1 + len(to_desk_parts(_, report, content["text"]))


def mirror_head(_: Translator, report: Report, desk: str, kind: str) -> str:
    """The line above what another desk wrote about a case."""
    if kind == REPLY_MIRROR:
        return _(
            "💬 <b>{desk}</b> wrote to the reporter of <code>{code}</code>:",
            desk=html.escape(desk),
            code=report.code,
        )
    return _(
        "📝 <b>Note from {desk}</b> on <code>{code}</code>:",
        desk=html.escape(desk),
        code=report.code,
    )


def mirror_parts(head: str, text: str) -> list[str]:
    return _parts(head, text)


def mirror_caption(head: str, text: str) -> str:
    """A file's caption under another desk's card: the head and as much of the caption as
    fits (the desk that wrote it has the whole)."""
    caption = f"{head}\n\n{html.escape(text)}" if text else head
    while text and not fits_caption(caption):
        text = text[: max(len(text) - 100, 0)]
        caption = f"{head}\n\n{html.escape(text)}…" if text else head
    return caption


def delivered_note(_: Translator) -> str:
    return _("✅ Delivered to the reporter.")


def unreachable_note(_: Translator, report: Report) -> str:
    return _(
        "⚠️ Not delivered: the reporter of <code>{code}</code> can no longer be reached (they "
        "blocked the bot or deleted their data, or the case was closed long ago).",
        code=report.code,
    )


def finished_text(_: Translator, report: Report) -> str:
    return _(
        "Your report <code>{code}</code> is finished, so messages about it no longer go to "
        "the desk. Thank you for your help! If you have something new, send a new report "
        "with /report. If someone is in danger right now, call the police on <b>110</b>.",
        code=report.code,
    )


# -- reporter → desk -------------------------------------------------------------------------
async def reply_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "Reply to the desk": the next message this person sends goes to the desk."""
    query = update.callback_query
    _ = translator(update, context)
    _prefix, values = keyboards.parse(query.data)
    code = normalise_code(values[0]) if values else None
    svc = services(context)
    cases = await svc.db.run(svc.reporters.cases_of, query.from_user.id)
    case = next((c for c in cases if c.code == code), None)
    if case is None:
        await query.answer(_("This button is out of date."))
        raise ApplicationHandlerStop  # answered: later groups must not answer again
    if case.finished:
        await query.answer()
        await query.message.reply_text(finished_text(_, case), parse_mode=ParseMode.HTML)
        raise ApplicationHandlerStop
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
    report_id = await _reporter_case(update, context)
    if report_id is None:
        return
    _ = translator(update, context)
    if message.text and message.text.startswith("/"):
        if is_command(message.text, "cancel"):
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
    case, report = await svc.db.run(_relay_to_desk, svc, report_id, message.message_id, content)
    if case is not None and case.finished:
        await message.reply_text(finished_text(_, case), parse_mode=ParseMode.HTML)
        raise ApplicationHandlerStop
    outbox.wake(context)
    code = report.code if report else ""
    messages = desk_messages(desk_translator(svc), report, content) if report else 1
    if messages > 1:
        text = _.plural(
            "✅ Passed on to the desk (<code>{code}</code>), all of it, in {n} message.",
            "✅ Passed on to the desk (<code>{code}</code>), all of it, in {n} messages.",
            messages,
            code=code,
        )
    else:
        text = _("✅ Passed on to the desk (<code>{code}</code>).", code=code)
    await message.reply_text(text, parse_mode=ParseMode.HTML)
    raise ApplicationHandlerStop


def _relay_to_desk(
    svc: Services, report_id: int, message_id: int, content: dict[str, str]
) -> tuple[Report | None, Report | None]:
    """Queue the reporter's message for the desk unless the case is finished; (the case
    before, the case after)."""
    case = svc.reports.get(report_id)
    if case is not None and case.finished:
        return case, case
    desks = svc.desks.desks_of(case.desk_key) if case is not None else ()
    with svc.db.transaction():  # one copy under each of the case's cards
        for desk in desks or (svc.desks.central,):
            where = {} if desk.central else {"desk": desk.key}
            svc.reporters.relay(TO_DESK, report_id, {"message_id": message_id, **content, **where})
    return case, svc.reports.get(report_id)


async def reporter_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edit of a message that answered the desk: it was passed on already, and passing it
    on again would look like a second message. Say so, instead of reading it as a question."""
    message = update.effective_message
    target = message.reply_to_message
    if target is None or target.from_user is None or target.from_user.id != context.bot.id:
        return
    svc = services(context)
    replied = svc.reporters.case_of_reply
    if await svc.db.run(replied, update.effective_user.id, target.message_id) is None:
        return
    _ = translator(update, context)
    await message.reply_text(
        _(
            "Changes to a message are not passed on: the desk has what you sent first. To "
            "correct or add something, reply again with a new message."
        )
    )
    raise ApplicationHandlerStop


async def _reporter_case(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """The case this message answers: a reply to our message about a case, or else the
    case of the last "Reply to the desk" pressed (a reply names its case more surely)."""
    message = update.effective_message
    chosen = context.user_data.pop(RELAY_KEY, None) if context.user_data is not None else None
    target = message.reply_to_message
    if target is None or target.from_user is None or target.from_user.id != context.bot.id:
        return chosen
    svc = services(context)
    case_of = svc.reporters.case_of_reply
    replied = await svc.db.run(case_of, update.effective_user.id, target.message_id)
    return replied if replied is not None else chosen


# -- desk → reporter -------------------------------------------------------------------------
async def desk_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    message = update.effective_message
    target = message.reply_to_message
    if target is None or target.from_user is None or target.from_user.id != context.bot.id:
        return
    desk = await chat_desk(svc, message.chat.id)
    if desk is None:
        return
    found = await svc.db.run(_case_of_desk_message, svc, message.chat.id, target.message_id)
    if found is None:
        return
    if (message.text or message.caption or "").startswith(INTERNAL_NOTE):
        await _internal_note(message, context, desk, found)
        return
    _ = desk_translator(svc)
    if not desk_member(svc, message.from_user, desk):
        await message.reply_text(not_a_member(_))
        return
    if not may_act(svc, desk, found):
        await message.reply_text(not_your_case(svc, _, found))
        return
    await _relay_to_reporter(message, context, found.id, desk)


def _case_of_desk_message(svc: Services, chat_id: int, message_id: int) -> Report | None:
    """The case of a card (or a reporter's message) in a desk chat; None for other messages."""
    found = svc.reporters.desk_message(chat_id, message_id)
    if found is None or found[1] not in RELAYABLE_DESK_MESSAGES:
        return None
    return svc.reports.get(found[0])


async def _internal_note(
    message: Message, context: ContextTypes.DEFAULT_TYPE, desk: Desk, report: Report
) -> None:
    """A "#" note stays among the desks: it is shown under the case's card in its other desk
    (the central one, or the owning regional one), never to the reporter."""
    svc = services(context)
    if not desk_member(svc, message.from_user, desk) or not may_act(svc, desk, report):
        return
    content = relay_content(message)
    if content is None:
        return
    queued = await svc.db.run(_queue_mirror, svc, message, report, desk, content, NOTE_MIRROR)
    if queued:
        outbox.wake(context)


def _queue_mirror(
    svc: Services,
    message: Message,
    report: Report,
    desk: Desk,
    content: dict[str, str],
    kind: str,
) -> int:
    """Queue a desk's note or reply for the case's other desk(s); returns how many."""
    others = [d for d in svc.desks.desks_of(report.desk_key) if d.key != desk.key]
    for other in others:
        payload = {
            "desk": other.key,
            "from_desk": desk.key,
            "mirror": kind,
            "chat_id": message.chat.id,
            "message_id": message.message_id,
            **content,
        }
        svc.report_outbox.enqueue(MIRROR, report.id, payload)
    return len(others)


async def _relay_to_reporter(
    message: Message, context: ContextTypes.DEFAULT_TYPE, report_id: int, desk: Desk
) -> None:
    svc = services(context)
    _ = desk_translator(svc)
    content = relay_content(message)
    report, reachable = await svc.db.run(
        _reply_for_reporter, svc, message, report_id, content, desk
    )
    if report is None or content is None:
        await message.reply_text(
            _("Only text, photos, documents, videos and voice notes can be passed on.")
        )
        return
    if not reachable:
        await message.reply_text(unreachable_note(_, report), parse_mode=ParseMode.HTML)
        return
    outbox.wake(context)


def _reply_for_reporter(
    svc: Services,
    message: Message,
    report_id: int,
    content: dict[str, str] | None,
    desk: Desk,
) -> tuple[Report | None, bool]:
    """Queue the desk's reply for the reporter (once, whichever desk wrote it), with its
    audit line and a copy for the case's other desk, if the case exists and the reporter
    can still be reached; (the report, whether it was queued)."""
    report = svc.reports.get(report_id)
    if report is None or content is None:
        return report, False
    link = svc.reporters.link(report_id)
    if link is None or link.forget_after_delivery:
        return report, False
    payload = {"chat_id": message.chat.id, "message_id": message.message_id, **content}
    if not desk.central:  # its "delivered" note goes to the regional group: that desk's lane
        payload["desk"] = desk.key
    with svc.db.transaction():
        svc.reporters.relay(TO_REPORTER, report_id, payload)
        who = message.from_user
        kind = content.get("kind") or "text"
        actor = who.id if who else None
        svc.audit.record(REPLY, actor, staff_name(who), report_id, report.code, kind)
        _queue_mirror(svc, message, report, desk, content, REPLY_MIRROR)
    return report, True


def register(application: Application) -> None:
    # New messages only: an edit of a message already passed on would arrive twice.
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & ~filters.StatusUpdate.ALL
    application.add_handler(
        CallbackQueryHandler(reply_button, pattern=rf"^{RELAY_PREFIX}(:|$)"), group=RELAY_GROUP
    )
    application.add_handler(MessageHandler(private, reporter_message), group=RELAY_GROUP)
    edits = filters.ChatType.PRIVATE & filters.UpdateType.EDITED_MESSAGE & filters.REPLY
    application.add_handler(MessageHandler(edits, reporter_edit), group=RELAY_GROUP)
    if services(application).settings.desk_chat_id is not None:
        # Any group: the desk may have become a supergroup with a new id (desk_reply checks).
        groups = filters.ChatType.GROUPS & filters.UpdateType.MESSAGE
        replies = groups & filters.REPLY & ~filters.COMMAND
        application.add_handler(MessageHandler(replies, desk_reply), group=RELAY_GROUP)
