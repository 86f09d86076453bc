"""Matching a question to an FAQ entry, and deciding whether to answer at all.

Two stages. A keyword stage scores every phrasing with BM25-style weights: each query term
is looked up exactly, or, for a typo, mapped to the nearest vocabulary term by edit
distance; inverse frequencies are counted per entry, so a word that names one topic weighs
more than a word every topic shares. Words the content never uses count against a match:
that is how "cara masak rendang" is declined instead of answered with the nearest topic.
A rapidfuzz re-rank of the best phrasings then rewards questions shaped like a phrasing.

The decision is an answer only when the best entry is both good enough and clearly ahead of
the runner-up; otherwise a few suggestions; otherwise an honest fallback. Thresholds are
calibrated on the labelled dev set (docs/matching.md).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from bot.core.content import Content
from bot.core.normalise import Normaliser, is_blank

K1 = 1.2
B = 0.5
RERANK_DOCS = 40


class Kind(StrEnum):
    ANSWER = "answer"
    SUGGEST = "suggest"
    FALLBACK = "fallback"
    BLANK = "blank"


@dataclass(frozen=True)
class Thresholds:
    """When to answer, when to suggest. Calibrated on tests/data/devset.tsv."""

    answer: float = 0.5
    margin: float = 0.06
    suggest: float = 0.3
    max_suggestions: int = 3


@dataclass(frozen=True)
class Weights:
    """How the final score blends query coverage, phrasing coverage and fuzzy shape."""

    query: float = 0.6
    doc: float = 0.2
    shape: float = 0.2


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    score: float


@dataclass(frozen=True)
class Decision:
    kind: Kind
    candidates: tuple[Candidate, ...] = ()

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


@dataclass
class _Doc:
    entry_id: str
    text: str
    terms: frozenset[str]
    idf_mass: float


@dataclass
class _Index:
    docs: list[_Doc] = field(default_factory=list)
    vocab: dict[str, int] = field(default_factory=dict)
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    postings: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    max_idf: float = 1.0


class Matcher:
    """Ranks FAQ entries for a question; knows nothing about Telegram."""

    def __init__(
        self,
        phrasings: list[tuple[str, str]],
        normaliser: Normaliser,
        thresholds: Thresholds | None = None,
        weights: Weights | None = None,
    ) -> None:
        self.normaliser = normaliser
        self.thresholds = thresholds or Thresholds()
        self.weights = weights or Weights()
        self._index = self._build(phrasings)
        self._vocab_list = list(self._index.vocab)
        self._term_cache: dict[str, tuple[int, float] | None] = {}

    @classmethod
    def from_content(cls, content: Content, normaliser: Normaliser, **kwargs: object) -> Matcher:
        """Index every phrasing and title of every entry, in all languages."""
        phrasings = [
            (entry.id, text)
            for entry in content.entries.values()
            for lang in content.language_codes
            for text in (*entry.questions.get(lang, ()), entry.title.get(lang, ""))
            if text
        ]
        return cls(phrasings, normaliser, **kwargs)  # type: ignore[arg-type]

    @property
    def size(self) -> int:
        """How many phrasings are indexed."""
        return len(self._index.docs)

    def _build(self, phrasings: list[tuple[str, str]]) -> _Index:
        index = _Index()
        doc_terms: list[list[str]] = []
        entries_with: dict[str, set[str]] = defaultdict(set)
        for entry_id, text in phrasings:
            terms = self.normaliser.terms(text)
            doc_terms.append(terms)
            for term in terms:
                entries_with[term].add(entry_id)
        n_entries = len({e for e, _ in phrasings}) or 1
        index.vocab = {term: i for i, term in enumerate(entries_with)}
        index.idf = np.array(
            [_idf(n_entries, len(entries_with[t])) for t in index.vocab], dtype=np.float64
        )
        index.max_idf = _idf(n_entries, 0)
        avg_len = sum(len(t) for t in doc_terms) / max(len(doc_terms), 1) or 1.0
        rows: dict[int, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
        for doc_no, ((entry_id, _), terms) in enumerate(zip(phrasings, doc_terms, strict=True)):
            norm = K1 * (1 - B + B * len(terms) / avg_len)
            for term in set(terms):
                tf = terms.count(term)
                docs, weights = rows[index.vocab[term]]
                docs.append(doc_no)
                weights.append(tf * (K1 + 1) / (tf + norm))
            unique = frozenset(terms)
            mass = float(sum(index.idf[index.vocab[t]] for t in unique))
            index.docs.append(_Doc(entry_id, " ".join(terms), unique, mass))
        index.postings = [
            (np.array(rows[i][0], dtype=np.int64), np.array(rows[i][1], dtype=np.float64))
            for i in range(len(index.vocab))
        ]
        return index

    def _lookup(self, term: str) -> tuple[int, float] | None:
        """The vocabulary term for a query term and how sure we are (1.0 = exact)."""
        if term in self._term_cache:
            return self._term_cache[term]
        found: tuple[int, float] | None = None
        if term in self._index.vocab:
            found = (self._index.vocab[term], 1.0)
        elif len(term) >= 4 and not term.isdigit():
            max_distance = 1 if len(term) <= 6 else 2
            best = process.extractOne(
                term, self._vocab_list, scorer=Levenshtein.distance, score_cutoff=max_distance
            )
            if best is not None:
                similarity = 1.0 - best[1] / max(len(term), len(best[0]))
                found = (self._index.vocab[best[0]], similarity)
        self._term_cache[term] = found
        return found

    def rank(self, question: str, limit: int = 5) -> list[Candidate]:
        """The best entries for a question, best first, each with a score in [0, 1]."""
        terms = self.normaliser.terms(question)
        if not terms or not self._index.docs:
            return []
        index = self._index
        scores = np.zeros(len(index.docs))
        query_mass = 0.0
        matched: dict[int, float] = {}
        for term in dict.fromkeys(terms):
            hit = self._lookup(term)
            if hit is None:
                query_mass += index.max_idf
                continue
            vocab_id, similarity = hit
            weight = float(index.idf[vocab_id]) * similarity
            query_mass += float(index.idf[vocab_id])
            matched[vocab_id] = max(matched.get(vocab_id, 0.0), similarity)
            docs, tf_weights = index.postings[vocab_id]
            scores[docs] += weight * tf_weights
        if not matched:
            return []
        return self._rerank(scores / query_mass, matched, terms, limit)

    def _rerank(
        self, coverage: np.ndarray, matched: dict[int, float], terms: list[str], limit: int
    ) -> list[Candidate]:
        index = self._index
        top = np.argpartition(-coverage, min(RERANK_DOCS, len(coverage) - 1))[:RERANK_DOCS]
        query_text = " ".join(terms)
        matched_terms = {self._vocab_list[i]: s for i, s in matched.items()}
        best: dict[str, float] = {}
        w = self.weights
        for doc_no in top:
            if coverage[doc_no] <= 0:
                continue
            doc = index.docs[doc_no]
            shared = sum(
                float(index.idf[index.vocab[t]]) * matched_terms[t]
                for t in doc.terms
                if t in matched_terms
            )
            doc_cover = shared / doc.idf_mass if doc.idf_mass else 0.0
            shape = fuzz.token_sort_ratio(query_text, doc.text) / 100.0
            score = (
                w.query * min(float(coverage[doc_no]), 1.0) + w.doc * doc_cover + w.shape * shape
            )
            if score > best.get(doc.entry_id, 0.0):
                best[doc.entry_id] = score
        ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)[:limit]
        return [Candidate(entry_id, round(score, 4)) for entry_id, score in ranked]

    def decide(self, question: str) -> Decision:
        """Answer, suggest, or fall back: never answer a question the content does not cover."""
        if is_blank(question):
            return Decision(Kind.BLANK)
        ranked = self.rank(question, limit=max(self.thresholds.max_suggestions, 2))
        if not ranked:
            return Decision(Kind.FALLBACK)
        t = self.thresholds
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
