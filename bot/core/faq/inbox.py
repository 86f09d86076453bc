"""Editors' inbox: unanswered questions grouped by what they ask, so an editor sees "12 people
asked about fishing-boat jobs" instead of 12 lines, and can turn a group into draft phrasings.

Three views of a question, each giving a cosine similarity between two questions:

- *words*: TF-IDF of the question's normalised words (the FAQ matcher's own normaliser:
  slang and abbreviations spelled out, stop words dropped, words stemmed);
- *FAQ word meanings* (`FaqWords`): each word stands for where it is used in the FAQ, a
  vector over the entries whose phrasings, titles and answers contain it. "jenazah" and
  "body", "potongan" and "deduction", "meninggal" and "died" share entries, so paraphrases that
  share no word still meet. A question is the TF-IDF-weighted sum of its words' vectors, minus
  what the FAQ's phrasings have in common (which says nothing about which group it is in).
  Unlike the learned model below, it needs no training and keeps its resolution for
  questions no entry answers: a question lands near the entries that use its words, even
  when none of them answers it;
- *topics*: the FAQ's learned model's probabilities over the entries (square-rooted, so
  cosine compares them like distributions).

The three similarities are mixed with fixed weights and grouped by agglomerative clustering
(average linkage, a distance threshold: no number of groups is fixed in advance). Weights and
threshold were chosen on the dev half of a blind set of paraphrases (`bench/inbox_bench.py
--calibrate`); docs/benchmarks.md has the adjusted Rand index on both halves and every variant
measured. What still goes wrong: a place name shared by two different questions ("... in
Korea") can outweigh the rest, and a question in words that neither the FAQ nor the other
questions use stays alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from scipy.sparse import spmatrix
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from bot.core.content import Content, FaqEntry
from bot.core.faq.normalise import Glossary, Normaliser
from bot.core.faq.training import load_training

# Chosen by `bench/inbox_bench.py --calibrate` on the dev half. The weights are shares of the
# mixed similarity; a view that is not given (no model, no FAQ) hands its share to the words.
DISTANCE_THRESHOLD = 0.74
TOPIC_WEIGHT = 0.10  # the learned model's topic probabilities
MEANING_WEIGHT = 0.40  # the FAQ word meanings
WORDS_ONLY_THRESHOLD = 0.90  # when neither of the two is given (calibrated the same way)
EXAMPLES = 3

# Texts → one row of class probabilities per text (the FAQ's learned model).
Topics = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class Question:
    text: str
    language: str


@dataclass
class Cluster:
    """Similar unanswered questions; `examples` are the most typical ones first."""

    questions: list[Question]
    examples: list[str]

    @property
    def size(self) -> int:
        return len(self.questions)

    @property
    def languages(self) -> Counter[str]:
        return Counter(q.language for q in self.questions)


class FaqWords:
    """Each normalised word as a unit vector over the FAQ entries whose text uses it.

    Built from the content the bot already has (phrasings in every language, titles and
    answers), so nothing is downloaded and it follows the content as editors change it.
    `centre` is what the FAQ's own phrasings have in common (their mean direction); it is
    taken off every question, so that two questions meet on what sets them apart. It comes
    from the FAQ, not from the batch: the mean of a batch of three would push its questions
    apart.
    """

    def __init__(self, documents: Sequence[str], questions: Sequence[str]) -> None:
        per_word: dict[str, Counter[int]] = {}
        for entry, document in enumerate(documents):
            for word in document.split():
                per_word.setdefault(word, Counter())[entry] += 1
        self.size = len(documents)
        self._rows: dict[str, np.ndarray] = {}
        for word, entries in per_word.items():
            row = np.zeros(self.size)
            row[list(entries)] = list(entries.values())
            self._rows[word] = row / np.linalg.norm(row)
        self.centre = np.zeros(self.size)
        if questions:
            vectoriser = TfidfVectorizer(sublinear_tf=True, token_pattern=r"\S+")
            weights = vectoriser.fit_transform([q or "-" for q in questions])
            vocabulary = list(vectoriser.get_feature_names_out())
            self.centre = self.embed(weights, vocabulary, centred=False).mean(axis=0)

    @classmethod
    def from_entries(
        cls, entries: Iterable[tuple[Sequence[str], Sequence[str]]], normalise: Callable[[str], str]
    ) -> FaqWords:
        """Per entry its phrasings and its other texts (titles, answers), normalised the way
        questions are: the entry's document is all of them, the centre the phrasings'."""
        documents: list[str] = []
        questions: list[str] = []
        for phrasings, others in entries:
            asked = [normalise(text) for text in phrasings]
            questions.extend(asked)
            documents.append(" ".join([*asked, *(normalise(text) for text in others)]))
        return cls(documents, questions)

    def matrix(self, vocabulary: Sequence[str]) -> np.ndarray:
        """Rows for `vocabulary` in order; a word the FAQ never uses is a row of zeros."""
        out = np.zeros((len(vocabulary), self.size))
        for index, word in enumerate(vocabulary):
            row = self._rows.get(word)
            if row is not None:
                out[index] = row
        return out

    def embed(
        self, weights: np.ndarray | spmatrix, vocabulary: Sequence[str], centred: bool = True
    ) -> np.ndarray:
        """Unit vectors: each text's word weights (texts × vocabulary) times the words' rows."""
        embedded = normalize(np.asarray(weights @ self.matrix(vocabulary)))
        return normalize(embedded - self.centre) if centred else embedded


def cluster_labels(
    texts: Sequence[str],
    normalise: Callable[[str], str] = str.lower,
    threshold: float | None = None,
    topics: Topics | None = None,
    topic_weight: float = TOPIC_WEIGHT,
    meanings: FaqWords | None = None,
    meaning_weight: float = MEANING_WEIGHT,
    linkage: str = "average",
) -> list[int]:
    """A group number per text (same number, same group)."""
    if len(texts) < 2:
        return [0] * len(texts)
    similarity = mixed_similarity(texts, normalise, topics, topic_weight, meanings, meaning_weight)
    if threshold is None:
        only_words = (topics is None or topic_weight <= 0) and (
            meanings is None or meaning_weight <= 0
        )
        threshold = WORDS_ONLY_THRESHOLD if only_words else DISTANCE_THRESHOLD
    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage=linkage, distance_threshold=threshold
    )
    return [int(label) for label in model.fit_predict(distance)]


def mixed_similarity(
    texts: Sequence[str],
    normalise: Callable[[str], str] = str.lower,
    topics: Topics | None = None,
    topic_weight: float = TOPIC_WEIGHT,
    meanings: FaqWords | None = None,
    meaning_weight: float = MEANING_WEIGHT,
) -> np.ndarray:
    """The weighted sum of the views' cosine similarities, one row and column per text."""
    cleaned = [normalise(t) or t.lower() for t in texts]
    vectoriser = TfidfVectorizer(analyzer="word", sublinear_tf=True, token_pattern=r"\S+")
    words = vectoriser.fit_transform(cleaned)  # rows are L2-normalised already
    parts: list[tuple[float, np.ndarray]] = []
    if topics is not None and topic_weight > 0:
        parts.append((topic_weight, normalize(np.sqrt(np.clip(topics(texts), 0.0, None)))))
    if meanings is not None and meaning_weight > 0:
        vocabulary = list(vectoriser.get_feature_names_out())
        parts.append((meaning_weight, meanings.embed(words, vocabulary)))
    rest = 1.0 - sum(weight for weight, _ in parts)
    similarity = rest * (words @ words.T).toarray()
    for weight, vectors in parts:
        similarity += weight * (vectors @ vectors.T)
    return similarity


def faq_words(
    entries: Iterable[FaqEntry],
    normalise: Callable[[str], str],
    training: Iterable[tuple[str, str]] = (),
) -> FaqWords:
    """FAQ word meanings from every entry's phrasings (all languages), title and answer, and
    the real messages of content/faq_training.yaml labelled with an entry (`training`, text
    and label): they carry the words people really use ("gmn", "krja", regional words), which
    the written phrasings lack. Session 8, on the inbox blind set with the shipped weights and
    threshold: dev ARI 0.775 → 0.823, test 0.566 → 0.572, fresh set 0.487 → 0.492."""
    entries = list(entries)
    said: dict[str, list[str]] = {}
    for text, label in training:
        said.setdefault(label, []).append(text)
    texts = (
        (
            [*(q for qs in e.questions.values() for q in qs), *said.get(e.id, [])],
            [*e.title.values(), *e.answer.values()],
        )
        for e in entries
    )
    return FaqWords.from_entries(texts, normalise)


def content_faq_words(content: Content, normalise: Callable[[str], str]) -> FaqWords:
    """`faq_words` of a content directory: its entries and its training file."""
    return faq_words(content.entries.values(), normalise, load_training(content.directory))


def make_normaliser(glossary_path: Path, stemmer: str = "indonesian") -> Callable[[str], str]:
    """Words that carry the question's topic: the FAQ normaliser's content tokens, stemmed."""
    glossary = Glossary.load(glossary_path) if glossary_path.exists() else Glossary()
    normaliser = Normaliser(glossary, stemmers={"id": stemmer})
    return lambda text: " ".join(normaliser.terms(text, "id"))


def group(
    questions: Sequence[Question],
    normalise: Callable[[str], str] = str.lower,
    threshold: float | None = None,
    topics: Topics | None = None,
    meanings: FaqWords | None = None,
) -> list[Cluster]:
    """Clusters, largest first; within a cluster, the most typical questions first."""
    texts = [q.text for q in questions]
    labels = cluster_labels(texts, normalise, threshold, topics, meanings=meanings)
    members: dict[int, list[Question]] = {}
    for question, label in zip(questions, labels, strict=True):
        members.setdefault(label, []).append(question)
    clusters = [Cluster(items, _typical(items)) for items in members.values()]
    return sorted(clusters, key=lambda c: (-c.size, c.examples[0]))


def _typical(items: list[Question]) -> list[str]:
    """Distinct texts, the most repeated first, then the shortest (easiest to read)."""
    counts = Counter(q.text.strip() for q in items)
    ranked = sorted(counts, key=lambda text: (-counts[text], len(text), text))
    return ranked[:EXAMPLES]


def draft_phrasings(cluster: Cluster, entry_id: str | None = None) -> str:
    """A YAML block an editor can paste under an entry's `questions:` after reviewing it."""
    by_language: dict[str, list[str]] = {}
    for question in cluster.questions:
        phrasing = " ".join(question.text.split())
        listed = by_language.setdefault(question.language, [])
        if phrasing.lower() not in (p.lower() for p in listed):
            listed.append(phrasing)
    head = f"# draft phrasings for {entry_id}" if entry_id else "# draft phrasings"
    body = yaml.safe_dump({"questions": by_language}, allow_unicode=True, sort_keys=True)
    return f"{head}: review each line before adding it\n{body}"
