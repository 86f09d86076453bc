"""Cek Dulu, session 6 (issue #10): genuine texts that frame a scam rather than make one.

People quote a scammer's message to mock it or report it, courts and newspapers describe a
case, and a licensed programme mentions its own visa. Every text here was written for these
tests (none is copied from a labelled set). Each engine piece has its own test, so a change
to one shows where it broke; the frauds at the end keep the same pieces from hiding offers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.cekdulu import phrases
from bot.core.cekdulu.checker import Checker, Verdict, warns

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker.load(CONTENT, ["id", "en"])


# -- quotations ---------------------------------------------------------------------------------
def test_clean_text_knows_which_words_are_quoted() -> None:
    cleaned = phrases.clean_mapped('Dia kirim: "Bayar Rp2jt dulu ya", lalu hilang.')
    assert [cleaned.text[a:b] for a, b in cleaned.quotes] == ["bayar rp 2 jt dulu ya"]
    start = cleaned.text.index("bayar")
    assert cleaned.quoted(start, start + len("bayar rp 2 jt"))
    assert not cleaned.quoted(cleaned.text.index("hilang"), len(cleaned.text))


@pytest.mark.parametrize(
    "text",
    [
        "Dapat SMS “selamat, kamu lolos kerja di Taiwan” padahal tidak pernah daftar.",
        "Pesannya «kirim KTP sekarang» lalu nomornya mati.",
        'He wrote "pay now" twice.',
    ],
)
def test_curly_low_and_guillemet_quotes_count(text: str) -> None:
    assert phrases.clean_mapped(text).quotes


def test_apostrophes_do_not_open_a_quotation() -> None:
    assert phrases.clean_mapped("Don't pay, it's the agent's trick").quotes == ()


def test_single_quotes_around_a_message_make_a_quotation() -> None:
    cleaned = phrases.clean_mapped("Dia kirim: 'Bayar Rp2jt dulu ya kak', lalu hilang.")
    assert [cleaned.text[a:b] for a, b in cleaned.quotes] == ["bayar rp 2 jt dulu ya kak"]
    assert phrases.clean_mapped("Katanya ‘transfer dulu 5 juta ke rekening saya’ gitu").quotes


@pytest.mark.parametrize(
    "text",
    [
        "Program 'magang' ke Jepang ternyata kerja pabrik",  # scare quotes
        "Desa dapat 'uang terima kasih' 1jt per orang",  # three words: still scare quotes
        "The workers' union met the bosses' lawyers",  # apostrophes after words
        "Jangan bilang 'iya' dulu, it's not 'official' yet",
    ],
)
def test_scare_quotes_and_apostrophes_are_not_quotations(text: str) -> None:
    assert phrases.clean_mapped(text).quotes == ()


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        (
            "Barusan ada yang WA ke bapakku 'kerja di Malaysia tanpa paspor, bayar 10jt langsung "
            "berangkat'. Udah kami laporkan ke Disnaker, warga jangan ada yang ikut ya.",
            "unofficial-route",
        ),
        (
            'Ada yang kirim pesan ke grup: "kerja di Oman jadi ART, visa kunjungan dulu, nanti '
            'diurus di sana". Tetanggaku berangkat begitu. Jangan mau ya.',
            "tourist-visa",
        ),
    ],
)
def test_a_quoted_scam_with_a_warning_reads_as_advice(
    checker: Checker, text: str, flag: str
) -> None:
    """In single or double quotes, the scam is somebody else's words."""
    result = checker.check(text)
    assert result.verdict is Verdict.ADVICE
    assert flag in result.reason_ids  # the red flag is still named


def test_offer_words_inside_a_quotation_are_not_the_writers_offer(checker: Checker) -> None:
    text = (
        'Haha, this one reached me too: "Hiring now! Pay USD 300 processing fee today, '
        'contact our agent". Be careful, friends.'
    )
    assert checker.check(text).verdict is Verdict.ADVICE


@pytest.mark.parametrize("slogan", ['"100% resmi"', "'resmi dan terpercaya sejak 2010'"])
def test_an_ad_that_quotes_its_own_slogan_stays_danger(checker: Checker, slogan: str) -> None:
    text = (
        f"Lowongan pabrik Malaysia {slogan}. Berangkat pakai visa kunjungan dulu, "
        "bayar Rp8jt ke rekening saya. Minat hubungi 0812 3456 7890."
    )
    assert checker.check(text).verdict is Verdict.DANGER


# -- the words of content/redflags.yaml added in session 6 -------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        # a court report: judges, prison, proven guilty
        "Majelis hakim PN Surabaya menjatuhkan pidana 5 tahun penjara kepada perekrut yang "
        "terbukti memungut biaya penempatan Rp30 juta dan utang yang dipotong dari gaji.",
        "The judge sentenced the recruiter to prison after he was found guilty of charging "
        "workers a placement fee and holding their passports.",
        # a near miss, with the scammer named after the fee
        "Info buat grup: orang yang nawarin kerja pabrik ke Jepang bayar 30jt itu penipu. "
        "Ibuku hampir transfer kemarin.",
        # a message received and shown
        "Buat kalian yang dapat chat kerja di Qatar, berangkat pakai visa turis, hati-hati ya.",
    ],
)
def test_court_reports_near_misses_and_shown_messages_are_not_danger(
    checker: Checker, text: str
) -> None:
    assert checker.check(text).verdict is not Verdict.DANGER


def test_a_working_holiday_visa_is_no_tourist_visa(checker: Checker) -> None:
    text = "Apply for the Working Holiday Visa to Australia through the official portal."
    assert "tourist-visa" not in checker.check(text).reason_ids
    assert "tourist-visa" in checker.check("Go on a holiday visa, we fix it later.").reason_ids


def test_no_training_fees_is_no_fee_not_no_training(checker: Checker) -> None:
    assert "no-selection" not in checker.check("Cook wanted. No training fees.").reason_ids
    assert "no-selection" in checker.check("Factory job in Japan, no training.").reason_ids


# -- the gap of a pattern stays in its sentence --------------------------------------------------
def test_a_gap_does_not_reach_into_the_next_sentence() -> None:
    pattern = phrases.compile_pattern("pay … now")
    assert pattern.search(phrases.clean("Pay the whole deposit now."))
    assert not pattern.search(phrases.clean("I did not pay anyone. Now I am saving up."))


def test_a_payment_in_one_sentence_and_now_in_the_next_is_no_fee(checker: Checker) -> None:
    text = "Got my visa letter and saved enough to pay my rent. Now I am booking the flight."
    assert "fee-upfront" not in checker.check(text).reason_ids


def test_costs_fronted_by_the_recruiters_lender_are_a_recruiter_loan(checker: Checker) -> None:
    text = "Kerja pabrik Taiwan. Semua biaya ditalangi dulu oleh koperasi rekanan kami."
    assert "recruiter-loan" in checker.check(text).reason_ids


@pytest.mark.parametrize(
    "text",
    [
        # contacting an authority is no offer
        "Ingat: kalau gajimu tidak dibayar atau paspormu ditahan majikan, segera hubungi KJRI "
        "atau kanal pengaduan resmi.",
        # a judgement on the fee itself
        "Biaya 'uang job' dan biaya pindah majikan itu ilegal. Kalau diminta bayar, laporkan.",
        # heads up, and where to check
        "Heads up: the 'paid internship in Poland' with a Rp20m advance deducted from your "
        "wages ended with students stranded. Check with your campus before signing.",
        # news in the past tense
        "Forty Indonesians were repatriated from Cambodia this week after they were lured "
        "with call-centre jobs without a contract, the embassy said.",
        # a fee in a published table, financed by the official loan
        "Caregiver vacancy, Japan. Licensed P3MI. Language course fee is listed in our fee "
        "table and can be financed through KUR at partner banks.",
    ],
)
def test_official_and_licensed_texts_are_not_danger(checker: Checker, text: str) -> None:
    assert checker.check(text).verdict is not Verdict.DANGER


def test_contact_words_before_an_authority_are_no_offer(checker: Checker) -> None:
    offer = "Lowongan kebun Malaysia, berangkat pakai visa turis. Minat hubungi 0812 5555 1212."
    assert checker.check(offer).verdict is Verdict.DANGER


# -- session 8: scams shown, reported and asked about (content/redflags.yaml, advice) ------------
@pytest.mark.parametrize(
    "text",
    [
        # a flyer found and sent to the authorities
        "Aku nemu brosur di warung: 'kerja ke Jepang tanpa tes, bayar DP 10jt langsung "
        "berangkat'. Udah aku kirim ke BP3MI ya.",
        # a message reported and blocked, and a warning to friends
        "Tadi nomor asing WA 'kerja di Dubai gaji 25 juta, visa turis dulu, DP 5jt'. Gue "
        "report terus block.",
        # a question from someone who doubts an offer
        "Ada yang tahu visa kerja Jepang itu bayar berapa? Soalnya ada akun yang nawarin jasa "
        "urus visa 8jt, aku ragu.",
    ],
)
def test_scams_shown_reported_or_asked_about_read_as_advice(checker: Checker, text: str) -> None:
    assert checker.by_rules(text)[0].verdict is Verdict.ADVICE  # the rules alone


def test_secrecy_is_no_question(checker: Checker) -> None:
    text = (
        "Kerja di Malaysia tanpa paspor, bayar 9jt, jangan sampai ada yang tahu ya, "
        "berangkat malam ini."
    )
    assert checker.by_rules(text)[0].verdict is Verdict.DANGER


# -- session 8: frauds in a warning's words (content/redflags.yaml, advice) -----------------------
@pytest.mark.parametrize(
    "text",
    [
        # a warning borrowed to sell: "we are different, just pay"
        "Hati-hati penipuan! Jangan percaya calo. Kami beda, kami resmi: kerja ke Korea cukup "
        "bayar pendaftaran 5jt ke rekening BCA 1234567890 a.n. Dewi.",
        # a recruiter's instruction that starts with "jangan bawa"
        "Berangkat Sabtu subuh lewat jalur tikus ke Sarawak. Jangan bawa tas besar kalau "
        "ditanya bilang mau jenguk saudara. Ongkos 7jt.",
    ],
)
def test_frauds_in_a_warnings_words_stay_danger(checker: Checker, text: str) -> None:
    assert checker.by_rules(text)[0].verdict is Verdict.DANGER  # the rules alone


def test_a_courier_warning_with_jangan_bawa_still_reads_as_advice(checker: Checker) -> None:
    text = (
        "Waspada! Jangan bawa titipan dari orang yang baru dikenal ke luar negeri, itu modus "
        "kurir narkoba."
    )
    assert checker.check(text).verdict is Verdict.ADVICE


# -- session 8, third part (content/redflags.yaml) ----------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        # a scam mocked in English, reported, "don't reply"
        'Ugh, this again: "Work in Qatar as a waitress, girls 18-25, send full body photo". '
        "Reported it to the group admin. Don't reply to them, ladies.",
        # a flyer shown to the neighbours: "jangan ada yang daftar"
        "Ibu-ibu, tadi ada yang nempel brosur 'KERJA DI JEPANG TANPA TES, biaya dipotong "
        "gaji' di pos ronda. Jangan ada yang daftar ya.",
        # a relative in trouble: asking what to do, not offering
        "Adik saya kerja di Kamboja, sekarang tidak bisa pulang dan minta ditebus. Kami harus "
        "bagaimana? Mohon bantuan.",
        # a testimony that learned its lesson
        "Ayah saya dulu ABK kapal ikan, gajinya ditahan setahun. Saya mau jadi ABK juga, tapi "
        "saya cek dulu agensinya. Belajar dari pengalaman ayah.",
    ],
)
def test_mockery_questions_and_lessons_read_as_advice(checker: Checker, text: str) -> None:
    assert checker.by_rules(text)[0].verdict is Verdict.ADVICE  # the rules alone


def test_a_suspected_case_in_the_news_is_a_warning_hint(checker: Checker) -> None:
    text = (
        "Petugas bandara menunda keberangkatan 9 warga yang diduga akan bekerja di Dubai "
        "memakai visa turis. Mereka diserahkan ke dinas setempat."
    )
    # the hint that lets a danger the model reads as news become advice (checker.weigh)
    assert warns(checker.redflags, checker.by_rules(text)[1])
    assert checker.check(text).verdict is not Verdict.DANGER


def test_a_recruiters_request_for_help_is_no_plea(checker: Checker) -> None:
    text = (
        "Kami mohon bantuan bapak kumpulkan 20 pemuda untuk kebun sawit Sabah, bilang saja ke "
        "imigrasi mau berkunjung. Ongkos kami talangin dulu."
    )
    assert checker.by_rules(text)[0].verdict is not Verdict.ADVICE


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        (
            "Kampung kami sekarang kampung bebas calo, daftar kerja lewat Disnaker.",
            "individual-recruiter",
        ),
        (
            "Alhamdulillah kerja di Korea lancar, gaji masuk rekening saya tiap bulan.",
            "fee-personal-account",
        ),
    ],
)
def test_lawful_mentions_are_no_red_flag(checker: Checker, text: str, absent: str) -> None:
    assert absent not in checker.by_rules(text)[0].reason_ids


def test_a_fee_into_my_account_is_still_a_red_flag(checker: Checker) -> None:
    text = "Gaji dibayar tiap bulan. Biaya proses 6 juta potong gaji transfer ke rekening saya."
    assert "fee-personal-account" in checker.by_rules(text)[0].reason_ids


@pytest.mark.parametrize(
    "text",
    [
        "Note: for the first three months the company will keep your phone and passport.",
        "Rules of the dormitory: workers are not allowed to have mobile phones.",
    ],
)
def test_phones_and_passports_kept_are_red_flags(checker: Checker, text: str) -> None:
    assert "documents-held" in checker.by_rules(text)[0].reason_ids


def test_a_friendly_offer_that_mentions_the_police_stays_danger(checker: Checker) -> None:
    text = (
        "Dik, kakak mau cerita. Bos kakak di Johor butuh 2 orang lagi buat restoran, gaji "
        "1.500 ringgit. Gak usah urus permit, polisi jarang razia. Nanti bilang aja ke imigrasi "
        "mau liburan. Ongkosnya kakak talangin dulu, potong gaji."
    )
    assert checker.by_rules(text)[0].verdict is Verdict.DANGER
