# ruff: noqa: F811 - the e2e fixtures are imported from test_e2e_reports and used by name
"""End to end: regional desks through the Bot API emulator, on SQLite and PostgreSQL.

Three desks: the central desk (DESK_CHAT_ID) and two regional desks from a routing file, East
Java (with Bali) and West Nusa Tenggara (with its own member list). A report goes to the desk
of its province and to the central desk; whatever either desk does reaches the other card and
the reporter hears it once; a desk acts only on its own cases, the central desk on all.
"""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import main
from bot.config import ConfigError, Settings
from bot.core.reports.case_status import Status
from bot.services import build_desks
from bot.telegram.handlers.stats import snapshot
from bot.testing.fake_api import FakeBotAPI
from tests.conftest import Bot
from tests.test_e2e_reports import (  # noqa: F401 - fixtures are used by name
    ADMIN,
    DESK,
    REPORTER,
    STAFF,
    Answers,
    bot_on,
    buttons,
    settings,
    settle,
    status_of,
    submit_report,
    user_text,
    worker,
)

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

JATIM, NTB = -1003000000001, -1003000000002
JATIM_STAFF, NTB_STAFF, NTB_VISITOR = 7101, 7201, 7202
PLAIN = Answers(photo_caption=None, note=None)
EAST_JAVA = Answers()  # jawa-timur, with a photo: the evidence goes to both desks
LOMBOK = Answers(province="nusa-tenggara-barat", photo_caption=None, note=None)
JAKARTA = Answers(province="dki-jakarta", photo_caption=None, note=None)
ROUTING = f"""
central:
  key: pusat
  name: Desk Pusat
desks:
  - key: jatim
    name: Desk Jawa Timur
    chat_id: {JATIM}
    provinces: [jawa-timur, bali]
  - key: ntb
    name: Desk NTB
    chat_id: {NTB}
    provinces: [nusa-tenggara-barat]
    members: [{NTB_STAFF}]
"""


@pytest.fixture
def desks_file(tmp_path: Path) -> Path:
    path = tmp_path / "desks.yaml"
    path.write_text(ROUTING, encoding="utf-8")
    return path


@pytest.fixture
def regional(settings: Settings, desks_file: Path) -> Settings:
    return dataclasses.replace(settings, desks_file=desks_file)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as emulator:
        emulator.group_chat(DESK, "Desk Pusat", members=[STAFF, ADMIN])
        emulator.group_chat(JATIM, "Desk Jatim", members=[JATIM_STAFF, ADMIN])
        emulator.group_chat(NTB, "Desk NTB", members=[NTB_STAFF, NTB_VISITOR])
        for user, name in ((STAFF, "Budi"), (JATIM_STAFF, "Wati"), (NTB_STAFF, "Nyoman")):
            emulator.user(user, first_name=name)
        emulator.user(NTB_VISITOR, first_name="Tamu")
        emulator.private_chat(REPORTER, first_name="Siti")
        emulator.private_chat(ADMIN, first_name="Admin")
        yield emulator


@pytest.fixture
async def bot(regional: Settings, api: FakeBotAPI, database: Path | str) -> AsyncIterator[Bot]:
    async with bot_on(regional, database, api) as running:
        yield running


# -- reading the desks ---------------------------------------------------------------------
def cards_in(api: FakeBotAPI, chat: int, code: str) -> list[dict[str, Any]]:
    return [
        m
        for m in api.messages_to(chat)
        if any(b.startswith("dk:") for b in buttons(m)) and code in m.get("text", "").split("\n")[0]
    ]


async def card_in(api: FakeBotAPI, chat: int, code: str) -> dict[str, Any]:
    await api.wait_until(lambda: cards_in(api, chat, code), timeout=5)
    return cards_in(api, chat, code)[0]


async def both_cards(bot: Bot, code: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The case's central and East Java cards, once the bot has finished sending them."""
    central = await card_in(bot.api, DESK, code)
    regional = await card_in(bot.api, JATIM, code)
    await settle(bot)
    return central, regional


def texts(api: FakeBotAPI, chat: int) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in api.messages_to(chat)]


async def press_in(bot: Bot, chat: int, code: str, data: str, user: int) -> dict[str, Any]:
    """Press (or forge) a button on the case's card in `chat`; the callback answer."""
    card = await card_in(bot.api, chat, code)
    query = await bot.api.press(user, card["message_id"], data, chat_id=chat, force=True)
    await bot.api.wait_until(lambda: bot.api.callback_answer(query))
    return bot.api.callback_answer(query) or {}


def desk_says(bot: Bot, message: str, **values: Any) -> str:
    return bot.services.i18n.translator("id")(message, **values)


def not_yours(bot: Bot, code: str, desk: str) -> str:
    return desk_says(
        bot,
        "Sorry, case {code} belongs to {desk}: only that desk and the central desk can act on it.",
        code=code,
        desk=desk,
    )


def notifications(bot: Bot, needle: str) -> int:
    return sum(needle in t for t in texts(bot.api, REPORTER))


# -- routing and both cards ----------------------------------------------------------------
async def test_a_report_goes_to_its_province_desk_and_the_central_desk(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, EAST_JAVA)
    central, regional = await both_cards(bot, code)
    assert central["text"] == regional["text"]
    assert buttons(central) == buttons(regional)
    assert not cards_in(api, NTB, code)
    assert bot.services.reports.by_code(code).desk_key == "jatim"
    # the photo reached both desks, each under its own card
    copies = [c for c in api.calls if c.method == "copyMessage" and c.ok]
    by_chat = {c.params["chat_id"]: c for c in copies}
    assert set(by_chat) == {DESK, JATIM}
    assert by_chat[JATIM].params["reply_parameters"]["message_id"] == regional["message_id"]
    # each desk copies from the reporter's original; forgotten once both have their copy
    assert {c.params["from_chat_id"] for c in copies} == {REPORTER}
    report = bot.services.reports.by_code(code)
    assert all(e.source_message_id is None for e in bot.services.reports.evidence(report.id))


async def test_a_province_without_a_desk_goes_to_the_central_desk_only(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, JAKARTA)
    await card_in(api, DESK, code)
    await settle(bot)
    assert not cards_in(api, JATIM, code) and not cards_in(api, NTB, code)
    assert bot.services.reports.by_code(code).desk_key == "pusat"


# -- one decision, both cards, the reporter told once --------------------------------------
async def test_a_status_change_on_the_regional_card_updates_both_and_tells_once(
    bot: Bot,
) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, PLAIN)
    central = await card_in(api, DESK, code)
    await card_in(api, JATIM, code)
    await settle(bot)
    before = len(api.messages_to(REPORTER))
    answer = await press_in(bot, JATIM, code, f"dk:s:{code}:ack", JATIM_STAFF)
    assert answer["text"].startswith(desk_says(bot, "Status: {status}", status="")[:6])
    await settle(bot)
    assert status_of(bot, code) is Status.ACKNOWLEDGED
    for chat in (DESK, JATIM):
        card = api.message(chat, (await card_in(api, chat, code))["message_id"])
        assert f"dk:s:{code}:ack" not in buttons(card), chat
        assert "Wati" in card["text"]
    assert api.message(DESK, central["message_id"])["text"] == cards_in(api, JATIM, code)[0]["text"]
    seen = user_text(
        bot,
        "id",
        "✅ The coordination desk has seen your report <code>{code}</code> and will look into it.",
        code=code,
    )
    assert notifications(bot, seen) == 1
    assert len(api.messages_to(REPORTER)) == before + 1


async def test_an_outcome_on_the_regional_card_reaches_the_central_card_and_the_reporter_once(
    bot: Bot,
) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, PLAIN)
    await card_in(api, JATIM, code)
    await settle(bot)
    await press_in(bot, JATIM, code, f"dk:o:{code}:prevented:3", JATIM_STAFF)
    await settle(bot)
    report = bot.services.reports.by_code(code)
    assert report.status is Status.CLOSED and report.outcome_people == 3
    people = bot.services.i18n.translator("id").plural("{n} person", "{n} people", 3)
    for chat in (DESK, JATIM):
        assert people in (await card_in(api, chat, code))["text"], chat
    assert notifications(bot, "Berkat laporanmu, 3 orang batal berangkat secara ilegal.") == 1


async def test_a_reply_and_a_note_on_the_regional_card_reach_the_central_desk(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, PLAIN)
    central, regional = await both_cards(bot, code)
    question = "Kapan kapalnya berangkat?"
    await api.send_text(JATIM_STAFF, question, chat_id=JATIM, reply_to=regional["message_id"])
    await api.wait_until(lambda: notifications(bot, question), timeout=5)
    await api.wait_until(lambda: any(question in t for t in texts(api, DESK)), timeout=5)
    await settle(bot)
    assert notifications(bot, question) == 1  # the reporter hears it once
    mirrored = [m for m in api.messages_to(DESK) if question in (m.get("text") or "")]
    assert len(mirrored) == 1 and "Desk Jawa Timur" in mirrored[0]["text"]
    assert mirrored[0]["reply_to_message"]["message_id"] == central["message_id"]

    note = "#cek dulu ke Polres Surabaya"
    await api.send_text(JATIM_STAFF, note, chat_id=JATIM, reply_to=regional["message_id"])
    await api.wait_until(lambda: any(note in t for t in texts(api, DESK)), timeout=5)
    await settle(bot)
    assert any(note in t for t in texts(api, DESK))
    assert notifications(bot, note) == 0  # a note never reaches the reporter

    # the reporter answers: the answer appears under both cards
    asked = next(m for m in api.messages_to(REPORTER) if question in (m.get("text") or ""))
    await api.send_text(REPORTER, "Besok pagi jam 5", reply_to=asked["message_id"])
    for chat in (DESK, JATIM):
        await api.wait_until(lambda c=chat: any("Besok" in t for t in texts(api, c)), timeout=5)
    await settle(bot)
    for chat in (DESK, JATIM):
        assert sum("Besok pagi jam 5" in t for t in texts(api, chat)) == 1, chat

    # the central desk answers the same case: the reporter hears it once, the region sees it
    answer = "Terima kasih, tim sudah menuju pelabuhan."
    await api.send_text(STAFF, answer, chat_id=DESK, reply_to=central["message_id"])
    await api.wait_until(lambda: any(answer in t for t in texts(api, JATIM)), timeout=5)
    await settle(bot)
    assert notifications(bot, answer) == 1
    assert sum(answer in t for t in texts(api, JATIM)) == 1


# -- who may act on what -------------------------------------------------------------------
async def test_a_desk_cannot_act_on_another_desks_case(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, PLAIN)  # East Java's
    regional = await card_in(api, JATIM, code)
    await settle(bot)
    # NTB's member forges a press in NTB's chat on East Java's case
    ntb_card = await card_in(api, NTB, await submit_report(api, REPORTER, LOMBOK))
    await settle(bot)
    query = await api.press(
        NTB_STAFF, ntb_card["message_id"], f"dk:s:{code}:ack", chat_id=NTB, force=True
    )
    answer = await api.wait_until(lambda: api.callback_answer(query), timeout=5)
    assert answer["text"] == not_yours(bot, code, "Desk Jawa Timur")
    assert status_of(bot, code) is Status.NEW
    # East Java's staff cannot act on NTB's case through their own chat either
    ntb_code = bot.services.reports.get(
        bot.services.reporters.desk_message(NTB, ntb_card["message_id"])[0]
    ).code
    query = await api.press(
        JATIM_STAFF, regional["message_id"], f"dk:s:{ntb_code}:ack", chat_id=JATIM, force=True
    )
    answer = await api.wait_until(lambda: api.callback_answer(query), timeout=5)
    assert answer["text"] == not_yours(bot, ntb_code, "Desk NTB")
    assert status_of(bot, ntb_code) is Status.NEW
    assert not [m for m in api.messages_to(JATIM) if ntb_code in (m.get("text") or "")]


async def test_the_central_desk_acts_on_every_case(bot: Bot) -> None:
    api = bot.api
    east = await submit_report(api, REPORTER, PLAIN)
    lombok = await submit_report(api, REPORTER, LOMBOK)
    await settle(bot)
    for code in (east, lombok):
        await press_in(bot, DESK, code, f"dk:s:{code}:progress", STAFF)
    await settle(bot)
    assert status_of(bot, east) is Status.IN_PROGRESS
    assert status_of(bot, lombok) is Status.IN_PROGRESS
    assert f"dk:s:{lombok}:progress" not in buttons(await card_in(api, NTB, lombok))


async def test_a_desks_own_member_list_decides_who_acts_there(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, LOMBOK)
    card = await card_in(api, NTB, code)
    await settle(bot)
    answer = await press_in(bot, NTB, code, f"dk:s:{code}:ack", NTB_VISITOR)
    assert answer["text"] == desk_says(
        bot,
        "Sorry, only the desk members on duty can change a case or reply to a reporter. "
        "You can still read everything here.",
    )
    await api.send_text(NTB_VISITOR, "Halo pelapor", chat_id=NTB, reply_to=card["message_id"])
    refusal = desk_says(
        bot,
        "Sorry, only the desk members on duty can change a case or reply to a reporter. "
        "You can still read everything here.",
    )
    await api.wait_until(lambda: texts(api, NTB).count(refusal) == 1, timeout=5)
    await settle(bot)
    assert notifications(bot, "Halo pelapor") == 0
    assert status_of(bot, code) is Status.NEW
    await press_in(bot, NTB, code, f"dk:s:{code}:ack", NTB_STAFF)
    await settle(bot)
    assert status_of(bot, code) is Status.ACKNOWLEDGED


async def test_cases_lists_a_regional_desks_own_cases(bot: Bot) -> None:
    api = bot.api
    east = await submit_report(api, REPORTER, PLAIN)
    lombok = await submit_report(api, REPORTER, LOMBOK)
    await settle(bot)
    await api.send_text(JATIM_STAFF, "/cases", chat_id=JATIM)
    listing = await api.wait_until(lambda: [t for t in texts(api, JATIM) if t.startswith("📋")])
    assert east in listing[0] and lombok not in listing[0]
    await api.send_text(STAFF, "/cases", chat_id=DESK)
    listing = await api.wait_until(lambda: [t for t in texts(api, DESK) if t.startswith("📋")])
    assert east in listing[0] and lombok in listing[0]


# -- reminders -----------------------------------------------------------------------------
def reminders(api: FakeBotAPI, chat: int) -> list[dict[str, Any]]:
    return [m for m in api.messages_to(chat) if (m.get("text") or "").startswith("⏰")]


async def test_reminders_go_to_the_owning_desk_then_escalate_to_the_central_desk(
    bot: Bot,
) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, Answers(category="departure", when=None, note=None))
    regional = await card_in(api, JATIM, code)
    await settle(bot)
    bot.services.report_outbox.clock.advance(minutes=16)
    worker(bot).wake()
    first = await api.wait_until(lambda: reminders(api, JATIM), timeout=5)
    await settle(bot)
    assert first[0]["reply_to_message"]["message_id"] == regional["message_id"]
    assert not reminders(api, DESK) and not reminders(api, NTB)

    bot.services.report_outbox.clock.advance(minutes=15)
    worker(bot).wake()
    await api.wait_until(lambda: len(reminders(api, JATIM)) == 2, timeout=5)
    escalated = await api.wait_until(lambda: reminders(api, DESK), timeout=5)
    assert code in escalated[0]["text"]
    assert not reminders(api, NTB)


async def test_reminders_of_a_central_case_go_to_the_central_desk(bot: Bot) -> None:
    api = bot.api
    jakarta = dataclasses.replace(JAKARTA, category="departure", when=None)
    code = await submit_report(api, REPORTER, jakarta)
    await card_in(api, DESK, code)
    await settle(bot)
    bot.services.report_outbox.clock.advance(minutes=16)
    worker(bot).wake()
    await api.wait_until(lambda: reminders(api, DESK), timeout=5)
    await asyncio.sleep(0.1)
    assert not reminders(api, JATIM) and not reminders(api, NTB)


# -- statistics and exports by desk --------------------------------------------------------
async def test_stats_and_the_export_button_in_a_regional_desk_cover_its_cases(bot: Bot) -> None:
    api = bot.api
    await submit_report(api, REPORTER, PLAIN)
    await submit_report(api, REPORTER, PLAIN)
    lombok = await submit_report(api, REPORTER, LOMBOK)
    await settle(bot)
    assert len(snapshot(bot.services, desk="jatim").open_by_age) >= 1
    assert sum(n for _a, n in snapshot(bot.services, desk="jatim").open_by_age) == 2
    assert sum(n for _a, n in snapshot(bot.services).open_by_age) == 3

    await api.send_text(ADMIN, "/export", chat_id=JATIM)
    offer = await api.wait_until(
        lambda: [m for m in api.messages_to(JATIM) if "xp:csv" in buttons(m)], timeout=5
    )
    await api.press(ADMIN, offer[0]["message_id"], "xp:csv", chat_id=JATIM)
    await api.wait_until(lambda: [m for m in api.messages_to(JATIM) if m.get("document")])
    sent = [m for m in api.messages_to(JATIM) if m.get("document")][-1]
    assert sent["document"]["file_name"].startswith("cases-jatim-")
    document = api.state.files[sent["document"]["file_id"]].data
    rows = list(csv.DictReader(io.StringIO(document.decode("utf-8-sig"))))
    assert len(rows) == 2 and {r["desk"] for r in rows} == {"jatim"}
    assert lombok not in document.decode("utf-8-sig")


async def test_export_cases_takes_a_desk_key_or_name(
    bot: Bot, regional: Settings, database: Path | str, monkeypatch, tmp_path: Path, capsys
) -> None:
    api = bot.api
    east = await submit_report(api, REPORTER, PLAIN)
    lombok = await submit_report(api, REPORTER, LOMBOK)
    await settle(bot)
    monkeypatch.setenv("CONTENT_DIR", str(regional.content_dir))
    monkeypatch.setenv("DESKS_FILE", str(regional.desks_file))
    monkeypatch.setenv("DESK_CHAT_ID", str(DESK))
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    monkeypatch.setenv("DATABASE_URL", url)
    since = bot.services.report_outbox.clock.now().date().isoformat()
    for desk, present, absent in (("ntb", lombok, east), ("Desk Jawa Timur", east, lombok)):
        out = tmp_path / f"{desk}.csv"
        assert (
            main(["export", "cases", "--since", since, "--desk", desk, "--output", str(out)]) == 0
        )
        text = out.read_text(encoding="utf-8-sig")
        assert present in text and absent not in text
    out = tmp_path / "all.csv"
    assert main(["export", "cases", "--since", since, "--desk", "pusat", "--output", str(out)]) == 0
    assert east in out.read_text(encoding="utf-8-sig") and lombok in out.read_text("utf-8-sig")
    capsys.readouterr()
    assert main(["export", "cases", "--since", since, "--desk", "papua"]) == 2
    assert "No desk called 'papua'" in capsys.readouterr().err


# -- the routing file ----------------------------------------------------------------------
BAD_ROUTING = f"""
desks:
  - key: jatim
    name: Desk Jawa Timur
    chat_id: {JATIM}
    provinces: [jawa-timur, atlantis]
  - key: jatim
    name: Desk Bali
    chat_id: {JATIM}
    provinces: [jawa-timur]
"""


# -- a regional group the bot cannot reach ---------------------------------------------------
async def test_an_unreachable_regional_group_is_named_in_the_admins_alert(bot: Bot) -> None:
    api = bot.api
    kicked = "Forbidden: bot was kicked from the supergroup chat"
    api.fail("sendMessage", 403, kicked, count=None, chat_id=JATIM)
    code = await submit_report(api, REPORTER, PLAIN)
    await card_in(api, DESK, code)
    await api.wait_until(lambda: api.messages_to(ADMIN), timeout=10)
    alert = api.messages_to(ADMIN)[0]["text"]
    assert "Desk Jawa Timur" in alert and str(JATIM) in alert
    assert "DESK_CHAT_ID" not in alert  # the central desk is fine: do not send people there
    api.clear_faults()
    await card_in(api, JATIM, code)


async def test_a_regional_group_upgraded_to_a_supergroup_is_named_in_the_admins_note(
    bot: Bot,
) -> None:
    api = bot.api
    first = await submit_report(api, REPORTER, PLAIN)
    await card_in(api, JATIM, first)
    moved = -1003000000009
    api.migrate_group(JATIM_STAFF, JATIM, moved)
    second = await submit_report(api, REPORTER, PLAIN)
    await card_in(api, moved, second)
    await api.wait_until(lambda: api.messages_to(ADMIN), timeout=10)
    note = api.messages_to(ADMIN)[0]["text"]
    assert "Desk Jawa Timur" in note and str(moved) in note
    assert "DESK_CHAT_ID" not in note


# -- a central desk the bot cannot reach: the regional desk must not wait for it --------------
KICKED = "Forbidden: bot was kicked from the supergroup chat"


def photos_under(api: FakeBotAPI, chat: int, card: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        m
        for m in api.messages_to(chat)
        if m.get("photo")
        and (m.get("reply_to_message") or {}).get("message_id") == card["message_id"]
    ]


def originals(bot: Bot, code: str) -> list[int]:
    """Where the case's files still are in the reporter's chat (forgotten once copied)."""
    report = bot.services.reports.by_code(code)
    evidence = bot.services.reports.evidence(report.id)
    return [e.source_message_id for e in evidence if e.kind != "note" and e.source_message_id]


async def test_a_kicked_central_desk_holds_back_nothing_of_the_regional_desk(bot: Bot) -> None:
    api = bot.api
    api.fail("*", 403, KICKED, count=None, chat_id=DESK)  # every call to the central group
    code = await submit_report(api, REPORTER, EAST_JAVA)
    regional = await card_in(api, JATIM, code)  # within the usual five seconds
    await api.wait_until(lambda: photos_under(api, JATIM, regional), timeout=5)
    assert not cards_in(api, DESK, code)
    assert originals(bot, code)  # the central desk still needs them

    # the regional desk acts: its card and the reporter hear it, the central card waits
    await press_in(bot, JATIM, code, f"dk:s:{code}:ack", JATIM_STAFF)
    seen = user_text(
        bot,
        "id",
        "✅ The coordination desk has seen your report <code>{code}</code> and will look into it.",
        code=code,
    )
    await api.wait_until(lambda: notifications(bot, seen) == 1, timeout=5)
    card = await api.wait_until(
        lambda: "Wati" in api.message(JATIM, regional["message_id"])["text"], timeout=5
    )
    assert card
    # one alert, about the central desk; the regional desk working is not "fixed"
    await api.wait_until(lambda: api.messages_to(ADMIN), timeout=5)
    await asyncio.sleep(0.5)
    alerts = texts(api, ADMIN)
    assert len(alerts) == 1 and "DESK_CHAT_ID" in alerts[0], alerts

    api.clear_faults()  # the bot is added back: the central desk gets it all, once
    central = await card_in(api, DESK, code)
    await settle(bot)
    assert "Wati" in api.message(DESK, central["message_id"])["text"]
    assert len(photos_under(api, DESK, central)) == 1
    assert len(photos_under(api, JATIM, regional)) == 1
    assert len(cards_in(api, DESK, code)) == len(cards_in(api, JATIM, code)) == 1
    copies = [c for c in api.calls if c.method == "copyMessage" and c.ok]
    assert {c.params["from_chat_id"] for c in copies} == {REPORTER}
    assert originals(bot, code) == []  # both desks have their copies: forgotten
    assert len(texts(api, ADMIN)) == 2  # and the admins hear it works again


async def test_a_long_flood_wait_in_the_central_group_holds_back_nothing_regional(
    bot: Bot,
) -> None:
    api = bot.api
    api.fail("*", 429, count=None, chat_id=DESK, retry_after=3600)
    code = await submit_report(api, REPORTER, EAST_JAVA)
    regional = await card_in(api, JATIM, code)
    await api.wait_until(lambda: photos_under(api, JATIM, regional), timeout=5)
    assert not cards_in(api, DESK, code)
    # the reporter's answers still reach the regional desk under its card
    asked = await api.wait_until(
        lambda: [m for m in api.messages_to(REPORTER) if code in (m.get("text") or "")]
    )
    await api.send_text(REPORTER, "Kapalnya dari Tanjung Perak", reply_to=asked[-1]["message_id"])
    answer = await api.wait_until(
        lambda: [m for m in api.messages_to(JATIM) if "Tanjung Perak" in (m.get("text") or "")],
        timeout=5,
    )
    assert answer[0]["reply_to_message"]["message_id"] == regional["message_id"]


async def test_a_restart_while_the_central_desk_is_unreachable_delivers_each_card_once(
    regional: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    api.fail("*", 403, KICKED, count=None, chat_id=DESK)
    async with bot_on(regional, database, api) as bot:
        code = await submit_report(api, REPORTER, EAST_JAVA)
        card = await card_in(api, JATIM, code)
        await api.wait_until(lambda: photos_under(api, JATIM, card), timeout=5)
    api.clear_faults()
    async with bot_on(regional, database, api) as bot:
        central = await card_in(api, DESK, code)
        await settle(bot)
        assert len(cards_in(api, DESK, code)) == len(cards_in(api, JATIM, code)) == 1
        assert len(photos_under(api, DESK, central)) == 1
        assert len(photos_under(api, JATIM, card)) == 1
        assert originals(bot, code) == []


def test_content_check_names_each_mistake_in_the_routing_file(
    tmp_path: Path, monkeypatch, capsys, settings: Settings
) -> None:
    path = tmp_path / "desks.yaml"
    path.write_text(BAD_ROUTING, encoding="utf-8")
    monkeypatch.setenv("CONTENT_DIR", str(settings.content_dir))
    monkeypatch.setenv("DESKS_FILE", str(path))
    assert main(["content", "check"]) == 1
    out = capsys.readouterr().out
    assert "unknown province 'atlantis'" in out
    assert "province 'jawa-timur' is on two desks" not in out  # same key twice: one desk
    assert "key 'jatim' is used by two desks" in out
    assert f"chat_id '{JATIM}' is used by two desks" in out
    assert "regional desks need a central desk" in out
    with pytest.raises(ConfigError, match="DESKS_FILE"):
        build_desks(dataclasses.replace(settings, desks_file=path))


def test_content_check_flags_a_province_on_two_desks(
    tmp_path: Path, monkeypatch, capsys, settings: Settings
) -> None:
    path = tmp_path / "desks.yaml"
    path.write_text(
        ROUTING.replace("[nusa-tenggara-barat]", "[nusa-tenggara-barat, bali]"), encoding="utf-8"
    )
    monkeypatch.setenv("CONTENT_DIR", str(settings.content_dir))
    monkeypatch.setenv("DESKS_FILE", str(path))
    monkeypatch.setenv("DESK_CHAT_ID", str(JATIM))
    assert main(["content", "check"]) == 1
    out = capsys.readouterr().out
    assert "province 'bali' is on two desks: 'jatim' and 'ntb'" in out
    assert f"chat_id {JATIM} is DESK_CHAT_ID" in out


def test_the_shipped_routing_file_is_the_single_desk(settings: Settings) -> None:
    desks = build_desks(settings)
    assert desks.regional == () and desks.central.central
    assert desks.desks_of(None) == (desks.central,)
