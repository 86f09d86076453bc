"""End to end: albums are answered once, and every photo counts against the flood guard."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.services import Services
from bot.storage import Database
from bot.testing.fake_api import FakeBotAPI
from bot.testing.harness import emulator_settings, running_application
from tests.conftest import Bot

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

FLOODER = 800_001
OTHER = 800_002


@pytest.fixture
async def production_bot(base_settings: Settings, tmp_path: Path) -> AsyncIterator[Bot]:
    """The bot as deployed: rate limiter on, default flood limit, Telegram's limits enforced."""
    database = tmp_path / "bot.sqlite3"
    async with FakeBotAPI() as api:
        settings = emulator_settings(api, base_settings, database)
        services = Services.build(settings, Database.open(database))
        try:
            async with running_application(services, api, rate_limiter=True) as app:
                api.enforce_flood_limits()
                yield Bot(api, services, app)
        finally:
            services.db.close()


async def test_an_album_of_ten_photos_gets_one_reply(bot: Bot) -> None:
    bot.api.private_chat(FLOODER, language_code="en")
    await bot.api.send_album(FLOODER, 10)
    await bot.api.send_text(FLOODER, "/help")  # a marker: handled after the whole album
    await bot.api.wait_until(lambda: len(bot.api.messages_to(FLOODER)) >= 2)
    await bot.application.update_queue.join()
    with pytest.raises(TimeoutError):  # the album's answer came, and nothing more
        await bot.api.wait_until(lambda: len(bot.api.messages_to(FLOODER)) > 2, timeout=2)
    texts = [m.get("text", "") for m in bot.api.messages_to(FLOODER)]
    assert sum(_answers_a_picture(text) for text in texts) == 1
    assert len(texts) == 2


async def test_a_flood_of_albums_does_not_hold_up_someone_elses_emergency(
    production_bot: Bot,
) -> None:
    api = production_bot.api
    api.private_chat(FLOODER, language_code="en")
    api.private_chat(OTHER, language_code="en")
    for _ in range(30):  # 300 photos within a minute
        await api.send_album(FLOODER, 10)
    await api.send_text(OTHER, "/darurat")
    emergency = await api.next_message(OTHER, timeout=30)
    await production_bot.application.update_queue.join()
    # An album is answered once its pictures stop arriving (about a second later).
    await api.wait_until(lambda: len(api.messages_to(FLOODER)) >= 3, timeout=30)
    with pytest.raises(TimeoutError):  # and nothing after that
        await api.wait_until(lambda: len(api.messages_to(FLOODER)) > 3, timeout=2)
    sends = [c.chat_id for c in api.calls if c.method == "sendMessage" and c.ok]
    flooder = [m.get("text", "") for m in api.messages_to(FLOODER)]
    # Every photo counted: the first two albums (20 photos, the limit) got one answer each
    # (once each album's pictures stopped arriving), plus one slow-down, then silence.
    # Before, each of the 300 photos got its own answer.
    assert len(flooder) == 3, flooder
    assert sum(_answers_a_picture(text) for text in flooder) == 2
    assert sum("very quickly" in text for text in flooder) == 1
    assert sends.index(OTHER) <= 3  # the emergency numbers did not queue behind the flood
    assert emergency.get("text")


def _answers_a_picture(text: str) -> bool:
    """Cek Dulu reads pictures (OCR); a photo without words gets its "no text found" answer."""
    return "text in this picture" in text or "typed text" in text
