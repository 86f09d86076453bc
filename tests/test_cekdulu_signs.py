"""Weak signs (redflags.yaml `weak_signs`): each is common in honest texts, so alone it only
asks to check, but several different ones in one offer are a danger sign. The thresholds,
the signs and the rules that count are data editors change; negations and warnings cancel a
sign like a rule, and a warning that lists the signs stays a warning."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pytest
import yaml

from bot.config import Settings
from bot.core.cekdulu.checker import Checker, Verdict
from bot.core.cekdulu.reasons import RulesError, Severity
from bot.core.cekdulu.redflags import WEAK_SIGNS
from bot.core.cekdulu.redflags import parse as parse_redflags
from bot.services import Services
from bot.storage import Database
from bot.telegram.handlers.cekdulu import answer_text

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
LANGUAGES = ["id", "en"]
DATA = yaml.safe_load((CONTENT / "redflags.yaml").read_text(encoding="utf-8"))
SIGNS = DATA["weak_signs"]["signs"]

# Each sentence shows exactly one weak sign and no rule of its own.
PRIVATE_CHAT = "Info lengkap hanya lewat WA ya kak."
EASY_MONEY = "Kerjanya gampang, cuma jaga toko, bayaran besar."
RUSH = "Kuota terbatas, segera daftar sebelum penuh."
PAPERS = "Cukup kirim foto KTP dan KK ke nomor ini."


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker.load(CONTENT, LANGUAGES)


def _signs(checker: Checker, text: str) -> int:
    found = [r for r in checker.check(text).reasons if r.id == WEAK_SIGNS]
    return found[0].data["signs"] if found else 0


def _sign_found(checker: Checker, sign_id: str, text: str) -> bool:
    sign = next(s for s in checker.redflags.weak.signs if s.id == sign_id)
    cleaned = checker.redflags.clean_mapped(text)
    return sign.match(checker.redflags.context(text, cleaned, [], [])) is not None


# -- every sign: its example, and a warning against it --------------------------------------
@pytest.mark.parametrize("sign", SIGNS, ids=[s["id"] for s in SIGNS])
def test_sign_is_found_in_its_example(checker: Checker, sign: dict) -> None:
    assert _sign_found(checker, sign["id"], sign["examples"]["match"])
    assert checker.check(sign["examples"]["match"]).verdict.flagged


@pytest.mark.parametrize("sign", SIGNS, ids=[s["id"] for s in SIGNS])
def test_a_warning_against_the_sign_is_never_danger(checker: Checker, sign: dict) -> None:
    result = checker.check(sign["examples"]["negated"])
    assert result.verdict is not Verdict.DANGER, result.reason_ids
    assert WEAK_SIGNS not in result.reason_ids or result.verdict is Verdict.ADVICE


# -- combining ------------------------------------------------------------------------------
def test_one_weak_sign_alone_only_needs_checking(checker: Checker) -> None:
    for text in (PRIVATE_CHAT, EASY_MONEY, RUSH, PAPERS):
        result = checker.check(text)
        assert result.verdict is Verdict.CHECK, (text, result.reason_ids)
        assert result.reason_ids == [WEAK_SIGNS]


def test_two_weak_signs_need_checking_only(checker: Checker) -> None:
    result = checker.check(f"{EASY_MONEY} {PRIVATE_CHAT}")
    assert result.verdict is Verdict.CHECK, result.reason_ids
    assert _signs(checker, f"{EASY_MONEY} {PRIVATE_CHAT}") == 2


def test_three_weak_signs_are_danger(checker: Checker) -> None:
    text = f"{EASY_MONEY} {PRIVATE_CHAT} {RUSH}"
    result = checker.check(text)
    assert result.verdict is Verdict.DANGER, result.reason_ids
    combined = result.reasons[0]
    assert combined.id == WEAK_SIGNS and combined.severity is Severity.DANGER
    assert combined.data["signs"] == 3
    # the reason names each sign and quotes the user's own words
    assert "bayaran besar untuk kerja mudah" in combined.title["id"]
    assert "private chat only" in combined.title["en"]
    assert "Kuota terbatas" in combined.found


def test_a_check_rule_counts_as_a_sign(checker: Checker) -> None:
    """`weak_signs.rules`: a rule of severity check (a very fast departure) is one sign."""
    text = f"Proses cepat, berangkat 2 minggu lagi. {EASY_MONEY} {PRIVATE_CHAT}"
    result = checker.check(text)
    assert "fast-departure" in result.reason_ids
    assert result.verdict is Verdict.DANGER
    assert _signs(checker, text) == 3


def test_the_same_sign_twice_counts_once(checker: Checker) -> None:
    text = "Kerjanya gampang, gaji besar, tugasnya ringan. Hanya lewat WA."
    assert _signs(checker, text) == 2
    assert checker.check(text).verdict is Verdict.CHECK


def test_the_same_words_under_a_rule_and_a_sign_count_once(checker: Checker) -> None:
    """ "jangan bilang ke keluarga" is both `hidden-details` and the sign `secrecy`."""
    text = "Jangan bilang ke keluarga ya. Hanya lewat WA."
    assert _signs(checker, text) == 2


def test_a_negated_sign_does_not_count(checker: Checker) -> None:
    text = "Tidak ada kuota terbatas. Kerjanya gampang, bayaran besar. Hanya lewat WA."
    assert _signs(checker, text) == 2
    assert checker.check(text).verdict is Verdict.CHECK


def test_an_official_warning_listing_the_same_signs_is_not_danger(checker: Checker) -> None:
    text = (
        "Himbauan BP3MI: waspada lowongan kerja luar negeri yang menjanjikan kerja gampang "
        "dengan bayaran besar, hanya lewat WA, kuota terbatas dan minta segera daftar, atau "
        "minta kirim foto KTP. Itu ciri penipuan. Cek dulu perusahaannya di BP3MI."
    )
    result = checker.check(text)
    assert result.verdict is Verdict.ADVICE, result.reason_ids


def test_an_english_warning_listing_the_signs_is_not_danger(checker: Checker) -> None:
    text = (
        "Scam alert: never trust offers of easy work with high pay, WhatsApp only, limited "
        "slots, pay today. Do not send a photo of your passport. Report it to BP3MI."
    )
    assert checker.check(text).verdict is not Verdict.DANGER


def test_weak_signs_left_standing_count_for_the_offer(checker: Checker) -> None:
    """An offer with a warning word or two ("waspada penipuan") and three signs left
    standing stays an offer."""
    text = f"Waspada penipuan, kami resmi! {EASY_MONEY} {PRIVATE_CHAT} {RUSH}"
    assert checker.check(text).verdict is Verdict.DANGER


# -- the file -------------------------------------------------------------------------------
def _with(**changes) -> dict:
    data = copy.deepcopy(DATA)
    data["weak_signs"].update(changes)
    return data


def test_thresholds_are_read_from_the_file() -> None:
    text = f"{EASY_MONEY} {PRIVATE_CHAT}"
    # The rules alone: the learned reading would flag these easy-money lines on its own.
    strict = Checker.load(CONTENT, LANGUAGES, learned=False)
    strict.redflags = parse_redflags(_with(check_at=2, danger_at=2), LANGUAGES, "test")
    assert strict.check(text).verdict is Verdict.DANGER
    assert strict.check(EASY_MONEY).verdict is Verdict.NONE
    off = Checker.load(CONTENT, LANGUAGES, learned=False)
    off.redflags = parse_redflags(_with(check_at=0, danger_at=0), LANGUAGES, "test")
    assert off.check(f"{text} {RUSH}").verdict is Verdict.NONE


NAME = {"id": "x", "en": "x"}
PATTERNS = {"id": ["a"], "en": ["a"]}
BROKEN = {"id": ["("], "en": ["a"]}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rules": ["no-such-rule"]}, "no rule"),
        ({"rules": ["fee-upfront"]}, "only rules of severity check"),
        ({"check_at": 3, "danger_at": 2}, "check_at <= danger_at"),
        ({"check_at": "two"}, "whole numbers"),
        ({"signs": [{"id": "x", "name": {"id": "x"}, "patterns": PATTERNS}]}, "'en' text"),
        ({"signs": [{"id": "x", "name": NAME, "patterns": BROKEN}]}, "not valid"),
        ({"signs": [{"id": "x", "name": NAME, "patterns": {"id": ["a"]}}]}, "no 'en' patterns"),
        ({"signs": [{"id": "fast-departure", "name": NAME, "patterns": PATTERNS}]}, "named twice"),
    ],
)
def test_mistakes_in_the_weak_signs_are_reported(changes: dict, message: str) -> None:
    with pytest.raises(RulesError, match=message):
        parse_redflags(_with(**changes), LANGUAGES, "redflags.yaml")


def test_without_the_section_nothing_is_combined(checker: Checker) -> None:
    data = copy.deepcopy(DATA)
    del data["weak_signs"]
    bare = Checker.load(CONTENT, LANGUAGES, learned=False)  # the rules alone
    bare.redflags = parse_redflags(data, LANGUAGES, "test")
    assert bare.check(f"{EASY_MONEY} {PRIVATE_CHAT} {RUSH}").verdict is Verdict.NONE


def test_patterns_match_clean_text_in_lower_case() -> None:
    """Patterns are compiled in lower case, without re.IGNORECASE (twice as fast over the
    clean text, which is lower case): an editor's capitals still match, escapes keep their
    meaning."""
    from bot.core.cekdulu import phrases

    assert phrases.lower_pattern(r"SPSK \S+ \W \d") == r"spsk \S+ \W \d"
    assert phrases.compile_pattern("Visa SPSK").search(phrases.clean("VISA spsk!"))
    assert phrases.compile_pattern(r"gaji \S+ juta").search("gaji 15 juta")
    assert not phrases.compile_pattern(r"gaji \S+ juta").search("gaji  juta")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_answer_names_the_signs_on_one_line(  # SQLite only: the layout of one screen
    base_settings: Settings, tmp_path: Path, checker: Checker, lang: str
) -> None:
    settings = dataclasses.replace(base_settings, database_url=f"sqlite:///{tmp_path / 's.db'}")
    services = Services.build(settings, Database.open(tmp_path / "s.db"))
    try:
        _ = services.i18n.translator(lang)
        result = checker.check(f"{EASY_MONEY} {PRIVATE_CHAT} {RUSH}")
        text = answer_text(_, result, services.content)
    finally:
        services.db.close()
    lines = [line for line in text.splitlines() if line.startswith("🔴")]
    assert len(lines) == 1
    assert DATA["weak_signs"]["title"][lang] in lines[0]
    assert "Kuota terbatas" in lines[0]  # the user's own words
