"""Wiring: build the Application from the services, register features, run it.

Handlers stay thin; this module only decides order. Flood protection runs first (its own
group), features next, the catch-all for media and unknown commands last.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from functools import partial

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.ext import Application, ApplicationBuilder, Defaults

from bot import logsafe
from bot.config import Settings
from bot.services import Services
from bot.storage.lease import Lease, hold, lease_for, wait_for_lease
from bot.storage.persistence import StateStore
from bot.telegram import common, desk_chat, errors, flood, outbox, persistence, report_jobs
from bot.telegram.commands import COMMANDS, STAFF_COMMANDS, CommandSpec
from bot.telegram.handlers import (
    broadcasts,
    cekdulu,
    contacts,
    desk,
    faq,
    groups,
    media,
    menu,
    offices,
    privacy,
    relay,
    report_form,
    start,
    stats,
    status,
    subscriptions,
)
from bot.telegram.lifecycle import BotApplication
from bot.telegram.metrics import install as install_metrics
from bot.telegram.persistence import DatabasePersistence
from bot.telegram.ratelimit import InteractiveRateLimiter
from bot.telegram.server import BotServer, ServerOptions
from bot.telegram.startup import initialize_when_reachable
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
    logsafe.protect(settings.bot_token)  # before the Bot object logs its API URL
    builder = (
        ApplicationBuilder()
        .application_class(BotApplication)
        .token(settings.bot_token or "")
        .base_url(base_url or settings.telegram_base_url)
        .defaults(Defaults(link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_init(_post_init)
        .concurrent_updates(PerUserUpdateProcessor())
        .persistence(DatabasePersistence(StateStore(services.db, services.sealer)))
    )
    if base_file_url:
        builder = builder.base_file_url(base_file_url)
    limiter = InteractiveRateLimiter(services.pacing) if rate_limiter else None
    if limiter is not None:
        builder = builder.rate_limiter(limiter)
    application = builder.build()
    application.bot_data["services"] = services
    metrics = install_metrics(application, services.db, services.report_outbox.clock.now)
    if limiter is not None:
        limiter.on_flood = metrics.flood_waits.labels("replies").inc
    register_features(application)
    _persist(application)
    return application


def _persist(application: Application) -> None:
    """Conversation state survives restarts (bot/telegram/persistence.py), and /hapusdata
    deletes it with everything else."""
    store = application.persistence
    assert isinstance(store, DatabasePersistence)
    persistence.install(application, store)

    privacy.add_memory_eraser(application, partial(persistence.end_conversations, application))
    privacy.add_eraser(application, lambda _svc, user_id: store.forget_user(user_id))


def register_features(application: Application) -> None:
    common.register(application)  # the user's language, read before any handler needs it
    flood.register(application)
    groups.register(application)  # private-only buttons pressed in a group
    outbox.register(application)
    relay.register(application)  # its own early group: replies to the desk go first
    for feature in (start, menu, contacts, subscriptions, broadcasts, report_form, status, privacy):
        feature.register(application)
    offices.register(application)  # /kantor: before the FAQ reads a typed province
    cekdulu.register(application)  # after the tip-off form, before the FAQ and media
    desk.register(application)
    stats.register(application)
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
    """Run until SIGINT/SIGTERM: webhook when WEBHOOK_URL is set, long polling otherwise.

    Raises TokenRejected when Telegram refuses the token (the caller prints one line)."""
    services = Services.build(settings)
    application = build_application(services)
    log.info(
        "starting with %d FAQ entries, %d phrasings indexed",
        len(services.content.entries),
        services.matcher.size,
    )
    asyncio.run(serve(application, settings))


async def serve(
    application: Application,
    settings: Settings,
    stop: asyncio.Event | None = None,
    lease: Lease | None = None,
) -> None:
    """Wait for the lease (another instance may be active), initialise (waiting for
    Telegram), start, receive updates until `stop` is set (by SIGINT or SIGTERM when no
    event is given), then stop cleanly. Raises LeaseLost when the lease is lost: the
    process stops working at once and exits, and its process manager restarts it as a
    standby."""
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set)
    lease = lease or lease_for(settings.database_url)
    role = Role()
    server = _server(application, settings, role)
    try:
        if server:  # health answers on a standby too; updates are refused until active
            await server.start()
        if not await wait_for_lease(lease, stop):
            return
        role.name = "leader"
        await initialize_when_reachable(application)
        await _check_desk(application)
        await _post_init(application)
        await application.start()
        await _receive_updates(application, settings)
        await _until_stopped(stop, lease)
    finally:
        role.name = "stopping"
        if server:
            await server.stop()
        await _stop_application(application)
        await lease.release()


class Role:
    """What this process is doing, for /readyz and the webhook: standby until it holds the
    lease, leader while it works."""

    def __init__(self) -> None:
        self.name = "standby"

    def __call__(self) -> str:
        return self.name


async def _until_stopped(stop: asyncio.Event, lease: Lease) -> None:
    """Until `stop` is set; LeaseLost as soon as the lease cannot be proven held."""
    holding = asyncio.create_task(hold(lease))
    stopping = asyncio.create_task(stop.wait())
    try:
        done, _pending = await asyncio.wait(
            {holding, stopping}, return_when=asyncio.FIRST_COMPLETED
        )
        if holding in done:
            holding.result()  # raises LeaseLost
    finally:
        for task in (holding, stopping):
            task.cancel()
        await asyncio.gather(holding, stopping, return_exceptions=True)


async def _stop_application(application: Application) -> None:
    if application.updater and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()  # a no-op for a standby that never took over


async def _check_desk(application: Application) -> None:
    """Refuse a DESK_CHAT_ID that is no group (ConfigError); a network error only warns."""
    try:
        await desk_chat.check_desk(application.bot, application.bot_data["services"])
    except (NetworkError, TimedOut) as exc:
        log.warning("could not check DESK_CHAT_ID now (%s); will use it as set", type(exc).__name__)


def _server(application: Application, settings: Settings, role: Role) -> BotServer | None:
    """Webhook mode: one server on PORT for updates, health and metrics. Polling: a health
    and metrics server only when HEALTH_PORT is set."""
    if settings.webhook_url:
        options = webhook_options(settings)
        return BotServer(
            application,
            ServerOptions(
                listen=str(options["listen"]),
                port=int(str(options["port"])),
                webhook_path="/" + str(options["url_path"]),
                secret_token=settings.webhook_secret,
            ),
            role=role,
        )
    if settings.health_port:
        options = ServerOptions(listen="0.0.0.0", port=settings.health_port)
        return BotServer(application, options, role=role)
    return None


async def _receive_updates(application: Application, settings: Settings) -> None:
    if settings.webhook_url:
        options = webhook_options(settings)
        await application.bot.set_webhook(
            url=str(options["webhook_url"]),
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
        return
    assert application.updater is not None
    await application.bot.delete_webhook()
    await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)


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
