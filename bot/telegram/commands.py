"""The one table of commands: both names of every command, used for the menu Telegram shows
(set_my_commands), /help, the prompts that name a command, and the handlers that register it.

Every command has an Indonesian and an English name (the same word when both languages use
it, like /menu). Handlers register `names(key)`, prompts say `slash(_, key)`, so a prompt can
never name a command the bot does not know, in either language.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_, Translator


@dataclass(frozen=True)
class CommandSpec:
    """A command, named per language; `names["en"]` is its key in code."""

    names: dict[str, str]
    description: str


# The menu every user sees, in this order.
COMMANDS = [
    CommandSpec({"id": "start", "en": "start"}, N_("Start and choose the language")),
    CommandSpec({"id": "menu", "en": "menu"}, N_("Browse topics")),
    CommandSpec({"id": "darurat", "en": "emergency"}, N_("Official contacts for emergencies")),
    CommandSpec({"id": "cek", "en": "check"}, N_("Check a job offer or a recruiter")),
    CommandSpec({"id": "lapor", "en": "report"}, N_("Report a recruiter or trafficking")),
    CommandSpec({"id": "kantor", "en": "office"}, N_("Find the offices in your province")),
    CommandSpec({"id": "status", "en": "status"}, N_("Your reports and their status")),
    CommandSpec({"id": "bahasa", "en": "language"}, N_("Choose the language")),
    CommandSpec({"id": "langganan", "en": "subscribe"}, N_("Get warnings about scams")),
    CommandSpec({"id": "berhenti", "en": "unsubscribe"}, N_("Stop the warnings")),
    CommandSpec({"id": "hapusdata", "en": "deletemydata"}, N_("Delete my data")),
    CommandSpec({"id": "bantuan", "en": "help"}, N_("How to use this bot")),
]

# Used inside a conversation (a form, a check, a broadcast draft); listed by /help, not in the
# menu. /batal (/cancel) also works outside a conversation: it then says there is nothing to stop.
CONVERSATION_COMMANDS = [
    CommandSpec({"id": "batal", "en": "cancel"}, N_("Stop what you are doing")),
    CommandSpec({"id": "lewati", "en": "skip"}, N_("Skip a question that may be skipped")),
    CommandSpec({"id": "selesai", "en": "done"}, N_("Finish sending evidence")),
]

# Only staff (ADMIN_IDS, BROADCASTER_IDS) see these, in their own chats with the bot.
STAFF_COMMANDS = [
    CommandSpec({"id": "siaran", "en": "broadcast"}, N_("Compose a broadcast to subscribers")),
    CommandSpec({"id": "broadcasts", "en": "broadcasts"}, N_("Recent broadcasts")),
    CommandSpec({"id": "statistik", "en": "stats"}, N_("Charts of tip-offs and checks")),
    CommandSpec({"id": "ekspor", "en": "export"}, N_("Export cases as a spreadsheet")),
    CommandSpec({"id": "chatid", "en": "chatid"}, N_("Show this chat's id (for DESK_CHAT_ID)")),
]


def all_commands() -> list[CommandSpec]:
    return COMMANDS + CONVERSATION_COMMANDS + STAFF_COMMANDS


def spec(key: str) -> CommandSpec:
    """The command whose English name is `key`."""
    for found in all_commands():
        if found.names["en"] == key:
            return found
    raise KeyError(f"no command {key!r} in the table")


def names(key: str) -> list[str]:
    """Every name of a command, for its CommandHandler: `names("cancel")` → batal, cancel."""
    return list(dict.fromkeys(spec(key).names.values()))


def name_in(lang: str, command: CommandSpec) -> str:
    return command.names.get(lang, command.names["en"])


def slash(_: Translator, key: str) -> str:
    """The command as a prompt names it, in the reader's language: "/batal" or "/cancel"."""
    return "/" + name_in(_.lang, spec(key))


def is_command(text: str | None, key: str) -> bool:
    """Whether a message is the command `key` under any of its names ("/batal@SomeBot" too)."""
    if not text or not text.startswith("/"):
        return False
    return text.split()[0][1:].split("@")[0].casefold() in names(key)
