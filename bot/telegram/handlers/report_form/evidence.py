"""The evidence step: files, photos, albums, locations and notes, checked one by one."""

from __future__ import annotations

from telegram import (
    Message,
    Update,
)
from telegram.ext import (
    ContextTypes,
)

from bot.core.reports.draft import (
    MAX_EVIDENCE,
    MAX_FILE_BYTES,
    MAX_NOTE,
    NOTE,
    Draft,
    Evidence,
    check_text,
    clean_text,
)
from bot.i18n import Translator
from bot.telegram.common import LANGUAGE_KEY, services, translator
from bot.telegram.handlers.report_form.base import (
    DRAFT_KEY,
    EVIDENCE,
    IDENTITY,
    draft_of,
    next_step,
    remember,
    say,
    set_markup,
)
from bot.telegram.handlers.report_form.keyboards import (
    evidence_markup,
)
from bot.telegram.report_format import clip


async def ask_evidence(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    draft = await remember(update, context, EVIDENCE)
    await say(
        update,
        _(
            "<b>Do you have evidence?</b> Send photos, screenshots, documents, voice notes or "
            "links, one or several ({limit} at most). Press ✅ Done when you have finished, "
            "or if you have none.\n\n"
            "Tip: send pictures as photos, not as files: a file can carry the place where "
            "it was taken.",
            limit=MAX_EVIDENCE,
        ),
        evidence_markup(_, draft),
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
    draft = draft_of(context)
    item = evidence_of(update.effective_message)
    problem = _evidence_problem(_, draft, item)
    if problem:
        await say(update, problem, evidence_markup(_, draft))
        return
    draft.evidence.append(item)
    await remember(update, context, EVIDENCE)
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
        reply_markup=evidence_markup(_, draft),
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
        reply_markup=evidence_markup(_, draft),
    )


async def evidence_done(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    if update.callback_query:
        await update.callback_query.answer()
        await set_markup(update, None)
    return await next_step(update, context, IDENTITY)


async def evidence_cleared(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    draft = draft_of(context)
    draft.evidence.clear()
    await remember(update, context, EVIDENCE)
    await update.callback_query.answer(_("Evidence removed."))
    await set_markup(update, evidence_markup(_, draft))
