"""Run the real Application against the Bot API emulator: used by the demo, e2e tests, benches.

The application is exactly the one `python -m bot` runs; only the base URL points at the
emulator on 127.0.0.1 instead of api.telegram.org.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from telegram.ext import Application

from bot.config import Settings
from bot.services import Services
from bot.storage import Database
from bot.storage.database import guarded_tasks, is_postgres
from bot.telegram.application import build_application
from bot.testing.fake_api import FakeBotAPI


def emulator_settings(api: FakeBotAPI, base: Settings, database: Path | str) -> Settings:
    """`base` with the emulator's token and URL and the given database (a SQLite file or a
    postgresql:// URL)."""
    return dataclasses.replace(
        base,
        bot_token=api.token,
        telegram_base_url=api.base_url,
        database_url=database if is_postgres(database) else f"sqlite:///{database}",
    )


@asynccontextmanager
async def running_application(
    services: Services, api: FakeBotAPI, *, rate_limiter: bool = False
) -> AsyncIterator[Application]:
    """Initialise, start and long-poll; stop and shut down on exit, even after a failure."""
    application = build_application(
        services, base_url=api.base_url, base_file_url=api.base_file_url, rate_limiter=rate_limiter
    )
    # Every task the application starts inherits the loop guard's mark (tests on PostgreSQL
    # record any query such a task runs on the loop); the caller's own code does not.
    with guarded_tasks():
        await application.initialize()
        if application.post_init:  # run_polling() does this between initialize() and start()
            await application.post_init(application)
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        yield application
    finally:
        if application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)


async def updates_processed(application: Application, timeout: float = 10.0) -> None:
    """Wait until the application holds no update: none queued, none being processed.

    An update's processing does not end with its reply: BotApplication.process_update then
    writes the persistence. A test that "kills" the bot once the emulator is quiet could
    otherwise cut that write short on a slow database (a flaky PostgreSQL run, session 10)."""
    processor = application.update_processor
    deadline = asyncio.get_running_loop().time() + timeout
    while not application.update_queue.empty() or processor.current_concurrent_updates:
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"updates still being processed after {timeout:g} s")
        await asyncio.sleep(0.01)


@asynccontextmanager
async def running_bot(
    base: Settings, database: Path | str, api: FakeBotAPI | None = None
) -> AsyncIterator[tuple[FakeBotAPI, Services, Application]]:
    """The emulator, the services over `database`, and the polling application, all started."""
    owns_api = api is None
    api = api or FakeBotAPI()
    if owns_api:
        await api.start()
    settings = emulator_settings(api, base, database)
    services = Services.build(settings, Database.open(database))
    try:
        async with running_application(services, api) as application:
            yield api, services, application
    finally:
        services.db.close()
        if owns_api:
            await api.stop()
