"""End to end: paid broadcasts ("paid, fast") through the Bot API emulator.

Staff see the audience size, the time at the free and the paid rate and the Stars estimate
in the preview; a paid broadcast's sends carry allow_paid_broadcast, a free one's never do,
and a paid broadcast resumes after a crash like any other.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.broadcasts.model import RecipientState
from bot.testing.fake_api import Call, FakeBotAPI
from tests.conftest import Bot
from tests.test_e2e_broadcasts import (
    SCAM_WARNING,
    USER,
    api,  # noqa: F401  (fixture)
    bot_on,
    choose,
    compose,
    confirm,
    finished,
    received,
    send_now,
    subscribe,
    text_of,
    worker,
)
from tests.test_e2e_broadcasts import settings as free_settings  # noqa: F401  (fixture)

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


@pytest.fixture
def settings(free_settings: Settings) -> Settings:  # noqa: F811
    return dataclasses.replace(
        free_settings,
        broadcast_rate=20,
        broadcast_paid_rate=500,
        broadcast_paid_stars_per_message=0.1,
    )


@pytest.fixture
async def bot(settings: Settings, api: FakeBotAPI, database: Path | str):  # noqa: F811
    async with bot_on(settings, database, api) as running:
        yield running


def warning_sends(api: FakeBotAPI) -> list[Call]:  # noqa: F811  (the fixture's name)
    return [
        c for c in api.calls if c.method == "sendMessage" and c.params.get("text") == SCAM_WARNING
    ]


def is_paid(call: Call) -> bool:
    return call.params.get("allow_paid_broadcast") in (True, "true", "True")


async def to_preview(bot: Bot) -> dict:
    control = await compose(bot)
    await choose(bot, control, "bc:all")
    _preview, summary = await send_now(bot, control)
    return summary


async def switch_to_paid(bot: Bot, summary: dict) -> Call:
    """Press "paid, fast" in the preview; returns the edit that redraws the summary."""
    staff = summary["chat"]["id"]
    await bot.api.press(staff, summary["message_id"], "bc:paid")
    (edit,) = await bot.api.wait_for("editMessageText", chat_id=staff)
    return edit


async def test_preview_shows_audience_free_and_paid_times_and_the_stars_estimate(
    bot: Bot,
) -> None:
    subscribe(bot, range(USER, USER + 30))
    summary = await to_preview(bot)
    text = text_of(summary)
    assert "Subscribers in it now: 30" in text
    assert "Speed: free, normal" in text
    assert "Free (20 a second): about 2 s" in text  # 30 at 20/s
    assert "Paid (500 a second): about 1 s, about 3 Stars (0.1 Star per message)" in text
    assert ("⚡ Switch to paid, fast (Telegram Stars)", "bc:paid") in bot.buttons(summary)
    edited = await switch_to_paid(bot, summary)
    assert "Speed: paid, fast" in edited.params["text"]


async def test_paid_broadcast_sends_carry_allow_paid_broadcast(bot: Bot) -> None:
    users = range(USER, USER + 25)
    subscribe(bot, users)
    summary = await to_preview(bot)
    await switch_to_paid(bot, summary)
    broadcast_id = await confirm(bot, summary)
    await finished(bot, broadcast_id)
    assert bot.services.broadcasts.get(broadcast_id).paid
    to_subscribers = [c for c in warning_sends(bot.api) if c.chat_id in users]
    assert len(to_subscribers) == len(users)
    assert all(is_paid(c) for c in to_subscribers)
    preview = [c for c in warning_sends(bot.api) if c.chat_id not in users]
    assert preview and not any(is_paid(c) for c in preview)  # staff's preview is never paid


async def test_free_broadcast_sends_never_carry_allow_paid_broadcast(bot: Bot) -> None:
    users = range(USER, USER + 10)
    subscribe(bot, users)
    summary = await to_preview(bot)
    broadcast_id = await confirm(bot, summary)
    await finished(bot, broadcast_id)
    assert not bot.services.broadcasts.get(broadcast_id).paid
    sends = warning_sends(bot.api)
    assert sends and not any("allow_paid_broadcast" in c.params for c in sends)


async def test_without_the_setting_there_is_no_paid_choice(
    free_settings: Settings,  # noqa: F811
    api: FakeBotAPI,  # noqa: F811
    database: Path | str,
) -> None:
    async with bot_on(free_settings, database, api) as bot:
        subscribe(bot, range(USER, USER + 3))
        summary = await to_preview(bot)
        assert "Stars" not in text_of(summary)
        assert all(data not in ("bc:paid", "bc:free") for _, data in bot.buttons(summary))


async def test_paid_broadcast_resumes_after_a_kill_still_paid_without_extra_duplicates(
    settings: Settings,
    api: FakeBotAPI,  # noqa: F811
    database: Path | str,
) -> None:
    users = range(USER, USER + 60)
    slow = dataclasses.replace(settings, broadcast_paid_rate=60)
    async with bot_on(slow, database, api) as bot:
        subscribe(bot, users)
        summary = await to_preview(bot)
        await switch_to_paid(bot, summary)
        api.delay("sendMessage", 0.3, count=None)  # requests are in flight when we "crash"
        broadcast_id = await confirm(bot, summary)
        await api.wait_until(lambda: bot.services.broadcasts.counts(broadcast_id).sent >= 10)
        await worker(bot).stop(grace=0)  # the process dies
        in_flight = {
            u
            for u in users
            if bot.services.broadcasts.received(broadcast_id, u) is RecipientState.SENDING
        }
        bound = worker(bot).config.paid_max_in_flight
    api.clear_faults()
    assert 0 < len(in_flight) <= bound

    async with bot_on(slow, database, api) as bot:
        await finished(bot, broadcast_id)
        copies = Counter({u: len(received(api, u)) for u in users})
        assert min(copies.values()) == 1
        assert {u for u, n in copies.items() if n > 1} <= in_flight
        assert max(copies.values()) == 2
        assert all(is_paid(c) for c in warning_sends(api) if c.chat_id in users)
