"""Subscriptions to warnings and news: /langganan (/subscribe), /berhenti (/unsubscribe),
an optional province, and the "🔔" entry in the main menu.

A user who blocks the bot (my_chat_member "kicked", or a 403 during a broadcast) becomes
inactive; coming back with /start (or unblocking) makes them active again. An explicit
unsubscribe is different: only /langganan undoes it.
"""

from __future__ import annotations

import html

from telegram import ChatMember, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    filters,
)

from bot.core.provinces import Provinces
from bot.i18n import Translator
from bot.services import Services
from bot.storage.broadcasts import Subscriber
from bot.telegram import keyboards
from bot.telegram.common import language_for, services, translator

PREFIX = keyboards.SUBSCRIPTION
PAGE_SIZE = 10
REACTIVATE_GROUP = 1  # after the /start reply, in its own group so start.py stays as it is


def _button(label: str, *values: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=keyboards.data(PREFIX, *values))


def stop_markup(_: Translator) -> InlineKeyboardMarkup:
    """Under every broadcast: one tap to stop receiving them."""
    return InlineKeyboardMarkup([[_button(_("🔕 Stop these messages"), "off")]])


def province_keyboard(_: Translator, provinces: Provinces, page: int) -> InlineKeyboardMarkup:
    page = max(0, min(page, provinces.pages(PAGE_SIZE) - 1))
    chosen = provinces.page(page, PAGE_SIZE)
    rows = [
        [_button(p.name, "prov", p.id) for p in chosen[i : i + 2]] for i in range(0, len(chosen), 2)
    ]
    nav = []
    if page > 0:
        nav.append(_button("◀️", "page", str(page - 1)))
    if page + 1 < provinces.pages(PAGE_SIZE):
        nav.append(_button("▶️", "page", str(page + 1)))
    if nav:
        rows.append(nav)
    rows.append([_button(_("Skip / all of Indonesia"), "prov", "-")])
    return InlineKeyboardMarkup(rows)


def status_text(_: Translator, svc: Services, subscriber: Subscriber | None) -> str:
    if subscriber is None or not subscriber.active:
        return _(
            "🔔 <b>Warnings and news</b>\n\nGet warnings about new recruitment scams and news "
            "from the official offices, a few messages a month. You can stop at any time "
            "with /berhenti."
        )
    province = svc.provinces.name(subscriber.province) or _("all of Indonesia")
    language = next(
        (lang.name for lang in svc.content.languages if lang.code == subscriber.language),
        subscriber.language,
    )
    return _(
        "🔔 <b>You receive warnings and news.</b>\n\nProvince: {province}\nLanguage: {language}",
        province=html.escape(province),
        language=html.escape(language),
    )


def status_keyboard(_: Translator, subscriber: Subscriber | None) -> InlineKeyboardMarkup:
    if subscriber is None or not subscriber.active:
        return InlineKeyboardMarkup([[_button(_("🔔 Subscribe"), "on")]])
    return InlineKeyboardMarkup(
        [
            [_button(_("📍 Change province"), "page", "0")],
            [InlineKeyboardButton(_("🌐 Language"), callback_data=keyboards.LANGUAGE)],
            [_button(_("🔕 Unsubscribe"), "off")],
        ]
    )


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/langganan, or the Subscribe button: opt in, then offer the province question."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    svc = services(context)
    _ = translator(update, context)
    svc.subscribers.subscribe(user.id, language_for(user, context))
    text = _(
        "✅ Subscribed. You will get warnings about new scams and news from the official "
        "offices. Stop at any time with /berhenti."
    )
    if len(svc.provinces) == 0:
        await message.reply_text(text)
        return
    question = _("Which province do you live in? We will also send you warnings for your area.")
    await message.reply_text(
        f"{text}\n\n{question}", reply_markup=province_keyboard(_, svc.provinces, 0)
    )


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    _ = translator(update, context)
    if services(context).subscribers.unsubscribe(user.id):
        text = _("🔕 You will no longer receive warnings. Subscribe again at any time: /langganan")
    else:
        text = _("You are not subscribed. To get warnings about scams: /langganan")
    await message.reply_text(text)


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The 🔔 button of the main menu."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    svc = services(context)
    _ = translator(update, context)
    subscriber = svc.subscribers.get(user.id)
    await message.reply_text(
        status_text(_, svc, subscriber),
        parse_mode=ParseMode.HTML,
        reply_markup=status_keyboard(_, subscriber),
    )


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    _prefix, values = keyboards.parse(query.data)
    action = values[0] if values else "menu"
    if action == "on":
        await query.answer()
        await subscribe(update, context)
    elif action == "off":
        await query.answer()
        await unsubscribe(update, context)
    elif action == "page" and len(values) == 2 and values[1].isdecimal():
        await _show_page(update, context, int(values[1]))
    elif action == "prov" and len(values) == 2:
        await _province_chosen(update, context, values[1])
    else:
        await query.answer()
        await status(update, context)


async def _show_page(update: Update, context: ContextTypes.DEFAULT_TYPE, page: int) -> None:
    query = update.callback_query
    _ = translator(update, context)
    await query.answer()
    markup = province_keyboard(_, services(context).provinces, page)
    if query.message and query.message.reply_markup and _is_province_keyboard(query):
        await query.edit_message_reply_markup(markup)
    else:
        await query.message.reply_text(_("Choose your province:"), reply_markup=markup)


def _is_province_keyboard(query) -> bool:
    rows = query.message.reply_markup.inline_keyboard
    return any(
        (button.callback_data or "").startswith(f"{PREFIX}:prov:") for row in rows for button in row
    )


async def _province_chosen(
    update: Update, context: ContextTypes.DEFAULT_TYPE, province_id: str
) -> None:
    query = update.callback_query
    svc = services(context)
    _ = translator(update, context)
    subscriber = svc.subscribers.get(query.from_user.id)
    if province_id != "-" and province_id not in svc.provinces:
        await query.answer(_("This button is out of date."))
        return
    if subscriber is None or not subscriber.active:
        await query.answer(_("Please subscribe first: /langganan"))
        return
    chosen = None if province_id == "-" else province_id
    svc.subscribers.set_province(query.from_user.id, chosen)
    name = svc.provinces.name(chosen) or _("all of Indonesia")
    await query.answer()
    await query.edit_message_reply_markup(None)
    await query.message.reply_text(_("📍 Saved: {province}.", province=name))


async def member_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The user blocked the bot in their private chat. (Unblocking is not enough to resume:
    Telegram clients send /start when a user comes back, and `welcome_back` handles it.)"""
    change = update.my_chat_member
    if change is None or change.chat.type != change.chat.PRIVATE:
        return
    if change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT):
        services(context).subscribers.mark_blocked(change.chat.id)


async def welcome_back(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start from someone whose subscription was paused because they had blocked the bot."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    if services(context).subscribers.reactivate_if_blocked(user.id):
        _ = translator(update, context)
        await message.reply_text(
            _("🔔 Welcome back! Your warnings are on again. To stop them: /berhenti")
        )


def register(application: Application) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler(["langganan", "subscribe"], subscribe, private))
    application.add_handler(CommandHandler(["berhenti", "unsubscribe"], unsubscribe, private))
    application.add_handler(CallbackQueryHandler(pressed, pattern=rf"^{PREFIX}(:|$)"))
    application.add_handler(ChatMemberHandler(member_changed, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(CommandHandler("start", welcome_back, private), group=REACTIVATE_GROUP)
