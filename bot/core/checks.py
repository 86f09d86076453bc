"""Whole-content checks: what `python -m bot content check` enforces.

Parsing (bot.core.content) catches a broken entry; these rules catch content that parses but
would mislead users or be rejected by Telegram: dangling links, unknown categories, HTML
that Telegram refuses, answers too long to send, and one phrasing claimed by two entries.
"""

from __future__ import annotations

from bot.core.content import Content, FaqEntry, Problem
from bot.core.tghtml import HTMLError, parse_html, rendered_length

MAX_MESSAGE = 4096
MAX_TITLE = 60
MAX_ID = 40  # ids travel in callback data, which Telegram caps at 64 bytes


def check_content(content: Content) -> list[Problem]:
    """Every problem in the content: parse problems first, then cross-entry rules."""
    problems = list(content.problems)
    categories = {c.id for c in content.categories}
    for entry in content.entries.values():
        problems.extend(_check_entry(entry, content, categories))
    problems.extend(_duplicate_phrasings(content))
    problems.extend(_check_topic_order(content))
    problems.extend(_check_contacts(content))
    problems.extend(_check_smalltalk(content))
    return problems


def _check_smalltalk(content: Content) -> list[Problem]:
    """content/smalltalk.yaml (bot/core/faq/smalltalk.py): intents, languages, numbers."""
    from bot.core.faq.smalltalk import check_smalltalk

    if content.directory is None:
        return []
    numbers = {c.value for c in content.contacts if c.kind in ("phone", "whatsapp")}
    return check_smalltalk(content.directory, content.language_codes, numbers)


def _check_entry(entry: FaqEntry, content: Content, categories: set[str]) -> list[Problem]:
    found: list[Problem] = []

    def problem(field: str, message: str) -> None:
        found.append(Problem(entry.file, entry.id, field, message))

    if entry.file and not entry.file.endswith(f"/{entry.id}.yaml"):
        problem("id", "must equal the file name")
    if len(entry.id) > MAX_ID or not entry.id.replace("-", "").isalnum():
        problem("id", f"use lowercase letters, digits and dashes, at most {MAX_ID} characters")
    if entry.category not in categories:
        problem("category", f"unknown category '{entry.category}'")
    for lang in content.language_codes:
        if len(entry.title.get(lang, "")) > MAX_TITLE:
            problem(f"title.{lang}", f"longer than {MAX_TITLE} characters (a button label)")
        found.extend(_check_answer(entry, lang))
    for rel in entry.related:
        if rel not in content.entries:
            problem("related", f"unknown entry id '{rel}'")
        elif rel == entry.id:
            problem("related", "an entry cannot be related to itself")
    return found


def _check_answer(entry: FaqEntry, lang: str) -> list[Problem]:
    found = _check_html_text(entry, entry.answer.get(lang, ""), f"answer.{lang}")
    if entry.more:
        found += _check_html_text(entry, entry.more.get(lang, ""), f"more.{lang}")
    return found


def _check_html_text(entry: FaqEntry, text: str, field: str) -> list[Problem]:
    try:
        parse_html(text)
    except HTMLError as exc:
        return [Problem(entry.file, entry.id, field, f"Telegram would reject it: {exc}")]
    length = rendered_length(text)
    if length > MAX_MESSAGE:
        return [
            Problem(
                entry.file, entry.id, field, f"{length} characters rendered, over {MAX_MESSAGE}"
            )
        ]
    return []


def _check_topic_order(content: Content) -> list[Problem]:
    found = []
    for category in content.categories:
        for entry_id in category.topics:
            entry = content.entries.get(entry_id)
            if entry is None or entry.category != category.id:
                found.append(
                    Problem(
                        "content/categories.yaml",
                        category.id,
                        "topics",
                        f"'{entry_id}' is not an entry of this category",
                    )
                )
    return found


def _duplicate_phrasings(content: Content) -> list[Problem]:
    seen: dict[str, str] = {}
    found: list[Problem] = []
    for entry in content.entries.values():
        for lang, phrasings in entry.questions.items():
            for phrasing in phrasings:
                key = " ".join(phrasing.casefold().split()).rstrip("?!. ")
                owner = seen.setdefault(key, entry.id)
                if owner != entry.id:
                    found.append(
                        Problem(
                            entry.file,
                            entry.id,
                            f"questions.{lang}",
                            f"phrasing '{phrasing}' is also under '{owner}'",
                        )
                    )
    return found


def _check_contacts(content: Content) -> list[Problem]:
    seen: set[str] = set()
    found: list[Problem] = []
    for contact in content.contacts:
        if contact.id in seen:
            found.append(Problem("content/contacts.yaml", contact.id, "id", "duplicate id"))
        seen.add(contact.id)
    return found
