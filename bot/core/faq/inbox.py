"""Editors' inbox: unanswered questions grouped by what they ask, so an editor sees "12 people
asked about fishing-boat jobs" instead of 12 lines, and can turn a group into draft phrasings.

Questions are normalised with the FAQ matcher's own normaliser (slang and abbreviations spelled
out, stop words dropped, words stemmed) and turned into TF-IDF vectors of those words. Beside
them goes each question's *topic vector*: the FAQ's learned model's probabilities over the
entries (square-rooted, so cosine compares them like distributions). Words alone cannot join an
English and an Indonesian paraphrase; the model, trained on phrasings in both languages, often
puts them near the same entries. The two parts are weighted and grouped by agglomerative
clustering with cosine distance and average linkage: no number of groups is fixed in advance.
The weight and the distance threshold were chosen on the dev half of a blind set of paraphrases
(bench/inbox_bench.py); docs/benchmarks.md has the adjusted Rand index on both halves, and why
it is still lower than we would like: questions in words that share nothing with each other or
with any phrasing land in different groups.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from bot.core.faq.normalise import Glossary, Normaliser

# Both chosen by `bench/inbox_bench.py --calibrate` on the dev half.
DISTANCE_THRESHOLD = 0.90
TOPIC_WEIGHT = 0.3  # share of the topic vector beside the words (0: words only)
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


def cluster_labels(
    texts: Sequence[str],
    normalise: Callable[[str], str] = str.lower,
    threshold: float = DISTANCE_THRESHOLD,
    topics: Topics | None = None,
    topic_weight: float = TOPIC_WEIGHT,
) -> list[int]:
    """A group number per text (same number, same group)."""
    if len(texts) < 2:
        return [0] * len(texts)
    cleaned = [normalise(t) or t.lower() for t in texts]
    words = TfidfVectorizer(analyzer="word", sublinear_tf=True, token_pattern=r"\S+")
    dense = words.fit_transform(cleaned).toarray()  # rows are L2-normalised already
    if topics is not None and topic_weight > 0:
        shape = normalize(np.sqrt(np.clip(topics(texts), 0.0, None)))
        dense = np.hstack([dense * (1 - topic_weight), shape * topic_weight])
    model = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
    )
    return [int(label) for label in model.fit_predict(dense)]


def make_normaliser(glossary_path: Path, stemmer: str = "indonesian") -> Callable[[str], str]:
    """Words that carry the question's topic: the FAQ normaliser's content tokens, stemmed."""
    glossary = Glossary.load(glossary_path) if glossary_path.exists() else Glossary()
    normaliser = Normaliser(glossary, stemmers={"id": stemmer})
    return lambda text: " ".join(normaliser.terms(text, "id"))


def group(
    questions: Sequence[Question],
    normalise: Callable[[str], str] = str.lower,
    threshold: float = DISTANCE_THRESHOLD,
    topics: Topics | None = None,
) -> list[Cluster]:
    """Clusters, largest first; within a cluster, the most typical questions first."""
    labels = cluster_labels([q.text for q in questions], normalise, threshold, topics)
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
