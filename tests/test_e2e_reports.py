"""End to end: tip-off reports through the Bot API emulator.

The real Application long-polls the emulator; reporters and desk staff are played through
it, and every assertion is on what the bot sent (or, for durability, stored). Timings are
shortened through the settings (fast outbox polling and retries), never by sleeping.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.config import Settings
from bot.core.clock import ShiftedClock
from bot.core.reports.case_status import Status
from bot.core.reports.draft import Draft
from bot.services import Services
from bot.storage import Database
from bot.telegram.outbox import WORKER_KEY, OutboxWorker
from bot.testing.fake_api import FakeBotAPI
from bot.testing.harness import emulator_settings, running_application
from tests.conftest import Bot

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

DESK = -1002000300400
STAFF = 7001
ADMIN = 9001
REPORTER = 770077123  # distinctive: the identity scan looks for it
ENGLISH_REPORTER = 5002
REPORTER_NAME, REPORTER_SURNAME, REPORTER_HANDLE = "Siti", "Rahayu", "siti_secret_77"
EVIL = "<b>&<"
CODE = re.compile(r"LP-[2-9A-HJKMNP-Z]{5}")


# -- the bot -------------------------------------------------------------------------------
@pytest.fixture
def settings(base_settings: Settings) -> Settings:
    return dataclasses.replace(
        base_settings,
        desk_chat_id=DESK,
        admin_ids=frozenset({ADMIN}),
        outbox_poll_seconds=0.05,
        outbox_retry_seconds=0.05,
        outbox_retry_max_seconds=0.3,
        flood_limit_per_minute=1000,  # tests report faster than any person
    )


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as emulator:
        emulator.group_chat(DESK, "Desk", members=[STAFF])
        emulator.user(STAFF, first_name="Budi", username="budi_desk")
        emulator.private_chat(
            REPORTER,
            first_name=REPORTER_NAME,
            last_name=REPORTER_SURNAME,
            username=REPORTER_HANDLE,
        )
        emulator.private_chat(ENGLISH_REPORTER, first_name="Ann", language_code="en")
        emulator.private_chat(ADMIN, first_name="Admin")
        yield emulator


@asynccontextmanager
async def bot_on(
    settings: Settings, database: Path | str, api: FakeBotAPI, *, rate_limiter: bool = False
) -> AsyncIterator[Bot]:
    """The real bot on `database`; the emulator outlives it, so restarts can be played.
    `rate_limiter`: with the bot's own rate limiter, as in production."""
    services = Services.build(emulator_settings(api, settings, database), Database.open(database))
    services.report_outbox.clock = ShiftedClock()
    try:
        async with running_application(services, api, rate_limiter=rate_limiter) as application:
            yield Bot(api, services, application)
    finally:
        services.db.close()


@pytest.fixture
async def bot(settings: Settings, api: FakeBotAPI, database: Path | str) -> AsyncIterator[Bot]:
    async with bot_on(settings, database, api) as running:
        yield running


def worker(bot: Bot) -> OutboxWorker:
    return bot.application.bot_data[WORKER_KEY]


# -- playing the reporter ------------------------------------------------------------------
def buttons(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b.get("callback_data", "") for row in rows for b in row]


async def say(api: FakeBotAPI, user: int, text: str, **kwargs: Any) -> dict[str, Any]:
    await api.send_text(user, text, **kwargs)
    return await api.next_message(user)


async def press(api: FakeBotAPI, user: int, message: dict[str, Any], data: str) -> dict:
    await api.press(user, message["message_id"], data)
    return await api.next_message(user)


@dataclasses.dataclass
class Answers:
    category: str = "recruiter"
    province: str = "jawa-timur"
    place: str | None = "Desa Sukamaju, Kec. Cibadak"
    when: str | None = "today"  # a When value, or typed text
    details: str = (
        "Pak Budi (calo) minta Rp 15 juta, hp 0812-3456-7890, WA wa.me/6285712345678, "
        "kantor PT Maju Jaya Abadi, iklan di lokerjepang.com"
    )
    photo_caption: str | None = "foto kwitansi"
    note: str | None = "https://lokerjepang.com/daftar @lowongan_jepang"
    show_identity: bool = False


async def submit_report(api: FakeBotAPI, user: int, answers: Answers | None = None) -> str:
    """The whole conversation, the way a person taps and types it; returns the case code."""
    a = answers or Answers()
    prompt = await say(api, user, "/lapor")
    prompt = await press(api, user, prompt, f"rp:cat:{a.category}")
    prompt = await _choose_province(api, user, prompt, a.province)
    if a.place is None:
        prompt = await say(api, user, "/skip")
    else:
        prompt = await say(api, user, a.place)
    if a.when in ("today", "tomorrow", "week", "later"):
        prompt = await press(api, user, prompt, f"rp:when:{a.when}")
    else:
        prompt = await say(api, user, a.when or "/skip")
    prompt = await say(api, user, a.details)
    prompt = await _add_evidence(api, user, prompt, a)
    prompt = await press(api, user, prompt, "rp:done")
    prompt = await press(api, user, prompt, "rp:id:" + ("show" if a.show_identity else "hide"))
    if a.show_identity:
        await say(api, user, "/skip")  # "Noted", then the summary
        prompt = await api.next_message(user)
    received = await press(api, user, prompt, "rp:ok")
    found = CODE.search(received["text"])
    assert found, received["text"]
    return found.group(0)


async def _choose_province(api, user, prompt, province: str) -> dict[str, Any]:
    for _page in range(6):
        if f"rp:pv:{province}" in buttons(api.message(user, prompt["message_id"])):
            return await press(api, user, prompt, f"rp:pv:{province}")
        forward = [d for d in buttons(api.message(user, prompt["message_id"])) if d][-3]
        await api.press(user, prompt["message_id"], forward)
        await api.wait_for("editMessageReplyMarkup")
    raise AssertionError(f"no button for {province}")


async def _add_evidence(api, user, prompt, a: Answers) -> dict[str, Any]:
    if a.photo_caption is not None:
        await api.send_photo(user, caption=a.photo_caption)
        prompt = await api.next_message(user)
    if a.note is not None:
        prompt = await say(api, user, a.note)
    return prompt


# -- reading the desk ----------------------------------------------------------------------
def cards(api: FakeBotAPI, code: str | None = None) -> list[dict[str, Any]]:
    """Case cards in the desk chat (they carry the status buttons)."""
    found = [m for m in api.messages_to(DESK) if any(b.startswith("dk:") for b in buttons(m))]
    return [m for m in found if code is None or code in m.get("text", "").split("\n")[0]]


async def card_of(api: FakeBotAPI, code: str, timeout: float = 5.0) -> dict[str, Any]:
    await api.wait_until(lambda: cards(api, code), timeout=timeout)
    return cards(api, code)[0]


# -- tests ---------------------------------------------------------------------------------
async def test_whole_conversation_gives_one_card_with_evidence_copied(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER)

    card = await card_of(api, code)
    text = card["text"]
    desk = bot.services.i18n.translator("id")
    assert desk("🚨 <b>URGENT</b> report").replace("<b>", "").replace("</b>", "") in text
    assert "Jawa Timur — Desa Sukamaju" in text
    assert "+6281234567890" in text and "+6285712345678" in text
    assert "PT MAJU JAYA ABADI" in text and "lokerjepang.com" in text
    assert "@lowongan_jepang" in text
    assert "dk:s:" + code + ":ack" in buttons(card)
    copies = await api.wait_for("copyMessage", chat_id=DESK, since=0)
    assert copies[0].params["reply_parameters"]["message_id"] == card["message_id"]
    assert not [c for c in api.calls if c.method == "forwardMessage"]
    await asyncio.sleep(0.2)
    assert len(cards(api, code)) == 1
    assert bot.services.report_outbox.pending() == 0


# -- more helpers --------------------------------------------------------------------------
def desk_text(bot: Bot, message: str, **values: Any) -> str:
    """A desk message in the desk's language, without its HTML tags (as Telegram shows it)."""
    text = bot.services.i18n.translator("id")(message, **values)
    return re.sub(r"<[^>]+>", "", text)


def user_text(bot: Bot, lang: str, message: str, **values: Any) -> str:
    text = bot.services.i18n.translator(lang)(message, **values)
    return re.sub(r"<[^>]+>", "", text).replace("&lt;", "<").replace("&gt;", ">")


async def desk_press(bot: Bot, code: str, data: str, user: int = STAFF) -> dict[str, Any]:
    """Press a button on the case card in the desk; returns the callback answer."""
    card = await card_of(bot.api, code)
    query = await bot.api.press(user, card["message_id"], data, chat_id=DESK, force=True)
    await bot.api.wait_until(lambda: bot.api.callback_answer(query))
    return bot.api.callback_answer(query) or {}


def status_of(bot: Bot, code: str) -> Status:
    report = bot.services.reports.by_code(code)
    assert report is not None
    return report.status


def no_failed_sends(api: FakeBotAPI) -> list[Any]:
    return [c for c in api.calls if not c.ok and c.method != "getUpdates"]


def error_replies(bot: Bot, user: int) -> list[str]:
    sorry = "Sorry, something went wrong on our side. Please try again in a moment."
    texts = {bot.services.i18n.translator(lang)(sorry) for lang in ("id", "en")}
    return [m["text"] for m in bot.api.messages_to(user) if m.get("text") in texts]


async def settle(bot: Bot) -> None:
    """Until the outbox has nothing left to send."""
    await bot.api.wait_until(lambda: bot.services.report_outbox.pending() == 0, timeout=10)


# -- what the desk gets --------------------------------------------------------------------
async def test_a_repeated_phone_number_is_flagged_on_the_next_card(bot: Bot) -> None:
    first = await submit_report(bot.api, REPORTER)
    second = await submit_report(bot.api, ENGLISH_REPORTER, Answers(note=None, photo_caption=None))
    card = await card_of(bot.api, second)
    line = next(li for li in card["text"].splitlines() if "+6281234567890" in li)
    seen = bot.services.i18n.translator("id").plural(
        "seen in {n} other report", "seen in {n} other reports", 1
    )
    assert seen in line and first in line


async def test_html_special_characters_in_every_field_arrive_intact(bot: Bot) -> None:
    api = bot.api
    api.private_chat(4242, first_name=EVIL, last_name=EVIL, username="evil_user")
    api.user(STAFF, first_name=EVIL)
    answers = Answers(
        place=EVIL, when=EVIL, details=EVIL * 4, photo_caption=EVIL, note=EVIL, show_identity=True
    )
    code = await submit_report(api, 4242, answers)
    card = await card_of(api, code)
    assert card["text"].count(EVIL) >= 5  # place, when, details, note, name
    copy = (await api.wait_for("copyMessage", chat_id=DESK, since=0))[0]
    assert EVIL in api.message(DESK, copy.result["message_id"])["caption"]

    await api.send_text(STAFF, EVIL, chat_id=DESK, reply_to=card["message_id"])
    relayed = await api.next_message(4242)
    assert EVIL in relayed["text"]
    await api.send_text(4242, EVIL + " back", reply_to=relayed["message_id"])
    await api.wait_until(
        lambda: [m for m in api.messages_to(DESK) if EVIL + " back" in m.get("text", "")]
    )
    await desk_press(bot, code, f"dk:s:{code}:ack")
    await api.wait_until(
        lambda: EVIL in (api.message(DESK, card["message_id"]) or {})["text"].split("\n")[-1]
    )
    await settle(bot)
    assert not no_failed_sends(api)


async def test_the_reporter_is_never_named_in_the_desk_unless_they_choose(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER)
    card = await card_of(api, code)
    # Everything the desk ever gets about this case: card, evidence, relays, statuses, reminder.
    await api.send_text(STAFF, "Siapa namanya?", chat_id=DESK, reply_to=card["message_id"])
    question = await api.next_message(REPORTER)
    await api.send_text(REPORTER, "Maaf, tidak tahu", reply_to=question["message_id"])
    await api.send_photo(REPORTER, caption="ini fotonya", reply_to=question["message_id"])
    bot.services.report_outbox.clock.advance(minutes=16)  # urgent and unacknowledged
    worker(bot).wake()
    await api.wait_until(
        lambda: [
            m
            for m in api.messages_to(DESK)
            if code in m.get("text", "") and m.get("text", "").startswith("⏰")
        ]
    )
    await desk_press(bot, code, f"dk:s:{code}:info")
    await settle(bot)
    await desk_press(bot, code, f"dk:c:{code}")
    await desk_press(bot, code, f"dk:o:{code}:police")
    await settle(bot)

    secrets = [str(REPORTER), REPORTER_NAME, REPORTER_SURNAME, REPORTER_HANDLE]
    desk_calls = [c for c in api.calls if c.chat_id == DESK]
    sent = [{k: v for k, v in c.params.items() if k != "from_chat_id"} for c in desk_calls]
    seen = json.dumps([sent, api.messages_to(DESK)], ensure_ascii=False, default=str)
    assert len(desk_calls) >= 6
    assert not [s for s in secrets if s in seen]
    assert not [c for c in api.calls if c.method == "forwardMessage"]
    hidden = desk_text(bot, "<b>Reporter:</b> hidden (anonymous)")
    assert hidden in api.message(DESK, card["message_id"])["text"]


async def test_a_reporter_who_chooses_to_be_shown_is_on_the_card(bot: Bot) -> None:
    code = await submit_report(bot.api, REPORTER, Answers(show_identity=True))
    first = await card_of(bot.api, code)
    named = f"{REPORTER_NAME} {REPORTER_SURNAME} @{REPORTER_HANDLE}"
    await bot.api.wait_until(lambda: named in bot.api.message(DESK, first["message_id"])["text"])
    card = bot.api.message(DESK, first["message_id"])
    mention = [e for e in card.get("entities", []) if e.get("type") == "text_link"]
    assert mention and mention[0]["url"] == f"tg://user?id={REPORTER}"


# -- nothing lost --------------------------------------------------------------------------
async def test_desk_down_then_up_delivers_exactly_once(bot: Bot) -> None:
    api = bot.api
    for status in (500, 502, 503, 504):
        api.fail("sendMessage", status, chat_id=DESK)
    api.fail("sendMessage", 429, chat_id=DESK, retry_after=1)
    api.fail("copyMessage", 500, chat_id=DESK, count=2)
    code = await submit_report(api, REPORTER)
    card = await card_of(api, code, timeout=10)
    await settle(bot)
    failures = [c for c in api.calls if c.chat_id == DESK and not c.ok]
    assert [c.status for c in failures if c.method == "sendMessage"] == [500, 502, 503, 504, 429]
    assert len(cards(api, code)) == 1
    copies = [c for c in api.calls if c.method == "copyMessage" and c.ok and c.chat_id == DESK]
    assert (
        len(copies) == 1
        and copies[0].params["reply_parameters"]["message_id"] == card["message_id"]
    )
    assert not api.messages_to(ADMIN)  # passing trouble is no reason to wake anyone


async def test_a_429_is_honoured_before_the_next_attempt(bot: Bot) -> None:
    api = bot.api
    api.fail("sendMessage", 429, chat_id=DESK, retry_after=1)
    code = await submit_report(api, REPORTER, Answers(photo_caption=None))
    await card_of(api, code, timeout=5)
    attempts = [c for c in api.calls if c.method == "sendMessage" and c.chat_id == DESK]
    assert attempts[1].time - attempts[0].time >= 0.95


async def test_a_429_holds_back_every_other_desk_message_too(bot: Bot) -> None:
    """The pause after a 429 is global: the next case's card waits too, not only the job
    that was refused (Telegram counts the bot's requests, not one job's)."""
    api = bot.api
    await worker(bot).stop()  # two cards owed at once when the worker starts again
    draft = Draft(category="recruiter", province="jawa-timur", when="today", details="calo")
    codes = [bot.services.reports.submit(draft, REPORTER, "id", None).code for _ in range(2)]
    api.fail("sendMessage", 429, chat_id=DESK, retry_after=1)
    await worker(bot).start()
    for code in codes:
        await card_of(api, code, timeout=5)
    sends = [c for c in api.calls if c.method == "sendMessage" and c.chat_id == DESK]
    refused = next(c for c in sends if c.status == 429)
    later = [c for c in sends if c.time > refused.time]
    assert len(later) >= 2 and min(c.time for c in later) - refused.time >= 0.95
    await settle(bot)  # a card seen at the desk is marked done a moment later
    rows = bot.services.db.all("SELECT attempts FROM report_outbox WHERE kind = 'card'")
    # The refused job counts its refused try and the sent one. Which of the two cards met the
    # 429 is a race: different reports' cards are sent side by side (outbox lanes).
    assert sorted(r["attempts"] for r in rows) == [1, 2]


async def test_a_desk_429_does_not_hold_back_a_reporters_case_code(bot: Bot) -> None:
    """A burst of reports meets the desk group's 20 messages a minute; the pause that
    follows is the desk's, and the next reporter still gets their case code at once."""
    api = bot.api
    api.fail("sendMessage", 429, chat_id=DESK, retry_after=4)
    first = await submit_report(api, REPORTER)
    refused = (await api.wait_for("sendMessage", chat_id=DESK, ok=False, since=0))[0]
    second = await submit_report(api, ENGLISH_REPORTER)
    told = next(
        c
        for c in api.calls
        if c.chat_id == ENGLISH_REPORTER and c.ok and second in str(c.params.get("text"))
    )
    assert told.time - refused.time < 2.0  # not after the desk's 4 s pause
    for code in (first, second):
        await card_of(api, code, timeout=10)
    sends = [c for c in api.calls if c.method == "sendMessage" and c.chat_id == DESK and c.ok]
    assert min(c.time for c in sends) - refused.time >= 3.9  # the desk did wait


async def test_a_desk_send_held_by_the_rate_limiter_does_not_hold_back_a_case_code(
    settings: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    """In production the bot's rate limiter holds a desk send until the group may take it
    (a 429's retry_after here; in a burst of reports, the group's 20 messages a minute).
    Meanwhile the next reporter gets their case code: it does not queue behind the card."""
    draft = Draft(category="recruiter", province="jawa-timur", when="today", details="calo")
    async with bot_on(settings, database, api, rate_limiter=True) as bot:
        api.fail("sendMessage", 429, chat_id=DESK, retry_after=4)
        first = bot.services.reports.submit(draft, REPORTER, "id", None).code
        worker(bot).wake()
        await api.wait_for("sendMessage", chat_id=DESK, ok=False, since=0)  # held 4 s now
        second = bot.services.reports.submit(draft, ENGLISH_REPORTER, "en", None).code
        worker(bot).wake()
        await api.wait_for(
            lambda call: second in str(call.params.get("text")),
            method="sendMessage",
            chat_id=ENGLISH_REPORTER,
            since=0,
        )
        assert cards(api) == []  # told while the desk's card was still held back
        for code in (first, second):
            await card_of(api, code, timeout=10)
        await settle(bot)
        assert [len(cards(api, code)) for code in (first, second)] == [1, 1]


async def test_killed_while_sending_then_restarted_the_report_arrives(
    settings: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    async with bot_on(settings, database, api) as bot:
        api.delay("sendMessage", 30, chat_id=DESK)  # the card is sent, the answer never comes
        code = await submit_report(api, REPORTER)
        await api.wait_for("sendMessage", chat_id=DESK, since=0)
        worker(bot).task.cancel()  # the process dies mid-request: no clean flush
    # The card is still owed after the crash (the reporter's lane may have been marking
    # their confirmation sent at that moment: lanes send side by side).
    pending = Database.open(database).all("SELECT kind FROM report_outbox WHERE state = 'pending'")
    assert "card" in {row["kind"] for row in pending}
    async with bot_on(settings, database, api) as bot:
        await api.wait_until(lambda: len(cards(api, code)) == 2, timeout=10)
        await settle(bot)
        # The first card did arrive but was never confirmed: the resend is a visible
        # duplicate with the same code, and the evidence follows the confirmed card.
        copies = [c for c in api.calls if c.method == "copyMessage" and c.ok]
        assert len(copies) == 1
        assert (
            copies[0].params["reply_parameters"]["message_id"] == cards(api, code)[1]["message_id"]
        )


async def test_killed_while_the_desk_was_down_then_restarted_delivers_once(
    settings: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    async with bot_on(settings, database, api) as bot:
        api.fail("sendMessage", 502, chat_id=DESK, count=None)
        codes = [await submit_report(api, REPORTER) for _ in range(2)]
        await api.wait_for("sendMessage", chat_id=DESK, since=0, ok=False, count=2)
        worker(bot).task.cancel()
    api.clear_faults()
    async with bot_on(settings, database, api) as bot:
        for code in codes:
            await card_of(api, code, timeout=10)
        await settle(bot)
        assert [len(cards(api, code)) for code in codes] == [1, 1]


async def test_the_report_is_stored_before_the_reporter_is_told(bot: Bot) -> None:
    api = bot.api
    api.fail("sendMessage", 500, chat_id=DESK, count=None)
    code = await submit_report(api, REPORTER)
    report = bot.services.reports.by_code(code)
    assert report is not None and report.card_message_id is None
    jobs = bot.services.db.all("SELECT kind FROM report_outbox WHERE report_id = ?", (report.id,))
    assert [j["kind"] for j in jobs] == ["card"]
    api.clear_faults()
    await card_of(api, code, timeout=5)


async def test_a_permanent_desk_error_alerts_the_admins_once(bot: Bot) -> None:
    api = bot.api
    api.fail(
        "sendMessage",
        403,
        "Forbidden: bot was kicked from the supergroup chat",
        count=None,
        chat_id=DESK,
    )
    codes = [await submit_report(api, REPORTER, Answers(photo_caption=None)) for _ in range(2)]
    await api.wait_for("sendMessage", chat_id=DESK, since=0, ok=False, count=4, timeout=10)
    alerts = api.messages_to(ADMIN)
    assert len(alerts) == 1 and "DESK_CHAT_ID" in alerts[0]["text"]
    api.clear_faults()
    for code in codes:
        await card_of(api, code, timeout=5)
    await api.wait_until(lambda: len(api.messages_to(ADMIN)) == 2)


# -- the desk and the reporter -------------------------------------------------------------
async def test_relay_both_ways_keeps_both_sides_anonymous(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER)
    card = await card_of(api, code)
    await settle(bot)

    await api.send_text(STAFF, "Kapan berangkatnya?", chat_id=DESK, reply_to=card["message_id"])
    question = await api.next_message(REPORTER)
    assert code in question["text"] and "Kapan berangkatnya?" in question["text"]
    assert "Budi" not in json.dumps(question) and f"rl:{code}" in buttons(question)
    await api.wait_until(
        lambda: [
            m
            for m in api.messages_to(DESK)
            if m.get("text") == desk_text(bot, "✅ Delivered to the reporter.")
        ]
    )

    passed = await say(api, REPORTER, "Malam ini jam 10", reply_to=question["message_id"])
    assert code in passed["text"]
    answer = await api.wait_until(
        lambda: [m for m in api.messages_to(DESK) if "Malam ini jam 10" in m.get("text", "")]
    )
    assert answer[0]["reply_to_message"]["message_id"] == card["message_id"]

    await api.send_photo(
        STAFF, caption="Orang ini?", chat_id=DESK, reply_to=answer[0]["message_id"]
    )
    photo = await api.next_message(REPORTER)
    assert "photo" in photo and "Orang ini?" in photo["caption"]

    await api.press(REPORTER, photo["message_id"], f"rl:{code}")
    await api.next_message(REPORTER)  # "write your message"
    await api.send_document(REPORTER, caption="tiketnya")
    await api.next_message(REPORTER)  # "passed on"
    back = await api.wait_until(lambda: [m for m in api.messages_to(DESK) if "document" in m])
    assert (
        "tiketnya" in back[0]["caption"]
        and back[0]["reply_to_message"]["message_id"] == card["message_id"]
    )

    await api.send_text(STAFF, "# catatan internal", chat_id=DESK, reply_to=card["message_id"])
    await api.send_text(STAFF, "Terima kasih", chat_id=DESK, reply_to=card["message_id"])
    thanks = await api.next_message(REPORTER)
    assert "Terima kasih" in thanks["text"]
    assert not [m for m in api.messages_to(REPORTER) if "catatan internal" in m.get("text", "")]
    assert not [c for c in api.calls if c.method == "forwardMessage"]


async def test_status_changes_reach_the_reporter_in_their_language(bot: Bot) -> None:
    api = bot.api
    english = await submit_report(api, ENGLISH_REPORTER, Answers(photo_caption=None))
    indonesian = await submit_report(api, REPORTER, Answers(photo_caption=None))

    answer = await desk_press(bot, english, f"dk:s:{english}:ack")
    assert answer.get("text")
    update = await api.next_message(ENGLISH_REPORTER)
    assert update["text"] == user_text(
        bot,
        "en",
        "✅ The coordination desk has seen your report <code>{code}</code> and will look into it.",
        code=english,
    )
    card = await card_of(api, english)
    await api.wait_until(
        lambda: "Budi (@budi_desk)" in api.message(DESK, card["message_id"])["text"]
    )
    assert status_of(bot, english) is Status.ACKNOWLEDGED

    await desk_press(bot, indonesian, f"dk:c:{indonesian}")
    card = await card_of(api, indonesian)
    await api.wait_until(
        lambda: f"dk:o:{indonesian}:police" in buttons(api.message(DESK, card["message_id"]))
    )
    await desk_press(bot, indonesian, f"dk:o:{indonesian}:police")
    closed = await api.next_message(REPORTER)
    outcome = bot.services.i18n.translator("id")("The desk passed it to the police.")
    assert indonesian in closed["text"] and outcome in closed["text"]
    assert status_of(bot, indonesian) is Status.CLOSED
    await api.wait_until(
        lambda: f"dk:s:{indonesian}:progress" in buttons(api.message(DESK, card["message_id"]))
    )


async def test_presses_outside_the_desk_change_nothing(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, Answers(photo_caption=None))
    await card_of(api, code)
    await settle(bot)
    reporter_messages = len(api.messages_to(REPORTER))
    own = api.messages_to(REPORTER)[-1]
    query = await api.press(REPORTER, own["message_id"], f"dk:s:{code}:spam", force=True)
    await api.wait_until(lambda: api.callback_answer(query))
    assert api.callback_answer(query)["text"] == desk_text(
        bot, "Only the coordination desk can change a case."
    )

    api.group_chat(-100777, "Not the desk", members=[STAFF])
    await api.send_text(STAFF, "hi", chat_id=-100777)
    decoy = api.history(-100777)[-1]
    query = await api.press(
        STAFF, decoy["message_id"], f"dk:s:{code}:ack", chat_id=-100777, force=True
    )
    await api.wait_until(lambda: api.callback_answer(query))
    await settle(bot)
    assert status_of(bot, code) is Status.NEW
    assert len(api.messages_to(REPORTER)) == reporter_messages
    assert not bot.services.reports.history(bot.services.reports.by_code(code).id)


async def test_forged_and_stale_buttons_get_a_short_answer_and_change_nothing(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, Answers(photo_caption=None))
    for data in (
        "dk:s:LP-ZZZZZ:ack",
        f"dk:s:{code}:bogus",
        f"dk:s:{code}:closed",
        f"dk:o:{code}:nonsense",
        f"dk:s:{code}",
        "dk:x",
        "dk",
        f"dk:s:{code}:new",
    ):
        answer = await desk_press(bot, code, data)
        assert answer.get("text"), data
    assert status_of(bot, code) is Status.NEW

    last = api.messages_to(REPORTER)[-1]["message_id"]
    for data in ("rp:cat:nonsense", "rp:pv:atlantis", "rl:LP-ZZZZZ", "del:maybe", "rp:ok", "rl"):
        query = await api.press(REPORTER, last, data, force=True)
        await api.wait_until(lambda q=query: api.callback_answer(q))
    prompt = await say(api, REPORTER, "/lapor")
    for data in ("rp:cat:nonsense", "rp:pv:atlantis", "rp:ed:everything", "rp:when:yesterday"):
        query = await api.press(REPORTER, prompt["message_id"], data, force=True)
        await api.wait_until(lambda q=query: api.callback_answer(q))
    assert not error_replies(bot, REPORTER)
    assert not [c for c in api.calls if c.method == "editMessageText" and not c.ok]


async def test_the_daily_limit_is_kind_and_firm(
    settings: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    limited = dataclasses.replace(settings, report_daily_limit=2)
    async with bot_on(limited, database, api) as bot:
        for _ in range(2):
            await submit_report(api, REPORTER, Answers(photo_caption=None, note=None))
        refusal = await say(api, REPORTER, "/lapor")
        expected = bot.services.i18n.translator("id").plural(
            "Thank you for reporting! You have already sent {n} report today, the most one "
            "person can send in a day, so that the desk is not overwhelmed. Please send more "
            "tomorrow. If someone is in danger right now, call the police on <b>110</b>.",
            "Thank you for reporting! You have already sent {n} reports today, the most one "
            "person can send in a day, so that the desk is not overwhelmed. Please send more "
            "tomorrow. If someone is in danger right now, call the police on <b>110</b>.",
            2,
        )
        assert refusal["text"] == re.sub(r"<[^>]+>", "", expected)
        bot.services.report_outbox.clock.advance(hours=25)
        prompt = await say(api, REPORTER, "/lapor")
        assert "rp:cat:recruiter" in buttons(prompt)


async def test_unacknowledged_urgent_reports_remind_the_desk(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, Answers(category="departure", when=None))
    card = await card_of(api, code)
    await settle(bot)
    bot.services.report_outbox.clock.advance(minutes=16)
    worker(bot).wake()
    reminder = await api.wait_until(
        lambda: [m for m in api.messages_to(DESK) if m.get("text", "").startswith("⏰")]
    )
    assert code in reminder[0]["text"]
    assert reminder[0]["reply_to_message"]["message_id"] == card["message_id"]

    await api.send_text(STAFF, "/cases", chat_id=DESK)
    listing = await api.wait_until(
        lambda: [m for m in api.messages_to(DESK) if m.get("text", "").startswith("📋")]
    )
    assert f"⏰🚨{code}" in listing[0]["text"]

    await desk_press(bot, code, f"dk:s:{code}:ack")
    await settle(bot)
    bot.services.report_outbox.clock.advance(minutes=60)
    worker(bot).wake()
    await asyncio.sleep(0.2)
    await settle(bot)
    assert len([m for m in api.messages_to(DESK) if m.get("text", "").startswith("⏰")]) == 1


# -- the reporter's own view ---------------------------------------------------------------
async def test_status_lists_only_the_reporters_own_cases(bot: Bot) -> None:
    api = bot.api
    mine = await submit_report(api, REPORTER, Answers(photo_caption=None))
    theirs = await submit_report(api, ENGLISH_REPORTER, Answers(photo_caption=None))
    listing = await say(api, REPORTER, "/status")
    assert mine in listing["text"] and theirs not in listing["text"]
    detail = await say(api, REPORTER, "/status " + mine.lower().replace("-", " "))
    assert mine in detail["text"]
    refused = await say(api, REPORTER, f"/status {theirs}")
    assert theirs not in refused["text"]


async def test_deleting_my_data_unlinks_me_and_tells_the_desk_i_am_gone(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, Answers(show_identity=True, photo_caption=None))
    card = await card_of(api, code)
    await settle(bot)
    question = await say(api, REPORTER, "/hapusdata")
    assert code in question["text"]  # the open case is named
    await api.press(REPORTER, question["message_id"], "del:yes")
    await api.wait_for("editMessageText", chat_id=REPORTER)
    assert code not in (await say(api, REPORTER, "/status"))["text"]
    await api.wait_until(
        lambda: REPORTER_HANDLE not in api.message(DESK, card["message_id"])["text"]
    )

    await api.send_text(STAFF, "Halo?", chat_id=DESK, reply_to=card["message_id"])
    note = await api.wait_until(
        lambda: [m for m in api.messages_to(DESK) if "⚠️" in m.get("text", "")]
    )
    assert code in note[0]["text"]
    assert not [m for m in api.messages_to(REPORTER) if "Halo?" in m.get("text", "")]


async def test_cancel_leaves_nothing_behind(bot: Bot) -> None:
    api = bot.api
    prompt = await say(api, REPORTER, "/lapor")
    prompt = await press(api, REPORTER, prompt, "rp:cat:fake_job")
    cancelled = await say(api, REPORTER, "/cancel")
    assert "/lapor" in cancelled["text"]
    assert bot.services.report_drafts.get(REPORTER) is None
    assert bot.services.db.one("SELECT COUNT(*) FROM reports")[0] == 0
    answer = await say(api, REPORTER, "ciri ciri calo ilegal")
    assert "rp:cat:recruiter" not in buttons(answer)  # free text is a question again


async def test_a_restart_in_the_middle_of_a_report_loses_nothing(
    settings: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    async with bot_on(settings, database, api):
        prompt = await say(api, REPORTER, "/lapor")
        prompt = await press(api, REPORTER, prompt, "rp:cat:abroad")
        prompt = await press(api, REPORTER, prompt, "rp:pv:abroad")
        prompt = await say(api, REPORTER, "Kuala Lumpur, Malaysia")
    async with bot_on(settings, database, api):
        # The conversation itself was persisted: a button from before simply continues it.
        prompt = await press(api, REPORTER, prompt, "rp:when:week")
        assert "rp:resume" not in buttons(prompt)
        prompt = await say(api, REPORTER, "Adik saya ditahan majikan, paspor diambil agen.")
        prompt = await press(api, REPORTER, prompt, "rp:done")
        prompt = await press(api, REPORTER, prompt, "rp:id:hide")
        received = await press(api, REPORTER, prompt, "rp:ok")
        code = CODE.search(received["text"]).group(0)
        card = await card_of(api, code)
        assert "Kuala Lumpur, Malaysia" in card["text"]


async def test_editing_an_answer_returns_to_the_summary(bot: Bot) -> None:
    api = bot.api
    prompt = await say(api, REPORTER, "/lapor")
    prompt = await press(api, REPORTER, prompt, "rp:cat:other")
    prompt = await press(api, REPORTER, prompt, "rp:pv:unknown")
    prompt = await say(api, REPORTER, "/skip")
    prompt = await say(api, REPORTER, "/skip")
    prompt = await say(api, REPORTER, "Ada lowongan aneh di grup WA desa.")
    prompt = await say(api, REPORTER, "/skip")
    summary = await press(api, REPORTER, prompt, "rp:id:hide")
    await api.press(REPORTER, summary["message_id"], "rp:edit")
    await api.wait_for("editMessageReplyMarkup")
    await press(api, REPORTER, summary, "rp:ed:place")
    summary = await say(api, REPORTER, "Desa Mekarsari")
    assert "Desa Mekarsari" in summary["text"] and "rp:ok" in buttons(summary)


async def test_the_report_button_is_in_the_menu_the_fallback_and_scam_answers(bot: Bot) -> None:
    api = bot.api
    menu = await say(api, REPORTER, "/menu")
    assert "rp:new" in buttons(menu)
    scam = bot.services.content.entries["recruiter-red-flags"]
    answer = await say(api, REPORTER, scam.questions["id"][0])
    assert "rp:new" in buttons(answer)
    other = bot.services.content.entries["medical-check"]
    assert "rp:new" not in buttons(await say(api, REPORTER, other.questions["id"][0]))
    fallback = await say(api, REPORTER, "cara masak rendang yang enak")
    assert "rp:new" in buttons(fallback)
    form = await press(api, REPORTER, fallback, "rp:new")
    assert "rp:cat:recruiter" in buttons(form)


async def test_an_album_of_evidence_is_acknowledged_once(bot: Bot) -> None:
    api = bot.api
    prompt = await say(api, REPORTER, "/lapor")
    prompt = await press(api, REPORTER, prompt, "rp:cat:fake_job")
    prompt = await press(api, REPORTER, prompt, "rp:pv:unknown")
    prompt = await say(api, REPORTER, "/skip")
    prompt = await say(api, REPORTER, "/skip")
    await say(api, REPORTER, "Iklan lowongan palsu di Facebook, minta transfer dulu.")
    for number in range(3):  # an album arrives as three messages at once
        stored = api.state.store_file(b"jpeg%d" % number, "photo", "image/jpeg")
        content = {**api.state.media_fields("photo", stored), "media_group_id": "album-1"}
        api._user_message(REPORTER, content, None, None)
    ack = await api.next_message(REPORTER)
    assert "3" in ack["text"] and "rp:done" in buttons(ack)
    # One answer for the album, a second after its last photo, not one per photo.
    acks = [m for m in api.messages_to(REPORTER) if m.get("text", "").startswith("📎")]
    assert [m["message_id"] for m in acks] == [ack["message_id"]]


async def test_evidence_the_reporter_deleted_meanwhile_is_reported_on_the_card(bot: Bot) -> None:
    api = bot.api
    api.fail("sendMessage", 500, chat_id=DESK, count=None)
    code = await submit_report(api, REPORTER, Answers(note=None))
    photo = next(m for m in api.history(REPORTER) if "photo" in m)
    del api.state.chats[REPORTER].messages[photo["message_id"]]  # deleted in their app
    api.clear_faults()
    card = await card_of(api, code)
    warning = bot.services.i18n.translator("id").plural(
        "⚠️ {n} file could not be copied: the reporter deleted it or blocked the bot.",
        "⚠️ {n} files could not be copied: the reporter deleted them or blocked the bot.",
        1,
    )
    await api.wait_until(lambda: warning in api.message(DESK, card["message_id"])["text"])
    await settle(bot)
    assert not [c for c in api.calls if c.method == "copyMessage" and c.ok]


async def test_a_timeout_hiding_a_delivered_card_gives_a_duplicate_with_the_same_code(
    bot: Bot,
) -> None:
    api = bot.api
    client = bot.application.bot.request._client  # shorten the bot's read timeout for the test
    client.timeout = httpx.Timeout(5.0, read=0.5)
    api.delay("sendMessage", 2.0, chat_id=DESK)  # delivered, but the answer comes too late
    code = await submit_report(api, REPORTER)
    await api.wait_until(lambda: len(cards(api, code)) == 2)
    await settle(bot)
    assert len(cards(api, code)) == 2  # visibly the same case, never a silent loss
    copies = [c for c in api.calls if c.method == "copyMessage" and c.ok]
    assert len(copies) == 1
    assert copies[0].params["reply_parameters"]["message_id"] == cards(api, code)[1]["message_id"]


async def test_something_remembered_later_reaches_the_desk_under_the_card(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, Answers(photo_caption=None))
    received = api.messages_to(REPORTER)[-1]
    assert f"rl:{code}" in buttons(received)
    card = await card_of(api, code)
    passed = await say(
        api, REPORTER, "Oh ya, mobilnya Avanza hitam", reply_to=received["message_id"]
    )
    assert code in passed["text"]
    extra = await api.wait_until(
        lambda: [m for m in api.messages_to(DESK) if "Avanza hitam" in m.get("text", "")]
    )
    assert extra[0]["reply_to_message"]["message_id"] == card["message_id"]


# -- review: defects found after the first session -----------------------------------------
GROUP = -1009990001  # a community group the bot was added to (not the desk)


async def test_the_report_form_never_runs_in_a_group(bot: Bot) -> None:
    """The form is for a private chat: in a group everyone would read the tip-off, and
    evidence kept by its message id would later be copied from the wrong chat."""
    api = bot.api
    prompt = await say(api, REPORTER, "/lapor")  # a report half-written in private
    await press(api, REPORTER, prompt, "rp:cat:recruiter")
    api.group_chat(GROUP, "Komunitas PMI", members=[REPORTER])
    await api.send_text(REPORTER, "/menu", chat_id=GROUP)
    menu = await api.next_message(GROUP)
    assert "rp:new" in buttons(menu)
    before = len(api.messages_to(GROUP))
    for data in ("rp:new", "rp:cat:recruiter", "rp:resume", "rp:msg:recruiter"):
        query = await api.press(REPORTER, menu["message_id"], data, chat_id=GROUP, force=True)
        await api.wait_until(lambda q=query: api.callback_answer(q))
        assert api.callback_answer(query).get("text"), data
    await asyncio.sleep(0.2)
    assert len(api.messages_to(GROUP)) == before  # no question, no summary, no case code
    draft = bot.services.report_drafts.get(REPORTER)
    assert draft is not None and draft[0].step == "province"  # the private one, untouched
    assert not error_replies(bot, REPORTER)


async def test_deleting_my_data_while_my_card_is_on_its_way_removes_my_name(bot: Bot) -> None:
    api = bot.api
    api.delay("sendMessage", 1.5, chat_id=DESK)  # the card arrives, the answer comes late
    answers = Answers(show_identity=True, photo_caption=None, note=None)
    code = await submit_report(api, REPORTER, answers)
    card = await card_of(api, code)
    assert REPORTER_HANDLE not in card["text"]  # a card in flight never carries the name
    assert bot.services.reports.by_code(code).card_message_id is None  # still in flight
    question = await say(api, REPORTER, "/hapusdata")
    await api.press(REPORTER, question["message_id"], "del:yes")
    await api.wait_for("editMessageText", chat_id=REPORTER)
    await api.wait_until(
        lambda: REPORTER_HANDLE not in api.message(DESK, card["message_id"])["text"], timeout=5
    )
    await settle(bot)


async def test_retention_removes_a_shown_name_from_the_card(bot: Bot) -> None:
    api = bot.api
    answers = Answers(show_identity=True, photo_caption=None, note=None)
    code = await submit_report(api, REPORTER, answers)
    card = await card_of(api, code)
    await desk_press(bot, code, f"dk:c:{code}")
    await desk_press(bot, code, f"dk:o:{code}:police")
    await settle(bot)
    assert REPORTER_HANDLE in api.message(DESK, card["message_id"])["text"]
    bot.services.report_outbox.clock.advance(days=31)
    await worker(bot).run_retention_now()
    worker(bot).wake()
    await api.wait_until(
        lambda: REPORTER_HANDLE not in api.message(DESK, card["message_id"])["text"], timeout=5
    )
    await settle(bot)


async def _report_with_notes(api: FakeBotAPI, user: int, details: str, notes: list[str]) -> str:
    prompt = await say(api, user, "/lapor")
    prompt = await press(api, user, prompt, "rp:cat:fake_job")
    prompt = await press(api, user, prompt, "rp:pv:unknown")
    prompt = await say(api, user, "/skip")
    prompt = await say(api, user, "/skip")
    prompt = await say(api, user, details)
    for note in notes:
        prompt = await say(api, user, note)
    prompt = await press(api, user, prompt, "rp:done")
    prompt = await press(api, user, prompt, "rp:id:hide")
    received = await press(api, user, prompt, "rp:ok")
    return CODE.search(received["text"]).group(0)


async def test_a_report_with_long_notes_still_makes_one_card(bot: Bot) -> None:
    """Details (3,000) and notes (1,000 each, ten allowed) are checked one by one; the card
    must still fit in one Telegram message, or the report never reaches the desk."""
    api = bot.api
    notes = [f"Catatan {n}: " + "iklan palsu lowongan pabrik Jepang " * 28 for n in range(5)]
    assert all(len(note) <= 1000 for note in notes)
    code = await _report_with_notes(api, REPORTER, "Detail laporan panjang. " * 120, notes)
    card = await card_of(api, code)
    assert "Catatan 4" in card["text"]
    await settle(bot)
    assert not no_failed_sends(api)
    assert not api.messages_to(ADMIN)


async def test_details_full_of_emoji_still_make_one_card(bot: Bot) -> None:
    """Telegram counts UTF-16 code units: an emoji counts twice."""
    api = bot.api
    details = "🙏🙏🙏🙏 tolong " * 245  # 2,940 characters, 3,920 UTF-16 units
    code = await _report_with_notes(api, REPORTER, details, [])
    await card_of(api, code)
    await settle(bot)
    assert not no_failed_sends(api)


async def test_long_captions_with_emoji_are_copied_and_relayed(bot: Bot) -> None:
    """A caption Telegram accepted (at most 1,024 UTF-16 units) must still fit once the bot
    puts its own line in front of it."""
    api = bot.api
    caption = "🙏" * 124 + "a" * 776  # 900 characters, 1,024 UTF-16 units
    code = await submit_report(api, REPORTER, Answers(photo_caption=caption, note=None))
    card = await card_of(api, code)
    received = [m for m in api.messages_to(REPORTER) if code in m.get("text", "")][-1]
    reply = "🙏" * 300 + "b" * 400  # 700 characters, 1,000 UTF-16 units
    await api.send_photo(REPORTER, caption=reply, reply_to=received["message_id"])
    await settle(bot)
    copies = [c for c in api.calls if c.method == "copyMessage" and c.chat_id == DESK]
    assert len(copies) == 2 and all(c.ok for c in copies)
    assert all(c.params["reply_parameters"]["message_id"] == card["message_id"] for c in copies)
    assert not no_failed_sends(api)


async def test_a_reply_to_one_case_does_not_go_to_another(bot: Bot) -> None:
    api = bot.api
    first = await submit_report(api, REPORTER, Answers(photo_caption=None, note=None))
    second = await submit_report(api, REPORTER, Answers(photo_caption=None, note=None))
    first_card, second_card = await card_of(api, first), await card_of(api, second)
    await settle(bot)
    received_first = next(m for m in api.messages_to(REPORTER) if first in m.get("text", ""))
    await api.send_text(STAFF, "Di mana?", chat_id=DESK, reply_to=second_card["message_id"])
    question = await api.next_message(REPORTER)
    assert second in question["text"]
    # The reporter taps "Reply to the desk" under the first case, then answers the desk's
    # question about the second one with a Telegram reply instead.
    await api.press(REPORTER, received_first["message_id"], f"rl:{first}")
    await api.next_message(REPORTER)
    passed = await say(api, REPORTER, "Di pelabuhan Tanjung Priok", reply_to=question["message_id"])
    assert second in passed["text"]
    answer = await api.wait_until(
        lambda: [m for m in api.messages_to(DESK) if "Tanjung Priok" in m.get("text", "")]
    )
    assert second in answer[0]["text"]
    assert answer[0]["reply_to_message"]["message_id"] == second_card["message_id"]
    assert first_card["message_id"] != second_card["message_id"]


async def test_a_forged_page_button_is_answered_not_crashed(bot: Bot) -> None:
    api = bot.api
    prompt = await say(api, REPORTER, "/lapor")
    prompt = await press(api, REPORTER, prompt, "rp:cat:recruiter")
    for data in ("rp:pg:²", "rp:pg:-1", "rp:pg:99999999999999999999999"):
        query = await api.press(REPORTER, prompt["message_id"], data, force=True)
        await api.wait_until(lambda q=query: api.callback_answer(q))
    await asyncio.sleep(0.2)
    assert not error_replies(bot, REPORTER)


async def test_a_double_tap_on_the_form_and_delete_buttons_is_harmless(bot: Bot) -> None:
    """On a slow connection the same button is often pressed twice before it changes."""
    api = bot.api

    async def double_tap(message: dict[str, Any], data: str) -> None:
        for _ in range(2):
            query = await api.press(REPORTER, message["message_id"], data, force=True)
            await api.wait_until(lambda q=query: api.callback_answer(q))

    prompt = await say(api, REPORTER, "/lapor")
    prompt = await press(api, REPORTER, prompt, "rp:cat:other")
    prompt = await press(api, REPORTER, prompt, "rp:pv:unknown")
    prompt = await say(api, REPORTER, "/skip")
    prompt = await say(api, REPORTER, "/skip")
    await say(api, REPORTER, "Ada lowongan aneh di grup WA desa.")
    ack = await say(api, REPORTER, "https://lowongan-aneh.example.com")
    await double_tap(ack, "rp:clear")
    summary = await say(api, REPORTER, "/done")
    summary = await press(api, REPORTER, summary, "rp:id:hide")
    await double_tap(summary, "rp:edit")
    await double_tap(summary, "rp:back")
    await say(api, REPORTER, "/cancel")
    question = await say(api, REPORTER, "/hapusdata")
    await double_tap(question, "del:yes")
    await asyncio.sleep(0.2)
    assert not error_replies(bot, REPORTER)


async def test_evidence_from_a_reporter_who_blocked_the_bot_does_not_stall_the_case(
    bot: Bot,
) -> None:
    """Telegram refuses to copy from a chat whose user blocked the bot: that file is gone,
    like a deleted one, and the case's later messages must not queue behind it forever."""
    api = bot.api
    api.fail("copyMessage", 403, "Forbidden: bot was blocked by the user", count=None)
    code = await submit_report(api, REPORTER, Answers(note=None))
    card = await card_of(api, code)
    warning = bot.services.i18n.translator("id").plural(
        "⚠️ {n} file could not be copied: the reporter deleted it or blocked the bot.",
        "⚠️ {n} files could not be copied: the reporter deleted them or blocked the bot.",
        1,
    )
    await api.wait_until(lambda: warning in api.message(DESK, card["message_id"])["text"])
    before = len(api.messages_to(REPORTER))
    await desk_press(bot, code, f"dk:s:{code}:ack")  # later jobs of the case still go out
    await api.wait_until(lambda: len(api.messages_to(REPORTER)) > before, timeout=10)
    assert code in api.messages_to(REPORTER)[-1]["text"]
