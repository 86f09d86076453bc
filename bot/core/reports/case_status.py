"""The life of a case at the desk: statuses, the moves between them, outcomes, deadlines.

new → acknowledged / in progress / need information → closed (with an outcome) or spam.
A closed or spam case can be reopened (a wrong press must not be final). The deadline
clock only runs while a case is new: nobody at the desk has looked at it yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.i18n import N_


class Status(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "ack"
    IN_PROGRESS = "progress"
    NEED_INFO = "info"
    CLOSED = "closed"
    SPAM = "spam"


STATUS_LABELS = {
    Status.NEW: N_("New"),
    Status.ACKNOWLEDGED: N_("Acknowledged"),
    Status.IN_PROGRESS: N_("In progress"),
    Status.NEED_INFO: N_("Need information"),
    Status.CLOSED: N_("Closed"),
    Status.SPAM: N_("Spam"),
}
STATUS_EMOJI = {
    Status.NEW: "🆕",
    Status.ACKNOWLEDGED: "✅",
    Status.IN_PROGRESS: "🔎",
    Status.NEED_INFO: "❓",
    Status.CLOSED: "🏁",
    Status.SPAM: "🚫",
}
FINISHED = frozenset({Status.CLOSED, Status.SPAM})

TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.NEW: (
        Status.ACKNOWLEDGED,
        Status.IN_PROGRESS,
        Status.NEED_INFO,
        Status.CLOSED,
        Status.SPAM,
    ),
    Status.ACKNOWLEDGED: (Status.IN_PROGRESS, Status.NEED_INFO, Status.CLOSED, Status.SPAM),
    Status.IN_PROGRESS: (Status.NEED_INFO, Status.CLOSED, Status.SPAM),
    Status.NEED_INFO: (Status.IN_PROGRESS, Status.CLOSED, Status.SPAM),
    Status.CLOSED: (Status.IN_PROGRESS,),
    Status.SPAM: (Status.IN_PROGRESS,),
}


class Outcome(StrEnum):
    POLICE = "police"
    PREVENTED = "prevented"
    ACTION = "action"
    REFERRED = "referred"
    NO_INFO = "noinfo"
    UNFOUNDED = "unfounded"


OUTCOME_LABELS = {
    Outcome.POLICE: N_("Passed to the police"),
    Outcome.PREVENTED: N_("Departure prevented"),
    Outcome.ACTION: N_("Action taken against the recruiter or agency"),
    Outcome.REFERRED: N_("Referred to another agency"),
    Outcome.NO_INFO: N_("Not enough information to act"),
    Outcome.UNFOUNDED: N_("No violation found"),
}


def status_of(value: str | None) -> Status | None:
    try:
        return Status(value)
    except ValueError:
        return None


def outcome_of(value: str | None) -> Outcome | None:
    try:
        return Outcome(value)
    except ValueError:
        return None


def can_change(old: Status, new: Status, outcome: Outcome | None = None) -> bool:
    """Whether the desk may move a case from `old` to `new`; closing needs an outcome."""
    if new not in TRANSITIONS[old]:
        return False
    return (new is Status.CLOSED) == (outcome is not None)


@dataclass(frozen=True)
class DeadlineRules:
    """How long the desk has to acknowledge a case, and how often to remind it."""

    urgent: dt.timedelta = dt.timedelta(minutes=15)
    normal: dt.timedelta = dt.timedelta(hours=24)
    max_reminders: int = 3

    def window(self, urgent: bool) -> dt.timedelta:
        return self.urgent if urgent else self.normal

    def ack_due(self, created: dt.datetime, urgent: bool) -> dt.datetime:
        return created + self.window(urgent)

    def next_reminder(self, due: dt.datetime, urgent: bool, sent: int) -> dt.datetime | None:
        """After `sent` reminders: the next one, one window later; None once enough were sent."""
        if sent >= self.max_reminders:
            return None
        return due + self.window(urgent) * sent

    @staticmethod
    def is_overdue(status: Status, due: dt.datetime, now: dt.datetime) -> bool:
        return status is Status.NEW and now >= due
