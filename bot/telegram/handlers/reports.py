"""/lapor (/report): the guided tip-off, one question at a time, buttons where possible.

what → province → place → when → details → evidence → identity → summary (send, edit or
cancel). The draft is saved after every answer, so a closed app or a restart of the bot
costs nothing: the next /lapor offers to continue. Only a confirmed report is stored as a
case, and the reporter hears "received" only after it is safely on disk.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import warnings
from collections.abc import Awaitable, Callable

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.core.choices import province_resolver
from bot.core.reports.draft import (
    ABROAD,
    CATEGORY_EMOJI,
    CATEGORY_LABELS,
    MAX_DETAILS,
    MAX_EVIDENCE,
    MAX_FILE_BYTES,
    MAX_NOTE,
    MAX_PLACE,
    MAX_WHEN,
    MIN_DETAILS,
    NOTE,
    SPECIAL_PLACES,
    UNKNOWN,
    WHEN_LABELS,
    Category,
    Draft,
    Evidence,
    ShownIdentity,
    TextProblem,
    When,
    category_of,
    check_text,
    clean_text,
)
from bot.i18n import Translator
from bot.storage.reports import Report
from bot.telegram import keyboards, outbox
from bot.telegram.commands import names
from bot.telegram.common import LANGUAGE_KEY, services, translator
from bot.telegram.handlers import status
from bot.telegram.report_format import category_text, clip, occurred_text, place_text

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


# -- small helpers ---------------------------------------------------------------------------
def _data(*values: str) -> str:
    return keyboards.data(PREFIX, *values)


def _button(label: str, *values: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=_data(*values))


def _values(update: Update) -> list[str]:
    _prefix, values = keyboards.parse(update.callback_query.data)
    return values


def _draft(context: ContextTypes.DEFAULT_TYPE) -> Draft:
    draft = context.user_data.get(DRAFT_KEY)
    if draft is None:
        draft = context.user_data[DRAFT_KEY] = Draft()
    return draft


def _remember(update: Update, context: ContextTypes.DEFAULT_TYPE, step: str) -> Draft:
    """Save the draft with the step the reporter is on, so it can be resumed later."""
    draft = _draft(context)
    draft.step = step
    services(context).report_drafts.save(update.effective_user.id, draft)
    return draft


async def _say(update: Update, text: str, markup=None) -> Message:
    return await update.effective_message.reply_text(
        text, parse_mode=ParseMode.HTML, reply_markup=markup
    )


async def _chosen(update: Update, label: str) -> None:
    """Answer the press and show the choice under the question, without its buttons."""
    query = update.callback_query
    await query.answer()
    if not getattr(query.message, "text", None):
        return
    with contextlib.suppress(BadRequest):  # too old to edit, or already edited
        await query.edit_message_text(
            f"{query.message.text_html}\n\n➡️ <b>{label}</b>", parse_mode=ParseMode.HTML
        )


async def _set_markup(update: Update, markup: InlineKeyboardMarkup | None) -> None:
    """Change the buttons under the pressed message. A second tap on the same button (the
    buttons have already changed: "message is not modified") is no error."""
    with contextlib.suppress(BadRequest):
        await update.callback_query.edit_message_reply_markup(markup)


async def _stale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    await update.callback_query.answer(_("This button is out of date."))


def _over_limit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    svc = services(context)
    since = svc.report_outbox.clock.now() - dt.timedelta(days=1)
    sent = svc.reporters.count_since(update.effective_user.id, since)
    return sent >= svc.settings.report_daily_limit


def _text_problem(_: Translator, problem: TextProblem, maximum: int, minimum: int = 1) -> str:
    if problem is TextProblem.TOO_LONG:
        return _("That is too long: please keep it under {limit} characters.", limit=maximum)
    if problem is TextProblem.TOO_SHORT:
        return _("Please write a little more (at least {limit} characters).", limit=minimum)
    return _("Please answer in words.")


# -- starting --------------------------------------------------------------------------------
async def start_report(
    update: Update, context: ContextTypes.DEFAULT_TYPE, prefill: Draft | None = None
) -> str | int:
    """/lapor, /report or the "Report" button: check we can take it, then begin or resume.

    `prefill` is a report another feature filled in ("Laporkan ini" under a Cek Dulu
    answer); an unfinished report is offered first, and "start a new one" takes the prefill."""
    if not _private(update):
        return await _private_only(update, context)
    _ = translator(update, context)
    context.user_data.pop(PREFILL_KEY, None)
    if update.callback_query:
        await update.callback_query.answer()
    if services(context).settings.desk_chat_id is None:
        await _say(update, _unavailable_text(_))
        return END
    if _over_limit(update, context):
        await _say(update, _limit_text(_, services(context).settings.report_daily_limit))
        return END
    if _saved_draft(update, context) is not None:
        if prefill is not None:
            context.user_data[PREFILL_KEY] = prefill
        return await _offer_resume(update, context)
    return await _begin(update, context, prefill)


async def _begin(update: Update, context: ContextTypes.DEFAULT_TYPE, prefill: Draft | None) -> str:
    if prefill is None or not prefill.details:
        context.user_data[DRAFT_KEY] = prefill or Draft()
        return await ask_category(update, context, intro=True)
    context.user_data[DRAFT_KEY] = prefill
    return await ask_prefilled(update, context)


def _private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def _private_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A report button pressed in a group (the menu works there too): the form runs only in
    a private chat, where nobody else reads the tip-off and the evidence is the reporter's."""
    _ = translator(update, context)
    if update.callback_query:
        await update.callback_query.answer(
            _("Reports are taken only in a private chat with me. Open it and send /report."),
            show_alert=True,
        )
    return END


def _unavailable_text(_: Translator) -> str:
    return _(
        "Reporting through this bot is not available yet. Please use the official contacts "
        "in /emergency. If someone is in danger right now, call the police on <b>110</b>."
    )


def _limit_text(_: Translator, limit: int) -> str:
    return _.plural(
        "Thank you for reporting! You have already sent {n} report today, the most one "
        "person can send in a day, so that the desk is not overwhelmed. Please send more "
        "tomorrow. If someone is in danger right now, call the police on <b>110</b>.",
        "Thank you for reporting! You have already sent {n} reports today, the most one "
        "person can send in a day, so that the desk is not overwhelmed. Please send more "
        "tomorrow. If someone is in danger right now, call the police on <b>110</b>.",
        limit,
    )


def _saved_draft(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Draft | None:
    """The unfinished report in memory, or else the one saved before a restart."""
    if context.user_data.get(DRAFT_KEY) is not None:
        return context.user_data[DRAFT_KEY]
    svc = services(context)
    saved = svc.report_drafts.get(update.effective_user.id)
    if saved is None:
        return None
    draft, updated = saved
    if svc.report_outbox.clock.now() - updated > DRAFT_TTL:
        svc.report_drafts.delete(update.effective_user.id)
        return None
    context.user_data[DRAFT_KEY] = draft
    return draft


async def _offer_resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    markup = InlineKeyboardMarkup(
        [
            [_button(_("▶️ Continue it"), "resume")],
            [_button(_("🆕 Start a new one"), "fresh")],
        ]
    )
    await _say(update, _("You have an unfinished report. Continue it or start again?"), markup)
    return RESUME


async def resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    await _chosen(update, _("▶️ Continue it"))
    context.user_data.pop(PREFILL_KEY, None)
    draft = _draft(context)
    draft.editing = False
    if draft.step == CONFIRM and draft.complete:
        return await show_summary(update, context)
    return await PROMPTS.get(draft.step, ask_category)(update, context)


async def fresh(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    await _chosen(update, _("🆕 Start a new one"))
    return await _begin(update, context, context.user_data.pop(PREFILL_KEY, None))


# -- "Report this" under another feature's answer ------------------------------------------
async def start_from_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """`rp:msg:<category>`, the "Laporkan ini" button under a Cek Dulu answer: a report
    pre-filled with the message that answer replied to (its words as the details, its
    picture or file as evidence), then one question (where) and the summary."""
    values = _values(update)
    category = category_of(values[1]) if len(values) == 2 else None
    source = getattr(update.callback_query.message, "reply_to_message", None)
    if source is None:
        _ = translator(update, context)
        await update.callback_query.answer(
            _("I cannot find the checked message any more. Please send it again, or use /report."),
            show_alert=True,
        )
        return END
    draft = draft_from_message(source, category or Category.FAKE_JOB)
    return await start_report(update, context, prefill=draft)


def draft_from_message(message: Message, category: Category) -> Draft:
    words = message.text or message.caption or ""
    if words.startswith("/"):  # "/cek <text>": only the words after the command
        parts = words.split(None, 1)
        words = parts[1] if len(parts) == 2 else ""
    item = evidence_of(message)
    files = [item] if item is not None and item.is_file else []
    details = clip(clean_text(words), MAX_DETAILS) or None
    return Draft(category=category.value, details=details, evidence=files)


async def ask_prefilled(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    _draft(context).editing = True  # after the province, straight to the summary
    await _say(
        update,
        _(
            "📣 <b>Report to the coordination desk</b>\n\n"
            "I have filled in the message you checked (and its picture, if it had one) as the "
            "details. Tell me where it is happening, then check the summary and send it. Your "
            "identity stays hidden from the desk unless you choose to show it. Send /cancel at "
            "any time to stop."
        ),
    )
    return await ask_province(update, context)


async def stale_entry(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """A button of a form that is no longer open (timed out, or the bot restarted)."""
    if not _private(update):
        return await _private_only(update, context)
    if _saved_draft(update, context) is not None:
        await update.callback_query.answer()
        return await _offer_resume(update, context)
    await _stale(update, context)
    return END


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _ = translator(update, context)
    if update.callback_query:
        await _chosen(update, _("❌ Cancel"))
    context.user_data.pop(DRAFT_KEY, None)
    services(context).report_drafts.delete(update.effective_user.id)
    await update.effective_message.reply_text(
        _("Cancelled. Nothing was sent. You can report at any time with /report."),
        reply_markup=ReplyKeyboardRemove(),
    )
    return END


async def cannot_skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    await _say(update, _("This question cannot be skipped. Send /cancel to stop."))


# -- what ------------------------------------------------------------------------------------
async def ask_category(
    update: Update, context: ContextTypes.DEFAULT_TYPE, intro: bool = False
) -> str:
    _ = translator(update, context)
    _remember(update, context, CATEGORY)
    text = _("<b>What do you want to report?</b>")
    if intro:
        text = (
            _(
                "📣 <b>Report to the coordination desk</b>\n\n"
                "It takes about two minutes. The desk works with the police against illegal "
                "recruitment and trafficking. Your identity stays hidden from the desk unless "
                "you choose to show it. Send /cancel at any time to stop."
            )
            + "\n\n"
            + text
        )
    rows = [
        [_button(f"{CATEGORY_EMOJI[c]} {_(CATEGORY_LABELS[c])}", "cat", c.value)] for c in Category
    ]
    await _say(update, text, InlineKeyboardMarkup(rows))
    return CATEGORY


async def category_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    _ = translator(update, context)
    values = _values(update)
    category = category_of(values[1]) if len(values) == 2 else None
    if category is None:
        await _stale(update, context)
        return None
    await _chosen(update, category_text(_, category))
    _draft(context).category = category.value
    return await _next(update, context, PROVINCE)


async def _next(update: Update, context: ContextTypes.DEFAULT_TYPE, step: str) -> str:
    """The following question, or straight back to the summary when editing one answer."""
    draft = _draft(context)
    if draft.editing:
        draft.editing = False
        return await show_summary(update, context)
    return await PROMPTS[step](update, context)


# -- where -----------------------------------------------------------------------------------
def _province_markup(_: Translator, context: ContextTypes.DEFAULT_TYPE, page: int):
    provinces = services(context).provinces
    pages = provinces.pages(PROVINCES_PER_PAGE)
    page = min(max(page, 0), pages - 1)
    buttons = [_button(p.name, "pv", p.id) for p in provinces.page(page, PROVINCES_PER_PAGE)]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [
            _button("◀️", "pg", str((page - 1) % pages)),
            _button(f"{page + 1}/{pages}", "pg", str(page)),
            _button("▶️", "pg", str((page + 1) % pages)),
        ]
    )
    rows.append([_button("🌏 " + _(SPECIAL_PLACES[ABROAD]), "pv", ABROAD)])
    rows.append([_button("🤷 " + _(SPECIAL_PLACES[UNKNOWN]), "pv", UNKNOWN)])
    return InlineKeyboardMarkup(rows)


async def ask_province(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    _remember(update, context, PROVINCE)
    await _say(
        update,
        _(
            "<b>Where is it happening?</b> Choose the province (use ◀️ ▶️ for more), or type "
            "its name."
        ),
        _province_markup(_, context, 0),
    )
    return PROVINCE


async def province_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    values = _values(update)
    if len(values) != 2 or not values[1].isdecimal():
        await _stale(update, context)
        return
    await update.callback_query.answer()
    markup = _province_markup(_, context, int(values[1]))
    if markup != update.callback_query.message.reply_markup:
        await update.callback_query.edit_message_reply_markup(markup)


async def province_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    _ = translator(update, context)
    values = _values(update)
    value = values[1] if len(values) == 2 else ""
    if value not in SPECIAL_PLACES and value not in services(context).provinces:
        await _stale(update, context)
        return None
    _draft(context).province = value
    await _chosen(update, place_text(_, services(context).provinces, value, None))
    return await _next(update, context, PLACE)


async def province_typed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    _ = translator(update, context)
    provinces = services(context).provinces
    resolution = province_resolver(provinces).resolve(update.effective_message.text)
    found = provinces.get(resolution.found)
    if found is None and resolution.maybe:
        guesses = [_button(provinces.name(p), "pv", p) for p in resolution.maybe]
        await _say(update, _("Did you mean:"), InlineKeyboardMarkup([[b] for b in guesses]))
        return None
    if found is None:
        await _say(
            update,
            _("I could not find that province. Please choose it with the buttons."),
            _province_markup(_, context, 0),
        )
        return None
    _draft(context).province = found.id
    await _say(update, f"➡️ <b>{html.escape(found.name)}</b>")
    return await _next(update, context, PLACE)


async def ask_place(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    draft = _remember(update, context, PLACE)
    if draft.province == ABROAD:
        text = _("<b>Which country and city?</b> If you do not know, send /skip.")
    else:
        text = _(
            "<b>Which place exactly?</b> For example the district, village, port or address. "
            "If you do not know, send /skip."
        )
    await _say(update, text, InlineKeyboardMarkup([[_button(_("⏭ Skip"), "skip")]]))
    return PLACE


def _typed(field: str, limit: int, following: str) -> Callable[..., Awaitable[str | None]]:
    """A step's handler for a typed answer: checked, stored in the draft, then onwards."""

    async def given(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
        _ = translator(update, context)
        text = clean_text(update.effective_message.text)
        problem = check_text(text, limit)
        if problem:
            await _say(update, _text_problem(_, problem, limit))
            return None
        setattr(_draft(context), field, text)
        return await _next(update, context, following)

    return given


def _skipped(field: str, following: str) -> Step:
    """A step's handler for /skip or the Skip button: the field stays empty."""

    async def skipped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
        _ = translator(update, context)
        if update.callback_query:
            await _chosen(update, _("⏭ Skip"))
        setattr(_draft(context), field, None)
        return await _next(update, context, following)

    return skipped


place_given = _typed("place", MAX_PLACE, WHEN)
place_skipped = _skipped("place", WHEN)


# -- when ------------------------------------------------------------------------------------
async def ask_when(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    _remember(update, context, WHEN)
    rows = [[_button(_(WHEN_LABELS[w]), "when", w.value)] for w in When]
    rows.append([_button(_("⏭ Skip"), "skip")])
    await _say(
        update,
        _(
            "<b>When?</b> If someone is about to leave, when is the departure? Choose below "
            "or type a date or time. If it does not apply, send /skip."
        ),
        InlineKeyboardMarkup(rows),
    )
    return WHEN


async def when_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    _ = translator(update, context)
    values = _values(update)
    if len(values) != 2 or values[1] not in {w.value for w in When}:
        await _stale(update, context)
        return None
    _draft(context).when = values[1]
    await _chosen(update, occurred_text(_, values[1]) or "")
    return await _next(update, context, DETAILS)


when_given = _typed("when", MAX_WHEN, DETAILS)
when_skipped = _skipped("when", DETAILS)


# -- details ---------------------------------------------------------------------------------
async def ask_details(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    _remember(update, context, DETAILS)
    await _say(
        update,
        _(
            "<b>What happened?</b> Describe it in your own words: who is involved (names, "
            "phone numbers, social media accounts, agency names), what was promised, how much "
            "money was asked, where people are being sent, and how many people."
        ),
    )
    return DETAILS


async def details_given(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    _ = translator(update, context)
    text = clean_text(update.effective_message.text)
    problem = check_text(text, MAX_DETAILS, MIN_DETAILS)
    if problem:
        await _say(update, _text_problem(_, problem, MAX_DETAILS, MIN_DETAILS))
        return None
    _draft(context).details = text
    return await _next(update, context, EVIDENCE)


async def details_not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    await _say(
        update,
        _("Please describe it in words first. You can send photos and files in the next step."),
    )


# -- evidence --------------------------------------------------------------------------------
def _evidence_markup(_: Translator, draft: Draft) -> InlineKeyboardMarkup:
    rows = [[_button(_("✅ Done"), "done")]]
    if draft.evidence:
        rows.append([_button(_("🗑 Remove all evidence"), "clear")])
    return InlineKeyboardMarkup(rows)


async def ask_evidence(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    draft = _remember(update, context, EVIDENCE)
    await _say(
        update,
        _(
            "<b>Do you have evidence?</b> Send photos, screenshots, documents, voice notes or "
            "links, one or several ({limit} at most). Press ✅ Done when you have finished, "
            "or if you have none.\n\n"
            "Tip: send pictures as photos, not as files: a file can carry the place where "
            "it was taken.",
            limit=MAX_EVIDENCE,
        ),
        _evidence_markup(_, draft),
    )
    return EVIDENCE


def evidence_of(message: Message) -> Evidence | None:
    """The evidence in a message: a file (kept by its message id, to copy later), a
    location, or a note (typed text, links)."""
    caption = clip(clean_text(message.caption), MAX_NOTE) if message.caption else None
    if message.photo:
        photo = message.photo[-1]
        return Evidence("photo", message.message_id, photo.file_id, photo.file_size, caption)
    for kind in ("animation", "video", "video_note", "voice", "audio", "document"):
        media = getattr(message, kind)
        if media is not None:
            return Evidence(kind, message.message_id, media.file_id, media.file_size, caption)
    if message.location:
        where = f"{message.location.latitude:.5f}, {message.location.longitude:.5f}"
        return Evidence("location", message.message_id, text=where)
    if message.text:
        return Evidence(NOTE, message.message_id, text=clean_text(message.text))
    return None


async def evidence_given(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    draft = _draft(context)
    item = evidence_of(update.effective_message)
    problem = _evidence_problem(_, draft, item)
    if problem:
        await _say(update, problem, _evidence_markup(_, draft))
        return
    draft.evidence.append(item)
    _remember(update, context, EVIDENCE)
    if update.effective_message.media_group_id:
        _acknowledge_album(context, update.effective_chat.id)
    else:
        await _acknowledge_evidence(update.effective_message, _, draft)


def _evidence_problem(_: Translator, draft: Draft, item: Evidence | None) -> str | None:
    if item is None:
        return _("I cannot keep this kind of message as evidence. Photos, files and text work.")
    if len(draft.evidence) >= MAX_EVIDENCE:
        return _(
            "That is the most evidence one report can carry ({limit}). Press ✅ Done.",
            limit=MAX_EVIDENCE,
        )
    if (item.file_size or 0) > MAX_FILE_BYTES:
        return _("This file is too large (20 MB at most). Please send a smaller one.")
    if item.kind == NOTE and check_text(item.text or "", MAX_NOTE):
        return _("Please keep notes and links under {limit} characters.", limit=MAX_NOTE)
    return None


async def _acknowledge_evidence(message: Message, _: Translator, draft: Draft) -> None:
    await message.reply_text(
        _.plural(
            "📎 Got it: {n} item. Send more, or press ✅ Done.",
            "📎 Got it: {n} items. Send more, or press ✅ Done.",
            len(draft.evidence),
        ),
        reply_markup=_evidence_markup(_, draft),
    )


def _acknowledge_album(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    """An album arrives as several messages at once: answer once, after the last one."""
    name = f"rp-album-{chat_id}"
    for job in context.job_queue.get_jobs_by_name(name):
        job.schedule_removal()
    context.job_queue.run_once(_album_done, 1.0, chat_id=chat_id, user_id=chat_id, name=name)


async def _album_done(context: ContextTypes.DEFAULT_TYPE) -> None:
    draft = context.user_data.get(DRAFT_KEY) if context.user_data is not None else None
    if draft is None:
        return
    lang = context.user_data.get(LANGUAGE_KEY) or services(context).settings.default_language
    _ = services(context).i18n.translator(lang)
    await context.bot.send_message(
        context.job.chat_id,
        _.plural(
            "📎 Got it: {n} item. Send more, or press ✅ Done.",
            "📎 Got it: {n} items. Send more, or press ✅ Done.",
            len(draft.evidence),
        ),
        reply_markup=_evidence_markup(_, draft),
    )


async def evidence_done(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    if update.callback_query:
        await update.callback_query.answer()
        await _set_markup(update, None)
    return await _next(update, context, IDENTITY)


async def evidence_cleared(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    draft = _draft(context)
    draft.evidence.clear()
    _remember(update, context, EVIDENCE)
    await update.callback_query.answer(_("Evidence removed."))
    await _set_markup(update, _evidence_markup(_, draft))


# -- identity --------------------------------------------------------------------------------
async def ask_identity(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    _remember(update, context, IDENTITY)
    markup = InlineKeyboardMarkup(
        [
            [_button(_("🙈 Keep me hidden (recommended)"), "id", "hide")],
            [_button(_("👤 Show my name to the desk"), "id", "show")],
        ]
    )
    await _say(
        update,
        _(
            "<b>Should the desk know who you are?</b>\n\n"
            "🙈 <b>Hidden</b>: the desk sees only your report, never your name or account. "
            "You still get updates here and can answer the desk's questions.\n"
            "👤 <b>Shown</b>: the desk sees your Telegram name and can contact you directly."
        ),
        markup,
    )
    return IDENTITY


async def identity_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    _ = translator(update, context)
    values = _values(update)
    choice = values[1] if len(values) == 2 else ""
    if choice not in ("hide", "show"):
        await _stale(update, context)
        return None
    draft = _draft(context)
    draft.show_identity = choice == "show"
    draft.editing = False
    if not draft.show_identity:
        draft.identity = None
        await _chosen(update, _("🙈 Keep me hidden (recommended)"))
        return await show_summary(update, context)
    user = update.effective_user
    draft.identity = ShownIdentity(user.id, user.full_name, user.username)
    await _chosen(update, _("👤 Show my name to the desk"))
    return await ask_phone(update, context)


async def ask_phone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    _remember(update, context, PHONE)
    keyboard = ReplyKeyboardMarkup(
        [
            [KeyboardButton(_("📱 Share my phone number"), request_contact=True)],
            [KeyboardButton(_("Skip"))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    await _say(
        update,
        _("Share your phone number with the desk too? Tap the button below, or send /skip."),
        keyboard,
    )
    return PHONE


async def phone_shared(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    _ = translator(update, context)
    contact = update.effective_message.contact
    draft = _draft(context)
    if contact.user_id != update.effective_user.id or draft.identity is None:
        await _say(update, _("Please share your own number with the button, or send /skip."))
        return None
    draft.identity.phone = contact.phone_number
    return await _phone_done(update, context)


async def phone_skipped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    _ = translator(update, context)
    message = update.effective_message
    if message.text and not message.text.startswith("/") and message.text != _("Skip"):
        await _say(update, _("Please use the buttons below, or send /skip."))
        return None
    return await _phone_done(update, context)


async def _phone_done(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    await update.effective_message.reply_text(_("👍 Noted."), reply_markup=ReplyKeyboardRemove())
    return await show_summary(update, context)


# -- summary, edit, send ---------------------------------------------------------------------
def summary_text(_: Translator, draft: Draft, context: ContextTypes.DEFAULT_TYPE) -> str:
    provinces = services(context).provinces
    lines = [
        _("<b>Please check your report</b>"),
        "",
        _("<b>What:</b> {value}", value=category_text(_, draft.category or "")),
        _("<b>Where:</b> {value}", value=place_text(_, provinces, draft.province, draft.place)),
        _("<b>When:</b> {value}", value=occurred_text(_, draft.when) or "–"),
        _("<b>Details:</b>"),
        html.escape(clip(draft.details or "", SUMMARY_DETAILS)),
        _("<b>Evidence:</b> {value}", value=_evidence_summary(_, draft)),
        _("<b>Your identity:</b> {value}", value=_identity_summary(_, draft)),
    ]
    if draft.urgent:
        lines += ["", _("🚨 This report will be marked <b>urgent</b>.")]
    lines += ["", _("Send it to the coordination desk?")]
    return "\n".join(lines)


def _evidence_summary(_: Translator, draft: Draft) -> str:
    files, notes = len(draft.files()), len(draft.notes())
    if not files and not notes:
        return _("none")
    parts = []
    if files:
        parts.append(_.plural("{n} file", "{n} files", files))
    if notes:
        parts.append(_.plural("{n} note or link", "{n} notes or links", notes))
    return ", ".join(parts)


def _identity_summary(_: Translator, draft: Draft) -> str:
    identity = draft.identity
    if not draft.show_identity or identity is None:
        return _("hidden from the desk")
    shown = [html.escape(identity.name)]
    if identity.username:
        shown.append("@" + html.escape(identity.username))
    if identity.phone:
        shown.append(html.escape(identity.phone))
    return _("shown: {who}", who=" ".join(shown))


def _summary_markup(_: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_button(_("✅ Send report"), "ok")],
            [_button(_("✏️ Edit"), "edit"), _button(_("❌ Cancel"), "cancel")],
        ]
    )


async def show_summary(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    draft = _remember(update, context, CONFIRM)
    await _say(update, summary_text(_, draft, context), _summary_markup(_))
    return CONFIRM


async def edit_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    labels = {
        CATEGORY: _("What"),
        PROVINCE: _("Province"),
        PLACE: _("Place"),
        WHEN: _("When"),
        DETAILS: _("Details"),
        EVIDENCE: _("Evidence"),
        IDENTITY: _("Identity"),
    }
    rows = [[_button(f"✏️ {labels[step]}", "ed", step)] for step in EDITABLE]
    rows.append([_button(_("⬅️ Back"), "back")])
    await update.callback_query.answer()
    await _set_markup(update, InlineKeyboardMarkup(rows))


async def edit_back(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    await update.callback_query.answer()
    await _set_markup(update, _summary_markup(_))


async def edit_field(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    values = _values(update)
    step = values[1] if len(values) == 2 else ""
    if step not in EDITABLE:
        await _stale(update, context)
        return None
    await update.callback_query.answer()
    await _set_markup(update, None)
    draft = _draft(context)
    draft.editing = step != IDENTITY  # identity always ends at the summary
    return await PROMPTS[step](update, context)


async def confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """Store the report (durably, with its desk delivery), then tell the reporter."""
    _ = translator(update, context)
    query = update.callback_query
    draft: Draft | None = context.user_data.pop(DRAFT_KEY, None)
    if draft is None or not draft.complete:
        await _stale(update, context)
        return END
    if _over_limit(update, context):
        await query.answer()
        await _say(update, _limit_text(_, services(context).settings.report_daily_limit))
        return END
    shown = draft.identity if draft.show_identity else None
    report = services(context).reports.submit(draft, update.effective_user.id, _.lang, shown)
    outbox.wake(context)
    await _chosen(update, _("✅ Send report"))
    received = await _say(update, received_text(_, report), status.reply_markup(_, report))
    # Something remembered later: a reply to this message (or its button) reaches the desk.
    services(context).reporters.add_reporter_message(report.id, received.message_id)
    return END


def received_text(_: Translator, report: Report) -> str:
    text = _(
        "✅ <b>Received, thank you.</b> Your case code is <code>{code}</code>.\n\n"
        "What happens next:\n"
        "• Your report goes to the coordination desk, which works with the police.\n"
        "• You will get a message here whenever its status changes. The desk may also ask "
        "you questions here: reply to their message to answer.\n"
        "• Check it at any time with /status. You do not need to remember the code.",
        code=report.code,
    )
    if report.urgent:
        text += "\n\n" + _("🚨 Your report is marked urgent.")
    return text + "\n\n" + _("If someone is in danger right now, call the police on <b>110</b>.")


async def reprompt(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Something that does not answer the current question (a sticker, a photo too early)."""
    _ = translator(update, context)
    await _say(update, _("Please answer the question above, or send /cancel to stop."))


PROMPTS: dict[str, Step] = {
    CATEGORY: ask_category,
    PROVINCE: ask_province,
    PLACE: ask_place,
    WHEN: ask_when,
    DETAILS: ask_details,
    EVIDENCE: ask_evidence,
    IDENTITY: ask_identity,
    PHONE: ask_phone,
    CONFIRM: show_summary,
}


# -- wiring ----------------------------------------------------------------------------------
def _pressed(handler: Callable, action: str) -> CallbackQueryHandler:
    """A button of this form: `rp:<action>` with or without a value."""
    return CallbackQueryHandler(handler, pattern=rf"^{PREFIX}:{action}(:|$)")


def build_conversation() -> ConversationHandler:
    private = filters.ChatType.PRIVATE
    text = filters.TEXT & ~filters.COMMAND
    anything = ~filters.COMMAND
    skip = CommandHandler(names("skip"), cannot_skip)
    states = {
        RESUME: [_pressed(resume, "resume"), _pressed(fresh, "fresh")],
        CATEGORY: [_pressed(category_chosen, "cat")],
        PROVINCE: [
            _pressed(province_chosen, "pv"),
            _pressed(province_page, "pg"),
            MessageHandler(text, province_typed),
        ],
        PLACE: [
            MessageHandler(text, place_given),
            _pressed(place_skipped, "skip"),
            CommandHandler(names("skip"), place_skipped),
        ],
        WHEN: [
            _pressed(when_chosen, "when"),
            MessageHandler(text, when_given),
            _pressed(when_skipped, "skip"),
            CommandHandler(names("skip"), when_skipped),
        ],
        DETAILS: [MessageHandler(text, details_given), MessageHandler(anything, details_not_text)],
        EVIDENCE: [
            _pressed(evidence_done, "done"),
            _pressed(evidence_cleared, "clear"),
            CommandHandler(names("skip") + names("done"), evidence_done),
            MessageHandler(anything & ~filters.StatusUpdate.ALL, evidence_given),
        ],
        IDENTITY: [_pressed(identity_chosen, "id")],
        PHONE: [
            MessageHandler(filters.CONTACT, phone_shared),
            CommandHandler(names("skip"), phone_skipped),
            MessageHandler(text, phone_skipped),
        ],
        CONFIRM: [
            _pressed(confirm, "ok"),
            _pressed(edit_menu, "edit"),
            _pressed(edit_back, "back"),
            _pressed(edit_field, "ed"),
        ],
    }
    for handlers in states.values():
        handlers.append(MessageHandler(anything & ~filters.StatusUpdate.ALL, reprompt))
    with warnings.catch_warnings():
        # Buttons are tracked per user, not per message, on purpose: old buttons are
        # checked against the current question by their data.
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CommandHandler(names("report"), start_report, filters=private),
                CallbackQueryHandler(start_report, pattern=rf"^{PREFIX}:new$"),
                _pressed(start_from_message, "msg"),
                CallbackQueryHandler(stale_entry, pattern=rf"^{PREFIX}(:|$)"),
            ],
            states=states,
            fallbacks=[
                CommandHandler(names("cancel"), cancel),
                _pressed(cancel, "cancel"),
                CommandHandler(names("report"), start_report),
                CallbackQueryHandler(start_report, pattern=rf"^{PREFIX}:new$"),
                skip,
                _pressed(start_from_message, "msg"),
                CallbackQueryHandler(_stale, pattern=rf"^{PREFIX}(:|$)"),
            ],
            conversation_timeout=FORM_TIMEOUT,
            name="report",
        )


def register(application: Application) -> None:
    application.add_handler(build_conversation())
