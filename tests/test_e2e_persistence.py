"""End to end: a restart in the middle of any conversation continues it where it was.

Each test plays a person up to a question, "kills" the bot and starts a new Application on
the same database. The kill writes nothing on the way out: the old Application loses its
persistence before it stops, so PTB's clean-stop `update_persistence()` and `flush()` never
run (as after kill -9); only what was written while the updates were handled survives.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.core.broadcasts.model import Audience, ContentKind, MessageContent
from bot.core.reports.draft import Draft as ReportDraft
from bot.services import Services
from bot.storage import Database
from bot.telegram.common import LANGUAGE_KEY
from bot.telegram.handlers.broadcasts import DRAFT_KEY as BROADCAST_DRAFT
from bot.telegram.handlers.broadcasts import Draft as BroadcastDraft
from bot.telegram.handlers.report_form.base import DRAFT_KEY as REPORT_DRAFT
from bot.telegram.persistence import decode_user_data, encode_user_data
from bot.testing.fake_api import FakeBotAPI
from bot.testing.harness import emulator_settings, running_application, updates_processed
from tests.conftest import ADMIN_ID, Bot
from tests.test_e2e_broadcasts import choose, compose, confirm, finished, send_now, text_of
from tests.test_e2e_reports import CODE, buttons, card_of, press, say

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

DESK = -1002000300400
STAFF = 7001
REPORTER = 770066123
FALLBACK = "belum punya jawaban"  # the FAQ fallback a lost conversation used to get
DETAILS = "Calo bernama Pak Joko minta uang Rp 20 juta untuk kerja di pabrik Korea."


@pytest.fixture
def settings(base_settings: Settings) -> Settings:
    return dataclasses.replace(
        base_settings,
        desk_chat_id=DESK,
        outbox_poll_seconds=0.05,
        outbox_retry_seconds=0.05,
        outbox_retry_max_seconds=0.3,
        flood_limit_per_minute=1000,
        broadcast_rate=200,
        broadcast_progress_seconds=0.2,
    )


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as emulator:
        emulator.group_chat(DESK, "Desk", members=[STAFF])
        emulator.private_chat(REPORTER, first_name="Sri", language_code="id")
        yield emulator


@asynccontextmanager
async def killed_at_exit(
    settings: Settings, database: Path | str, api: FakeBotAPI
) -> AsyncIterator[Bot]:
    """The real bot on `database`; on exit it stops without writing its persistence."""
    services = Services.build(emulator_settings(api, settings, database), Database.open(database))
    try:
        async with running_application(services, api) as application:
            yield Bot(api, services, application)
            await api.wait_quiet()
            await updates_processed(application)  # the last answer's state is written
            application.persistence = None  # the kill: no update_persistence(), no flush()
    finally:
        services.db.close()


# -- the tip-off form, step by step ---------------------------------------------------------
Step = Callable[[FakeBotAPI, dict[str, Any]], Awaitable[dict[str, Any]]]


async def _category(api: FakeBotAPI, prompt: dict[str, Any]) -> dict[str, Any]:
    return await press(api, REPORTER, prompt, "rp:cat:recruiter")


async def _province(api: FakeBotAPI, prompt: dict[str, Any]) -> dict[str, Any]:
    echo = await say(api, REPORTER, "Jawa Timur")  # typed: the FAQ read it after a restart
    assert "Jawa Timur" in echo["text"] and FALLBACK not in echo["text"], echo["text"]
    return await api.next_message(REPORTER)  # the next question


async def _place(api: FakeBotAPI, prompt: dict[str, Any]) -> dict[str, Any]:
    return await say(api, REPORTER, "Desa Sukamaju")


async def _when(api: FakeBotAPI, prompt: dict[str, Any]) -> dict[str, Any]:
    return await press(api, REPORTER, prompt, "rp:when:week")


async def _details(api: FakeBotAPI, prompt: dict[str, Any]) -> dict[str, Any]:
    return await say(api, REPORTER, DETAILS)


async def _evidence(api: FakeBotAPI, prompt: dict[str, Any]) -> dict[str, Any]:
    await api.send_photo(REPORTER, caption="kwitansi")
    prompt = await api.next_message(REPORTER)
    return await press(api, REPORTER, prompt, "rp:done")


async def _identity(api: FakeBotAPI, prompt: dict[str, Any]) -> dict[str, Any]:
    return await press(api, REPORTER, prompt, "rp:id:hide")


async def _confirm(api: FakeBotAPI, prompt: dict[str, Any]) -> dict[str, Any]:
    return await press(api, REPORTER, prompt, "rp:ok")


STEPS: list[tuple[str, Step]] = [
    ("category", _category),
    ("province", _province),
    ("place", _place),
    ("when", _when),
    ("details", _details),
    ("evidence", _evidence),
    ("identity", _identity),
    ("confirm", _confirm),
]


@pytest.mark.parametrize("killed_at", [name for name, _step in STEPS])
async def test_killed_at_any_step_of_the_form_the_form_continues(
    killed_at: str, settings: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    names = [name for name, _step in STEPS]
    at = names.index(killed_at)
    async with killed_at_exit(settings, database, api):
        prompt = await say(api, REPORTER, "/lapor")
        for _name, step in STEPS[:at]:
            prompt = await step(api, prompt)
    async with killed_at_exit(settings, database, api):
        for name, step in STEPS[at:]:
            reply = await step(api, prompt)
            assert FALLBACK not in reply.get("text", ""), f"{name}: {reply.get('text')}"
            assert "rp:resume" not in buttons(reply), f"{name}: offered to resume, not continued"
            prompt = reply
        found = CODE.search(prompt["text"])
        assert found, prompt["text"]
        card = await card_of(api, found.group(0))
        assert "Jawa Timur" in card["text"] and "Pak Joko" in card["text"]


# -- the other conversations ----------------------------------------------------------------
async def test_killed_while_cek_waits_for_the_text_it_checks_the_next_message(
    settings: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    async with killed_at_exit(settings, database, api):
        await say(api, REPORTER, "/cek")
    async with killed_at_exit(settings, database, api):
        reply = await say(
            api, REPORTER, "Lowongan PRT ke Dubai, majikan perorangan, pakai visa kunjungan"
        )
        assert reply["text"].startswith("🚨 Ada tanda bahaya"), reply["text"]


async def test_killed_while_langganan_asks_the_province_the_typed_province_is_taken(
    settings: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    async with killed_at_exit(settings, database, api):
        await say(api, REPORTER, "/langganan")
    async with killed_at_exit(settings, database, api) as bot:
        reply = await say(api, REPORTER, "Riau")
        assert "Riau" in reply["text"] and FALLBACK not in reply["text"]
        assert bot.services.subscribers.get(REPORTER).province == "riau"


async def test_the_kill_comes_after_a_slow_update_is_written(
    settings: Settings, api: FakeBotAPI, database: Path | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An update's state is written when its handling ends (BotApplication.process_update),
    which on a slow database can be well after its reply: longer than the emulator's quiet
    period. The harness's kill waits for it (`updates_processed`), as a crash after a
    finished update would; before, the kill came first and the subscription's province step
    was lost (the province got the FAQ fallback: a flaky PostgreSQL run in session 10)."""
    from telegram.ext import Application

    handle = Application.process_update

    async def slow(self: Application, update: object) -> None:
        await handle(self, update)
        await asyncio.sleep(0.6)  # work after the reply, longer than wait_quiet's 0.3 s

    monkeypatch.setattr(Application, "process_update", slow)
    async with killed_at_exit(settings, database, api):
        await say(api, REPORTER, "/langganan")
    async with killed_at_exit(settings, database, api):
        reply = await say(api, REPORTER, "Riau")
        assert "Riau" in reply["text"] and FALLBACK not in reply["text"]


async def test_killed_while_kantor_asks_the_province_the_offices_are_listed(
    settings: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    async with killed_at_exit(settings, database, api):
        await say(api, REPORTER, "/kantor")
    async with killed_at_exit(settings, database, api):
        reply = await say(api, REPORTER, "jatim")
        assert "Kantor layanan untuk Jawa Timur" in reply["text"], reply["text"]


async def test_killed_while_composing_a_broadcast_the_draft_is_kept(
    settings: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    async with killed_at_exit(settings, database, api) as bot:
        bot.services.subscribers.subscribe(REPORTER, "id")
        control = await compose(bot)
        await choose(bot, control, "bc:all")
    async with killed_at_exit(settings, database, api) as bot:
        control = api.message(ADMIN_ID, control["message_id"])
        _preview, summary = await send_now(bot, control)
        await finished(bot, await confirm(bot, summary))
        assert any("lowongan palsu" in text_of(m) for m in api.messages_to(REPORTER))


async def test_a_conversation_whose_timeout_passed_while_down_is_not_resumed(
    settings: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    async with killed_at_exit(settings, database, api):
        await say(api, REPORTER, "/langganan")
    db = Database.open(database)
    db.execute("UPDATE conversation_states SET updated_at = updated_at - 901")  # > 15 min
    db.close()
    async with killed_at_exit(settings, database, api) as bot:
        await say(api, REPORTER, "Riau")
        assert bot.services.subscribers.get(REPORTER).province is None
        assert not bot.services.db.all("SELECT * FROM conversation_states")


async def test_a_resumed_conversation_still_times_out_when_its_time_is_up(
    settings: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    async with killed_at_exit(settings, database, api):
        await say(api, REPORTER, "/langganan")
    db = Database.open(database)
    db.execute("UPDATE conversation_states SET updated_at = updated_at - 899")  # 1 s left
    db.close()
    async with killed_at_exit(settings, database, api) as bot:
        await api.wait_until(lambda: not bot.services.db.all("SELECT * FROM conversation_states"))
        await say(api, REPORTER, "Riau")
        assert bot.services.subscribers.get(REPORTER).province is None


async def test_a_form_that_timed_out_while_down_offers_the_saved_draft(
    settings: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    async with killed_at_exit(settings, database, api):
        prompt = await say(api, REPORTER, "/lapor")
        prompt = await _category(api, prompt)
    db = Database.open(database)
    db.execute("UPDATE conversation_states SET updated_at = updated_at - 3601")  # > 1 hour
    db.close()
    async with killed_at_exit(settings, database, api):
        offer = await press(api, REPORTER, prompt, "rp:pv:riau")  # a button from before
        assert "rp:resume" in buttons(offer)
        question = await press(api, REPORTER, offer, "rp:resume")
        assert "rp:pv:riau" in buttons(question)


async def test_deleting_my_data_in_the_middle_of_the_form_ends_it(
    settings: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    async with killed_at_exit(settings, database, api) as bot:
        prompt = await say(api, REPORTER, "/lapor")
        prompt = await _category(api, prompt)
        question = await say(api, REPORTER, "/hapusdata")
        await api.press(REPORTER, question["message_id"], "del:yes")
        await api.wait_for("editMessageText", chat_id=REPORTER)
        await api.wait_quiet()
        db = bot.services.db
        assert not db.all("SELECT * FROM conversation_states")
        assert not db.all("SELECT * FROM user_state")
        reply = await say(api, REPORTER, "Jawa Timur")
        assert FALLBACK in reply["text"]  # a question again, not the form's answer


# -- what user_data becomes on disk -----------------------------------------------------------
def test_user_data_is_stored_as_json_with_codecs_and_without_memory_only_keys() -> None:
    draft = ReportDraft(step="details", category="recruiter", province="riau")
    composing = BroadcastDraft(
        step="time",
        content=MessageContent(ContentKind.TEXT, "Awas!", ({"type": "bold"},)),
        audience=Audience(frozenset({"id"}), frozenset({"riau"})),
        provinces={"riau"},
        scheduled_at=datetime(2026, 12, 5, 9, 0, tzinfo=UTC),
    )
    data = {
        REPORT_DRAFT: draft,
        BROADCAST_DRAFT: composing,
        "relay_to_case": 12,
        LANGUAGE_KEY: "id",  # a cache of the users table
        "not_json": {1: object()},
    }
    stored = json.loads(json.dumps(encode_user_data(data)))
    assert set(stored) == {REPORT_DRAFT, BROADCAST_DRAFT, "relay_to_case"}
    loaded = decode_user_data(stored)
    assert loaded[REPORT_DRAFT] == draft
    assert loaded[BROADCAST_DRAFT] == composing
    assert loaded["relay_to_case"] == 12
