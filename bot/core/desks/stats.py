"""The desk's picture in numbers, without Telegram or SQL: what `/stats`, the weekly digest and
the charts show.

`CaseRow`s come from storage; `summarise` turns them into a `Snapshot` of small tables
(reports per week by category, cases by province, time to first acknowledgement against the
deadlines, open cases by age, outcomes over time). Counts only: nothing here identifies a
reporter.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

AGE_BINS: tuple[tuple[str, dt.timedelta], ...] = (
    ("<1d", dt.timedelta(days=1)),
    ("1-3d", dt.timedelta(days=3)),
    ("3-7d", dt.timedelta(days=7)),
    ("7-30d", dt.timedelta(days=30)),
    (">30d", dt.timedelta.max),
)
OPEN_STATUSES = frozenset({"new", "ack", "progress", "info"})
PREVENTED = "prevented"


@dataclass(frozen=True)
class CaseRow:
    """One case as the statistics see it."""

    created_at: dt.datetime
    category: str
    province: str
    urgent: bool
    status: str
    outcome: str | None
    closed_at: dt.datetime | None
    first_ack_at: dt.datetime | None  # first move away from "new", if any
    ack_due_at: dt.datetime
    people: int | None = None  # people kept from leaving, when the outcome says so


@dataclass(frozen=True)
class AckTimes:
    """Acknowledgements against the deadline, per kind of case."""

    in_time: int = 0
    late: int = 0
    waiting_in_time: int = 0  # not acknowledged yet, deadline not passed
    waiting_late: int = 0  # not acknowledged yet, deadline passed

    @property
    def total(self) -> int:
        return self.in_time + self.late + self.waiting_in_time + self.waiting_late


@dataclass
class Snapshot:
    since: dt.date
    until: dt.datetime
    cases: int = 0
    weeks: list[dt.date] = field(default_factory=list)
    per_week: dict[str, list[int]] = field(default_factory=dict)  # category -> count per week
    by_province: list[tuple[str, int]] = field(default_factory=list)  # most first
    ack: dict[str, AckTimes] = field(default_factory=dict)  # "urgent" / "normal"
    open_by_age: list[tuple[str, int]] = field(default_factory=list)
    outcomes: list[tuple[str, int]] = field(default_factory=list)  # most first
    people_prevented: int = 0
    prevented_by_week: list[int] = field(default_factory=list)  # cumulative people
    checks_by_verdict: list[tuple[str, int]] = field(default_factory=list)
    top_checked: list[tuple[str, str, int]] = field(default_factory=list)  # kind, value, n


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week `day` is in."""
    return day - dt.timedelta(days=day.weekday())


def weeks_between(since: dt.date, until: dt.date) -> list[dt.date]:
    first, last = week_start(since), week_start(until)
    weeks = []
    while first <= last:
        weeks.append(first)
        first += dt.timedelta(days=7)
    return weeks


def summarise(rows: Iterable[CaseRow], since: dt.date, now: dt.datetime) -> Snapshot:
    """Every table of the picture for cases created on or after `since`."""
    cases = [r for r in rows if r.created_at.date() >= since]
    snap = Snapshot(since=since, until=now, cases=len(cases))
    snap.weeks = weeks_between(since, now.date())
    snap.per_week = _per_week(cases, snap.weeks)
    snap.by_province = Counter(r.province for r in cases).most_common()
    snap.ack = {
        "urgent": _ack_times([r for r in cases if r.urgent], now),
        "normal": _ack_times([r for r in cases if not r.urgent], now),
    }
    snap.open_by_age = _open_by_age(cases, now)
    closed = [r for r in cases if r.outcome]
    snap.outcomes = Counter(r.outcome for r in closed if r.outcome).most_common()
    snap.people_prevented = sum(_people(r) for r in closed)
    snap.prevented_by_week = _cumulative_prevented(closed, snap.weeks)
    return snap


def _people(row: CaseRow) -> int:
    """People a case kept from leaving: the number the desk gave, else none counted."""
    if row.outcome != PREVENTED:
        return 0
    return max(row.people or 0, 0)


def _per_week(cases: Sequence[CaseRow], weeks: list[dt.date]) -> dict[str, list[int]]:
    index = {week: n for n, week in enumerate(weeks)}
    table: dict[str, list[int]] = defaultdict(lambda: [0] * len(weeks))
    for row in cases:
        position = index.get(week_start(row.created_at.date()))
        if position is not None:
            table[row.category][position] += 1
    return dict(sorted(table.items(), key=lambda item: -sum(item[1])))


def _ack_times(cases: Sequence[CaseRow], now: dt.datetime) -> AckTimes:
    counts: Counter[str] = Counter()
    for row in cases:
        if row.first_ack_at is not None:
            counts["in_time" if row.first_ack_at <= row.ack_due_at else "late"] += 1
        elif row.status == "new":
            counts["waiting_in_time" if now < row.ack_due_at else "waiting_late"] += 1
    return AckTimes(**counts)


def _open_by_age(cases: Sequence[CaseRow], now: dt.datetime) -> list[tuple[str, int]]:
    counts = dict.fromkeys((label for label, _ in AGE_BINS), 0)
    for row in cases:
        if row.status not in OPEN_STATUSES:
            continue
        age = now - row.created_at
        label = next(label for label, limit in AGE_BINS if age < limit)
        counts[label] += 1
    return list(counts.items())


def _cumulative_prevented(closed: Sequence[CaseRow], weeks: list[dt.date]) -> list[int]:
    per_week: Counter[dt.date] = Counter()
    for row in closed:
        per_week[week_start((row.closed_at or row.created_at).date())] += _people(row)
    total, out = 0, []
    for week in weeks:
        total += per_week.get(week, 0)
        out.append(total)
    return out
