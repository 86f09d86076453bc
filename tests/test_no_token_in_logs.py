# ruff: noqa: F811 - the e2e fixtures are imported from test_e2e_reports and used by name
"""The bot token never reaches the logs, even at DEBUG (httpx would log request URLs)."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path

import pytest
import telegram
from telegram.error import InvalidToken

from bot import logsafe
from bot.__main__ import _configure_logging
from bot.config import Settings
from bot.testing.fake_api import FakeBotAPI
from tests.conftest import ROOT, Bot
from tests.test_e2e_reports import (  # noqa: F401 - fixtures are used by name
    REPORTER,
    REPORTER_HANDLE,
    REPORTER_SURNAME,
    Answers,
    api,
    bot_on,
    card_of,
    settings,
    submit_report,
)


async def test_token_absent_from_debug_logs(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    _configure_logging("DEBUG")
    bot.api.private_chat(5, language_code="id")
    await bot.api.send_text(5, "/start")
    await bot.api.next_message(5)
    await bot.api.send_text(5, "agen minta 30jt wajar gk")
    await bot.api.next_message(5)
    bot.api.fail("sendMessage", 500)  # an error path logs too
    await bot.api.send_text(5, "visa kerja")
    await bot.api.wait_for("sendMessage", ok=False)
    token = bot.api.token
    secret = token.split(":", 1)[1]
    assert caplog.records, "nothing was logged at DEBUG"
    for record in caplog.records:
        text = record.getMessage() + (str(record.exc_info[1]) if record.exc_info else "")
        assert secret not in text, f"token leaked by {record.name}"


# -- issue 13: every record, every logger, from before the bot is built --------------------
class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.name, self.format(record)))


async def test_no_token_name_or_report_text_in_any_record(
    settings: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    """Logging at DEBUG is set up first, as `python -m bot run` does; then the bot is built,
    takes a report from a reporter who chose to be shown, and hits an error path."""
    root = logging.getLogger()
    keep, level = _Keep(), root.level
    root.addHandler(keep)
    root.setLevel(logging.DEBUG)
    try:
        async with bot_on(settings, database, api):
            code = await submit_report(api, REPORTER, Answers(show_identity=True))
            await card_of(api, code)
            api.fail("sendMessage", 500)
            await api.send_text(REPORTER, "visa kerja Jepang")
            await api.wait_for("sendMessage", ok=False)
    finally:
        root.removeHandler(keep)
        root.setLevel(level)
    secrets = (api.token.split(":", 1)[1], REPORTER_HANDLE, REPORTER_SURNAME, "Sukamaju")
    ours = [(n, t) for n, t in keep.lines if not n.startswith(("bot.testing", "aiohttp"))]
    assert ours, "nothing was logged at DEBUG"
    leaks = [(n, s) for n, t in ours for s in secrets if s in t]
    assert not leaks


def test_a_token_in_an_exception_is_redacted_from_the_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = "7654321:AAFakeTokenForTheLogTest_abcdefghijk"
    logsafe.protect(token)
    caplog.set_level(logging.ERROR)
    try:
        raise InvalidToken(f"The token `{token}` was rejected by the server.")
    except InvalidToken:
        logging.getLogger("telegram.ext.Application").exception("start-up failed")
    text = caplog.text
    assert "start-up failed" in text and "InvalidToken" in text
    assert token.split(":")[1] not in text


# SQLite only: a rejected token stops the start before any query.
async def test_a_rejected_token_is_one_line_and_exit_2(api: FakeBotAPI, tmp_path: Path) -> None:
    token = "7654321:AAWrongTokenForTheStartTest_abcdefghij"
    env = {
        **os.environ,
        "BOT_TOKEN": token,
        "TELEGRAM_BASE_URL": api.base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "LOG_LEVEL": "DEBUG",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    text = (out + err).decode()
    assert process.returncode == 2, text
    assert "Traceback" not in text
    assert token.split(":")[1] not in text
    assert "BOT_TOKEN" in text.strip().splitlines()[-1]


def test_the_bot_api_url_line_is_redacted_even_with_telegram_at_debug() -> None:
    """python-telegram-bot logs "Set Bot API URL: …/bot<token>" while a bot is created; even
    with its logger turned up to DEBUG on purpose, the record must not hold the token."""
    token = "7654321:AAUrlLineTokenForTheLogTest_abcdefghij"
    logsafe.protect(token)
    keep, ptb = _Keep(), logging.getLogger("telegram")
    level = ptb.level
    ptb.addHandler(keep)
    ptb.setLevel(logging.DEBUG)  # past the quieting
    try:
        telegram.Bot(token)
    finally:
        ptb.removeHandler(keep)
        ptb.setLevel(level)
    url_lines = [text for _name, text in keep.lines if "Bot API URL" in text]
    assert url_lines and not [t for t in url_lines if token.split(":")[1] in t]
