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
    """How a closed case ended. The stored values stay readable words.

    The first six are what the desk chooses from today. `referred`, `noinfo` and `unfounded`
    were offered before; closed cases keep them (they are not the same claim as "not
    confirmed", so they are not rewritten), cards and stats still name them, and they are
    no longer offered."""

    PREVENTED = "prevented"
    POLICE = "police"
    ACTION = "action"
    HELPED = "helped"
    NOT_CONFIRMED = "unconfirmed"
    DUPLICATE = "duplicate"
    REFERRED = "referred"
    NO_INFO = "noinfo"
    UNFOUNDED = "unfounded"


# The outcomes the desk can choose when closing, in the order of the buttons.
CHOICES = (
    Outcome.PREVENTED,
    Outcome.POLICE,
    Outcome.ACTION,
    Outcome.HELPED,
    Outcome.NOT_CONFIRMED,
    Outcome.DUPLICATE,
)
LEGACY = frozenset(set(Outcome) - set(CHOICES))

OUTCOME_LABELS = {
    Outcome.POLICE: N_("Passed to the police"),
    Outcome.PREVENTED: N_("Departure prevented"),
    Outcome.ACTION: N_("Action taken against the recruiter or agency"),
    Outcome.HELPED: N_("Person helped or brought home"),
    Outcome.NOT_CONFIRMED: N_("Not confirmed"),
    Outcome.DUPLICATE: N_("Duplicate of another report"),
    Outcome.REFERRED: N_("Referred to another agency"),
    Outcome.NO_INFO: N_("Not enough information to act"),
    Outcome.UNFOUNDED: N_("No violation found"),
}

# How many people one "departure prevented" may count: a typo like 3000 for 3 is refused
# rather than inflating the desk's headline number.
MAX_PEOPLE = 500


def people_of(value: object) -> int | None:
    """A count of people the desk gave (typed or from a button), or None if it is not a
    whole number from 1 to MAX_PEOPLE."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text.isascii() or not text.isdigit():
            return None
        value = int(text)
    if not isinstance(value, int) or not 1 <= value <= MAX_PEOPLE:
        return None
    return value


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


def can_change(
    old: Status, new: Status, outcome: Outcome | None = None, people: int | None = None
) -> bool:
    """Whether the desk may move a case from `old` to `new`. Closing needs an outcome the
    desk can choose today; "departure prevented" also needs how many people, and nothing
    else carries a count."""
    if new not in TRANSITIONS[old]:
        return False
    if new is not Status.CLOSED:
        return outcome is None and people is None
    if outcome is None or outcome in LEGACY:
        return False
    if outcome is Outcome.PREVENTED:
        return people is not None and people_of(people) == people
    return people is None


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
