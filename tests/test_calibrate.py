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
