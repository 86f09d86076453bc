"""Tip-off reports: what a report holds, its categories, input limits and case codes.

A report is built step by step in a `Draft` (kept between messages and across restarts as
JSON), then stored once, whole. Case codes are what a reporter keeps: short, easy to read
aloud or copy by hand, so the alphabet leaves out look-alikes (0/O, 1/I/L).
"""

from __future__ import annotations

import dataclasses
import re
import secrets
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.core.choices import province_resolver
from bot.core.provinces import Province, Provinces
from bot.i18n import N_


class Category(StrEnum):
    RECRUITER = "recruiter"
    DEPARTURE = "departure"
    FAKE_JOB = "fake_job"
    ABROAD = "abroad"
    AGENCY = "agency"
    OTHER = "other"


CATEGORY_LABELS = {
    Category.RECRUITER: N_("Illegal recruiter (calo/sponsor)"),
    Category.DEPARTURE: N_("Departure about to happen"),
    Category.FAKE_JOB: N_("Fake job ad or online recruitment"),
    Category.ABROAD: N_("Someone in trouble abroad"),
    Category.AGENCY: N_("Misconduct by a licensed agency (P3MI)"),
    Category.OTHER: N_("Something else"),
}
CATEGORY_EMOJI = {
    Category.RECRUITER: "🕴",
    Category.DEPARTURE: "🚨",
    Category.FAKE_JOB: "📱",
    Category.ABROAD: "🌏",
    Category.AGENCY: "🏢",
    Category.OTHER: "📝",
}


class When(StrEnum):
    """Quick answers to "when?"; a typed answer is kept as text instead."""

    TODAY = "today"
    TOMORROW = "tomorrow"
    WEEK = "week"
    LATER = "later"


WHEN_LABELS = {
    When.TODAY: N_("Today or tonight"),
    When.TOMORROW: N_("Tomorrow"),
    When.WEEK: N_("Within a week"),
    When.LATER: N_("Later"),
}
URGENT_CATEGORIES = frozenset({Category.DEPARTURE})
URGENT_WHEN = frozenset({When.TODAY, When.TOMORROW})

# Input limits: a card (with identifiers and status) must fit Telegram's 4096 characters.
MAX_PLACE = 200
MAX_WHEN = 100
MIN_DETAILS = 10
MAX_DETAILS = 3000
MAX_NOTE = 1000
MAX_EVIDENCE = 10
MAX_FILE_BYTES = 20 * 1024 * 1024
ABROAD = "abroad"  # the province value for "outside Indonesia"
UNKNOWN = "unknown"  # the province value for "I don't know"
SPECIAL_PLACES = {ABROAD: N_("Abroad (outside Indonesia)"), UNKNOWN: N_("Province not known")}

# Evidence kinds: files are copied to the desk; notes (typed text, links) go on the card.
FILE_KINDS = ("photo", "document", "video", "voice", "audio", "animation", "video_note")
COPY_ONLY_KINDS = ("location", "video_note")  # copied, but Telegram allows no caption
NOTE = "note"


@dataclass
class Evidence:
    kind: str
    message_id: int | None = None
    file_id: str | None = None
    file_size: int | None = None
    text: str | None = None  # the caption of a file, or the note itself

    @property
    def is_file(self) -> bool:
        return self.kind != NOTE


@dataclass
class ShownIdentity:
    """What a reporter chose to let the desk see; absent means hidden (the default)."""

    user_id: int
    name: str
    username: str | None = None
    phone: str | None = None


@dataclass
class Draft:
    """A report being written. `step` is where the reporter is, for resuming later."""

    step: str = "category"
    category: str | None = None
    province: str | None = None
    place: str | None = None
    when: str | None = None  # a When value or the reporter's own words
    details: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    show_identity: bool = False
    identity: ShownIdentity | None = None
    editing: bool = False

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draft:
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["evidence"] = [Evidence(**item) for item in values.get("evidence") or []]
        if values.get("identity"):
            values["identity"] = ShownIdentity(**values["identity"])
        return cls(**values)

    @property
    def urgent(self) -> bool:
        return is_urgent(self.category, self.when)

    @property
    def complete(self) -> bool:
        return bool(self.category and self.province and self.details)

    def files(self) -> list[Evidence]:
        return [item for item in self.evidence if item.is_file]

    def notes(self) -> list[Evidence]:
        return [item for item in self.evidence if not item.is_file]

    def all_text(self) -> str:
        """Everything the reporter typed, for pulling out phone numbers, links and names."""
        parts = [self.place, self.when, self.details, *(e.text for e in self.evidence)]
        return "\n".join(p for p in parts if p)


def is_urgent(category: str | None, when: str | None) -> bool:
    """A departure about to happen is urgent, and so is anything happening today/tomorrow."""
    return category in URGENT_CATEGORIES or when in URGENT_WHEN


def category_of(value: str | None) -> Category | None:
    try:
        return Category(value)
    except ValueError:
        return None


# -- text ------------------------------------------------------------------------------------
class TextProblem(StrEnum):
    EMPTY = "empty"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"


def clean_text(text: str | None) -> str:
    """Trim, drop control characters (keeping line breaks), squeeze runs of blank lines."""
    text = "".join(ch for ch in (text or "") if ch in "\n\t" or ch.isprintable())
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def check_text(text: str, maximum: int, minimum: int = 1) -> TextProblem | None:
    if not text:
        return TextProblem.EMPTY
    if len(text) < minimum:
        return TextProblem.TOO_SHORT
    if len(text) > maximum:
        return TextProblem.TOO_LONG
    return None


# -- case codes ------------------------------------------------------------------------------
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
CODE_PREFIX = "LP"
CODE_LENGTH = 5  # 31^5 ≈ 28.6 million codes
_CODE_BODY = re.compile(rf"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")


def new_code() -> str:
    """A random case code such as "LP-7KQ4M" (uniqueness is the database's job)."""
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{CODE_PREFIX}-{body}"


def normalise_code(text: str | None) -> str | None:
    """Read a code as people type it ("lp 7kq4m", "7KQ4M", "LP-7KQ4M"); None if it is none.

    The body never contains an L, so a leading "LP" is always the prefix."""
    compact = re.sub(r"[\s\-_.:#]", "", (text or "").upper())
    compact = compact.removeprefix(CODE_PREFIX)
    if not _CODE_BODY.fullmatch(compact):
        return None
    return f"{CODE_PREFIX}-{compact}"


# -- provinces typed instead of tapped -------------------------------------------------------
def match_province(text: str, provinces: Provinces) -> Province | None:
    """The province someone typed ("Jatim", "jawa timur", "Jawa Timr"), or None; the one
    resolver of typed choices (bot/core/choices.py) decides."""
    return provinces.get(province_resolver(provinces).resolve(text).found)
