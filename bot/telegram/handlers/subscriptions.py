"""Subscriptions to warnings and news: /langganan (/subscribe), /berhenti (/unsubscribe),
an optional province, and the "🔔" entry in the main menu.

A user who blocks the bot (my_chat_member "kicked", or a 403 during a broadcast) becomes
inactive; coming back with /start (or unblocking) makes them active again. An explicit
unsubscribe is different: only /langganan undoes it.
"""

from __future__ import annotations

import html
import warnings

from telegram import ChatMember, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.core.choices import province_resolver
from bot.core.provinces import Provinces
from bot.i18n import Translator
from bot.services import Services
from bot.storage.broadcasts import Subscriber
from bot.telegram import keyboards
from bot.telegram.commands import names, slash
from bot.telegram.common import language_for, services, translator
from bot.telegram.handlers import faq

PREFIX = keyboards.SUBSCRIPTION
PAGE_SIZE = 10
PROVINCE_STEP = "province"
PROVINCE_WAIT_SECONDS = 900  # then typed text is a question again
END = ConversationHandler.END
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
            "with {unsubscribe}.",
            unsubscribe=slash(_, "unsubscribe"),
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


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """/langganan, or the Subscribe button: opt in, then ask for the province (buttons, or
    typed: "jatim", "NTB")."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return END
    svc = services(context)
    _ = translator(update, context)
    await svc.db.run(svc.subscribers.subscribe, user.id, language_for(user, context))
    text = _(
        "✅ Subscribed. You will get warnings about new scams and news from the official "
        "offices. Stop at any time with {unsubscribe}.",
        unsubscribe=slash(_, "unsubscribe"),
    )
    if len(svc.provinces) == 0:
        await message.reply_text(text)
        return END
    question = _(
        "Which province do you live in? Tap it, or type its name (for example: jatim, NTB). "
        "We will also send you warnings for your area."
    )
    await message.reply_text(
        f"{text}\n\n{question}", reply_markup=province_keyboard(_, svc.provinces, 0)
    )
    return PROVINCE_STEP


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    _ = translator(update, context)
    svc = services(context)
    if await svc.db.run(svc.subscribers.unsubscribe, user.id):
        text = _(
            "🔕 You will no longer receive warnings. Subscribe again at any time: {subscribe}",
            subscribe=slash(_, "subscribe"),
        )
    else:
        text = _(
            "You are not subscribed. To get warnings about scams: {subscribe}",
            subscribe=slash(_, "subscribe"),
        )
    await message.reply_text(text)


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The 🔔 button of the main menu."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    svc = services(context)
    _ = translator(update, context)
    subscriber = await svc.db.run(svc.subscribers.get, user.id)
    await message.reply_text(
        status_text(_, svc, subscriber),
        parse_mode=ParseMode.HTML,
        reply_markup=status_keyboard(_, subscriber),
    )


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int | None:
    """Every button of this feature; the province question stays open until it is answered."""
    query = update.callback_query
    _prefix, values = keyboards.parse(query.data)
    action = values[0] if values else "menu"
    if action == "on":
        await query.answer()
        return await subscribe(update, context)
    if action == "off":
        await query.answer()
        await unsubscribe(update, context)
        return END
    if action == "page" and len(values) == 2 and values[1].isdecimal():
        await _show_page(update, context, int(values[1]))
        return PROVINCE_STEP
    if action == "prov" and len(values) == 2:
        saved = await _province_chosen(update, context, values[1])
        return END if saved else None
    await query.answer()
    await status(update, context)
    return END


async def province_typed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int | None:
    """A typed answer to the province question, through the one resolver of typed choices.
    Text that is no province at all is a question, and goes to the FAQ."""
    message, user = update.effective_message, update.effective_user
    svc = services(context)
    _ = translator(update, context)
    resolution = province_resolver(svc.provinces).resolve(message.text or "")
    saved = resolution.found and await svc.db.run(
        _set_province_if_subscribed, svc, user.id, resolution.found
    )
    if saved:
        await message.reply_text(
            _("📍 Saved: {province}.", province=svc.provinces.name(resolution.found))
        )
        return END
    if resolution.maybe:
        rows = [[_button(svc.provinces.name(p), "prov", p)] for p in resolution.maybe]
        rows.append([_button(_("Skip / all of Indonesia"), "prov", "-")])
        await message.reply_text(_("Did you mean:"), reply_markup=InlineKeyboardMarkup(rows))
        return None
    await faq.question(update, context)
    return END


async def province_cancelled(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _ = translator(update, context)
    await update.effective_message.reply_text(
        _(
            "OK. You get the warnings for all of Indonesia. To choose a province later: "
            "{subscribe}",
            subscribe=slash(_, "subscribe"),
        )
    )
    return END


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
) -> bool:
    query = update.callback_query
    svc = services(context)
    _ = translator(update, context)
    if province_id != "-" and province_id not in svc.provinces:
        await query.answer(_("This button is out of date."))
        return False
    chosen = None if province_id == "-" else province_id
    if not await svc.db.run(_set_province_if_subscribed, svc, query.from_user.id, chosen):
        await query.answer(
            _("Please subscribe first: {subscribe}", subscribe=slash(_, "subscribe"))
        )
        return True
    name = svc.provinces.name(chosen) or _("all of Indonesia")
    await query.answer()
    await query.edit_message_reply_markup(None)
    await query.message.reply_text(_("📍 Saved: {province}.", province=name))
    return True


def _set_province_if_subscribed(svc: Services, user_id: int, province: str | None) -> bool:
    """Save the province of an active subscriber; False if there is none to save it for."""
    with svc.db.transaction():
        subscriber = svc.subscribers.get(user_id)
        if subscriber is None or not subscriber.active:
            return False
        svc.subscribers.set_province(user_id, province)
        return True


async def member_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The user blocked the bot in their private chat. (Unblocking is not enough to resume:
    Telegram clients send /start when a user comes back, and `welcome_back` handles it.)"""
    change = update.my_chat_member
    if change is None or change.chat.type != change.chat.PRIVATE:
        return
    if change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT):
        svc = services(context)
        await svc.db.run(svc.subscribers.mark_blocked, change.chat.id)


async def welcome_back(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start from someone whose subscription was paused because they had blocked the bot."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    svc = services(context)
    if await svc.db.run(svc.subscribers.reactivate_if_blocked, user.id):
        _ = translator(update, context)
        await message.reply_text(
            _(
                "🔔 Welcome back! Your warnings are on again. To stop them: {unsubscribe}",
                unsubscribe=slash(_, "unsubscribe"),
            )
        )


def build_conversation() -> ConversationHandler:
    """/langganan and the subscription buttons; open while the province question waits."""
    private = filters.ChatType.PRIVATE
    buttons = CallbackQueryHandler(pressed, pattern=rf"^{PREFIX}(:|$)")
    with warnings.catch_warnings():
        # per_message=False on purpose: the question belongs to the person, not a message
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[CommandHandler(names("subscribe"), subscribe, private), buttons],
            states={
                PROVINCE_STEP: [
                    MessageHandler(private & filters.TEXT & ~filters.COMMAND, province_typed),
                    buttons,
                ]
            },
            fallbacks=[CommandHandler(names("cancel"), province_cancelled)],
            allow_reentry=True,
            conversation_timeout=PROVINCE_WAIT_SECONDS,
            name="subscribe",
            persistent=True,
        )


def register(application: Application) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handler(build_conversation())
    application.add_handler(CommandHandler(names("unsubscribe"), unsubscribe, private))
    application.add_handler(ChatMemberHandler(member_changed, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(
        CommandHandler(names("start"), welcome_back, private), group=REACTIVATE_GROUP
    )
