"""/menu: browse topics by category, for people who would rather tap than type."""

from __future__ import annotations

import html

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.telegram import keyboards
from bot.telegram.commands import names
from bot.telegram.common import services, translator
from bot.telegram.handlers.faq import desk_name, send_answer


async def menu_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    if update.effective_message:
        await update.effective_message.reply_text(
            _("Choose a topic:"), reply_markup=keyboards.main_menu(_, services(context).content)
        )


async def ask_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "Ask a question" button of /start: how to ask, and the topics for those who browse."""
    _ = translator(update, context)
    await update.callback_query.answer()
    await update.effective_message.reply_text(
        _(
            "🙋 Type your question in your own words, for example: <i>how do I check that an "
            "agency is licensed?</i>\n\nOr choose a topic:"
        ),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboards.main_menu(_, services(context).content),
    )


async def menu_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer()
    await menu_command(update, context)


async def category_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    _ = translator(update, context)
    content = services(context).content
    _prefix, values = keyboards.parse(query.data)
    category = content.category(values[0]) if values else None
    if category is None:
        await query.answer(_("This button is out of date. Please open /menu again."))
        return
    await query.answer()
    await query.message.reply_text(
        f"{category.emoji} <b>{html.escape(category.title.get(_.lang, category.id))}</b>",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboards.category(_, content.in_category(category.id)),
    )


async def topic_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    _ = translator(update, context)
    content = services(context).content
    _prefix, values = keyboards.parse(query.data)
    entry = content.entries.get(values[0]) if values else None
    if entry is None:
        await query.answer(_("This button is out of date. Please open /menu again."))
        return
    await query.answer()
    await send_answer(query.message, entry, _, content, desk_name(_, context))


def register(application: Application) -> None:
    application.add_handler(CommandHandler(names("menu"), menu_command))
    application.add_handler(CallbackQueryHandler(menu_pressed, pattern=rf"^{keyboards.MENU}$"))
    application.add_handler(CallbackQueryHandler(ask_pressed, pattern=rf"^{keyboards.ASK}$"))
    application.add_handler(
        CallbackQueryHandler(category_pressed, pattern=rf"^{keyboards.CATEGORY}:")
    )
    application.add_handler(CallbackQueryHandler(topic_pressed, pattern=rf"^{keyboards.TOPIC}:"))
