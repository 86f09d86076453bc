"""The matcher benchmark's same-data baselines count as the brief says (issue 9, session 7):
a predicted small-talk or off-topic label declines, and a dev half that trains a baseline
is scored only by a baseline rebuilt without its writer's set."""

from __future__ import annotations

from typing import ClassVar

from bench.matcher_bench import (
    DEV_SETS,
    GROUPS,
    Examples,
    Reply,
    baseline_report,
    cross_fitted,
    reply_for,
)
from bot.core.faq.evaluate import Labelled


def line(expected: str | None, question: str) -> Labelled:
    return Labelled(expected, "id", "test", question)


def test_only_an_entry_label_is_answered() -> None:
    assert reply_for("costs", 0.9) == Reply("costs", 0.9, "costs")
    assert reply_for("smalltalk:greeting", 0.9).entry_id is None
    assert reply_for("offtopic", 0.9).entry_id is None


def test_a_declining_label_declines_at_every_threshold_and_small_talk_is_handled() -> None:
    questions = [line(None, "jadwal sholat"), line("smalltalk:greeting", "halo min")]
    replies = [reply_for("offtopic", 0.99), reply_for("smalltalk:greeting", 0.99)]
    rates = baseline_report(replies, questions, 0.0).rates()
    assert rates["answered_wrong"] == 0.0
    assert rates["out_of_scope_declined"] == 100.0
    assert rates["smalltalk_handled"] == 100.0


def test_a_phrasings_only_baseline_handles_no_small_talk() -> None:
    report = baseline_report([Reply(None, 0.0)], [line("smalltalk:thanks", "makasih")], 1.0)
    assert report.rates()["smalltalk_handled"] == 0.0


def test_without_drops_training_lines_only() -> None:
    examples = Examples(
        [("biaya berapa", "costs"), ("biaya berapa", "costs"), ("halo", "smalltalk:greeting")],
        [1.0, 2.0, 2.0],
        [False, True, True],
    )
    left = examples.without({"biaya berapa", "halo"})
    assert left.pairs == [("biaya berapa", "costs")] and left.weights == [1.0]


class Recorder:
    """A fake baseline that remembers what it was built from and answers its first label."""

    built: ClassVar[list[set[str]]] = []

    def __init__(self, examples: Examples) -> None:
        self.texts = {t for t, _ in examples.pairs}
        Recorder.built.append(self.texts)

    def best(self, question: str) -> Reply:
        return Reply("costs" if question in self.texts else None, 1.0)


def test_cross_fitting_scores_each_old_dev_half_without_its_writers_set() -> None:
    sets = {name: [line("costs", f"{name} q")] for name in ("dev", "test", *DEV_SETS[1:])}
    sets |= {other: [line("costs", f"{other} q")] for group in GROUPS.values() for other in group}
    pairs = [(q.question, "costs") for qs in sets.values() for q in qs]
    examples = Examples(pairs, [2.0] * len(pairs), [True] * len(pairs))
    full = {n: [Reply("full", 1.0)] * len(qs) for n, qs in sets.items()}
    Recorder.built = []
    replies, questions = cross_fitted(Recorder, examples, sets, full)
    assert [q.question for q in questions] == [f"{n} q" for n in DEV_SETS]
    for texts, (dev, group) in zip(Recorder.built, GROUPS.items(), strict=True):
        assert not texts & {f"{n} q" for n in group}, dev
    # old dev halves: rebuilt models never saw them, so they decline; blind4 dev: the full one
    assert [r.entry_id for r in replies] == [None] * len(GROUPS) + ["full"]
