"""One table of commands: the menu Telegram shows, /help, the prompts and the registered
handlers all come from bot/telegram/commands.py, so they cannot drift apart."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po
from telegram.ext import CommandHandler, ConversationHandler

from bot.i18n import LOCALES_DIR
from bot.telegram.commands import (
    COMMANDS,
    CONVERSATION_COMMANDS,
    STAFF_COMMANDS,
    all_commands,
    is_command,
    names,
)
from bot.telegram.handlers.start import help_text
from tests.conftest import ADMIN_ID, Bot

DESK_ONLY = {"cases"}  # in the desk group, not in a private chat: named in docs/desk.md


def _command_handlers(handlers) -> set[str]:
    found: set[str] = set()
    for handler in handlers:
        if isinstance(handler, CommandHandler):
            found |= set(handler.commands)
        elif isinstance(handler, ConversationHandler):
            found |= _command_handlers(handler.entry_points)
            found |= _command_handlers(handler.fallbacks)
            for state in handler.states.values():
                found |= _command_handlers(state)
    return found


def test_every_command_has_an_indonesian_and_an_english_name() -> None:
    for command in all_commands():
        assert set(command.names) == {"id", "en"}, command
        assert all(re.fullmatch(r"[a-z]{2,32}", n) for n in command.names.values()), command
    every_name = [n for c in all_commands() for n in dict.fromkeys(c.names.values())]
    assert len(every_name) == len(set(every_name)), "a name means two commands"


def test_table_and_registered_handlers_agree(bot: Bot) -> None:
    registered = set()
    for group in bot.application.handlers.values():
        registered |= _command_handlers(group)
    in_table = {n for c in all_commands() for n in c.names.values()}
    assert in_table <= registered, f"in the table, not handled: {in_table - registered}"
    assert registered - in_table <= DESK_ONLY, f"handled, not in the table: {registered - in_table}"


async def test_menu_and_help_list_the_table_in_each_language(bot: Bot) -> None:
    api = bot.api
    await api.wait_until(lambda: api.commands(language_code="en"))
    for lang in ("id", "en"):
        menu = [c["command"] for c in api.commands(language_code=lang)]
        assert menu == [c.names[lang] for c in COMMANDS]
        help_lines = help_text(bot.services.i18n.translator(lang))
        for command in COMMANDS + CONVERSATION_COMMANDS:
            assert f"/{command.names[lang]} – " in help_lines
    staff = [c["command"] for c in api.commands(scope={"type": "chat", "chat_id": ADMIN_ID})]
    assert {c.names["id"] for c in STAFF_COMMANDS} <= set(staff)


def test_prompts_name_commands_from_the_table_in_the_readers_language() -> None:
    """ "Kirim /batal" in Indonesian, "Send /cancel" in English, never a command that the bot
    does not know."""
    known = {lang: {c.names[lang] for c in all_commands()} | DESK_ONLY for lang in ("id", "en")}
    problems = []
    for lang in ("id", "en"):
        for path in sorted((LOCALES_DIR / lang / "LC_MESSAGES").glob("*.po")):
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=lang)
            for message in catalog:
                if not message.id:
                    continue
                strings = message.string if isinstance(message.string, tuple) else [message.string]
                for text in strings:
                    for name in re.findall(r"(?<![\w/<.])/([a-z]+)\b", text):
                        if name not in known[lang]:
                            problems.append(f"{lang} {path.stem}: /{name} in {text[:60]!r}")
    assert not problems, "\n".join(problems)


def test_a_command_is_recognised_under_both_names() -> None:
    assert names("cancel") == ["batal", "cancel"]
    assert names("status") == ["status"]
    assert is_command("/batal", "cancel") and is_command("/cancel@demo_bot", "cancel")
    assert not is_command("/cancelled", "cancel") and not is_command("batal", "cancel")


async def test_cancel_outside_a_conversation_is_answered_kindly(bot: Bot) -> None:
    bot.api.private_chat(7001, language_code="id")
    for command, expected in (("/batal", "Tidak ada yang perlu dibatalkan"),):
        await bot.api.send_text(7001, command)
        assert expected in (await bot.api.next_message(7001))["text"]
    bot.api.private_chat(7002, language_code="en")
    await bot.api.send_text(7002, "/cek")
    await bot.api.next_message(7002)
    await bot.api.send_text(7002, "/batal")  # the Indonesian name works for everyone
    assert "/check" in (await bot.api.next_message(7002))["text"]
    await bot.api.send_text(7002, "/cancel")  # the check is finished: nothing to cancel
    assert "nothing to cancel" in (await bot.api.next_message(7002))["text"]


async def test_skip_works_under_its_indonesian_name_in_the_report_form(bot: Bot) -> None:
    bot.api.private_chat(7003, language_code="id")
    await bot.api.send_text(7003, "/lapor")
    form = await bot.api.next_message(7003)
    await bot.api.press(7003, form["message_id"], "rp:cat:recruiter")
    await bot.api.send_text(7003, "ntb")
    while "/lewati" not in (await bot.api.next_message(7003)).get("text", ""):
        pass
    assert "Nusa Tenggara Barat" in "".join(m.get("text", "") for m in bot.api.messages_to(7003))
    await bot.api.send_text(7003, "/lewati")
    assert "Kapan" in (await bot.api.next_message(7003))["text"]
