"""What every part of a Cek Dulu check returns: reasons, each with a severity and a source.

Red-flag rules, destination rules, the agency register and earlier tip-offs all speak in
`Reason`s, so one place (bot/core/cekdulu/checker.py) can rank them and turn them into a verdict.
The YAML helpers here are shared by the two editor files, content/redflags.yaml and
content/destinations.yaml, so both are validated the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    DANGER = "danger"  # a sign of illegal recruitment or trafficking
    CHECK = "check"  # something to verify before paying or leaving
    INFO = "info"  # a fact that helps (a licence found), never raises the verdict

    @property
    def rank(self) -> int:
        return {Severity.DANGER: 2, Severity.CHECK: 1, Severity.INFO: 0}[self]


class Kind(StrEnum):
    RULE = "rule"  # a red flag in the text (content/redflags.yaml)
    DESTINATION = "destination"  # a country or job with a status (content/destinations.yaml)
    AGENCY = "agency"  # the register of licensed agencies
    REPORTED = "reported"  # identifiers seen in tip-offs
    LEARNED = "learned"  # the learned reading of the whole text (bot/core/cekdulu/learned.py)


@dataclass(frozen=True)
class Source:
    name: str
    url: str


@dataclass(frozen=True)
class Reason:
    """One thing the check found. Rules and destinations carry their own texts; agency and
    report reasons carry `data`, which the Telegram layer words in the user's language."""

    id: str
    kind: Kind
    severity: Severity
    title: Mapping[str, str] = field(default_factory=dict)
    explanation: Mapping[str, str] = field(default_factory=dict)
    source: Source | None = None
    as_of: dt.date | None = None
    found: str = ""  # the words in the text that triggered it
    data: Mapping[str, Any] = field(default_factory=dict)


class RulesError(ValueError):
    """A problem in an editor file; the message says which file, entry and field."""


def texts(value: Any, languages: Iterable[str], where: str) -> dict[str, str]:
    """A `{id: ..., en: ...}` mapping with a non-empty text for every language."""
    if not isinstance(value, dict):
        raise RulesError(f"{where}: must be a mapping of language → text")
    found = {}
    for lang in languages:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise RulesError(f"{where}: the {lang!r} text is missing")
        found[lang] = " ".join(text.split())
    return found


def source(value: Any, where: str) -> Source:
    if not isinstance(value, dict) or not value.get("name") or not value.get("url"):
        raise RulesError(f"{where}: source needs a name and a url")
    url = str(value["url"])
    if not url.startswith(("http://", "https://")):
        raise RulesError(f"{where}: source url must start with http:// or https://")
    return Source(str(value["name"]), url)


def date(value: Any, where: str) -> dt.date:
    """A full date, or a month ("2025-04", read as its first day) when the source gives
    no day."""
    if isinstance(value, dt.date):
        return value
    text = str(value)
    try:
        return dt.date.fromisoformat(text if len(text) != 7 else f"{text}-01")
    except ValueError:
        raise RulesError(f"{where}: must be a date YYYY-MM-DD or YYYY-MM, got {value!r}") from None


def string_list(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise RulesError(f"{where}: must be a list of words or patterns")
    if any(isinstance(v, bool) for v in value):
        # YAML reads a bare no/yes/on/off as true or false
        raise RulesError(f'{where}: write words such as no, yes, on, off in quotes ("no")')
    return [str(v) for v in value]


def strongest(reasons: Iterable[Reason]) -> Severity | None:
    """The most serious severity among reasons that count (INFO never does)."""
    ranked = [r.severity for r in reasons if r.severity is not Severity.INFO]
    return max(ranked, key=lambda s: s.rank) if ranked else None
