"""The benchmarks measure the model users meet (session 22).

bench/matcher_bench.py, bench/calibrate.py and bench/smalltalk_held_out.py once trained
their own copy of the learned model without the bot's reading of harm, so they counted
small talk the bot withholds from a message that reads as harm and timed a cheaper model.
Both now call bot/services.train_learned; these tests hold them to the bot's decisions."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from bench.calibrate import models
from bench.matcher_bench import ensemble_for, shipped_entries
from bot.core.content import Content, load_valid_content
from bot.core.faq.smalltalk import SmallTalk
from bot.core.faq.training import load_training
from bot.services import build_ensemble

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


def messages(name: str, column: str) -> list[str]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return [row[column] for row in csv.DictReader(handle, delimiter="\t")]


@pytest.fixture(scope="module")
def content() -> Content:
    return load_valid_content(ROOT / "content")


@pytest.fixture(scope="module")
def sample() -> list[str]:
    """Harm, small talk and questions: where the reading of harm changes a decision."""
    return (
        messages("distress_blind7_dev.tsv", "message")
        + messages("smalltalk_blind8_dev.tsv", "question")
        + messages("blind13_dev.tsv", "question")[:100]
    )


def test_the_matcher_benchmark_decides_as_the_bot(content: Content, sample: list[str]) -> None:
    bot = build_ensemble(content)
    bench = ensemble_for(shipped_entries(content), content)
    assert bench.learned.danger_reading is not None
    differ = [m for m in sample if bench.decide(m) != bot.decide(m)]
    assert differ == []


def test_the_calibration_models_read_as_the_bot(content: Content, sample: list[str]) -> None:
    bot = build_ensemble(content)
    smalltalk = SmallTalk.load(content.directory)
    calibrated = models(content, smalltalk, set(), load_training(content.directory))
    assert calibrated.learned.danger_reading is not None
    np.testing.assert_allclose(
        calibrated.learned.danger_probabilities(sample), bot.learned.danger_probabilities(sample)
    )
    np.testing.assert_allclose(
        calibrated.learned.probabilities(sample), bot.learned.probabilities(sample)
    )
