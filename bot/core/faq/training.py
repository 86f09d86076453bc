"""Real user messages that teach the learned model (content/faq_training.yaml).

The phrasings in content/faq are written by editors to say what an entry covers; people write
differently (stories before the question, slang, typos, a relative's voice). The learned model
(bot/core/faq/learned.py) learns most from messages as people really send them, so this file
holds such messages, labelled with the entry (or `smalltalk:<intent>`) that answers them,
and, under `offtopic`, questions the FAQ does not cover (so the model learns what is not
its business instead of lending such questions to the entry sharing most words).
They train the learned model only: the lexical matcher and the "did you mean" buttons keep
to the editors' phrasings, and nothing here is shown to users.

Editors may add lines (an unanswered question from the inbox, once its entry is clear).
`python -m bot content check` refuses unknown labels and empty lines. How much the lines
help is measured with a set held out whole (bench/calibrate.py --loso), never on lines that
were in training.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from bot.core import yamlfile
from bot.core.content import Problem
from bot.core.faq.smalltalk import INTENTS, OFFTOPIC, PREFIX

FILE = "faq_training.yaml"
# A real message counts twice as much as an editor's phrasing in the learned model's loss.
# Chosen by leaving each labelled set out (bench/calibrate.py --loso), answered right of
# in-scope: 68.8% against 67.7% for weight 1 at 30 epochs, 67.8% against 67.5% at 15;
# answered wrong 1.18% against 1.24% of all at both. A small gain, within noise.
TRAINING_WEIGHT = 2.0


def load_training(directory: Path | None) -> list[tuple[str, str]]:
    """(text, label) pairs of the training file; none when it is absent."""
    path = (directory / FILE) if directory else None
    if path is None or not path.exists():
        return []
    data = yamlfile.read(path) or {}
    return [
        (str(text).strip(), str(label))
        for label, texts in (data.get("examples") or {}).items()
        for text in texts or []
        if str(text).strip()
    ]


def entry_and_smalltalk_labels(entry_ids: Iterable[str]) -> set[str]:
    """The labels a real message may carry besides `offtopic`: an entry id or
    `smalltalk:<intent>` (content/distress_training.yaml's harm_topics name these too)."""
    return set(entry_ids) | {PREFIX + name for name in INTENTS}


def check_training(directory: Path, entry_ids: set[str]) -> list[Problem]:
    """What `content check` enforces: a mapping of known labels to lists of messages."""
    path = directory / FILE
    if not path.exists():
        return []
    try:
        data: Any = yamlfile.read(path) or {}
    except yaml.YAMLError as exc:
        return [Problem(FILE, None, None, f"not valid YAML: {exc}")]
    examples = data.get("examples") if isinstance(data, dict) else None
    if not isinstance(examples, dict):
        return [Problem(FILE, None, "examples", "must be a mapping of label to messages")]
    labels = entry_and_smalltalk_labels(entry_ids) | {OFFTOPIC}
    found: list[Problem] = []
    for label, texts in examples.items():
        if str(label) not in labels:
            found.append(Problem(FILE, str(label), None, "unknown entry id or small-talk intent"))
        if not isinstance(texts, list) or not all(isinstance(t, str) and t.strip() for t in texts):
            found.append(Problem(FILE, str(label), None, "must be a list of non-empty messages"))
    return found


__all__ = ["FILE", "TRAINING_WEIGHT", "check_training", "load_training"]
