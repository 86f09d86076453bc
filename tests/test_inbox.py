"""Grouping unanswered questions for editors: paraphrases together, topics apart."""

from __future__ import annotations

from pathlib import Path

from sklearn.metrics import adjusted_rand_score

from bot.core.faq.inbox import (
    Cluster,
    Question,
    cluster_labels,
    draft_phrasings,
    group,
    make_normaliser,
)

ROOT = Path(__file__).resolve().parents[1]
normalise = make_normaliser(ROOT / "content/glossary.yaml")


# Hand-written for the unit test only; the measured figure comes from a blind set
# (bench/inbox_bench.py).
QUESTIONS = [
    ("kapal", "kerja di kapal ikan taiwan gmn"),
    ("kapal", "mau jadi abk kapal ikan syaratnya apa"),
    ("kapal", "abk kapal ikan itu resmi gk"),
    ("jerman", "kerja perawat di jerman gimana caranya"),
    ("jerman", "program perawat ke jerman daftar dmn"),
    ("jerman", "perawat jerman g to g syaratnya apa"),
    ("sim", "cara perpanjang sim motor"),
    ("sim", "perpanjang sim online gmn"),
]


def test_paraphrases_group_together_and_topics_apart() -> None:
    labels = cluster_labels([q for _, q in QUESTIONS], normalise)
    truth = [topic for topic, _ in QUESTIONS]
    assert adjusted_rand_score(truth, labels) == 1.0


def test_groups_come_largest_first_with_typical_examples() -> None:
    questions = [Question(q, "id") for _, q in QUESTIONS] + [Question("abk kapal ikan", "id")]
    clusters = group(questions, normalise)
    assert clusters[0].size == 4 and all("kapal" in e for e in clusters[0].examples)
    assert clusters[0].examples[0] == "abk kapal ikan"  # shortest first among singles
    assert sum(c.size for c in clusters) == len(questions)


def test_one_question_is_one_group_and_none_is_none() -> None:
    assert cluster_labels(["halo"]) == [0]
    assert group([]) == []


def test_draft_phrasings_are_yaml_per_language_without_duplicates() -> None:
    cluster = Cluster(
        [
            Question("ABK kapal  ikan?", "id"),
            Question("abk kapal ikan?", "id"),
            Question("fishing boat job", "en"),
        ],
        [],
    )
    text = draft_phrasings(cluster, "fishing-crew")
    assert text.splitlines()[0].startswith("# draft phrasings for fishing-crew")
    assert text.count("kapal") == 1 and "- fishing boat job" in text


def test_topic_vectors_join_paraphrases_across_languages() -> None:
    """Words alone cannot join an English and an Indonesian question; the FAQ model's topic
    probabilities, learned from phrasings in both languages, can."""
    from bot.services import build_ensemble, load_valid_content

    topics = build_ensemble(load_valid_content(ROOT / "content")).learned.probabilities
    pair = ["cara kirim uang ke keluarga yang murah", "cheapest way to send money home"]
    apart = [*pair, "cara perpanjang sim motor"]
    assert len(set(cluster_labels(apart, normalise))) == 3
    labels = cluster_labels(apart, normalise, topics=topics)
    assert labels[0] == labels[1] != labels[2]
