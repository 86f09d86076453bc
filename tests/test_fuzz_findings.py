"""Regression tests for what the fuzzer (tests/test_fuzz.py, bench/fuzz_bench.py) found."""

from __future__ import annotations

import logging

import pytest

from bot.core.reports.draft import Draft
from tests.conftest import Bot

USER = 7346519001


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_a_press_from_someone_who_blocked_the_bot_is_no_error(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    """The handler's answer fails with 403: not an error with a traceback, and no later
    handler group answers the same press again ("out of date"), which Telegram refuses."""
    api = bot.api
    api.private_chat(USER, language_code="en")
    await api.send_text(USER, "/menu")
    menu = await api.next_message(USER)
    contacts = next(data for _label, data in bot.buttons(menu) if data == "contacts")
    api.block(USER)
    mark = api.mark()
    with caplog.at_level(logging.INFO):
        await api.press(USER, menu["message_id"], contacts)
        await api.wait_until(lambda: any(c.status == 403 for c in api.calls[mark:]))
        await settled(bot)
    assert tracebacks(caplog) == []


async def settled(bot: Bot) -> None:
    await bot.application.update_queue.join()
    await bot.api.wait_until(
        lambda: not bot.application.update_processor.current_concurrent_updates
    )


async def test_a_reply_button_whose_answer_fails_is_answered_once(bot: Bot) -> None:
    """ "Reply to the desk" (an early handler group) failed with 403 after answering the
    press; the catch-all of the last group then answered it a second time ("out of date")."""
    api = bot.api
    api.private_chat(USER, language_code="en")
    draft = Draft(category="recruiter", province="jawa-timur", place="Cirebon", details="x")
    report = bot.services.reports.submit(draft, USER, "en", None)
    await api.send_text(USER, "/status")  # the button sits under desk updates; any message will do
    status = await api.next_message(USER)
    api.block(USER)
    mark = api.mark()
    await api.press(USER, status["message_id"], f"rl:{report.code}", force=True)
    await api.wait_until(lambda: any(c.status == 403 for c in api.calls[mark:]))
    await settled(bot)
    answers = [c for c in api.calls[mark:] if c.method == "answerCallbackQuery"]
    assert [c.status for c in answers] == [200]
