"""bench/calibrate.py: the small-talk cut is judged on the lines a cut can reach."""

from __future__ import annotations

import numpy as np

from bench.calibrate import Item, handled_share


def item(expected: str | None, ruled: str | None = None, dev: bool = True) -> Item:
    return Item(None, expected, dev, ruled, "set")  # type: ignore[arg-type]


def test_blank_small_talk_does_not_count_against_a_cut() -> None:
    """ "." labelled spam is settled as blank by rule: no small-talk cut can take it."""
    items = [
        item("smalltalk:spam", ruled="decline"),  # "." or an emoji no intent lists
        item("smalltalk:greeting", ruled="smalltalk"),
        item("smalltalk:human"),
        item("costs"),
        item("smalltalk:thanks", dev=False),  # a held-out example, not a dev line
    ]
    taken = np.array([False, True, True, False, False])
    assert handled_share(items, taken) == 100.0
    assert handled_share(items, np.array([False, True, False, False, True])) == 50.0


def test_a_phrasing_answered_by_an_entry_judged_right_is_no_confusion(monkeypatch, tmp_path):
    """A phrasing of `a` that held-out scoring answers with `b` counts as a confusion of the
    pair, unless a judge found that `b` answers it too (also_right_phrasings.tsv)."""
    import bench.calibrate as calibrate

    verdicts = tmp_path / "also_right_phrasings.tsv"
    verdicts.write_text("question\tentry\tverdict\nq1\tb\tyes\nq2\tb\tno\n", encoding="utf-8")
    monkeypatch.setattr(calibrate, "PHRASING_VERDICTS", verdicts)
    also = calibrate.phrasing_alternatives()
    assert also == {"q1": frozenset({"b"})}
    items = [
        Item(None, "a", False, also=also.get(q, frozenset()))  # type: ignore[arg-type]
        for q in ("q1", "q2")
    ]
    assert items[0].accepts("b") and not items[1].accepts("b")
    monkeypatch.setattr(calibrate, "top_of", lambda evidence, cal: "b")
    assert calibrate.confusions(items, None) == {"a|b": 1}  # type: ignore[arg-type]


def test_the_suggestion_cut_is_the_best_of_a_plateau_not_a_spike() -> None:
    """Session 20: `suggest` jumped between 0.25 and 0.41 on a flat gain curve, and at 0.41
    "halo min, asuransi gmn" lost its buttons to the greeting. A cut must be good together
    with its neighbours."""
    from bench.calibrate import steady_best

    gains = [88, 89, 91, 92, 92, 91, 91, 90, 89, 93, 89, 85, 80]
    assert steady_best(gains, 0) == 9  # the lone spike
    assert steady_best(gains, 2) == 4  # the middle of the plateau
    assert steady_best([5.0], 3) == 0


def test_on_a_plateau_the_suggestion_cut_is_the_lowest_within_a_line() -> None:
    """Session 22: the smoothed gain at 0.34 was 0.6 of a dev line below the best, at 0.41,
    and "halo min, asuransi gmn" lost its buttons again. Within one line the lower cut,
    which offers the buttons more often, is taken."""
    from bench.calibrate import steady_best

    gains = [80, 86, 89, 89, 90, 90, 91, 90, 85]
    assert steady_best(gains, 0) == 6
    assert steady_best(gains, 0, slack=1.0) == 4
    assert steady_best(gains, 0, slack=2.0) == 2
