"""Whole-content checks: what `python -m bot content check` enforces.

Parsing (bot.core.content) catches a broken entry; these rules catch content that parses but
would mislead users or be rejected by Telegram: dangling links, unknown categories, HTML
that Telegram refuses, answers too long to send, and one phrasing claimed by two entries.
Plain-language rules (bot.core.plain) keep the first screen short, the Indonesian voice on
"kamu", and every acronym explained where it is first used.
"""

from __future__ import annotations

import re

import yaml

from bot.core import yamlfile
from bot.core.content import Content, FaqEntry, Problem
from bot.core.offices import check_offices
from bot.core.plain import (
    DESK_NAME_PLACEHOLDER,
    Acronym,
    load_acronyms,
    unexpanded,
    uses_formal_you,
)
from bot.core.tghtml import HTMLError, parse_html, rendered_length

MAX_MESSAGE = 4096
# The first message of an answer must fit one phone screen; details go into `more`.
MAX_FIRST_SCREEN = 700
PLACEHOLDER = re.compile(r"\{[A-Za-z_]+\}")
VOICE_LANGUAGE = "id"  # Indonesian content addresses the reader as "kamu", never "Anda"
MAX_TITLE = 60
MAX_ID = 40  # ids travel in callback data, which Telegram caps at 64 bytes


def check_content(content: Content) -> list[Problem]:
    """Every problem in the content: parse problems first, then cross-entry rules."""
    problems = list(content.problems)
    categories = {c.id for c in content.categories}
    acronyms = load_acronyms(content.directory / "acronyms.yaml")
    for entry in content.entries.values():
        problems.extend(_check_entry(entry, content, categories))
        problems.extend(_check_plain(entry, content, acronyms))
    problems.extend(_duplicate_phrasings(content))
    problems.extend(_check_topic_order(content))
    problems.extend(_check_contacts(content))
    problems.extend(_check_voice_outside_entries(content))
    problems.extend(check_offices(content.directory))
    problems.extend(_check_smalltalk(content))
    problems.extend(_check_distress(content))
    problems.extend(_check_training(content))
    problems.extend(_check_cekdulu_training(content))
    return problems


def _check_plain(entry: FaqEntry, content: Content, acronyms: list[Acronym]) -> list[Problem]:
    """One screen first, "kamu" in Indonesian, acronyms explained in each message."""
    found: list[Problem] = []
    for lang in content.language_codes:
        answer = entry.answer.get(lang, "")
        try:
            length = rendered_length(answer)
        except HTMLError:
            length = 0  # reported by the HTML rule
        if length > MAX_FIRST_SCREEN:
            found.append(
                Problem(
                    entry.file,
                    entry.id,
                    f"answer.{lang}",
                    f"{length} characters rendered, over {MAX_FIRST_SCREEN} (one phone screen); "
                    "move details into 'more'",
                )
            )
        details = _details_length(entry, lang)
        if details > MAX_MESSAGE:
            found.append(
                Problem(
                    entry.file,
                    entry.id,
                    f"more.{lang}",
                    f"details and sources come to about {details} characters, over {MAX_MESSAGE}",
                )
            )
        texts = {f"answer.{lang}": answer, f"more.{lang}": entry.more.get(lang, "")}
        if lang == VOICE_LANGUAGE:
            texts[f"title.{lang}"] = entry.title.get(lang, "")
            for field_name, text in texts.items():
                if uses_formal_you(text):
                    found.append(Problem(entry.file, entry.id, field_name, _VOICE))
        for field_name, text in texts.items():
            if field_name.startswith("title"):
                continue
            for unknown in sorted(set(PLACEHOLDER.findall(text)) - {DESK_NAME_PLACEHOLDER}):
                found.append(
                    Problem(
                        entry.file,
                        entry.id,
                        field_name,
                        f"unknown placeholder {unknown}; only {DESK_NAME_PLACEHOLDER} is filled in",
                    )
                )
            if 'href="http://' in text:
                found.append(Problem(entry.file, entry.id, field_name, "use https:// links"))
            for short in unexpanded(text, lang, acronyms):
                found.append(
                    Problem(
                        entry.file,
                        entry.id,
                        field_name,
                        f"acronym {short} is not explained at its first use "
                        "(see content/acronyms.yaml)",
                    )
                )
    return found


def _details_length(entry: FaqEntry, lang: str) -> int:
    """About how long the "More" message is: title, details, and one line per source."""
    try:
        more = rendered_length(entry.more.get(lang, ""))
    except HTMLError:
        more = 0  # reported by the HTML rule
    sources = sum(len(s.name) + 3 for s in entry.sources)
    return len(entry.title.get(lang, "")) + more + sources + 20


_VOICE = 'says "Anda": Indonesian content addresses the reader as "kamu"'


# Other content files the bot quotes to users (Cek Dulu reasons, small talk, offices, wages):
# every text under a language key `id` is held to the same voice.
VOICE_FILES = ("redflags.yaml", "destinations.yaml", "smalltalk.yaml", "offices.yaml", "wages.yaml")


def _check_voice_in_files(content: Content) -> list[Problem]:
    found = []
    for name in VOICE_FILES:
        path = content.directory / name
        if not path.exists():
            continue
        try:
            data = yamlfile.read(path)
        except (yaml.YAMLError, UnicodeDecodeError):
            continue  # reported by the file's own loader
        for where in _formal_you_places(data, ""):
            found.append(Problem(f"content/{name}", None, where, _VOICE))
    return found


def _formal_you_places(data: object, where: str) -> list[str]:
    """Paths (`a.b[2].id`) of Indonesian texts that say "Anda"."""
    if isinstance(data, dict):
        places = []
        for key, value in data.items():
            inner = f"{where}.{key}" if where else str(key)
            if key == VOICE_LANGUAGE and isinstance(value, str) and uses_formal_you(value):
                places.append(inner)
            else:
                places.extend(_formal_you_places(value, inner))
        return places
    if isinstance(data, list):
        return [p for n, item in enumerate(data) for p in _formal_you_places(item, f"{where}[{n}]")]
    return []


def _check_voice_outside_entries(content: Content) -> list[Problem]:
    found = _check_voice_in_files(content)
    for category in content.categories:
        if uses_formal_you(category.title.get(VOICE_LANGUAGE, "")):
            found.append(Problem("content/categories.yaml", category.id, "title", _VOICE))
    for contact in content.contacts:
        for field_name in ("name", "when"):
            text = getattr(contact, field_name).get(VOICE_LANGUAGE, "")
            if uses_formal_you(text):
                found.append(Problem("content/contacts.yaml", contact.id, field_name, _VOICE))
    return found


def _check_smalltalk(content: Content) -> list[Problem]:
    """content/smalltalk.yaml (bot/core/faq/smalltalk.py): intents, languages, numbers."""
    from bot.core.faq.smalltalk import check_smalltalk

    if content.directory is None:
        return []
    numbers = {c.value for c in content.contacts if c.kind in ("phone", "whatsapp")}
    return check_smalltalk(content.directory, content.language_codes, numbers)


def _check_distress(content: Content) -> list[Problem]:
    """content/distress.yaml (bot/core/faq/distress.py): lists, patterns, examples."""
    from bot.core.faq.danger import check_training as check_danger_training
    from bot.core.faq.distress import check_distress
    from bot.core.faq.training import entry_and_smalltalk_labels

    if content.directory is None:
        return []
    labels = entry_and_smalltalk_labels(content.entries)
    training = check_danger_training(content.directory, labels)
    return check_distress(content.directory) + training


def _check_training(content: Content) -> list[Problem]:
    """content/faq_training.yaml (bot/core/faq/training.py): known labels, real messages."""
    from bot.core.faq.training import check_training

    if content.directory is None:
        return []
    return check_training(content.directory, set(content.entries))


def _check_cekdulu_training(content: Content) -> list[Problem]:
    """content/cekdulu_training.yaml (bot/core/cekdulu/learned.py): labels, framings, texts."""
    from bot.core.cekdulu.learned import check_training

    if content.directory is None:
        return []
    return check_training(content.directory)


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
        if contact.kind in ("phone", "whatsapp") and not _dialable(contact.value):
            found.append(
                Problem(
                    "content/contacts.yaml",
                    contact.id,
                    "value",
                    f"a {contact.kind} contact needs a number to dial, got {contact.value!r}",
                )
            )
        if contact.value.startswith("http://") or contact.source.url.startswith("http://"):
            found.append(
                Problem("content/contacts.yaml", contact.id, "value", "use an https:// link")
            )
    return found


def _dialable(value: str) -> bool:
    """Digits, spaces, dashes and a leading +, with at least three digits."""
    digits = sum(ch.isdigit() for ch in value)
    return digits >= 3 and all(ch.isdigit() or ch in " -+()" for ch in value)
