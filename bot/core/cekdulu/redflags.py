"""Red flags in the text of an offer, as rules editors keep in content/redflags.yaml.

A rule has an id, a severity (danger / check), patterns in Indonesian and English (see
bot/core/cekdulu/phrases.py for the pattern language), words that cancel a match when they come
just before it ("tanpa biaya" is not a fee), an optional condition on the destination or
job the text mentions, an explanation per language and a source. One special rule reads
the promised salary and compares it with a ceiling for the destination and job.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core import yamlfile
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
from bot.core.cekdulu.wages import Wage

FILE_NAME = "redflags.yaml"
SALARY = "salary"
WEAK_SIGNS = "weak-signs"  # the id of the reason for several weak signs together


@dataclass(frozen=True)
class Context:
    """What a rule may look at: the clean text (with the way back to the user's words), the
    raw text (for money), what the destination file found in it, and the official wage
    levels that fit the offer's country and job."""

    clean: str
    raw: str
    countries: Sequence[Country]
    jobs: Sequence[JobType]
    warnings: Sequence[re.Pattern[str]] = ()
    cleaned: phrases.Cleaned | None = None
    wages: Sequence[Wage] = ()
    cancelled: list[phrases.Hit] = field(default_factory=list)  # matches a negation undid
    trip: bool = False  # a leisure or worship trip that never speaks of work (RedFlags.trip)
    quoted: list[phrases.Hit] = field(default_factory=list)  # red flags only inside a quotation

    @property
    def mapped(self) -> phrases.Cleaned:
        return self.cleaned if self.cleaned is not None else phrases.Cleaned(self.clean)


@dataclass(frozen=True)
class Found:
    """What triggered a rule: the user's own words, and data for the answer (a wage)."""

    words: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Advice:
    """Words that make a text read as a warning, advice or news rather than an offer, and
    words that make it read as an offer (see checker.reads_as_advice)."""

    warning: tuple[re.Pattern[str], ...] = ()
    news: tuple[re.Pattern[str], ...] = ()
    offer: tuple[re.Pattern[str], ...] = ()
    min_points: int = 2


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
    negation: phrases.Negation = field(default_factory=phrases.Negation)  # + the file's
    needs_groups: frozenset[str] = frozenset()  # a mentioned country must be in one
    needs_jobs: frozenset[str] = frozenset()  # one of these jobs must be mentioned
    not_for_trips: bool = False  # silent in a leisure or worship trip (see RedFlags.trip)
    money: bool = False  # about a payment: `paid_properly` cancels it too
    salary: SalaryReader | None = None

    def match(self, context: Context) -> Found | None:
        """The user's words that trigger the rule ("" for a rule of conditions only), or
        None."""
        if not self._condition_met(context):
            return None
        if self.salary is not None:
            return self._salary_match(context)
        if not self.patterns:
            return Found("")  # the conditions alone make the rule
        mapped = context.mapped
        n = self.negation
        negation = (
            n if (n.words or n.scopes or n.after or n.within) else phrases.Negation(self.negations)
        )
        hit = phrases.find(mapped, self.patterns, negation, context.warnings, context.cancelled)
        if hit is None:
            return None
        if mapped.quoted(hit.start, hit.end):
            # still a red flag, but one the writer may be quoting to warn about it
            context.quoted.append(hit)
        return Found(mapped.original(hit.start, hit.end))

    def _condition_met(self, context: Context) -> bool:
        if self.not_for_trips and context.trip:
            return False
        if self.needs_groups:
            groups = {g for c in context.countries for g in c.groups} | {
                c.id for c in context.countries
            }
            if not groups & self.needs_groups:
                return False
        return not self.needs_jobs or any(j.id in self.needs_jobs for j in context.jobs)

    def _salary_match(self, context: Context) -> Found | None:
        """Far above the official level for the same country and job; no level, no word
        about pay."""
        reader = self.salary
        if reader is None or not context.wages:
            return None
        found = reader.highest(context.raw)
        if found is None:
            return None
        limits = [
            (w.amount * reader.rates_idr[w.currency] * w.flag_above, w)
            for w in context.wages
            if w.currency in reader.rates_idr
        ]
        if not limits:
            return None
        limit, wage = max(limits, key=lambda pair: pair[0])
        return Found(found.text, {"wage": wage}) if found.idr > limit else None

    def reason(self, found: Found | str) -> Reason:
        if isinstance(found, str):
            found = Found(found)
        return Reason(
            id=self.id,
            kind=Kind.RULE,
            severity=self.severity,
            title=self.title,
            explanation=self.explanation,
            source=self.source,
            as_of=self.as_of,
            found=found.words,
            data=found.data,
        )


@dataclass(frozen=True)
class Sign:
    """A weak sign (`weak_signs.signs`): common in genuine texts too, so it says nothing
    alone, but several different ones together point to a scam ("kerja gampang gaji besar"
    + "WA only" + "jangan bilang keluarga"). Negations and warnings cancel it like a rule."""

    id: str
    name: dict[str, str]
    patterns: tuple[re.Pattern[str], ...]
    negation: phrases.Negation = field(default_factory=phrases.Negation)

    def match(self, context: Context) -> str | None:
        """The user's words that show the sign, or None. A sign only inside a quotation is
        recorded in `context.quoted`, like a rule's red flag."""
        mapped = context.mapped
        hit = phrases.find(mapped, self.patterns, self.negation, context.warnings)
        if hit is None:
            return None
        if mapped.quoted(hit.start, hit.end):
            context.quoted.append(hit)
        return mapped.original(hit.start, hit.end)


@dataclass(frozen=True)
class WeakSigns:
    """How weak signs combine (`weak_signs` in redflags.yaml): the signs of the list, and the
    rules of severity check named in `rules`, each count once; `check_at` different ones
    make "needs checking", `danger_at` make "danger signs found". A text that reads as
    advice keeps its own verdict (checker.py), so an official warning listing the same
    signs is never "danger"."""

    signs: tuple[Sign, ...] = ()
    rules: tuple[str, ...] = ()
    check_at: int = 0  # 0: never
    danger_at: int = 0
    title: dict[str, str] = field(default_factory=dict)
    explanation: dict[str, str] = field(default_factory=dict)
    source: Source | None = None
    as_of: dt.date | None = None

    def found(self, context: Context, reasons: Sequence[Reason]) -> list[tuple[dict, str]]:
        """(name per language, the user's words) of every sign in the text."""
        found = [(dict(r.title), r.found) for r in reasons if r.id in self.rules]
        for sign in self.signs:
            words = sign.match(context)
            if words is not None and not _same_words(words, [w for _, w in found]):
                found.append((sign.name, words))
        return found

    def _rules_in(self, reasons: Sequence[Reason]) -> int:
        return sum(1 for r in reasons if r.id in self.rules)

    def reason(self, context: Context, reasons: Sequence[Reason]) -> Reason | None:
        """One reason for the signs together when there are enough of them, else None."""
        if not (self.check_at or self.danger_at):
            return None
        found = self.found(context, reasons)
        count = len(found)
        if self.danger_at and count >= self.danger_at:
            severity = Severity.DANGER
        elif self.check_at and count >= self.check_at and len(found) > self._rules_in(reasons):
            severity = Severity.CHECK  # only when a sign adds to what the rules say
        else:
            return None
        if count == 1:
            title = {lang: _capitalised(name) for lang, name in found[0][0].items()}
        else:
            title = {
                lang: f"{text}: " + "; ".join(name.get(lang, "") for name, _ in found)
                for lang, text in self.title.items()
            }
        return Reason(
            id=WEAK_SIGNS,
            kind=Kind.RULE,
            severity=severity,
            title=title,
            explanation=self.explanation,
            source=self.source,
            as_of=self.as_of,
            found=" … ".join(words for _, words in found if words),
            data={"signs": count, "quoted": _quoted_count(context, found)},
        )


def _quoted_count(context: Context, found: Sequence[tuple[dict, str]]) -> int:
    """How many of the signs were found only inside a quotation: somebody else's words,
    which a warning lists ("5 kalimat perekrut ilegal: 'jangan bilang ke siapa-siapa'")."""
    mapped = context.mapped
    quoted = {mapped.original(hit.start, hit.end) for hit in context.quoted}
    return sum(1 for _, words in found if words and words in quoted)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _same_words(words: str, counted: Sequence[str]) -> bool:
    """Whether a sign's words are a counted rule's or sign's words again ("jangan bilang
    keluarga" is both `hidden-details` and `secrecy`): the same words count once."""
    return bool(words) and any(words in other or other in words for other in counted if other)


@dataclass(frozen=True)
class RedFlags:
    rules: tuple[Rule, ...]
    aliases: Mapping[str, str]
    warnings: tuple[re.Pattern[str], ...] = ()
    advice: Advice = field(default_factory=Advice)
    trips: tuple[re.Pattern[str], ...] = ()  # `trips.purpose`: a tour or pilgrimage package
    work: tuple[re.Pattern[str], ...] = ()  # `trips.work`: words of work
    negation: phrases.Negation = field(default_factory=phrases.Negation)
    weak: WeakSigns = field(default_factory=WeakSigns)

    @classmethod
    def load(cls, directory: Path, languages: Iterable[str]) -> RedFlags:
        path = Path(directory) / FILE_NAME
        data = yamlfile.read(path) or {}
        return parse(data, list(languages), FILE_NAME)

    def clean(self, text: str) -> str:
        return phrases.clean(text, self.aliases)

    def clean_mapped(self, text: str) -> phrases.Cleaned:
        return phrases.clean_mapped(text, self.aliases)

    def context(self, text: str, clean, countries, jobs, wages: Sequence[Wage] = ()) -> Context:
        """`clean` may be the clean string or a `phrases.Cleaned` (which can quote back)."""
        mapped = clean if isinstance(clean, phrases.Cleaned) else phrases.Cleaned(clean)
        trip = self.trip(mapped, jobs)
        return Context(mapped.text, text, countries, jobs, self.warnings, mapped, wages, trip=trip)

    def trip(self, cleaned: phrases.Cleaned, jobs: Sequence[JobType] = ()) -> bool:
        """Whether the text offers a leisure or worship trip and nothing else: a `trips.purpose`
        phrase ("paket wisata", "paket umrah", "tour package"), no job type named, and no
        word of work that a negation or warning leaves standing ("khusus wisata, *tidak
        untuk bekerja*" stays a trip; "berangkat umrah dulu, nanti kerja di Mekkah" is not
        one). Rules marked `not_for_trips` (a visit visa, a fee) say nothing about a trip."""
        if jobs or not self.trips or not any(p.search(cleaned.text) for p in self.trips):
            return False
        return phrases.find(cleaned, self.work, self.negation, self.warnings) is None

    def reasons(self, context: Context) -> list[Reason]:
        """Every rule that fires, then one reason for several weak signs together."""
        found = ((rule, rule.match(context)) for rule in self.rules)
        reasons = [rule.reason(words) for rule, words in found if words is not None]
        combined = self.weak.reason(context, reasons)
        return [*reasons, combined] if combined is not None else reasons

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
        warnings = phrases.compile_until(
            string_list(data.get("warnings"), f"{where}: warnings"),
            string_list(data.get("warning_pivots"), f"{where}: warning_pivots"),
        )
    except phrases.PatternError as exc:
        raise RulesError(f"{where}: warnings: {exc}") from None
    aliases = {str(k).lower(): str(v).lower() for k, v in aliases.items()}
    negation = _negation(data, where)
    try:
        paid = phrases.compile_all(
            string_list(data.get("paid_properly"), f"{where}: paid_properly")
        )
    except phrases.PatternError as exc:
        raise RulesError(f"{where}: paid_properly: {exc}") from None
    rules = [_with_negation(rule, negation, paid) for rule in rules]
    trips, work = _trips(data.get("trips"), where)
    advice = _advice(data.get("advice"), where)
    weak = _weak_signs(data.get("weak_signs"), languages, negation, {r.id: r for r in rules}, where)
    return RedFlags(tuple(rules), aliases, warnings, advice, trips, work, negation, weak)


def _weak_signs(
    value: Any,
    languages: list[str],
    negation: phrases.Negation,
    rules: Mapping[str, Rule],
    where: str,
) -> WeakSigns:
    """`weak_signs`: thresholds, the check rules that count, the texts of the combined
    reason, and the signs (id, name per language, patterns per language, not_after)."""
    if value is None:
        return WeakSigns()
    where = f"{where}: weak_signs"
    if not isinstance(value, dict):
        raise RulesError(f"{where}: must be a mapping")
    counted = tuple(string_list(value.get("rules"), f"{where}.rules"))
    if unknown := [r for r in counted if r not in rules]:
        raise RulesError(f"{where}.rules: no rule {unknown}")
    if loud := [r for r in counted if rules[r].severity is not Severity.CHECK]:
        raise RulesError(f"{where}.rules: only rules of severity check count, not {loud}")
    try:
        check_at, danger_at = (int(value.get(k) or 0) for k in ("check_at", "danger_at"))
    except (TypeError, ValueError):
        raise RulesError(f"{where}: check_at and danger_at must be whole numbers") from None
    if min(check_at, danger_at) < 0 or (check_at and danger_at and danger_at < check_at):
        raise RulesError(f"{where}: need 0 <= check_at <= danger_at")
    items = value.get("signs") or []
    if not isinstance(items, list):
        raise RulesError(f"{where}.signs: must be a list")
    signs = [
        _sign(item, languages, negation, f"{where}.signs[{n}]") for n, item in enumerate(items)
    ]
    ids = [s.id for s in signs] + list(counted)
    if duplicates := sorted({i for i in ids if ids.count(i) > 1}):
        raise RulesError(f"{where}: signs or rules named twice {duplicates}")
    return WeakSigns(
        signs=tuple(signs),
        rules=counted,
        check_at=check_at,
        danger_at=danger_at,
        title=texts(value.get("title"), languages, f"{where}.title"),
        explanation=texts(value.get("explanation"), languages, f"{where}.explanation"),
        source=source(value.get("source"), where),
        as_of=date(value.get("as_of"), f"{where}.as_of"),
    )


def _sign(item: Any, languages: list[str], negation: phrases.Negation, where: str) -> Sign:
    if not isinstance(item, dict) or not item.get("id"):
        raise RulesError(f"{where}: needs an id")
    where = f"{where} ({item['id']})"
    own = frozenset(w.lower() for w in string_list(item.get("not_after"), f"{where}.not_after"))
    return Sign(
        id=str(item["id"]),
        name=texts(item.get("name"), languages, f"{where}.name"),
        patterns=_patterns(item, languages, where),
        negation=phrases.Negation(
            own | negation.words, negation.scopes, negation.after, negation.within
        ),
    )


def _trips(value: Any, where: str) -> tuple[tuple[re.Pattern[str], ...], ...]:
    """`trips`: `purpose` (a leisure or worship trip) and `work` (words of work)."""
    if value is None:
        return (), ()
    if not isinstance(value, dict):
        raise RulesError(f"{where}: trips must be a mapping of purpose and work words")
    try:
        return tuple(
            phrases.compile_all(string_list(value.get(key), f"{where}: trips.{key}"))
            for key in ("purpose", "work")
        )
    except phrases.PatternError as exc:
        raise RulesError(f"{where}: trips: {exc}") from None


def _negation(data: dict[str, Any], where: str) -> phrases.Negation:
    """The file's `negations` (words just before a match) and `negation_scopes` (patterns
    earlier in the clause) that cancel a match of every rule."""
    words = frozenset(w.lower() for w in string_list(data.get("negations"), f"{where}: negations"))
    try:
        scopes = phrases.compile_all(
            string_list(data.get("negation_scopes"), f"{where}: negation_scopes")
        )
        after = phrases.compile_all(
            string_list(data.get("negations_after"), f"{where}: negations_after")
        )
        within = phrases.compile_all(
            string_list(data.get("negations_within"), f"{where}: negations_within")
        )
    except phrases.PatternError as exc:
        raise RulesError(f"{where}: negation_scopes, negations_after or within: {exc}") from None
    return phrases.Negation(words, scopes, after, within)


def _with_negation(
    rule: Rule, negation: phrases.Negation, paid: tuple[re.Pattern[str], ...] = ()
) -> Rule:
    """The file's negations on top of the rule's own words; for a rule about money, also the
    `paid_properly` phrases after a match ("biaya … ditanggung majikan")."""
    after = negation.after + (paid if rule.money else ())
    return dataclasses.replace(
        rule,
        negation=phrases.Negation(
            rule.negations | negation.words, negation.scopes, after, negation.within
        ),
    )


def _advice(value: Any, where: str) -> Advice:
    if value is None:
        return Advice()
    if not isinstance(value, dict):
        raise RulesError(f"{where}: advice must be a mapping of warning, news and offer words")
    found = {}
    for key in ("warning", "news", "offer"):
        items = string_list(value.get(key), f"{where}: advice.{key}")
        try:
            found[key] = tuple(phrases.compile_pattern(p) for p in items)
        except phrases.PatternError as exc:
            raise RulesError(f"{where}: advice.{key}: {exc}") from None
    try:
        points = int(value.get("min_points", 2))
    except (TypeError, ValueError):
        raise RulesError(f"{where}: advice.min_points must be a whole number") from None
    return Advice(found["warning"], found["news"], found["offer"], points)


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
        not_for_trips=item.get("not_for_trips") is True,
        money=item.get("money") is True,
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


def _salary(data: Any, where: str) -> SalaryReader:
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
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RulesError(f"{where}: incomplete or invalid ({exc})") from None
    if unknown := set(reader.currencies.values()) - set(reader.rates_idr):
        raise RulesError(f"{where}: no rate for {sorted(unknown)}")
    return reader
