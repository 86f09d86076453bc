"""How well `content inbox` groups unanswered questions: adjusted Rand index on a blind set.

    python bench/inbox_bench.py [--calibrate]

tests/data/inbox_blind.tsv was written blind (by a helper who saw neither the code nor the
content): 40 groups of paraphrases, near-neighbours on purpose, plus 15 singletons. Its groups
are split in two by a seeded shuffle: the distance threshold is chosen on the dev half only
(`--calibrate` prints the sweep), and both halves are reported. Writes bench/results/inbox.md.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.metrics import adjusted_rand_score  # noqa: E402

from bot.core.faq.inbox import (  # noqa: E402
    DISTANCE_THRESHOLD,
    TOPIC_WEIGHT,
    cluster_labels,
    make_normaliser,
)
from bot.services import build_ensemble, load_valid_content  # noqa: E402

DATA = ROOT / "tests/data/inbox_blind.tsv"
RESULTS = ROOT / "bench/results/inbox.md"
SEED = 11


def load() -> list[tuple[str, str, str]]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return [
            (r["label"], r["lang"], r["question"]) for r in csv.DictReader(handle, delimiter="\t")
        ]


def split(rows: list[tuple[str, str, str]]) -> tuple[list, list]:
    """Whole groups go to one half, so no paraphrase of a test group is seen while tuning."""
    labels = sorted({label for label, _, _ in rows})
    random.Random(SEED).shuffle(labels)
    dev_labels = set(labels[: len(labels) // 2])
    dev = [r for r in rows if r[0] in dev_labels]
    test = [r for r in rows if r[0] not in dev_labels]
    return dev, test


def normaliser():
    return make_normaliser(ROOT / "content/glossary.yaml")


def topics():
    return build_ensemble(load_valid_content(ROOT / "content")).learned.probabilities


def ari(rows, normalise, threshold: float, topics=None, weight: float = TOPIC_WEIGHT) -> float:
    labels = cluster_labels([q for _, _, q in rows], normalise, threshold, topics, weight)
    return adjusted_rand_score([label for label, _, _ in rows], labels)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--calibrate", action="store_true", help="sweep topic weight and threshold on dev"
    )
    args = parser.parse_args()
    rows = load()
    dev, test = split(rows)
    normalise = normaliser()
    model = topics()
    if args.calibrate:
        for weight in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0):
            for step in range(30, 96, 5):
                threshold = step / 100
                score = ari(dev, normalise, threshold, model, weight)
                print(f"topic weight {weight:.1f}, threshold {threshold:.2f}: dev ARI {score:.3f}")
        return 0
    groups = lambda part: len({label for label, _, _ in part})  # noqa: E731
    results = {
        "dev": ari(dev, normalise, DISTANCE_THRESHOLD, model),
        "test": ari(test, normalise, DISTANCE_THRESHOLD, model),
        "test, words only (no topic vectors)": ari(test, normalise, DISTANCE_THRESHOLD),
        "test, lower case only": ari(test, str.lower, DISTANCE_THRESHOLD),
    }
    lines = [
        "## Editors' inbox: grouping unanswered questions",
        "",
        "Command: `python bench/inbox_bench.py` (topic weight and threshold chosen with "
        "`--calibrate` on dev only).",
        f"Blind set `tests/data/inbox_blind.tsv`: {len(rows)} questions; groups split by a seeded "
        f"shuffle into dev ({len(dev)} questions, {groups(dev)} labels) and test ({len(test)} "
        f"questions, {groups(test)} labels). Distance threshold {DISTANCE_THRESHOLD}, topic "
        f"weight {TOPIC_WEIGHT}.",
        "",
        "| split | adjusted Rand index | target |",
        "|---|---|---|",
        *(f"| {name} | {value:.3f} | ≥ 0.8 |" for name, value in results.items()),
        "",
        "The last two rows take parts away: without the learned model's topic vectors (words "
        "only, as before), and without the FAQ normaliser too (plain lower case).",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
