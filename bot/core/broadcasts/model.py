"""Broadcasts, without Telegram: what is sent, to whom, in which state, and how far along.

A broadcast's content is the staff member's own Telegram message kept as data (text and
entities, or a file_id with caption and caption entities), so subscribers get exactly what
the staff member wrote, formatting included, and it is never re-parsed as HTML.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")
MAX_SCHEDULE_AHEAD = timedelta(days=30)
DB_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # SQLite's CURRENT_TIMESTAMP format, in UTC
MIN_SAMPLE = 20  # processed recipients before the observed rate is trusted for an ETA


class BroadcastState(StrEnum):
    SCHEDULED = "scheduled"  # confirmed, waiting for its time; recipients not chosen yet
    SENDING = "sending"  # recipients chosen, delivery in progress (also after a restart)
    DONE = "done"
    CANCELLED = "cancelled"


class RecipientState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # the request may be in flight: re-sent after a crash (the bound)
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"  # 403 / chat gone: the subscriber became inactive


class ContentKind(StrEnum):
    TEXT = "text"
    PHOTO = "photo"
    DOCUMENT = "document"


@dataclass(frozen=True)
class MessageContent:
    """A Telegram message as data: text or caption, its entities, and a file_id for media."""

    kind: ContentKind
    text: str = ""
    entities: tuple[dict[str, Any], ...] = ()
    file_id: str | None = None

    def to_json(self) -> str:
        return json.dumps(
            {
                "kind": self.kind.value,
                "text": self.text,
                "entities": list(self.entities),
                "file_id": self.file_id,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: str) -> MessageContent:
        data = json.loads(raw)
        return cls(
            ContentKind(data["kind"]),
            data.get("text") or "",
            tuple(data.get("entities") or ()),
            data.get("file_id"),
        )


@dataclass(frozen=True)
class Audience:
    """Who gets it: everyone, or subscribers in any of `languages` / any of `provinces`.

    Both filters empty means everyone; both set means both must match.
    """

    languages: frozenset[str] = field(default_factory=frozenset)
    provinces: frozenset[str] = field(default_factory=frozenset)

    @property
    def everyone(self) -> bool:
        return not self.languages and not self.provinces

    def matches(self, language: str | None, province: str | None) -> bool:
        if self.languages and language not in self.languages:
            return False
        return not self.provinces or province in self.provinces

    def to_json(self) -> str:
        return json.dumps(
            {"languages": sorted(self.languages), "provinces": sorted(self.provinces)}
        )

    @classmethod
    def from_json(cls, raw: str) -> Audience:
        data = json.loads(raw)
        return cls(frozenset(data.get("languages", ())), frozenset(data.get("provinces", ())))


@dataclass(frozen=True)
class Counts:
    """Recipients of one broadcast by state."""

    queued: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0

    @classmethod
    def from_states(cls, by_state: dict[str, int]) -> Counts:
        return cls(**{state.value: by_state.get(state.value, 0) for state in RecipientState})

    @property
    def total(self) -> int:
        return self.queued + self.sending + self.sent + self.failed + self.blocked

    @property
    def processed(self) -> int:
        return self.sent + self.failed + self.blocked

    @property
    def remaining(self) -> int:
        return self.queued + self.sending


def eta_seconds(remaining: int, processed: int, elapsed: float, nominal_rate: float) -> float:
    """Time left: the observed rate once there is enough of a sample, else the nominal one."""
    if remaining <= 0:
        return 0.0
    rate = nominal_rate
    if processed >= MIN_SAMPLE and elapsed > 0:
        rate = min(processed / elapsed, nominal_rate)
    return remaining / rate if rate > 0 else float("inf")


def duration_parts(seconds: float) -> tuple[int, int]:
    """(minutes, seconds) rounded up to whole seconds, for "~3 min 20 s"."""
    total = max(0, int(-(-seconds // 1)))
    return total // 60, total % 60


class ScheduleError(ValueError):
    """`reason` is one of "format", "past", "too_far"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_FULL = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2})[:.](\d{2})$")
_DMY = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4}) (\d{1,2})[:.](\d{2})$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


def parse_schedule(text: str, now: datetime) -> datetime:
    """A Jakarta (WIB) time typed by staff → an aware UTC datetime in the future.

    Accepts `2025-03-01 08:00`, `01/03/2025 08:00`, or `08:00` (today, or tomorrow if that
    time has passed). Raises ScheduleError.
    """
    local_now = now.astimezone(JAKARTA)
    when = _parse_local(text.strip(), local_now)
    if when <= local_now:
        raise ScheduleError("past")
    if when - local_now > MAX_SCHEDULE_AHEAD:
        raise ScheduleError("too_far")
    return when.astimezone(UTC)


def _parse_local(text: str, local_now: datetime) -> datetime:
    try:
        if match := _FULL.match(text):
            year, month, day, hour, minute = map(int, match.groups())
        elif match := _DMY.match(text):
            day, month, year, hour, minute = map(int, match.groups())
        elif match := _TIME.match(text):
            hour, minute = map(int, match.groups())
            when = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
            return when if when > local_now else when + timedelta(days=1)
        else:
            raise ScheduleError("format")
        return datetime(year, month, day, hour, minute, tzinfo=JAKARTA)
    except ValueError as exc:
        if isinstance(exc, ScheduleError):
            raise
        raise ScheduleError("format") from None


def example_times(now: datetime) -> tuple[str, str]:
    """Tomorrow at 08:00 WIB in both accepted date formats, for prompts: an example in the
    past would read as a mistake (and be refused)."""
    tomorrow = now.astimezone(JAKARTA) + timedelta(days=1)
    return tomorrow.strftime("%Y-%m-%d 08:00"), tomorrow.strftime("%d/%m/%Y 08:00")


def to_db_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(DB_TIME_FORMAT)


def from_db_time(text: str) -> datetime:
    return datetime.strptime(text, DB_TIME_FORMAT).replace(tzinfo=UTC)


def jakarta_label(moment: datetime) -> str:
    """`2025-03-01 08:00 WIB`."""
    return moment.astimezone(JAKARTA).strftime("%Y-%m-%d %H:%M") + " WIB"


@dataclass(frozen=True)
class PaidEstimate:
    """What staff weigh before choosing "paid, fast": both durations and the Stars price."""

    free_seconds: float
    paid_seconds: float
    stars: int


def paid_estimate(
    size: int, free_rate: float, paid_rate: float, stars_per_message: float
) -> PaidEstimate:
    """Sending time at each rate and the cost, rounded up to whole Stars (Telegram charges
    per message sent; blocked or failed recipients may cost less, never more)."""
    stars = math.ceil(round(size * stars_per_message, 6))
    return PaidEstimate(size / free_rate, size / paid_rate, stars)


def hours_parts(seconds: float) -> tuple[int, int, int]:
    """(hours, minutes, seconds) rounded up to whole seconds, for long sends."""
    minutes, secs = duration_parts(seconds)
    return minutes // 60, minutes % 60, secs
