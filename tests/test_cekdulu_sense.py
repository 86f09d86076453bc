"""Cek Dulu v2, session 4: the sense of a text beyond its keywords.

Every text here was written for these tests (none is copied from a labelled set): warnings
as ordinary people write them, testimonies and news, lawful mentions of fees and passports,
trips that are not jobs, and quiet frauds that name no classic red flag. Each engine piece
(trips, `paid_properly`, negated offer words, amounts after a match, `money` rules) has its
own test, so a change to one shows where it broke.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.cekdulu import phrases
from bot.core.cekdulu.checker import Checker, Verdict
from bot.core.cekdulu.redflags import parse as parse_redflags

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker.load(CONTENT, ["id", "en"])


def ids(checker: Checker, text: str) -> list[str]:
    return checker.check(text).reason_ids


# -- warnings written by ordinary people ------------------------------------------------------
COMMUNITY_WARNINGS = [
    "hati2 ya, temenku ketipu 15 juta sama orang yg ngaku dari PT di Jakarta, katanya bisa "
    "berangkat ke Korea tanpa tes. ternyata kabur. jangan sampai kalian ngalamin.",
    "Buat ibu-ibu di grup ini: kalau ada yg nawarin kerja ke Arab jadi ART, gaji 8 juta, "
    "berangkat minggu depan, itu jalur gelap ya. Sudah ditutup. Tanya ke Disnaker dulu.",
    "Guys, my neighbour paid 20 million to an 'agent' for a factory job in Japan and he "
    "disappeared. If anyone asks you to pay a placement fee, don't. Check with BP3MI.",
    "Sekadar info dr RT: ada orang asing keliling nyari cewek muda buat kerja di spa luar "
    "negeri. Anak2 kita jangan dikasih ikut ya.",
    "Teman-teman, barusan ada yang DM aku nawarin kerja di Thailand jadi CS gaji 17 juta, tiket "
    "gratis. Aku cek ternyata itu modus online scam. Jangan ditanggapi ya kalau dapat DM serupa.",
    "Thread: 5 tanda lowongan kerja luar negeri bodong. 1) minta transfer ke rekening pribadi "
    "2) gaji gak masuk akal 3) berangkat cepat tanpa pelatihan 4) pakai visa kunjungan "
    "5) paspor ditahan.",
    "Admin grup mengingatkan: postingan lowongan yang minta DP atau uang jaminan akan dihapus. "
    "Yang resmi tidak minta uang di muka.",
    "Sebagai mantan PMI, saranku: kalau agen bilang gak usah medical, gak usah pelatihan, "
    "langsung terbang, tolak. Itu bukan agen resmi.",
    "A mum in our village asked me whether her daughter can go to Malaysia as a tourist and "
    "then find work there. I told her no: without a work permit she risks arrest.",
    "Tolong bantu sebarkan: ada akun FB atas nama 'Bu Rina BP2MI' yang buka lowongan ke Jepang "
    "dan minta transfer. BP2MI tidak pernah membuka lowongan lewat akun pribadi.",
]

TESTIMONIES_AND_NEWS = [
    "Kisah nyata: adikku dulu dijanjikan kerja di restoran Malaysia, paspornya dipegang bos, "
    "gaji gak dibayar 6 bulan. Alhamdulillah sudah pulang lewat KBRI.",
    "Kemarin tetangga sebelah pulang dari Malaysia, katanya dulu berangkat lewat calo pakai "
    "paspor pelancong, kerja di kebun, gaji dipotong terus. Sekarang dia kapok.",
    "Saya istri ABK. Suami saya dulu bayar 15 juta ke agen kapal, katanya biaya sertifikat. "
    "Ternyata gajinya tidak pernah dibayar. Sekarang kasusnya ditangani SBMI.",
    "Pengalaman pahit: aku pernah diminta bayar 5 juta buat medical dan seragam, katanya ke "
    "Taiwan. Setelah transfer, nomornya gak aktif. Jangan sampai kalian kena juga.",
    "An NGO volunteer here. We helped 3 young women who were promised waitress jobs in Dubai. "
    "Their passports were taken on arrival.",
    "My cousin was told she could work in Dubai on a visit visa and get the work visa later. "
    "She was stuck there for a year without pay. Please don't fall for this.",
]


@pytest.mark.parametrize("text", COMMUNITY_WARNINGS + TESTIMONIES_AND_NEWS)
def test_warnings_testimonies_and_news_are_never_danger(checker: Checker, text: str) -> None:
    result = checker.check(text)
    assert result.verdict is not Verdict.DANGER, result.reason_ids


@pytest.mark.parametrize(
    "text",
    [COMMUNITY_WARNINGS[0], COMMUNITY_WARNINGS[5], TESTIMONIES_AND_NEWS[2]],
)
def test_warnings_by_ordinary_people_read_as_advice(checker: Checker, text: str) -> None:
    assert checker.check(text).verdict is Verdict.ADVICE


def test_chat_spellings_of_warnings_are_cleaned() -> None:
    """ "jgn", "ngingetin", "ngaku", "ketipu", "kalo", "bener" are how people type warnings."""
    checker = Checker.load(CONTENT, ["id", "en"])
    clean = checker.redflags.clean("jgn kasih KTP, kalo ada org ngaku mitra desa itu gak bener")
    assert clean == "jangan kasih ktp kalau ada orang mengaku mitra desa itu tidak benar"
    assert checker.redflags.clean("mau ngingetin, temenku ketipu") == (
        "mau mengingatkan temenku tertipu"
    )


# -- lawful mentions ---------------------------------------------------------------------------
LAWFUL = [
    "PT kami berizin resmi KP2MI. Biaya penempatan ke Hong Kong ditanggung majikan, paspor kamu "
    "pegang sendiri, kontrak ditandatangani sebelum berangkat di BP3MI.",
    "Employer pays the agency fee and the air ticket. You keep your passport. Contract signed "
    "at the Disnaker before departure.",
    "Kami LPK terdaftar di Kemnaker. Biaya pelatihan bahasa Jepang Rp6 juta dibayar ke rekening "
    "lembaga dengan kuitansi resmi.",
    "Mbak, aku udah sampe Taiwan. Kontrak sama kayak yg ditandatangani di Indonesia. Paspor aku "
    "pegang sendiri, gaji masuk rekening aku sendiri.",
    "Our agency is licensed by KP2MI. There is no fee for domestic workers to Hong Kong: the "
    "employer pays the agency and the ticket.",
    "Untuk calon PMI: paspor, visa kerja dan perjanjian kerja wajib selesai sebelum "
    "keberangkatan. Berangkat dengan visa turis lalu bekerja di sana melanggar hukum.",
]


@pytest.mark.parametrize("text", LAWFUL)
def test_lawful_mentions_of_fees_and_passports_are_not_danger(checker: Checker, text: str) -> None:
    result = checker.check(text)
    assert result.verdict is not Verdict.DANGER, result.reason_ids


def test_a_passport_held_by_the_worker_herself_is_no_sign(checker: Checker) -> None:
    assert "documents-held" not in ids(
        checker, "Visa kerja udah keluar, paspor aku pegang sendiri."
    )
    assert "documents-held" in ids(checker, "Paspor nanti aku pegang ya, biar aman.")
    assert "documents-held" in ids(
        checker, "Paspor biar ibu yang simpan ya, nanti berangkat bareng."
    )


# -- trips are not job offers ------------------------------------------------------------------
TRIPS = [
    "Paket umrah plus Turki 12 hari, Rp38 juta per orang, visa umrah dan tiket termasuk. "
    "Jamaah didampingi muthawif.",
    "Tour package to Korea 7 days, USD 1,450 per person including tourist visa, hotel and tour "
    "leader. For holidays only.",
    "Paket wisata Jepang 6 hari, Rp21 juta/orang termasuk visa wisata. Paket ini khusus wisata, "
    "tidak untuk bekerja.",
]


@pytest.mark.parametrize("text", TRIPS)
def test_a_tour_or_pilgrimage_package_is_not_an_offer(checker: Checker, text: str) -> None:
    result = checker.check(text)
    assert "tourist-visa" not in result.reason_ids and "fee-upfront" not in result.reason_ids


@pytest.mark.parametrize(
    "text",
    [
        "Paket umrah murah Rp25 juta, visa umrah, nanti di sana langsung kerja di hotel Mekkah.",
        "Cultural exchange tour to Japan: 2 weeks sightseeing, then 3 months helping at partner "
        "hotels, pocket money 150,000 yen. Short-stay visa only. Registration fee IDR 8,000,000.",
    ],
)
def test_a_trip_that_turns_into_work_is_still_danger(checker: Checker, text: str) -> None:
    assert checker.check(text).verdict is Verdict.DANGER


def test_trip_needs_a_purpose_and_no_work_word_left_standing(checker: Checker) -> None:
    redflags = checker.redflags
    trip = "Paket wisata Bangkok 4 hari, visa on arrival."
    assert redflags.trip(redflags.clean_mapped(trip))
    assert not redflags.trip(redflags.clean_mapped("Visa on arrival ke Bangkok, 4 hari."))
    negated = "Paket wisata Bangkok, tidak untuk bekerja."
    assert redflags.trip(redflags.clean_mapped(negated))
    assert not redflags.trip(redflags.clean_mapped("Paket wisata Bangkok, lalu kerja di sana."))


# -- quiet frauds ------------------------------------------------------------------------------
QUIET_FRAUDS = {
    "permit-after-arrival": "Ada lowongan di pabrik Korea, cukup bayar 25 juta buat pengurusan, "
    "kontrak nanti dibikin di Korea aja, berangkat bulan depan.",
    "account-renting": "Work from home: we pay you IDR 1,000,000 to open bank accounts for our "
    "staff, per account opened.",
    "drug-courier": "Kerja di rumah aja: terima paket dari luar negeri, lalu kirim ulang ke "
    "alamat lain, 200 ribu per paket.",
    "fee-upfront": "Good news! You're selected for a hotel job in Qatar. Please settle the visa "
    "processing of USD 850 before Friday so we can book your flight.",
    "job-buying": "Kk mau ganti majikan? Aku bisa cariin majikan baru, biayanya NT$50.000, bayar "
    "cash aja.",
    "bride-offer": "Assalamualaikum ukhti, biro ta'aruf kami mencari istri WNI untuk pengusaha "
    "dari luar negeri, keluarga dapat hadiah 10 juta.",
    "family-permission": "Saya sudah tanda tangani surat izin keluarga kolektif buat kalian, "
    "jadi tidak perlu minta izin orang tua satu-satu.",
    "scam-work": "Hiring chat operators: make friends with clients on dating apps and guide them "
    "to our trading platform, commission on client deposits.",
    "underage": "Nanti nama kamu di paspor beda sedikit dari KTP gapapa, yang penting berangkat.",
    "tourist-visa": "Teh, ada lowongan jaga bayi di Singapura, tapi nanti masuknya sebagai turis "
    "dulu ya, baru dicarikan majikan.",
    "sexual-exploitation": "Ada kerjaan jadi model di Shanghai, gadis 18-23 tahun, kirim foto "
    "pakai baju renang.",
    "unofficial-route": "We'll fly you to Chiang Rai and drive you across to the company.",
}


@pytest.mark.parametrize("rule_id", sorted(QUIET_FRAUDS))
def test_quiet_frauds_are_caught_by_their_rule(checker: Checker, rule_id: str) -> None:
    result = checker.check(QUIET_FRAUDS[rule_id])
    assert rule_id in result.reason_ids
    assert result.verdict.flagged


def test_an_offer_that_borrows_warning_words_stays_an_offer(checker: Checker) -> None:
    """ "JALUR RESMI", "hanya melalui sponsor kami", "serahkan paspor", "pendaftaran ditutup
    besok" are an offer's words, even next to "resmi"."""
    text = (
        "Lowongan PRT Saudi — JALUR RESMI. Gaji 1.500 SAR. Pendaftaran ditutup besok! Hanya "
        "melalui sponsor desa kami. Serahkan paspor asli ke sponsor."
    )
    assert checker.check(text).verdict is Verdict.DANGER


@pytest.mark.parametrize(
    "text",
    [
        # an ad's fear of missing out is no warning: it cancelled the fee and the account
        "Ada yang nawarin aku kerja di Jepang gaji 30 juta, ternyata beneran! Kalian jangan mau "
        "ketinggalan, daftar lewat aku aja, DP 5jt ke rek BCA 1234567890 a.n. Sari.",
        "Lowongan Korea tanpa tes bahasa. Jangan sampai ketinggalan, biaya 40 juta transfer ke "
        "rekening pribadi saya.",
        # "kalian jangan mau …" that goes on to recruit is no advice to others
        "Kalian jangan mau kerja capek di kampung. Ikut kami ke Malaysia, tanpa paspor lewat "
        "Dumai, bayar 3 juta saja.",
    ],
)
def test_an_offer_urging_people_not_to_miss_out_stays_danger(checker: Checker, text: str) -> None:
    assert checker.check(text).verdict is Verdict.DANGER


PITCHES_AFTER_A_WARNING = [
    "Hati-hati calo bodong ya, lewat kami aman, cukup DP 4 juta ke rekening pribadi saya, "
    "berangkat pakai visa ziarah.",
    "Jangan percaya agen lain, daftar ke aku aja, biaya 12 juta transfer ke rekening aku.",
    "Scams are everywhere, so apply with us: fly on a visit visa, pay the fee to my account.",
    "Waspada penipuan, kami resmi, biaya 20 juta ke rekening pribadi saya, visa turis dulu.",
]


@pytest.mark.parametrize("text", PITCHES_AFTER_A_WARNING)
def test_a_warning_stops_where_the_writer_turns_to_their_own_offer(
    checker: Checker, text: str
) -> None:
    """ "lewat kami", "daftar ke aku", "apply with us", "kami resmi" turn a warning into a
    pitch: the red flags after them stand (before, the warning cancelled them all)."""
    assert checker.check(text).verdict is Verdict.DANGER


def test_only_through_a_private_channel_is_an_offer(checker: Checker) -> None:
    """ "hanya melalui admin" is how a fake announcement collects fees; "hanya melalui
    SISKOP2MI" is how a real one warns."""
    fake = (
        "Pengumuman: lowongan perawat ke Jerman dibuka. Daftar hanya melalui admin, biaya "
        "bahasa 25 juta transfer ke rekening pribadi koordinator."
    )
    real = (
        "Pengumuman: pendaftaran program G to G ke Jerman hanya melalui SISKOP2MI. Tidak ada "
        "biaya yang ditransfer ke rekening pribadi."
    )
    assert checker.check(fake).verdict is Verdict.DANGER
    assert checker.check(real).verdict is not Verdict.DANGER


def test_the_same_warning_without_a_pitch_still_cancels(checker: Checker) -> None:
    text = (
        "Hati-hati calo yang minta DP 4 juta ke rekening pribadi dan menyuruh berangkat pakai "
        "visa ziarah."
    )
    assert checker.check(text).verdict is not Verdict.DANGER


@pytest.mark.parametrize(
    "text",
    [
        "Kerja di Taiwan pakai visa kunjungan itu tidak ilegal kok, nanti diurus. WA "
        "0812-0000-7788.",
        "Hati tenang kerja di Korea, berangkat pakai visa turis dulu. Awas kehabisan kuota, "
        "DP 3 juta.",
    ],
)
def test_reassurance_is_no_judgement_or_warning(checker: Checker, text: str) -> None:
    """A denied judgement ("itu *tidak* ilegal") and an ad's comfort or urgency ("hati
    tenang", "awas kehabisan") cancel nothing."""
    assert checker.check(text).verdict is Verdict.DANGER


@pytest.mark.parametrize(
    "text",
    [
        "Kalau paspormu ditahan majikan atau gajimu tidak dibayar, segera hubungi KJRI "
        "terdekat. Nomor pengaduan: 0812-0000-5566.",
        "Untuk kamu yang ditawari kerja online di Laos gaji besar, tiket gratis: itu jebakan. "
        "Hubungi hotline 0812-0000-6677.",
        "Adikku dijanjikan kerja di Myanmar, sekarang paspornya ditahan. Kami harus ke mana? "
        "0812-0000-9911",
    ],
)
def test_help_for_the_readers_own_trouble_is_not_danger(checker: Checker, text: str) -> None:
    """Telling people where to go when their passport is held, calling an offer a trap, or
    asking where to turn: a hotline number here is help, not an offer."""
    assert checker.check(text).verdict is not Verdict.DANGER


# -- engine pieces -------------------------------------------------------------------------------
QUOTED_SAYINGS = (
    "Catat ya, omongan calo yang paling sering: 'nanti kerjanya gampang, gaji gede', 'KTP "
    "sama KK aja cukup kok', 'gak usah lapor Disnaker, ribet', 'jangan bilang keluarga dulu'. "
    "Dengar salah satunya? Tolak."
)


def test_weak_signs_only_quoted_are_not_the_writers_offer(checker: Checker) -> None:
    """A list of what recruiters say, each saying in quotes, is a warning: the weak signs
    in the quotes are somebody else's words and do not count as the writer's offer (they
    did before, and outweighed the warning)."""
    result, _ = checker.by_rules(QUOTED_SAYINGS)
    signs = next(r for r in result.reasons if r.id == "weak-signs")
    assert signs.data["quoted"] >= 2  # "calo" is the writer's own word
    assert result.verdict is Verdict.ADVICE
    unquoted = QUOTED_SAYINGS.replace("'", "")
    assert checker.by_rules(unquoted)[0].verdict is not Verdict.ADVICE


@pytest.mark.parametrize(
    "text",
    [
        "Wkwk barusan ada yang nawarin aku kerja 'magang' di Qatar, bayar 20 juta dulu, visa "
        "turis. Magang kok bayar. Kalian jauhi yang begini ya.",
        "Lol someone messaged me an 'internship' in Oman, visit visa, fee 25 million rupiah. "
        "Internship that you pay for? Nope. Guys skip this.",
    ],
)
def test_an_offer_received_and_mocked_reads_as_advice(checker: Checker, text: str) -> None:
    """Someone passing on an offer they were sent, with advice to others, is not the offer."""
    assert checker.check(text).verdict is Verdict.ADVICE


def test_negated_offer_words_are_not_an_offer(checker: Checker) -> None:
    """ "tidak ada rekrutmen" offers nothing; the warning around it wins."""
    text = (
        "Info dari pemdes: tidak ada rekrutmen kerja ke luar negeri lewat perangkat desa. Bila "
        "ada yang mengatasnamakan desa dan meminta biaya pendaftaran, segera laporkan."
    )
    assert checker.check(text).verdict is Verdict.ADVICE


def test_paid_properly_cancels_only_rules_about_money(checker: Checker) -> None:
    """ "biaya ditanggung majikan" clears the fee, not the calo in the same sentence."""
    text = "Dibutuhkan TKW Brunei. Lewat calo langsung, proses 2 minggu, biaya ditanggung majikan."
    found = ids(checker, text)
    assert "individual-recruiter" in found and "fast-departure" in found
    assert "fee-upfront" not in found
    rules = {r.id: r for r in checker.redflags.rules}
    assert rules["fee-upfront"].money and not rules["individual-recruiter"].money


def test_an_amount_counts_as_one_word_after_a_match() -> None:
    """ "biaya pelatihan bahasa Jepang Rp6 juta dibayar ke rekening lembaga": the judgement
    is six words after the match once "rp 6 juta" counts as one."""
    pattern = phrases.compile_all(["dibayar ke rekening lembaga"])
    text = "bahasa jepang rp 6 juta dibayar ke rekening lembaga"
    assert phrases.judged_after(" " + text, 0, pattern)
    long = "satu dua tiga empat lima enam tujuh delapan dibayar ke rekening lembaga"
    assert not phrases.judged_after(" " + long, 0, pattern)


def test_not_for_trips_and_money_are_read_from_the_file() -> None:
    data = _minimal()
    data["rules"][0]["not_for_trips"] = True
    data["rules"][0]["money"] = True
    data["trips"] = {"purpose": ["paket wisata"], "work": ["kerja"]}
    data["paid_properly"] = ["ditanggung majikan"]
    redflags = parse_redflags(data, ["id", "en"], "test")
    rule = redflags.rules[0]
    assert rule.not_for_trips and rule.money
    assert redflags.trip(redflags.clean_mapped("paket wisata murah, biaya 5 juta"))
    context = redflags.context("x", redflags.clean_mapped("paket wisata, biaya 5 juta"), [], [])
    assert rule.match(context) is None
    context = redflags.context("x", redflags.clean_mapped("kerja, biaya 5 juta"), [], [])
    assert rule.match(context) is not None
    context = redflags.context("x", redflags.clean_mapped("biaya ditanggung majikan"), [], [])
    assert rule.match(context) is None


def _minimal() -> dict:
    return {
        "rules": [
            {
                "id": "fee",
                "severity": "danger",
                "title": {"id": "Biaya", "en": "Fee"},
                "explanation": {"id": "Biaya.", "en": "Fee."},
                "source": {"name": "Contoh", "url": "https://example.org"},
                "as_of": "2025-01-01",
                "patterns": {"id": ["biaya"], "en": ["fee"]},
            }
        ]
    }


def test_a_denied_judgement_after_a_match_is_no_judgement() -> None:
    pattern = phrases.compile_pattern("(adalah|itu)? ?(ilegal|penipuan)")
    assert phrases.judged_after("visa turis itu ilegal", 10, [pattern])
    assert not phrases.judged_after(" itu tidak ilegal kok", 0, [pattern])
    assert phrases.judged_after(" ini bukan lowongan itu penipuan", 0, [pattern])


def test_a_pivot_ends_the_reach_of_a_warning() -> None:
    (warning,) = phrases.compile_until(["hati hati"], ["lewat kami"])
    assert phrases.warned("hati hati calo minta dp", 20, [warning])
    assert not phrases.warned("hati hati calo lewat kami aman dp", 30, [warning])
    assert phrases.compile_until([], ["lewat kami"]) == ()


@pytest.mark.parametrize(
    "text",
    [
        "Lowongan pabrik Malaysia gaji 7 juta. Nanti paspor kamu aku pegang sendiri biar aman.",
        "Tenang dek, paspormu saya simpan sendiri selama kontrak, kamu fokus kerja saja.",
    ],
)
def test_the_readers_passport_held_by_the_writer_is_a_red_flag(checker: Checker, text: str) -> None:
    """ "sendiri" after "aku pegang" cancels the rule when the worker keeps her own passport
    ("paspor aku pegang sendiri"); when the passport is the reader's ("paspor kamu"), the
    writer is the one holding it (session 9's adversarial probe: no reason at all)."""
    assert "documents-held" in ids(checker, text)


@pytest.mark.parametrize(
    "text", ["Paspor dan visa Ibu pegang sendiri ya.", "paspor aku pegang sendiri kok"]
)
def test_a_worker_keeping_her_own_passport_is_no_red_flag(checker: Checker, text: str) -> None:
    assert "documents-held" not in ids(checker, text)
