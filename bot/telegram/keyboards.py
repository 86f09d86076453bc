"""Inline keyboards and their callback data.

Callback data is short `prefix:value` text (Telegram allows 64 bytes); every handler parses
what it receives and ignores anything stale or forged.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.content import Content, FaqEntry
from bot.i18n import Translator

TOPIC = "faq"
CATEGORY = "cat"
LANGUAGE = "lang"
FEEDBACK = "fb"
MENU = "menu"
ASK = "ask"  # "type your question": the first of the four /start buttons
CONTACTS = "contacts"
SUBSCRIPTION = "sub"
REPORT = "rp"  # the tip-off form (handlers/report_form/)
CHECK = "ck"  # Cek Dulu (handlers/cekdulu/)
OFFICES = "of"  # the office finder (handlers/offices.py)
NONE_OF_THESE = "none"
MORE = "more"  # an answer's details and sources (handlers/faq.py)
MAX_CALLBACK_BYTES = 64


def data(prefix: str, *values: str) -> str:
    text = ":".join((prefix, *values))
    if len(text.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {text!r}")
    return text


def parse(callback_data: str | None) -> tuple[str, list[str]]:
    prefix, *values = (callback_data or "").split(":")
    return prefix, values


def _button(label: str, prefix: str, *values: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data(prefix, *values))


def languages(content: Content) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button(lang.name, LANGUAGE, lang.code) for lang in content.languages]]
    )


def main_menu(_: Translator, content: Content) -> InlineKeyboardMarkup:
    lang = _.lang
    rows = [
        [_button(f"{c.emoji} {c.title.get(lang, c.id)}".strip(), CATEGORY, c.id)]
        for c in content.categories
    ]
    rows.append([_button(_("🔎 Cek Dulu: check a job offer"), CHECK, "start")])
    rows.append([report_button(_)])
    rows.append([_button(_("🆘 Emergency contacts"), CONTACTS)])
    rows.append([_button(_("🏢 Offices in your province"), OFFICES, "ask")])
    rows.append([_button(_("🔔 Scam warnings"), SUBSCRIPTION)])
    rows.append([_button(_("🌐 Language"), LANGUAGE)])
    return InlineKeyboardMarkup(rows)


def category(_: Translator, entries: list[FaqEntry]) -> InlineKeyboardMarkup:
    rows = [[_button(e.title.get(_.lang, e.id), TOPIC, e.id)] for e in entries]
    rows.append([_button(_("⬅️ All topics"), MENU)])
    return InlineKeyboardMarkup(rows)


def answer(
    _: Translator,
    entry: FaqEntry,
    content: Content,
    see_also: str | None = None,
    urgent: bool = False,
) -> InlineKeyboardMarkup:
    """The answer's buttons; `see_also`, an entry close behind this one for the user's own
    question (Decision.see_also), comes first among the related topics. `urgent` (the
    question speaks of harm) offers the report form whatever the topic."""
    rows = [[more_button(_, entry)]]
    related = dict.fromkeys([see_also, *entry.related] if see_also else entry.related)
    rows += [
        [_button("➡️ " + content.entries[r].title.get(_.lang, r), TOPIC, r)]
        for r in related
        if r in content.entries and r != entry.id
    ]
    rows.append(
        [
            _button(_("👍 Helpful"), FEEDBACK, "+", entry.id),
            _button(_("👎 Not helpful"), FEEDBACK, "-", entry.id),
        ]
    )
    found = content.category(entry.category)
    if urgent or (found is not None and found.offers_report):
        rows.append([report_button(_)])
    rows.append([_button(_("📚 All topics"), MENU)])
    return InlineKeyboardMarkup(rows)


def more_button(_: Translator, entry: FaqEntry) -> InlineKeyboardButton:
    """Opens the details behind a short answer: the rest of the facts and the sources."""
    return _button(_("📖 More"), MORE, entry.id)


def suggestions(
    _: Translator, entries: list[FaqEntry], urgent: bool = False
) -> InlineKeyboardMarkup:
    """ "Did you mean" buttons; below them the report form when the question speaks of harm."""
    rows = [[_button(e.title.get(_.lang, e.id), TOPIC, e.id)] for e in entries]
    rows.append([_button(_("None of these"), NONE_OF_THESE)])
    if urgent:
        rows.append([report_button(_)])
    return InlineKeyboardMarkup(rows)


def fallback(_: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_button(_("📚 Browse topics"), MENU)],
            [report_button(_)],
            [_button(_("🆘 Emergency contacts"), CONTACTS)],
        ]
    )


def report_button(_: Translator) -> InlineKeyboardButton:
    """Starts the tip-off form: in the menu, the fallback, under answers about scams, under
    any reply to a message that speaks of harm and under the reply to "can I talk to a
    person"."""
    return _button(_("📣 Report a recruiter or trafficking"), REPORT, "new")
