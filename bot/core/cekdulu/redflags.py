"""Red flags in the text of an offer, as rules editors keep in content/redflags.yaml.

A rule has an id, a severity (danger / check), patterns in Indonesian and English (see
bot/core/cekdulu/phrases.py for the pattern language), words that cancel a match when they come
just before it ("tanpa biaya" is not a fee), an optional condition on the destination or
job the text mentions, an explanation per language and a source. One special rule reads
the promised salary and compares it with a ceiling for the destination and job.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core.cekdulu import phrases
from bot.core.cekdulu.destinations import Country, JobType
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
from bot.core.cekdulu.salary import SalaryReader

FILE_NAME = "redflags.yaml"
SALARY = "salary"


@dataclass(frozen=True)
class Context:
    """What a rule may look at: the clean text, the raw text (for money), and what the
    destination file found in it."""

    clean: str
    raw: str
    countries: Sequence[Country]
    jobs: Sequence[JobType]
    warnings: Sequence[re.Pattern[str]] = ()


@dataclass(frozen=True)
class Ceilings:
    """The highest plausible monthly salary (rupiah) per country, country group and job;
    the lowest that applies is used. Editorial thresholds, not facts: never shown."""

    default: float
    countries: Mapping[str, float]
    groups: Mapping[str, float]
    jobs: Mapping[str, float]

    def for_offer(self, countries: Sequence[Country], jobs: Sequence[JobType]) -> float:
        found = [self.default]
        found += [self.countries[c.id] for c in countries if c.id in self.countries]
        found += [self.groups[g] for c in countries for g in c.groups if g in self.groups]
        found += [self.jobs[j.id] for j in jobs if j.id in self.jobs]
        return min(found)


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: dict[str, str]
    explanation: dict[str, str]
    source: Source
    as_of: dt.date
    patterns: tuple[re.Pattern[str], ...] = ()
    negations: frozenset[str] = frozenset()
    needs_groups: frozenset[str] = frozenset()  # a mentioned country must be in one
    needs_jobs: frozenset[str] = frozenset()  # one of these jobs must be mentioned
    salary: tuple[SalaryReader, Ceilings] | None = None

    def match(self, context: Context) -> str | None:
        """The words that trigger the rule ("" for a rule of conditions only), or None."""
        if not self._condition_met(context):
            return None
        if self.salary is not None:
            return self._salary_match(context)
        if not self.patterns:
            return ""  # the conditions alone make the rule
        hit = phrases.find(context.clean, self.patterns, self.negations, context.warnings)
        return hit.words if hit else None

    def _condition_met(self, context: Context) -> bool:
        if self.needs_groups:
            groups = {g for c in context.countries for g in c.groups} | {
                c.id for c in context.countries
            }
            if not groups & self.needs_groups:
                return False
        return not self.needs_jobs or any(j.id in self.needs_jobs for j in context.jobs)

    def _salary_match(self, context: Context) -> str | None:
        reader, ceilings = self.salary  # type: ignore[misc]
        found = reader.highest(context.raw)
        if found is None or found.idr <= ceilings.for_offer(context.countries, context.jobs):
            return None
        return found.text

    def reason(self, found: str) -> Reason:
        return Reason(
            id=self.id,
            kind=Kind.RULE,
            severity=self.severity,
            title=self.title,
            explanation=self.explanation,
            source=self.source,
            as_of=self.as_of,
            found=found,
        )


@dataclass(frozen=True)
class RedFlags:
    rules: tuple[Rule, ...]
    aliases: Mapping[str, str]
    warnings: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def load(cls, directory: Path, languages: Iterable[str]) -> RedFlags:
        path = Path(directory) / FILE_NAME
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return parse(data, list(languages), FILE_NAME)

    def clean(self, text: str) -> str:
        return phrases.clean(text, self.aliases)

    def context(self, text: str, clean: str, countries, jobs) -> Context:
        return Context(clean, text, countries, jobs, self.warnings)

    def reasons(self, context: Context) -> list[Reason]:
        found = ((rule, rule.match(context)) for rule in self.rules)
        return [rule.reason(words) for rule, words in found if words is not None]

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


# -- loading ---------------------------------------------------------------------------------
def parse(data: Any, languages: list[str], where: str) -> RedFlags:
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RulesError(f"{where}: must be a mapping with a list of rules")
    aliases = data.get("aliases") or {}
    if not isinstance(aliases, dict):
        raise RulesError(f"{where}: aliases must map a word to the word rules use")
    rules = [_rule(item, languages, f"{where}: rules[{n}]") for n, item in enumerate(data["rules"])]
    ids = [r.id for r in rules]
    if duplicates := sorted({i for i in ids if ids.count(i) > 1}):
        raise RulesError(f"{where}: duplicate rule ids {duplicates}")
    try:
        warnings = phrases.compile_all(string_list(data.get("warnings"), f"{where}: warnings"))
    except phrases.PatternError as exc:
        raise RulesError(f"{where}: warnings: {exc}") from None
    aliases = {str(k).lower(): str(v).lower() for k, v in aliases.items()}
    return RedFlags(tuple(rules), aliases, warnings)


def _rule(item: Any, languages: list[str], where: str) -> Rule:
    if not isinstance(item, dict) or not item.get("id"):
        raise RulesError(f"{where}: needs an id")
    where = f"{where} ({item['id']})"
    try:
        severity = Severity(item.get("severity"))
    except ValueError:
        raise RulesError(f"{where}.severity: must be danger or check") from None
    return Rule(
        id=str(item["id"]),
        severity=severity,
        title=texts(item.get("title"), languages, f"{where}.title"),
        explanation=texts(item.get("explanation"), languages, f"{where}.explanation"),
        source=source(item.get("source"), where),
        as_of=date(item.get("as_of"), f"{where}.as_of"),
        patterns=_patterns(item, languages, where),
        negations=frozenset(w.lower() for w in string_list(item.get("not_after"), where)),
        needs_groups=frozenset(string_list(item.get("only_in"), f"{where}.only_in")),
        needs_jobs=frozenset(string_list(item.get("only_for_jobs"), f"{where}.only_for_jobs")),
        salary=_salary(item.get(SALARY), where) if item.get(SALARY) else None,
    )


def _patterns(item: dict[str, Any], languages: list[str], where: str) -> tuple[re.Pattern, ...]:
    """Patterns per language; every language needs some unless the rule reads the salary."""
    given = item.get("patterns") or {}
    if not isinstance(given, dict):
        raise RulesError(f"{where}.patterns: must map a language to a list of patterns")
    words: list[str] = []
    for lang in languages:
        found = string_list(given.get(lang), f"{where}.patterns.{lang}")
        conditions_only = item.get("only_in") or item.get("only_for_jobs")
        if not found and not item.get(SALARY) and not conditions_only:
            raise RulesError(f"{where}.patterns: no {lang!r} patterns")
        words += found
    try:
        return phrases.compile_all(words)
    except phrases.PatternError as exc:
        raise RulesError(f"{where}: {exc}") from None


def _salary(data: Any, where: str) -> tuple[SalaryReader, Ceilings]:
    where = f"{where}.salary"
    if not isinstance(data, dict):
        raise RulesError(f"{where}: must be a mapping")
    try:
        reader = SalaryReader(
            currencies={str(k).lower(): str(v) for k, v in data["currencies"].items()},
            rates_idr={str(k): float(v) for k, v in data["rates_idr"].items()},
            salary_words=tuple(string_list(data["salary_words"], f"{where}.salary_words")),
            fee_words=tuple(string_list(data["fee_words"], f"{where}.fee_words")),
        )
        limits = data["ceilings_idr"]
        ceilings = Ceilings(
            default=float(limits["default"]),
            countries=_amounts(limits.get("countries")),
            groups=_amounts(limits.get("groups")),
            jobs=_amounts(limits.get("jobs")),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RulesError(f"{where}: incomplete or invalid ({exc})") from None
    if unknown := set(reader.currencies.values()) - set(reader.rates_idr):
        raise RulesError(f"{where}: no rate for {sorted(unknown)}")
    return reader, ceilings


def _amounts(value: Any) -> dict[str, float]:
    return {str(k): float(v) for k, v in (value or {}).items()}
