"""Cek Dulu: check a recruiter or a job offer before paying or leaving.

One text in (an ad, a chat message, an agency name, a phone number, a link), one `Result`
out: a verdict in three levels and every reason behind it. The verdict is the most serious
reason: any danger sign → "danger signs found"; otherwise anything to verify → "needs
checking"; otherwise "no danger signs found". There is deliberately no "safe": the check
only sees what is written.

A text that reads as a warning, advice or news about a case (an official announcement that
says "jangan berangkat dengan visa kunjungan", a police report about a speedboat crossing)
gets its own verdict, "advice", and never "danger": negated red flags are cancelled where
they are matched (bot/core/cekdulu/phrases.py), and `reads_as_advice` weighs the words of
warnings and news against the words and contacts of an offer.

No Telegram and no database here: the register and the tip-off counts come in as objects
and a function, so the CLI, the bot and the benchmark run exactly the same check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from bot.core.cekdulu import agencies, ocr, phrases
from bot.core.cekdulu.agencies import AgencyMatch, Register, Standing
from bot.core.cekdulu.calibration import Calibration, readable
from bot.core.cekdulu.destinations import Country, Destinations, JobType
from bot.core.cekdulu.learned import Learned, Reading, cached_learned
from bot.core.cekdulu.reasons import Kind as ReasonKind
from bot.core.cekdulu.reasons import Reason, Severity, strongest
from bot.core.cekdulu.redflags import WEAK_SIGNS, Context, RedFlags
from bot.core.cekdulu.wages import Wages
from bot.core.content import content_digest
from bot.core.reports.identifiers import Identifier, Kind, extract

MAX_TEXT = 4096  # a Telegram message; longer input is still checked whole
MAX_AGENCIES = 3
AGENCY_PREFIXES = ("PT", "CV", "LPK", "YAYASAN")
TRAINING_PREFIXES = ("LPK",)

# (kind, value) of identifiers → how many tip-offs mention each
ReportCounter = Callable[[Sequence[Identifier]], dict[tuple[str, str], int]]


class Verdict(StrEnum):
    DANGER = "danger"
    CHECK = "check"
    ADVICE = "advice"  # reads as a warning, advice or news, not an offer: never "danger"
    NONE = "none"

    @property
    def flagged(self) -> bool:
        """What the evaluation counts as an alarm."""
        return self in (Verdict.DANGER, Verdict.CHECK)


OFFER_CONTACTS = {Kind.PHONE: 1, Kind.WHATSAPP: 1, Kind.HANDLE: 1, Kind.EMAIL: 1}
BANK_POINTS = 2  # a bank account in a text is almost always a request to pay
OFFICIAL_DOMAIN = ".go.id"
SIGN_POINTS = 1  # each weak sign left standing (redflags.yaml weak_signs) reads as an offer


@dataclass(frozen=True)
class Result:
    text: str
    verdict: Verdict
    reasons: list[Reason]
    identifiers: list[Identifier]
    agencies: list[AgencyMatch] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    jobs: list[JobType] = field(default_factory=list)

    @property
    def reason_ids(self) -> list[str]:
        return [r.id for r in self.reasons]

    def to_dict(self) -> dict[str, Any]:
        """The `python -m bot check --json` shape."""
        return {
            "verdict": self.verdict.value,
            "flagged": self.verdict.flagged,
            "reasons": self.reason_ids,
            "identifiers": [
                {"kind": i.kind.value, "value": i.value, "display": i.display}
                for i in self.identifiers
            ],
            "agency": self.agencies[0].to_dict() if self.agencies else None,
        }


# The last checker read, by content digest: compiling the rules' thousands of patterns takes
# about a second (more than Python's regex cache holds), and the bot, the command line and the
# test suite load the same content many times in one process. Its parts are frozen.
_LOADED: dict[tuple[str, tuple[str, ...], bool], Checker] = {}


@dataclass
class Checker:
    redflags: RedFlags
    destinations: Destinations
    register: Register | None = None  # None: skip the agency check (evaluation of texts)
    count_reports: ReportCounter | None = None
    wages: Wages = field(default_factory=lambda: Wages(()))
    lexicon: frozenset[str] = frozenset()  # words of the content files, for OCR (ocr.py)
    learned: Learned | None = None  # None: the rules alone (no content/cekdulu_training.yaml)
    calibration: Calibration = field(default_factory=Calibration)

    @classmethod
    def load(cls, content_dir: Path, languages: Iterable[str], learned: bool = True) -> Checker:
        """The checker of a content directory; with its learned reading when the directory
        has content/cekdulu_training.yaml and `learned` is true (trained once per content
        version in a process, bot/core/cekdulu/learned.py)."""
        languages = list(languages)
        key = (content_digest(Path(content_dir)), tuple(languages), learned)
        if key not in _LOADED:
            _LOADED.clear()  # keep one: content changes replace it
            _LOADED[key] = cls._read(Path(content_dir), languages, learned)
        # A new Checker around the same frozen rules (callers set register/count_reports);
        # the calibration is a small file, read each time like before.
        rules = _LOADED[key]
        calibration = Calibration.load() if rules.learned is not None else Calibration()
        return replace(rules, calibration=calibration)

    @classmethod
    def _read(cls, content_dir: Path, languages: list[str], learned: bool) -> Checker:
        redflags = RedFlags.load(content_dir, languages)
        model = cached_learned(content_dir, redflags.clean) if learned else None
        return cls(
            redflags,
            Destinations.load(content_dir, languages),
            wages=Wages.load(content_dir, languages),
            lexicon=ocr.lexicon_from(content_dir),
            learned=model,
        )

    def check(self, text: str, register: Register | None = None) -> Result:
        """Check the whole text, however long: nothing is cut (a red flag at character
        4,100 counts like one at the start). The rules decide first; the learned reading
        may then move a danger or a "nothing found" one step (`weigh`)."""
        result, context = self.by_rules(text, register)
        if self.learned is None or result.verdict not in LEARNED_MOVES:
            return result
        if not readable(result.text):
            return result
        reading = self.learned.read_clean(context.clean)
        # The engine's warning hint costs as much as the reading: ask only when it matters.
        demoted = result.verdict is Verdict.DANGER and reading.fraud < self.calibration.demote_below
        warned = demoted and warns(self.redflags, context)
        verdict, note = weigh(result.verdict, reading, self.calibration, warned)
        reasons = [note, *result.reasons] if note else result.reasons
        return replace(result, verdict=verdict, reasons=reasons)

    def by_rules(self, text: str, register: Register | None = None) -> tuple[Result, Context]:
        """The rules' result alone, and what the rules read (the clean text, cancelled and
        quoted red flags), which the learned reading and `warns` use."""
        text = (text or "").strip()
        cleaned = self.redflags.clean_mapped(text)
        clean = cleaned.text
        countries = self.destinations.countries_in(clean)
        jobs = self.destinations.jobs_in(clean)
        wages = self.wages.for_offer(countries, jobs)
        context = self.redflags.context(text, cleaned, countries, jobs, wages)
        found = extract(text)
        reasons = self.redflags.reasons(context)
        reasons += self.destinations.reasons(clean, countries, jobs)
        signs = next((_standing_signs(r) for r in reasons if r.id == WEAK_SIGNS), 0)
        advice = reads_as_advice(self.redflags, context, found, signs)
        # A short text that names a country, a job or a danger sign is an ad, not a name.
        bare = found or countries or jobs or reasons
        identifiers = found if bare else found + _bare_name_identifiers(text, found)
        register = register if register is not None else self.register
        matches = self._agencies(text, found, register, bare_allowed=not bare)
        reasons += [agency_reason(m) for m in matches]
        reasons += self._reported(identifiers)
        reasons.sort(key=lambda r: -r.severity.rank)
        verdict = Verdict.ADVICE if advice else verdict_of(reasons)
        return Result(text, verdict, reasons, identifiers, matches, countries, jobs), context

    def _agencies(
        self,
        text: str,
        identifiers: Sequence[Identifier],
        register: Register | None,
        bare_allowed: bool = True,
    ) -> list[AgencyMatch]:
        if register is None:
            return []
        names = agency_names(text, identifiers, bare_allowed)
        return [register.match(name) for name in names]

    def _reported(self, identifiers: Sequence[Identifier]) -> list[Reason]:
        if self.count_reports is None:
            return []
        wanted = list(identifiers)
        counts = self.count_reports(wanted) if wanted else {}
        items = [
            {"kind": i.kind.value, "display": i.display, "reports": counts[(i.kind.value, i.value)]}
            for i in wanted
            if counts.get((i.kind.value, i.value))
        ]
        if not items:
            return []
        data = {"items": items}
        return [Reason("reported-before", ReasonKind.REPORTED, Severity.CHECK, data=data)]


def reads_as_advice(
    redflags: RedFlags, context: Context, identifiers: Sequence[Identifier], signs: int = 0
) -> bool:
    """Whether the text reads as a warning, advice or news rather than an offer.

    Points for advice: each warning or news phrase of redflags.yaml's `advice` found, and
    one when a negation or a warning cancelled a red flag ("jangan mau paspormu dipegang").
    Points for an offer: each offer phrase, each kind of contact (a phone number, an
    account; two for a bank account), since a warning rarely asks to be contacted privately.
    Advice needs at least `min_points` and more points than the offer. The offer is weighed
    first, so counting advice phrases stops as soon as the answer is known (long texts)."""
    advice = redflags.advice
    clean = context.clean
    offer = sum(1 for p in advice.offer if _offered(redflags, context, p))
    kinds = {i.kind for i in identifiers if not i.value.lower().endswith(OFFICIAL_DOMAIN)}
    offer += sum(OFFER_CONTACTS.get(k, 0) for k in kinds)
    offer += BANK_POINTS if Kind.BANK_ACCOUNT in kinds else 0
    offer += signs * SIGN_POINTS
    needed = max(advice.min_points, offer + 1)
    found = (1 if context.cancelled else 0) + (1 if context.quoted else 0)
    for pattern in (*advice.warning, *advice.news):
        if pattern.search(clean):
            found += 1
            if found >= needed:
                return True
    return False


def _standing_signs(reason: Reason) -> int:
    """The weak signs in the writer's own words: those only quoted offer nothing."""
    return reason.data["signs"] - reason.data.get("quoted", 0)


LEARNED_MOVES = (Verdict.DANGER, Verdict.NONE)  # the verdicts the learned reading may change
LEARNED_FRAUD = "learned-fraud"
LEARNED_GENUINE = "learned-genuine"


def weigh(
    verdict: Verdict, reading: Reading, cal: Calibration, warned: bool = False
) -> tuple[Verdict, Reason | None]:
    """The rules' verdict after the learned reading (bot/core/cekdulu/calibration.py).

    A danger the model reads as genuine becomes "needs checking", with a note first saying
    why; or "advice" when, besides, the model reads it as a warning or news and the engine
    found a warning or news phrase or a negated red flag in it (`warned`, see `warns`).
    A text with nothing found that the model reads as fraud becomes "needs checking", with
    a reason that says what to check. Never danger → none, never none → danger."""
    data = {"fraud": round(reading.fraud, 3), "advice": round(reading.advice, 3)}
    if verdict is Verdict.DANGER and reading.fraud < cal.demote_below:
        if warned and reading.advice >= cal.advice_at:
            return Verdict.ADVICE, None
        return Verdict.CHECK, Reason(LEARNED_GENUINE, ReasonKind.LEARNED, Severity.INFO, data=data)
    if verdict is Verdict.NONE and reading.fraud >= cal.promote_at:
        return Verdict.CHECK, Reason(LEARNED_FRAUD, ReasonKind.LEARNED, Severity.CHECK, data=data)
    return verdict, None


def warns(redflags: RedFlags, context: Context) -> bool:
    """The engine's own hint of a warning: a red flag a negation or warning cancelled, one
    only quoted, or any warning or news phrase of redflags.yaml's `advice` (fewer than
    `reads_as_advice` needs on its own)."""
    if context.cancelled or context.quoted:
        return True
    advice = redflags.advice
    return any(p.search(context.clean) for p in (*advice.warning, *advice.news))


def _offered(redflags: RedFlags, context: Context, pattern: re.Pattern[str]) -> bool:
    """An offer phrase counts unless every use of it is negated or warned against, like a
    red flag: "*tidak ada* rekrutmen lewat desa" and "*jangan* transfer" offer nothing."""
    if not pattern.search(context.clean):
        return False
    found = phrases.find(
        context.mapped, (pattern,), redflags.negation, redflags.warnings, outside_quotes=True
    )
    return found is not None


def verdict_of(reasons: Iterable[Reason]) -> Verdict:
    top = strongest(reasons)
    if top is Severity.DANGER:
        return Verdict.DANGER
    return Verdict.CHECK if top is Severity.CHECK else Verdict.NONE


def agency_names(
    text: str, identifiers: Sequence[Identifier], bare_allowed: bool = True
) -> list[str]:
    """Agency names to look up: those written after PT/CV/LPK/Yayasan, or, when the whole
    input is short and nothing else was found in it, the input itself ("maju jaya")."""
    names = [as_written(text, i.value) for i in identifiers if i.kind is Kind.AGENCY]
    if not names and not identifiers and bare_allowed:
        bare = agencies.name_query(text)
        names = [bare] if bare else []
    return list(dict.fromkeys(names))[:MAX_AGENCIES]


def as_written(text: str, value: str) -> str:
    """An agency name as the text writes it ("PT Maju Jaya"), not as the extractor keys it
    ("PT MAJU JAYA"), so the answer quotes the user's own words."""
    words = [re.escape(w) for w in value.split()]
    if words and words[0] in AGENCY_PREFIXES:
        words[0] = rf"{words[0]}\.?"
    found = re.search(r"\s+".join(words), text, re.IGNORECASE)
    return " ".join(found.group(0).split()) if found else value


def _bare_name_identifiers(text: str, identifiers: Sequence[Identifier]) -> list[Identifier]:
    """A name typed alone ("maju jaya abadi") counts as the agency identifier "PT MAJU JAYA
    ABADI", the form the tip-off extractor stores names in, so it is looked up in tip-offs
    and counted for the early warning like any other identifier."""
    names = agency_names(text, identifiers)
    if identifiers or not names:
        return []
    value = "PT " + " ".join(names[0].upper().split())
    return [Identifier(Kind.AGENCY, value, value)]


AGENCY_SEVERITY = {
    Standing.LICENSED: Severity.INFO,
    Standing.EXPIRED: Severity.CHECK,
    Standing.SIMILAR: Severity.CHECK,
    Standing.NOT_FOUND: Severity.CHECK,
    Standing.NO_REGISTER: Severity.INFO,
}


def agency_reason(match: AgencyMatch) -> Reason:
    training = match.query.upper().startswith(TRAINING_PREFIXES)
    return Reason(
        id=f"agency-{match.standing.value.replace('_', '-')}",
        kind=ReasonKind.AGENCY,
        severity=AGENCY_SEVERITY[match.standing],
        found=match.query,
        data={"match": match, "training_institute": training},
    )
