"""Plain-language rules for content: one voice, expanded acronyms, dated facts.

`content check` uses these so an editor learns, before users do, that an answer says "Anda"
(the content speaks to the reader as "kamu"), that an acronym is used before it is explained,
or that a time-bound fact (a wage, a moratorium) is past the date it must be checked again.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core import yamlfile
from bot.core.tghtml import HTMLError, parse_html

# "Anda" in any capitalisation, as a word of its own; Indonesian content says "kamu".
FORMAL_YOU = re.compile(r"\banda\b", re.IGNORECASE)
# How far (in characters of rendered text) an expansion may stand from an acronym's first use.
EXPANSION_WINDOW = 120
DESK_NAME_PLACEHOLDER = "{desk_name}"


def uses_formal_you(text: str) -> bool:
    """True when an Indonesian text addresses the reader as "Anda"."""
    return bool(FORMAL_YOU.search(text))


@dataclass(frozen=True)
class Acronym:
    """An acronym and, per language, the plain words that explain it."""

    short: str
    expansions: dict[str, tuple[str, ...]]

    def pattern(self) -> re.Pattern[str]:
        return re.compile(rf"(?<![\w-]){re.escape(self.short)}(?![\w-])")


def load_acronyms(path: Path) -> list[Acronym]:
    """The glossary `content/acronyms.yaml`; a missing file means no acronym rule."""
    if not path.exists():
        return []
    data: Any = yamlfile.read(path) or {}
    acronyms = []
    for short, per_lang in data.items():
        expansions = {
            str(lang): tuple(str(t) for t in (texts if isinstance(texts, list) else [texts]))
            for lang, texts in (per_lang or {}).items()
        }
        acronyms.append(Acronym(str(short), expansions))
    return acronyms


def plain_text(html_text: str) -> str:
    """What the reader sees: the text without tags (link targets are not read)."""
    try:
        return parse_html(html_text)
    except HTMLError:
        return html_text


def unexpanded(text: str, lang: str, acronyms: list[Acronym]) -> list[str]:
    """Acronyms whose first use in `text` has none of its expansions close by."""
    seen = plain_text(text)
    folded = seen.casefold()
    missing = []
    for acronym in acronyms:
        first = acronym.pattern().search(seen)
        if first is None:
            continue
        start = max(0, first.start() - EXPANSION_WINDOW)
        window = folded[start : first.end() + EXPANSION_WINDOW]
        if not any(e.casefold() in window for e in acronym.expansions.get(lang, ())):
            missing.append(acronym.short)
    return missing


@dataclass(frozen=True)
class Stale:
    entry_id: str
    file: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: entry '{self.entry_id}': {self.reason}"


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (clamped to the month's last day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def stale_entries(entries: Any, today: dt.date, months: int = 12) -> list[Stale]:
    """Entries whose time-bound facts need checking: `valid_until` passed, or (without one)
    `as_of` older than `months`."""
    found = []
    oldest = months_before(today, months)
    for entry in entries:
        if entry.valid_until is not None and entry.valid_until < today:
            found.append(Stale(entry.id, entry.file, f"valid_until {entry.valid_until} has passed"))
        elif entry.valid_until is None and entry.as_of is not None and entry.as_of < oldest:
            found.append(
                Stale(entry.id, entry.file, f"as_of {entry.as_of} is over {months} months old")
            )
    return found


def fill_desk_name(text: str, desk_name: str) -> str:
    """Put the configured desk's name into an answer (the name comes from a setting, so the
    answer stays true for any deployment)."""
    return text.replace(DESK_NAME_PLACEHOLDER, desk_name)
