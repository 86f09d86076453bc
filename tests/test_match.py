"""Matcher decisions on small hand-made indexes, and today's accuracy as a floor."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from bot.core.content import load_valid_content
from bot.core.faq.evaluate import evaluate, read_labelled
from bot.core.faq.match import Indexable, Kind, Matcher, Thresholds
from bot.core.faq.normalise import Glossary, Normaliser
from bot.services import build_matcher

ROOT = Path(__file__).resolve().parents[1]

# The lexical matcher alone (one half of the ensemble; users meet the ensemble) with its own
# old thresholds, on the old labelled sets. Raise these when the matcher or content improves.
# Lowered on 2026-12-05 (top-1 95.5 -> 90, wrong 2 -> 6): the 976 blind-written phrasings
# spread topic words over more entries and cost the lexical half alone top-1 on these sets,
# while the ensemble gained (blind dev top-1 85.7% -> 90.9%; docs/matching.md).
DEV_FLOOR = {"top1": 90.0, "answered_wrong_max": 6.0, "declined": 90.0}
# Declined lowered on 2026-12-06 (95 -> 93): with session 9's phrasings the lexical half alone
# answers one of the 30 out-of-scope lines ("lowongan kerja ..." in a city at home: wages page
# first, margin 0.025); the ensemble still declines it (test_ensemble_accuracy_floors).
TEST_FLOOR = {"top1": 88.5, "answered_wrong_max": 5.0, "declined": 93.0}


@pytest.fixture(scope="module")
def normaliser() -> Normaliser:
    return Normaliser(Glossary.load(ROOT / "content" / "glossary.yaml"))


@pytest.fixture(scope="module")
def small(normaliser: Normaliser) -> Matcher:
    entries = [
        Indexable(
            "passport", [("id", "paspor saya ditahan agen"), ("en", "agent keeps my passport")]
        ),
        Indexable(
            "korea", [("id", "cara kerja ke korea lewat eps"), ("en", "how to work in korea")]
        ),
        Indexable(
            "costs", [("id", "berapa biaya penempatan"), ("en", "how much are placement fees")]
        ),
    ]
    return Matcher(entries, normaliser, thresholds=Thresholds(answer=0.4, margin=0.05, suggest=0.2))


@pytest.fixture(scope="module")
def shipped() -> Matcher:
    return build_matcher(load_valid_content(ROOT / "content"))


def test_clear_question_is_answered(small: Matcher) -> None:
    decision = small.decide("paspor ku ditahan sama agen")
    assert decision.kind is Kind.ANSWER
    assert decision.entry_id == "passport"


def test_typos_and_english_are_matched(small: Matcher) -> None:
    assert small.rank("gmn krja ke korea", 1)[0].entry_id == "korea"
    assert small.rank("the agent is keeping my pasport", 1)[0].entry_id == "passport"


def test_unrelated_question_is_declined(small: Matcher) -> None:
    decision = small.decide("resep rendang padang")
    assert decision.kind is Kind.FALLBACK
    assert decision.entry_id is None


@pytest.mark.parametrize("text", ["", "   ", "🙏🙏", "???"])
def test_blank_input(small: Matcher, text: str) -> None:
    assert small.decide(text).kind is Kind.BLANK


def test_close_call_suggests_instead_of_answering(normaliser: Normaliser) -> None:
    entries = [
        Indexable("a", [("id", "biaya paspor di imigrasi")]),
        Indexable("b", [("id", "biaya visa kerja di kedutaan")]),
    ]
    matcher = Matcher(entries, normaliser, thresholds=Thresholds(answer=0.3, margin=0.1))
    decision = matcher.decide("biaya")
    assert decision.kind is Kind.SUGGEST
    assert decision.entry_id is None
    assert set(decision.suggestions) == {"a", "b"}


def test_at_most_three_suggestions(shipped: Matcher) -> None:
    for question in ("biaya", "visa", "paspor", "kerja", "agen"):
        assert len(shipped.decide(question).suggestions) <= 3


def test_rank_is_sorted_and_bounded(shipped: Matcher) -> None:
    ranked = shipped.rank("berapa biaya jadi tkw ke hongkong", limit=5)
    assert len(ranked) == 5
    scores = [c.score for c in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1.2 for s in scores)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("gmn cara krja ke taiwan yg resmi", "country-taiwan"),
        ("agen minta duit 30jt wajar gk", "costs"),
        ("paspor sy ditahan sponsor", "passport-held"),
        ("how do I check an agency is licensed", "verify-agency"),
    ],
)
def test_issue_examples(shipped: Matcher, question: str, expected: str) -> None:
    assert shipped.rank(question, 1)[0].entry_id == expected


@pytest.mark.parametrize(
    ("name", "floor"), [("devset.tsv", DEV_FLOOR), ("testset.tsv", TEST_FLOOR)]
)
def test_accuracy_floor(shipped: Matcher, name: str, floor: dict[str, float]) -> None:
    rates = evaluate(shipped, read_labelled(ROOT / "tests" / "data" / name)).rates()
    assert rates["top1"] >= floor["top1"]
    assert rates["answered_wrong"] <= floor["answered_wrong_max"]
    assert rates["out_of_scope_declined"] >= floor["declined"]


def test_labelled_sets_are_well_formed(shipped: Matcher) -> None:
    content = load_valid_content(ROOT / "content")
    for name, minimum in (("devset.tsv", 250), ("testset.tsv", 100)):
        rows = read_labelled(ROOT / "tests" / "data" / name)
        assert len(rows) >= minimum
        assert {r.expected for r in rows if r.expected} <= set(content.entries)
        english = sum(r.lang == "en" for r in rows) / len(rows)
        informal = sum(r.style == "informal" for r in rows) / len(rows)
        out_of_scope = sum(r.expected is None for r in rows) / len(rows)
        assert english >= 0.25 and informal >= 0.40 and out_of_scope >= 0.10


# --- the ensemble users meet (bot/core/faq/ensemble.py) -------------------------------------

# Floors with the shipped content and calibration (docs/matching.md). Since session 5 every
# line of these sets also trains the learned model (content/faq_training.yaml), so these are
# training-data numbers: they guard that the training lines are read and the decision stays
# safe on what the model has seen (without the training lines answered right is ~65%, top-1
# ~92%). The honest accuracy is leave-one-set-out (bench/calibrate.py --loso, docs/matching.md).
ENSEMBLE_FLOORS = {
    "devset.tsv": {"right": 88.0, "wrong_max": 1.0, "declined": 93.0, "suggested_max": 11.0},
    "blind_test.tsv": {
        "right": 85.0,
        "wrong_max": 0.5,
        "declined": 97.0,
        "suggested_max": 15.0,
        "smalltalk": 100.0,
    },
    "blind3_test.tsv": {
        "right": 89.0,
        "wrong_max": 0.5,
        "declined": 97.0,
        "suggested_max": 10.0,
        "smalltalk": 100.0,
    },
}


@pytest.fixture(scope="module")
def ensemble():
    from bot.services import build_ensemble

    return build_ensemble(load_valid_content(ROOT / "content"))


@pytest.mark.parametrize("name", sorted(ENSEMBLE_FLOORS))
def test_ensemble_accuracy_floors(ensemble, name: str) -> None:
    floor = ENSEMBLE_FLOORS[name]
    report = evaluate(
        ensemble, read_labelled(ROOT / "tests" / "data" / name), known=ensemble_entries()
    )
    rates = report.rates()
    assert rates["answered_right"] >= floor["right"]
    assert rates["answered_wrong"] <= floor["wrong_max"]
    assert rates["out_of_scope_declined"] >= floor["declined"]
    assert rates["suggested"] <= floor["suggested_max"]
    if "smalltalk" in floor:
        assert rates["smalltalk_handled"] >= floor["smalltalk"]


def ensemble_entries() -> set[str]:
    return set(load_valid_content(ROOT / "content").entries)


def test_calibration_matches_the_documented_values() -> None:
    """docs/matching.md states the calibrated values; the shipped file must hold exactly those."""
    from bot.core.faq.ensemble import Calibration

    text = (ROOT / "docs" / "matching.md").read_text(encoding="utf-8")
    documented = {
        m.group(1): float(m.group(2))
        for m in re.finditer(r"^\| `(\w+)` \| ([0-9.]+) \|", text, flags=re.MULTILINE)
    }
    calibration = dataclasses.asdict(Calibration.load())
    del calibration["weights"], calibration["intercept"], calibration["confusions"]
    assert documented == calibration


def test_shipped_calibration_fits_the_code() -> None:
    """The confidence model has one weight per feature, and was made by bench/calibrate.py."""
    from bot.core.faq.ensemble import CALIBRATION, FEATURES, Calibration

    data = json.loads(CALIBRATION.read_text(encoding="utf-8"))
    assert data["provenance"]["made_by"] == "python bench/calibrate.py"
    assert len(Calibration.load().weights) == len(FEATURES)
    limits, rates = data["provenance"]["limits"], dict(data["provenance"]["dev_out_of_fold"])
    assert rates.pop("pooled")["wrong"] <= limits["max_wrong"]
    assert {"team", "blind", "blind3"} <= set(rates)
    for each in rates.values():
        assert each["wrong"] <= limits["max_wrong_each"]


def test_answers_exactly_when_confident(ensemble) -> None:
    """The decision is the calibrated confidence against the answer threshold, nothing else."""
    cut = ensemble.calibration.answer
    for question in ("paspor saya ditahan majikan", "agen minta uang", "cara masak rendang"):
        decision = ensemble.decide(question)
        assert decision.confidence is not None and 0.0 <= decision.confidence <= 1.0
        assert (decision.kind is Kind.ANSWER) == (decision.confidence >= cut)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("assalamualaikum", "greeting"),
        ("p", "greeting"),
        ("min", "greeting"),
        ("halo kak", "greeting"),
        ("makasih ya min", "thanks"),
        ("thank you so much", "thanks"),
        ("dadah", "goodbye"),
        ("are you a robot?", "identity"),
        ("ini akun resmi pemerintah bukan", "identity"),
        ("saya mau ngomong sama orang aja", "human"),
        ("asu", "insult"),
        ("bot goblok", "insult"),
        ("hhhhhhh tes", "greeting"),
    ],
)
def test_small_talk_is_small_talk(ensemble, text: str, intent: str) -> None:
    decision = ensemble.decide(text)
    assert decision.kind is Kind.SMALLTALK
    assert decision.intent == intent
    assert decision.entry_id is None


@pytest.mark.parametrize("text", ["12 x 8", "berapa 15+27?", "what is 3 times 4", "1+1"])
def test_arithmetic_never_gets_an_faq_answer(ensemble, text: str) -> None:
    decision = ensemble.decide(text)
    assert decision.kind is Kind.FALLBACK
    assert decision.entry_id is None


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("agen minta uang", "costs"),
        ("disuruh transfer ke rek pribadi", "costs"),
        ("adik saya terjebak di luar negeri dan butuh bantuan", "help-abroad"),
        ("gaji saya dipotong agen tiap bulan", "salary-deductions"),
    ],
)
def test_named_confusions_rank_the_right_entry_first(
    ensemble, question: str, expected: str
) -> None:
    assert ensemble.rank(question, 1)[0].entry_id == expected


def test_blind_sets_are_split_and_labelled() -> None:
    content = load_valid_content(ROOT / "content")
    dev = read_labelled(ROOT / "tests" / "data" / "blind_dev.tsv")
    test = read_labelled(ROOT / "tests" / "data" / "blind_test.tsv")
    assert len(dev) + len(test) >= 600
    assert not {q.question for q in dev} & {q.question for q in test}
    assert sum(q.expected is None for q in dev + test) >= 80
    smalltalk = {q.smalltalk for q in dev + test if q.smalltalk}
    assert smalltalk <= {"greeting", "thanks", "goodbye", "identity", "human", "insult", "spam"}
    del content


def test_offtopic_is_evidence_never_an_entry(ensemble) -> None:
    """Session 6: the learned model's `offtopic` label (out-of-scope questions in
    content/faq_training.yaml) only feeds the confidence; it is never a candidate, and a
    near-domain question about another public service is not answered from the FAQ."""
    from bot.core.faq.smalltalk import OFFTOPIC

    assert OFFTOPIC in ensemble.learned.labels
    question = "cara perpanjang stnk mobil di samsat"
    assert OFFTOPIC not in {c.entry_id for c in ensemble.rank(question, 50)}
    assert ensemble.decide(question).kind is not Kind.ANSWER


_RANK_IN_A_FRESH_PROCESS = """
import hashlib, sys
from pathlib import Path
from bot.core.content import load_valid_content
from bot.services import build_matcher
matcher = build_matcher(load_valid_content(Path("content")))
vocabulary = "\\n".join(matcher._vocab_list).encode()
question = sys.argv[1]
print(hashlib.sha256(vocabulary).hexdigest(), matcher.rank(question, 6))
"""


def test_the_same_content_ranks_the_same_in_every_process() -> None:
    """Session 21: the vocabulary's order came from set order, which Python changes per
    process (PYTHONHASHSEED), and it breaks ties between typo corrections; so after a
    restart "beta pung adik di malaysia ... beta musti bikin apa" (blind6 test) scored
    help-abroad 0.2285 or 0.239, and was answered or only suggested."""
    import os
    import subprocess
    import sys

    question = (
        "beta pung adik di malaysia su lama sonde kasih kabar, agen juga sonde tau. "
        "beta musti bikin apa"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", _RANK_IN_A_FRESH_PROCESS, question],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1, outputs
