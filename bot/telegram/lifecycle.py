"""Start/stop hooks that run however the Application is driven.

PTB's post_init/post_stop only run under run_polling/run_webhook; the e2e harness drives
initialize/start/stop/shutdown itself. Background services (the broadcast delivery worker)
register here so they start with the Application and stop before it, in every mode.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import Application

from bot.telegram.metrics import UpdateTimer, metrics_of

log = logging.getLogger(__name__)

Hook = Callable[[], Awaitable[Any]]
HOOKS_KEY = "lifecycle_hooks"


def on_start_stop(application: Application, start: Hook, stop: Hook) -> None:
    """Run `start` after the Application starts and `stop` before it stops."""
    application.bot_data.setdefault(HOOKS_KEY, []).append((start, stop))


class BotApplication(Application):
    """An Application that runs the hooks registered with `on_start_stop`, times every
    update for the metrics and writes the persistence after every update."""

    __slots__ = ()

    async def process_update(self, update: object) -> None:
        with UpdateTimer(metrics_of(self), update):
            await super().process_update(update)
        if self.persistence:
            # PTB alone writes every update_interval and on a clean stop; a kill -9 would
            # lose the answers since. Written now, before this user's next update is read.
            await self.update_persistence()

    async def start(self) -> None:
        await super().start()
        for start, _stop in self.bot_data.get(HOOKS_KEY, []):
            await start()

    async def stop(self) -> None:
        for _start, stop in reversed(self.bot_data.get(HOOKS_KEY, [])):
            try:
                await stop()
            except Exception:
                log.exception("a stop hook failed")
        await super().stop()
