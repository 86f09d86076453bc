"""End to end: small talk, follow-ups and answer language through the Bot API emulator."""

from __future__ import annotations

from bot.telegram.keyboards import REPORT
from tests.conftest import Bot

USER = 5151


def _text(message: dict) -> str:
    return message.get("text") or message.get("caption") or ""


async def test_greetings_and_thanks_get_small_talk_not_a_fallback(bot: Bot) -> None:
    bot.api.private_chat(USER, language_code="id")
    for greeting in ("assalamualaikum", "p", "halo kak", "min"):
        await bot.api.send_text(USER, greeting)
        reply = _text(await bot.api.next_message(USER))
        assert "salam kenal" in reply, greeting
        assert "tidak mau menebak" not in reply
    await bot.api.send_text(USER, "makasih ya min")
    assert "Sama-sama" in _text(await bot.api.next_message(USER))
    assert bot.services.unanswered.recent() == []  # small talk is not an unanswered question


async def test_laughter_and_a_lone_dot_get_small_talk(bot: Bot) -> None:
    """ "wkwkwk" in any length and a laughing emoji get a light reply pointing to the menu; a
    lone "." or "??" calls for attention as "p" does and gets the greeting."""
    bot.api.private_chat(USER, language_code="id")
    for laugh in ("wkwkwkwkwk", "hahahaa", "🤣🤣🤣"):
        await bot.api.send_text(USER, laugh)
        reply = _text(await bot.api.next_message(USER))
        assert reply.startswith("😄") and "/menu" in reply, laugh
    for ping in (".", "??"):
        await bot.api.send_text(USER, ping)
        assert "salam kenal" in _text(await bot.api.next_message(USER)), ping
    assert bot.services.unanswered.recent() == []


async def test_identity_and_human_point_to_the_hotline(bot: Bot) -> None:
    bot.api.private_chat(USER, language_code="id")
    await bot.api.send_text(USER, "kamu robot ya?")
    identity = _text(await bot.api.next_message(USER))
    assert "bot informasi" in identity and "bukan perekrut" in identity
    await bot.api.send_text(USER, "bisa bicara sama petugas?")
    reply = await bot.api.next_message(USER)
    human = _text(reply)
    assert "0-800-1000" in human and "/lapor" in human and "110" in human
    assert [d for _, d in bot.buttons(reply)] == [f"{REPORT}:new"]


async def test_a_call_back_the_reading_takes_for_harm_gets_the_human_reply(bot: Bot) -> None:
    """Session 19: "tolong telepon balik" sounds like a cry to the reading of harm and got
    the fallback ("I would rather not guess"); it gets the `human` reply: the hotline, the
    police line and the report button."""
    bot.api.private_chat(USER, language_code="id")
    await bot.api.send_text(USER, "tolong telepon balik")
    reply = await bot.api.next_message(USER)
    text = _text(reply)
    assert "0-800-1000" in text and "+62 811-8080-141" in text and "110" in text
    assert "tidak mau menebak" not in text
    assert [d for _, d in bot.buttons(reply)] == [f"{REPORT}:new"]


async def test_digits_alone_and_leaving_get_small_talk(bot: Bot) -> None:
    """Session 16: a bare number got "I would rather not guess", and "udah dulu ya" the
    greeting; a number now gets the reply for messages that cannot be read (pointing to
    /cek and /menu), leaving a goodbye."""
    bot.api.private_chat(USER, language_code="id")
    await bot.api.send_text(USER, "081234567890")
    reply = _text(await bot.api.next_message(USER))
    assert "tidak bisa membaca" in reply and "/cek" in reply
    assert "tidak mau menebak" not in reply
    await bot.api.send_text(USER, "udah dulu ya kak")
    assert "Sampai jumpa" in _text(await bot.api.next_message(USER))
    assert bot.services.unanswered.recent() == []


async def test_arithmetic_never_gets_an_faq_answer(bot: Bot) -> None:
    bot.api.private_chat(USER, language_code="id")
    await bot.api.send_text(USER, "12 x 8 berapa")
    reply = _text(await bot.api.next_message(USER))
    assert "tidak mau menebak" in reply


async def test_follow_up_names_a_country_after_an_answer(bot: Bot) -> None:
    entries = bot.services.content.entries
    bot.api.private_chat(USER, language_code="id")
    await bot.api.send_text(USER, "cara kerja ke taiwan yang resmi")
    assert entries["country-taiwan"].title["id"] in _text(await bot.api.next_message(USER))
    await bot.api.send_text(USER, "kalau ke jepang?")
    assert entries["country-japan"].title["id"] in _text(await bot.api.next_message(USER))
    await bot.api.send_text(USER, "klo korea?")
    assert entries["country-korea"].title["id"] in _text(await bot.api.next_message(USER))


async def test_follow_up_without_a_previous_answer_is_not_rewritten(bot: Bot) -> None:
    bot.api.private_chat(USER, language_code="en")
    await bot.api.send_text(USER, "how about taiwan")
    reply = await bot.api.next_message(USER)
    taiwan = bot.services.content.entries["country-taiwan"].title["en"]
    japan = bot.services.content.entries["country-japan"].title["en"]
    assert japan not in _text(reply)
    assert taiwan in _text(reply) or any(taiwan in label for label, _ in bot.buttons(reply))


async def test_english_question_in_an_indonesian_chat_is_answered_in_english(bot: Bot) -> None:
    api = bot.api
    api.private_chat(USER, language_code="id")
    await api.send_text(USER, "how much does it cost to work abroad as a migrant worker")
    answer = await api.next_message(USER)
    assert bot.services.content.entries["costs"].title["en"] in _text(answer)
    offer = await api.next_message(USER)
    assert "language of your question" in _text(offer)
    assert bot.buttons(offer) == [("🌐 English", "lang:en")]
    await api.press(USER, offer["message_id"], "lang:en")
    assert "type your question" in _text(await api.next_message(USER))
    assert bot.services.users.language(USER) == "en"


async def test_short_or_mixed_text_keeps_the_chosen_language(bot: Bot) -> None:
    api = bot.api
    api.private_chat(USER, language_code="id")
    await api.send_text(USER, "paspor saya ditahan agent")
    answer = await api.next_message(USER)
    assert bot.services.content.entries["passport-held"].title["id"] in _text(answer)
    assert bot.services.users.language(USER) is None  # nothing changed


async def test_laughter_does_not_stop_a_follow_up(bot: Bot) -> None:
    """ "wkwk klo pabrik?" right after an answer follows up like "klo pabrik?" (second
    adversarial probe, session 13); read alone it would only get "did you mean"."""
    costs = bot.services.content.entries["costs"].title["id"]
    bot.api.private_chat(USER, language_code="id")
    for follow_up in ("klo pabrik?", "wkwk klo pabrik?"):
        await bot.api.send_text(USER, "berapa biaya kerja ke taiwan")
        await bot.api.next_message(USER)
        await bot.api.send_text(USER, follow_up)
        assert costs in _text(await bot.api.next_message(USER)), follow_up


async def test_a_greeting_around_words_of_harm_gets_the_contacts(bot: Bot) -> None:
    """ "halo min aku disekap" was answered with the greeting; now it gets an answer, a
    did-you-mean or the fallback, which gives the official contacts."""
    bot.api.private_chat(USER, language_code="id")
    await bot.api.send_text(USER, "halo min aku disekap")
    reply = await bot.api.next_message(USER)
    assert "salam kenal" not in _text(reply)
    await bot.api.send_text(USER, "ini bukan lelucon aku disekap")
    assert "bot informasi" not in _text(await bot.api.next_message(USER))


def _offers_report(bot: Bot, message: dict) -> bool:
    return any(data.startswith(f"{REPORT}:") for _, data in bot.buttons(message))


def _has_emergency_note(text: str) -> bool:
    return "🆘" in text and "110" in text and "0-800-1000" in text and "/darurat" in text


async def test_an_answer_to_a_message_of_harm_carries_the_emergency_contacts(bot: Bot) -> None:
    """ "aku disekap majikan, gimana cara kirim uang ke rumah" was answered with how to send
    money home and nothing else; now the emergency contacts come first, then the answer."""
    remittance = bot.services.content.entries["remittance"].title["id"]
    bot.api.private_chat(USER, language_code="id")
    await bot.api.send_text(USER, "aku disekap majikan gimana cara kirim uang ke rumah")
    message = await bot.api.next_message(USER)
    reply = _text(message)
    assert _has_emergency_note(reply) and remittance in reply
    assert reply.index("🆘") < reply.index(remittance)
    assert _offers_report(bot, message)  # the remittance topic does not offer it otherwise
    await bot.api.send_text(USER, "cara kirim uang ke rumah")
    plain_message = await bot.api.next_message(USER)
    plain = _text(plain_message)
    assert remittance in plain and "🆘" not in plain
    assert not _offers_report(bot, plain_message)


async def test_did_you_mean_and_fallback_for_a_message_of_harm_give_the_contacts(
    bot: Bot,
) -> None:
    """The did-you-mean had only "I'm not sure I understood" and buttons; the fallback said
    "I don't have a reliable answer" to "halo min aku disekap"."""
    bot.api.private_chat(USER, language_code="id")
    await bot.api.send_text(USER, "aku mau kabur dari majikan gimana caranya")
    suggest = await bot.api.next_message(USER)
    assert _has_emergency_note(_text(suggest))
    assert len(suggest["reply_markup"]["inline_keyboard"]) >= 3  # the choices stay
    assert _offers_report(bot, suggest)
    await bot.api.send_text(USER, "halo min aku disekap")
    fallback = _text(await bot.api.next_message(USER))
    assert _has_emergency_note(fallback) and "tidak mau menebak" not in fallback


async def test_an_answer_that_gives_the_contacts_itself_does_not_repeat_them(bot: Bot) -> None:
    help_abroad = bot.services.content.entries["help-abroad"]
    bot.api.private_chat(USER, language_code="en")
    await bot.api.send_text(USER, "my sister is trapped in a house in dubai")
    reply = _text(await bot.api.next_message(USER))
    assert help_abroad.title["en"] in reply
    assert reply.count("0-800-1000") == 1  # the answer's own; the note adds only the police
    assert "🆘" in reply and "110" in reply and "/emergency" in reply


async def test_a_story_of_harm_read_as_a_pasted_offer_still_gives_the_contacts(bot: Bot) -> None:
    """A long message with an offer and a number goes to Cek Dulu; when it also says the
    writer is held, the check's screen carries the emergency contacts too."""
    story = (
        "Dicari TKW Hongkong, paspor dipegang agen sampai lunas, potong gaji 7 bulan. "
        "Hub 0812-3456-7890. Aku ikut lowongan ini dan sekarang aku disekap di penampungan."
    )
    bot.api.private_chat(USER, language_code="id")
    await bot.api.send_text(USER, story)
    reply = _text(await bot.api.next_message(USER))
    assert "Ada tanda bahaya" in reply and _has_emergency_note(reply)


async def test_harm_said_without_a_word_of_harm_still_gives_the_contacts(bot: Bot) -> None:
    """ "not given food", "not allowed to go home" name no single word of harm; the
    patterns of content/distress.yaml find them (safety probe, session 14)."""
    bot.api.private_chat(USER, language_code="id")
    for message in ("aku gk dikasih makan sama majikan 2 hari", "assalamualaikum tolong"):
        await bot.api.send_text(USER, message)
        reply = _text(await bot.api.next_message(USER))
        assert "0-800-1000" in reply and "110" in reply, message


async def test_harm_only_the_learned_reading_finds_gets_the_contacts(bot: Bot) -> None:
    """ "majikan main tangan terus sama aku" (the employer keeps hitting me) holds no word or
    phrase of content/distress.yaml; the learned reading of harm finds it."""
    bot.api.private_chat(USER, language_code="id")
    await bot.api.send_text(USER, "majikan main tangan terus sama aku")
    reply = _text(await bot.api.next_message(USER))
    assert _has_emergency_note(reply)
    # the reading alone is less sure (it flags some everyday statements): the note comes
    # last, under what the message would have got without it
    assert not reply.startswith("🆘")
