"""What every handler needs: the services, the user's language, and `_` in that language."""

from __future__ import annotations

from telegram import Update, User
from telegram.ext import Application, ContextTypes

from bot.i18n import Translator
from bot.services import Services

LANGUAGE_KEY = "lang"


def services(context: ContextTypes.DEFAULT_TYPE | Application) -> Services:
    application = context if isinstance(context, Application) else context.application
    return application.bot_data["services"]


def language_for(user: User | None, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The user's chosen language; the first default comes from Telegram's language_code."""
    svc = services(context)
    user_data = context.user_data if context.user_data is not None else {}
    cached = user_data.get(LANGUAGE_KEY)
    if cached:
        return cached
    chosen = svc.users.language(user.id) if user else None
    lang = chosen or guess_language(user.language_code if user else None, svc)
    user_data[LANGUAGE_KEY] = lang
    return lang


def guess_language(telegram_code: str | None, svc: Services) -> str:
    """`id`/`in` → Indonesian; any other code → English; no code → the default language."""
    languages = svc.content.languages
    if not telegram_code:
        return svc.settings.default_language
    base = telegram_code.split("-")[0].lower()
    for language in languages:
        if base == language.code or base in language.telegram_codes:
            return language.code
    return "en" if any(lang.code == "en" for lang in languages) else languages[0].code


def set_language(user_id: int, lang: str, context: ContextTypes.DEFAULT_TYPE) -> None:
    services(context).users.set_language(user_id, lang)
    services(context).subscribers.set_language(user_id, lang)  # broadcasts follow the choice
    if context.user_data is not None:
        context.user_data[LANGUAGE_KEY] = lang


def translator(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Translator:
    lang = language_for(update.effective_user, context)
    return services(context).i18n.translator(lang)
