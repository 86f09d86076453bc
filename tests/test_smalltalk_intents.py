"""Small talk as people type it: every intent, with slang, typos, regional greetings and
English, must be small talk of the right intent (never an FAQ answer, never the fallback).

The lines below were written for this test from general knowledge of how people open, thank
and close a chat in Indonesian and English; none comes from tests/data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.content import load_valid_content
from bot.core.faq.match import Kind

ROOT = Path(__file__).resolve().parents[1]

CASES = {
    "greeting": [
        *("p", "pp", "min", "kak", "tes", "test", "testing", "tes tes 123", "ping"),
        *("assalamualaikum wr wb", "Assalamu'alaikum warahmatullahi wabarakatuh", "aslm min"),
        *("asw kak", "assalamualaikum kak mau tanya", "halo min", "haloo kakk", "hallo admin"),
        *("hai", "hay kak", "hy min", "hii", "selamat pagi", "met pagi min", "pagi kak"),
        *("malam min", "slmt siang", "permisi", "misi kak", "punten", "sampurasun", "hello"),
        *("hi there", "good morning", "hey", "om swastiastu", "salam kenal min", "halo bot"),
        *("halo, ada orang?", "min mau tanya", "kak numpang tanya"),
    ],
    "thanks": [
        *("makasih", "makasih ya min", "makasi kak", "mksh", "makasiii", "trims"),
        *("trimakasih", "terima kasih banyak", "terimakasih infonya kak", "tq", "thx"),
        *("thanks", "thank you so much", "thank u", "tengkyu", "matur nuwun"),
        *("matursuwun mas", "hatur nuhun", "nuhun kang", "syukron", "siap kak, paham"),
        *("oke makasih infonya sangat membantu", "ok sip", "mantap min"),
    ],
    "goodbye": ["bye", "dadah", "pamit dulu ya min", "wassalamualaikum", "udah dulu ya", "see you"],
    "identity": [
        *("bot ya?", "ini bot?", "ini robot ya", "kamu siapa", "ini siapa", "ini resmi ga"),
        *("kamu manusia apa bot", "akun ini resmi dari pemerintah?", "are you a bot?"),
        *("who are you", "is this official?"),
    ],
    "human": [
        *("mau ngobrol sama orang", "bisa bicara dengan petugas?", "minta nomor admin"),
        *("sambungin ke cs dong", "aku mau chat sama manusia aja", "can i talk to a human"),
        "i want to speak to a real person",
    ],
    "insult": [
        *("bot goblok", "ga guna", "bodo amat bot ga jelas", "stupid bot"),
        *("kalian ga becus kerja", "percuma nanya ke bot"),
    ],
    "spam": [
        "daftar slot gacor bonus 100%",
        "pinjaman online cair 5 menit tanpa jaminan wa 0812xxxx",
        "join grup investasi crypto profit tiap hari",
        "click here to claim your prize",
    ],
}


@pytest.fixture(scope="module")
def ensemble():
    from bot.services import build_ensemble

    return build_ensemble(load_valid_content(ROOT / "content"))


@pytest.mark.parametrize(
    ("intent", "text"), [(intent, text) for intent, texts in CASES.items() for text in texts]
)
def test_small_talk_intent(ensemble, intent: str, text: str) -> None:
    decision = ensemble.decide(text)
    assert (decision.kind, decision.intent) == (Kind.SMALLTALK, intent)
    assert decision.entry_id is None


@pytest.mark.parametrize(
    "text",
    [
        "cek dulu",  # the offer checker's name, not a greeting
        "paspor saya ditahan majikan",
        "terima kasih sudah membantu, tapi gaji saya dipotong agen tiap bulan",
        "halo kak, berapa biaya kerja ke taiwan?",
    ],
)
def test_questions_around_small_talk_words_are_not_small_talk(ensemble, text: str) -> None:
    assert ensemble.decide(text).kind is not Kind.SMALLTALK
