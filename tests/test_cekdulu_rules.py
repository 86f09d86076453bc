"""The editor files behind Cek Dulu: every red flag and destination, one positive and one
negative example each, the pattern language, the salary reader, and file validation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.core.cekdulu import phrases
from bot.core.cekdulu.checker import Checker, Verdict
from bot.core.cekdulu.destinations import parse as parse_destinations
from bot.core.cekdulu.reasons import RulesError, Severity
from bot.core.cekdulu.redflags import parse as parse_redflags

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
LANGUAGES = ["id", "en"]
RULES = yaml.safe_load((CONTENT / "redflags.yaml").read_text(encoding="utf-8"))["rules"]
DESTINATIONS = yaml.safe_load((CONTENT / "destinations.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker.load(CONTENT, LANGUAGES)


def ids(checker: Checker, text: str) -> list[str]:
    return checker.check(text).reason_ids


# -- every red flag --------------------------------------------------------------------------
@pytest.mark.parametrize("rule", RULES, ids=[r["id"] for r in RULES])
def test_rule_matches_its_positive_example(checker: Checker, rule: dict) -> None:
    assert rule["id"] in ids(checker, rule["examples"]["match"])


@pytest.mark.parametrize("rule", RULES, ids=[r["id"] for r in RULES])
def test_rule_ignores_its_negative_example(checker: Checker, rule: dict) -> None:
    assert rule["id"] not in ids(checker, rule["examples"]["no_match"])


@pytest.mark.parametrize("rule", RULES, ids=[r["id"] for r in RULES])
def test_a_warning_against_the_red_flag_is_never_danger(checker: Checker, rule: dict) -> None:
    """Every rule has a negated or warning form of its red flag (issue 10): the engine,
    not the rule, must read it as advice, so it neither triggers the rule as an offer
    nor gets "danger"."""
    result = checker.check(rule["examples"]["negated"])
    assert result.verdict is not Verdict.DANGER, result.reason_ids
    assert rule["id"] not in result.reason_ids or result.verdict is Verdict.ADVICE


ISSUE_EXAMPLES = [
    "Himbauan: sebelum daftar, cek dulu perusahaannya di SISKOP2MI, jangan berangkat dengan visa "
    "kunjungan, dan jangan mau paspormu dipegang calo.",
    "Tidak ada pembayaran apa pun ke rekening pribadi dalam proses resmi.",
    "Kabar baik: pekerja rumah tangga dibebaskan dari biaya penempatan, jadi tidak perlu bayar "
    "apa pun di muka.",
    "Waspada modus tawaran kerja admin di Kamboja dengan gaji tinggi, itu penipuan. Tidak ada "
    "penempatan resmi ke sana.",
    "Never pay a placement fee to a personal account. Do not hand over your passport.",
]


@pytest.mark.parametrize("text", ISSUE_EXAMPLES)
def test_official_warnings_from_the_issue_are_not_danger(checker: Checker, text: str) -> None:
    assert checker.check(text).verdict is not Verdict.DANGER


def test_a_warning_is_called_advice(checker: Checker) -> None:
    assert checker.check(ISSUE_EXAMPLES[0]).verdict is Verdict.ADVICE
    assert checker.check(ISSUE_EXAMPLES[3]).verdict is Verdict.ADVICE


def test_news_about_a_case_is_advice_not_an_offer(checker: Checker) -> None:
    text = (
        "Polda Riau menggagalkan penyelundupan 58 calon pekerja migran yang akan diseberangkan "
        "ke Malaysia dengan speedboat. Para korban membayar 10-15 juta."
    )
    assert checker.check(text).verdict is Verdict.ADVICE


def test_an_offer_dressed_as_a_warning_stays_danger(checker: Checker) -> None:
    text = (
        "Waspada penipuan! Kami resmi. Gaji 20jt, biaya admin 5jt transfer ke rekening saya "
        "BCA 1234567890 a.n. Rudi, WA 0812-0000-1234"
    )
    assert checker.check(text).verdict is Verdict.DANGER


LEGITIMATE_MENTIONS = [
    # paid by the employer or a programme
    "Tiket pesawat dan biaya visa kerja ditanggung oleh perusahaan, pekerja tidak membayar.",
    "Airfare and work visa costs are covered by the employer; candidates pay nothing.",
    "Majikan saya yang bayar tiket pulang dan perpanjangan visa kerja, aku nggak keluar uang.",
    # paid to an institution, with a receipt
    "Biaya pelatihan bahasa Korea Rp3.000.000 dibayar ke rekening lembaga, ada kuitansi resmi.",
    # a deduction written in the contract
    "Potongan asrama RM100 per bulan, biaya sewa dipotong RM100, tertulis di kontrak kerja.",
    # a loan from a bank, not from the recruiter
    "Biaya pelatihan di LPK mitra dapat dibiayai KUR, bukan pinjaman dari kami.",
    "Butuh modal berangkat? Ajukan KUR Penempatan lewat bank penyalur, jangan pinjam ke calo.",
    # the fee named, and said to be nothing
    "Biaya penempatan nol rupiah sesuai peraturan, gaji NT$20.000, paspor dipegang pekerja.",
    # a licensed agency saying what it does not do
    "Pengumuman: perusahaan kami tidak memungut biaya pendaftaran dan tidak menerima transfer ke "
    "rekening pribadi staf.",
]


@pytest.mark.parametrize("text", LEGITIMATE_MENTIONS)
def test_legitimate_mentions_of_fees_are_not_danger(checker: Checker, text: str) -> None:
    """Fees paid by the employer, to an institution with a receipt, or written in the
    contract are not the fees the law forbids (negation_scopes and negations_after)."""
    assert checker.check(text).verdict is not Verdict.DANGER, checker.check(text).reason_ids


OFFERS_NEXT_TO_LEGITIMATE_WORDS = [
    "Kerja pabrik Korea tanpa ujian, biaya Rp45jt bisa transfer ke rekening pribadi saya.",
    "Kerja jaga toko di Brunei, biaya proses Rp9.000.000 bayar ke saya langsung.",
    "Cleaner job in Singapore, agency fee SGD 4,000 deducted from your salary for 8 months.",
]


@pytest.mark.parametrize("text", OFFERS_NEXT_TO_LEGITIMATE_WORDS)
def test_offers_asking_for_money_stay_danger(checker: Checker, text: str) -> None:
    assert checker.check(text).verdict is Verdict.DANGER


WARNINGS_AND_NEWS = [
    # a conditional warning: "if someone offers …, say no"
    "Kalau ada yang menawarkan kerja di Myanmar dengan gaji 25 juta tanpa tes, tolak saja, itu "
    "modus penipuan online.",
    "If a recruiter asks you to pay a deposit into a personal account, say no and report it to "
    "BP3MI.",
    # "Hati-hati" at the start of a sentence is cleaned to "hati"
    "Hati-hati, beredar akun Facebook mengatasnamakan BP2MI yang menawarkan kerja ke Jepang "
    "dengan biaya 20 juta. Itu bukan akun resmi.",
    "Reminder from the Embassy: a job in Cambodia or Myanmar offered through Telegram is very "
    "likely a scam. Legal jobs need a work visa before departure.",
    # news: promised, turned out, sent home
    "Dua warga Sambas yang dijanjikan kerja di kebun sawit ternyata dipekerjakan tanpa gaji. "
    "Paspor mereka ditahan mandor. Keduanya kini telah dipulangkan.",
]


@pytest.mark.parametrize("text", WARNINGS_AND_NEWS)
def test_conditional_warnings_and_news_read_as_advice(checker: Checker, text: str) -> None:
    assert checker.check(text).verdict is Verdict.ADVICE


def test_a_negation_inside_a_gap_of_the_pattern_cancels_it(checker: Checker) -> None:
    """The gap of "umur … dituakan" lets words through; "tidak boleh" among them turns the
    match into its opposite (negations_within)."""
    assert "underage" not in ids(checker, "Umur tidak boleh dituakan di dokumen apa pun.")
    assert "documents-held" not in ids(checker, "Paspor kamu tidak akan ditahan siapa pun.")
    assert "underage" in ids(checker, "Umur 16 bisa, nanti di dokumen dituakan.")
    text = "Your employer must not keep your passport. Contact the Labour Department."
    assert "documents-held" not in ids(checker, text)


def test_months_of_pay_taken_for_the_agent_are_a_salary_deduction(checker: Checker) -> None:
    text = "Kapal ikan Taiwan, gaji USD350, 8 bulan pertama dipotong untuk biaya agen."
    assert "fee-from-salary" in ids(checker, text)


def test_a_currency_glued_to_its_amount_is_read(checker: Checker) -> None:
    assert phrases.clean("Biaya: Rp13jt, gaji RM1.700") == "biaya rp 13 jt gaji rm 1 700"
    assert "fee-upfront" in ids(checker, "Proses cepat, biaya Rp13jt (medical, visa, tiket).")


def test_a_phone_number_is_not_a_fee_amount(checker: Checker) -> None:
    text = "Lowongan pabrik, biaya tidak ada, WA 0812-3456-7890"
    assert "fee-upfront" not in ids(checker, text)
    assert "fee-upfront" in ids(checker, "Biaya RM3.500, proses cepat")


def test_wages_cut_after_the_fact_and_recruiter_loans(checker: Checker) -> None:
    assert "fee-from-salary" in ids(checker, "paspor dipegang agen, gaji dipotong 7 bulan")
    text = "Kamu bisa pinjam uang dari kami untuk biaya, nanti cicil dari gaji di Hongkong"
    assert "recruiter-loan" in ids(checker, text)


def test_a_negation_does_not_reach_across_a_comma(checker: Checker) -> None:
    text = "Tidak usah takut, biaya admin 2 juta transfer dulu ya"
    assert "fee-upfront" in ids(checker, text)


ENGLISH_EXAMPLES = {
    "fee-personal-account": ("Send the fee to my DANA account", "Pay only at the office."),
    "fee-upfront": ("Registration fee 500 USD first", "No registration fee at all."),
    "fee-from-salary": ("Fees deducted from your salary", "No salary deduction."),
    "tourist-visa": ("You will enter on a tourist visa", "Work visa before you leave."),
    "documents-held": ("The agency will keep your passport", "You keep your own passport."),
    "no-selection": ("No test, no interview, fly soon", "Test and interview in Jakarta."),
    "fast-departure": ("Fly within 2 weeks!", "Departure after 3 to 4 months."),
    "light-requirements": ("No diploma, any age", "Junior high school or above."),
    "salary-too-high": ("Housemaid in Hong Kong, salary HKD 15,000", "Salary HKD 4,990."),
    "online-job-scam-country": ("Customer service job in Cambodia", "Customer service, Bali."),
    "unofficial-route": ("Boat leaves at night from Karimun", "Flight from Jakarta airport."),
    "no-contract": ("No contract needed", "Contract signed at the LTSA."),
    "underage": ("Girls aged 16-35 welcome", "Aged 21 to 40."),
    "job-buying": ("You must buy the job for NT$60,000", "Renewal: ARC and medical only."),
    "individual-recruiter": ("I am a recruiter, DM me", "Apply at our licensed office."),
    "hidden-details": ("Location is confidential", "Factory in Taichung, Taiwan."),
    "direct-hire-fee": ("Direct hire, pay me a service fee", "Apply through a licensed agency."),
    "sexual-exploitation": ("Young women, must be beautiful", "Nurses, men or women, 21-40."),
    "entertainment-abroad": ("Karaoke hostess in Tokyo", "Hotel front desk in Tokyo."),
    "europe-fee": ("Poland factory job, fee 3000 EUR", "Poland factory job via KP2MI."),
    "cruise-fee": ("Cruise ship job, pay a deposit first", "Cruise ship job, licensed agency."),
    "recruiter-loan": ("We give a loan, repay from your salary", "Salary paid in full to you."),
    "permit-after-arrival": ("Work permit arranged after arrival", "Work visa before departure."),
    "drug-courier": ("Please carry this package for my friend", "Luggage allowance is 30 kg."),
    "account-renting": ("Rent your bank account to us", "Your salary goes to your account."),
    "bride-offer": ("Marry a rich Chinese husband, dowry paid", "Marriage registered at KUA."),
    "ransom": ("Pay the ransom today or he stays", "The government flew them home."),
    "working-holiday-fee": ("WHV guaranteed, pay our fee", "Apply for the SDUWHV online."),
    "fake-amnesty": ("Amnesty work permit through us, fee RM3,000", "Repatriation at Immigration."),
    "family-permission": (
        "No need for your parents' permission, we sign a collective consent letter",
        "Bring your husband's written permission, acknowledged by the village head.",
    ),
    "scam-work": (
        "You chat with lonely men on dating apps and move them onto our crypto platform",
        "Customer support for a bank: answer questions from account holders.",
    ),
}


@pytest.mark.parametrize("rule_id", sorted(ENGLISH_EXAMPLES))
def test_rule_works_in_english(checker: Checker, rule_id: str) -> None:
    match, no_match = ENGLISH_EXAMPLES[rule_id]
    assert rule_id in ids(checker, match)
    assert rule_id not in ids(checker, no_match)


def test_every_rule_has_english_examples_here() -> None:
    assert {r["id"] for r in RULES} == set(ENGLISH_EXAMPLES)


def test_every_rule_has_a_source_a_date_and_both_languages(checker: Checker) -> None:
    for rule in checker.redflags.rules:
        assert rule.source.url.startswith("https://"), rule.id
        assert rule.as_of.year >= 2015, rule.id
        assert set(rule.explanation) == set(LANGUAGES), rule.id
        assert rule.severity in (Severity.DANGER, Severity.CHECK), rule.id


PHONE_LIKE = re.compile(r"(?<![\d.])(?:\+?\d[\d\s-]{6,}\d)")


def test_explanations_hold_no_phone_numbers(checker: Checker) -> None:
    """Official numbers live in contacts.yaml only (checked against the facts sheet)."""
    texts = [t for r in checker.redflags.rules for t in r.explanation.values()]
    texts += [
        t for c in checker.destinations.countries if c.status for t in c.status.explanation.values()
    ]
    texts += [t for r in checker.destinations.restrictions for t in r.status.explanation.values()]
    for text in texts:
        assert not PHONE_LIKE.search(text.replace("3.703", "").replace("1.914", "")), text


# -- destinations ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("country", "text"),
    [
        ("kh", "Kerja di Phnom Penh, gaji dolar"),
        ("mm", "berangkat ke Myawaddy lewat darat"),
        ("th", "loker restoran di Bangkok"),
    ],
)
def test_countries_without_placement_scheme_are_danger(checker: Checker, country, text) -> None:
    result = checker.check(text)
    assert f"destination:{country}" in result.reason_ids
    assert result.verdict is Verdict.DANGER


def test_laos_alone_has_no_status_claim(checker: Checker) -> None:
    # The fact sheet's no-placement statement names Cambodia, Myanmar and Thailand only.
    assert "destination:la" not in checker.check("kerja di Laos").reason_ids


def test_a_country_name_inside_a_word_is_not_a_mention(checker: Checker) -> None:
    assert checker.check("Kerja di Thailandia Resto, Semarang").reason_ids == []


def test_middle_east_domestic_work_is_danger_but_other_jobs_are_not(checker: Checker) -> None:
    assert "middle-east-domestic" in ids(checker, "Dicari ART untuk keluarga di Riyadh")
    assert "middle-east-domestic" in ids(checker, "Nanny job in Doha, Qatar")
    assert "middle-east-domestic" not in ids(checker, "Hotel staff for Dubai, employment visa")
    assert "middle-east-domestic" not in ids(checker, "Dicari ART untuk keluarga di Surabaya")


def test_the_official_one_channel_scheme_asks_to_verify_instead(checker: Checker) -> None:
    result = checker.check("Penempatan PRT ke Arab Saudi lewat SPSK, pengguna syarikah")
    reason = next(r for r in result.reasons if r.id == "middle-east-domestic")
    assert reason.severity is Severity.CHECK
    assert "SPSK" in reason.title["en"]


def test_the_saudi_scheme_named_for_another_country_is_still_danger(checker: Checker) -> None:
    """SPSK is a Saudi scheme: "lewat syarikah" in a Kuwait offer must not lower it."""
    for text in (
        "Lowongan ART ke Kuwait, resmi lewat syarikah, majikan keluarga",
        "PRT ke Arab Saudi dan Kuwait lewat SPSK",
        "Housemaid for Dubai through the one channel system",
    ):
        reason = next(r for r in checker.check(text).reasons if r.id == "middle-east-domestic")
        assert reason.severity is Severity.DANGER, text


def test_every_destination_status_has_a_source_and_date(checker: Checker) -> None:
    statuses = [c.status for c in checker.destinations.countries if c.status]
    statuses += [r.status for r in checker.destinations.restrictions]
    for status in statuses:
        assert status.source.url.startswith("https://")
        assert status.as_of.year >= 2015
        assert set(status.explanation) == set(LANGUAGES)


# -- the pattern language ----------------------------------------------------------------------
def test_clean_text_undoes_chat_spelling() -> None:
    cleaned = phrases.clean(
        "𝗚𝗔𝗝𝗜 15jt!! Tnpa TESSS.\nbrgkt 2mgg", {"tnpa": "tanpa", "brgkt": "berangkat"}
    )
    assert cleaned == "gaji 15 jt | tanpa tes | berangkat 2 mgg"


def test_patterns_match_whole_words_with_gaps_and_endings() -> None:
    gap = phrases.compile_pattern("paspor … ditahan")
    star = phrases.compile_pattern("kontrak*")
    assert gap.search("paspor kamu nanti ditahan")
    assert not gap.search("paspor a b c d e ditahan")
    assert star.search("kontraknya nanti")
    assert not phrases.compile_pattern("tes").search("testimoni")


def test_negations_and_warnings_cancel_a_match() -> None:
    fee = [phrases.compile_pattern("biaya")]
    no = frozenset({"tanpa"})
    warn = [phrases.compile_pattern("jangan percaya")]
    assert phrases.find("tanpa biaya", fee, no) is None
    assert phrases.find("tanpa tiket | biaya 5 juta", fee, no) is not None  # new sentence
    assert phrases.find("jangan percaya yang minta biaya", fee, warnings=warn) is None


def test_a_bad_pattern_is_reported_by_name() -> None:
    with pytest.raises(phrases.PatternError, match="tanpa"):
        phrases.compile_pattern("tanpa (tes")


# -- the salary reader -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "rupiah"),
    [
        ("gaji 15-20jt/bln", 20_000_000),
        ("Gaji Rp 25.000.000 per bulan", 25_000_000),
        ("Salary $1200-$1500 + commission", 1500 * 16300),
        ("gaji NT$35,000", 35000 * 500),
        ("gaji RM 2500-3000", 3000 * 3700),
        ("gaji 2000 dirham", 2000 * 4450),
        ("💰 USD 1000 basic + bonus", 1000 * 16300),
        ("gaji 4,5 juta", 4_500_000),
        ("gaji 8jt, biaya proses 60jt", 8_000_000),
    ],
)
def test_salary_reader(checker: Checker, text: str, rupiah: float) -> None:
    rule = checker.redflags.get("salary-too-high")
    reader = rule.salary
    assert reader.highest(text).idr == pytest.approx(rupiah)


@pytest.mark.parametrize("text", ["biaya 60jt", "gaji UMR", "gaji 300rb per hari", "2025-2027"])
def test_salary_reader_ignores_fees_days_and_plain_numbers(checker: Checker, text: str) -> None:
    reader = checker.redflags.get("salary-too-high").salary
    assert reader.highest(text) is None


def test_salary_is_compared_like_with_like(checker: Checker) -> None:
    """Same country AND job only (issue 10: a Cambodian office job was compared with the
    Hong Kong domestic-worker minimum)."""
    assert "salary-too-high" not in ids(checker, "Pabrik di Korea, gaji 30 juta, lulus EPS-TOPIK")
    assert "salary-too-high" in ids(checker, "Pabrik di Malaysia, gaji 30 juta")
    assert "salary-too-high" in ids(checker, "PRT Hong Kong gaji 20 juta sebulan")
    assert "salary-too-high" not in ids(checker, "Admin online di Kamboja gaji 45 juta")
    assert "salary-too-high" not in ids(checker, "Kerja di Hong Kong gaji 20 juta")  # no job


def test_the_pay_reason_names_the_dated_level_it_used(checker: Checker) -> None:
    reason = next(
        r for r in checker.check("PRT Hong Kong gaji 20 juta").reasons if r.id == "salary-too-high"
    )
    wage = reason.data["wage"]
    assert (wage.country, wage.job, wage.display()) == ("hk", "domestic", "HK$4,990")
    assert wage.as_of.isoformat() == "2024-09-28"
    assert wage.source.url.startswith("https://")


def test_singapore_domestic_pay_is_not_compared_with_the_2016_embassy_figure(
    checker: Checker,
) -> None:
    """The fact sheets say to check the embassy's S$550 of 2016 before quoting it (the FAQ
    does not quote it): an ordinary offer of S$1,000 was called far above the level."""
    assert "salary-too-high" not in ids(checker, "PRT Singapura gaji SGD 1000 sebulan")


def test_domestic_work_in_iran_meets_the_middle_east_moratorium(checker: Checker) -> None:
    """Iran was on the 2015 moratorium list, but not in the Middle East group."""
    assert "middle-east-domestic" in ids(checker, "Dicari ART untuk majikan keluarga di Teheran")
    assert "middle-east-domestic" in ids(checker, "lowongan pembantu rumah tangga ke iran")


def test_the_hong_kong_minimum_lives_only_in_wages_yaml() -> None:
    assert "4990" not in (CONTENT / "redflags.yaml").read_text(encoding="utf-8")
    assert "4,990" not in (CONTENT / "redflags.yaml").read_text(encoding="utf-8")
    assert "amount: 4990" in (CONTENT / "wages.yaml").read_text(encoding="utf-8")


# -- validation ------------------------------------------------------------------------------
def _rule(**changes) -> dict:
    rule = {
        "id": "x",
        "severity": "danger",
        "title": {"id": "a", "en": "a"},
        "explanation": {"id": "a", "en": "a"},
        "source": {"name": "s", "url": "https://example.org"},
        "as_of": "2025-01",
        "patterns": {"id": ["a"], "en": ["a"]},
    }
    rule.update(changes)
    return rule


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        (_rule(explanation={"id": "a"}), "'en' text is missing"),
        (_rule(severity="bad"), "severity"),
        (_rule(source={"name": "s", "url": "ftp://x"}), "http"),
        (_rule(as_of="soon"), "YYYY-MM"),
        (_rule(patterns={"id": ["(a"], "en": ["a"]}), "not valid"),
        (_rule(patterns={"id": ["a"]}), "no 'en' patterns"),
        (_rule(not_after=[False]), "quotes"),
    ],
)
def test_broken_rules_are_refused_with_a_clear_message(rule: dict, problem: str) -> None:
    with pytest.raises(RulesError, match=re.escape(problem)):
        parse_redflags({"rules": [rule]}, LANGUAGES, "redflags.yaml")


def test_duplicate_rule_ids_are_refused() -> None:
    with pytest.raises(RulesError, match="duplicate"):
        parse_redflags({"rules": [_rule(), _rule()]}, LANGUAGES, "redflags.yaml")


def test_a_restriction_naming_an_unknown_country_is_refused() -> None:
    data = dict(DESTINATIONS)
    restriction = dict(data["restrictions"][0], countries=["atlantis"])
    with pytest.raises(RulesError, match="atlantis"):
        parse_destinations({**data, "restrictions": [restriction]}, LANGUAGES, "destinations.yaml")


def test_one_scan_finds_the_countries_and_jobs_each_pattern_finds(checker: Checker) -> None:
    """The destinations index writes the word-boundary checks once around all countries
    (a five-fold speed-up); it must find exactly what each country's own patterns find, on
    every labelled offer."""
    import json

    destinations = checker.destinations
    texts = [
        json.loads(line)["text"]
        for path in sorted((ROOT / "tests/data").glob("ads*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert len(texts) > 1000
    found = 0
    for text in texts:
        clean = checker.redflags.clean(text)
        for scan, items in (
            (destinations.countries_in, destinations.countries),
            (destinations.jobs_in, destinations.jobs),
        ):
            alone = [i for i in items if any(p.search(clean) for p in i.patterns)]
            assert scan(clean) == alone, text
            found += bool(alone)
    assert found > 1000
