"""Webhook mode: Telegram POSTs updates to us; a wrong secret token is refused."""

from __future__ import annotations

import dataclasses
import socket
import time
from pathlib import Path

import httpx

from bot.config import Settings
from bot.services import Services
from bot.storage import Database
from bot.storage.database import guarded_tasks
from bot.telegram.application import build_application, webhook_options
from bot.testing.fake_api import FakeBotAPI
from bot.testing.harness import emulator_settings

USER = 77


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _update(update_id: int, text: str) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": USER, "type": "private", "first_name": "Ani"},
            "from": {"id": USER, "is_bot": False, "first_name": "Ani", "language_code": "en"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_webhook_receives_updates_and_checks_the_secret(
    base_settings: Settings, database: Path | str
) -> None:
    port = _free_port()
    async with FakeBotAPI() as api:
        settings = dataclasses.replace(
            emulator_settings(api, base_settings, database),
            webhook_url="https://bot.example.org",  # public URL, behind a TLS proxy
            webhook_secret="s3cret-token",
        )
        services = Services.build(settings, Database.open(database))
        app = build_application(services, base_url=api.base_url, rate_limiter=False)
        api.private_chat(USER, language_code="en")
        options = {**webhook_options(settings), "listen": "127.0.0.1", "port": port}
        with guarded_tasks():  # on PostgreSQL the loop guard watches the handlers' queries
            await app.initialize()
            await app.start()
            await app.updater.start_webhook(**options)
        try:
            set_hook = await api.wait_for("setWebhook", since=0)
            assert set_hook[0].params["url"] == "https://bot.example.org/telegram"
            assert set_hook[0].params["secret_token"] == "s3cret-token"
            url = f"http://127.0.0.1:{port}/telegram"
            async with httpx.AsyncClient() as client:
                refused = await client.post(
                    url,
                    json=_update(1, "/help"),
                    headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
                )
                assert refused.status_code == 403
                accepted = await client.post(
                    url,
                    json=_update(2, "/emergency"),
                    headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"},
                )
                assert accepted.status_code == 200
            reply = await api.next_message(USER)
            assert "0-800-1000" in reply["text"]
            assert len(api.messages_to(USER)) == 1  # the refused /help got no answer
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            services.db.close()
