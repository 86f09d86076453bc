"""Messages that speak of harm happening now (bot/core/faq/distress.py, content/distress.yaml).

The cases below were written for this test; the blind sets that measure the list are in
tests/data (distress_*.tsv) and bench/distress_bench.py."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from bot.core.faq.distress import Distress, check_distress
from bot.core.faq.match import Kind
from bot.core.faq.smalltalk import SmallTalk

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"


@pytest.fixture(scope="module")
def shipped() -> Distress:
    return Distress.load(CONTENT)


@pytest.mark.parametrize(
    "text",
    [
        "aku disekap majikan",
        "aku dipukul2 majikan",  # repeated with "2"
        "aku dipukul-pukul terus",
        "aku di tampar nyonya",  # "di" typed apart
        "aku disiksaaa",  # elongated
        "gk dikasih makan dua hari",  # "gk" reads "tidak" (redflags.yaml aliases)
        "majikan ga ngasih aku pulang",
        "aku pengen mati aja",
        "adik saya di malaysia hilang kontak",
        "suami saya ditangkap polisi johor",
        "they won't let me go home",
        "my boss hits me",
        "tolong aku",
        "hp disita, aku dikunci dari dalam",  # a calm phrase ("hp … dikunci") took both
        "aku di pukul 3 kali",  # "pukul 3" was calmed as the time before "di" was joined
        "ga di kasih makan",  # "di" joined before the phrases are read
        # the fourth blind set's dev half (session 15): said around the word
        "rasanya pengen mengakhiri semuanya",
        "kakakku bilang mau ending her life",
        "i will jump from the window tonight",
        "tali udah sy siapin di kamar",
        "gk pernah diizinin keluar pager rumah",
        "adik sy dipaksa nikah sama agen",
        "we were left at the border with no water",
        "aku nonton drakor terus dipukul majikan",  # a story's words must not calm a cry
        # session 18: a blade to one's own arm, death as an idiom, "no doctor"
        "semalam aku nyilet lagi tanganku",
        "sy td goresin pergelangan pake cutter",
        "pengen nyusul ibu ke alam sana aja",
        "i'm ending it tonight",
        "majikan bilang tidak boleh ke dokter, padahal demam",
        "my boss said no hospital, just rest",
        "udah 3 hari demam gk diijinin berobat",
    ],
)
def test_harm_is_found(shipped: Distress, text: str) -> None:
    assert shipped.found_in(text)


@pytest.mark.parametrize(
    "text",
    [
        "kantor bp3mi buka pukul berapa",  # the time of day, not "hit"
        "interview pukul 9 di kantor PT",
        "foto paspor saya kabur, harus diulang?",  # blurry
        "kabur aja dulu ke jepang gimana caranya",  # the 2025 trend about moving abroad
        "sawah udah dijual buat biaya ke taiwan",
        "akun sisko saya dikunci",
        "paspor saya hilang",
        "hp saya mati",
        "takut ditipu agen",
        "apakah paspor boleh ditahan agen",
        "pelaku TPPO diancam pidana berapa tahun",
        "anak di bawah 18 tahun ga boleh keluar negeri ya",
        "thank you so much for the help",
        "cium di hajar aswad pas umroh",  # "di" is joined only into words the file names
        "rumah ini di jual",
        "aku tidak dipukul, cuma gaji telat",
        # harm in a story, a game or a recipe (session 15)
        "drakor semalem, tokoh utamanya diculik",
        "in the game i got trapped in a cave",
        "beat the eggs until fluffy",
        # session 18's probe: what the first patterns of that session took for harm
        "pengen selesai semua urusan paspor sebelum lebaran",
        "abis ngiris bawang tangan bau bgt",
        "terakhir kirim paket ke HK lalu hilang resinya",
        "suami saya klaim BPJS dari maret ga ada kabar sama sekali",
        "BPKB motor tidak bisa keluar sebelum lunas ya?",
        "kontrak blm habis, minta pulang cuti lebaran tidak diizinkan, sesuai aturan?",
        "kantor gak ngizinin kami ke klinik luar",
        "my knees can't take this anymore, too many stairs",
        "kalo misalnya ditinggal agen di bandara harus gimana",
        "coba gantung pot tanaman di teras",
        "dagingnya dipukul sampai pipih",
        "kalah telak lawan desa sebelah",
        "he locked himself out of his email",
    ],
)
def test_ordinary_questions_are_not_harm(shipped: Distress, text: str) -> None:
    assert not shipped.found_in(text)


def test_without_the_file_nothing_is_harm(tmp_path: Path) -> None:
    assert not Distress.load(tmp_path).found_in("aku disekap")
    assert not Distress.load(None)


def test_a_calm_phrase_only_calms_its_own_words() -> None:
    distress = Distress.parse({"words": ["kabur"], "calm": ["foto … kabur"]})
    assert not distress.found_in("foto ktp saya kabur")
    assert distress.found_in("foto ktp saya kabur, aku juga kabur dari majikan")


def test_small_talk_reads_the_distress_file() -> None:
    assert SmallTalk.load(CONTENT).in_distress("halo min aku disekap")


def _copy(tmp_path: Path) -> Path:
    for name in ("distress.yaml", "redflags.yaml"):
        shutil.copy(CONTENT / name, tmp_path / name)
    return tmp_path


def test_content_check_accepts_the_shipped_file() -> None:
    assert check_distress(CONTENT) == []


def test_content_check_runs_the_examples(tmp_path: Path) -> None:
    """An edit that stops finding a danger example, or starts finding an ordinary one, is
    reported with the example."""
    directory = _copy(tmp_path)
    path = directory / "distress.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  disekap, sekap,", "  sekap,", 1)  # "halo min aku disekap" is lost
    text = text.replace("    - hp saya mati\n", "    - hp saya mati\n    - aku dipukul\n", 1)
    path.write_text(text, encoding="utf-8")
    problems = check_distress(directory)
    assert [(p.field, p.message) for p in problems] == [
        ("examples.danger", "not found: 'halo min aku disekap'"),
        ("examples.ordinary", "found, yet no harm: 'aku dipukul'"),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('words: disekap dipukul\npatterns: ["(unclosed"]\n', "patterns"),
        ("words: {disekap: 1}\n", "words"),
        ("calm: [3]\n", "calm"),
    ],
)
def test_content_check_refuses_a_broken_file(tmp_path: Path, body: str, field: str) -> None:
    (tmp_path / "distress.yaml").write_text(body, encoding="utf-8")
    assert field in [p.field for p in check_distress(tmp_path)]


@pytest.fixture(scope="module")
def ensemble():
    from bot.core.content import load_valid_content
    from bot.services import build_ensemble

    return build_ensemble(load_valid_content(CONTENT))


def test_a_line_break_ends_a_phrase(ensemble) -> None:
    """An ad with the lines "Cuti: tidak" and "Boleh pulang setelah 3 tahun" is no cry for
    help: the decision reads the message as written (leaving out laughter used to join the
    lines, and "tidak boleh pulang" was found across them; second probe, session 14)."""
    ad = "LOKER TAIWAN\nGaji 25jt\nCuti: tidak\nBoleh pulang setelah 3 tahun\nHub 0812xxxx"
    assert not ensemble.decide(ad).urgent
    assert ensemble.decide("wkwk\naku gk boleh pulang sama majikan").urgent


def test_an_sos_emoji_alone_gets_the_hotline_reply(ensemble) -> None:
    """ "🆘" alone got "I can only read text questions"; it is the human intent now, whose
    reply gives the hotline and the police line."""
    decision = ensemble.decide("🆘")
    assert (decision.kind, decision.intent) == (Kind.SMALLTALK, "human")


@pytest.mark.parametrize(
    "text",
    [
        "majikan main tangan terus sama aku",  # no word of the list
        "bos suka nampol kepala aku",
        "aku dikasih kerja 20 jam sehari ga dibolehin istirahat",
    ],
)
def test_the_learned_reading_finds_harm_the_list_lacks(ensemble, text: str) -> None:
    """A hand list meets a long tail; the reading of content/distress_training.yaml finds
    these although no word or phrase of content/distress.yaml does."""
    assert not ensemble.smalltalk.in_distress(text)
    assert ensemble.learned.in_danger(text)
    assert ensemble.decide(text).urgent


@pytest.mark.parametrize(
    "text", ["biaya ke taiwan berapa", "kantor buka pukul 9", "gaji di taiwan dipukul rata ya"]
)
def test_the_learned_reading_leaves_ordinary_questions(ensemble, text: str) -> None:
    assert not ensemble.decide(text).urgent


def test_the_reading_of_harm_is_sklearns_arithmetic(ensemble) -> None:
    """The fast path adds the reading as one more column of the FAQ model's features; it
    must give what scikit-learn's own transform and dot product give."""
    texts = ["aku disekap majikan", "majikan main tangan terus", "biaya ke taiwan", "😭😭"]
    fast = [ensemble.learned.read(t)[1] for t in texts]
    # float32 features in scikit-learn, float64 here: equal to six places
    assert fast == pytest.approx(list(ensemble.learned.danger_probabilities(texts)), abs=1e-6)
    threshold = ensemble.learned.danger_reading.threshold
    assert 0.5 <= threshold <= 0.95  # chosen by cross-validation (bot/core/faq/danger.py)


def test_the_reading_is_chosen_so_few_ordinary_lines_alarm() -> None:
    """The threshold is the lowest at which the model alone flags at most 2.5% of the
    held-out ordinary lines; with no ordinary lines there is nothing to learn."""
    import numpy as np
    from scipy.sparse import csr_matrix

    from bot.core.faq.danger import MAX_FALSE_ALARMS, DangerReading

    rng = np.random.default_rng(1)
    danger = rng.random((60, 8)) + np.array([2, 0, 0, 0, 0, 0, 0, 0])
    ordinary = rng.random((140, 8))
    features = csr_matrix(np.vstack([danger, ordinary]))
    labels = [True] * 60 + [False] * 140
    reading = DangerReading.fit(features, labels)
    assert reading is not None and reading.threshold <= 0.95
    scores = features @ reading.coef + reading.intercept
    flagged = [reading.probability(s) >= reading.threshold for s in scores[60:]]
    assert np.mean(flagged) <= MAX_FALSE_ALARMS + 0.05  # fitted on all lines, so near it
    assert DangerReading.fit(features[:60], labels[:60]) is None


def test_content_check_refuses_a_broken_training_file(tmp_path: Path) -> None:
    from bot.core.faq.danger import check_training, load_training

    (tmp_path / "distress_training.yaml").write_text(
        "danger: [aku disekap]\nordinary: biaya\nharmless: [x]\n", encoding="utf-8"
    )
    fields = sorted(p.field for p in check_training(tmp_path))
    assert fields == ["harmless", "ordinary"]
    assert check_training(CONTENT) == []
    assert ("aku disekap", True) in load_training(tmp_path)


@pytest.mark.parametrize(
    "name",
    ["distress_blind3", "distress_blind4", "distress_blind5", "distress_blind6", "distress_blind7"],
)
def test_the_sets_that_measure_the_reading_are_not_in_its_training(name: str) -> None:
    """tests/data/distress_blind3.tsv (session 14), distress_blind4.tsv (session 15),
    distress_blind5.tsv (session 16), distress_blind6.tsv (session 18) and distress_blind7.tsv
    (session 19, whose test half is the measure now) judge the list and the learned reading:
    none of their messages may teach the reading (content/distress_training.yaml)."""
    import csv

    from bot.core.faq.danger import load_training

    trained = {text for text, _ in load_training(CONTENT)}
    with (ROOT / "tests/data" / f"{name}.tsv").open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        measure = {row["message"].strip() for row in rows}
    shared = {m for m in measure & trained if len(m.split()) > 1}  # "sos" alone is no copy
    assert len(measure) == {"distress_blind6": 300, "distress_blind7": 300}.get(name, 400)
    assert not shared


def test_everyday_lines_leave_out_harm_topics_and_what_the_list_finds() -> None:
    """The FAQ's real messages teach the reading what ordinary sounds like, except those of
    the topics where harm is common and any the word list finds."""
    from bot.core.faq.danger import everyday_lines

    training = [
        ("majikan aku mau perpanjang kontrak, gajinya naik gk", "employment-contract"),
        ("adik sy disekap majikan", "rights-at-work"),
        ("majikan kasar, paspor ditahan", "passport-held"),
        ("aku dipukul majikan, boleh pindah gk", "employment-contract"),
    ]
    lines = everyday_lines(training, Distress.load(CONTENT).found_in, ["passport-held"])
    assert lines == ["majikan aku mau perpanjang kontrak, gajinya naik gk"]


def test_content_check_refuses_an_unknown_harm_topic(tmp_path: Path) -> None:
    from bot.core.faq.danger import check_training

    (tmp_path / "distress_training.yaml").write_text(
        "harm_topics: [help-abroad, no-such-entry]\ndanger: [a]\nordinary: [b]\n",
        encoding="utf-8",
    )
    problems = check_training(tmp_path, ["help-abroad"])
    assert [(p.entry, p.field) for p in problems] == [("no-such-entry", "harm_topics")]


def test_filing_patterns_by_first_word_finds_what_a_full_scan_finds(shipped: Distress) -> None:
    """Searching only the patterns whose first word a message holds (ByFirstWord) must give
    the same answer as searching with every pattern, on every message of the sets: with
    the first word read off a group of prefixes too ("(adik*|anak*) …", session 22)."""
    import csv

    from bot.core.cekdulu import phrases

    every_pattern = shipped.patterns.every()
    every_calm = shipped.calm.every()
    assert len(every_pattern) == len(shipped.patterns)
    assert len(every_calm) == len(shipped.calm)

    def full_scan(text: str) -> bool:
        cleaned = phrases.clean_mapped(text, shipped.aliases)
        starts = [0, *cleaned.clauses, len(cleaned.text)]
        parts = []
        for a, b in itertools.pairwise(starts):
            clause = shipped._joined(cleaned.text[a:b].strip())
            for calm in every_calm:
                clause = calm.sub("~", clause)
            if clause:
                parts.append(clause)
        clean = " | ".join(parts)
        tokens = clean.split()
        return any(p.search(clean) for p in every_pattern) or any(
            shipped._is_word(t) for t in tokens
        )

    messages = []
    for name in ("distress_probe", "distress_probe2", "distress_blind3", "blind11_test"):
        with (ROOT / "tests/data" / f"{name}.tsv").open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                messages.append((row.get("message") or row["question"]).replace("\\n", "\n"))
    assert len(messages) > 1500
    assert [shipped.found_in(m) for m in messages] == [full_scan(m) for m in messages]


def test_a_decision_says_whether_the_list_found_the_harm(ensemble) -> None:
    """The list's finds put the note first; the reading's alone put it last."""
    listed = ensemble.decide("aku disekap majikan gimana cara kirim uang ke rumah")
    read = ensemble.decide("majikan main tangan terus sama aku")
    assert (listed.urgent, listed.listed) == (True, True)
    assert (read.urgent, read.listed) == (True, False)


@pytest.mark.parametrize(
    "text",
    [
        "tolong japri, aku disekap",  # the list finds it: no learned `human` small talk
        "makasih min, majikan saya kasar",  # the reading finds harm likelier than not
        "[tolong saya disekap]",  # brackets are no sticker's placeholder
        "pamit dulu kak, aku dijemput agen ke tempat lain",
        "udah dulu ya, hp mau disita majikan",
        "ini bukan drama disekap majikan beneran",
    ],
)
def test_a_message_that_may_speak_of_harm_gets_no_learned_small_talk(ensemble, text) -> None:
    """An adversarial probe of session 15 found these answered with thanks, a goodbye or
    "are you a bot": a greeting's reply has no hotline and no report button."""
    assert ensemble.decide(text).kind is not Kind.SMALLTALK


@pytest.mark.parametrize(
    "text",
    [
        # session 17's probe: requests for a person, taught to the reading as everyday
        # messages, made it miss these, which then got the `human` reply unmarked
        "min bisa dm, sy dijadikan jaminan utang sama agen",
        "mau bicara sama petugas, sy tidur di gudang gk dikasih kamar",
        "min japri, sy bingung sy dimana, agen ninggalin sy",
    ],
)
def test_a_request_for_a_person_beside_harm_is_heard(ensemble, text) -> None:
    """The reading finds harm in them, or at least finds it likelier than not; the reply is
    an answer or "did you mean", or the `human` reply (hotlines, police line, report button),
    never another small talk."""
    evidence = ensemble.evidence(text)
    assert evidence.distress or evidence.wary
    decision = ensemble.decide(text)
    assert decision.kind is not Kind.SMALLTALK or decision.intent == "human"


def test_a_wary_call_for_a_person_gets_the_human_reply(ensemble) -> None:
    """Where the reading finds harm only likelier than not, asking for a person still gets
    the `human` reply (the hotlines, the police line and the report button), not "I have no
    reliable answer" (session 17: "saya mau ngomong sama orang aja" sounds like a cry for
    help to the reading). Other small talk stays away, and so does `human` when harm is
    found."""
    from bot.core.faq.ensemble import Evidence, learned_smalltalk

    def talk(intent: str, **flags: bool) -> str | None:
        evidence = Evidence((), {f"smalltalk:{intent}": 0.9}, **flags)
        return learned_smalltalk(evidence, [], 0.5)

    assert talk("human", wary=True) == "human"
    assert talk("greeting", wary=True) is None
    assert talk("human", wary=True, distress=True) == "human"  # only where the FAQ falls back
    assert talk("greeting", distress=True) is None
    assert talk("human", distress=True, listed=True) is None  # the list: the note comes first
    text = "japri kak aku butuh bantuan"
    decision = ensemble.decide(text)
    assert not decision.urgent and ensemble.evidence(text).wary
    assert (decision.kind, decision.intent) == (Kind.SMALLTALK, "human")


def test_a_call_for_a_person_the_reading_takes_for_harm_gets_the_human_reply(ensemble) -> None:
    """Session 19's fifth small-talk set: "tolong telepon balik" and "pak tolong saya mau
    ngobrol sama orang beneran" sound like cries to the reading, and got the fallback, which
    begins "I have no reliable answer". The `human` reply gives the same contacts and the
    report button; the decision stays urgent."""
    for text in ("tolong telepon balik", "pak tolong saya mau ngobrol sama orang beneran"):
        evidence = ensemble.evidence(text)
        assert evidence.distress and not evidence.listed, text
        decision = ensemble.decide(text)
        assert (decision.kind, decision.intent, decision.urgent) == (
            Kind.SMALLTALK,
            "human",
            True,
        ), text


def test_harm_beside_a_request_keeps_an_answer_the_faq_has() -> None:
    """The `human` reply replaces only the fallback: where the FAQ answers or suggests, its
    reply with the emergency note says more than the hotline alone."""
    from bot.core.faq.ensemble import FEATURES, Calibration, Evidence, decide
    from bot.core.faq.match import Candidate

    evidence = Evidence(
        (Candidate("passport-held", 0.2),),
        {"passport-held": 0.1, "smalltalk:human": 0.9},
        distress=True,
    )
    # a flat confidence model: every question gets 0.5
    flat = {"weights": (0.0,) * len(FEATURES), "intercept": 0.0, "smalltalk": 0.5}
    answers = decide(evidence, Calibration(answer=0.4, suggest=0.3, **flat))
    suggests = decide(evidence, Calibration(answer=0.6, suggest=0.4, **flat))
    falls_back = decide(evidence, Calibration(answer=0.7, suggest=0.6, **flat))
    assert (answers.kind, answers.urgent) == (Kind.ANSWER, True)
    assert (suggests.kind, suggests.urgent) == (Kind.SUGGEST, True)
    assert (falls_back.kind, falls_back.intent, falls_back.urgent) == (
        Kind.SMALLTALK,
        "human",
        True,
    )
    calm = decide(Evidence(evidence.lexical, evidence.learned), Calibration(answer=0.4, **flat))
    assert (calm.kind, calm.intent, calm.urgent) == (Kind.SMALLTALK, "human", False)
    nothing = decide(Evidence((), {}, distress=True), Calibration(**flat))
    assert (nothing.kind, nothing.confidence, nothing.urgent) == (Kind.FALLBACK, None, True)


def test_one_word_is_too_little_for_the_reading(ensemble) -> None:
    """A bare "ga" got the emergency note from the reading; the list still reads one word."""
    assert not ensemble.decide("ga").urgent
    assert ensemble.decide("disekap").urgent


@pytest.mark.parametrize(
    "text",
    [
        # farewell notes before ending one's life: were a goodbye or thanks (session 16 probe)
        "dadah semua, maafin aku, aku mau pergi selamanya",
        "good night everyone, i won't wake up tomorrow",
        "makasih min, terakhir kali aku chat, selamat tinggal",
        "bye, ini chat terakhir dari aku",
        "maafin aku mak, titip anakku ya, aku pamit",
        "i'm on the bridge, goodbye everyone",
    ],
)
def test_a_farewell_note_is_urgent_and_no_goodbye(ensemble, text: str) -> None:
    decision = ensemble.decide(text)
    assert decision.urgent and decision.kind is not Kind.SMALLTALK


@pytest.mark.parametrize(
    "text",
    [
        # a send-off before a normal departure shares "pamit", "maaf", "titip anak"
        "pamit ya semua, besok berangkat ke taiwan, maaf kalau ada salah, titip anak ya bu",
        # what session 16's first patterns for its fifth blind set took for harm (the probe)
        "foto aku berdiri di atap gedung 101 taipei bagus ga min",
        "lagi duduk di pinggir jembatan liat sunset, indah bgt kota ini",
        "kak kalo umur palsu ketahuan imigrasi taiwan kena apa?",
        "batuk darah itu gejala tbc ya?",
        "terdampar di bandara transit karena pesawat delay, dapat kompensasi ga?",
        "sleeping outside in a tent for camping this weekend",
        "nobody is taking care of my plants while i'm in taiwan",
        "aku udah lama tidak lihat matahari, musim dingin di korea gelap terus",
        "sekarang cuma makan nasi sisa semalam soalnya belum gajian, irit",
        "diusir dari rumah majikan krn finish kontrak, itu normal kan? tiket udah dikasih",
    ],
)
def test_departures_and_questions_near_harm_are_not_urgent(ensemble, text: str) -> None:
    assert not ensemble.decide(text).urgent


@pytest.mark.parametrize(
    "text",
    [
        # a calm phrase must not silence the cry beside it (session 16 probe)
        "diculik temen buat jalan jalan ke malaysia, skrg gak bisa pulang",
        "cara agar tidak dijual malam ini? agen udah nawarin aku ke om om",
    ],
)
def test_a_calm_phrase_leaves_the_cry_beside_it(shipped: Distress, text: str) -> None:
    assert shipped.found_in(text)


def test_running_from_routine_is_no_harm(ensemble) -> None:
    """ "kabur dari rutinitas" (getting away from the daily grind) is an idiom, not an escape
    from an employer (session 19's seventh blind set)."""
    assert not ensemble.decide("pengen kabur dari rutinitas, mau kerja di jepang").urgent


def test_patterns_are_filed_by_the_words_or_prefixes_they_start_with() -> None:
    """Session 22: a pattern starting with a group of prefixes ("(anak*|adik*) …") was
    searched on every message; now only on messages holding a word with such a prefix."""
    from bot.core.faq.distress import ByFirstWord, first_words

    assert first_words("(anak*|adik*) (yang )?masih sd") == {"anak*", "adik*"}
    assert first_words("(tidak|ga) boleh pulang") == {"tidak", "ga"}
    assert first_words("^(help|sos)$") is None
    assert first_words("(di)?lock screen") is None
    filed = ByFirstWord(["(anak*|adik*) dijual", "dilarang pulang"])
    assert filed.always == []
    assert len(filed.candidates(["anakku", "dijual"])) == 1
    assert len(filed.candidates(["ana", "dijual"])) == 0
    assert len(filed.every()) == 2
