"""What every handler needs: the services, the user's language, and `_` in that language."""

from __future__ import annotations

from telegram import Update, User
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.i18n import Translator
from bot.services import Services

LANGUAGE_KEY = "lang"


def services(context: ContextTypes.DEFAULT_TYPE | Application) -> Services:
    application = context if isinstance(context, Application) else context.application
    return application.bot_data["services"]


#: Before every other handler (even the flood guard): the user's language is read once.
LANGUAGE_GROUP = -1000


async def load_language(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Read the user's stored language off the event loop into user_data, so `translator`
    and `language_for` (called everywhere, synchronously) find it there."""
    user = update.effective_user if isinstance(update, Update) else None
    if user is None or context.user_data is None or context.user_data.get(LANGUAGE_KEY):
        return
    svc = services(context)
    chosen = await svc.db.run(svc.users.language, user.id)
    context.user_data[LANGUAGE_KEY] = chosen or guess_language(user.language_code, svc)


def register(application: Application) -> None:
    application.add_handler(TypeHandler(Update, load_language), group=LANGUAGE_GROUP)


def language_for(user: User | None, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The user's chosen language (read by `load_language` before the handlers ran); the
    first default comes from Telegram's language_code."""
    svc = services(context)
    user_data = context.user_data if context.user_data is not None else {}
    cached = user_data.get(LANGUAGE_KEY)
    if cached:
        return cached
    lang = guess_language(user.language_code if user else None, svc)
    if user is not None and context.user_data is not None:
        user_data[LANGUAGE_KEY] = lang
    return lang


async def stored_language(svc: Services, user_id: int) -> str:
    """Another user's language (a reporter the desk answers): their choice, or the default."""
    return await svc.db.run(svc.users.language, user_id) or svc.settings.default_language


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


async def set_language(user_id: int, lang: str, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    await svc.db.run(_store_language, svc, user_id, lang)
    if context.user_data is not None:
        context.user_data[LANGUAGE_KEY] = lang


def _store_language(svc: Services, user_id: int, lang: str) -> None:
    with svc.db.transaction():
        svc.users.set_language(user_id, lang)
        svc.subscribers.set_language(user_id, lang)  # broadcasts follow the choice


def translator(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Translator:
    lang = language_for(update.effective_user, context)
    return services(context).i18n.translator(lang)
