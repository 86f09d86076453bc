"""Wiring: build the Application from the services, register features, run it.

Handlers stay thin; this module only decides order. Flood protection runs first (its own
group), features next, the catch-all for media and unknown commands last.
"""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, Defaults

from bot.config import Settings
from bot.services import Services
from bot.telegram import errors, flood, outbox, report_jobs
from bot.telegram.commands import COMMANDS, STAFF_COMMANDS, CommandSpec
from bot.telegram.handlers import (
    broadcasts,
    cekdulu,
    contacts,
    desk,
    faq,
    media,
    menu,
    offices,
    privacy,
    relay,
    reports,
    start,
    status,
    subscriptions,
)
from bot.telegram.lifecycle import BotApplication
from bot.telegram.ratelimit import InteractiveRateLimiter
from bot.telegram.updates import PerUserUpdateProcessor

log = logging.getLogger(__name__)


def build_application(
    services: Services,
    *,
    base_url: str | None = None,
    base_file_url: str | None = None,
    rate_limiter: bool = True,
) -> Application:
    settings = services.settings
    builder = (
        ApplicationBuilder()
        .application_class(BotApplication)
        .token(settings.bot_token or "")
        .base_url(base_url or settings.telegram_base_url)
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_init(_post_init)
        .concurrent_updates(PerUserUpdateProcessor())
    )
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    if rate_limiter:
        builder = builder.rate_limiter(InteractiveRateLimiter(services.pacing, max_retries=3))
    application = builder.build()
    application.bot_data["services"] = services
    register_features(application)
    return application


def register_features(application: Application) -> None:
    flood.register(application)
    outbox.register(application)
    relay.register(application)  # its own early group: replies to the desk go first
    for feature in (start, menu, contacts, subscriptions, broadcasts, reports, status, privacy):
        feature.register(application)
    offices.register(application)  # /kantor: before the FAQ reads a typed province
    cekdulu.register(application)  # after the tip-off form, before the FAQ and media
    desk.register(application)
    report_jobs.register(application)
    faq.register(application)
    media.register(application)
    errors.register(application)


async def _post_init(application: Application) -> None:
    await set_commands(application)


async def set_commands(application: Application) -> None:
    """Register the command menu in every language, the default language for the rest, and
    a longer menu in each staff member's own chat."""
    services: Services = application.bot_data["services"]
    default = services.settings.default_language
    for lang in services.content.language_codes:
        commands = _menu(services, lang, COMMANDS)
        await application.bot.set_my_commands(commands, language_code=lang)
        if lang == default:
            await application.bot.set_my_commands(commands)
    staff_menu = _menu(services, default, COMMANDS[:-1] + STAFF_COMMANDS + COMMANDS[-1:])
    for user_id in sorted(services.settings.staff_broadcasters):
        try:
            await application.bot.set_my_commands(staff_menu, scope=BotCommandScopeChat(user_id))
        except TelegramError as exc:  # e.g. a staff member who never opened the bot
            log.info("no staff command menu for user %s: %s", user_id, exc)


def _menu(services: Services, lang: str, specs: list[CommandSpec]) -> list[BotCommand]:
    _ = services.i18n.translator(lang)
    return [BotCommand(c.names.get(lang, c.names["en"]), _(c.description)) for c in specs]


def run_bot(settings: Settings) -> None:
    """Run until interrupted: webhook when WEBHOOK_URL is set, long polling otherwise."""
    services = Services.build(settings)
    application = build_application(services)
    log.info(
        "starting with %d FAQ entries, %d phrasings indexed",
        len(services.content.entries),
        services.matcher.size,
    )
    if settings.webhook_url:
        application.run_webhook(**webhook_options(settings), allowed_updates=Update.ALL_TYPES)
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)


def webhook_options(settings: Settings) -> dict[str, object]:
    """Where the webhook listens and what URL Telegram is given (WEBHOOK_URL + /telegram)."""
    assert settings.webhook_url
    return {
        "listen": "0.0.0.0",
        "port": settings.port,
        "url_path": "telegram",
        "webhook_url": settings.webhook_url.rstrip("/") + "/telegram",
        "secret_token": settings.webhook_secret,
    }
