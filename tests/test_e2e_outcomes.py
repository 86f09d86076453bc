# ruff: noqa: F811 - the e2e fixtures are imported from test_e2e_reports and used by name
"""End to end: closing a case with its outcome, and how many people did not leave.

The desk's headline number is how many people a report kept from leaving illegally: it is
asked when a case is closed as "departure prevented", shown on the card, counted by /stats
and told to the reporter once, in plain words, unless the reporter asked to be forgotten.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.reports.case_status import Status
from bot.telegram.handlers.stats import snapshot
from tests.conftest import Bot
from tests.test_e2e_reports import (  # noqa: F401 - fixtures are used by name
    DESK,
    ENGLISH_REPORTER,
    REPORTER,
    STAFF,
    Answers,
    api,
    bot,
    buttons,
    card_of,
    desk_press,
    say,
    settings,
    settle,
    status_of,
    submit_report,
    user_text,
)

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

PLAIN = Answers(photo_caption=None)
PREVENTED_ID = "Berkat laporanmu, 3 orang batal berangkat secara ilegal."


def card_text(bot: Bot, message_id: int) -> str:
    return bot.api.message(DESK, message_id)["text"]


async def open_count_buttons(bot: Bot, code: str) -> dict[str, Any]:
    """Close… → Departure prevented: the card now asks how many people."""
    card = await card_of(bot.api, code)
    await desk_press(bot, code, f"dk:c:{code}")
    await bot.api.wait_until(
        lambda: f"dk:o:{code}:prevented" in buttons(bot.api.message(DESK, card["message_id"]))
    )
    await desk_press(bot, code, f"dk:o:{code}:prevented")
    await bot.api.wait_until(
        lambda: f"dk:o:{code}:prevented:3" in buttons(bot.api.message(DESK, card["message_id"]))
    )
    return card


def people_on_card(bot: Bot, n: int) -> str:
    return bot.services.i18n.translator("id").plural("{n} person", "{n} people", n)


def texts_to(bot: Bot, chat: int) -> list[str]:
    return [m.get("text", "") for m in bot.api.messages_to(chat)]


async def test_prevented_with_three_people_shows_counts_and_thanks_once(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, PLAIN)
    card = await open_count_buttons(bot, code)
    markup = buttons(api.message(DESK, card["message_id"]))
    assert [f"dk:o:{code}:prevented:{n}" for n in range(1, 6)] == markup[:5]
    assert f"dk:n:{code}" in markup

    answer = await desk_press(bot, code, f"dk:o:{code}:prevented:3")
    assert people_on_card(bot, 3) in answer["text"]
    await api.wait_until(lambda: people_on_card(bot, 3) in card_text(bot, card["message_id"]))
    await api.wait_until(lambda: any(PREVENTED_ID in t for t in texts_to(bot, REPORTER)))
    await settle(bot)
    assert sum(PREVENTED_ID in t for t in texts_to(bot, REPORTER)) == 1
    report = bot.services.reports.by_code(code)
    assert report.status is Status.CLOSED and report.outcome_people == 3
    assert snapshot(bot.services).people_prevented == 3


async def test_status_shows_how_many_people_a_closed_report_kept_home(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, PLAIN)
    await open_count_buttons(bot, code)
    await desk_press(bot, code, f"dk:o:{code}:prevented:3")
    await api.wait_until(lambda: any(PREVENTED_ID in t for t in texts_to(bot, REPORTER)))
    count = "3 orang batal berangkat secara ilegal"
    api.skip_pending(REPORTER)  # the closing message says it too
    await api.send_text(REPORTER, "/status")
    assert count in (await api.next_message(REPORTER, timeout=5))["text"]
    api.skip_pending(REPORTER)
    await api.send_text(REPORTER, f"/status {code}")
    assert count in (await api.next_message(REPORTER, timeout=5))["text"]


async def test_an_english_reporter_reads_the_number_in_english(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, ENGLISH_REPORTER, PLAIN)
    await open_count_buttons(bot, code)
    await desk_press(bot, code, f"dk:o:{code}:prevented:1")
    sentence = "Thanks to your report, 1 person did not leave illegally."
    await api.wait_until(lambda: any(sentence in t for t in texts_to(bot, ENGLISH_REPORTER)))


async def test_more_than_five_is_typed_as_a_reply_and_checked_kindly(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, PLAIN)
    card = await open_count_buttons(bot, code)
    await settle(bot)
    before = len(api.messages_to(REPORTER))
    await desk_press(bot, code, f"dk:n:{code}")
    question = await api.wait_until(
        lambda: [
            c.message
            for c in api.calls
            if c.method == "sendMessage" and (c.params.get("reply_markup") or {}).get("force_reply")
        ]
    )
    asked = question[-1]
    assert code in asked["text"]
    desk = bot.services.i18n.translator("id")
    kindly = desk("Please reply with a whole number from 1 to {max}, for example 7.", max=500)
    for typed in ("banyak", "0", "501", "-3", "12 orang"):
        await api.send_text(STAFF, typed, chat_id=DESK, reply_to=asked["message_id"])
        await api.wait_until(
            lambda n=typed: (
                len([t for t in texts_to(bot, DESK) if t == kindly])
                >= ("banyak", "0", "501", "-3", "12 orang").index(n) + 1
            )
        )
    assert status_of(bot, code) is Status.NEW

    await api.send_text(STAFF, " 12 ", chat_id=DESK, reply_to=asked["message_id"])
    await api.wait_until(lambda: people_on_card(bot, 12) in card_text(bot, card["message_id"]))
    sentence = "Berkat laporanmu, 12 orang batal berangkat secara ilegal."
    await api.wait_until(lambda: any(sentence in t for t in texts_to(bot, REPORTER)))
    await settle(bot)
    sent = api.messages_to(REPORTER)[before:]
    assert len(sent) == 1  # the typed attempts never reached the reporter
    assert snapshot(bot.services).people_prevented == 12

    # A second answer to the same question finds the case closed already.
    await api.send_text(STAFF, "20", chat_id=DESK, reply_to=asked["message_id"])
    moved = desk("The case has moved on: the card shows its current status.")
    await api.wait_until(lambda: moved in texts_to(bot, DESK))
    assert bot.services.reports.by_code(code).outcome_people == 12


async def test_every_other_outcome_closes_in_plain_words_without_a_count(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, PLAIN)
    card = await open_count_buttons(bot, code)
    await desk_press(bot, code, f"dk:o:{code}:prevented:4")
    await api.wait_until(lambda: people_on_card(bot, 4) in card_text(bot, card["message_id"]))
    words = {
        "police": "The desk passed it to the police.",
        "action": "Action was taken against the recruiter or agency.",
        "helped": "The person was helped or brought home.",
        "unconfirmed": "The desk could not confirm what you reported.",
        "duplicate": "Someone else reported the same thing, and the desk handled both together.",
    }
    for outcome, said in words.items():
        await desk_press(bot, code, f"dk:s:{code}:progress")  # reopen: the count goes
        await api.wait_until(lambda: status_of(bot, code) is Status.IN_PROGRESS)
        assert bot.services.reports.by_code(code).outcome_people is None
        await desk_press(bot, code, f"dk:o:{code}:{outcome}")
        expected = user_text(bot, "id", said)
        await api.wait_until(lambda e=expected: any(e in t for t in texts_to(bot, REPORTER)))
        report = bot.services.reports.by_code(code)
        assert report.outcome.value == outcome and report.outcome_people is None
    await settle(bot)
    assert people_on_card(bot, 4) not in card_text(bot, card["message_id"])
    assert snapshot(bot.services).people_prevented == 0


async def test_forged_and_out_of_range_counts_change_nothing(bot: Bot) -> None:
    code = await submit_report(bot.api, REPORTER, PLAIN)
    for data in (
        f"dk:o:{code}:prevented:0",
        f"dk:o:{code}:prevented:-1",
        f"dk:o:{code}:prevented:501",
        f"dk:o:{code}:prevented:abc",
        f"dk:o:{code}:prevented:３",
        f"dk:o:{code}:prevented:3:9",
        f"dk:o:{code}:police:3",
        f"dk:o:{code}:referred",  # no longer offered
        f"dk:o:{code}:noinfo",
        f"dk:n:{code}:x",
    ):
        answer = await desk_press(bot, code, data)
        assert answer.get("text"), data
    assert status_of(bot, code) is Status.NEW
    assert not bot.services.reports.history(bot.services.reports.by_code(code).id)


async def test_a_reporter_who_deleted_their_data_is_not_told(bot: Bot) -> None:
    api = bot.api
    code = await submit_report(api, REPORTER, PLAIN)
    await card_of(api, code)
    await settle(bot)
    question = await say(api, REPORTER, "/hapusdata")
    await api.press(REPORTER, question["message_id"], "del:yes")
    await api.wait_for("editMessageText", chat_id=REPORTER)
    await settle(bot)
    before = len(api.messages_to(REPORTER))

    card = await open_count_buttons(bot, code)
    await desk_press(bot, code, f"dk:o:{code}:prevented:3")
    await api.wait_until(lambda: people_on_card(bot, 3) in card_text(bot, card["message_id"]))
    await settle(bot)
    assert len(api.messages_to(REPORTER)) == before
    assert snapshot(bot.services).people_prevented == 3
