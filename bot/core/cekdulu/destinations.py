"""Destinations as data: which countries and jobs an offer mentions, and what their status is.

content/destinations.yaml lists countries (with the names and cities people write), job
types, and restrictions that apply to a job in some countries (the moratorium on domestic
work for household employers in the Middle East). Each status carries its explanation,
source and date, so editors change policy by editing the file, not the code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core import yamlfile
from bot.core.cekdulu import phrases
from bot.core.cekdulu.reasons import (
    Kind,
    Reason,
    RulesError,
    Severity,
    Source,
    date,
    source,
    string_list,
    texts,
)

FILE_NAME = "destinations.yaml"


@dataclass(frozen=True)
class Status:
    """What the check says when a country or a restriction applies."""

    severity: Severity
    title: dict[str, str]
    explanation: dict[str, str]
    source: Source
    as_of: dt.date


@dataclass(frozen=True)
class Country:
    id: str
    names: dict[str, str]
    patterns: tuple[re.Pattern[str], ...]
    groups: frozenset[str]
    status: Status | None  # None: nothing to say about the country on its own


@dataclass(frozen=True)
class JobType:
    id: str
    names: dict[str, str]
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Restriction:
    """A job type that may not (or only through one channel) go to some countries."""

    id: str
    countries: frozenset[str]  # country ids and group names
    jobs: frozenset[str]
    status: Status
    official_patterns: tuple[re.Pattern[str], ...]  # words naming the official channel
    official_status: Status | None  # used instead when the text names that channel
    official_countries: frozenset[str] = frozenset()  # where that channel exists (empty: all)

    def applies(self, countries: Sequence[Country], jobs: Sequence[JobType]) -> bool:
        return bool(self.covered(countries)) and any(j.id in self.jobs for j in jobs)

    def covered(self, countries: Sequence[Country]) -> list[Country]:
        """The mentioned countries this restriction is about."""
        return [c for c in countries if ({c.id} | c.groups) & self.countries]

    def official_for(self, countries: Sequence[Country]) -> bool:
        """The official channel exists for every mentioned country the restriction is about
        (a Saudi scheme named in a Kuwait offer does not make the offer official)."""
        if not self.official_countries:
            return True
        return all(({c.id} | c.groups) & self.official_countries for c in self.covered(countries))


@dataclass(frozen=True)
class Destinations:
    countries: tuple[Country, ...]
    jobs: tuple[JobType, ...]
    restrictions: tuple[Restriction, ...]
    _country_index: re.Pattern[str] | None = field(default=None, repr=False)
    _job_index: re.Pattern[str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_country_index", _index(self.countries))
        object.__setattr__(self, "_job_index", _index(self.jobs))

    @classmethod
    def load(cls, directory: Path, languages: Iterable[str]) -> Destinations:
        path = Path(directory) / FILE_NAME
        data = yamlfile.read(path) or {}
        return parse(data, list(languages), FILE_NAME)

    def countries_in(self, clean_text: str) -> list[Country]:
        return _found(self._country_index, self.countries, clean_text)

    def jobs_in(self, clean_text: str) -> list[JobType]:
        return _found(self._job_index, self.jobs, clean_text)

    def group(self, name: str) -> frozenset[str]:
        return frozenset(c.id for c in self.countries if name in c.groups)

    def reasons(
        self, clean_text: str, countries: Sequence[Country], jobs: Sequence[JobType]
    ) -> list[Reason]:
        """A reason for every mentioned country with a status and every restriction that
        applies to the mentioned countries and jobs."""
        found = [_reason(f"destination:{c.id}", c.status) for c in countries if c.status]
        for restriction in self.restrictions:
            if restriction.applies(countries, jobs):
                found.append(_restriction_reason(restriction, clean_text, countries))
        return found


def _index(items: Sequence[Country] | Sequence[JobType]) -> re.Pattern[str] | None:
    """All items' patterns in one expression, a named group per item: one scan finds every
    country (or job) a text mentions.

    Every pattern is whole words, so the word-boundary checks are written once around the
    alternatives instead of once inside each: the scan then tries the 32 countries only where
    a word starts, which made it five times quicker on the labelled offers (the matches are
    the same: `tests/test_cekdulu_rules.py`)."""
    bodies = [
        f"(?P<i{n}>{phrases.body_of(p)})" for n, item in enumerate(items) for p in item.patterns
    ]
    if not bodies:
        return None
    # lower case, like clean text
    return re.compile(phrases.WORD_START + "|".join(bodies) + phrases.WORD_END)


def _found(index: re.Pattern[str] | None, items: Sequence, clean_text: str) -> list:
    if index is None:
        return []
    hits: set[int] = set()
    for match in index.finditer(clean_text):
        hits.add(int(match.lastgroup[1:]) if match.lastgroup else _group(match))
    return [item for n, item in enumerate(items) if n in hits]


def _group(match: re.Match[str]) -> int:
    return next(int(name[1:]) for name, value in match.groupdict().items() if value is not None)


def _reason(reason_id: str, status: Status, found: str = "") -> Reason:
    return Reason(
        id=reason_id,
        kind=Kind.DESTINATION,
        severity=status.severity,
        title=status.title,
        explanation=status.explanation,
        source=status.source,
        as_of=status.as_of,
        found=found,
    )


def _restriction_reason(
    restriction: Restriction, clean_text: str, countries: Sequence[Country]
) -> Reason:
    official = phrases.find(clean_text, restriction.official_patterns)
    if official and restriction.official_status and restriction.official_for(countries):
        return _reason(restriction.id, restriction.official_status, official.words)
    return _reason(restriction.id, restriction.status)


# -- loading ---------------------------------------------------------------------------------
def parse(data: Any, languages: list[str], where: str) -> Destinations:
    if not isinstance(data, dict):
        raise RulesError(f"{where}: must be a mapping with countries, jobs and restrictions")
    countries = tuple(
        _country(item, languages, f"{where}: countries[{n}]")
        for n, item in enumerate(data.get("countries") or [])
    )
    jobs = tuple(
        _job(item, languages, f"{where}: jobs[{n}]")
        for n, item in enumerate(data.get("jobs") or [])
    )
    restrictions = tuple(
        _restriction(item, languages, f"{where}: restrictions[{n}]")
        for n, item in enumerate(data.get("restrictions") or [])
    )
    _check_references(countries, jobs, restrictions, where)
    return Destinations(countries, jobs, restrictions)


def _patterns(item: dict[str, Any], where: str) -> tuple[re.Pattern[str], ...]:
    words = string_list(item.get("patterns"), f"{where}.patterns")
    if not words:
        raise RulesError(f"{where}: needs at least one pattern")
    try:
        return phrases.compile_all(words)
    except phrases.PatternError as exc:
        raise RulesError(f"{where}: {exc}") from None


def _id(item: Any, where: str) -> str:
    if not isinstance(item, dict) or not item.get("id"):
        raise RulesError(f"{where}: needs an id")
    return str(item["id"])


def _status(item: Any, languages: list[str], where: str) -> Status:
    if not isinstance(item, dict):
        raise RulesError(f"{where}: must be a mapping")
    try:
        severity = Severity(item.get("severity"))
    except ValueError:
        raise RulesError(f"{where}.severity: must be danger, check or info") from None
    return Status(
        severity=severity,
        title=texts(item.get("title"), languages, f"{where}.title"),
        explanation=texts(item.get("explanation"), languages, f"{where}.explanation"),
        source=source(item.get("source"), where),
        as_of=date(item.get("as_of"), f"{where}.as_of"),
    )


def _country(item: Any, languages: list[str], where: str) -> Country:
    country_id = _id(item, where)
    where = f"{where} ({country_id})"
    status = item.get("status")
    return Country(
        id=country_id,
        names=texts(item.get("names"), languages, f"{where}.names"),
        patterns=_patterns(item, where),
        groups=frozenset(string_list(item.get("groups"), f"{where}.groups")),
        status=_status(status, languages, f"{where}.status") if status else None,
    )


def _job(item: Any, languages: list[str], where: str) -> JobType:
    job_id = _id(item, where)
    where = f"{where} ({job_id})"
    names = texts(item.get("names"), languages, f"{where}.names")
    return JobType(job_id, names, _patterns(item, where))


def _restriction(item: Any, languages: list[str], where: str) -> Restriction:
    restriction_id = _id(item, where)
    where = f"{where} ({restriction_id})"
    official = item.get("official_channel") or {}
    return Restriction(
        id=restriction_id,
        countries=frozenset(string_list(item.get("countries"), f"{where}.countries")),
        jobs=frozenset(string_list(item.get("jobs"), f"{where}.jobs")),
        status=_status(item, languages, where),
        official_patterns=_patterns(official, f"{where}.official_channel") if official else (),
        official_status=(
            _status(official, languages, f"{where}.official_channel") if official else None
        ),
        official_countries=frozenset(
            string_list(official.get("countries"), f"{where}.official_channel.countries")
        ),
    )


def _check_references(
    countries: Sequence[Country],
    jobs: Sequence[JobType],
    restrictions: Sequence[Restriction],
    where: str,
) -> None:
    places = {c.id for c in countries} | {g for c in countries for g in c.groups}
    job_ids = {j.id for j in jobs}
    for restriction in restrictions:
        if unknown := restriction.countries - places:
            raise RulesError(f"{where}: {restriction.id} names unknown countries {sorted(unknown)}")
        if unknown := restriction.jobs - job_ids:
            raise RulesError(f"{where}: {restriction.id} names unknown jobs {sorted(unknown)}")
        if unknown := restriction.official_countries - places:
            raise RulesError(
                f"{where}: {restriction.id} official_channel names unknown countries "
                f"{sorted(unknown)}"
            )
