"""The question matcher users meet: lexical matcher + learned model + small talk.

Order of a decision (docs/matching.md):
1. blank input -> "please type words"; a sum ("12 x 8") -> fallback, never an FAQ answer;
2. a message made only of greeting/thanks/goodbye words and fillers -> small talk (rule);
3. otherwise both models score the question. Each candidate entry gets
   `lexical_weight * lexical score + (1 - lexical_weight) * learned probability`, plus
   `agreement` when it is the top entry of both models. The learned model's best small-talk
   intent wins when its probability reaches `smalltalk` and beats the best entry;
4. the best entry is answered when its score reaches `answer` and leads the runner-up by
   `margin`; entries at or over `suggest` are offered as "did you mean"; else fallback.

Every number in `Calibration` is chosen by bench/calibrate.py (cross-validated held-out
phrasings plus the dev sets, never the test sets) and pinned by tests/test_match.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.faq.followup import FollowUps, LanguageGuess
from bot.core.faq.learned import Learned
from bot.core.faq.match import Candidate, Decision, Kind, Matcher
from bot.core.faq.normalise import is_blank
from bot.core.faq.smalltalk import SmallTalk, intent_label, is_arithmetic

LEXICAL_DEPTH = 8
LEARNED_DEPTH = 5
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class Calibration:
    """Ensemble weights and decision thresholds, from `python bench/calibrate.py`."""

    lexical_weight: float = 0.6
    agreement: float = 0.05
    answer: float = 0.56
    margin: float = 0.38
    suggest: float = 0.08
    smalltalk: float = 0.15


@dataclass(frozen=True)
class Evidence:
    """What both models said about one question: the raw material of a decision."""

    lexical: tuple[Candidate, ...]
    learned: dict[str, float]


class Ensemble:
    """Decides answer / did-you-mean / fallback / small talk for a free-text message."""

    def __init__(
        self,
        lexical: Matcher,
        learned: Learned,
        smalltalk: SmallTalk,
        calibration: Calibration | None = None,
    ) -> None:
        self.lexical = lexical
        self.learned = learned
        self.smalltalk = smalltalk
        self.calibration = calibration or Calibration()
        self.normaliser = lexical.normaliser
        self.followups = FollowUps()
        self.language = LanguageGuess({})

    @property
    def size(self) -> int:
        return self.lexical.size

    def evidence(self, question: str) -> Evidence:
        return Evidence(
            tuple(self.lexical.rank(question, LEXICAL_DEPTH)), self.learned.scores(question)
        )

    def rank(self, question: str, limit: int = 5) -> list[Candidate]:
        """Entries by ensemble score, best first (no small talk, no thresholds)."""
        return combine(self.evidence(question), self.calibration)[:limit]

    def decide(self, question: str) -> Decision:
        if is_blank(question):
            return Decision(Kind.BLANK)
        if is_arithmetic(question):
            return Decision(Kind.FALLBACK)
        intent = self.smalltalk.by_words(question)
        if intent is not None:
            return Decision(Kind.SMALLTALK, intent=intent)
        return decide(self.evidence(question), self.calibration)


def combine(evidence: Evidence, cal: Calibration) -> list[Candidate]:
    """Ensemble score of every entry either model ranks near the top, best first."""
    faq = {k: v for k, v in evidence.learned.items() if intent_label(k) is None}
    learned_top = sorted(faq, key=faq.__getitem__, reverse=True)[:LEARNED_DEPTH]
    lexical = {c.entry_id: c.score for c in evidence.lexical}
    both_top = (
        evidence.lexical[0].entry_id
        if evidence.lexical and learned_top and evidence.lexical[0].entry_id == learned_top[0]
        else None
    )
    w = cal.lexical_weight
    scored = [
        Candidate(
            entry_id,
            round(
                w * lexical.get(entry_id, 0.0)
                + (1 - w) * faq.get(entry_id, 0.0)
                + (cal.agreement if entry_id == both_top else 0.0),
                4,
            ),
        )
        for entry_id in dict.fromkeys([*lexical, *learned_top])
    ]
    return sorted(scored, key=lambda c: c.score, reverse=True)


def best_smalltalk(evidence: Evidence) -> tuple[str | None, float]:
    talk = {intent_label(k): v for k, v in evidence.learned.items() if intent_label(k)}
    if not talk:
        return None, 0.0
    name = max(talk, key=talk.__getitem__)
    return name, talk[name]


def decide(evidence: Evidence, cal: Calibration) -> Decision:
    ranked = combine(evidence, cal)
    intent, chance = best_smalltalk(evidence)
    best = ranked[0].score if ranked else 0.0
    if intent is not None and chance >= cal.smalltalk and chance > best:
        return Decision(Kind.SMALLTALK, intent=intent)
    if not ranked:
        return Decision(Kind.FALLBACK)
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    if best >= cal.answer and best - runner_up >= cal.margin:
        return Decision(Kind.ANSWER, tuple(ranked[:MAX_SUGGESTIONS]))
    suggestions = tuple(c for c in ranked[:MAX_SUGGESTIONS] if c.score >= cal.suggest)
    if suggestions:
        return Decision(Kind.SUGGEST, suggestions)
    return Decision(Kind.FALLBACK, tuple(ranked[:MAX_SUGGESTIONS]))
