"""Cek Dulu's learned reading beside the rules (bot/core/cekdulu/learned.py, calibration.py).

The example sentences are written for these tests, not taken from the labelled sets."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from bot.core.cekdulu.calibration import CALIBRATION, MIN_WORDS, Calibration
from bot.core.cekdulu.checker import (
    LEARNED_FRAUD,
    LEARNED_GENUINE,
    Checker,
    Verdict,
    weigh,
)
from bot.core.cekdulu.evaluate import read_labelled
from bot.core.cekdulu.learned import (
    FILE,
    FRAMINGS,
    Reading,
    check_training,
    load_training,
)
from bot.core.cekdulu.reasons import Kind, Severity
from bot.services import Services
from bot.telegram.handlers.cekdulu import answer_text

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests/data"

# A licensed route described with a fee word the rules read as an upfront fee.
GENUINE_WITH_FEE_WORDS = [
    "Info loker resmi dari Disnaker: penempatan pekerja pabrik di Taiwan lewat P3MI berizin, "
    "biaya penempatan sesuai aturan, bisa pakai KUR untuk pekerja migran dari bank pemerintah.",
    "Kerja kapal pesiar itu harus lewat agensi manning resmi, bayar training BST di lembaga "
    "pelatihan yang diakui, bukan transfer ke orang.",
]
# A quiet offer: no single red flag, but it reads like the fraud the sets are full of.
QUIET_OFFER = (
    "Kak, kantor kami di Dubai butuh staf admin, gaji 15 juta. Kirim CV dan scan paspor ke "
    "email hrd, nanti tiket dikirim dan kamu langsung kerja sesampainya di sana."
)


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker.load(ROOT / "content", ["id", "en"])


def test_the_shipped_checker_has_its_learned_reading(checker: Checker) -> None:
    assert checker.learned is not None
    assert checker.learned.size == len(load_training(ROOT / "content")) >= 1000
    cal = checker.calibration
    assert 0.0 < cal.demote_below < 0.5 < cal.promote_at <= 1.0
    assert 0.0 < cal.advice_at <= 1.0
    assert Checker.load(ROOT / "content", ["id", "en"], learned=False).learned is None


def test_fast_path_gives_sklearns_probabilities(checker: Checker) -> None:
    assert checker.learned is not None
    texts = [QUIET_OFFER, *GENUINE_WITH_FEE_WORDS, "halo", "", "zzzz qqq 😀"]
    slow = checker.learned.read_many(texts)
    fast = [checker.learned.read(t) for t in texts]
    assert np.allclose([r.fraud for r in slow], [r.fraud for r in fast], atol=1e-5)
    for s, f in zip(slow, fast, strict=True):
        assert set(f.framing) == set(FRAMINGS)
        assert np.allclose([s.framing[k] for k in FRAMINGS], [f.framing[k] for k in FRAMINGS])


@pytest.mark.parametrize("text", GENUINE_WITH_FEE_WORDS)
def test_a_genuine_message_the_rules_call_danger_needs_checking_instead(
    checker: Checker, text: str
) -> None:
    assert checker.by_rules(text)[0].verdict is Verdict.DANGER  # the rules alone
    result = checker.check(text)
    assert result.verdict is Verdict.CHECK
    assert result.reasons[0].id == LEARNED_GENUINE  # the note comes first, saying why
    assert result.reasons[0].severity is Severity.INFO
    assert any(r.severity is Severity.DANGER for r in result.reasons[1:])  # still listed


def test_a_quiet_offer_with_no_red_flag_needs_checking(checker: Checker) -> None:
    assert checker.by_rules(QUIET_OFFER)[0].verdict is Verdict.NONE  # the rules alone
    result = checker.check(QUIET_OFFER)
    assert result.verdict is Verdict.CHECK
    assert [r.id for r in result.reasons if r.kind is Kind.LEARNED] == [LEARNED_FRAUD]


def test_short_inputs_are_not_read_as_offers(checker: Checker) -> None:
    for text in ("PT Maju Jaya Abadi", "0812-3456-7890", "kerja di dubai gaji besar"):
        assert len(text.split()) < MIN_WORDS
        assert all(r.kind is not Kind.LEARNED for r in checker.check(text).reasons)


CAL = Calibration(demote_below=0.2, promote_at=0.8, advice_at=0.6)


def reading(fraud: float, advice: float = 0.0) -> Reading:
    rest = (1.0 - advice) / 3
    return Reading(
        fraud, {"warning": advice, "news": 0.0, "offer": rest, "announcement": rest, "chat": rest}
    )


@pytest.mark.parametrize(
    ("verdict", "fraud", "advice", "warned", "expected", "note"),
    [
        (Verdict.DANGER, 0.1, 0.0, False, Verdict.CHECK, LEARNED_GENUINE),
        (Verdict.DANGER, 0.1, 0.9, True, Verdict.ADVICE, None),  # both readings agree
        (Verdict.DANGER, 0.1, 0.9, False, Verdict.CHECK, LEARNED_GENUINE),  # engine does not
        (Verdict.DANGER, 0.1, 0.3, True, Verdict.CHECK, LEARNED_GENUINE),  # model does not
        (Verdict.DANGER, 0.5, 0.9, True, Verdict.DANGER, None),  # not confident enough
        (Verdict.NONE, 0.9, 0.0, False, Verdict.CHECK, LEARNED_FRAUD),
        (Verdict.NONE, 0.5, 0.0, False, Verdict.NONE, None),
        (Verdict.CHECK, 0.01, 0.9, True, Verdict.CHECK, None),
        (Verdict.CHECK, 0.99, 0.0, False, Verdict.CHECK, None),
        (Verdict.ADVICE, 0.99, 0.0, False, Verdict.ADVICE, None),
    ],
)
def test_weigh_moves_one_step_where_the_model_is_confident(
    verdict: Verdict,
    fraud: float,
    advice: float,
    warned: bool,
    expected: Verdict,
    note: str | None,
) -> None:
    after, reason = weigh(verdict, reading(fraud, advice), CAL, warned)
    assert after is expected
    assert (reason.id if reason else None) == note


def test_weigh_never_turns_danger_into_looks_fine_or_nothing_into_danger() -> None:
    grid = np.linspace(0.0, 1.0, 11)
    for verdict, fraud, advice, warned in itertools.product(Verdict, grid, grid, (False, True)):
        after, _ = weigh(verdict, reading(float(fraud), float(advice)), CAL, warned)
        if verdict is Verdict.DANGER:
            assert after is not Verdict.NONE
        if verdict is not Verdict.DANGER:
            assert after is not Verdict.DANGER


def test_the_calibration_file_says_how_it_was_made() -> None:
    data = json.loads(CALIBRATION.read_text(encoding="utf-8"))
    assert data["provenance"]["command"].startswith("python bench/cekdulu_calibrate.py")
    assert Calibration.load() == Calibration(**data["decision"])
    assert Calibration.load(CALIBRATION.with_name("absent.json")) == Calibration()


# --- the training file ------------------------------------------------------------------

# Cek Dulu sets that are development data (tests/data/README.md): their texts may teach the
# learned model. Any other set (a test half, a fresh blind set) must share no text with the
# training file, except texts it shares with a development set (ads_blind4.jsonl to
# ads_blind7.jsonl are the sources of their dev halves, which are development data, and of
# their test halves, which are not).
DEVELOPMENT_SETS = {
    *("ads.jsonl", "ads_holdout.jsonl", "ads_blind.jsonl", "ads_blind_dev.jsonl"),
    *("ads_blind_test.jsonl", "ads_blind2.jsonl", "ads_blind2_dev.jsonl"),
    *("ads_blind2_test.jsonl", "ads_blind3.jsonl", "ads_blind3_dev.jsonl"),
    *("ads_blind3_test.jsonl", "ads_blind4_dev.jsonl", "ads_blind5_dev.jsonl"),
    *("ads_blind6_dev.jsonl", "ads_blind7_dev.jsonl"),
}


def _texts(path: Path) -> set[str]:
    return {item.text.strip() for item in read_labelled(path)}


def leaked(training: set[str], data: Path = DATA) -> dict[str, int]:
    """Per set that is not development data: how many of its own texts are in training."""
    development = set().union(*(_texts(data / name) for name in DEVELOPMENT_SETS))
    found = {}
    for path in sorted(data.glob("*.jsonl")):
        if path.name not in DEVELOPMENT_SETS:
            own = _texts(path) - development
            found[path.name] = len(own & training)
    return found


def test_no_fresh_labelled_set_is_in_training() -> None:
    training = {e.text for e in load_training(ROOT / "content")}
    counts = leaked(training)
    assert "ads_blind4_test.jsonl" in counts
    assert "ads_blind5_test.jsonl" in counts and "ads_blind5.jsonl" in counts
    assert "ads_blind5_dev.jsonl" not in counts  # development data from session 8 on
    assert "ads_blind6_test.jsonl" in counts and "ads_blind6.jsonl" in counts
    assert "ads_blind6_dev.jsonl" not in counts  # development data from session 8's third part
    assert "ads_blind7_test.jsonl" in counts and "ads_blind7.jsonl" in counts
    assert "ads_blind7_dev.jsonl" not in counts  # development data from session 9 on
    assert {"ads_blind8.jsonl", "ads_blind8_dev.jsonl", "ads_blind8_test.jsonl"} <= set(counts)
    assert all(n == 0 for n in counts.values()), counts


@pytest.mark.parametrize(
    ("test_half", "source"),
    [
        ("ads_blind4_test.jsonl", "ads_blind4.jsonl"),
        ("ads_blind5_test.jsonl", "ads_blind5.jsonl"),
        ("ads_blind6_test.jsonl", "ads_blind6.jsonl"),
        ("ads_blind7_test.jsonl", "ads_blind7.jsonl"),
        ("ads_blind8_test.jsonl", "ads_blind8.jsonl"),
    ],
)
def test_the_leak_guard_catches_a_copied_test_line(test_half: str, source: str) -> None:
    line = read_labelled(DATA / test_half)[0].text.strip()
    training = {e.text for e in load_training(ROOT / "content")} | {line}
    counts = leaked(training)
    assert counts[test_half] == 1 and counts[source] == 1  # the whole set guards it too


def test_training_file_is_checked(tmp_path: Path) -> None:
    assert check_training(ROOT / "content") == []
    (tmp_path / FILE).write_text(
        "examples:\n  fraudulent:\n    offer: [kirim uang dulu]\n    rumour: [x]\n"
        "  genuine:\n    warning: ['  ']\n  suspicious:\n    offer: [y]\n",
        encoding="utf-8",
    )
    problems = {(p.entry, p.field) for p in check_training(tmp_path)}
    assert problems == {("fraudulent", "rumour"), ("genuine", "warning"), ("suspicious", None)}
    (tmp_path / FILE).write_text("examples:\n  genuine:\n    chat: [halo]\n", encoding="utf-8")
    assert [p.field for p in check_training(tmp_path)] == ["examples"]  # one label only
    assert load_training(tmp_path / "absent") == []


def test_content_without_training_file_checks_by_rules_alone(tmp_path: Path) -> None:
    for name in ("redflags.yaml", "destinations.yaml", "wages.yaml"):
        (tmp_path / name).write_bytes((ROOT / "content" / name).read_bytes())
    checker = Checker.load(tmp_path, ["id", "en"])
    assert checker.learned is None and checker.calibration == Calibration()
    assert checker.check(QUIET_OFFER).verdict is Verdict.NONE


# --- the answer -------------------------------------------------------------------------


@pytest.fixture
def services(sqlite_services: Services) -> Services:
    return sqlite_services


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (QUIET_OFFER, "Mirip tawaran penipuan yang pernah aku pelajari"),
        (GENUINE_WITH_FEE_WORDS[0], "Terbaca seperti pengumuman atau peringatan resmi"),
    ],
)
def test_the_answer_says_plainly_why(services: Services, text: str, title: str) -> None:
    _ = services.i18n.translator("id")
    result = services.checker.check(text)
    screen = answer_text(_, result, services.content)
    assert "Perlu dicek dulu" in screen and title in screen


def test_the_command_line_shows_the_learned_reading(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.__main__ import main

    monkeypatch.setenv("CONTENT_DIR", str(ROOT / "content"))
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    assert main(["check", QUIET_OFFER]) == 0
    out = capsys.readouterr().out
    assert "verdict: check" in out and "learned-fraud: learned reading, P(fraud) 0." in out
