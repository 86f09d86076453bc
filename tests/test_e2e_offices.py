"""End to end: /kantor (/office) asks for the province and lists the offices that serve it."""

from __future__ import annotations

from tests.conftest import Bot

USER = 5151


def _text(message: dict) -> str:
    return message.get("text") or ""


async def test_kantor_then_typed_abbreviation_lists_the_offices_of_east_java(bot: Bot) -> None:
    api = bot.api
    api.private_chat(USER, language_code="id")
    await api.send_text(USER, "/kantor")
    question = await api.next_message(USER)
    assert "provinsi mana" in _text(question)
    assert ("Aceh", "of:pv:aceh") in bot.buttons(question)

    await api.send_text(USER, "jatim")
    answer = _text(await api.next_message(USER))
    assert "Kantor layanan untuk Jawa Timur" in answer
    assert "BP3MI Jawa Timur – Surabaya" in answer
    assert "P4MI Pamekasan" in answer
    assert "Sumber:" in answer and "per 20" in answer  # every office shows its source and date
    assert "0-800-1000" in answer  # the fallback contacts come from contacts.yaml
    assert "BP3MI Aceh" not in answer

    # The conversation is over: the next text is a question for the FAQ again.
    await api.send_text(USER, "jatim")
    assert "Kantor layanan untuk" not in _text(await api.next_message(USER))


async def test_unknown_province_gets_did_you_mean_buttons(bot: Bot) -> None:
    api = bot.api
    api.private_chat(USER, language_code="en")
    await api.send_text(USER, "/office")
    await api.next_message(USER)
    await api.send_text(USER, "kalimantan")
    reply = await api.next_message(USER)
    assert 'could not find a province called "kalimantan"' in _text(reply)
    options = [data for _, data in bot.buttons(reply) if data.startswith("of:pv:kalimantan-")]
    assert len(options) >= 2
    assert ("📋 All provinces", "of:pg:0") in bot.buttons(reply)

    await api.press(USER, reply["message_id"], "of:pv:kalimantan-barat")
    answer = _text(await api.next_message(USER))
    assert "Offices for Kalimantan Barat" in answer
    assert "P4MI Sanggau – PLBN Entikong (Sanggau)" in answer


async def test_gibberish_gets_the_province_list(bot: Bot) -> None:
    api = bot.api
    api.private_chat(USER, language_code="en")
    await api.send_text(USER, "/office")
    await api.next_message(USER)
    await api.send_text(USER, "qqq")
    reply = await api.next_message(USER)
    assert "Please choose it from the list" in _text(reply)
    assert ("Aceh", "of:pv:aceh") in bot.buttons(reply)


async def test_province_without_a_confirmed_bp3mi_says_so(bot: Bot) -> None:
    api = bot.api
    api.private_chat(USER, language_code="en")
    await api.send_text(USER, "/office papua")
    answer = _text(await api.next_message(USER))
    assert "Offices for Papua" in answer
    assert "no confirmed BP3MI for this province" in answer


async def test_main_menu_and_command_list_offer_the_office_finder(bot: Bot) -> None:
    api = bot.api
    api.private_chat(USER, language_code="id")
    await api.send_text(USER, "/menu")
    menu = await api.next_message(USER)
    assert ("🏢 Kantor layanan di provinsimu", "of:ask") in bot.buttons(menu)
    await api.press(USER, menu["message_id"], "of:ask")
    assert "provinsi mana" in _text(await api.next_message(USER))
    names = [c["command"] for c in api.commands(language_code="id")]
    assert "kantor" in names
    assert "office" in [c["command"] for c in api.commands(language_code="en")]

    await api.send_text(USER, "/help")
    assert "/kantor" in _text(await api.next_message(USER))
