"""The coordination desk's side: the case card, its status buttons, reminders and /cases.

Everything here is in the desk's language (the default language). Only presses made in
DESK_CHAT_ID count: anyone who can see a card there may change its status, so the desk
group must be closed to outsiders. A card never shows who reported unless the reporter
chose to be shown.
"""

from __future__ import annotations

import dataclasses
import html
import logging
from dataclasses import dataclass

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.core.desks.routing import Desk
from bot.core.reports.case_status import (
    CHOICES,
    MAX_PEOPLE,
    OUTCOME_LABELS,
    STATUS_EMOJI,
    STATUS_LABELS,
    TRANSITIONS,
    Outcome,
    Status,
    outcome_of,
    people_of,
    status_of,
)
from bot.core.reports.draft import MAX_NOTE, ShownIdentity, normalise_code
from bot.core.reports.identifiers import Kind
from bot.core.tghtml import rendered_length, utf16_len
from bot.i18n import Translator
from bot.services import Services
from bot.storage.reports import CardIdentifier, Report, StoredEvidence
from bot.telegram import keyboards, outbox
from bot.telegram.commands import names
from bot.telegram.common import services
from bot.telegram.desk_chat import announce_migration, desk_of_chat, record_migration
from bot.telegram.report_format import (
    category_text,
    clip,
    occurred_text,
    pack,
    place_text,
    status_text,
    when_text,
)

log = logging.getLogger(__name__)

PREFIX = "dk"
SET, CLOSE, OUTCOME, BACK, COUNT = "s", "c", "o", "b", "n"
COUNT_BUTTONS = 5  # "departure prevented": buttons for 1 to 5 people, then "more" to type
COUNT_KIND = "count"  # a desk message asking how many people: a reply to it is the number
COUNT_GROUP = -4  # before the relay (-1) and the broadcast drafts (-2) see the reply
MAX_CARD = 4096
MAX_IDENTIFIERS_SHOWN = 12
MIN_CARD_DETAILS = 100  # UTF-16 code units of the details kept however long the rest is
MIN_CARD_NOTE = 60
CONTINUATION_BODY = 3900  # UTF-16 units of report text per continuation message
CASES_LISTED = 30
IDENTIFIER_ICONS = {
    Kind.PHONE: "📞",
    Kind.WHATSAPP: "💬",
    Kind.LINK: "🔗",
    Kind.DOMAIN: "🌐",
    Kind.HANDLE: "👤",
    Kind.EMAIL: "✉️",
    Kind.BANK_ACCOUNT: "🏦",
    Kind.AGENCY: "🏢",
}


def desk_translator(svc: Services) -> Translator:
    return svc.i18n.translator(svc.settings.default_language)


# -- the card --------------------------------------------------------------------------------
def card_text(svc: Services, report: Report, identity: bool = True) -> str:
    """The whole card in one message. Telegram counts its length in UTF-16 code units after
    the HTML is parsed; what does not fit is cut, the details first (down to a few lines),
    then the reporter's notes, then the identifiers shown.

    `identity=False` leaves a shown name out: a card is always sent that way first, and the
    name is added by an edit once the card's message id is recorded, so a copy the bot
    never heard back about (a timeout, a crash) can never carry it."""
    _ = desk_translator(svc)
    if not identity and report.shown_identity is not None:
        report = dataclasses.replace(report, shown_identity=None)
        pending = True
    else:
        pending = False
    evidence = svc.reports.evidence(report.id)
    identifiers = svc.reports.identifiers(report.id)
    fit = _Fit(report.details, MAX_NOTE, MAX_IDENTIFIERS_SHOWN)
    while True:
        text = _card_text(_, svc, report, evidence, identifiers, fit, pending)
        excess = rendered_length(text, strict_ampersand=False) - MAX_CARD
        if excess <= 0 or not fit.shorten(excess):
            return text


def card_is_complete(svc: Services, report: Report) -> bool:
    """Whether the card shows the whole report, nothing cut to fit one message."""
    _ = desk_translator(svc)
    evidence = svc.reports.evidence(report.id)
    identifiers = svc.reports.identifiers(report.id)
    fit = _Fit(report.details, MAX_NOTE, MAX_IDENTIFIERS_SHOWN)
    text = _card_text(_, svc, report, evidence, identifiers, fit)
    return rendered_length(text, strict_ampersand=False) <= MAX_CARD


def continuation_texts(svc: Services, report: Report) -> list[str]:
    """The whole text of a report that did not fit on its card (details, then every note
    and link), in as many messages as it takes: the desk always sees everything."""
    _ = desk_translator(svc)
    notes = [e.text for e in svc.reports.evidence(report.id) if e.kind == "note" and e.text]
    sections = [_("Details:") + "\n" + report.details]
    if notes:
        sections.append(
            _("Notes and links from the reporter:") + "\n" + "\n".join(f"• {n}" for n in notes)
        )
    pieces = pack(sections, CONTINUATION_BODY)
    return [
        _(
            "📄 Full text of <code>{code}</code> ({n}/{total})",
            code=report.code,
            n=number,
            total=len(pieces),
        )
        + "\n\n"
        + html.escape(piece)
        for number, piece in enumerate(pieces, start=1)
    ]


@dataclass
class _Fit:
    """How much of the longer parts of a card to show."""

    details: str
    note_limit: int
    identifiers: int

    def shorten(self, excess: int) -> bool:
        """Cut the next thing that can still be cut; False when nothing can."""
        length = utf16_len(self.details)
        if length > MIN_CARD_DETAILS:
            self.details = clip(self.details, max(length - excess - 50, MIN_CARD_DETAILS))
        elif self.note_limit > MIN_CARD_NOTE:
            self.note_limit = max(self.note_limit // 2, MIN_CARD_NOTE)
        elif self.identifiers > 0:
            self.identifiers -= 1
        else:
            return False
        return True


def _card_text(
    _: Translator,
    svc: Services,
    report: Report,
    evidence: list[StoredEvidence],
    identifiers: list[CardIdentifier],
    fit: _Fit,
    pending: bool = False,
) -> str:
    head = _("🚨 <b>URGENT</b> report") if report.urgent else _("📋 Report")
    lines = [
        f"{head} <code>{report.code}</code>",
        "",
        _("<b>What:</b> {value}", value=category_text(_, report.category)),
        _(
            "<b>Where:</b> {value}",
            value=place_text(_, svc.provinces, report.province, report.place),
        ),
        _("<b>When:</b> {value}", value=occurred_text(_, report.occurred) or "–"),
        _("<b>Received:</b> {value}", value=when_text(report.created_at, _.lang)),
        "",
        _("<b>Details</b>"),
        html.escape(fit.details),
    ]
    lines += _evidence_lines(_, evidence, fit.note_limit)
    lines += _identifier_lines(_, identifiers, fit.identifiers)
    reporter = _pending_line(_) if pending else _reporter_line(_, report.shown_identity)
    lines += ["", reporter, _status_line(_, report)]
    return "\n".join(lines)


def _evidence_lines(_: Translator, evidence: list[StoredEvidence], note_limit: int) -> list[str]:
    files = [item for item in evidence if item.kind != "note"]
    notes = [item for item in evidence if item.kind == "note"]
    lines: list[str] = []
    if notes:
        lines += ["", _("<b>Notes and links from the reporter</b>")]
        lines += [f"• {html.escape(clip(item.text or '', note_limit))}" for item in notes]
    if files:
        lines += [
            "",
            _.plural("📎 {n} file, copied below.", "📎 {n} files, copied below.", len(files)),
        ]
    missing = sum(item.copy_failed for item in files)
    if missing:
        lines.append(
            _.plural(
                "⚠️ {n} file could not be copied: the reporter deleted it or blocked the bot.",
                "⚠️ {n} files could not be copied: the reporter deleted them or blocked the bot.",
                missing,
            )
        )
    return lines


def _identifier_lines(_: Translator, identifiers: list[CardIdentifier], shown: int) -> list[str]:
    if not identifiers:
        return []
    lines = ["", _("<b>Identifiers</b>")]
    for item in identifiers[:shown]:
        icon = IDENTIFIER_ICONS.get(Kind(item.kind), "•")
        lines.append(f"{icon} <code>{html.escape(item.display)}</code> — {_seen(_, item)}")
    hidden = len(identifiers) - shown
    if hidden > 0:
        lines.append(_.plural("… and {n} more", "… and {n} more", hidden))
    return lines


def _seen(_: Translator, item: CardIdentifier) -> str:
    if item.other_reports <= 0:
        return _("first report")
    seen = _.plural("seen in {n} other report", "seen in {n} other reports", item.other_reports)
    codes = ", ".join(f"<code>{code}</code>" for code in item.other_codes)
    return f"<b>{seen}</b>: {codes}"


def _reporter_line(_: Translator, shown: ShownIdentity | None) -> str:
    if shown is None:
        return _("<b>Reporter:</b> hidden (anonymous)")
    who = f'<a href="tg://user?id={int(shown.user_id)}">{html.escape(shown.name)}</a>'
    if shown.username:
        who += " @" + html.escape(shown.username)
    if shown.phone:
        who += ", " + html.escape(shown.phone)
    return _("<b>Reporter</b> (chose to be shown): {who}", who=who)


def _pending_line(_: Translator) -> str:
    return _("<b>Reporter</b> (chose to be shown): the name follows in a moment")


def outcome_status(
    _: Translator, status: Status, outcome: Outcome | None, people: int | None
) -> str:
    """A status for the desk, with how many people a prevented departure counted."""
    text = status_text(_, status, outcome)
    if status is Status.CLOSED and outcome is Outcome.PREVENTED and people:
        text += " · " + _.plural("{n} person", "{n} people", people)
    return text


def _status_line(_: Translator, report: Report) -> str:
    status = outcome_status(_, report.status, report.outcome, report.outcome_people)
    if report.status is Status.NEW:
        due = when_text(report.ack_due_at, _.lang, with_year=False)
        return _("<b>Status:</b> {status}, acknowledge by {due}", status=status, due=due)
    changed = when_text(report.status_at, _.lang, with_year=False) if report.status_at else ""
    return _(
        "<b>Status:</b> {status} ({who}, {when})",
        status=status,
        who=html.escape(report.status_by or "?"),
        when=changed,
    )


def card_markup(svc: Services, report: Report) -> InlineKeyboardMarkup:
    _ = desk_translator(svc)
    buttons = [_status_button(_, report, status) for status in TRANSITIONS[report.status]]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup(rows)


def _status_button(_: Translator, report: Report, status: Status) -> InlineKeyboardButton:
    if status is Status.CLOSED:
        return _desk_button(_("🏁 Close…"), CLOSE, report.code)
    if report.status in (Status.CLOSED, Status.SPAM):
        return _desk_button("↩️ " + _("Reopen"), SET, report.code, status.value)
    return _desk_button(_action_label(_, status), SET, report.code, status.value)


def _action_label(_: Translator, status: Status) -> str:
    """Buttons say what pressing them does."""
    labels = {
        Status.ACKNOWLEDGED: _("✅ Acknowledge"),
        Status.IN_PROGRESS: _("🔎 Working on it"),
        Status.NEED_INFO: _("❓ Need more information"),
        Status.SPAM: _("🚫 Spam"),
    }
    return labels.get(status) or f"{STATUS_EMOJI[status]} {_(STATUS_LABELS[status])}"


def _outcome_markup(_: Translator, report: Report) -> InlineKeyboardMarkup:
    rows = [
        [_desk_button(f"🏁 {_(OUTCOME_LABELS[o])}", OUTCOME, report.code, o.value)] for o in CHOICES
    ]
    rows.append([_desk_button(_("⬅️ Back"), BACK, report.code)])
    return InlineKeyboardMarkup(rows)


def _count_markup(_: Translator, report: Report) -> InlineKeyboardMarkup:
    """How many people did not leave: 1 to 5 as buttons, more typed as a reply."""
    prevented = Outcome.PREVENTED.value
    numbers = [
        _desk_button(str(n), OUTCOME, report.code, prevented, str(n))
        for n in range(1, COUNT_BUTTONS + 1)
    ]
    return InlineKeyboardMarkup(
        [
            numbers,
            [_desk_button(_("More than {n}…", n=COUNT_BUTTONS), COUNT, report.code)],
            [_desk_button(_("⬅️ Back"), CLOSE, report.code)],
        ]
    )


def _desk_button(label: str, *values: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=keyboards.data(PREFIX, *values))


def evidence_caption(svc: Services, report: Report, item: StoredEvidence, total: int) -> str:
    head = f"📎 <code>{report.code}</code> · {item.position}/{total}"
    if not item.text:
        return head
    return f"{head}\n{html.escape(clip(item.text, 900))}"


def reminder_text(svc: Services, report: Report) -> str:
    _ = desk_translator(svc)
    since = when_text(report.created_at, _.lang, with_year=False)
    if report.urgent:
        return _(
            "⏰ <b>Urgent report <code>{code}</code> is not acknowledged yet</b> (received "
            "{since}). Please look at it now and press ✅ on the card.",
            code=report.code,
            since=since,
        )
    return _(
        "⏰ Report <code>{code}</code> is not acknowledged yet (received {since}). Please "
        "press ✅ on the card when someone has looked at it.",
        code=report.code,
        since=since,
    )


# -- presses ---------------------------------------------------------------------------------
async def in_desk(svc: Services, chat_id: int | None) -> bool:
    return await svc.db.run(is_desk_chat, svc, chat_id)


async def chat_desk(svc: Services, chat_id: int | None) -> Desk | None:
    """The desk (central or regional) a chat is, or None."""
    return await svc.db.run(desk_of_chat, svc, chat_id)


def is_desk_chat(svc: Services, chat_id: int | None) -> bool:
    """`in_desk` for code already off the event loop: the central desk (DESK_CHAT_ID, or
    the supergroup it became) or a regional desk's chat."""
    return desk_of_chat(svc, chat_id) is not None


def desk_member(svc: Services, user: User | None, desk: Desk | None = None) -> bool:
    """Whether this person may act on cases here: the desk's own `members` list when the
    routing file gives one, else DESK_MEMBER_IDS, else everyone in the desk chat (the
    others can still read the cards)."""
    members = desk.members if desk is not None and desk.members else None
    members = members or svc.settings.desk_member_ids
    return not members or (user is not None and user.id in members)


def may_act(svc: Services, desk: Desk, report: Report) -> bool:
    """The central desk acts on every case, a regional desk only on the cases it owns."""
    return desk.may_act_on(report.desk_key or svc.desks.central.key)


def not_your_case(svc: Services, _: Translator, report: Report) -> str:
    owner = svc.desks.by_key(report.desk_key) or svc.desks.central
    return _(
        "Sorry, case {code} belongs to {desk}: only that desk and the central desk can act on it.",
        code=report.code,
        desk=owner.name,
    )


def not_a_member(_: Translator) -> str:
    return _(
        "Sorry, only the desk members on duty can change a case or reply to a reporter. "
        "You can still read everything here."
    )


def staff_name(user: User | None) -> str:
    if user is None:
        return "?"
    return f"{user.full_name} (@{user.username})" if user.username else user.full_name


async def desk_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    svc = services(context)
    _ = desk_translator(svc)
    chat = query.message.chat.id if query.message else None
    desk = await chat_desk(svc, chat)
    if desk is None:
        await query.answer(_("Only the coordination desk can change a case."))
        return
    if not desk_member(svc, query.from_user, desk):
        await query.answer(not_a_member(_), show_alert=True)
        return
    _prefix, values = keyboards.parse(query.data)
    code = normalise_code(values[1]) if len(values) >= 2 else None
    report = await svc.db.run(svc.reports.by_code, code) if code else None
    if report is None:
        await query.answer(_("This button is out of date."))
        return
    if not may_act(svc, desk, report):
        await query.answer(not_your_case(svc, _, report), show_alert=True)
        return
    await _act(update, context, values, report)


async def _act(
    update: Update, context: ContextTypes.DEFAULT_TYPE, values: list[str], report: Report
) -> None:
    svc = services(context)
    _ = desk_translator(svc)
    query = update.callback_query
    action = values[0]
    markup = await svc.db.run(_menu, svc, _, report, values)
    if markup is not None:
        await query.answer()
        await _swap_markup(update, markup)
        return
    if action == COUNT and len(values) == 2:
        await query.answer()
        await _ask_count(update, context, report)
        return
    status, outcome, people = _decision(values)
    if status is None:
        await query.answer(_("This button is out of date."))
        return
    who = query.from_user
    changed = await svc.db.run(
        svc.reports.change_status, report.id, status, outcome, staff_name(who), who.id, people
    )
    outbox.wake(context)
    if changed is None:
        await query.answer(_("The case has moved on: the card shows its current status."))
        return
    text = outcome_status(_, status, outcome, people)
    await query.answer(_("Status: {status}", status=text))


def _menu(
    svc: Services, _: Translator, report: Report, values: list[str]
) -> InlineKeyboardMarkup | None:
    """The buttons a press opens instead of deciding: the outcomes, the counts, or back."""
    if len(values) == 2 and values[0] == CLOSE:
        return _outcome_markup(_, report)
    if len(values) == 2 and values[0] == BACK:
        return card_markup(svc, report)
    if values[0] == OUTCOME and values[2:] == [Outcome.PREVENTED.value]:
        return _count_markup(_, report)
    return None


async def _ask_count(update: Update, context: ContextTypes.DEFAULT_TYPE, report: Report) -> None:
    """ "More than 5": ask for the number as a reply. The question is recorded as a desk
    message of its own kind, so the reply is read as the count (even after a restart) and
    never passed on to the reporter."""
    svc = services(context)
    _ = desk_translator(svc)
    chat = update.callback_query.message.chat.id
    asked = await context.bot.send_message(
        chat,
        _(
            "🏁 How many people did not leave in case <code>{code}</code>? Reply to this "
            "message with a number from 1 to {max}.",
            code=report.code,
            max=MAX_PEOPLE,
        ),
        parse_mode=ParseMode.HTML,
        reply_markup=ForceReply(input_field_placeholder="7"),
    )
    await svc.db.run(svc.reporters.add_desk_message, chat, asked.message_id, report.id, COUNT_KIND)


async def count_typed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A reply to "how many people": close the case as prevented with that number."""
    svc = services(context)
    message = update.effective_message
    target = message.reply_to_message
    if target is None or target.from_user is None or target.from_user.id != context.bot.id:
        return
    desk = await chat_desk(svc, message.chat.id)
    if desk is None:
        return
    found = await svc.db.run(svc.reporters.desk_message, message.chat.id, target.message_id)
    if found is None or found[1] != COUNT_KIND:
        return
    _ = desk_translator(svc)
    if not desk_member(svc, message.from_user, desk):
        await message.reply_text(not_a_member(_))
        raise ApplicationHandlerStop
    report = await svc.db.run(svc.reports.get, found[0])
    if report is not None and not may_act(svc, desk, report):
        await message.reply_text(not_your_case(svc, _, report))
        raise ApplicationHandlerStop
    people = people_of(message.text or "")
    if people is None:
        await message.reply_text(
            _("Please reply with a whole number from 1 to {max}, for example 7.", max=MAX_PEOPLE)
        )
        raise ApplicationHandlerStop
    who = message.from_user
    changed = await svc.db.run(
        svc.reports.change_status,
        found[0],
        Status.CLOSED,
        Outcome.PREVENTED,
        staff_name(who),
        who.id if who else None,
        people,
    )
    outbox.wake(context)
    if changed is None:
        await message.reply_text(_("The case has moved on: the card shows its current status."))
    else:
        text = outcome_status(_, Status.CLOSED, Outcome.PREVENTED, people)
        await message.reply_text(_("Status: {status}", status=text))
    raise ApplicationHandlerStop


def _decision(values: list[str]) -> tuple[Status | None, Outcome | None, int | None]:
    """(status, outcome, people) from `s:CODE:status`, `o:CODE:outcome` or
    `o:CODE:prevented:N`; all None if forged (the storage checks they go together)."""
    if values[0] == SET and len(values) == 3:
        status = status_of(values[2])
        return (status, None, None) if status is not Status.CLOSED else (None, None, None)
    if values[0] == OUTCOME and len(values) in (3, 4):
        outcome = outcome_of(values[2])
        people = people_of(values[3]) if len(values) == 4 else None
        if outcome is None or (len(values) == 4 and people is None):
            return None, None, None
        return Status.CLOSED, outcome, people
    return None, None, None


async def _swap_markup(update: Update, markup: InlineKeyboardMarkup) -> None:
    try:
        await update.callback_query.edit_message_reply_markup(markup)
    except BadRequest as exc:
        log.info("could not change the card's buttons: %s", exc)


# -- /cases ----------------------------------------------------------------------------------
async def cases_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/cases: the open cases this desk may act on (a regional desk's own, or all)."""
    svc = services(context)
    desk = await chat_desk(svc, update.effective_chat.id if update.effective_chat else None)
    if desk is None:
        return
    await update.effective_message.reply_text(
        await svc.db.run(cases_text, svc, desk),
        parse_mode=ParseMode.HTML,
        disable_notification=True,
    )


def cases_text(svc: Services, desk: Desk | None = None) -> str:
    _ = desk_translator(svc)
    only = desk.key if desk is not None and not desk.central else None
    cases, total = svc.reports.open_cases(CASES_LISTED, only)
    if not total:
        return _("No open cases. 🎉")
    overdue = svc.reports.overdue_count(only)
    lines = [
        _.plural("📋 <b>{n} open case</b>", "📋 <b>{n} open cases</b>", total)
        + (", " + _.plural("{n} overdue", "{n} overdue", overdue) if overdue else "")
    ]
    now = svc.report_outbox.clock.now()
    lines += [
        _case_line(_, case, case.status is Status.NEW and now >= case.ack_due_at) for case in cases
    ]
    if total > len(cases):
        lines.append(_.plural("… and {n} more", "… and {n} more", total - len(cases)))
    return "\n".join(lines)


def _case_line(_: Translator, case: Report, overdue: bool) -> str:
    marks = ("⏰" if overdue else "") + ("🚨" if case.urgent else "")
    since = when_text(case.created_at, _.lang, with_year=False)
    return (
        f"{marks}<code>{case.code}</code> · {category_text(_, case.category)} · "
        f"{status_text(_, case.status)} · {since}"
    )


# -- the desk chat moves, /chatid ------------------------------------------------------------
async def chat_migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The desk group was upgraded to a supergroup: follow it (the old group's service
    message names the new id; the new one's names the old)."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    svc = services(context)
    moved = await svc.db.run(record_migration, svc, old, new)
    if moved is not None:
        outbox.wake(context)
        await announce_migration(context.bot, svc, moved, new)


async def chat_id_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/chatid, for ADMIN_IDS only: the id and type of the chat it is sent in, so nobody
    needs DEBUG logs to find the desk group's DESK_CHAT_ID."""
    svc = services(context)
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or user.id not in svc.settings.admin_ids:
        return
    _ = desk_translator(svc)
    await update.effective_message.reply_text(
        _(
            "This chat's id is <code>{id}</code> (type: {type}). To make it the desk, set "
            "DESK_CHAT_ID={id} and restart the bot.",
            id=chat.id,
            type=chat.type,
        ),
        parse_mode=ParseMode.HTML,
    )


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(desk_pressed, pattern=rf"^{PREFIX}(:|$)"))
    replies = filters.ChatType.GROUPS & filters.UpdateType.MESSAGE & filters.REPLY & filters.TEXT
    application.add_handler(
        MessageHandler(replies & ~filters.COMMAND, count_typed), group=COUNT_GROUP
    )
    application.add_handler(CommandHandler(names("chatid"), chat_id_command))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, chat_migrated))
    application.add_handler(CommandHandler("cases", cases_command, filters=filters.ChatType.GROUPS))
