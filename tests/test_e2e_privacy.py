"""/hapusdata as the person sees it: the question, its buttons and answers, and where it
works. What it deletes is checked table by table in test_erasure.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.telegram.handlers.privacy import explanation
from bot.testing.harness import running_bot
from tests.conftest import Bot

USER = 4343
GROUP = -100777


@pytest.fixture
async def bot(base_settings: Settings, database: Path | str) -> AsyncIterator[Bot]:
    """On both backends: on PostgreSQL the loop guard proves /hapusdata queries off the loop."""
    async with running_bot(base_settings, database) as (api, services, app):
        yield Bot(api, services, app)


def _text(message: dict) -> str:
    return message.get("text") or ""


async def ask(bot: Bot) -> dict:
    bot.api.private_chat(USER, language_code="en")
    await bot.api.send_text(USER, "/deletemydata")
    return await bot.api.next_message(USER)


async def test_the_question_offers_delete_and_keep(bot: Bot) -> None:
    question = await ask(bot)
    assert "Delete your data?" in _text(question)
    assert bot.buttons(question) == [("🗑 Delete my data", "del:yes"), ("Keep it", "del:no")]


async def test_keep_deletes_nothing_and_delete_says_done(bot: Bot) -> None:
    question = await ask(bot)
    await bot.api.press(USER, question["message_id"], "del:no")
    await bot.api.wait_for("editMessageText", chat_id=USER)
    assert _text(bot.api.message(USER, question["message_id"])) == "Nothing was deleted."
    question = await ask(bot)
    await bot.api.press(USER, question["message_id"], "del:yes")
    await bot.api.wait_for("editMessageText", chat_id=USER)
    assert _text(bot.api.message(USER, question["message_id"])) == (
        "Done: your data has been deleted. You can keep using the bot at any time."
    )


async def test_a_forged_button_is_answered_as_out_of_date(bot: Bot) -> None:
    question = await ask(bot)
    query = await bot.api.press(USER, question["message_id"], "del:maybe", force=True)
    answer = await bot.api.wait_until(lambda: bot.api.callback_answer(query))
    assert answer["text"] == "This button is out of date."


async def test_not_offered_in_a_group(bot: Bot) -> None:
    bot.api.group_chat(GROUP, "Desa", members=[USER])
    await bot.api.send_text(USER, "/hapusdata", chat_id=GROUP)
    await bot.api.wait_quiet()
    assert not [m for m in bot.api.messages_to(GROUP) if "del:yes" in str(m)]


def test_every_open_case_is_named(bot: Bot) -> None:
    _ = bot.services.i18n.translator("en")
    text = explanation(_, ["LP-AAAAA", "LP-<B>"])
    assert "<code>LP-AAAAA</code>, <code>LP-&lt;B&gt;</code>" in text
    assert "Your reports" in text and "are still open" in text
