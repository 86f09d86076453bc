"""End to end: Cek Dulu through the Bot API emulator.

The real Application long-polls the emulator; users type, forward, send photos and press
buttons, and every assertion is on what the bot sent (or, for the early warning, stored).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.core.cekdulu.agencies import read_csv
from bot.core.tghtml import utf16_len
from bot.testing.fake_api import FakeBotAPI
from bot.testing.harness import running_bot
from tests.conftest import Bot

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

DESK = -1002000300500
USER = 5101
ENGLISH_USER = 5102
OTHERS = (5103, 5104, 5105)
EVIL = "<b>&<"
FIXTURES = Path(__file__).parent / "fixtures"
DANGER_AD = (
    "🔥 LOKER ADMIN ONLINE penempatan KAMBOJA 🇰🇭 gaji 15-20jt, tiket ditanggung, "
    "tanpa tes, berangkat minggu depan. WA 0812-0000-1234"
)
GENUINE_AD = (
    "Dibutuhkan staf gudang di Cikarang, lulusan SMA/SMK, gaji UMK Bekasi. "
    "Tidak dipungut biaya apapun."
)


@pytest.fixture
def settings(base_settings: Settings) -> Settings:
    return dataclasses.replace(
        base_settings,
        desk_chat_id=DESK,
        outbox_poll_seconds=0.05,
        outbox_retry_seconds=0.05,
        outbox_retry_max_seconds=0.3,
        check_alert_threshold=3,
        check_alert_window_minutes=60,
    )


@pytest.fixture
async def bot(settings: Settings, database: Path | str) -> AsyncIterator[Bot]:
    """On both backends: on PostgreSQL the loop guard proves the checks, counts and early
    warnings query off the event loop."""
    async with FakeBotAPI() as api:
        api.group_chat(DESK, "Desk")
        api.private_chat(USER, first_name="Sri")
        api.private_chat(ENGLISH_USER, first_name="Ann", language_code="en")
        for other in OTHERS:
            api.private_chat(other, first_name=f"User{other}")
        async with running_bot(settings, database, api) as (_, services, app):
            yield Bot(api, services, app)


def buttons(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b.get("callback_data", "") for row in rows for b in row]


async def say(bot: Bot, user: int, text: str) -> dict[str, Any]:
    await bot.api.send_text(user, text)
    return await bot.api.next_message(user)


async def press(bot: Bot, user: int, message: dict[str, Any], data: str) -> dict[str, Any]:
    await bot.api.press(user, message["message_id"], data)
    return await bot.api.next_message(user)


def load_register(bot: Bot) -> None:
    agencies = read_csv((FIXTURES / "agencies.csv").read_text(encoding="utf-8"))
    bot.services.agency_register.import_batch(
        agencies, "fixture list", dt.date(2025, 6, 1), "agencies.csv"
    )


# -- the three ways in -----------------------------------------------------------------------
async def test_cek_with_an_ad_gives_one_screen_then_all_reasons_on_request(bot: Bot) -> None:
    sent = await bot.api.send_text(USER, "/cek " + DANGER_AD)
    reply = await bot.api.next_message(USER)
    text = reply["text"]
    assert text.startswith("🚨 Ada tanda bahaya")
    assert '🔴 Tanpa tes, tanpa pelatihan, atau "dijamin berangkat": “tanpa tes”' in text
    assert "Negara tanpa skema penempatan pekerja migran" in text
    assert "Sumber:" not in text  # sources are one tap away (📋), not on the first screen
    assert "110" in text and "0-800-1000" in text  # what to do next, from contacts.yaml
    assert "🟢" not in text and "🟡" not in text
    assert reply["reply_to_message"]["message_id"] == sent["message_id"]
    assert buttons(reply) == ["rp:msg:fake_job", "ck:all", "ck:start"]
    assert bot.api.messages_to(USER)[-1]["message_id"] == reply["message_id"]  # one message
    details = await press(bot, USER, reply, "ck:all")
    assert "Semua alasan" in details["text"]
    assert "Sumber:" in details["text"] and "Wamen P2MI Christina Aryani" in details["text"]
    assert "Ditemukan dalam teks: “tanpa tes”" in details["text"]


async def test_a_genuine_ad_gets_no_danger_signs_but_never_safe(bot: Bot) -> None:
    reply = await say(bot, ENGLISH_USER, "/check " + GENUINE_AD)
    assert reply["text"].startswith("🔎 No danger signs found")
    assert "does not mean it is safe" in reply["text"]
    assert "Before you decide" in reply["text"]


async def test_menu_button_asks_then_checks_the_next_message(bot: Bot) -> None:
    menu = await say(bot, USER, "/menu")
    assert "ck:start" in buttons(menu)
    prompt = await press(bot, USER, menu, "ck:start")
    assert "Cek Dulu" in prompt["text"]
    reply = await say(bot, USER, "Lowongan PRT ke Dubai, majikan perorangan, pakai visa kunjungan")
    assert reply["text"].startswith("🚨 Ada tanda bahaya")
    assert "Timur Tengah" in reply["text"]
    follow_up = await say(bot, USER, "bagaimana cara cek P3MI resmi?")
    assert "tanda bahaya" not in follow_up["text"]  # the check is over: back to questions


async def test_cek_alone_then_cancel(bot: Bot) -> None:
    await say(bot, USER, "/cek")
    reply = await say(bot, USER, "/cancel")
    assert "/cek" in reply["text"]


async def test_a_forwarded_ad_is_checked_not_answered_as_a_question(bot: Bot) -> None:
    forwarded = await bot.api.forward_text(USER, DANGER_AD)
    reply = await bot.api.next_message(USER)
    assert reply["text"].startswith("🚨 Ada tanda bahaya")
    assert reply["reply_to_message"]["message_id"] == forwarded["message_id"]


async def test_a_photo_that_cannot_be_read_is_checked_by_its_caption(bot: Bot) -> None:
    await bot.api.send_photo(ENGLISH_USER, caption="Housemaid for Kuwait, visit visa provided")
    reply = await bot.api.next_message(ENGLISH_USER)
    assert reply["text"].startswith("🚨 Danger signs found")
    assert "could not read the text inside the picture" in reply["text"]


async def test_a_photo_without_any_text_says_so(bot: Bot) -> None:
    await bot.api.send_photo(ENGLISH_USER)  # bytes that are not a real picture
    reply = await bot.api.next_message(ENGLISH_USER)
    assert "could not find any text in this picture" in reply["text"]


async def test_a_voice_note_while_waiting_asks_for_the_words(bot: Bot) -> None:
    await say(bot, ENGLISH_USER, "/check")
    await bot.api.send_voice(ENGLISH_USER)
    reply = await bot.api.next_message(ENGLISH_USER)
    assert "cannot read videos or voice notes" in reply["text"]


# -- the register ------------------------------------------------------------------------------
async def test_agency_found_gives_licence_facts_and_the_job_order_reminder(bot: Bot) -> None:
    load_register(bot)
    reply = await say(bot, USER, "/cek PT. Contoh Maju Bersma")
    text = reply["text"]
    assert text.startswith("🔎 Tidak ditemukan tanda bahaya")
    assert "⚪" in text and "PT. Contoh Maju Bersma" in text
    details = (await press(bot, USER, reply, "ck:all"))["text"]
    assert "PT Contoh Maju Bersama ada di daftar perusahaan penempatan berizin" in details
    assert "FIKTIF-001/2024" in details and "31 Desember 2029" in details
    assert "1 Juni 2025" in details
    assert "tidak membuktikan bahwa lowongan ini asli" in details


async def test_agency_not_found_is_never_called_illegal(bot: Bot) -> None:
    load_register(bot)
    reply = await say(bot, ENGLISH_USER, "/check PT Fiktif Sentosa Kerja")
    assert reply["text"].startswith("⚠️ Needs checking")
    assert "🟠 Not in the register of licensed agencies" in reply["text"]
    text = (await press(bot, ENGLISH_USER, reply, "ck:all"))["text"]
    assert "is not in the register of licensed placement agencies as of 1 June 2025" in text
    assert "does not make it illegal" in text
    assert "is illegal" not in text


async def test_agency_check_without_a_register_says_so(bot: Bot) -> None:
    reply = await say(bot, ENGLISH_USER, "/check PT Contoh Maju Bersama")
    assert "⚪ Agency not checked" in reply["text"]
    details = await press(bot, ENGLISH_USER, reply, "ck:all")
    assert "not loaded in this bot yet" in details["text"]


async def test_html_in_the_checked_text_is_escaped(bot: Bot) -> None:
    load_register(bot)
    reply = await say(bot, ENGLISH_USER, f"/check {EVIL} Maju Jaya")
    assert EVIL in reply["text"]
    assert "Not in the register" in reply["text"]


# -- "Laporkan ini" ----------------------------------------------------------------------------
async def test_report_this_opens_a_prefilled_tip_off_that_reaches_the_desk(bot: Bot) -> None:
    reply = await say(bot, USER, "/cek " + DANGER_AD)
    intro = await press(bot, USER, reply, "rp:msg:fake_job")
    assert "sudah aku isikan" in intro["text"]
    question = await bot.api.next_message(USER)
    assert "rp:pv:unknown" in buttons(question)
    summary = await press(bot, USER, question, "rp:pv:riau")
    assert "Iklan lowongan palsu" in summary["text"] or "palsu" in summary["text"]
    assert "KAMBOJA" in summary["text"] and "/cek" not in summary["text"]
    received = await press(bot, USER, summary, "rp:ok")
    assert "LP-" in received["text"]
    card = (await bot.api.wait_for("sendMessage", chat_id=DESK, timeout=5))[0].params["text"]
    assert "KAMBOJA" in card and "+6281200001234" in card


async def test_report_this_carries_the_photo_as_evidence(bot: Bot) -> None:
    await bot.api.send_photo(ENGLISH_USER, caption="Plantation work Malaysia, speedboat from Dumai")
    reply = await bot.api.next_message(ENGLISH_USER)
    await bot.api.press(ENGLISH_USER, reply["message_id"], "rp:msg:fake_job")
    await bot.api.next_message(ENGLISH_USER)  # the intro
    question = await bot.api.next_message(ENGLISH_USER)
    summary = await press(bot, ENGLISH_USER, question, "rp:pv:unknown")
    assert "1 file" in summary["text"]
    await press(bot, ENGLISH_USER, summary, "rp:ok")
    copies = await bot.api.wait_for("copyMessage", chat_id=DESK, timeout=5)
    assert copies


# -- the early warning -------------------------------------------------------------------------
async def test_many_people_checking_one_number_warns_the_desk_once(bot: Bot) -> None:
    number_ad = "Kerja pabrik di Malaysia, hubungi 0813-0000-4521"
    for _round in range(3):  # one person checking again and again does not count
        await say(bot, USER, "/cek " + number_ad)
    assert not [m for m in bot.api.messages_to(DESK) if "Cek Dulu" in m["text"]]
    for other in OTHERS[:2]:
        await say(bot, other, "/cek " + number_ad)
    calls = await bot.api.wait_for("sendMessage", chat_id=DESK, timeout=5, since=0)
    text = calls[0].params["text"]
    assert "Cek Dulu" in text and "+6281300004521" in text and "3" in text
    for user in (USER, *OTHERS):
        assert str(user) not in text
    assert "Sri" not in text and "User5103" not in text
    await say(bot, OTHERS[2], "/cek " + number_ad)  # a fourth check in the same window
    await bot.api.wait_until(lambda: bot.services.report_outbox.pending() == 0)
    warnings = [m for m in bot.api.messages_to(DESK) if "Cek Dulu" in m["text"]]
    assert len(warnings) == 1
    stored = bot.services.db.all("SELECT * FROM check_counts")
    assert {tuple(r.keys()) for r in stored} == {("kind", "value", "bucket", "checks")}


async def test_photos_inside_the_tip_off_form_stay_evidence(bot: Bot) -> None:
    """The tip-off form comes first: a captioned photo there is evidence, not a check."""
    prompt = await say(bot, USER, "/lapor")
    prompt = await press(bot, USER, prompt, "rp:cat:fake_job")
    prompt = await press(bot, USER, prompt, "rp:pv:riau")
    prompt = await say(bot, USER, "/skip")
    prompt = await say(bot, USER, "/skip")
    prompt = await say(bot, USER, "Iklan lowongan palsu di grup Facebook desa kami")
    await bot.api.send_photo(USER, caption=DANGER_AD)
    reply = await bot.api.next_message(USER)
    assert reply["text"].startswith("📎")
    assert "tanda bahaya" not in reply["text"]


async def test_a_long_answer_is_one_screen_and_all_reasons_are_one_tap_away(bot: Bot) -> None:
    """Issue 10: 8 reasons with sources were split into two messages. Now: one screen with
    the top three, the rest behind 📋, every message within 4,096 UTF-16 units."""
    ad = (
        "Info loker: operator komputer di Myawaddy (perbatasan Thailand). Gaji 20jt, kontrak "
        "nanti di sana. Berangkat rombongan dari Jakarta ke Bangkok pakai bebas visa, lanjut "
        "jalan darat ke Mae Sot. Biaya ditalangin dulu, potong gaji bulan pertama."
    )
    sent = await bot.api.send_text(USER, "/cek " + ad)
    reply = await bot.api.next_message(USER)
    assert buttons(reply) == ["rp:msg:fake_job", "ck:all", "ck:start"]
    assert reply["reply_to_message"]["message_id"] == sent["message_id"]
    assert utf16_len(reply["text"]) <= 4096
    assert reply["text"].count("\n🔴") + reply["text"].count("\n🟠") == 3
    assert "lainnya: tekan 📋" in reply["text"]
    await bot.api.press(USER, reply["message_id"], "ck:all")
    details = [await bot.api.next_message(USER)]
    while (
        details[-1]["text"].count("Sumber:") + sum(d["text"].count("Sumber:") for d in details[:-1])
        < 6
    ):
        details.append(await bot.api.next_message(USER))
    assert all(utf16_len(d["text"]) <= 4096 for d in details)


async def test_cek_followed_by_a_new_line_keeps_the_whole_ad(bot: Bot) -> None:
    reply = await say(bot, USER, "/cek\nLOKER ADMIN ONLINE\nPenempatan Kamboja, tanpa tes")
    assert reply["text"].startswith("🚨 Ada tanda bahaya")
    assert "Negara tanpa skema" in reply["text"]


async def test_a_very_long_name_is_quoted_short_and_the_answer_still_arrives(bot: Bot) -> None:
    """A name typed alone is quoted back in <b>…</b>: thousands of characters (here with
    characters HTML must escape) must not push the closing tag past the cut."""
    load_register(bot)
    name = "maju jaya " + "<&" * 2000
    reply = await say(bot, ENGLISH_USER, "/check " + name)
    assert reply["text"].startswith("⚠️ Needs checking")
    assert "Not in the register of licensed agencies" in reply["text"]
    assert "maju jaya <&<&" in reply["text"] and "…" in reply["text"]
    assert name not in reply["text"]


async def test_a_very_long_name_without_a_register_or_with_tip_offs(bot: Bot) -> None:
    bot.services.checker.count_reports = lambda ids: {(i.kind.value, i.value): 2 for i in ids}
    reply = await say(bot, ENGLISH_USER, "/check maju jaya " + "a" * 4050)
    assert reply.get("reply_markup")  # one message, with its buttons
    assert "Agency not checked" in reply["text"] and "Reported to the desk before" in reply["text"]
    details = await press(bot, ENGLISH_USER, reply, "ck:all")
    assert "in 2 tip-offs" in details["text"]
    assert "Sorry" not in reply["text"] + details["text"]


# -- pictures, warnings, one screen (issue 10) -------------------------------------------------
def flyer(lines: list[str], size: int = 34) -> bytes:
    """A flyer the test renders itself (DejaVu when present, else Pillow's own font)."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
    face = ImageFont.truetype(str(path), size) if path.exists() else ImageFont.load_default(size)
    image = Image.new("RGB", (size * 20, size * 2 * (len(lines) + 1)), "white")
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((size, size + number * size * 2), line, fill="black", font=face)
    buffer = io.BytesIO()
    image.rotate(1.5, expand=True, fillcolor="white").save(buffer, format="PNG")
    return buffer.getvalue()


FLYER = ["LOKER ADMIN ONLINE KAMBOJA", "Gaji 20jt, tanpa tes", "WA 0812-0000-1234"]
needs_ocr = pytest.mark.skipif(
    not __import__("bot.core.cekdulu.ocr", fromlist=["available"]).available(),
    reason="rapidocr-onnxruntime not installed",
)


@needs_ocr
async def test_a_photo_of_a_flyer_is_read_and_checked(bot: Bot) -> None:
    sent = await bot.api.send_photo(USER, data=flyer(FLYER))
    reply = await bot.api.next_message(USER, timeout=60)
    assert reply["text"].startswith("🚨 Ada tanda bahaya")
    assert "aku baca dari gambar" in reply["text"]
    assert reply["reply_to_message"]["message_id"] == sent["message_id"]
    details = await press(bot, USER, reply, "ck:all")  # the text read is remembered
    assert "Kamboja" in details["text"] and "Sumber:" in details["text"]


@needs_ocr
async def test_a_photo_with_a_caption_checks_both(bot: Bot) -> None:
    await bot.api.send_photo(
        ENGLISH_USER, caption="Paspor nanti saya yang pegang", data=flyer(FLYER[:1])
    )
    reply = await bot.api.next_message(ENGLISH_USER, timeout=60)
    assert reply["text"].startswith("🚨 Danger signs found")
    assert "read this text from the picture" in reply["text"]
    assert "passport" in reply["text"].lower()


@needs_ocr
async def test_a_forwarded_photo_is_read_and_checked(bot: Bot) -> None:
    state = bot.api.state
    stored = state.store_file(flyer(FLYER), "photo", "image/png", None)
    content = state.media_fields("photo", stored, 1)
    content["forward_origin"] = {"type": "hidden_user", "sender_user_name": "Loker", "date": 0}
    bot.api._user_message(ENGLISH_USER, content, None, None)
    reply = await bot.api.next_message(ENGLISH_USER, timeout=60)
    assert reply["text"].startswith("🚨 Danger signs found")


@needs_ocr
async def test_a_screenshot_sent_as_a_file_is_read_too(bot: Bot) -> None:
    await bot.api.send_document(USER, flyer(FLYER), file_name="loker.png", mime_type="image/png")
    reply = await bot.api.next_message(USER, timeout=60)
    assert reply["text"].startswith("🚨 Ada tanda bahaya")


@needs_ocr
async def test_cek_then_a_photo_checks_the_photo(bot: Bot) -> None:
    await say(bot, USER, "/cek")
    await bot.api.send_photo(USER, data=flyer(FLYER))
    reply = await bot.api.next_message(USER, timeout=60)
    assert reply["text"].startswith("🚨 Ada tanda bahaya")


@needs_ocr
async def test_an_album_is_read_whole_and_answered_once(bot: Bot) -> None:
    """A flyer in two pictures: the job on the first, the passport and fee terms on the
    second. Both are read and checked together, in one answer to the first picture."""
    first = flyer(["LOWONGAN OPERATOR PABRIK", "Penempatan Malaysia", "Gaji RM 1.800"])
    second = flyer(["Paspor dipegang agen", "Biaya 15jt ke rekening pribadi"])
    sent = await bot.api.send_album(USER, 2, pictures=[first, second])
    reply = await bot.api.next_message(USER, timeout=60)
    assert reply["text"].startswith("🚨 Ada tanda bahaya")
    assert "2 gambar yang kamu kirim bersamaan" in reply["text"]
    assert reply["reply_to_message"]["message_id"] == sent[0]["message_id"]
    with pytest.raises(TimeoutError):  # one answer for the album, not one per picture
        await bot.api.next_message(USER, timeout=2)
    details = await press(bot, USER, reply, "ck:all")  # 📋 re-reads the second picture too
    assert "Paspor dipegang agen" in details["text"]


async def test_a_long_album_reads_its_first_pictures_and_says_so(bot: Bot, monkeypatch) -> None:
    """OCR costs about a second a picture: of ten, the first five are read, and the answer
    says the rest were not (the reader is replaced here; real OCR is tested above)."""
    from bot.core.cekdulu import ocr

    read: list[bytes] = []

    def fake_read(data: bytes, lexicon: frozenset[str]) -> ocr.OcrText:
        read.append(data)
        return ocr.OcrText(data.decode(), 1)

    monkeypatch.setattr(ocr, "read_text", fake_read)
    pages = [f"halaman {n}".encode() for n in range(9)]
    pages.insert(3, b"Paspor dipegang agen sampai kontrak habis")
    await bot.api.send_album(ENGLISH_USER, 10, caption="Loker Malaysia", pictures=pages)
    reply = await bot.api.next_message(ENGLISH_USER, timeout=30)
    assert reply["text"].startswith("🚨 Danger signs found")
    assert "from the 5 pictures you sent together" in reply["text"]
    assert "did not read the last 5 pictures" in reply["text"]
    assert read == pages[:5]
    with pytest.raises(TimeoutError):
        await bot.api.next_message(ENGLISH_USER, timeout=2)


async def test_when_pictures_cannot_be_read_the_bot_says_so_kindly(bot: Bot, monkeypatch) -> None:
    from bot.core.cekdulu import ocr

    def unavailable(data: bytes, lexicon: frozenset[str]) -> ocr.OcrText:
        raise ocr.OcrUnavailable("not installed")

    monkeypatch.setattr(ocr, "read_text", unavailable)
    await bot.api.send_photo(ENGLISH_USER, data=b"\x89PNG")
    reply = await bot.api.next_message(ENGLISH_USER)
    assert "cannot read the text in pictures right now" in reply["text"]
    assert "Sorry" in reply["text"]


async def test_a_forwarded_official_warning_is_advice_not_danger(bot: Bot) -> None:
    warning = (
        "Himbauan: sebelum daftar, cek dulu perusahaannya di SISKOP2MI, jangan berangkat dengan "
        "visa kunjungan, dan jangan mau paspormu dipegang calo."
    )
    await bot.api.forward_text(USER, warning, sender_name="BP3MI")
    reply = await bot.api.next_message(USER)
    assert reply["text"].startswith("ℹ️ Ini terbaca seperti peringatan atau imbauan")
    assert "Ada tanda bahaya" not in reply["text"] and "🔴" not in reply["text"]
    assert buttons(reply) == ["rp:msg:fake_job", "ck:all", "ck:start"]


async def test_emoji_heavy_input_still_fits_one_message(bot: Bot) -> None:
    """Issue 13 item 11: sizes were counted in characters; an emoji is two UTF-16 units."""
    ad = (
        "🔥" * 1500
        + " Paspor nanti saya yang pegang, biaya 5jt transfer ke rekening saya "
        + ("💰" * 1500)
    )
    reply = await say(bot, USER, "/cek " + ad)
    assert reply.get("reply_markup") and utf16_len(reply["text"]) <= 4096
    assert reply["text"].startswith("🚨 Ada tanda bahaya")
