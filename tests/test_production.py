"""Running for real: start-up that waits for Telegram, a rejected token in one line, and the
HTTP server's health, readiness, metrics and webhook routes."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import os
import socket
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from bot.config import Settings
from bot.services import Services
from bot.storage import Database
from bot.storage.database import PostgresDatabase, guarded_tasks
from bot.telegram.application import build_application, serve
from bot.telegram.server import BotServer, ServerOptions
from bot.telegram.startup import TokenRejected, initialize_when_reachable
from bot.testing.fake_api import FakeBotAPI
from bot.testing.harness import emulator_settings
from tests.conftest import DESK_CHAT_ID, Bot
from tests.test_webhook import USER as WEBHOOK_USER
from tests.test_webhook import _update

ROOT = Path(__file__).resolve().parents[1]
USER = 4242


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _services(api: FakeBotAPI, base: Settings, database: Path | str, **changes: object) -> Services:
    settings = dataclasses.replace(emulator_settings(api, base, database), **changes)
    return Services.build(settings, Database.open(database))


# SQLite only: the three start-up tests below are about Telegram (no query is made before the
# token is checked); the database's own start-up wait is in test_postgres.py.
async def test_start_up_retries_an_unreachable_bot_api_with_backoff(
    base_settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with FakeBotAPI() as api:
        services = _services(api, base_settings, tmp_path / "bot.sqlite3")
        app = build_application(services, base_url=api.base_url, rate_limiter=False)
        api.fail("getMe", 502, count=3)
        waits: list[float] = []

        async def no_wait(seconds: float) -> None:
            waits.append(seconds)

        with caplog.at_level(logging.DEBUG):
            attempts = await initialize_when_reachable(app, sleep=no_wait)
        try:
            assert attempts == 4
            assert waits == [1.0, 2.0, 4.0]
            retry_lines = [r for r in caplog.records if "not reachable" in r.getMessage()]
            assert len(retry_lines) == 3
            assert all(r.exc_info is None for r in retry_lines)  # one line, no traceback
            assert all(api.token not in r.getMessage() for r in retry_lines)
            assert app.bot.username  # initialised: Telegram said who the bot is
        finally:
            await app.shutdown()
            services.db.close()


async def test_a_rejected_token_is_not_retried(base_settings: Settings, tmp_path: Path) -> None:
    async with FakeBotAPI() as api:
        services = _services(
            api, base_settings, tmp_path / "bot.sqlite3", bot_token="123456:not-the-right-one"
        )
        app = build_application(services, base_url=api.base_url, rate_limiter=False)
        with pytest.raises(TokenRejected) as caught:
            await initialize_when_reachable(app, sleep=lambda s: asyncio.sleep(0))
        assert "not-the-right-one" not in str(caught.value)
        assert caught.value.__cause__ is None and caught.value.__suppress_context__
        services.db.close()


async def test_python_m_bot_with_a_rejected_token_prints_one_line_without_it(
    tmp_path: Path,
) -> None:
    token = "123456:AAwrongTokenThatMustNeverBePrinted"
    async with FakeBotAPI() as api:
        env = {
            **os.environ,
            "BOT_TOKEN": token,
            "TELEGRAM_BASE_URL": api.base_url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
            "CONTENT_DIR": str(ROOT / "content"),
            "LOG_LEVEL": "WARNING",  # DEBUG lines are the log filter's job (test_no_token_in_logs)
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    output = (out + err).decode()
    assert "AAwrongTokenThatMustNeverBePrinted" not in output
    assert "Traceback" not in output
    assert "rejected BOT_TOKEN" in err.decode().strip().splitlines()[-1]


async def test_health_readiness_and_metrics(bot: Bot) -> None:
    server = BotServer(bot.application, ServerOptions(listen="127.0.0.1", port=0))
    await server.start()
    base = f"http://127.0.0.1:{server.port}"
    try:
        async with httpx.AsyncClient(base_url=base) as client:
            assert (await client.get("/healthz")).status_code == 200
            ready = await client.get("/readyz")
            assert ready.status_code == 200
            assert ready.json() == {
                "ready": True,
                "role": "leader",
                "database": "ok",
                "telegram": "ok",
            }
            bot.api.private_chat(USER, language_code="en")
            await bot.api.send_text(USER, "/emergency")
            await bot.api.next_message(USER)
            await _until(lambda: 'bot_updates_total{kind="command"} 1.0' in _scrape(server))
            text = (await client.get("/metrics")).text
            assert "bot_update_seconds_count 1.0" in text
            assert "bot_desk_outbox_backlog 0.0" in text
            assert "bot_cases_past_ack_deadline 0.0" in text
            assert str(USER) not in text  # no user ids in labels

            server.telegram_ok_at = 0.0  # forget the last answer, then lose Telegram
            bot.api.fail("getMe", 502, count=None)
            not_ready = await client.get("/readyz")
            assert not_ready.status_code == 503
            assert not_ready.json()["telegram"] == "error"
            bot.api.clear_faults()
    finally:
        await server.stop()


def lose(db: Database) -> None:
    """Cut the bot off its database. SQLite: close it. PostgreSQL replaces a closed
    connection at the next query, so the database it reconnects to must be gone too."""
    if isinstance(db, PostgresDatabase):
        db.conn.url = urlunsplit(urlsplit(db.conn.url)._replace(path="/no_such_database"))
    db.close()


async def test_readiness_reports_a_lost_database(bot: Bot) -> None:
    server = BotServer(bot.application, ServerOptions(listen="127.0.0.1", port=0))
    await server.start()
    try:
        lose(bot.services.db)
        async with httpx.AsyncClient() as client:
            answer = await client.get(f"http://127.0.0.1:{server.port}/readyz")
        assert answer.status_code == 503
        assert answer.json()["database"] == "error"
    finally:
        await server.stop()


def _scrape(server: BotServer) -> str:
    return server.application.bot_data["metrics"].exposition().decode()


async def _until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def test_webhook_mode_serves_updates_health_and_metrics_on_one_port(
    base_settings: Settings, database: Path | str
) -> None:
    port = _free_port()
    async with FakeBotAPI() as api:
        services = _services(
            api,
            base_settings,
            database,
            webhook_url="https://bot.example.org",
            webhook_secret="s3cret-token",
            port=port,
        )
        app = build_application(services, base_url=api.base_url, rate_limiter=False)
        api.private_chat(WEBHOOK_USER, language_code="en")
        api.group_chat(DESK_CHAT_ID, "Desk")  # checked at start: it must be a group
        stop = asyncio.Event()
        with guarded_tasks():  # on PostgreSQL the loop guard watches what serve() starts
            running = asyncio.create_task(serve(app, services.settings, stop))
        try:
            hook = await api.wait_for("setWebhook", since=0)
            assert hook[0].params["url"] == "https://bot.example.org/telegram"
            url = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(base_url=url) as client:
                update = _update(1, "/emergency")
                wrong = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
                right = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
                refused = await client.post("/telegram", json=update, headers=wrong)
                accepted = await client.post("/telegram", json=update, headers=right)
                garbled = await client.post("/telegram", content=b"{", headers=right)
                assert (refused.status_code, accepted.status_code) == (403, 200)
                assert garbled.status_code == 400
                reply = await api.next_message(WEBHOOK_USER)
                assert "0-800-1000" in reply["text"]
                assert (await client.get("/healthz")).status_code == 200
                assert "bot_updates_total" in (await client.get("/metrics")).text
        finally:
            stop.set()
            await asyncio.wait_for(running, 30)
            services.db.close()


async def test_metrics_count_decisions_verdicts_and_stats_see_the_verdicts(bot: Bot) -> None:
    api = bot.api
    api.private_chat(USER, language_code="en")
    await api.send_text(USER, "how do I check that an agency is licensed")
    await api.next_message(USER)
    await api.send_text(
        USER, "/check Kerja admin di Kamboja gaji 20jt, transfer ke rekening pribadi"
    )
    await api.next_message(USER)
    await _until(lambda: "bot_cekdulu_verdicts_total{" in _scrape_app(bot))
    text = _scrape_app(bot)
    assert 'bot_matcher_decisions_total{kind="' in text
    assert 'bot_cekdulu_verdicts_total{verdict="danger"} 1.0' in text
    assert bot.services.desk_data.verdicts(dt.date.today()) == [("danger", 1)]


def _scrape_app(bot: Bot) -> str:
    return bot.application.bot_data["metrics"].exposition().decode()
