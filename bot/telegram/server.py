"""The bot's own small HTTP server: health, readiness, metrics, and (in webhook mode) updates.

One aiohttp server serves everything an operator or a load balancer asks:

- `GET /healthz`  the process and its event loop answer (liveness);
- `GET /readyz`   the database answers a query, Telegram answered recently (or answers now),
                  and which role this process has (`leader`, or `standby` while it waits);
                  200 when ready, 503 otherwise, with a JSON body saying which check failed;
- `GET /metrics`  Prometheus text format (bot/telegram/metrics.py);
- `POST /telegram` webhook mode only: Telegram's updates, refused with 403 unless they carry
                  the secret token given to setWebhook.

In webhook mode it listens on PORT (behind the TLS proxy) and replaces PTB's own webhook
server, so the metrics share it; in polling mode it runs only when HEALTH_PORT is set.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.storage import Database
from bot.telegram.metrics import metrics_of

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TELEGRAM_FRESH_SECONDS = 60.0  # a Bot API answer this recent proves Telegram is reachable
TELEGRAM_CHECK_TIMEOUT = 5.0
DATABASE_CHECK_TIMEOUT = 5.0


@dataclass
class ServerOptions:
    listen: str
    port: int
    webhook_path: str | None = None  # e.g. "/telegram"; None: no webhook route
    secret_token: str | None = None


class BotServer:
    """Health, readiness and metrics for one Application (and its webhook, if any)."""

    def __init__(
        self,
        application: Application,
        options: ServerOptions,
        *,
        role: Callable[[], str] = lambda: "leader",
    ) -> None:
        self.application = application
        self.options = options
        self.role = role
        self.telegram_ok_at = 0.0
        self._runner: web.AppRunner | None = None
        self.port = options.port

    def web_app(self) -> web.Application:
        app = web.Application(client_max_size=2**20)
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/readyz", self.readyz)
        app.router.add_get("/metrics", self.metrics)
        if self.options.webhook_path:
            app.router.add_post(self.options.webhook_path, self.webhook)
        return app

    async def start(self) -> None:
        self._runner = web.AppRunner(self.web_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.options.listen, self.options.port)
        await site.start()
        sockets = getattr(site._server, "sockets", None) or []  # the port chosen for port 0
        if sockets:
            self.port = sockets[0].getsockname()[1]
        log.info("HTTP server on %s:%d", self.options.listen, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- routes ---------------------------------------------------------------------------
    async def healthz(self, request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(self, request: web.Request) -> web.Response:
        checks = {
            "database": await self._database_ok(),
            "telegram": await self._telegram_ok(),
        }
        role = self.role()
        ready = all(checks.values()) and role == "leader"
        body = {
            "ready": ready,
            "role": role,
            **{name: "ok" if ok else "error" for name, ok in checks.items()},
        }
        return web.json_response(body, status=200 if ready else 503)

    async def metrics(self, request: web.Request) -> web.Response:
        metrics = metrics_of(self.application)
        services = self.application.bot_data.get("services")
        if metrics is None:
            body = b""
        elif services is None:
            body = metrics.exposition()
        else:  # the gauges read the database: off the event loop (Database.run)
            body = await services.db.run(metrics.exposition)
        return web.Response(body=body, content_type="text/plain", charset="utf-8")

    async def webhook(self, request: web.Request) -> web.Response:
        if self.role() != "leader":  # a standby: Telegram retries, reaching the active one
            return web.Response(status=503, text="standby\n")
        expected = self.options.secret_token
        given = request.headers.get(SECRET_HEADER, "")
        if expected and not hmac.compare_digest(given.encode(), expected.encode()):
            return web.Response(status=403, text="forbidden\n")
        try:
            data = await request.json()
            update = Update.de_json(data, self.application.bot)
        except (json.JSONDecodeError, TypeError, ValueError, KeyError):
            return web.Response(status=400, text="not an update\n")
        if update is None:
            return web.Response(status=400, text="not an update\n")
        self.telegram_ok_at = time.monotonic()  # Telegram just reached us
        await self.application.update_queue.put(update)
        return web.Response(text="ok\n")

    # -- checks ---------------------------------------------------------------------------
    async def _database_ok(self) -> bool:
        services = self.application.bot_data.get("services")
        try:
            await asyncio.wait_for(services.db.run(_ping, services.db), DATABASE_CHECK_TIMEOUT)
        except Exception as exc:
            log.warning("readiness: database check failed: %s", type(exc).__name__)
            return False
        return True

    async def _telegram_ok(self) -> bool:
        if time.monotonic() - self.telegram_ok_at < TELEGRAM_FRESH_SECONDS:
            return True
        try:
            await asyncio.wait_for(self.application.bot.get_me(), TELEGRAM_CHECK_TIMEOUT)
        except (TelegramError, TimeoutError) as exc:
            log.warning("readiness: Telegram check failed: %s", type(exc).__name__)
            return False
        self.telegram_ok_at = time.monotonic()
        return True


def _ping(db: Database) -> None:
    db.one("SELECT 1")
