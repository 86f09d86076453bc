"""/start in three short messages: who we are (not a recruiter), four big buttons (Tanya,
Cek Dulu, Lapor, Darurat), and the language switch; each readable on a small phone without
scrolling."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.testing.harness import running_bot
from tests.conftest import Bot

MAX_RENDERED = 350  # characters: about one screen of a small phone at the default text size


@pytest.fixture
async def bot(base_settings: Settings, database: Path | str) -> AsyncIterator[Bot]:
    """On both backends: on PostgreSQL the loop guard proves the language is read and
    saved off the event loop."""
    async with running_bot(base_settings, database) as (api, services, app):
        yield Bot(api, services, app)


def _rendered(message: dict) -> str:
    return re.sub(r"<[^>]+>", "", message.get("text") or "")


@pytest.mark.parametrize(
    ("lang", "labels", "not_a_recruiter"),
    [
        ("id", ["🙋 Tanya", "🔎 Cek Dulu", "📣 Lapor", "🆘 Darurat"], "bukan agen"),
        ("en", ["🙋 Ask", "🔎 Cek Dulu", "📣 Report", "🆘 Emergency"], "not a recruiter"),
    ],
)
async def test_start_is_three_short_messages(
    bot: Bot, lang: str, labels: list[str], not_a_recruiter: str
) -> None:
    api, user = bot.api, 7201 if lang == "id" else 7202
    api.private_chat(user, language_code=lang)
    await api.send_text(user, "/start")
    who, what, language = [await api.next_message(user) for _ in range(3)]
    assert len(api.messages_to(user)) == 3
    for message in (who, what, language):
        assert len(_rendered(message)) <= MAX_RENDERED
    assert not_a_recruiter in _rendered(who)
    assert [label for label, _ in bot.buttons(what)] == labels
    rows = what["reply_markup"]["inline_keyboard"]
    assert all(len(row) == 1 for row in rows)  # one full-width button per row: big
    assert [data for _, data in bot.buttons(language)] == ["lang:id", "lang:en"]


async def test_the_four_buttons_lead_to_the_four_features(bot: Bot) -> None:
    api, user = bot.api, 7203
    api.private_chat(user, language_code="id")
    await api.send_text(user, "/start")
    _who, what, _language = [await api.next_message(user) for _ in range(3)]
    expected = {
        "ask": "Ketik pertanyaanmu",
        "ck:start": "Cek Dulu",
        "rp:new": "Lapor",
        "contacts": "0-800-1000",
    }
    for data, words in expected.items():
        await api.press(user, what["message_id"], data)
        reply = await api.next_message(user)
        assert words in reply["text"], data
        if data == "rp:new":
            await api.send_text(user, "/batal")
            await api.next_message(user)


async def test_language_switch_answers_in_the_new_language(bot: Bot) -> None:
    api, user = bot.api, 7204
    api.private_chat(user, language_code="id")
    await api.send_text(user, "/start")
    language = [await api.next_message(user) for _ in range(3)][-1]
    query = await api.press(user, language["message_id"], "lang:en")
    await api.wait_for("answerCallbackQuery")
    assert api.callback_answer(query)["text"] == "Language set to English."
    first = bot.buttons(await api.next_message(user))[0]
    assert first == ("🙋 Ask", "ask")
