"""End to end: the real Application long-polls the Bot API emulator over HTTP.

Users are played through the emulator; assertions are on what the bot sent, exactly as a
Telegram client would see it.
"""

from __future__ import annotations

import dataclasses

import pytest

from bot.core.faq.match import Kind
from tests.conftest import Bot

USER = 4242


def _text(message: dict) -> str:
    return message.get("text") or message.get("caption") or ""


async def test_start_language_question_answer_feedback(bot: Bot) -> None:
    api = bot.api
    api.private_chat(USER, first_name="Siti", language_code="id")
    await api.send_text(
        USER, "/start"
    )  # who we are, four buttons, language (tests/test_e2e_onboarding.py)
    intro = await api.next_message(USER)
    assert "bukan agen" in _text(intro)  # Indonesian first, from language_code
    await api.next_message(USER)
    choose = await api.next_message(USER)
    assert ("English", "lang:en") in bot.buttons(choose)

    await api.press(USER, choose["message_id"], "lang:en")
    assert "type your question" in _text(await api.next_message(USER))  # now English
    assert _text(api.message(USER, choose["message_id"])) == "Language set to English."
    assert bot.services.users.language(USER) == "en"

    await api.send_text(USER, "how can I check that an agency is licensed?")
    answer = await api.next_message(USER)
    entry = bot.services.content.entries["verify-agency"]
    assert entry.title["en"] in _text(answer)
    labels = bot.buttons(answer)
    assert ("👍 Helpful", "fb:+:verify-agency") in labels

    query_id = await api.press(USER, answer["message_id"], "fb:+:verify-agency")
    await api.wait_for("answerCallbackQuery")
    assert api.callback_answer(query_id)["text"] == "Thank you for your feedback!"
    assert bot.services.feedback.summary() == [("verify-agency", 1, 0)]


async def test_informal_indonesian_question_is_answered(bot: Bot) -> None:
    bot.api.private_chat(USER, language_code="id")
    await bot.api.send_text(USER, "paspor sy ditahan sm agen gmn dong")
    answer = await bot.api.next_message(USER)
    assert bot.services.content.entries["passport-held"].title["id"] in _text(answer)


async def test_a_close_runner_up_is_offered_first_beside_the_answer(bot: Bot) -> None:
    """A country's wages are answered by the country's entry or by the wages entry, and the
    other scores close behind: it comes first among the related topics, before the editors'
    ones. A far runner-up (fishing crew, for a held passport) is not offered. The question is
    the first of a few whose runner-up is close under the shipped calibration (its weights
    move the shares a little at each recalibration)."""
    content = bot.services.content
    candidates = [
        "berapa gaji pembantu di hong kong sekarang",
        "gaji minimum malaysia brp ringgit",
        "gaji pembantu di hongkong berapa",
    ]
    decisions = ((q, bot.services.matcher.decide(q)) for q in candidates)
    found = next(((q, d) for q, d in decisions if d.see_also), None)
    assert found is not None, "no candidate question has a close runner-up any more"
    question, decision = found
    bot.api.private_chat(USER, language_code="id")
    await bot.api.send_text(USER, question)
    answer = await bot.api.next_message(USER)
    entry = content.entries[decision.entry_id]
    assert entry.title["id"] in _text(answer)
    related = [(t, d) for t, d in bot.buttons(answer) if t.startswith("➡️")]
    runner_up = content.entries[decision.see_also]
    assert related[0] == (f"➡️ {runner_up.title['id']}", f"faq:{runner_up.id}")
    editors = [r for r in entry.related if r != runner_up.id]
    assert [d for _, d in related[1:]] == [f"faq:{r}" for r in editors]

    await bot.api.send_text(USER, "paspor sy ditahan sm agen gmn dong")
    answer = await bot.api.next_message(USER)
    related = [d for t, d in bot.buttons(answer) if t.startswith("➡️")]
    assert related == [f"faq:{r}" for r in content.entries["passport-held"].related]


async def test_did_you_mean_button_opens_the_answer(bot: Bot) -> None:
    candidates = [  # at most 3 words: too short to count as Indonesian, the reply stays English
        "biaya paspor kontrak",
        "visa dan paspor",
        "pmi resmi",
        "paspor kontrak",
        "gaji kontrak kerja",
    ]
    question = next(
        (q for q in candidates if bot.services.matcher.decide(q).kind is Kind.SUGGEST), None
    )
    assert question is not None, "no candidate question leads to suggestions any more"
    bot.api.private_chat(USER, language_code="en")
    await bot.api.send_text(USER, question)
    reply = await bot.api.next_message(USER)
    assert "Did you mean" in _text(reply)
    options = [data for _, data in bot.buttons(reply) if data.startswith("faq:")]
    assert 1 <= len(options) <= 3
    assert ("None of these", "none") in bot.buttons(reply)

    await bot.api.press(USER, reply["message_id"], options[0])
    answer = await bot.api.next_message(USER)
    entry = bot.services.content.entries[options[0].removeprefix("faq:")]
    assert entry.title["en"] in _text(answer)
    unanswered = bot.services.unanswered.recent()
    assert unanswered[0]["question"] == question
    assert unanswered[0]["decision"] == "suggest"


async def test_out_of_scope_gets_honest_fallback_with_contacts(bot: Bot) -> None:
    bot.api.private_chat(USER, language_code="id")
    await bot.api.send_text(USER, "resep rendang padang yang enak gimana")
    reply = await bot.api.next_message(USER)
    text = _text(reply)
    assert "tidak mau menebak" in text
    assert "0-800-1000" in text
    assert ("📚 Lihat topik", "menu") in bot.buttons(reply)
    assert bot.services.unanswered.recent()[0]["decision"] == "fallback"


async def test_user_html_is_escaped(bot: Bot) -> None:
    bot.api.private_chat(USER, language_code="en")
    await bot.api.send_text(USER, "<b>&< zzqx")
    reply = await bot.api.next_message(USER)
    # The emulator rejects unescaped HTML like Telegram does, so arriving at all proves
    # escaping; the user's text is shown literally.
    assert "<b>&< zzqx" in _text(reply)
    failed = [c for c in bot.api.calls if c.method == "sendMessage" and not c.ok]
    assert failed == []


async def test_non_text_messages_get_a_kind_explanation(bot: Bot) -> None:
    bot.api.private_chat(USER, language_code="id")
    await bot.api.send_sticker(USER)
    assert "hanya mengerti tulisan" in _text(await bot.api.next_message(USER))
    await bot.api.send_voice(USER)
    assert "pesan suara" in _text(await bot.api.next_message(USER))
    await bot.api.send_text(USER, "😭😭😭")  # an emoji that says nothing certain
    assert "hanya bisa membaca pertanyaan berupa tulisan" in _text(await bot.api.next_message(USER))
    await bot.api.send_text(USER, "🙏🙏🙏")  # thanks, as people say it with their thumbs
    assert _text(await bot.api.next_message(USER)).startswith("Sama-sama!")


async def test_very_long_message_is_answered(bot: Bot) -> None:
    bot.api.private_chat(USER, language_code="id")
    # Out of scope, so the fallback quotes it ("tolong" × 580 now gets "did you mean: help
    # abroad" from the learned model, a fair reading of "help!").
    question = "resep rendang " * 300 + "<i>"
    await bot.api.send_text(USER, question)
    reply = await bot.api.next_message(USER)
    assert "resep rendang resep" in reply["text"]  # quoted, shortened, escaped
    assert len(reply["text"]) < len(question)
    assert all(c.ok for c in bot.api.calls if c.method == "sendMessage")


async def test_menu_category_topic(bot: Bot) -> None:
    bot.api.private_chat(USER, language_code="id")
    await bot.api.send_text(USER, "/menu")
    menu = await bot.api.next_message(USER)
    await bot.api.press(USER, menu["message_id"], "cat:negara-tujuan")
    category = await bot.api.next_message(USER)
    assert ("Taiwan", "faq:country-taiwan") in [
        (label.split()[-1], data) for label, data in bot.buttons(category)
    ] or any(data == "faq:country-taiwan" for _, data in bot.buttons(category))
    await bot.api.press(USER, category["message_id"], "faq:country-taiwan")
    answer = await bot.api.next_message(USER)
    assert bot.services.content.entries["country-taiwan"].title["id"] in _text(answer)


async def test_emergency_contacts_warn_about_fake_numbers(bot: Bot) -> None:
    bot.api.private_chat(USER, language_code="en")
    await bot.api.send_text(USER, "/emergency")
    text = _text(await bot.api.next_message(USER))
    assert "0-800-1000" in text
    assert ".go.id" in text


async def test_stale_or_forged_buttons_are_ignored_kindly(bot: Bot) -> None:
    bot.api.private_chat(USER, language_code="en")
    await bot.api.send_text(USER, "/menu")
    menu = await bot.api.next_message(USER)
    for forged in ("faq:no-such-topic", "cat:nope", "fb:?:x", "fb:+:no-such-topic", "zzz:1"):
        query = await bot.api.press(USER, menu["message_id"], forged, force=True)
        await bot.api.wait_until(lambda q=query: bot.api.callback_answer(q) is not None)
        assert "out of date" in bot.api.callback_answer(query)["text"]
    await bot.api.send_text(USER, "/help")
    help_text = _text(await bot.api.next_message(USER))
    for command in ("/menu", "/check", "/report", "/emergency", "/subscribe", "/deletemydata"):
        assert command in help_text


async def test_commands_registered_per_language(bot: Bot) -> None:
    await bot.api.wait_until(lambda: bot.api.commands(language_code="en"))
    names_id = {c["command"] for c in bot.api.commands(language_code="id")}
    names_en = {c["command"] for c in bot.api.commands(language_code="en")}
    assert {"darurat", "bahasa", "menu"} <= names_id
    assert {"emergency", "language", "menu"} <= names_en
    assert bot.api.commands() == bot.api.commands(language_code="id")


async def test_flood_gets_one_polite_slow_down(bot: Bot) -> None:
    limit = bot.services.settings.flood_limit_per_minute
    bot.api.private_chat(USER, language_code="en")
    for n in range(limit + 5):
        await bot.api.send_text(USER, f"visa {n}")
    await bot.api.wait_until(
        lambda: any("very quickly" in _text(m) for m in bot.api.messages_to(USER))
    )
    await bot.api.send_text(USER, "/help")  # still over the limit: dropped silently
    await bot.api.wait_quiet()  # count only once every message has been handled
    messages = bot.api.messages_to(USER)
    assert sum("very quickly" in _text(m) for m in messages) == 1
    assert "very quickly" in _text(messages[-1])  # nothing after the slow-down: all dropped
    assert len(messages) <= limit + 1


async def test_the_flood_limit_is_per_person_and_private_chats_only(bot: Bot) -> None:
    """Two people each under the limit are never slowed down, even if together they are
    over it; messages in a group (the desk) are never counted."""
    limit = bot.services.settings.flood_limit_per_minute
    other, group = USER + 1, -100555
    for user in (USER, other):
        bot.api.private_chat(user, language_code="en")
    bot.api.group_chat(group, "Desk", members=[USER])
    for n in range(limit - 2):
        await bot.api.send_text(USER, f"visa {n}")
        await bot.api.send_text(other, f"visa {n}")
    for n in range(limit + 2):
        await bot.api.send_text(USER, f"halo {n}", chat_id=group)
    await bot.api.wait_quiet()
    for chat in (USER, other, group):
        assert not [m for m in bot.api.messages_to(chat) if "very quickly" in _text(m)]


async def test_error_handler_tells_the_user(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(question: str) -> None:
        raise RuntimeError("matcher exploded")

    monkeypatch.setattr(bot.services.matcher, "decide", broken)
    bot.api.private_chat(USER, language_code="en")
    await bot.api.send_text(USER, "anything at all")
    assert "something went wrong" in _text(await bot.api.next_message(USER))


async def test_a_pasted_job_ad_is_checked_not_matched(bot: Bot) -> None:
    ad = (
        "LOWONGAN KERJA LUAR NEGERI!! Dibutuhkan CS / ADMIN ONLINE penempatan KAMBOJA. "
        "Gaji 15-20jt/bln + bonus, tiket pesawat dan mess ditanggung, tidak perlu pengalaman. "
        "Berangkat cepat, kuota terbatas. Minat hubungi WA 0812-0000-1234"
    )
    bot.api.private_chat(USER, language_code="en")
    await bot.api.send_text(USER, ad)
    reply = await bot.api.next_message(USER)
    assert "Danger signs found" in _text(reply)
    assert bot.services.unanswered.recent() == []  # not treated as a missed FAQ question


async def test_a_short_ad_with_danger_signs_and_a_number_is_checked(bot: Bot) -> None:
    """Issue 10: a short ad (passport kept, months of pay deducted, a phone number) got
    "did you mean" buttons instead of a check."""
    ad = (
        "Dicari TKW Hongkong, paspor dipegang agen sampai lunas, potong gaji 7 bulan. "
        "Hub 0812-3456-7890"
    )
    bot.api.private_chat(USER, language_code="en")
    await bot.api.send_text(USER, ad)
    assert "Danger signs found" in _text(await bot.api.next_message(USER))


async def test_a_short_question_naming_a_number_still_goes_to_the_faq(bot: Bot) -> None:
    question = "gaji sy dipotong 7 bulan sama agen, wajar gk min? no agen 081234567890"
    bot.api.private_chat(USER, language_code="id")
    await bot.api.send_text(USER, question)
    reply = _text(await bot.api.next_message(USER))
    assert "Tanda bahaya" not in reply and "Danger signs" not in reply


async def test_a_long_question_without_signs_still_goes_to_the_faq(bot: Bot) -> None:
    question = (
        "Selamat siang, saya ibu dari seorang anak perempuan yang baru lulus SMA tahun ini dan "
        "ingin sekali bekerja ke luar negeri. Mohon penjelasan apa saja syarat untuk menjadi "
        "pekerja migran Indonesia yang resmi, misalnya umur minimal dan kesehatan?"
    )
    bot.api.private_chat(USER, language_code="id")
    await bot.api.send_text(USER, question)
    reply = await bot.api.next_message(USER)
    assert "Danger signs" not in _text(reply) and "Tanda bahaya" not in _text(reply)


async def test_staff_get_a_longer_command_menu(base_settings, database) -> None:
    from bot.testing.fake_api import FakeBotAPI
    from bot.testing.harness import running_bot
    from tests.conftest import ADMIN_ID

    async with FakeBotAPI() as api:
        api.private_chat(ADMIN_ID, language_code="id")
        async with running_bot(base_settings, database, api=api):
            scope = {"type": "chat", "chat_id": ADMIN_ID}
            await api.wait_until(lambda: api.commands(scope=scope))
            names = [c["command"] for c in api.commands(scope=scope)]
            assert "siaran" in names and "broadcasts" in names and names[-1] == "bantuan"
            everyone = [c["command"] for c in api.commands()]
            assert "siaran" not in everyone


async def test_more_button_sends_details_and_sources(bot: Bot) -> None:
    bot.api.private_chat(USER, language_code="id")
    await bot.api.send_text(USER, "paspor sy ditahan sm agen gmn dong")
    answer = await bot.api.next_message(USER)
    entry = bot.services.content.entries["passport-held"]
    assert ("📖 Selengkapnya", "more:passport-held") in bot.buttons(answer)
    assert len(_text(answer)) <= 700  # the first screen stays short

    await bot.api.press(USER, answer["message_id"], "more:passport-held")
    details = await bot.api.next_message(USER)
    text = _text(details)
    assert entry.title["id"] in text and "Sumber" in text
    assert entry.sources[0].name in text
    links = [e["url"] for e in details.get("entities", []) if e["type"] == "text_link"]
    assert entry.sources[0].url in links


async def test_forged_more_button_is_answered_kindly(bot: Bot) -> None:
    bot.api.private_chat(USER, language_code="en")
    await bot.api.send_text(USER, "/menu")
    menu = await bot.api.next_message(USER)
    query = await bot.api.press(USER, menu["message_id"], "more:no-such-topic", force=True)
    await bot.api.wait_until(lambda: bot.api.callback_answer(query) is not None)
    assert "out of date" in bot.api.callback_answer(query)["text"]


async def test_report_answer_names_the_configured_desk_or_a_neutral_one(bot: Bot) -> None:
    """The answer about reporting must stay true on any deployment: it names the desk from
    the DESK_NAME setting, and says something neutral when none is set."""
    bot.api.private_chat(USER, language_code="en")
    await bot.api.send_text(USER, "/menu")
    menu = await bot.api.next_message(USER)
    await bot.api.press(USER, menu["message_id"], "faq:report-tipoff", force=True)
    neutral = _text(await bot.api.next_message(USER))
    assert "the team that receives reports sent through this bot" in neutral
    assert "{desk_name}" not in neutral

    bot.services.settings = dataclasses.replace(bot.services.settings, desk_name="Desk Uji")
    await bot.api.press(USER, menu["message_id"], "faq:report-tipoff", force=True)
    named = _text(await bot.api.next_message(USER))
    assert "Desk Uji" in named
