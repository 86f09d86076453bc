"""Vocabulary indices of a message's n-grams, for the learned models' fast paths.

Both learned readings (the FAQ's, bot/core/faq/learned.py, and Cek Dulu's,
bot/core/cekdulu/learned.py) redo scikit-learn's TF-IDF arithmetic for one message at a
time; most of that time is looking up each n-gram in the vocabulary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np


class CharGramIndex:
    """The vocabulary indices of a text's `char_wb` n-grams, one per occurrence.

    `char_wb` n-grams never cross a word, so a text's are its words' put together: each
    word's indices are looked up once and remembered, which makes a long message's thousand
    look-ups a few dozen. The memo is emptied when it holds `limit` words (users type new
    words without end)."""

    def __init__(
        self, grams: Callable[[str], Iterable[str]], vocabulary: Mapping[str, int], limit: int
    ) -> None:
        self._grams = grams  # one word's n-grams
        self._vocabulary = vocabulary
        self.limit = limit
        self.memo: dict[str, np.ndarray] = {}

    def __call__(self, text: str) -> np.ndarray:
        parts = [self._word(word) for word in text.lower().split()]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)

    def _word(self, word: str) -> np.ndarray:
        found = self.memo.get(word)
        if found is None:
            if len(self.memo) >= self.limit:
                self.memo.clear()
            found = self.memo[word] = vocabulary_indices(list(self._grams(word)), self._vocabulary)
        return found


def vocabulary_indices(grams: Sequence[str], vocabulary: Mapping[str, int]) -> np.ndarray:
    """The vocabulary index of each n-gram the vocabulary holds, in order."""
    found = np.fromiter((vocabulary.get(g, -1) for g in grams), dtype=np.int64, count=len(grams))
    return found[found >= 0]
