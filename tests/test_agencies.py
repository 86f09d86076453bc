"""The register of licensed agencies: CSV import, name normalisation, and the fuzzy matcher,
calibrated on the fictional names in tests/fixtures/agencies.csv."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.core.cekdulu.agencies import (
    FOUND_SCORE,
    Batch,
    Register,
    RegisterFileError,
    Standing,
    name_query,
    normalise_name,
    read_csv,
)

FIXTURE = Path(__file__).parent / "fixtures" / "agencies.csv"
AS_OF = dt.date(2025, 6, 1)


@pytest.fixture(scope="module")
def register() -> Register:
    return Register(read_csv(FIXTURE.read_text(encoding="utf-8")), Batch(1, "fixture", AS_OF))


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("PT Contoh Maju Bersama", "contoh mayu bersama"),  # j and y are one letter here
        ("P.T. CONTOH MAJU BERSAMA", "contoh mayu bersama"),
        ("PT. Contoh Internasional, Tbk.", "contoh internasional"),
        ("PT Contoh Intl", "contoh internasional"),
        ("PT Djaja Contoh", "yaya contoh"),
        ("PT Jaya Contoh", "yaya contoh"),
        ("PT Tjahaja Fiktif", "cahaya fiktif"),
        ("PT Contoh & Rekan", "contoh dan rekan"),
        ("CV Contoh Jaya", "cv contoh yaya"),  # a CV is another company: the form stays
    ],
)
def test_normalise_name(name: str, key: str) -> None:
    assert normalise_name(name) == key


# Typos, spellings and formats of registered names: all must be found.
VARIANTS = {
    "pt contoh maju bersama": "PT Contoh Maju Bersama",
    "PT. Contoh Maju Bersama": "PT Contoh Maju Bersama",
    "Contoh Maju Bersama": "PT Contoh Maju Bersama",
    "PT Contoh Maju Bersma": "PT Contoh Maju Bersama",
    "PT Contoh Maju Brsama": "PT Contoh Maju Bersama",
    "PT Kontoh Maju Bersama": "PT Contoh Maju Bersama",
    "Maju Bersama Contoh": "PT Contoh Maju Bersama",
    "PT Contoh Maju Bersaudar": "PT Contoh Maju Bersaudara",
    "PT Contoh Internasional": "PT Contoh Internasional Tbk",
    "PT Contoh Intl Tbk": "PT Contoh Internasional Tbk",
    "PT Contoh International": "PT Contoh Internasional Tbk",
    "PT Jaya Contoh Sentosa": "PT Djaja Contoh Sentosa",
    "PT Cahaya Fiktif Mulia": "P.T. Tjahaja Fiktif Mulia",
    "PT Sinar Fiktif Abadie": "PT Sinar Fiktif Abadi",
    "PT Sinar Fiktif Abadi Jaya": "PT Sinar Fiktif Abadi Jaya",
    "PT Contoh dan Rekan Karya": "PT Contoh & Rekan Karya",
    "PT Bumi Contoh Lestari Tbk": "PT Bumi Contoh Lestari",
}


@pytest.mark.parametrize(("query", "name"), sorted(VARIANTS.items()))
def test_variants_of_a_registered_name_are_found(register: Register, query, name) -> None:
    match = register.match(query)
    assert match.standing in (Standing.LICENSED, Standing.EXPIRED), match
    assert match.agency.name == name


# Different companies that look alike: never "found", at most "similar".
NEAR_MISSES = {
    "PT Contoh Maju Bersatu": Standing.SIMILAR,
    "PT Karya Contoh Bahari Jaya": Standing.SIMILAR,
    "LPK Contoh Maju Bersama": Standing.SIMILAR,
    "CV Bumi Contoh Lestari": Standing.SIMILAR,
    "PT Contoh Maju": Standing.NOT_FOUND,  # fits two registered names
    "PT Sinar Fiktif": Standing.NOT_FOUND,  # fits two registered names
    "PT Fiktif Mulia Abadi": Standing.NOT_FOUND,
    "PT Maju Mundur Sejahtera": Standing.NOT_FOUND,
    "PT Fiktif Sentosa Kerja": Standing.NOT_FOUND,
}


@pytest.mark.parametrize(("query", "standing"), sorted(NEAR_MISSES.items()))
def test_different_names_are_never_found(register: Register, query, standing) -> None:
    assert register.match(query).standing is standing


def test_the_found_threshold_sits_between_variants_and_near_misses(register: Register) -> None:
    """Scores separate typos from a changed word; an added word ("CV", "LPK", "Jaya") can
    score high and is stopped by the same-number-of-words rule instead."""
    found = [register.match(q).score for q in VARIANTS]
    changed_word = register.match("PT Contoh Maju Bersatu").score
    assert min(found) >= FOUND_SCORE + 2
    assert changed_word <= FOUND_SCORE - 2
    assert register.match("CV Bumi Contoh Lestari").score > FOUND_SCORE


def test_initials_or_some_words_of_one_name_are_offered_as_similar(register: Register) -> None:
    assert register.match("PT BKF").agency.name == "PT Bina Karya Fiktif"
    assert register.match("PT BKF").standing is Standing.SIMILAR
    assert register.match("Andalan Perkasa").agency.name == "PT Andalan Contoh Perkasa"


def test_an_ended_licence_is_expired(register: Register) -> None:
    match = register.match("PT Djaja Contoh Sentosa")
    assert match.standing is Standing.EXPIRED
    assert match.agency.valid_until == dt.date(2024, 1, 31)


def test_without_an_import_nothing_is_claimed() -> None:
    assert Register([], None).match("PT Contoh Maju Bersama").standing is Standing.NO_REGISTER


def test_match_to_dict_names_the_register_date(register: Register) -> None:
    data = register.match("PT Contoh Maju Bersama").to_dict()
    assert data["standing"] == "licensed"
    assert data["licence_number"] == "FIKTIF-001/2024"
    assert data["as_of"] == "2025-06-01" and data["source"] == "fixture"


# -- CSV import -------------------------------------------------------------------------------
def test_import_reads_the_fixture_with_indonesian_headers() -> None:
    agencies = read_csv(FIXTURE.read_text(encoding="utf-8"))
    assert len(agencies) == 20
    last = agencies[-1]
    assert last.address == "Jl. Contoh No. 20; Blok A, Medan"  # quoted semicolon
    assert last.valid_until == dt.date(2029, 12, 31)


def test_import_reads_english_headers_and_commas() -> None:
    text = "name,license_number,valid_until,address\nPT Contoh Satu,L-1,2027-01-31,Jl. A\n"
    (agency,) = read_csv(text)
    assert agency.licence_number == "L-1" and agency.valid_until == dt.date(2027, 1, 31)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("company;licence\nPT A;1\n", "no name column"),
        ("nama;berlaku_sampai\nPT A;next year\n", "line 2"),
        ("nama;alamat\n;Jl. A\n", "no agencies"),
    ],
)
def test_import_problems_name_the_line(text: str, problem: str) -> None:
    with pytest.raises(RegisterFileError, match=problem):
        read_csv(text)


@pytest.mark.parametrize(
    ("text", "query"),
    [("maju jaya abadi", "maju jaya abadi"), ("PT  Maju Jaya", "PT Maju Jaya")],
)
def test_a_short_input_is_read_as_a_name(text: str, query: str) -> None:
    assert name_query(text) == query


@pytest.mark.parametrize(
    "text",
    [
        *("apakah ini aman?", "0812 0000 1234", "is this legit", "", "halo"),
        *("paspor aku pegang sendiri kok", "my agent keeps it"),
    ],
)
def test_questions_and_numbers_are_not_names(text: str) -> None:
    assert name_query(text) is None
