"""No query on the event loop (issue 11): the guard itself, and features no other test runs on
PostgreSQL. With the guard on (the `postgres_url` fixture), a query that a task of the running
application makes on the loop's thread fails the test at teardown, naming where it was made.
The check looks at the thread a query runs on, never at how long anything took."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.storage import Database
from bot.storage.database import PostgresDatabase, guarded_tasks
from bot.testing.harness import running_bot
from tests.conftest import Bot

USER = 4646


async def test_the_guard_names_a_query_made_on_the_loop(postgres_url: str) -> None:
    db = Database.open(postgres_url)
    on_loop = PostgresDatabase.loop_guard
    assert on_loop is not None  # the fixture turned it on
    try:

        async def handler() -> None:
            db.one("SELECT 1")  # on the loop: recorded
            await db.run(db.one, "SELECT 2")  # on the database's thread: fine

        with guarded_tasks():
            task = asyncio.create_task(handler())
        await task
        db.one("SELECT 3")  # the test's own code is not an application task
        assert len(on_loop) == 1 and "handler" in on_loop[0]
    finally:
        on_loop.clear()  # recorded on purpose: the fixture must not fail this test
        db.close()


@pytest.fixture
async def bot(base_settings: Settings, database: Path | str) -> AsyncIterator[Bot]:
    async with running_bot(base_settings, database) as (api, services, app):
        yield Bot(api, services, app)


async def test_faq_feedback_and_unanswered_questions(bot: Bot) -> None:
    api = bot.api
    api.private_chat(USER, language_code="en")
    await api.send_text(USER, "how can I check that an agency is licensed?")
    answer = await api.next_message(USER)
    query_id = await api.press(USER, answer["message_id"], "fb:+:verify-agency")
    await api.wait_for("answerCallbackQuery")
    assert api.callback_answer(query_id)["text"] == "Thank you for your feedback!"
    await api.send_text(USER, "zzqx blorp wibble")  # nothing to answer: recorded
    await api.next_message(USER)
    await api.wait_quiet()
    assert bot.services.feedback.summary() == [("verify-agency", 1, 0)]
    assert bot.services.unanswered.recent()


async def test_subscribe_with_a_typed_province_status_and_unsubscribe(bot: Bot) -> None:
    api = bot.api
    api.private_chat(USER, language_code="en")
    await api.send_text(USER, "/subscribe")
    await api.next_message(USER)
    await api.send_text(USER, "jatim")
    saved = await api.next_message(USER)
    assert "Saved" in (saved.get("text") or "")
    await api.send_text(USER, "/status")
    await api.next_message(USER)
    await api.send_text(USER, "/unsubscribe")
    assert "no longer" in (await api.next_message(USER)).get("text", "")
    subscriber = bot.services.subscribers.get(USER)
    assert subscriber is not None and not subscriber.active
