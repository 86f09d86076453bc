"""Normalisation traps: domain words the general lexicon gets wrong, and chat habits."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.faq.normalise import Glossary, Normaliser, is_blank

GLOSSARY = Path(__file__).parents[1] / "content" / "glossary.yaml"


@pytest.fixture(scope="module")
def norm() -> Normaliser:
    return Normaliser(Glossary.load(GLOSSARY))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("blk", ["blk"]),  # training centre, not "kembali"
        ("kk", ["kk"]),  # family card, not "kakak"
        ("tw", ["taiwan"]),  # Taiwan, not "tahu"
        ("tf", ["transfer"]),  # bank transfer, not "tensorflow"
        ("30jt", ["30", "juta"]),
        ("5rb", ["5", "ribu"]),
        ("bangettt", ["banget"]),
        ("tolonggg", ["tolong"]),
        ("kata2", ["kata"]),
        ("anak-anak", ["anak"]),
        ("TKW", ["pmi"]),
        ("Hong Kong", ["hongkong"]),
        ("gmn", ["bagaimana"]),
        ("yg", ["yang"]),
    ],
)
def test_tokens(norm: Normaliser, text: str, expected: list[str]) -> None:
    assert norm.tokens(text) == expected


def test_english_words_are_not_rewritten(norm: Normaliser) -> None:
    assert norm.tokens("my passport in go") == ["my", "paspor", "in", "go"]


def test_nfkc_and_punctuation(norm: Normaliser) -> None:
    assert norm.tokens("ＰＡＳＰＯＲ!!! ditahan???") == ["paspor", "ditahan"]


def test_stopwords_dropped_for_content_tokens(norm: Normaliser) -> None:
    assert norm.content_tokens("gmn cara krja ke taiwan yg resmi") == ["kerja", "taiwan", "resmi"]


def test_stemming_joins_affixed_forms(norm: Normaliser) -> None:
    assert norm.terms("pekerjaan", "id") == norm.terms("bekerja", "id") == ["kerja"]
    assert norm.terms("biayanya", "id") == norm.terms("biaya", "id")
    assert norm.terms("penalties", "en") == norm.terms("penalty", "en")


def test_query_forms_offer_every_language_stem(norm: Normaliser) -> None:
    forms = dict((f[-1], f) for f in norm.query_forms("penalties pekerjaan"))
    assert "penalti" in forms["penalties"]
    assert "kerja" in forms["pekerjaan"]


def test_glossary_terms_are_not_stemmed(norm: Normaliser) -> None:
    assert norm.terms("paspor tkw", "id") == ["paspor", "pmi"]


def test_digits_inside_words_are_not_split(norm: Normaliser) -> None:
    assert norm.tokens("p3mi bp2mi") == ["p3mi", "kp2mi"]


@pytest.mark.parametrize("text", ["", "   ", "🙏🙏🙏", "👍", "?!...", None])
def test_blank_input(norm: Normaliser, text: str | None) -> None:
    assert is_blank(text)
    assert norm.tokens(text or "") == []


def test_not_blank() -> None:
    assert not is_blank("🙏 tolong")
    assert not is_blank("110")


# -- the glossary's lists and the informal lexicon (mutation survivors, bench/results) ------
def test_informal_words_go_through_the_lexicon(norm: Normaliser) -> None:
    """IndoCollex spells chat abbreviations out: without it "gmn" and "sy" stay opaque."""
    assert norm.tokens("gmn sy mau krja") == ["bagaimana", "saya", "mau", "kerja"]


def test_eastern_indonesian_words_read_as_the_standard_ones(norm: Normaliser) -> None:
    """Session 18: "sa" (saya), "tra" (tidak), "beta" (saya) and "kaka" stayed opaque, so "kakak
    sa mau tanya dulu e" from Papua or NTT was the fallback instead of a greeting."""
    assert norm.tokens("sa tra tau") == norm.tokens("saya tidak tau")
    assert norm.tokens("beta su daftar") == norm.tokens("saya sudah daftar")
    assert norm.tokens("kaka katong pigi deng sonde") == norm.tokens(
        "kakak kami pergi dengan tidak"
    )


def test_stopwords_are_loaded_and_carry_no_topic(norm: Normaliser) -> None:
    assert {"apa", "yang"} <= norm.glossary.stopwords
    assert norm.content_tokens("apa yang harus saya bawa") == ["bawa"]


def test_keep_list_is_loaded_and_protects_words_from_the_lexicon(tmp_path: Path) -> None:
    glossary = tmp_path / "glossary.yaml"
    glossary.write_text("keep: [Bank]\nstopwords:\n  id: [yang]\n", encoding="utf-8")
    loaded = Glossary.load(glossary)
    assert loaded.keep == frozenset({"bank"}) and loaded.stopwords == frozenset({"yang"})
    lexicon = {"bank": "bang", "sy": "saya"}
    assert Normaliser(loaded, lexicon=lexicon).tokens("bank sy") == ["bank", "saya"]
    assert Normaliser(Glossary(), lexicon=lexicon).tokens("bank sy") == ["bang", "saya"]
