"""Matching a question to an FAQ entry, and deciding whether to answer at all.

Two stages. A keyword stage scores every phrasing with BM25-style weights: each query word
is looked up exactly (in any language's stemmed form), or, for a typo, mapped to the
nearest vocabulary term by edit distance. Inverse frequencies are counted per entry, so a
word that names one topic weighs more than a word every topic shares. Words the content
never uses count against a match: that is how "cara masak rendang" is declined instead of
answered with the nearest topic. Each entry also gets an entry-wide BM25 score (all its
phrasings taken as one document, its answer at a lower weight): a word used in many of an
entry's phrasings ties a question to it, and words spread over several phrasings add up.
This entry-level evidence carries most of the weight; it lifted top-1 on the dev set from
93% to 97%. A rapidfuzz re-rank of each candidate's best phrasing then rewards questions
shaped like a phrasing.

The decision is an answer only when the best entry is both good enough and clearly ahead of
the runner-up; otherwise a few suggestions; otherwise an honest fallback. Weights and
thresholds are calibrated on the labelled dev set (docs/matching.md, bench/calibrate.py).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from bot.core.content import Content, FaqEntry
from bot.core.faq.normalise import Normaliser, is_blank
from bot.core.tghtml import parse_html

K1 = 1.2
B = 0.5
CANDIDATES = 8
CACHE_SIZE = 50_000
FORMS_CACHE_SIZE = 8  # the latest messages' query forms
ENTRY_K1 = 3.0
ENTRY_B = 0.5


class Kind(StrEnum):
    ANSWER = "answer"
    SUGGEST = "suggest"
    FALLBACK = "fallback"
    BLANK = "blank"
    SMALLTALK = "smalltalk"


@dataclass(frozen=True)
class Thresholds:
    """When to answer, when to suggest. Calibrated on tests/data/devset.tsv."""

    answer: float = 0.36
    margin: float = 0.02
    suggest: float = 0.2
    max_suggestions: int = 3


@dataclass(frozen=True)
class Weights:
    """How the final score blends the evidence (each part lies in [0, 1])."""

    phrasing: float = 0.3  # share of the question's weight found in the best phrasing
    shape: float = 0.1  # rapidfuzz token_sort_ratio of question and best phrasing
    entry: float = 0.7  # BM25 share of the question's weight over all the entry's phrasings
    answer_term: float = 0.3  # how much an occurrence in the answer counts (index time)


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    score: float


# See Decision.see_also. A share of ensemble scores, so it depends on `lexical_weight`: re-check
# it when the calibration moves that weight (docs/matching.md). Re-checked at 0.5 (session 16,
# with that session's training lines): 50% was the share at which such a runner-up answers the
# dev question too about as often as before (65 of 151). At 0.6 (session 18) 50% offered 261,
# 101 right (39%); 55% offers 185, 77 right (42%), the rate kept since session 13.
SEE_ALSO_SHARE = 0.55


@dataclass(frozen=True)
class Decision:
    kind: Kind
    candidates: tuple[Candidate, ...] = ()
    intent: str | None = None  # the small-talk intent when kind is SMALLTALK
    confidence: float | None = None  # the ensemble's probability that the best entry is right
    urgent: bool = False  # the message speaks of harm: the reply adds the emergency contacts
    # the word list found it (content/distress.yaml), not only the learned reading: the note
    # comes first; a reading alone, less sure (it flags some everyday statements), puts it last
    listed: bool = False

    @property
    def entry_id(self) -> str | None:
        """The entry to answer with, or None when the bot should not answer."""
        return self.candidates[0].entry_id if self.kind is Kind.ANSWER else None

    @property
    def score(self) -> float:
        return self.candidates[0].score if self.candidates else 0.0

    @property
    def suggestions(self) -> list[str]:
        return [c.entry_id for c in self.candidates] if self.kind is Kind.SUGGEST else []

    @property
    def see_also(self) -> str | None:
        """Beside an answer, the runner-up entry when it scores close to the answer.

        Many questions have two right entries ("gaji pembantu di hongkong berapa" is answered
        by the Hong Kong entry and by the wages one). Among the answered questions of the dev
        sets, a runner-up scoring at least SEE_ALSO_SHARE of the best answered the question
        too about half the time (49 of 100 when it was chosen; 42 of 98 re-checked in session
        13, 41 of 98 at 50% with session 14's weight, 65 of 151 with session 16's, 77 of 185
        at 55% with session 18's, judged blind: tests/data/also_right.tsv); at 30% of the
        best, about a quarter. The
        reply offers it as a button, never as the answer."""
        if self.kind is not Kind.ANSWER or len(self.candidates) < 2:
            return None
        best, second = self.candidates[0], self.candidates[1]
        return second.entry_id if second.score >= SEE_ALSO_SHARE * best.score else None


@dataclass(frozen=True)
class Indexable:
    """What the matcher reads of one entry: phrasings and answers, each with its language."""

    entry_id: str
    phrasings: list[tuple[str | None, str]]
    answers: list[tuple[str | None, str]] = field(default_factory=list)


@dataclass
class _Index:
    entry_ids: list[str] = field(default_factory=list)
    doc_entry: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    entry_starts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    doc_text: list[str] = field(default_factory=list)
    vocab: dict[str, int] = field(default_factory=dict)
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    doc_postings: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    entry_postings: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    max_idf: float = 1.0


class Matcher:
    """Ranks FAQ entries for a question; knows nothing about Telegram."""

    def __init__(
        self,
        entries: list[Indexable],
        normaliser: Normaliser,
        thresholds: Thresholds | None = None,
        weights: Weights | None = None,
    ) -> None:
        self.normaliser = normaliser
        self.thresholds = thresholds or Thresholds()
        self.weights = weights or Weights()
        self._index = _build(entries, normaliser, self.weights.answer_term)
        self._vocab_list = list(self._index.vocab)
        # Bounded: a long-running bot sees every typo anyone types.
        self._lookup = lru_cache(maxsize=CACHE_SIZE)(self._lookup_uncached)
        # One decision asks for the same message's forms twice (coverage, then rank).
        self._forms = lru_cache(maxsize=FORMS_CACHE_SIZE)(self._forms_uncached)

    @classmethod
    def from_content(cls, content: Content, normaliser: Normaliser, **kwargs: object) -> Matcher:
        """Index every phrasing, title and answer (with its "more" details, which hold most
        of the words since answers were layered) of every entry, in all languages."""
        langs = content.language_codes
        entries = [
            Indexable(
                entry.id,
                [(lang, q) for lang in langs for q in (*entry.questions[lang], entry.title[lang])],
                [(lang, parse_html(whole_answer(entry, lang))) for lang in langs],
            )
            for entry in content.entries.values()
        ]
        return cls(entries, normaliser, **kwargs)  # type: ignore[arg-type]

    @property
    def size(self) -> int:
        """How many phrasings are indexed."""
        return len(self._index.doc_text)

    def rank(self, question: str, limit: int = 5) -> list[Candidate]:
        """The best entries for a question, best first, each with a score in [0, 1]."""
        index = self._index
        forms = self._forms(question)
        if not forms or not index.doc_text:
            return []
        doc_scores = np.zeros(len(index.doc_text))
        entry_scores = np.zeros(len(index.entry_ids))
        query_mass = 0.0
        matched: dict[int, float] = {}
        for token_forms in forms:
            hit = self._lookup(token_forms)
            if hit is None:
                query_mass += index.max_idf
                continue
            term, similarity = hit
            query_mass += float(index.idf[term])
            matched[term] = max(matched.get(term, 0.0), similarity)
            weight = float(index.idf[term]) * similarity
            docs, tf_weights = index.doc_postings[term]
            doc_scores[docs] += weight * tf_weights
            entries, entry_weights = index.entry_postings[term]
            entry_scores[entries] += weight * entry_weights
        if not matched:
            return []
        doc_scores /= query_mass
        entry_scores /= query_mass
        query_text = " ".join(self._vocab_list[t] for t in matched)
        return self._rerank(doc_scores, entry_scores, query_text, limit)

    def coverage(self, question: str) -> tuple[int, int]:
        """How many of the question's words the vocabulary knows (exactly or as a typo), and
        how many words it has: a question mostly made of unknown words is likely off topic."""
        forms = self._forms(question)
        known = sum(self._lookup(token_forms) is not None for token_forms in forms)
        return known, len(forms)

    def _rerank(
        self,
        doc_scores: np.ndarray,
        entry_scores: np.ndarray,
        query_text: str,
        limit: int,
    ) -> list[Candidate]:
        index, w = self._index, self.weights
        best_doc_score = np.maximum.reduceat(doc_scores, index.entry_starts)
        prelim = w.phrasing * np.minimum(best_doc_score, 1.0) + w.entry * entry_scores
        count = min(CANDIDATES, len(prelim))
        top = np.argpartition(-prelim, count - 1)[:count]
        scored = []
        for entry_no in top:
            if prelim[entry_no] <= 0:
                continue
            start = index.entry_starts[entry_no]
            end = (
                index.entry_starts[entry_no + 1]
                if entry_no + 1 < len(index.entry_starts)
                else len(doc_scores)
            )
            doc_no = start + int(np.argmax(doc_scores[start:end]))
            shape = fuzz.token_sort_ratio(query_text, index.doc_text[doc_no]) / 100.0
            score = prelim[entry_no] + w.shape * shape
            scored.append((float(score), index.entry_ids[entry_no]))
        scored.sort(reverse=True)
        return [Candidate(entry_id, round(score, 4)) for score, entry_id in scored[:limit]]

    def _forms_uncached(self, question: str) -> tuple[tuple[str, ...], ...]:
        """Each distinct content token of the question with its stems (Normaliser.query_forms)."""
        return tuple(dict.fromkeys(self.normaliser.query_forms(question)))

    def _lookup_uncached(self, forms: tuple[str, ...]) -> tuple[int, float] | None:
        """The vocabulary term for a query word's forms, and how sure we are (1.0 = exact)."""
        vocab = self._index.vocab
        exact = next((f for f in forms if f in vocab), None)
        return (vocab[exact], 1.0) if exact is not None else self._nearest(forms[-1])

    def _nearest(self, word: str) -> tuple[int, float] | None:
        """A typo's closest vocabulary term: one edit for short words, two for long ones."""
        if len(word) < 4 or word.isdigit():
            return None
        max_distance = 1 if len(word) <= 7 else 2
        best = process.extractOne(
            word, self._vocab_list, scorer=Levenshtein.distance, score_cutoff=max_distance
        )
        if best is None:
            return None
        return self._index.vocab[best[0]], 1.0 - best[1] / max(len(word), len(best[0]))

    def decide(self, question: str) -> Decision:
        """Answer, suggest, or fall back: never answer a question the content does not cover."""
        if is_blank(question):
            return Decision(Kind.BLANK)
        t = self.thresholds
        ranked = self.rank(question, limit=max(t.max_suggestions, 2))
        if not ranked:
            return Decision(Kind.FALLBACK)
        best = ranked[0].score
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if best >= t.answer and best - runner_up >= t.margin:
            return Decision(Kind.ANSWER, tuple(ranked))
        suggestions = tuple(c for c in ranked[: t.max_suggestions] if c.score >= t.suggest)
        if suggestions:
            return Decision(Kind.SUGGEST, suggestions)
        return Decision(Kind.FALLBACK, tuple(ranked))


def _idf(total: int, containing: int) -> float:
    return math.log(1.0 + (total - containing + 0.5) / (containing + 0.5))


def _build(entries: list[Indexable], normaliser: Normaliser, answer_term: float) -> _Index:
    """Docs (phrasings) stored entry by entry, so an entry's docs are one contiguous slice."""
    index = _Index(entry_ids=[e.entry_id for e in entries])
    doc_terms: list[list[str]] = []
    doc_entry: list[int] = []
    starts: list[int] = []
    asked: list[Counter[str]] = []
    answered: list[set[str]] = []
    for entry_no, entry in enumerate(entries):
        starts.append(len(doc_terms))
        phrasing_terms: Counter[str] = Counter()
        for lang, text in entry.phrasings:
            terms = normaliser.terms(text, lang)
            doc_terms.append(terms)
            doc_entry.append(entry_no)
            index.doc_text.append(" ".join(terms))
            phrasing_terms.update(dict.fromkeys(terms, 1))  # once per phrasing, in order
        asked.append(phrasing_terms)
        answered.append({t for lang, text in entry.answers for t in normaliser.terms(text, lang)})
    entries_with: dict[str, int] = defaultdict(int)
    for terms in asked:
        for term in terms:
            entries_with[term] += 1
    for terms, asked_terms in zip(answered, asked, strict=True):
        for term in sorted(terms - asked_terms.keys()):
            entries_with.setdefault(term, 0)
    # The vocabulary's order breaks ties between typo corrections (`_nearest`), so it must not
    # depend on set order, which changes with every process (PYTHONHASHSEED): the same
    # content must give the same answers after a restart.
    index.vocab = {term: i for i, term in enumerate(entries_with)}
    total = max(len(entries), 1)
    # A word seen only in answers is rarer evidence than its count suggests: give it the idf
    # of a word in one entry, not the maximum, so answers cannot dominate the score.
    index.idf = np.array([_idf(total, max(n, 1)) for n in entries_with.values()])
    index.max_idf = _idf(total, 0)
    index.doc_entry = np.array(doc_entry, dtype=np.int64)
    index.entry_starts = np.array(starts, dtype=np.int64)
    index.doc_postings = _doc_postings(doc_terms, index.vocab)
    index.entry_postings = _entry_postings(asked, answered, index.vocab, answer_term)
    return index


def _doc_postings(
    doc_terms: list[list[str]], vocab: dict[str, int]
) -> list[tuple[np.ndarray, np.ndarray]]:
    avg_len = sum(len(t) for t in doc_terms) / max(len(doc_terms), 1) or 1.0
    rows: list[tuple[list[int], list[float]]] = [([], []) for _ in vocab]
    for doc_no, terms in enumerate(doc_terms):
        norm = K1 * (1 - B + B * len(terms) / avg_len)
        for term in set(terms):
            tf = terms.count(term)
            docs, weights = rows[vocab[term]]
            docs.append(doc_no)
            weights.append(tf * (K1 + 1) / (tf + norm))
    return [(np.array(d, dtype=np.int64), np.array(w)) for d, w in rows]


def _entry_postings(
    asked: list[Counter[str]], answered: list[set[str]], vocab: dict[str, int], answer_term: float
) -> list[tuple[np.ndarray, np.ndarray]]:
    """BM25 over entries, each entry being all its phrasings: a word used in many of an
    entry's phrasings (tf = phrasings containing it) ties the question to that entry more
    than a word used once. Weights are scaled to at most 1."""
    rows: list[tuple[list[int], list[float]]] = [([], []) for _ in vocab]
    sizes = [sum(c.values()) for c in asked]
    avg_size = sum(sizes) / max(len(sizes), 1) or 1.0
    for entry_no, (counts, answer_terms) in enumerate(zip(asked, answered, strict=True)):
        norm = ENTRY_K1 * (1 - ENTRY_B + ENTRY_B * sizes[entry_no] / avg_size)
        for term in counts.keys() | answer_terms:
            tf = counts.get(term, 0) + (answer_term if term in answer_terms else 0.0)
            entries, weights = rows[vocab[term]]
            entries.append(entry_no)
            weights.append(tf * (ENTRY_K1 + 1) / (tf + norm) / (ENTRY_K1 + 1))
    return [(np.array(e, dtype=np.int64), np.array(w)) for e, w in rows]


def whole_answer(entry: FaqEntry, lang: str) -> str:
    """The first screen and the details behind "More", as one text."""
    return "\n\n".join(t for t in (entry.answer[lang], entry.more.get(lang, "")) if t)
