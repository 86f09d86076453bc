"""Whether the desk may know who reports, and (if shown) the phone number."""

from __future__ import annotations

from telegram import (
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import (
    ContextTypes,
)

from bot.core.reports.draft import (
    ShownIdentity,
)
from bot.telegram.common import translator
from bot.telegram.handlers.report_form.base import (
    IDENTITY,
    PHONE,
    button,
    chosen,
    draft_of,
    remember,
    say,
    stale,
    values_of,
)
from bot.telegram.handlers.report_form.summary import (
    show_summary,
)


async def ask_identity(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    await remember(update, context, IDENTITY)
    markup = InlineKeyboardMarkup(
        [
            [button(_("🙈 Keep me hidden (recommended)"), "id", "hide")],
            [button(_("👤 Show my name to the desk"), "id", "show")],
        ]
    )
    await say(
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
    values = values_of(update)
    choice = values[1] if len(values) == 2 else ""
    if choice not in ("hide", "show"):
        await stale(update, context)
        return None
    draft = draft_of(context)
    draft.show_identity = choice == "show"
    draft.editing = False
    if not draft.show_identity:
        draft.identity = None
        await chosen(update, _("🙈 Keep me hidden (recommended)"))
        return await show_summary(update, context)
    user = update.effective_user
    draft.identity = ShownIdentity(user.id, user.full_name, user.username)
    await chosen(update, _("👤 Show my name to the desk"))
    return await ask_phone(update, context)


async def ask_phone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    await remember(update, context, PHONE)
    keyboard = ReplyKeyboardMarkup(
        [
            [KeyboardButton(_("📱 Share my phone number"), request_contact=True)],
            [KeyboardButton(_("Skip"))],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    await say(
        update,
        _("Share your phone number with the desk too? Tap the button below, or send /skip."),
        keyboard,
    )
    return PHONE


async def phone_shared(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    _ = translator(update, context)
    contact = update.effective_message.contact
    draft = draft_of(context)
    if contact.user_id != update.effective_user.id or draft.identity is None:
        await say(update, _("Please share your own number with the button, or send /skip."))
        return None
    draft.identity.phone = contact.phone_number
    return await _phone_done(update, context)


async def phone_skipped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    _ = translator(update, context)
    message = update.effective_message
    if message.text and not message.text.startswith("/") and message.text != _("Skip"):
        await say(update, _("Please use the buttons below, or send /skip."))
        return None
    return await _phone_done(update, context)


async def _phone_done(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    await update.effective_message.reply_text(_("👍 Noted."), reply_markup=ReplyKeyboardRemove())
    return await show_summary(update, context)
