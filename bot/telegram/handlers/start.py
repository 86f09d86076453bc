"""/start, /help and the language choice (/language, /bahasa)."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.i18n import Translator
from bot.telegram import keyboards
from bot.telegram.commands import COMMANDS
from bot.telegram.common import services, set_language, translator


def intro(_: Translator) -> str:
    return _(
        "I answer questions about working abroad safely and legally: requirements, costs, "
        "destination countries, and how to spot illegal recruiters (calo) and trafficking.\n\n"
        "Type your question in your own words, for example: <i>how do I check that an agency "
        "is licensed?</i>, or pick a topic below."
    )


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    svc = services(context)
    message = update.effective_message
    if message is None:
        return
    await message.reply_text(
        _("Welcome! Please choose your language. / Silakan pilih bahasa."),
        reply_markup=keyboards.languages(svc.content),
    )
    await message.reply_text(
        intro(_), parse_mode=ParseMode.HTML, reply_markup=keyboards.main_menu(_, svc.content)
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    commands = "\n".join(
        f"/{spec.names.get(_.lang, spec.names['en'])} – {_(spec.description)}" for spec in COMMANDS
    )
    text = intro(_) + "\n\n" + _("Commands:") + "\n" + commands
    if update.effective_message:
        await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)


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
    set_language(query.from_user.id, lang, context)
    _ = svc.i18n.translator(lang)
    await query.answer(_("Language set to English."))
    await query.edit_message_text(_("Language set to English."))
    await query.message.reply_text(
        intro(_), parse_mode=ParseMode.HTML, reply_markup=keyboards.main_menu(_, svc.content)
    )


def register(application: Application) -> None:
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CommandHandler(["language", "bahasa"], language_command))
    application.add_handler(
        CallbackQueryHandler(language_chosen, pattern=rf"^{keyboards.LANGUAGE}(:|$)")
    )
