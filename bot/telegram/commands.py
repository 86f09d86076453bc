"""The command menu Telegram shows, per language; /help is built from the same list."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_


@dataclass(frozen=True)
class CommandSpec:
    """A command in the menu Telegram shows, named per language."""

    names: dict[str, str]
    description: str


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
    CommandSpec({"id": "help", "en": "help"}, N_("How to use this bot")),
]

# Only staff (ADMIN_IDS, BROADCASTER_IDS) see these, in their own chats with the bot.
STAFF_COMMANDS = [
    CommandSpec({"id": "siaran", "en": "broadcast"}, N_("Compose a broadcast to subscribers")),
    CommandSpec({"id": "broadcasts", "en": "broadcasts"}, N_("Recent broadcasts")),
]
