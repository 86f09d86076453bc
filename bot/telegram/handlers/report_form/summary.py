"""The summary, editing one answer, and sending: the report is stored before anyone is
told it was received."""

from __future__ import annotations

import html

from telegram import (
    InlineKeyboardMarkup,
    Update,
)
from telegram.ext import (
    ContextTypes,
)

from bot.core.reports.draft import (
    Draft,
)
from bot.i18n import Translator
from bot.storage.reports import Report
from bot.telegram import outbox
from bot.telegram.common import services, translator
from bot.telegram.handlers.report_form.base import (
    CATEGORY,
    CONFIRM,
    DETAILS,
    DRAFT_KEY,
    EDITABLE,
    END,
    EVIDENCE,
    IDENTITY,
    PLACE,
    PROMPTS,
    PROVINCE,
    SUMMARY_DETAILS,
    WHEN,
    button,
    chosen,
    draft_of,
    limit_text,
    over_limit,
    remember,
    say,
    set_markup,
    stale,
    values_of,
)
from bot.telegram.handlers.report_form.keyboards import (
    summary_markup,
)
from bot.telegram.report_format import category_text, clip, occurred_text, place_text


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


async def show_summary(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    draft = await remember(update, context, CONFIRM)
    await say(update, summary_text(_, draft, context), summary_markup(_))
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
    rows = [[button(f"✏️ {labels[step]}", "ed", step)] for step in EDITABLE]
    rows.append([button(_("⬅️ Back"), "back")])
    await update.callback_query.answer()
    await set_markup(update, InlineKeyboardMarkup(rows))


async def edit_back(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    await update.callback_query.answer()
    await set_markup(update, summary_markup(_))


async def edit_field(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    values = values_of(update)
    step = values[1] if len(values) == 2 else ""
    if step not in EDITABLE:
        await stale(update, context)
        return None
    await update.callback_query.answer()
    await set_markup(update, None)
    draft = draft_of(context)
    draft.editing = step != IDENTITY  # identity always ends at the summary
    return await PROMPTS[step](update, context)


async def confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """Store the report (durably, with its desk delivery), then tell the reporter."""
    _ = translator(update, context)
    query = update.callback_query
    draft: Draft | None = context.user_data.pop(DRAFT_KEY, None)
    if draft is None or not draft.complete:
        await already_sent_or_stale(update, context)
        return END
    if await over_limit(update, context):
        await query.answer()
        await say(update, limit_text(_, services(context).settings.report_daily_limit))
        return END
    shown = draft.identity if draft.show_identity else None
    svc = services(context)
    await svc.db.run(svc.reports.submit, draft, update.effective_user.id, _.lang, shown)
    # The confirmation with the case code is an outbox job saved with the report: a crash
    # or a failed send now still delivers it (see report_jobs.confirm_received).
    outbox.wake(context)
    await chosen(update, _("✅ Send report"))
    return END


async def already_sent_or_stale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A Send button whose report is no longer in the form: if that report was sent (the
    confirmation may have been lost), say so with its code rather than invite a duplicate."""
    query = update.callback_query
    _ = translator(update, context)
    values = values_of(update) if query and query.data else []
    sent_at = query.message.date if query and query.message else None
    if values[:1] == ["ok"] and sent_at is not None:
        svc = services(context)
        case = await svc.db.run(svc.reporters.latest_case, update.effective_user.id, sent_at)
        if case is not None:
            await query.answer(
                _("This report was sent already. Its case code is {code}.", code=case.code),
                show_alert=True,
            )
            return
    await stale(update, context)


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
    await say(update, _("Please answer the question above, or send /cancel to stop."))
