"""/start, /help (/bantuan) and the language choice (/bahasa, /language).

/start is three short messages, each readable on a small phone without scrolling: who we are
(and that we are not a recruiter), what the bot does as four big buttons, and the language
switch. Everything else is one tap or one command away.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core.content import Content
from bot.i18n import Translator
from bot.telegram import keyboards
from bot.telegram.commands import COMMANDS, CONVERSATION_COMMANDS, name_in, names
from bot.telegram.common import services, set_language, translator


def who_we_are(_: Translator) -> str:
    return _(
        "👋 <b>Hello! I help you work abroad the safe, legal way.</b>\n\n"
        "I answer with official information (KP2MI, the ministry for migrant workers). "
        "I am <b>not a recruiter</b>: I never offer jobs and never ask for money."
    )


def what_i_do(_: Translator) -> str:
    return _("What do you need? Tap a button, or just type your question.")


def four_buttons(_: Translator) -> InlineKeyboardMarkup:
    """Ask, Cek Dulu, Report, Emergency: one full-width button each, easy to hit."""

    def button(label: str, prefix: str, *values: str) -> list[InlineKeyboardButton]:
        return [InlineKeyboardButton(label, callback_data=keyboards.data(prefix, *values))]

    return InlineKeyboardMarkup(
        [
            button(_("🙋 Ask"), keyboards.ASK),
            button(_("🔎 Cek Dulu"), keyboards.CHECK, "start"),
            button(_("📣 Report"), keyboards.REPORT, "new"),
            button(_("🆘 Emergency"), keyboards.CONTACTS),
        ]
    )


def language_text(_: Translator) -> str:
    return _("🌐 I am writing in English. Ganti bahasa / Change language:")


async def send_welcome(message: Message, _: Translator, content: Content) -> None:
    """The three /start messages."""
    await message.reply_text(who_we_are(_), parse_mode=ParseMode.HTML)
    await message.reply_text(what_i_do(_), reply_markup=four_buttons(_))
    await message.reply_text(language_text(_), reply_markup=keyboards.languages(content))


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None:
        await send_welcome(message, translator(update, context), services(context).content)


def help_text(_: Translator) -> str:
    def line(command) -> str:
        return f"/{name_in(_.lang, command)} – {_(command.description)}"

    return "\n".join(
        [
            who_we_are(_),
            "",
            _("Type a question in your own words at any time, or use a command:"),
            *(line(c) for c in COMMANDS),
            "",
            _("While I am asking you questions:"),
            *(line(c) for c in CONVERSATION_COMMANDS),
        ]
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    if update.effective_message:
        await update.effective_message.reply_text(help_text(_), parse_mode=ParseMode.HTML)


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    if update.effective_message:
        await update.effective_message.reply_text(
            _("Choose your language:"), reply_markup=keyboards.languages(services(context).content)
        )


async def language_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    svc = services(context)
    _prefix, values = keyboards.parse(query.data)
    if not values:
        await query.answer()
        await language_command(update, context)
        return
    lang = values[0]
    if lang not in svc.content.language_codes:
        await query.answer()
        return
    await set_language(query.from_user.id, lang, context)
    _ = svc.i18n.translator(lang)
    await query.answer(_("Language set to English."))
    await query.edit_message_text(_("Language set to English."))
    await query.message.reply_text(what_i_do(_), reply_markup=four_buttons(_))


def register(application: Application) -> None:
    application.add_handler(CommandHandler(names("start"), start))
    application.add_handler(CommandHandler(names("help"), help_command))
    application.add_handler(CommandHandler(names("language"), language_command))
    application.add_handler(
        CallbackQueryHandler(language_chosen, pattern=rf"^{keyboards.LANGUAGE}(:|$)")
    )
