"""Wall-clock time behind one small object, so deadlines and retention can be tested by
moving time forward instead of waiting for it."""

from __future__ import annotations

import datetime as dt


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def to_text(moment: dt.datetime) -> str:
    """The one timestamp format stored in the database: ISO 8601 in UTC, to the second.

    One fixed format keeps text comparisons in SQL (`created_at < ?`) correct."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def from_text(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


class Clock:
    """The system clock."""

    def now(self) -> dt.datetime:
        return utc_now()

    def timestamp(self) -> float:
        return self.now().timestamp()


class ShiftedClock(Clock):
    """Real time plus an offset that tests move forward ("16 minutes later") while
    everything that waits in real time (retries, polling) keeps working."""

    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def now(self) -> dt.datetime:
        return utc_now() + self.offset

    def advance(self, **delta: float) -> dt.datetime:
        self.offset += dt.timedelta(**delta)
        return self.now()
