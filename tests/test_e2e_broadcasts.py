"""End to end: subscriptions and staff broadcasts through the Bot API emulator.

The real Application (with the delivery worker started by its lifecycle hooks) long-polls
the emulator; subscribers and staff are played through it, and every assertion is on what
the bot sent or stored. Audiences are small and the rate high, so each test takes a second
or two.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.broadcasts.model import BroadcastState, RecipientState
from bot.services import Services
from bot.storage import Database
from bot.telegram.delivery import DeliveryWorker
from bot.telegram.handlers.broadcasts import WORKER_KEY
from bot.testing.fake_api import FakeBotAPI
from bot.testing.harness import emulator_settings, running_application
from tests.conftest import ADMIN_ID, Bot

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

BROADCASTER = 901
USER = 5000
SCAM_WARNING = "Awas lowongan palsu di TikTok! Cek di siapkerja.kemnaker.go.id"
BOLD = {"type": "bold", "offset": 0, "length": 5}
LINK = {"type": "text_link", "offset": 6, "length": 8, "url": "https://bp2mi.go.id"}


@pytest.fixture
def settings(base_settings: Settings) -> Settings:
    return dataclasses.replace(
        base_settings,
        broadcaster_ids=frozenset({BROADCASTER}),
        broadcast_rate=200,
        broadcast_progress_seconds=0.2,
    )


@asynccontextmanager
async def bot_on(
    settings: Settings, database: Path | str, api: FakeBotAPI, *, rate_limiter: bool = False
) -> AsyncIterator[Bot]:
    """The real bot on `database` against a running emulator (shared across restarts)."""
    services = Services.build(emulator_settings(api, settings, database), Database.open(database))
    try:
        async with running_application(services, api, rate_limiter=rate_limiter) as app:
            yield Bot(api, services, app)
    finally:
        services.db.close()


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as emulator:
        yield emulator


@pytest.fixture
async def bot(settings: Settings, api: FakeBotAPI, database: Path | str) -> AsyncIterator[Bot]:
    async with bot_on(settings, database, api) as running:
        yield running


def worker(bot: Bot) -> DeliveryWorker:
    return bot.application.bot_data[WORKER_KEY]


def subscribe(bot: Bot, user_ids: range | list[int], language: str = "id", province=None):
    for user_id in user_ids:
        bot.api.private_chat(user_id, language_code=language)
        bot.services.subscribers.subscribe(user_id, language)
        if province:
            bot.services.subscribers.set_province(user_id, province)


def text_of(message: dict) -> str:
    return message.get("text") or message.get("caption") or ""


def received(api: FakeBotAPI, user_id: int, text: str = SCAM_WARNING) -> list[dict]:
    return [m for m in api.messages_to(user_id) if text_of(m) == text]


async def press(bot: Bot, user_id: int, message: dict, data: str) -> None:
    await bot.api.press(user_id, message["message_id"], data)


async def choose(bot: Bot, message: dict, data: str, staff: int = ADMIN_ID) -> None:
    """Press a button of the control message and wait until the bot has edited it."""
    await press(bot, staff, message, data)
    await bot.api.wait_for("editMessageText", chat_id=staff)


async def compose(bot: Bot, staff: int = ADMIN_ID, **content) -> dict:
    """/broadcast then the content; returns the audience question."""
    api = bot.api
    api.private_chat(staff, language_code="en")
    await api.send_text(staff, "/broadcast")
    assert "New broadcast" in text_of(await api.next_message(staff))
    if "photo" in content:
        await api.send_photo(staff, caption=content["photo"])
    else:
        await api.send_text(staff, SCAM_WARNING, entities=content.get("entities", [BOLD, LINK]))
    question = await api.next_message(staff)
    assert "Who should get it?" in text_of(question)
    return question


async def send_now(bot: Bot, control: dict, staff: int = ADMIN_ID) -> tuple[dict, dict]:
    """From the "when" question: Send now → (preview, summary)."""
    await press(bot, staff, control, "bc:now")
    preview = await bot.api.next_message(staff)
    summary = await bot.api.next_message(staff)
    return preview, summary


async def confirm(bot: Bot, summary: dict, staff: int = ADMIN_ID) -> int:
    data = next(d for _, d in bot.buttons(summary) if d == "bc:send")
    await press(bot, staff, summary, data)
    progress = await bot.api.next_message(staff)
    return int(text_of(progress).split("#")[1].split(":")[0].split()[0])


async def finished(bot: Bot, broadcast_id: int, staff: int = ADMIN_ID) -> dict:
    """Wait until the broadcast is done; returns the final report sent to its author."""

    def done() -> bool:
        found = bot.services.broadcasts.get(broadcast_id)
        return found is not None and found.state is BroadcastState.DONE

    await bot.api.wait_until(done, 10.0)
    while True:
        message = await bot.api.next_message(staff)
        if f"Broadcast #{broadcast_id} is finished" in text_of(message):
            return message


# -- subscriptions ---------------------------------------------------------------------------
async def test_subscribe_choose_province_and_unsubscribe(bot: Bot) -> None:
    api = bot.api
    api.private_chat(USER, language_code="id")
    await api.send_text(USER, "/menu")
    menu = await api.next_message(USER)
    assert ("🔔 Peringatan penipuan", "sub") in bot.buttons(menu)

    await api.send_text(USER, "/langganan")
    offer = await api.next_message(USER)
    assert "/berhenti" in text_of(offer)
    assert bot.services.subscribers.get(USER).active
    await press(bot, USER, offer, "sub:page:1")
    await api.wait_for("editMessageReplyMarkup")
    page = api.message(USER, offer["message_id"])
    assert ("Riau", "sub:prov:riau") not in bot.buttons(page)  # Riau is on the first page
    await press(bot, USER, page, "sub:page:0")
    await api.wait_for("editMessageReplyMarkup")
    await press(bot, USER, api.message(USER, offer["message_id"]), "sub:prov:riau")
    assert "Riau" in text_of(await api.next_message(USER))
    assert bot.services.subscribers.get(USER).province == "riau"

    await api.send_text(USER, "/berhenti")
    assert "/langganan" in text_of(await api.next_message(USER))
    assert not bot.services.subscribers.get(USER).active


async def test_blocking_pauses_and_start_resumes_the_subscription(bot: Bot) -> None:
    subscribe(bot, [USER])
    bot.api.block(USER)
    await bot.api.wait_until(lambda: not bot.services.subscribers.get(USER).active)
    await bot.api.send_text(USER, "/start")  # writing to the bot unblocks it, as in Telegram
    welcome = [await bot.api.next_message(USER) for _ in range(4)][-1]  # after the 3 of /start
    assert "/berhenti" in text_of(welcome)
    assert bot.services.subscribers.get(USER).active


async def test_unsubscribed_user_is_not_resubscribed_by_start(bot: Bot) -> None:
    subscribe(bot, [USER])
    bot.services.subscribers.unsubscribe(USER)
    await bot.api.send_text(USER, "/start")
    await bot.api.next_message(USER)
    await bot.api.next_message(USER)
    assert not bot.services.subscribers.get(USER).active


async def test_forged_page_numbers_are_ignored_not_crashed_on(bot: Bot) -> None:
    """ "²".isdigit() is true but int("²") fails: forged data must not reach the error path."""
    api = bot.api
    subscribe(bot, [USER], "en")
    await api.send_text(USER, "/langganan")
    offer = await api.next_message(USER)
    await api.press(USER, offer["message_id"], "sub:page:²", force=True)
    assert "Sorry" not in text_of(await api.next_message(USER))

    control = await compose(bot)
    await api.press(ADMIN_ID, control["message_id"], "bc:pp:²", force=True)
    await api.wait_for("editMessageText", chat_id=ADMIN_ID)
    assert ("Riau", "bc:pt:riau:0") in bot.buttons(  # the first page
        api.message(ADMIN_ID, control["message_id"])
    )
    query = await api.press(ADMIN_ID, control["message_id"], "bc:stopyes:²", force=True)
    await api.wait_for("answerCallbackQuery")
    assert "no longer running" in api.callback_answer(query)["text"]
    assert not [m for m in api.messages_to(ADMIN_ID) if "Sorry" in text_of(m)]


# -- authorisation ---------------------------------------------------------------------------
async def test_only_staff_can_broadcast(bot: Bot) -> None:
    api = bot.api
    subscribe(bot, [USER])
    api.private_chat(USER + 1, language_code="en")
    for command in ("/broadcast", "/broadcasts", "/siaran"):
        await api.send_text(USER + 1, command)
        assert "I don't know that command" in text_of(await api.next_message(USER + 1))
    await api.send_text(USER + 1, SCAM_WARNING)  # an ordinary question, answered as one
    assert "Awas" not in text_of(await api.next_message(USER + 1))
    query = await api.press(USER + 1, 1, "bc:send", force=True)
    await api.wait_for("answerCallbackQuery")
    assert api.callback_answer(query) == {"callback_query_id": query}
    assert bot.services.broadcasts.recent() == []
    assert received(api, USER) == []


async def test_broadcaster_ids_can_broadcast(bot: Bot) -> None:
    subscribe(bot, [USER])
    control = await compose(bot, BROADCASTER)
    await choose(bot, control, "bc:all", BROADCASTER)
    _preview, summary = await send_now(bot, control, BROADCASTER)
    await finished(bot, await confirm(bot, summary, BROADCASTER), BROADCASTER)
    assert len(received(bot.api, USER)) == 1


# -- compose, preview, deliver ---------------------------------------------------------------
async def test_preview_is_exactly_what_subscribers_get(bot: Bot) -> None:
    api = bot.api
    subscribe(bot, range(USER, USER + 3), "id")
    subscribe(bot, range(USER + 10, USER + 12), "en")
    subscribe(bot, [USER + 20])
    bot.services.subscribers.unsubscribe(USER + 20)

    control = await compose(bot)
    await choose(bot, control, "bc:all")
    preview, summary = await send_now(bot, control)
    assert "Subscribers in it now: 5" in text_of(summary)
    broadcast_id = await confirm(bot, summary)
    report = await finished(bot, broadcast_id)

    for user_id in [*range(USER, USER + 3), *range(USER + 10, USER + 12)]:
        [got] = received(api, user_id)
        assert got["text"] == preview["text"] == SCAM_WARNING
        assert got["entities"] == preview["entities"] == [BOLD, LINK]
    assert received(api, USER + 20) == []
    english = received(api, USER + 10)[0]
    assert bot.buttons(english) == [("🔕 Stop these messages", "sub:off")]
    assert bot.buttons(received(api, USER)[0]) == [("🔕 Hentikan pesan ini", "sub:off")]

    assert "Sent: 5 of 5" in text_of(report)
    progress = api.messages_to(ADMIN_ID)[-2]
    assert "Sent: 5 of 5" in text_of(progress) and "finished" in text_of(progress)


async def test_photo_with_caption_keeps_its_caption_and_file(bot: Bot) -> None:
    subscribe(bot, [USER])
    control = await compose(bot, photo="Foto <b> calo palsu")
    await choose(bot, control, "bc:all")
    preview, summary = await send_now(bot, control)
    await finished(bot, await confirm(bot, summary))
    [got] = received(bot.api, USER, "Foto <b> calo palsu")  # never parsed as HTML
    assert got["photo"][-1]["file_id"] == preview["photo"][-1]["file_id"]


async def test_audience_by_language_and_by_provinces(bot: Bot) -> None:
    api = bot.api
    subscribe(bot, [USER], "id", "riau")
    subscribe(bot, [USER + 1], "id", "jawa-barat")
    subscribe(bot, [USER + 2], "en", "riau")
    subscribe(bot, [USER + 3], "id")

    control = await compose(bot)
    await choose(bot, control, "bc:langs")
    await choose(bot, control, "bc:lang:en")
    _preview, summary = await send_now(bot, control)
    assert "Subscribers in it now: 1" in text_of(summary)
    await finished(bot, await confirm(bot, summary))
    assert [u for u in range(USER, USER + 4) if received(api, u)] == [USER + 2]

    control = await compose(bot)
    await choose(bot, control, "bc:pp:0")
    await choose(bot, control, "bc:pt:riau:0")
    await choose(bot, control, "bc:pp:1")  # the next page keeps the choice
    await choose(bot, control, "bc:pt:jawa-barat:1")
    assert ("✅ Jawa Barat", "bc:pt:jawa-barat:1") in bot.buttons(
        api.message(ADMIN_ID, control["message_id"])
    )
    await choose(bot, control, "bc:pdone")
    _preview, summary = await send_now(bot, control)
    assert "Subscribers in it now: 3" in text_of(summary)
    await finished(bot, await confirm(bot, summary))
    counts = {u: len(received(api, u)) for u in range(USER, USER + 4)}
    assert counts == {USER: 1, USER + 1: 1, USER + 2: 2, USER + 3: 0}


async def test_scheduled_broadcast_waits_for_its_time(bot: Bot) -> None:
    subscribe(bot, [USER])
    control = await compose(bot)
    await choose(bot, control, "bc:all")
    await choose(bot, control, "bc:later")
    await bot.api.send_text(ADMIN_ID, "25:99")
    assert "could not read" in text_of(await bot.api.next_message(ADMIN_ID))
    await bot.api.send_text(ADMIN_ID, "2099-01-01 08:00")
    assert "30 days" in text_of(await bot.api.next_message(ADMIN_ID))
    await bot.api.send_text(ADMIN_ID, "23:59")
    await bot.api.next_message(ADMIN_ID)  # the preview
    summary = await bot.api.next_message(ADMIN_ID)
    assert "WIB" in text_of(summary)
    broadcast_id = await confirm(bot, summary)
    assert bot.services.broadcasts.get(broadcast_id).state is BroadcastState.SCHEDULED
    assert received(bot.api, USER) == []

    await bot.api.send_text(ADMIN_ID, "/broadcasts")
    listing = await bot.api.next_message(ADMIN_ID)
    assert f"#{broadcast_id}" in text_of(listing) and "scheduled" in text_of(listing)
    await choose(bot, listing, f"bc:stop:{broadcast_id}")
    await press(bot, ADMIN_ID, listing, f"bc:stopyes:{broadcast_id}")
    await bot.api.wait_for("answerCallbackQuery")
    assert bot.services.broadcasts.get(broadcast_id).state is BroadcastState.CANCELLED


async def test_cancel_while_composing_sends_nothing(bot: Bot) -> None:
    subscribe(bot, [USER])
    await compose(bot)
    await bot.api.send_text(ADMIN_ID, "/cancel")
    assert "Nothing was sent" in text_of(await bot.api.next_message(ADMIN_ID))
    await bot.api.send_text(ADMIN_ID, "/broadcasts")
    assert "No broadcasts yet" in text_of(await bot.api.next_message(ADMIN_ID))


# -- delivery failures -----------------------------------------------------------------------
async def test_403_marks_the_subscriber_inactive(bot: Bot) -> None:
    subscribe(bot, range(USER, USER + 3))
    bot.api.fail("sendMessage", 403, chat_id=USER + 1, count=None)
    control = await compose(bot)
    await choose(bot, control, "bc:all")
    _preview, summary = await send_now(bot, control)
    broadcast_id = await confirm(bot, summary)
    report = await finished(bot, broadcast_id)
    counts = bot.services.broadcasts.counts(broadcast_id)
    assert (counts.sent, counts.blocked, counts.failed) == (2, 1, 0)
    assert not bot.services.subscribers.get(USER + 1).active
    assert bot.services.broadcasts.received(broadcast_id, USER + 1) is RecipientState.BLOCKED
    assert "Blocked: 1" in text_of(report)


async def test_429_waits_retry_after_and_delivers_once(bot: Bot) -> None:
    subscribe(bot, range(USER, USER + 6))
    for user_id in (USER, USER + 3):
        bot.api.fail("sendMessage", 429, retry_after=1, chat_id=user_id)
    control = await compose(bot)
    await choose(bot, control, "bc:all")
    _preview, summary = await send_now(bot, control)
    mark = bot.api.mark()
    broadcast_id = await confirm(bot, summary)
    await finished(bot, broadcast_id)
    assert [len(received(bot.api, u)) for u in range(USER, USER + 6)] == [1] * 6
    rejected = [c for c in bot.api.calls[mark:] if c.status == 429]
    assert len(rejected) == 2
    first_retry = next(c for c in bot.api.calls[mark:] if c.ok and c.chat_id == rejected[0].chat_id)
    assert first_retry.time - rejected[0].time >= 0.95  # waited retry_after
    counts = bot.services.broadcasts.counts(broadcast_id)
    assert (counts.sent, counts.failed) == (6, 0)


async def test_other_errors_are_recorded_and_counted(bot: Bot) -> None:
    subscribe(bot, range(USER, USER + 3))
    bot.api.fail("sendMessage", 400, "Bad Request: something odd", chat_id=USER + 2)
    control = await compose(bot)
    await choose(bot, control, "bc:all")
    _preview, summary = await send_now(bot, control)
    broadcast_id = await confirm(bot, summary)
    await finished(bot, broadcast_id)
    counts = bot.services.broadcasts.counts(broadcast_id)
    assert (counts.sent, counts.failed) == (2, 1)
    assert bot.services.subscribers.get(USER + 2).active


# -- restarts and priority -------------------------------------------------------------------
async def test_resume_after_a_kill_without_duplicates_beyond_those_in_flight(
    settings: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    users = range(USER, USER + 40)
    slow = dataclasses.replace(settings, broadcast_rate=40)
    async with bot_on(slow, database, api) as bot:
        subscribe(bot, users)
        control = await compose(bot)
        await choose(bot, control, "bc:all")
        _preview, summary = await send_now(bot, control)
        api.delay("sendMessage", 0.3, count=None)  # requests are in flight when we "crash"
        broadcast_id = await confirm(bot, summary)
        await api.wait_until(lambda: bot.services.broadcasts.counts(broadcast_id).sent >= 10)
        await worker(bot).stop(grace=0)  # the process dies: no cleanup, no final report
        in_flight = {
            u
            for u in users
            if bot.services.broadcasts.received(broadcast_id, u) is RecipientState.SENDING
        }
    api.clear_faults()
    assert 0 < len(in_flight) <= worker(bot).config.max_in_flight

    async with bot_on(slow, database, api) as bot:
        await finished(bot, broadcast_id)
        copies = Counter({u: len(received(api, u)) for u in users})
        assert min(copies.values()) == 1  # everyone got it
        duplicated = {u for u, n in copies.items() if n > 1}
        assert duplicated <= in_flight  # only messages in flight at the crash, at most once more
        assert max(copies.values()) == 2
        assert bot.services.broadcasts.counts(broadcast_id).sent == len(users)


async def test_clean_restart_resumes_without_any_duplicate(
    settings: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    users = range(USER, USER + 30)
    slow = dataclasses.replace(settings, broadcast_rate=40)
    async with bot_on(slow, database, api) as bot:
        subscribe(bot, users)
        control = await compose(bot)
        await choose(bot, control, "bc:all")
        _preview, summary = await send_now(bot, control)
        broadcast_id = await confirm(bot, summary)
        await api.wait_until(lambda: bot.services.broadcasts.counts(broadcast_id).sent >= 8)
    async with bot_on(slow, database, api) as bot:
        await finished(bot, broadcast_id)
        assert [len(received(api, u)) for u in users] == [1] * len(users)


async def test_deleting_my_data_forgets_my_deliveries_and_stops_the_running_one(
    settings: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    slow = dataclasses.replace(settings, broadcast_rate=10)
    users = range(USER, USER + 30)
    first, last = users[0], users[-1]
    async with bot_on(slow, database, api) as bot:
        subscribe(bot, users)
        control = await compose(bot)
        await choose(bot, control, "bc:all")
        _preview, summary = await send_now(bot, control)
        broadcast_id = await confirm(bot, summary)
        await api.wait_until(lambda: received(api, first) != [])
        for user_id in (first, last):  # one already reached, one still queued
            await api.send_text(user_id, "/hapusdata")
            question = await api.next_message(user_id)
            while "del:yes" not in [data for _, data in bot.buttons(question)]:
                question = await api.next_message(user_id)  # the broadcast came first
            await api.press(user_id, question["message_id"], "del:yes")
            await api.wait_for("editMessageText", chat_id=user_id)
        await finished(bot, broadcast_id)
        assert received(api, last) == []  # /hapusdata also stops a delivery in progress
        for user_id in (first, last):
            assert bot.services.broadcasts.received(broadcast_id, user_id) is None
            assert bot.services.subscribers.get(user_id) is None  # and ends the subscription
        assert bot.services.broadcasts.counts(broadcast_id).sent == len(users) - 2


async def test_a_question_is_answered_while_a_broadcast_runs(
    settings: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    """With the production rate limiter and Telegram's limits enforced by the emulator."""
    slow = dataclasses.replace(settings, broadcast_rate=25)
    users = range(USER, USER + 50)
    asker = USER - 1
    async with bot_on(slow, database, api, rate_limiter=True) as bot:
        subscribe(bot, users)
        api.private_chat(asker, language_code="en")
        control = await compose(bot)
        await choose(bot, control, "bc:all")
        _preview, summary = await send_now(bot, control)
        api.enforce_flood_limits()  # Telegram's 30/s overall and 1/s per chat, with 429s
        broadcast_id = await confirm(bot, summary)
        await api.wait_until(lambda: bot.services.broadcasts.counts(broadcast_id).sent >= 10)
        await api.send_text(asker, "how can I check that an agency is licensed?")
        answer = await api.next_message(asker)
        assert "licensed" in text_of(answer).lower()
        assert bot.services.broadcasts.counts(broadcast_id).remaining > 0  # it did not wait
        replies = [c for c in api.calls if c.chat_id == asker and c.method == "sendMessage"]
        assert [c.status for c in replies] == [200]  # no 429 on the way
        await finished(bot, broadcast_id)
        assert [len(received(api, u)) for u in users] == [1] * len(users)
