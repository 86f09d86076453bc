"""Cek Dulu's learned reading: how much a whole text reads like fraud, and as what framing.

The rules (content/redflags.yaml) read phrases; tuned on one writer's texts they missed
the next writer's (issue 10, session 6: 17% of genuine texts of a fresh set called danger,
93% of fraud flagged). This model reads the whole text the way the FAQ's learned half
does (bot/core/faq/learned.py): TF-IDF over character n-grams of the cleaned text
(char_wb, survives typos and spelling variants) and word 1–2-grams, and two linear models
with the logistic loss fitted by SGD:
- fraud: the probability that the text is a fraudulent offer rather than a genuine message;
- framing: offer / warning / news / announcement / chat, learned from the sets' `kind`.

It trains at start-up from content/cekdulu_training.yaml (well under a second), so it needs
no download and follows every content edit. How its numbers join the rules' verdict is
decided in bot/core/cekdulu/calibration.py, with thresholds chosen by leaving each writer's
set out (bench/cekdulu_calibrate.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier

from bot.core import yamlfile
from bot.core.content import Problem
from bot.core.ngram_index import CharGramIndex, vocabulary_indices

FILE = "cekdulu_training.yaml"
LABELS = ("fraudulent", "genuine")
FRAMINGS = ("offer", "warning", "news", "announcement", "chat")
UNSORTED = "unsorted"  # framing not known: teaches the fraud reading only
ADVICE_FRAMINGS = ("warning", "news")
SEED = 7


@dataclass(frozen=True)
class Example:
    text: str
    label: str  # fraudulent / genuine
    framing: str  # one of FRAMINGS, or UNSORTED


@dataclass(frozen=True)
class Settings:
    """Model settings; part of the code version the calibration is tied to."""

    char_ngrams: tuple[int, int] = (2, 5)
    word_ngrams: tuple[int, int] = (1, 2)
    # 1e-5 against 1e-4 and 3e-4, each writer's set left out (session 8): the same AUC
    # (0.994), but sharper where the calibration cuts: P(fraud) < 0.1 for 76% of genuine
    # texts (1e-4: 57%) and 0.4% of fraudulent ones (0%); P ≥ 0.7 for 97.4% of fraudulent
    # texts (94.9%) and 3.9% of genuine ones (2.3%).
    alpha: float = 1e-5
    epochs: int = 20


@dataclass(frozen=True)
class Reading:
    """What the model reads in one text."""

    fraud: float  # probability of a fraudulent offer
    framing: dict[str, float]  # probability of each framing (FRAMINGS), summing to 1

    @property
    def genuine(self) -> float:
        return 1.0 - self.fraud

    @property
    def advice(self) -> float:
        """Probability that the text is a warning or news rather than an offer."""
        return sum(self.framing.get(f, 0.0) for f in ADVICE_FRAMINGS)


class Learned:
    def __init__(
        self,
        examples: Sequence[Example],
        clean: Callable[[str], str],
        settings: Settings | None = None,
    ) -> None:
        self.clean = clean
        self.size = len(examples)
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
        cleaned = [clean(e.text) for e in examples]
        x = hstack([self._chars.fit_transform(cleaned), self._words.fit_transform(cleaned)])
        x = x.tocsr()
        self._fraud = _sgd(s).fit(x, [e.label == LABELS[0] for e in examples])
        framed = [i for i, e in enumerate(examples) if e.framing in FRAMINGS]
        self._framing = _sgd(s).fit(x[framed], [examples[i].framing for i in framed])
        self.framings: list[str] = [str(c) for c in self._framing.classes_]
        self._fast = _FastPath(self._chars, self._words, self._fraud, self._framing)

    def features(self, texts: Sequence[str]) -> csr_matrix:
        cleaned = [self.clean(t) for t in texts]
        return hstack([self._chars.transform(cleaned), self._words.transform(cleaned)]).tocsr()

    def read_many(self, texts: Sequence[str]) -> list[Reading]:
        """sklearn's own arithmetic (the reference for the fast path)."""
        x = self.features(texts)
        fraud = self._fraud.predict_proba(x)[:, list(self._fraud.classes_).index(True)]
        framing = self._framing.predict_proba(x)
        return [
            Reading(float(f), dict(zip(self.framings, map(float, row), strict=True)))
            for f, row in zip(fraud, framing, strict=True)
        ]

    def read(self, text: str) -> Reading:
        """One text by the fast path (same numbers as read_many, ~10× quicker)."""
        return self.read_clean(self.clean(text))

    def read_clean(self, clean: str) -> Reading:
        """One text already cleaned by `self.clean` (the checker has cleaned it for the
        rules; cleaning again would cost a third of the reading)."""
        fraud, framing = self._fast.read(clean)
        return Reading(fraud, dict(zip(self.framings, framing, strict=True)))


def _sgd(s: Settings) -> SGDClassifier:
    return SGDClassifier(
        loss="log_loss", alpha=s.alpha, max_iter=s.epochs, tol=None, random_state=SEED
    )


class _FastPath:
    """predict_proba for one text without sklearn's per-call overhead: n-grams → sublinear
    tf · idf → L2 per vectoriser → linear scores → sigmoid (fraud) and one-vs-rest sigmoids
    normalised to sum 1 (framing), as SGDClassifier does. Checked against read_many in
    tests/test_cekdulu_learned.py.

    Each word's character n-gram indices are remembered (`CharGramIndex`, up to WORD_CACHE
    words), which makes the reading about five times quicker on words seen before, with the
    same numbers.
    """

    WORD_CACHE = 200_000

    def __init__(self, chars, words, fraud: SGDClassifier, framing: SGDClassifier) -> None:
        self.char_index = CharGramIndex(chars.build_analyzer(), chars.vocabulary_, self.WORD_CACHE)
        self.words = (words.build_analyzer(), words.vocabulary_)
        self.idf = (chars.idf_, words.idf_)
        self.offset = len(chars.vocabulary_)
        sign = 1.0 if bool(fraud.classes_[1]) else -1.0
        coef = np.vstack([sign * fraud.coef_[0], framing.coef_])  # 1 + framings rows
        self.coef_t = np.ascontiguousarray(coef.T.astype(np.float64))
        self.intercept = np.concatenate([sign * fraud.intercept_, framing.intercept_])

    def read(self, clean: str) -> tuple[float, list[float]]:
        decision = self.intercept.copy()
        analyse, vocabulary = self.words
        parts = (
            (self.char_index(clean), self.idf[0], 0),
            (vocabulary_indices(analyse(clean), vocabulary), self.idf[1], self.offset),
        )
        for found, idf, offset in parts:
            if not found.size:
                continue
            index, tf = np.unique(found, return_counts=True)
            weights = (1.0 + np.log(tf)) * idf[index]
            weights /= np.sqrt(weights @ weights)
            decision += weights @ self.coef_t[index + offset]
        chance = 1.0 / (1.0 + np.exp(-np.clip(decision, -50.0, 50.0)))
        framing = chance[1:]
        total = framing.sum()
        framing = framing / total if total > 0 else np.full_like(framing, 1.0 / len(framing))
        return float(chance[0]), framing.tolist()


def load_training(directory: Path | None) -> list[Example]:
    """The examples of content/cekdulu_training.yaml; none when it is absent."""
    path = (directory / FILE) if directory else None
    if path is None or not path.exists():
        return []
    data = yamlfile.read(path) or {}
    return [
        Example(str(text).strip(), str(label), str(framing))
        for label, framings in (data.get("examples") or {}).items()
        for framing, texts in (framings or {}).items()
        for text in texts or []
        if str(text).strip()
    ]


def _nonempty(text: object) -> bool:
    return isinstance(text, str) and bool(text.strip())


def check_training(directory: Path) -> list[Problem]:
    """What `content check` enforces: labels, framings, non-empty texts, both labels."""
    path = directory / FILE
    if not path.exists():
        return []
    try:
        data: Any = yamlfile.read(path) or {}
    except yaml.YAMLError as exc:
        return [Problem(FILE, None, None, f"not valid YAML: {exc}")]
    examples = data.get("examples") if isinstance(data, dict) else None
    if not isinstance(examples, dict):
        return [Problem(FILE, None, "examples", "must be a mapping of label to framings")]
    found: list[Problem] = []
    for label, framings in examples.items():
        if str(label) not in LABELS:
            found.append(Problem(FILE, str(label), None, "label must be fraudulent or genuine"))
            continue
        if not isinstance(framings, dict):
            found.append(Problem(FILE, str(label), None, "must be a mapping of framing to texts"))
            continue
        for framing, texts in framings.items():
            if str(framing) not in (*FRAMINGS, UNSORTED):
                found.append(Problem(FILE, str(label), str(framing), "unknown framing"))
            if not isinstance(texts, list) or not all(_nonempty(t) for t in texts):
                found.append(Problem(FILE, str(label), str(framing), "must be a list of texts"))
    if not found and set(examples) != set(LABELS):
        found.append(Problem(FILE, None, "examples", "needs both fraudulent and genuine texts"))
    return found


_CACHE: dict[tuple[str, Settings], Learned | None] = {}


def cached_learned(directory: Path, clean: Callable[[str], str]) -> Learned | None:
    """The model of a content directory, trained once per process for each version of the
    training file (keyed by its sha256): the bot, the CLI and the tests load the same
    content many times, and training costs about a second."""
    path = directory / FILE
    if not path.exists():
        return None
    key = (hashlib.sha256(path.read_bytes()).hexdigest(), Settings())
    if key not in _CACHE:
        examples = load_training(directory)
        labels = {e.label for e in examples}
        _CACHE[key] = Learned(examples, clean) if labels == set(LABELS) else None
    return _CACHE[key]
