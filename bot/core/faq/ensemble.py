"""The question matcher users meet: lexical matcher + learned model + small talk.

Order of a decision (docs/matching.md):
1. blank input -> "please type words"; a sum ("12 x 8") -> fallback, never an FAQ answer;
2. a message made only of greeting/thanks/goodbye words and fillers -> small talk (rule);
3. otherwise both models score the question. Each candidate entry gets
   `lexical_weight * lexical score + (1 - lexical_weight) * learned probability`, plus
   `agreement` when it is the top entry of both models. The learned model's best small-talk
   intent wins when its probability reaches `smalltalk` and beats the best entry (or, in
   step 5, where the FAQ would only ask "did you mean" or fall back);
4. a confidence model (logistic regression over FEATURES of both models' evidence) gives the
   probability that the best entry is right. No single score separated right from wrong
   answers well: the learned probabilities are high for nonsense too, the lexical score is
   high for a neighbouring topic that shares words;
5. the best entry is answered when the confidence reaches `answer`; below that, the three
   best entries are offered as "did you mean" when the confidence reaches `suggest`; else
   fallback (an unrelated question has a low confidence however its words happen to score).

Every number, and the confidence model's weights, come from bench/calibrate.py
(cross-validated held-out phrasings plus the dev sets, never the test sets), which writes
bot/data/faq_calibration.json; tests/test_match.py pins it to docs/matching.md.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.faq.followup import FollowUps, LanguageGuess
from bot.core.faq.learned import Learned
from bot.core.faq.match import Candidate, Decision, Kind, Matcher
from bot.core.faq.normalise import is_blank
from bot.core.faq.smalltalk import (
    HUMAN,
    OFFTOPIC,
    SPAM,
    SmallTalk,
    intent_label,
    is_arithmetic,
    is_entry,
)

LEXICAL_DEPTH = 8
LEARNED_DEPTH = 5
MAX_SUGGESTIONS = 3
# The reading of harm (bot/core/faq/danger.py): below two words it is not asked (a bare "ga"
# read as harm); from WARY, more likely harm than not, it keeps learned small talk away.
READING_MIN_WORDS = 2
WARY = 0.5
NUMBER_MAX_WORDS = 3


_TOKEN = re.compile(r"[^\W_]+")

CALIBRATION = Path(__file__).resolve().parents[2] / "data/faq_calibration.json"

# What the confidence model reads of a question's evidence (see `features`), in this order.
FEATURES = (
    "learned_top",  # the learned model's best FAQ probability
    "learned_margin",  # ... minus its second best
    "lexical_top",  # the lexical matcher's best score
    "lexical_margin",  # ... minus its second best
    "ensemble_top",  # the ensemble's best score
    "ensemble_margin",  # ... minus its second best
    "agree",  # both models put the same entry first
    "top_is_learned",  # the ensemble's best is the learned model's best
    "learned_of_top",  # the learned probability of the ensemble's best
    "lexical_of_top",  # the lexical score of the ensemble's best
    "smalltalk",  # the best small-talk intent's probability
    "entropy",  # spread of the learned probabilities over the FAQ entries
    "has_lexical",  # the lexical matcher found anything at all
    "known_share",  # share of the question's words the vocabulary knows
    "unknown_words",  # how many it does not know
    "log_words",  # log(1 + words)
    "pair_confusions",  # log(1 + how often the two best entries were mistaken for each other)
    "offtopic",  # the learned model's probability that the FAQ does not cover the question
)


@dataclass(frozen=True)
class Calibration:
    """Ensemble weights, the confidence model and the decision thresholds.

    Every number comes from `python bench/calibrate.py`, which writes them to
    bot/data/faq_calibration.json; `Calibration.load()` reads that file."""

    lexical_weight: float = 0.6
    agreement: float = 0.05
    answer: float = 0.5  # the confidence needed to answer
    suggest: float = 0.3  # the confidence needed to offer the best entries as "did you mean"
    smalltalk: float = 0.15  # a small-talk intent needs this probability
    weights: tuple[float, ...] = ()  # confidence model: one weight per FEATURES name
    intercept: float = 0.0
    # Confusable pairs: "a|b" (ids sorted) -> how often calibration's held-out phrasings of
    # one got the other as best entry. Learned from the data, so no list is kept by hand.
    confusions: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = CALIBRATION) -> Calibration:
        data = json.loads(path.read_text(encoding="utf-8"))
        model = data["confidence"]
        if list(model["features"]) != list(FEATURES):
            raise ValueError(f"{path}: confidence features differ from the code; recalibrate")
        return cls(
            **{k: float(v) for k, v in data["decision"].items()},
            weights=tuple(float(w) for w in model["weights"]),
            intercept=float(model["intercept"]),
            confusions={str(k): int(v) for k, v in (data.get("confusions") or {}).items()},
        )

    def to_json(self, provenance: dict[str, object]) -> str:
        decision = {
            k: getattr(self, k)
            for k in ("lexical_weight", "agreement", "answer", "suggest", "smalltalk")
        }
        model = {"features": FEATURES, "weights": self.weights, "intercept": self.intercept}
        payload = {
            "provenance": provenance,
            "decision": decision,
            "confidence": model,
            "confusions": dict(sorted(self.confusions.items())),
        }
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"

    def confidence(self, values: Sequence[float]) -> float:
        """Probability that the ensemble's best entry is the right answer."""
        if not self.weights:
            return 0.0
        z = self.intercept + sum(w * v for w, v in zip(self.weights, values, strict=True))
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


@dataclass(frozen=True)
class Evidence:
    """What both models said about one question: the raw material of a decision."""

    lexical: tuple[Candidate, ...]
    learned: dict[str, float]
    known: int = 0  # words of the question the lexical vocabulary knows
    words: int = 0  # words of the question after normalisation
    distress: bool = False  # speaks of harm (list or learned reading): urgent, no small talk
    listed: bool = False  # the word list found the harm (content/distress.yaml)
    # The reading of harm finds harm more likely than not, below its threshold: too much to
    # answer with a greeting, thanks or goodbye ("makasih min, majikan saya kasar").
    wary: bool = False
    # A number with at most NUMBER_MAX_WORDS other words ("20 juta", "0812 3456 7890 agen
    # resmi?"): an amount, a time or a phone number to check, never spam for the learned
    # model, whose spam examples are full of prices and phone numbers; unless a word only
    # adverts hold comes with it ("promo paket data 50gb 20rb": SmallTalk.selling). Digits
    # alone are spam by rule (SmallTalk.by_digits), with the reply for what cannot be read.
    numeric: bool = False
    # Intents the learned model may not give this message (SmallTalk.barred).
    barred: frozenset[str] = frozenset()


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
        self.calibration = calibration or Calibration.load()
        self.normaliser = lexical.normaliser
        self.followups = FollowUps()
        self.language = LanguageGuess({})

    @property
    def size(self) -> int:
        return self.lexical.size

    def evidence(self, question: str) -> Evidence:
        # read as written: leaving the laughter out joins the lines, and a line break ends
        # what a phrase of harm may span ("Cuti: tidak" / "Boleh pulang setelah 3 tahun")
        listed = self.smalltalk.in_distress(question)
        question = self.smalltalk.without_laughter(question)
        known, words = self.lexical.coverage(question)
        scores, danger = self.learned.read(question)
        if len(question.split()) < READING_MIN_WORDS:
            danger = None  # one word is too little to read ("ga"); the list still reads it
        return Evidence(
            tuple(self.lexical.rank(question, LEXICAL_DEPTH)),
            scores,
            known,
            words,
            listed or self.learned.finds_harm(danger),
            listed,
            danger is not None and danger >= WARY,
            is_short_with_number(question) and not self.smalltalk.sells(question),
            self.smalltalk.barred(question),
        )

    def rank(self, question: str, limit: int = 5) -> list[Candidate]:
        """Entries by ensemble score, best first (no small talk, no thresholds)."""
        return combine(self.evidence(question), self.calibration)[:limit]

    def decide(self, question: str) -> Decision:
        if is_blank(question):
            intent = self.smalltalk.by_symbols(question)
            if intent is not None:
                return Decision(Kind.SMALLTALK, intent=intent)
            return Decision(Kind.BLANK)
        if is_arithmetic(question):
            return Decision(Kind.FALLBACK)
        intent = self.smalltalk.by_rule(question)
        if intent is not None:
            return Decision(Kind.SMALLTALK, intent=intent)
        decision = decide(self.evidence(question), self.calibration)
        if decision.kind is not Kind.ANSWER:
            return self._question_after_opening(question, decision) or decision
        return decision

    def _question_after_opening(self, question: str, whole: Decision) -> Decision | None:
        """ "ok makasih, terus gaji taiwan berapa": the learned model hears thanks, or the
        thanks drowns the question and the FAQ is unsure of the whole; what follows the
        opening is decided on its own. Its answer wins over anything else, its "did you mean"
        over small talk or the fallback; small talk stays the reply when the rest has
        nothing ("makasih ya min, udh bantu jelasin"), and, where the learned model heard small
        talk in the whole, when the rest asks nothing (SmallTalk.asks_after_opening): "terima
        kasih nggih, sangat membantu saya yang di Taiwan" is thanks, not a question about
        Taiwan. Harm found in the rest always wins: "makasih kak, majikan saya kasar" asks
        nothing, but thanks alone would hide the emergency note."""
        rest = self.smalltalk.opening(question)
        if rest is None:
            return None
        decision = decide(self.evidence(rest), self.calibration)
        if whole.urgent and not decision.urgent:
            return None  # the emergency note is never lost
        asks = decision.urgent or self.smalltalk.asks_after_opening(rest)
        if whole.kind is Kind.SMALLTALK and not asks:
            return None
        if decision.kind is Kind.ANSWER:
            return decision
        if decision.kind is Kind.SUGGEST and whole.kind is not Kind.SUGGEST:
            return decision
        return None


def combine(evidence: Evidence, cal: Calibration) -> list[Candidate]:
    """Ensemble score of every entry either model ranks near the top, best first."""
    faq = {k: v for k, v in evidence.learned.items() if is_entry(k)}
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


def pair_key(a: str, b: str) -> str:
    """The key of an unordered pair of entries in Calibration.confusions."""
    return "|".join(sorted((a, b)))


def features(
    evidence: Evidence, ranked: Sequence[Candidate], confusions: dict[str, int] | None = None
) -> list[float]:
    """The confidence model's inputs (FEATURES) for one question."""
    faq = sorted(((v, k) for k, v in evidence.learned.items() if is_entry(k)), reverse=True)
    p1 = faq[0][0] if faq else 0.0
    p2 = faq[1][0] if len(faq) > 1 else 0.0
    lex = evidence.lexical
    s1 = lex[0].score if lex else 0.0
    s2 = lex[1].score if len(lex) > 1 else 0.0
    e1 = ranked[0].score if ranked else 0.0
    e2 = ranked[1].score if len(ranked) > 1 else 0.0
    top = ranked[0].entry_id if ranked else None
    learned_top = faq[0][1] if faq else None
    entropy = -sum(v * math.log(v) for v, _ in faq if v > 0)
    return [
        p1,
        p1 - p2,
        s1,
        s1 - s2,
        e1,
        e1 - e2,
        float(bool(lex) and lex[0].entry_id == learned_top),
        float(top is not None and top == learned_top),
        evidence.learned.get(top, 0.0) if top else 0.0,
        next((c.score for c in lex if c.entry_id == top), 0.0),
        best_smalltalk(evidence)[1],
        entropy,
        float(bool(lex)),
        evidence.known / max(evidence.words, 1),
        float(evidence.words - evidence.known),
        math.log1p(evidence.words),
        math.log1p(
            (confusions or {}).get(pair_key(ranked[0].entry_id, ranked[1].entry_id), 0)
            if len(ranked) > 1
            else 0
        ),
        evidence.learned.get(OFFTOPIC, 0.0),
    ]


def learned_smalltalk(evidence: Evidence, ranked: Sequence[Candidate], cut: float) -> str | None:
    """The small-talk intent the learned model gives, if it reaches `cut` and beats the best
    entry. Never when the word list finds harm ("tolong japri, aku disekap"): the answer or
    fallback carries the emergency note first. Where only the reading finds harm (`distress`
    without `listed`) or finds it likelier than not (`wary`), any small talk but `human`
    would be heartless; `human` stays, because asking for a person sounds like a cry for help
    to the reading ("tolong telepon balik", "saya mau ngomong sama orang aja") and its reply
    gives the hotline, the police line and the report button, where the fallback would begin
    "I don't have a reliable answer" (the decision stays marked urgent: see `decide`). Small
    talk by rule (its words alone) is decided before this."""
    intent, chance = best_smalltalk(evidence)
    best = ranked[0].score if ranked else 0.0
    if intent is None or chance < cut or chance <= best:
        return None
    if (intent == SPAM and evidence.numeric) or intent in evidence.barred:
        return None
    if evidence.listed or ((evidence.distress or evidence.wary) and intent != HUMAN):
        return None
    return intent


def is_short_with_number(text: str) -> bool:
    """A number and at most NUMBER_MAX_WORDS words besides ("20 juta", "24 jam?", "cek nomor
    081234567890"): see Evidence.numeric."""
    numbers = words = 0
    for token in _TOKEN.findall(text):
        if any(ch.isdigit() for ch in token):
            numbers += 1
        else:
            words += 1
            if words > NUMBER_MAX_WORDS:
                return False  # a long message: no need to read its every letter
    return numbers > 0


def decide(evidence: Evidence, cal: Calibration) -> Decision:
    ranked = combine(evidence, cal)
    intent = learned_smalltalk(evidence, ranked, cal.smalltalk)
    urgent, listed = evidence.distress, evidence.listed
    if intent is not None and not urgent:
        return Decision(Kind.SMALLTALK, intent=intent)
    confidence: float | None = None  # nothing ranked: nothing to be confident about
    if not ranked:
        kind = Kind.FALLBACK
    else:
        confidence = round(cal.confidence(features(evidence, ranked, cal.confusions)), 4)
        if confidence >= cal.answer:
            kind = Kind.ANSWER
        else:
            kind = Kind.SUGGEST if confidence >= cal.suggest else Kind.FALLBACK
    if kind is not Kind.ANSWER and not urgent:
        # "did you mean" or the fallback is the FAQ unsure; a small-talk intent that reaches
        # its cut though an entry outscores it is the likelier reading ("ini nomor resmi
        # kp2mi?" asks about the bot; held out on the dev halves it changed one decision for
        # each, to the labelled small talk)
        unsure = learned_smalltalk(evidence, (), cal.smalltalk)
        if unsure is not None:
            return Decision(Kind.SMALLTALK, intent=unsure)
    if intent is not None and kind is Kind.FALLBACK:
        # `human` beside harm the reading found: its reply instead of "I have no reliable
        # answer"; an answer or "did you mean" with the emergency note says more
        return Decision(Kind.SMALLTALK, intent=intent, urgent=True)
    candidates = tuple(ranked[:MAX_SUGGESTIONS])
    return Decision(kind, candidates, confidence=confidence, urgent=urgent, listed=listed)
