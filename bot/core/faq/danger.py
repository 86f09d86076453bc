"""The learned reading of harm: how likely a message speaks of someone harmed or in danger now.

content/distress.yaml finds harm by words and phrases, and a hand list meets a long tail: on a
set written blind after the list was grown, a third of the danger messages said it in words
the list lacks ("majikan main tangan", "sy dibius", "ga bisa keluar dari mess"). This reading
learns from the lines of content/distress_training.yaml (`danger` and `ordinary`) over the
very n-gram features the FAQ model computes for every message (bot/core/faq/learned.py), so
it costs one more dot product per message, not a second pipeline (scikit-learn's own took
1.7 ms a message). A message is urgent when the list finds it or this probability reaches a
threshold chosen by cross-validation on the training lines: the lowest at which the model
alone would flag at most MAX_FALSE_ALARMS of the `ordinary` lines it did not train on. Many
of those lines were written to look like harm ("dipukul rata", "kabur aja dulu"), so the rate
on everyday messages is lower.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from bot.core import yamlfile
from bot.core.content import Problem, check_file

FILE = "distress_training.yaml"
MAX_FALSE_ALARMS = 0.025  # of the held-out `ordinary` lines, for the model alone
THRESHOLDS = tuple(round(0.5 + 0.01 * n, 2) for n in range(46))  # 0.5 … 0.95
FOLDS = 5
C = 4.0
SEED = 7


@dataclass(frozen=True)
class DangerReading:
    """A linear model over the FAQ model's features, and its threshold."""

    coef: np.ndarray  # one weight per feature of the FAQ model
    intercept: float
    threshold: float

    @classmethod
    def fit(
        cls, features: csr_matrix, danger: Sequence[bool], calibrating: Sequence[bool] | None = None
    ) -> DangerReading | None:
        """None without both kinds of lines (nothing to learn). Only the `calibrating` rows
        (default: all) are held out to choose the threshold; the others (everyday messages
        from content/faq_training.yaml, see `everyday_lines`) always train."""
        labels = np.asarray(danger, dtype=bool)
        if labels.all() or not labels.any():
            return None
        chosen = np.ones(len(labels), bool) if calibrating is None else np.asarray(calibrating)
        held_out = _out_of_fold(features, labels, chosen)
        hard_ordinary = held_out[chosen & ~labels]
        threshold = next(
            (t for t in THRESHOLDS if np.mean(hard_ordinary >= t) <= MAX_FALSE_ALARMS),
            THRESHOLDS[-1],
        )
        model = _model().fit(features, labels)
        return cls(model.coef_[0].astype(np.float64), float(model.intercept_[0]), threshold)

    def probability(self, decision: float) -> float:
        """From the linear score (coef · features + intercept) to a probability."""
        return float(1.0 / (1.0 + np.exp(-max(min(decision, 50.0), -50.0))))


def _model() -> LogisticRegression:
    return LogisticRegression(C=C, class_weight="balanced", max_iter=2000, solver="liblinear")


def _out_of_fold(features: csr_matrix, labels: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Out-of-fold probabilities of the `chosen` rows; the other rows train every fold."""
    out = np.zeros(len(labels))
    rows, always = np.flatnonzero(chosen), np.flatnonzero(~chosen)
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    for train, test in folds.split(rows, labels[rows]):
        fit_rows = np.concatenate([rows[train], always])
        model = _model().fit(features[fit_rows], labels[fit_rows])
        out[rows[test]] = model.predict_proba(features[rows[test]])[:, 1]
    return out


def everyday_lines(
    training: Sequence[tuple[str, str]], found: Callable[[str], bool], harm_topics: Iterable[str]
) -> list[str]:
    """Real messages that say nothing of harm, to teach the reading what ordinary sounds like.

    content/distress_training.yaml's `ordinary` lines were mostly written to look like harm
    ("dipukul rata"), so a reading trained on them alone learned that "aku" and "majikan"
    mean danger (an adversarial probe: 62% of everyday first-person statements flagged,
    "majikan kasih aku bonus imlek"). The FAQ's real messages are full of "aku" and
    "majikan" asking ordinary things; those of topics where harm is common (`harm_topics`),
    and any the word list finds, are left out."""
    harm = set(harm_topics)
    return [text for text, label in training if label not in harm and not found(text)]


def load_training(directory: Path | None) -> list[tuple[str, bool]]:
    """(message, is danger) pairs of content/distress_training.yaml; none without it."""
    path = Path(directory) / FILE if directory else None
    if path is None or not path.exists():
        return []
    data = yamlfile.read(path) or {}
    return [
        (str(text).strip(), label == "danger")
        for label in ("danger", "ordinary")
        for text in (data.get(label) or [])
        if str(text).strip()
    ]


def load_harm_topics(directory: Path | None) -> list[str]:
    """`harm_topics` of content/distress_training.yaml (see `everyday_lines`)."""
    path = Path(directory) / FILE if directory else None
    if path is None or not path.exists():
        return []
    data = yamlfile.read(path) or {}
    topics = data.get("harm_topics") if isinstance(data, dict) else None
    return [str(t) for t in topics] if isinstance(topics, list) else []


def check_training(directory: Path, labels: Iterable[str] | None = None) -> list[Problem]:
    """What `content check` enforces: two lists of messages, `danger` and `ordinary`, and
    `harm_topics` naming known `labels` (entry ids or small-talk labels)."""

    def check(data: Any) -> list[Problem]:
        if not isinstance(data, dict):
            return [Problem(FILE, None, None, "must be a mapping with `danger` and `ordinary`")]
        problems = [
            Problem(FILE, None, key, "must be a list of messages")
            for key in ("danger", "ordinary")
            if not (isinstance(data.get(key), list) and all(isinstance(t, str) for t in data[key]))
        ]
        problems += [
            Problem(FILE, None, str(key), "unknown list; use `danger`, `ordinary`, `harm_topics`")
            for key in data
            if key not in ("danger", "ordinary", "harm_topics")
        ]
        topics = data.get("harm_topics", [])
        if not isinstance(topics, list):
            problems.append(Problem(FILE, None, "harm_topics", "must be a list of labels"))
        elif labels is not None:
            known = set(labels)
            problems += [
                Problem(FILE, str(t), "harm_topics", "unknown entry id or small-talk label")
                for t in topics
                if t not in known
            ]
        return problems

    return check_file(directory, FILE, check)
