"""The bot token never reaches the logs, even at DEBUG (httpx would log request URLs)."""

from __future__ import annotations

import logging

import pytest

from bot.__main__ import _configure_logging
from tests.conftest import Bot


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
