"""Starting, resuming, pre-filling and cancelling the tip-off form."""

from __future__ import annotations

from telegram import (
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import (
    ContextTypes,
)

from bot.core.reports.draft import (
    MAX_DETAILS,
    Category,
    Draft,
    category_of,
    clean_text,
)
from bot.services import Services
from bot.telegram.common import services, translator
from bot.telegram.handlers.report_form.base import (
    CONFIRM,
    DRAFT_KEY,
    DRAFT_TTL,
    END,
    PREFILL_KEY,
    PROMPTS,
    RESUME,
    button,
    chosen,
    draft_of,
    is_private,
    limit_text,
    over_limit,
    private_only,
    say,
    unavailable_text,
    values_of,
)
from bot.telegram.handlers.report_form.evidence import (
    evidence_of,
)
from bot.telegram.handlers.report_form.steps import (
    ask_category,
    ask_province,
)
from bot.telegram.handlers.report_form.summary import already_sent_or_stale
from bot.telegram.report_format import clip


# -- starting --------------------------------------------------------------------------------
async def start_report(
    update: Update, context: ContextTypes.DEFAULT_TYPE, prefill: Draft | None = None
) -> str | int:
    """/lapor, /report or the "Report" button: check we can take it, then begin or resume.

    `prefill` is a report another feature filled in ("Laporkan ini" under a Cek Dulu
    answer); an unfinished report is offered first, and "start a new one" takes the prefill."""
    if not is_private(update):
        return await private_only(update, context)
    _ = translator(update, context)
    context.user_data.pop(PREFILL_KEY, None)
    if update.callback_query:
        await update.callback_query.answer()
    if services(context).settings.desk_chat_id is None:
        await say(update, unavailable_text(_))
        return END
    if await over_limit(update, context):
        await say(update, limit_text(_, services(context).settings.report_daily_limit))
        return END
    if await _saved_draft(update, context) is not None:
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


async def _saved_draft(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Draft | None:
    """The unfinished report in memory, or else the one saved before a restart."""
    if context.user_data.get(DRAFT_KEY) is not None:
        return context.user_data[DRAFT_KEY]
    svc = services(context)
    draft = await svc.db.run(_stored_draft, svc, update.effective_user.id)
    if draft is not None:
        context.user_data[DRAFT_KEY] = draft
    return draft


def _stored_draft(svc: Services, user_id: int) -> Draft | None:
    """The draft saved before a restart, unless it is too old (then it is deleted)."""
    saved = svc.report_drafts.get(user_id)
    if saved is None:
        return None
    draft, updated = saved
    if svc.report_outbox.clock.now() - updated > DRAFT_TTL:
        svc.report_drafts.delete(user_id)
        return None
    return draft


async def _offer_resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    markup = InlineKeyboardMarkup(
        [
            [button(_("▶️ Continue it"), "resume")],
            [button(_("🆕 Start a new one"), "fresh")],
        ]
    )
    await say(update, _("You have an unfinished report. Continue it or start again?"), markup)
    return RESUME


async def resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    await chosen(update, _("▶️ Continue it"))
    context.user_data.pop(PREFILL_KEY, None)
    draft = draft_of(context)
    draft.editing = False
    if draft.step == CONFIRM and draft.complete:
        return await PROMPTS[CONFIRM](update, context)
    return await PROMPTS.get(draft.step, ask_category)(update, context)


async def fresh(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    await chosen(update, _("🆕 Start a new one"))
    return await _begin(update, context, context.user_data.pop(PREFILL_KEY, None))


# -- "Report this" under another feature's answer ------------------------------------------
async def start_from_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """`rp:msg:<category>`, the "Laporkan ini" button under a Cek Dulu answer: a report
    pre-filled with the message that answer replied to (its words as the details, its
    picture or file as evidence), then one question (where) and the summary."""
    values = values_of(update)
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
    draft_of(context).editing = True  # after the province, straight to the summary
    await say(
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
    if not is_private(update):
        return await private_only(update, context)
    if await _saved_draft(update, context) is not None:
        await update.callback_query.answer()
        return await _offer_resume(update, context)
    await already_sent_or_stale(update, context)
    return END


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _ = translator(update, context)
    if update.callback_query:
        await chosen(update, _("❌ Cancel"))
    context.user_data.pop(DRAFT_KEY, None)
    svc = services(context)
    await svc.db.run(svc.report_drafts.delete, update.effective_user.id)
    await update.effective_message.reply_text(
        _("Cancelled. Nothing was sent. You can report at any time with /report."),
        reply_markup=ReplyKeyboardRemove(),
    )
    return END


async def cannot_skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    await say(update, _("This question cannot be skipped. Send /cancel to stop."))
