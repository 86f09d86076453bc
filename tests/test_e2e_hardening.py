# ruff: noqa: F811 - the e2e fixtures are imported from test_e2e_reports and used by name
"""End to end: the hardening of tip-offs (issue 13): anonymity on every path, nothing lost
or clipped, nobody speaking for the desk. Same emulator and helpers as test_e2e_reports."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sys
from pathlib import Path

import httpx
import pytest

from bot.core.reports.case_status import Status
from tests.conftest import ROOT, Bot
from tests.test_e2e_reports import (  # noqa: F401 - fixtures are used by name
    ADMIN,
    CODE,
    DESK,
    ENGLISH_REPORTER,
    REPORTER,
    REPORTER_HANDLE,
    REPORTER_NAME,
    STAFF,
    Answers,
    _report_with_notes,
    api,
    bot,
    bot_on,
    buttons,
    card_of,
    cards,
    desk_press,
    no_failed_sends,
    press,
    say,
    settings,
    settle,
    status_of,
    submit_report,
    worker,
)

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

SHOWN = Answers(show_identity=True, photo_caption=None, note=None)
PHONE = "+62 812 9988 7766"


def identity_in(text: str) -> bool:
    return REPORTER_HANDLE in text or REPORTER_NAME in text or f"tg://user?id={REPORTER}" in text


def desk_calls_with_identity(bot: Bot) -> list:
    """Requests to the desk chat that carried the reporter's name, handle or link."""
    return [
        c for c in bot.api.calls if c.chat_id == DESK and identity_in(str(c.params.get("text", "")))
    ]


async def delete_my_data(bot: Bot, user: int = REPORTER) -> None:
    question = await say(bot.api, user, "/hapusdata")
    await bot.api.press(user, question["message_id"], "del:yes")
    await bot.api.wait_for("editMessageText", chat_id=user)


# -- 1. a duplicate card never keeps a shown identity ---------------------------------------
async def test_a_card_is_sent_without_identity_and_named_by_an_edit(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, SHOWN)
    card = await card_of(api, code)
    await api.wait_until(lambda: REPORTER_HANDLE in api.message(DESK, card["message_id"])["text"])
    sends = [c for c in api.calls if c.method == "sendMessage" and c.chat_id == DESK]
    assert sends and not [c for c in sends if identity_in(str(c.params.get("text", "")))]


async def test_a_duplicate_card_never_keeps_a_name_after_deleting_my_data(bot: Bot) -> None:
    api = bot.api
    client = bot.application.bot.request._client
    client.timeout = httpx.Timeout(5.0, read=0.5)
    api.delay("sendMessage", 2.0, chat_id=DESK)  # the first card arrives, its answer does not
    code = await submit_report(api, REPORTER, SHOWN)
    await api.wait_until(lambda: len(cards(api, code)) == 2, timeout=10)
    await settle(bot)
    await delete_my_data(bot)
    await settle(bot)
    for copy in cards(api, code):
        assert not identity_in(copy["text"]), copy["text"]


# -- 3. deleted data does not stay on disk --------------------------------------------------
async def test_deleted_name_and_phone_are_not_left_in_the_database_files(
    bot: Bot, database: Path | str
) -> None:
    api = bot.api
    prompt = await say(api, REPORTER, "/lapor")
    prompt = await press(api, REPORTER, prompt, "rp:cat:fake_job")
    prompt = await press(api, REPORTER, prompt, "rp:pv:unknown")
    await say(api, REPORTER, "/skip")
    await say(api, REPORTER, "/skip")
    prompt = await say(api, REPORTER, "Lowongan palsu ke Jepang, minta uang muka.")
    prompt = await press(api, REPORTER, prompt, "rp:done")
    await press(api, REPORTER, prompt, "rp:id:show")
    await api.send_contact(REPORTER, PHONE)
    await api.next_message(REPORTER)  # "Noted"
    summary = await api.next_message(REPORTER)
    received = await press(api, REPORTER, summary, "rp:ok")
    code = CODE.search(received["text"]).group(0)
    await card_of(api, code)
    await settle(bot)
    await delete_my_data(bot)
    await settle(bot)
    leftovers = []
    for name, data in stored_bytes(bot, database):
        for secret in (PHONE, REPORTER_HANDLE, f"{REPORTER_NAME} "):
            if secret.encode() in data:
                leftovers.append((name, secret))
    assert not leftovers


def stored_bytes(bot: Bot, database: Path | str) -> list[tuple[str, bytes]]:
    """What a copy of the database holds. SQLite: the file, WAL and shm bytes (a deleted row
    can linger in a free page). PostgreSQL: every row of every table (its files belong to the
    server; dead rows are the operator's vacuum and backups, see docs/deploy.md)."""
    if isinstance(database, Path):
        return [(p.name, p.read_bytes()) for p in database.parent.glob(database.name + "*")]
    db = bot.services.db
    return [
        (t, str([tuple(r) for r in db.all(f"SELECT * FROM {t}")]).encode()) for t in db.tables()
    ]


# -- 7. a reporter who blocks the bot after a follow-up ------------------------------------
async def test_a_follow_up_from_a_reporter_who_then_blocked_the_bot_does_not_stall(
    bot: Bot,
) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, Answers(photo_caption=None))
    card = await card_of(api, code)
    await settle(bot)
    received = next(m for m in api.messages_to(REPORTER) if code in m.get("text", ""))
    api.fail("copyMessage", 403, "Forbidden: bot was blocked by the user", count=None)
    await api.send_photo(REPORTER, caption="foto tambahan", reply_to=received["message_id"])
    await api.next_message(REPORTER)
    await desk_press(bot, code, f"dk:s:{code}:ack")
    await api.wait_until(
        lambda: "dk:s:" + code + ":ack" not in buttons(api.message(DESK, card["message_id"])),
        timeout=10,
    )
    await asyncio.sleep(0.3)
    assert not api.messages_to(ADMIN)


# -- 12. edits, closed cases, groups --------------------------------------------------------
async def test_an_edited_desk_reply_is_relayed_once(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, Answers(photo_caption=None, note=None))
    card = await card_of(api, code)
    await settle(bot)
    sent = await api.send_text(STAFF, "Kapan berangkat?", chat_id=DESK, reply_to=card["message_id"])
    await api.wait_until(
        lambda: [m for m in api.messages_to(REPORTER) if "Kapan berangkat" in m.get("text", "")]
    )
    await api.edit_text(STAFF, sent["message_id"], "Kapan berangkatnya?", chat_id=DESK)
    await asyncio.sleep(0.5)
    await settle(bot)
    relayed = [m for m in api.messages_to(REPORTER) if "Kapan berangkat" in m.get("text", "")]
    assert len(relayed) == 1


@pytest.mark.parametrize("decision", ["c", "spam"])
async def test_follow_ups_after_a_case_is_finished_are_not_relayed(bot: Bot, decision: str) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, Answers(photo_caption=None, note=None))
    await card_of(api, code)
    if decision == "spam":
        await desk_press(bot, code, f"dk:s:{code}:spam")
    else:
        await desk_press(bot, code, f"dk:c:{code}")
        await desk_press(bot, code, f"dk:o:{code}:police")
    await settle(bot)
    assert status_of(bot, code) in (Status.CLOSED, Status.SPAM)
    received = next(m for m in api.messages_to(REPORTER) if code in m.get("text", ""))
    answer = await say(api, REPORTER, "Masih ada info lagi", reply_to=received["message_id"])
    assert code in answer["text"] and "✅" not in answer["text"]
    await asyncio.sleep(0.3)
    await settle(bot)
    assert not [m for m in api.messages_to(DESK) if "Masih ada info" in m.get("text", "")]


GROUP = -1009990002


@pytest.mark.parametrize("data", ["sub", "sub:on", "ck:start"])
async def test_subscribe_and_check_buttons_in_a_group_point_to_a_private_chat(
    bot: Bot, data: str
) -> None:
    api = bot.api
    api.group_chat(GROUP, "Komunitas PMI", members=[ENGLISH_REPORTER])
    await api.send_text(ENGLISH_REPORTER, "/menu", chat_id=GROUP)
    menu = await api.next_message(GROUP)
    before = len(api.messages_to(GROUP))
    query = await api.press(ENGLISH_REPORTER, menu["message_id"], data, chat_id=GROUP, force=True)
    await api.wait_until(lambda: api.callback_answer(query))
    assert "private" in (api.callback_answer(query).get("text") or "")
    await asyncio.sleep(0.3)
    assert len(api.messages_to(GROUP)) == before
    assert bot.services.subscribers.get(GROUP) is None
    assert bot.services.subscribers.get(ENGLISH_REPORTER) is None


# -- 5. DESK_CHAT_ID is a group, and follows the group when it becomes a supergroup ---------
# SQLite only: the two `python -m bot run` tests check DESK_CHAT_ID against Telegram at start,
# before the database matters; a subprocess per backend would cost seconds for nothing.
async def _run_bot(api, tmp_path: Path, desk: str) -> tuple[int | None, str]:
    env = {
        **os.environ,
        "BOT_TOKEN": api.token,
        "TELEGRAM_BASE_URL": api.base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "DESK_CHAT_ID": desk,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), 20)
    except TimeoutError:
        process.kill()
        out, err = await process.communicate()
        return None, (out + err).decode()
    return process.returncode, (out + err).decode()


async def test_a_desk_chat_id_that_is_a_private_chat_is_refused_at_start(
    api, tmp_path: Path
) -> None:
    code, output = await _run_bot(api, tmp_path, str(REPORTER))  # the minus sign forgotten
    assert code == 2, output
    assert "Traceback" not in output
    last = output.strip().splitlines()[-1]
    assert "DESK_CHAT_ID" in last and "private" in last


OLD_DESK, NEW_DESK = -4001, -1004001


async def test_the_desk_follows_its_group_to_a_supergroup_without_a_restart(
    settings, api, database: Path | str
) -> None:
    api.group_chat(OLD_DESK, "Desk", members=[STAFF])
    moved = dataclasses.replace(settings, desk_chat_id=OLD_DESK)
    async with bot_on(moved, database, api) as running:
        first = await submit_report(api, REPORTER, Answers(photo_caption=None, note=None))
        await api.wait_until(lambda: cards_in(api, OLD_DESK, first))
        api.migrate_group(STAFF, OLD_DESK, NEW_DESK)
        second = await submit_report(api, REPORTER, Answers(photo_caption=None, note=None))
        card = await api.wait_until(lambda: cards_in(api, NEW_DESK, second), timeout=10)
        query = await api.press(
            STAFF, card[0]["message_id"], f"dk:s:{second}:ack", chat_id=NEW_DESK
        )
        await api.wait_until(lambda: api.callback_answer(query))
        await api.wait_until(lambda: status_of(running, second) is Status.ACKNOWLEDGED)
        await settle(running)
        await api.next_message(REPORTER)  # the status update for the second report
    async with bot_on(moved, database, api):
        before = len([c for c in api.calls if c.chat_id == OLD_DESK])
        third = await submit_report(api, REPORTER, Answers(photo_caption=None, note=None))
        await api.wait_until(lambda: cards_in(api, NEW_DESK, third), timeout=10)
        assert len([c for c in api.calls if c.chat_id == OLD_DESK]) == before


def cards_in(api, chat: int, code: str) -> list:
    return [
        m
        for m in api.messages_to(chat)
        if code in m.get("text", "").split("\n")[0] and any(b.startswith("dk:") for b in buttons(m))
    ]


async def test_chatid_tells_an_admin_the_id_of_the_chat(bot: Bot) -> None:
    api = bot.api
    api.group_chat(GROUP, "Desk baru", members=[ADMIN, STAFF])
    await api.send_text(STAFF, "/chatid", chat_id=GROUP)
    await api.send_text(ADMIN, "/chatid", chat_id=GROUP)
    answer = await api.next_message(GROUP)
    assert str(GROUP) in answer["text"]
    await asyncio.sleep(0.2)
    assert len(api.messages_to(GROUP)) == 1  # nothing for someone who is not an admin


# -- 4. one person cannot forge an early warning, nor reset the daily limit ----------------
NUMBER_AD = "Kerja pabrik di Malaysia, hubungi 0813-0000-4521"


async def test_check_then_delete_my_data_again_and_again_forges_no_early_warning(
    settings, api, database: Path | str
) -> None:
    alerting = dataclasses.replace(settings, check_alert_threshold=3, check_alert_window_minutes=60)
    async with bot_on(alerting, database, api) as running:
        for _round in range(5):
            await say(api, REPORTER, "/cek " + NUMBER_AD)
            await delete_my_data(running)
        await asyncio.sleep(0.3)
        await settle(running)
        assert not [m for m in api.messages_to(DESK) if "Cek Dulu" in m.get("text", "")]
        for table in ("check_seen", "pseudonym_keys"):
            dump = str([tuple(r) for r in running.services.db.all(f"SELECT * FROM {table}")])
            assert str(REPORTER) not in dump


async def test_deleting_my_data_does_not_reset_the_daily_report_limit(
    settings, api, database: Path | str
) -> None:
    limited = dataclasses.replace(settings, report_daily_limit=1)
    async with bot_on(limited, database, api) as running:
        await submit_report(api, REPORTER, Answers(photo_caption=None, note=None))
        await delete_my_data(running)
        answer = await say(api, REPORTER, "/lapor")
        assert not [b for b in buttons(answer) if b.startswith("rp:cat:")]
        assert "110" in answer["text"]


# -- 8. the confirmation goes through the outbox ------------------------------------------
async def _summary(api, user: int) -> dict:
    prompt = await say(api, user, "/lapor")
    prompt = await press(api, user, prompt, "rp:cat:fake_job")
    prompt = await press(api, user, prompt, "rp:pv:unknown")
    await say(api, user, "/skip")
    await say(api, user, "/skip")
    prompt = await say(api, user, "Lowongan palsu ke Jepang, minta uang muka 20 juta.")
    prompt = await press(api, user, prompt, "rp:done")
    return await press(api, user, prompt, "rp:id:hide")


async def test_a_failed_confirmation_is_delivered_later_and_the_old_button_names_the_case(
    bot: Bot,
) -> None:
    api = bot.api
    summary = await _summary(api, REPORTER)
    api.fail("sendMessage", 500, chat_id=REPORTER)  # the confirmation is lost on the way
    await api.press(REPORTER, summary["message_id"], "rp:ok")
    received = await api.wait_until(
        lambda: [m for m in api.messages_to(REPORTER) if CODE.search(m.get("text", ""))],
        timeout=10,
    )
    code = CODE.search(received[0]["text"]).group(0)
    assert f"rl:{code}" in buttons(received[0])
    query = await api.press(REPORTER, summary["message_id"], "rp:ok", force=True)
    await api.wait_until(lambda: api.callback_answer(query))
    assert code in (api.callback_answer(query).get("text") or "")
    await settle(bot)
    assert bot.services.db.one("SELECT COUNT(*) FROM reports")[0] == 1


async def test_a_crash_right_after_saving_still_confirms_after_the_restart(
    settings, api, database: Path | str
) -> None:
    async with bot_on(settings, database, api) as running:
        summary = await _summary(api, REPORTER)
        worker(running).task.cancel()  # nothing is delivered by the outbox any more
        api.fail("sendMessage", 500, chat_id=REPORTER, count=None)  # the process dies now
        await api.press(REPORTER, summary["message_id"], "rp:ok")
        await api.wait_until(lambda: running.services.db.one("SELECT COUNT(*) FROM reports")[0])
    api.clear_faults()
    async with bot_on(settings, database, api):
        await api.wait_until(
            lambda: [m for m in api.messages_to(REPORTER) if CODE.search(m.get("text", ""))],
            timeout=10,
        )


# -- 6. nothing clipped ---------------------------------------------------------------------
def desk_texts(api) -> str:
    return "\n".join(m.get("text", "") or m.get("caption", "") for m in api.messages_to(DESK))


async def test_a_report_too_long_for_its_card_follows_in_full_under_it(bot: Bot) -> None:
    api = bot.api
    notes = [
        f"Catatan {n}: " + f"iklan palsu lowongan pabrik Jepang nomor {n} " * 22 for n in range(5)
    ]
    details = "".join(f"Kejadian ke-{n}: calo datang ke desa dan minta uang. " for n in range(55))
    code = await _report_with_notes(api, REPORTER, details, notes)
    card = await card_of(api, code)
    await settle(bot)
    assert details.strip() not in card["text"]  # the card alone could not hold it
    following = [
        m
        for m in api.messages_to(DESK)
        if (m.get("reply_to_message") or {}).get("message_id") == card["message_id"]
    ]
    whole = " ".join(" ".join(m.get("text", "").split()) for m in following)
    for text in (details, *notes):
        assert " ".join(text.split()) in whole
    assert not no_failed_sends(api)


async def test_a_4000_character_follow_up_reaches_the_desk_whole(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, Answers(photo_caption=None, note=None))
    await card_of(api, code)
    await settle(bot)
    received = next(m for m in api.messages_to(REPORTER) if code in m.get("text", ""))
    words = [f"kata{n:04d}" for n in range(444)]  # 3,995 characters
    follow_up = " ".join(words)
    assert len(follow_up) >= 3990
    answer = await say(api, REPORTER, follow_up, reply_to=received["message_id"])
    assert "2" in answer["text"]  # "in 2 messages": the reporter is told what was sent
    await settle(bot)
    sent = desk_texts(api)
    assert all(word in sent for word in words)
    assert not no_failed_sends(api)


async def test_a_supergroup_desk_chat_id_is_accepted_at_start(api, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "BOT_TOKEN": api.token,
        "TELEGRAM_BASE_URL": api.base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "DESK_CHAT_ID": str(DESK),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        await api.wait_for("getUpdates", timeout=30, since=0)
        assert [c.params.get("chat_id") for c in api.calls if c.method == "getChat"] == [DESK]
    finally:
        process.kill()  # no graceful stop needed: this only checks the start
        await process.communicate()


async def test_an_edited_follow_up_from_the_reporter_is_relayed_once_and_not_answered(
    bot: Bot,
) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, Answers(photo_caption=None, note=None))
    await card_of(api, code)
    await settle(bot)
    received = next(m for m in api.messages_to(REPORTER) if code in m.get("text", ""))
    sent = await api.send_text(REPORTER, "Mobilnya Avanza hitam", reply_to=received["message_id"])
    await api.next_message(REPORTER)  # "passed on"
    before = len(api.messages_to(REPORTER))
    await api.edit_text(REPORTER, sent["message_id"], "Mobilnya Avanza hitam, plat B")
    await asyncio.sleep(0.5)
    await settle(bot)
    assert len([m for m in api.messages_to(DESK) if "Avanza" in m.get("text", "")]) == 1
    replies = api.messages_to(REPORTER)[before:]  # one truthful note, not an FAQ answer
    note = bot.services.i18n.translator("id")(
        "Changes to a message are not passed on: the desk has what you sent first. To "
        "correct or add something, reply again with a new message."
    )
    assert [m["text"] for m in replies] == [note]
