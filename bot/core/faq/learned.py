"""The learned half of the matcher: TF-IDF features and a linear classifier.

Trained at start-up from the content's own phrasings and titles (and the small-talk
examples), so it needs no download and follows every content edit. Character n-grams
(char_wb 1–4 over the cleaned text) survive typos and English paraphrases that share no
whole word with a phrasing; word 1–2-grams over the normalised tokens (glossary and slang
applied) carry the domain vocabulary. The classifier is a linear model with the logistic
loss fitted by SGD: it gives class probabilities like logistic regression and trains in
well under a second on a few thousand phrasings, where lbfgs logistic regression took ~5 s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier

from bot.core.faq.normalise import Normaliser

SEED = 7


@dataclass(frozen=True)
class Settings:
    """Model settings; part of the code version that the calibration is tied to."""

    char_ngrams: tuple[int, int] = (1, 4)
    word_ngrams: tuple[int, int] = (1, 2)
    alpha: float = 1e-5
    epochs: int = 50


class Learned:
    """Class probabilities for a question: FAQ entry ids and `smalltalk:<intent>` labels."""

    def __init__(
        self,
        examples: Sequence[tuple[str, str]],
        normaliser: Normaliser,
        settings: Settings | None = None,
    ) -> None:
        self.normaliser = normaliser
        self.settings = s = settings or Settings()
        self._chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=s.char_ngrams, sublinear_tf=True, dtype=np.float32
        )
        self._words = TfidfVectorizer(
            analyzer="word",
            ngram_range=s.word_ngrams,
            sublinear_tf=True,
            token_pattern=r"\S+",
            dtype=np.float32,
        )
        texts = [t for t, _ in examples]
        features = hstack(
            [
                self._chars.fit_transform(self._clean(texts)),
                self._words.fit_transform(self._tokens(texts)),
            ]
        ).tocsr()
        self._model = SGDClassifier(
            loss="log_loss", alpha=s.alpha, max_iter=s.epochs, tol=None, random_state=SEED
        )
        self._model.fit(features, [label for _, label in examples])
        self.labels: list[str] = [str(c) for c in self._model.classes_]

    def _clean(self, texts: Sequence[str]) -> list[str]:
        return [self.normaliser.clean(t) for t in texts]

    def _tokens(self, texts: Sequence[str]) -> list[str]:
        return [" ".join(self.normaliser.tokens(t)) for t in texts]

    def features(self, texts: Sequence[str]) -> csr_matrix:
        return hstack(
            [self._chars.transform(self._clean(texts)), self._words.transform(self._tokens(texts))]
        ).tocsr()

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, one column per label (self.labels), rows summing to 1."""
        return self._model.predict_proba(self.features(texts))

    def scores(self, text: str) -> dict[str, float]:
        row = self.probabilities([text])[0]
        return dict(zip(self.labels, row.tolist(), strict=True))
