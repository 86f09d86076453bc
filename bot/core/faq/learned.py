"""The learned half of the matcher: TF-IDF features and a linear classifier.

Trained from the content's own phrasings and titles, the small-talk examples and the real
messages of content/faq_training.yaml, so it needs no download and follows every content
edit; a fit is kept on disk by the digest of what it was made from (bot/core/faq/modelcache.py)
and a restart with the same content reads it instead of training. Character n-grams
(char_wb 1–4 over the cleaned text) survive typos and English paraphrases that share no
whole word with a phrasing; word 1–2-grams over the normalised tokens (glossary and slang
applied) carry the domain vocabulary. The classifier is a linear model with the logistic
loss fitted by SGD: it gives class probabilities like logistic regression and trains in
about 3 s of CPU on ~8,000 examples, where lbfgs logistic regression took far longer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier

from bot.core.faq.danger import DangerReading
from bot.core.faq.modelcache import ModelCache, model_key
from bot.core.faq.normalise import Normaliser
from bot.core.ngram_index import CharGramIndex, vocabulary_indices

SEED = 7
# The one-vs-rest fits of the classifier are independent and release the GIL: two threads
# halve the wall time of start-up on a two-core machine (about 3.4 s -> 2.2 s here) and give
# the very same model (each class's seed is drawn before the fits are shared out; the
# coefficients are identical to the last bit). The CPU time stays the same.
FIT_THREADS = 2
WORD_MEMO_LIMIT = 65_536  # words whose n-gram indices the fast path remembers


class CharWbGrams:
    """sklearn's `char_wb` n-grams (lower case, each word padded with a space), memoised per word.

    The same words recur across thousands of examples, and sklearn builds every word's n-grams
    anew in Python: that was a fifth of the model's start-up. The n-grams are the same ones in
    the same numbers, so the features and the fitted model do not change
    (tests/test_match.py compares them with sklearn's analyser).
    """

    def __init__(self, ngram_range: tuple[int, int]) -> None:
        self.ngram_range = ngram_range
        self._words: dict[str, list[str]] = {}

    def __getstate__(self) -> dict[str, object]:
        return {"ngram_range": self.ngram_range}  # the memo is rebuilt as words come

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(state["ngram_range"])

    def __call__(self, text: str) -> list[str]:
        out: list[str] = []
        for word in text.lower().split():
            grams = self._words.get(word)
            if grams is None:
                grams = self._words[word] = self._grams(word)
            out.extend(grams)
        return out

    def grams(self, word: str) -> list[str]:
        """One word's n-grams, not remembered (for messages at run time)."""
        return self._words.get(word) or self._grams(word)

    def _grams(self, word: str) -> list[str]:
        low, high = self.ngram_range
        padded = f" {word} "
        grams = []
        for n in range(low, high + 1):
            grams.extend(padded[i : i + n] for i in range(max(len(padded) - n + 1, 1)))
            if n >= len(padded):
                break  # as sklearn: the whole padded word once, and no longer n-grams
        return grams


@dataclass(frozen=True)
class Fitted:
    """What training produces, and what the model cache stores (bot/core/faq/modelcache.py)."""

    chars: TfidfVectorizer
    words: TfidfVectorizer
    model: SGDClassifier
    danger: DangerReading | None = None  # the learned reading of harm (bot/core/faq/danger.py)


@dataclass(frozen=True)
class Settings:
    """Model settings; part of the code version that the calibration is tied to."""

    char_ngrams: tuple[int, int] = (1, 4)
    word_ngrams: tuple[int, int] = (1, 2)
    alpha: float = 1e-5
    # 30 epochs over the phrasings alone; with the real messages of content/faq_training.yaml
    # (1.5 times more examples) 15 gave the same held-out-set numbers (bench/calibrate.py
    # --loso: 67.5% vs 67.7% right) and keeps training under 3 s.
    epochs: int = 15


class Learned:
    """Class probabilities for a question: FAQ entry ids and `smalltalk:<intent>` labels."""

    def __init__(
        self,
        examples: Sequence[tuple[str, str]],
        normaliser: Normaliser,
        settings: Settings | None = None,
        weights: Sequence[float] | None = None,  # per example; real messages count more
        cache: ModelCache | None = None,
        context: str = "",  # what else the fit depends on (the content digest), for the cache
        danger: Sequence[tuple[str, bool]] = (),  # content/distress_training.yaml's lines
        # real messages without harm (danger.everyday_lines), asked for only when fitting:
        # a start that reads the model from the cache never prepares them. They come from
        # content files, so `context` (the content digest) covers them in the cache key.
        everyday: Callable[[], Sequence[str]] | None = None,
    ) -> None:
        self.normaliser = normaliser
        self.settings = settings or Settings()
        key = None
        if cache:
            marked = [*examples, *((text, f"danger:{flag}") for text, flag in danger)]
            marked_weights = [*(weights or [1.0] * len(examples)), *([1.0] * len(danger))]
            key = model_key(marked, marked_weights, self.settings, context + normaliser.fingerprint)
        stored = cache.load(key) if cache and key else None
        self.from_cache = isinstance(stored, Fitted)
        self.cached = self.from_cache  # read from the cache, or written to it
        if isinstance(stored, Fitted):
            fitted = stored
        else:
            fitted = self._fit(examples, weights, danger, everyday)
        if cache and key and not self.from_cache:
            self.cached = cache.save(key, fitted)
        self._chars, self._words, self._model = fitted.chars, fitted.words, fitted.model
        self.labels: list[str] = [str(c) for c in self._model.classes_]
        self.danger_reading = fitted.danger
        self._fast = _FastPath(self._chars, self._words, self._model, fitted.danger)

    def _fit(
        self,
        examples: Sequence[tuple[str, str]],
        weights: Sequence[float] | None,
        danger: Sequence[tuple[str, bool]] = (),
        everyday: Callable[[], Sequence[str]] | None = None,
    ) -> Fitted:
        s = self.settings
        chars = TfidfVectorizer(
            analyzer=CharWbGrams(s.char_ngrams), sublinear_tf=True, dtype=np.float32
        )
        words = TfidfVectorizer(
            analyzer="word",
            ngram_range=s.word_ngrams,
            sublinear_tf=True,
            token_pattern=r"\S+",
            dtype=np.float32,
        )
        cleaned = self._clean([t for t, _ in examples])
        tokens = [" ".join(self.normaliser.tokens_of_clean(c)) for c in cleaned]
        features = hstack([chars.fit_transform(cleaned), words.fit_transform(tokens)]).tocsr()
        model = SGDClassifier(
            loss="log_loss",
            alpha=s.alpha,
            max_iter=s.epochs,
            tol=None,
            random_state=SEED,
            n_jobs=FIT_THREADS,
        )
        model.fit(features, [label for _, label in examples], sample_weight=weights)
        reading = None
        if danger:
            ordinary = list(everyday()) if everyday else []
            texts = [t for t, _ in danger] + ordinary
            flags = [flag for _, flag in danger] + [False] * len(ordinary)
            calibrating = [True] * len(danger) + [False] * len(ordinary)
            danger_features = self._transform(chars, words, texts)
            reading = DangerReading.fit(danger_features, flags, calibrating)
        return Fitted(chars, words, model, reading)

    def _clean(self, texts: Sequence[str]) -> list[str]:
        return [self.normaliser.clean(t) for t in texts]

    def _tokens(self, texts: Sequence[str]) -> list[str]:
        return [" ".join(self.normaliser.tokens(t)) for t in texts]

    def features(self, texts: Sequence[str]) -> csr_matrix:
        return self._transform(self._chars, self._words, texts)

    def _transform(
        self, chars: TfidfVectorizer, words: TfidfVectorizer, texts: Sequence[str]
    ) -> csr_matrix:
        return hstack(
            [chars.transform(self._clean(texts)), words.transform(self._tokens(texts))]
        ).tocsr()

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, one column per label (self.labels), rows summing to 1."""
        return self._model.predict_proba(self.features(texts))

    def scores(self, text: str) -> dict[str, float]:
        """Probabilities for one question, by the fast path (same numbers, ~10× quicker)."""
        return self.read(text)[0]

    def read(self, text: str) -> tuple[dict[str, float], float | None]:
        """The label probabilities and the probability that the text speaks of harm (None
        without a reading of harm), from one pass over its n-grams."""
        row, danger = self._fast.read(self._clean([text])[0], self._tokens([text])[0])
        return dict(zip(self.labels, row.tolist(), strict=True)), danger

    def in_danger(self, text: str) -> bool:
        """Whether the reading of harm reaches its threshold (False without one)."""
        return self.finds_harm(self.read(text)[1])

    def finds_harm(self, probability: float | None) -> bool:
        """Whether a reading of harm's probability (from `read`) reaches its threshold."""
        reading = self.danger_reading
        return reading is not None and probability is not None and probability >= reading.threshold

    def danger_probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """The reading of harm by scikit-learn's arithmetic, to check the fast path."""
        reading = self.danger_reading
        if reading is None:
            return np.zeros(len(texts))
        decision = self.features(texts) @ reading.coef + reading.intercept
        return 1.0 / (1.0 + np.exp(-decision))


class _FastPath:
    """predict_proba for a single text without sklearn's per-call overhead.

    sklearn's transform + predict_proba cost ~2 ms per call, mostly input validation and
    sparse-matrix bookkeeping; the arithmetic is tiny. This redoes exactly that arithmetic
    (n-grams -> sublinear tf · idf -> L2 per vectoriser -> linear scores -> one-vs-rest
    sigmoids normalised to sum 1), checked against predict_proba in tests/test_match.py.
    """

    def __init__(
        self,
        chars: TfidfVectorizer,
        words: TfidfVectorizer,
        model: SGDClassifier,
        danger: DangerReading | None = None,
    ):
        # CharWbGrams.grams: a message's words must not grow the training analyser's memo
        self.char_index = CharGramIndex(chars.analyzer.grams, chars.vocabulary_, WORD_MEMO_LIMIT)
        self._analyse_words, self._word_vocab = words.build_analyzer(), words.vocabulary_
        self.parts = [
            (self.char_index, chars.idf_, 0),
            (self._word_indices, words.idf_, len(chars.vocabulary_)),
        ]
        coef, intercept = model.coef_, model.intercept_
        self.danger = danger
        if danger is not None:  # one more column, left out of the normalisation
            coef = np.vstack([coef, danger.coef[np.newaxis, :]])
            intercept = np.append(intercept, danger.intercept)
        self.coef_t = np.ascontiguousarray(coef.T)  # features x (classes [+ danger])
        self.intercept = intercept.copy()

    def probabilities(self, clean: str, tokens: str) -> np.ndarray:
        return self.read(clean, tokens)[0]

    def read(self, clean: str, tokens: str) -> tuple[np.ndarray, float | None]:
        decision = self.intercept.copy()
        for (indices, idf, offset), text in zip(self.parts, (clean, tokens), strict=True):
            found = indices(text)
            if not found.size:
                continue
            index, tf = np.unique(found, return_counts=True)
            weights = (1.0 + np.log(tf)) * idf[index]
            weights /= np.sqrt(weights @ weights)
            decision += weights @ self.coef_t[index + offset]
        danger = None
        if self.danger is not None:
            danger, decision = self.danger.probability(float(decision[-1])), decision[:-1]
        chance = 1.0 / (1.0 + np.exp(-decision))
        total = chance.sum()
        row = chance / total if total > 0 else np.full_like(chance, 1.0 / len(chance))
        return row, danger

    def _word_indices(self, text: str) -> np.ndarray:
        return vocabulary_indices(self._analyse_words(text), self._word_vocab)
