"""Calibrate the matcher's weights and decision thresholds on the labelled dev set.

    python bench/calibrate.py [--dev tests/data/devset.tsv] [--test tests/data/testset.tsv]

Weights are chosen for top-1 accuracy on the dev set; thresholds for the most questions
answered right while answered-wrong stays at or under --max-wrong percent, out-of-scope
declined at or over --min-declined percent, and the answer threshold stays at least
--oos-gap above the best score of any out-of-scope dev question (a safety margin:
out-of-scope questions in the wild are more varied than the dev set's). The answer margin
over the runner-up is at least 0.02. The held-out test set is only reported, never used to
choose, so its numbers say how well the choice generalises. Copy the printed values
into bot/core/faq/match.py (Weights, Thresholds) and docs/matching.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
from pathlib import Path

from bot.core.content import load_valid_content
from bot.core.faq.evaluate import Labelled, evaluate, read_labelled
from bot.core.faq.match import Candidate, Matcher, Thresholds, Weights
from bot.services import build_matcher

ROOT = Path(__file__).resolve().parents[1]
GRID = {
    "phrasing": [0.3, 0.5, 0.7],
    "shape": [0.0, 0.1, 0.2],
    "entry": [0.3, 0.5, 0.7],
}


def top1(matcher: Matcher, questions: list[Labelled]) -> float:
    in_scope = [q for q in questions if q.expected]
    hits = sum(
        bool((r := matcher.rank(q.question, 1)) and r[0].entry_id == q.expected) for q in in_scope
    )
    return 100.0 * hits / len(in_scope)


def best_weights(matcher: Matcher, dev: list[Labelled]) -> Weights:
    scored = []
    base = matcher.weights
    for values in itertools.product(*GRID.values()):
        matcher.weights = dataclasses.replace(base, **dict(zip(GRID, values, strict=True)))
        scored.append((top1(matcher, dev), sum(values), matcher.weights))
    scored.sort(key=lambda item: (item[0], -item[1]), reverse=True)
    return scored[0][2]


def best_thresholds(
    matcher: Matcher, dev: list[Labelled], max_wrong: float, min_declined: float, oos_gap: float
) -> Thresholds:
    ranked = {q.question: matcher.rank(q.question, 3) for q in dev}
    floor = (
        max(
            (r[0].score for q in dev if q.expected is None and (r := ranked[q.question])),
            default=0.0,
        )
        + oos_gap
    )
    original = matcher.rank
    matcher.rank = lambda question, limit=5: ranked[question][:limit]  # type: ignore[method-assign]
    try:
        best: tuple[float, Thresholds] | None = None
        answers = [x / 100 for x in range(30, 80)]
        margins = [x / 100 for x in range(2, 16)]
        for answer, margin, suggest in itertools.product(answers, margins, [0.2, 0.25, 0.3]):
            if answer < floor:
                continue
            matcher.thresholds = Thresholds(answer=answer, margin=margin, suggest=suggest)
            rates = evaluate(matcher, dev).rates()
            wrong, declined = rates["answered_wrong"], rates["out_of_scope_declined"]
            if (
                wrong <= max_wrong
                and declined >= min_declined
                and (best is None or rates["answered_right"] > best[0])
            ):
                best = (rates["answered_right"], matcher.thresholds)
    finally:
        matcher.rank = original  # type: ignore[method-assign]
    assert best is not None, "no thresholds meet the limits"
    return best[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=ROOT / "tests/data/devset.tsv")
    parser.add_argument("--test", type=Path, default=ROOT / "tests/data/testset.tsv")
    parser.add_argument("--max-wrong", type=float, default=1.5)
    parser.add_argument("--min-declined", type=float, default=95.0)
    parser.add_argument("--oos-gap", type=float, default=0.03)
    args = parser.parse_args()
    matcher = build_matcher(load_valid_content(ROOT / "content"))
    dev, test = read_labelled(args.dev), read_labelled(args.test)
    matcher.weights = best_weights(matcher, dev)
    matcher.thresholds = best_thresholds(
        matcher, dev, args.max_wrong, args.min_declined, args.oos_gap
    )
    print(matcher.weights)
    print(matcher.thresholds)
    for name, questions in (("dev", dev), ("test", test)):
        rates = evaluate(matcher, questions).rates()
        print(name, {k: round(v, 1) for k, v in rates.items()})


__all__ = ["Candidate", "main"]

if __name__ == "__main__":
    main()
