"""End to end: each topic added in Content v2 answers in Indonesian and in English, through
the real Application and the Bot API emulator, with its first-screen answer."""

from __future__ import annotations

import pytest

from bot.core.tghtml import parse_html
from tests.conftest import Bot

USER = 6262
NEW_TOPICS = [
    "fishing-crew",
    "scam-compound",
    "undocumented-abroad",
    "placement-loans",
    "contract-substitution",
    "rights-at-work",
    "death-illness-abroad",
    "family-reintegration",
    "country-germany",
    "working-holiday",
    "country-turkey",
    "cruise-ships",
    "drug-courier",
    "romance-scams",
    "wages-by-country",
]


def _text(message: dict) -> str:
    return message.get("text") or message.get("caption") or ""


@pytest.mark.parametrize("lang", ["id", "en"])
async def test_every_new_topic_answers_in_both_languages(bot: Bot, lang: str) -> None:
    api = bot.api
    content = bot.services.content
    api.private_chat(USER, language_code=lang)
    for topic in NEW_TOPICS:
        entry = content.entries[topic]
        await api.send_text(USER, entry.questions[lang][0])
        answer = await api.next_message(USER)
        text = _text(answer)
        assert entry.title[lang] in text, topic
        first_line = parse_html(entry.answer[lang]).strip().splitlines()[0]
        assert first_line in text, topic
        assert any(data == f"fb:+:{topic}" for _, data in bot.buttons(answer)), topic
