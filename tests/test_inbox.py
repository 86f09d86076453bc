"""Grouping unanswered questions for editors: paraphrases together, topics apart."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

from bench.inbox_bench import load, split
from bot.core.faq.inbox import (
    Cluster,
    FaqWords,
    Question,
    cluster_labels,
    content_faq_words,
    draft_phrasings,
    faq_words,
    group,
    make_normaliser,
)

ROOT = Path(__file__).resolve().parents[1]
normalise = make_normaliser(ROOT / "content/glossary.yaml")
# Today's adjusted Rand index on the dev half of the blind set (bench/inbox_bench.py), less a
# little: a change that loses more than that makes the grouping worse. The test half is only
# measured by the benchmark.
DEV_FLOOR = 0.80  # 0.823 since session 8 (real messages in the word meanings); was 0.775


@cache
def views():
    """The shipped views: the FAQ's learned model and the FAQ word meanings."""
    from bot.services import build_ensemble, load_valid_content

    content = load_valid_content(ROOT / "content")
    topics = build_ensemble(content).learned.probabilities
    return topics, content_faq_words(content, normalise)


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


def test_faq_meanings_and_topics_join_paraphrases_across_languages() -> None:
    """Words alone cannot join an English and an Indonesian question; the FAQ's phrasings in
    both languages, through the word meanings and the learned model, can."""
    topics, meanings = views()
    pair = ["cara kirim uang ke keluarga yang murah", "cheapest way to send money home"]
    apart = [*pair, "cara perpanjang sim motor"]
    assert len(set(cluster_labels(apart, normalise))) == 3
    labels = cluster_labels(apart, normalise, topics=topics, meanings=meanings)
    assert labels[0] == labels[1] != labels[2]
    alone = cluster_labels(apart, normalise, meanings=meanings)
    assert alone[0] == alone[1] != alone[2]


def test_faq_words_are_where_the_faq_uses_them() -> None:
    """A word is a unit vector over the entries using it; unknown words are zero; the centre
    comes from the FAQ's phrasings, so even two questions alone are compared fairly."""
    words = FaqWords(["paspor hilang paspor", "jenazah pulang", "paspor"], ["paspor hilang"])
    rows = words.matrix(["paspor", "jenazah", "rendang"])
    assert np.allclose(rows[0], np.array([2, 0, 1]) / np.sqrt(5))
    assert np.allclose(rows[1], [0, 1, 0]) and not rows[2].any()
    assert np.allclose(np.linalg.norm(words.centre), 1.0)  # one phrasing: its own direction
    pair = ["paspor hilang di taiwan", "paspor ilang gmn"]
    assert len(set(cluster_labels(pair, normalise, meanings=words))) == 1


def test_real_messages_teach_the_word_meanings_their_words() -> None:
    """A word only people use ("jnzh", a made-up spelling here) means the entry of the real
    message it came in; without that message it means nothing."""
    from bot.services import load_valid_content

    entries = list(load_valid_content(ROOT / "content").entries.values())
    word = normalise("jnzh")
    assert word and not faq_words(entries, normalise).matrix([word]).any()
    taught = faq_words(entries, normalise, [("jnzh blm dipulangkan", "death-illness-abroad")])
    row = taught.matrix([word])[0]
    ids = [e.id for e in entries]
    assert row[ids.index("death-illness-abroad")] == 1.0 and row.sum() == 1.0


def test_blind_dev_half_stays_above_its_floor() -> None:
    """The dev half of tests/data/inbox_blind.tsv, grouped as the CLI does."""
    dev, _ = split(load())
    topics, meanings = views()
    labels = cluster_labels([q for _, _, q in dev], normalise, topics=topics, meanings=meanings)
    assert adjusted_rand_score([label for label, _, _ in dev], labels) >= DEV_FLOOR
