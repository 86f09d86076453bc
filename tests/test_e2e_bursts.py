"""End to end: bursts of people writing at once, with the production rate limiter and the
emulator enforcing Telegram's flood limits (bulk 30/s, 1/s per chat with short bursts,
20/min per group). Nobody who wrote is left without an answer."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.config import Settings
from bot.services import Services
from bot.storage import Database
from bot.testing.fake_api import FakeBotAPI
from bot.testing.harness import emulator_settings, running_application
from tests.conftest import Bot

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

FIRST_USER = 700_000
TROUBLE = "Maaf, ada gangguan"


@asynccontextmanager
async def limited_bot(settings: Settings, database: Path | str) -> AsyncIterator[Bot]:
    """The production bot (rate limiter on) against an emulator enforcing Telegram's limits."""
    relaxed = dataclasses.replace(settings, flood_limit_per_minute=1000)
    async with FakeBotAPI() as api:
        services = Services.build(
            emulator_settings(api, relaxed, database), Database.open(database)
        )
        try:
            async with running_application(services, api, rate_limiter=True) as app:
                api.enforce_flood_limits()
                yield Bot(api, services, app)
        finally:
            services.db.close()


def answered(api: FakeBotAPI, users: range) -> list[int]:
    return [user for user in users if api.messages_to(user)]


async def test_a_socialization_event_of_1200_subscribers_all_get_their_reply(
    base_settings: Settings, database: Path | str
) -> None:
    users = range(FIRST_USER, FIRST_USER + 1200)
    async with limited_bot(base_settings, database) as bot:
        for user in users:
            bot.api.private_chat(user)
        for user in users:
            await bot.api.send_text(user, "/langganan")
        await bot.api.wait_until(lambda: len(answered(bot.api, users)) == len(users), 120)
        assert all(bot.services.subscribers.get(user).active for user in users)
        replies = [c for c in bot.api.calls if c.method == "sendMessage"]
        assert not [c for c in replies if not c.ok]  # not one 429 on a reply


async def test_200_people_starting_a_report_at_once_get_no_error(
    base_settings: Settings, database: Path | str
) -> None:
    users = range(FIRST_USER, FIRST_USER + 200)
    async with limited_bot(base_settings, database) as bot:
        for user in users:
            bot.api.private_chat(user)
        for user in users:
            await bot.api.send_text(user, "/lapor")
        await bot.api.wait_until(lambda: len(answered(bot.api, users)) == len(users), 60)
        await bot.application.update_queue.join()
        texts = [m.get("text", "") for user in users for m in bot.api.messages_to(user)]
        assert not [text for text in texts if TROUBLE in text]
        assert not [c for c in bot.api.calls if not c.ok]


async def test_a_reply_that_draws_several_429s_in_a_row_still_arrives(
    base_settings: Settings, database: Path | str
) -> None:
    """Four 429s in a row (retry_after 1 s): the reply waits each one out and arrives; the
    old limiter gave up after three retries and the person got nothing."""
    user = FIRST_USER
    async with limited_bot(base_settings, database) as bot:
        bot.api.private_chat(user)
        bot.api.fail("sendMessage", 429, retry_after=1, count=4, chat_id=user)
        await bot.api.send_text(user, "/langganan")
        await bot.api.wait_until(lambda: bot.api.messages_to(user), 30)
        attempts = [c for c in bot.api.calls if c.method == "sendMessage" and c.chat_id == user]
        assert [c.status for c in attempts] == [429, 429, 429, 429, 200]
        assert all(b.time - a.time >= 1.0 for a, b in itertools.pairwise(attempts))
