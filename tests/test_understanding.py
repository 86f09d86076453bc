"""The parts around the ensemble: learned fast path, small talk content, follow-ups, answer
language, the `ask --json` kinds, `eval` counting, and the blind split."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.__main__ import main
from bot.core.content import load_valid_content
from bot.core.faq.evaluate import (
    ALSO_RIGHT_FILE,
    Labelled,
    evaluate,
    format_report,
    read_labelled,
)
from bot.core.faq.followup import FollowUps
from bot.core.faq.smalltalk import check_smalltalk
from bot.services import build_ensemble

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ensemble():
    return build_ensemble(load_valid_content(ROOT / "content"))


@pytest.fixture(autouse=True)
def _content(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTENT_DIR", str(ROOT / "content"))
    monkeypatch.delenv("BOT_TOKEN", raising=False)


def test_fast_path_gives_sklearns_probabilities(ensemble) -> None:
    texts = ["agen minta uang 20jt", "how do i check an agency", "halo", "zzzz qqq", ""]
    slow = ensemble.learned.probabilities(texts)
    fast = np.array([list(ensemble.learned.scores(t).values()) for t in texts])
    assert np.allclose(slow, fast, atol=1e-5)


def test_fast_path_remembers_word_indices_within_a_bound(
    ensemble, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Session 20: the fast path remembers each word's n-gram indices (a fifth of a long
    message's decision was looking them up); the memo is emptied at its limit, and the
    probabilities stay sklearn's whether a word comes from the memo or not."""
    index = ensemble.learned._fast.char_index
    monkeypatch.setattr(index, "limit", 4)
    monkeypatch.setattr(index, "memo", {})
    texts = ["agen minta uang 20jt", "gaji di taiwan berapa ya kak", "agen minta uang 20jt lagi"]
    for _ in range(2):
        read = np.array([list(ensemble.learned.scores(t).values()) for t in texts])
        assert np.allclose(ensemble.learned.probabilities(texts), read, atol=1e-5)
        assert len(index.memo) <= 4


def test_messages_do_not_grow_the_training_memo(ensemble) -> None:
    """Every new word a user typed stayed in CharWbGrams' memo for good (it is meant for
    the training examples' words): a bot that runs for months would only grow."""
    grams = ensemble.learned._chars.analyzer
    before = len(grams._words)
    ensemble.learned.scores("qwzx1 qwzx2 qwzx3 qwzx4 kerja di taiwan")
    assert len(grams._words) == before


@pytest.mark.parametrize(
    "text",
    ["", "a", "ab", "abc", "kerja  ke\ttaiwan", "HALO Kak", "é ünï", "p2mi bp2mi", "a bb ccc dddd"],
)
def test_memoised_char_ngrams_are_sklearns(text: str) -> None:
    """The start-up saving of CharWbGrams must not change a single feature of the model."""
    from collections import Counter

    from sklearn.feature_extraction.text import TfidfVectorizer

    from bot.core.faq.learned import CharWbGrams

    sklearn_grams = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4)).build_analyzer()
    ours = CharWbGrams((1, 4))
    assert Counter(ours(text)) == Counter(sklearn_grams(text))
    assert Counter(ours(text)) == Counter(sklearn_grams(text))  # from the memo, too


def test_tokens_of_clean_text_are_the_tokens(ensemble) -> None:
    normaliser = ensemble.learned.normaliser
    for text in ["Pekerja Migran ke Hong Kong", "gajiii 30jt kata2 bp2mi", "how do I go"]:
        assert normaliser.tokens_of_clean(normaliser.clean(text)) == normaliser.tokens(text)


def test_smalltalk_replies_may_only_carry_known_numbers(tmp_path: Path) -> None:
    shutil.copy(ROOT / "content" / "smalltalk.yaml", tmp_path / "smalltalk.yaml")
    known = {"0-800-1000", "+62 811-8080-141"}
    assert check_smalltalk(tmp_path, ["id", "en"], known) == []
    text = (tmp_path / "smalltalk.yaml").read_text(encoding="utf-8")
    (tmp_path / "smalltalk.yaml").write_text(
        text.replace("WhatsApp +62 811-8080-141", "WhatsApp 0812-3456-7890", 1), encoding="utf-8"
    )
    problems = check_smalltalk(tmp_path, ["id", "en"], known)
    assert [p.message for p in problems] == ["number 0812-3456-7890 is not in contacts.yaml"]


def test_smalltalk_needs_every_language(tmp_path: Path) -> None:
    (tmp_path / "smalltalk.yaml").write_text(
        "intents:\n  greeting:\n    examples: {id: [halo]}\n    reply: {id: Halo}\n"
        "  chitchat:\n    examples: {id: [x], en: [x]}\n    reply: {id: x, en: x}\n",
        encoding="utf-8",
    )
    fields = {(p.entry, p.field) for p in check_smalltalk(tmp_path, ["id", "en"], set())}
    assert ("greeting", "examples.en") in fields and ("greeting", "reply.en") in fields
    assert ("chitchat", None) in fields  # unknown intent


@pytest.mark.parametrize(
    ("previous", "text", "expected"),
    [
        ("berapa gaji di taiwan", "kalau ke jepang?", "berapa gaji di jepang"),
        ("berapa biaya jadi pmi", "klo pabrik?", "berapa biaya jadi pmi pabrik"),
        ("how much is the salary in korea", "how about taiwan", "how much is the salary in taiwan"),
        ("berapa gaji di taiwan", "kalau ke jepang bayar berapa", None),  # a question of its own
        ("berapa gaji di taiwan", "kalau gitu makasih", None),  # names no place or job
    ],
)
def test_follow_up_rewrite(previous: str, text: str, expected: str | None) -> None:
    assert FollowUps.load(ROOT / "content").rewrite(previous, text) == expected


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("how much does it cost to work in taiwan", "en"),
        ("my agent is keeping my passport, what should i do", "en"),
        ("berapa biaya kerja ke taiwan sekarang", "id"),
        ("halo", None),  # too short
        ("my paspor ditahan agent, what should i do", None),  # mixed
    ],
)
def test_answer_language(ensemble, text: str, lang: str | None) -> None:
    assert ensemble.language.written_in(text) == lang


def test_ask_json_kinds(capsys: pytest.CaptureFixture[str]) -> None:
    questions = ["paspor sy ditahan sponsor", "assalamualaikum", "😭", "12 x 8", "🙏"]
    for question in questions:
        assert main(["ask", "--json", question]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["kind"] for r in rows] == ["answer", "smalltalk", "blank", "fallback", "smalltalk"]
    assert rows[1]["smalltalk"] == "greeting" and rows[1]["faq_id"] is None
    assert rows[4]["smalltalk"] == "thanks"
    assert all("smalltalk" not in r for r in rows if r["kind"] != "smalltalk")
    assert all({"question", "faq_id", "score", "suggestions", "lang"} <= set(r) for r in rows)


@pytest.mark.parametrize(
    ("question", "urgent"),
    [
        ("aku disekap majikan gimana cara kirim uang ke rumah", True),  # answered: remittance
        ("aku mau kabur dari majikan gimana caranya", True),
        ("halo min aku disekap", True),
        ("my sister is trapped in a house in dubai", True),
        ("cara kirim uang ke rumah", False),
        ("paspor sy ditahan sponsor", False),
    ],
)
def test_a_decision_says_when_the_message_speaks_of_harm(
    ensemble, question: str, urgent: bool
) -> None:
    """Whatever it is answered with, a message with a word of harm is marked urgent, so the
    reply carries the emergency contacts (it was answered with the remittance entry alone)."""
    assert ensemble.decide(question).urgent is urgent


def test_ask_json_says_urgent_only_when_it_is(capsys: pytest.CaptureFixture[str]) -> None:
    for question in ("aku disekap majikan gimana cara kirim uang ke rumah", "cara kirim uang"):
        assert main(["ask", "--json", question]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0]["urgent"] is True and "urgent" not in rows[1]


def test_eval_counts_skipped_small_talk_and_confusions(ensemble) -> None:
    lines = [
        Labelled("passport-held", "id", "informal", "paspor sy ditahan sponsor"),
        Labelled("no-such-topic-yet", "id", "informal", "kerja di kapal pesiar gimana"),
        Labelled("smalltalk:thanks", "id", "smalltalk", "makasih ya min"),
        Labelled(None, "en", "oos", "12 x 8"),
        Labelled("costs", "id", "informal", "paspor sy ditahan sponsor"),  # a wrong label
    ]
    report = evaluate(ensemble, lines, known=load_valid_content(ROOT / "content").entries)
    assert report.skipped == 1
    assert (report.total_in_scope, report.total_out_of_scope, report.total_smalltalk) == (2, 1, 1)
    assert report.smalltalk_handled == 1 and report.smalltalk_intent == 1
    assert report.declined_out_of_scope == 1
    assert report.confusions == {("costs", "passport-held"): 1}
    text = format_report(report)
    assert "skipped 1 (topic not in content)" in text
    assert "1 × costs -> passport-held" in text


def test_an_entry_judged_right_too_counts_as_right_and_strict_counts_stay(
    ensemble, tmp_path: Path
) -> None:
    """also_right.tsv beside a labelled file: a "yes" verdict makes another entry a right
    answer, a "no" verdict or no verdict leaves it wrong; the label-only rates stay visible."""
    question = "paspor sy ditahan sponsor"  # the ensemble answers passport-held
    (tmp_path / "set.tsv").write_text(
        "expected\tlang\tstyle\tquestion\n"
        f"costs\tid\tinformal\t{question}\n"
        "rights-at-work\tid\tinformal\tmajikan menahan paspor saya\n",
        encoding="utf-8",
    )
    (tmp_path / ALSO_RIGHT_FILE).write_text(
        "question\tentry\tverdict\n"
        f"{question}\tpassport-held\tyes\n"
        "majikan menahan paspor saya\tpassport-held\tno\n",
        encoding="utf-8",
    )
    lines = read_labelled(tmp_path / "set.tsv")
    assert lines[0].also == frozenset({"passport-held"}) and lines[1].also == frozenset()
    assert lines[0].accepts("passport-held") and lines[0].accepts("costs")
    assert not lines[1].accepts("passport-held") and not lines[0].accepts(None)
    report = evaluate(ensemble, lines)
    assert ensemble.decide("majikan menahan paspor saya").entry_id == "passport-held"
    assert (report.answered_right, report.answered_also, report.answered_wrong) == (1, 1, 1)
    rates = report.rates()
    assert rates["answered_right"] == 50.0 and rates["answered_right_strict"] == 0.0
    assert rates["answered_wrong"] == 50.0 and rates["answered_wrong_strict"] == 100.0
    assert report.confusions == {("rights-at-work", "passport-held"): 1}
    assert report.answered_unjudged == 0  # the wrong answer was judged "no"
    assert "1 by an entry judged right too, label only 0.0%" in format_report(report)


def test_blind_split_is_reproducible(tmp_path: Path) -> None:
    import runpy

    split = runpy.run_path(str(ROOT / "bench" / "blind_split.py"))
    parts = [ROOT / "tests/data/blind_part1.tsv", ROOT / "tests/data/blind_part2.tsv"]
    dev, test = [], []
    seen: set[str] = set()
    for part in parts:
        rows = [r for r in split["read_rows"](part) if not (r[3] in seen or seen.add(r[3]))]
        d, t = split["split"](rows)
        dev += d
        test += t
    assert [r[3] for r in dev] == [
        q.question for q in read_labelled(ROOT / "tests/data/blind_dev.tsv")
    ]
    assert [r[3] for r in test] == [
        q.question for q in read_labelled(ROOT / "tests/data/blind_test.tsv")
    ]


# --- real messages as training lines (content/faq_training.yaml) ----------------------------

# Labelled sets in tests/data that are development data: their lines may teach the learned
# model. Any other labelled set (a fresh blind set) must share no line with the training file,
# or its numbers would measure memory instead of understanding.
DEVELOPMENT_SETS = {
    *("devset.tsv", "testset.tsv", "blind_part1.tsv", "blind_part2.tsv", "blind_dev.tsv"),
    *("blind_test.tsv", "blind3.tsv", "blind3_dev.tsv", "blind3_test.tsv"),
    *("inbox_blind.tsv", "inbox_blind2.tsv"),
    "blind5_dev.tsv",  # since session 8; blind5.tsv's other half and blind5_test.tsv stay fresh
    "blind6_dev.tsv",  # since session 9; blind6.tsv's other half and blind6_test.tsv stay fresh
    "blind7_dev.tsv",  # since session 10; blind7.tsv's other half and blind7_test.tsv stay fresh
    "blind8_dev.tsv",  # since session 11; blind8.tsv's other half and blind8_test.tsv stay fresh
    "blind9_dev.tsv",  # since session 12; blind9.tsv's other half and blind9_test.tsv stay fresh
    "blind10_dev.tsv",  # since session 13; blind10.tsv's other half and blind10_test.tsv stay fresh
    "blind11_dev.tsv",  # since session 14; blind11.tsv's other half and blind11_test.tsv stay fresh
    "blind12_dev.tsv",  # since session 15; blind12.tsv's other half and blind12_test.tsv stay fresh
    # since session 15; smalltalk_blind.tsv's other half and smalltalk_blind_test.tsv stay fresh
    "smalltalk_blind_dev.tsv",
    "blind13_dev.tsv",  # since session 16; blind13.tsv's other half and blind13_test.tsv stay fresh
    # since session 16; smalltalk_blind2.tsv's other half and its test half stay fresh
    "smalltalk_blind2_dev.tsv",
    # since session 17; smalltalk_blind3.tsv's other half and its test half stay fresh
    "smalltalk_blind3_dev.tsv",
    # since session 18; smalltalk_blind4.tsv's other half and its test half stay fresh
    "smalltalk_blind4_dev.tsv",
    # since session 19; smalltalk_blind5.tsv's other half and its test half stay fresh
    "smalltalk_blind5_dev.tsv",
    # since session 20 (calibration and measuring only: its lines do not train, see
    # bench/blind_sets.py); smalltalk_blind6.tsv's other half and its test half stay fresh
    "smalltalk_blind6_dev.tsv",
    # since session 21 (calibration and measuring only, as smalltalk_blind6);
    # smalltalk_blind7.tsv's other half and its test half stay fresh
    "smalltalk_blind7_dev.tsv",
    # since session 21 too (read after the seventh's rules had landed); smalltalk_blind8.tsv's
    # other half and its test half stay fresh
    "smalltalk_blind8_dev.tsv",
    # since session 22 (calibration and measuring only: see bench/blind_sets.py); blind14.tsv's
    # other half and blind14_test.tsv stay fresh
    "blind14_dev.tsv",
    # since session 22 (calibration and measuring only, as smalltalk_blind6);
    # smalltalk_blind9.tsv's other half and its test half stay fresh
    "smalltalk_blind9_dev.tsv",
}


def test_training_lines_are_checked(tmp_path: Path) -> None:
    from bot.core.faq.training import check_training, load_training

    (tmp_path / "faq_training.yaml").write_text(
        "examples:\n  costs: [agen minta 30jt wajar ga]\n  smalltalk:greeting: [halo min]\n"
        "  no-such-entry: [x]\n  smalltalk:chitchat: [y]\n  passport-held: [' ']\n"
        "  offtopic: [cara bikin skck]\n",
        encoding="utf-8",
    )
    problems = {(p.entry, p.message) for p in check_training(tmp_path, {"costs", "passport-held"})}
    assert {entry for entry, _ in problems} == {
        "no-such-entry",
        "smalltalk:chitchat",
        "passport-held",
    }
    assert ("agen minta 30jt wajar ga", "costs") in load_training(tmp_path)
    assert load_training(tmp_path / "absent") == []


def test_training_lines_teach_the_learned_model() -> None:
    from bot.core.faq.smalltalk import SmallTalk
    from bot.core.faq.training import TRAINING_WEIGHT, check_training, load_training
    from bot.services import training_examples

    content = load_valid_content(ROOT / "content")
    lines = load_training(content.directory)
    assert len(lines) >= 1000
    assert check_training(content.directory, set(content.entries)) == []
    examples, weights = training_examples(content, SmallTalk.load(content.directory))
    weight = dict(zip(examples, weights, strict=True))
    assert {weight[line] for line in lines} == {TRAINING_WEIGHT}


# People who never met type the same "halo min" or "asdfghjkl": blind4 shares 14 of its 500
# lines with the training file that way (stock greetings, one textbook question). Copying a
# set into training shares most of its lines, so more than this share means a leak.
MAX_SHARED_WITH_TRAINING = 0.05


def _questions(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row.get("question") or "").strip() for row in rows]


def test_no_fresh_labelled_set_is_in_training() -> None:
    from bot.core.faq.training import load_training

    trained = {text for text, _ in load_training(ROOT / "content")}
    sets = sorted((ROOT / "tests" / "data").glob("*.tsv"))
    # A whole set (blind5.tsv) may hold a development half: only its other lines must stay out.
    development = {q for path in sets if path.name in DEVELOPMENT_SETS for q in _questions(path)}
    for path in sets:
        if path.name not in DEVELOPMENT_SETS:
            questions = [q for q in _questions(path) if q not in development]
            leaked = sorted(set(questions) & trained)
            assert len(leaked) <= MAX_SHARED_WITH_TRAINING * len(questions), (
                f"{path.name} is not development data: {len(leaked)} lines are in training, "
                f"e.g. {leaked[:3]}"
            )


def test_the_learned_model_is_the_same_fitted_on_one_thread_or_two(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """FIT_THREADS only shares the one-vs-rest fits out: the coefficients must not move, or
    the calibration (fitted to this model) would no longer fit it."""
    from bot.core.faq import learned
    from bot.services import build_matcher

    examples = [
        (text, label)
        for label, texts in {
            "costs": ["berapa biaya ke taiwan", "agen minta 30jt wajar", "biaya resmi brp"],
            "passport-held": ["paspor ditahan agen", "majikan pegang paspor saya"],
            "remittance": ["kirim uang ke kampung", "transfer gaji ke rumah"],
        }.items()
        for text in texts
    ]
    normaliser = build_matcher(load_valid_content(ROOT / "content")).normaliser
    fitted = []
    for threads in (1, 2):
        monkeypatch.setattr(learned, "FIT_THREADS", threads)
        fitted.append(learned.Learned(examples, normaliser)._model.coef_)
    assert np.array_equal(fitted[0], fitted[1])


def test_adjudication_verdicts_are_merged_once_and_checked(tmp_path: Path) -> None:
    """bench/adjudication.py merge: a judge's verdicts are appended to also_right.tsv once
    each (a pair judged before keeps its first verdict), and anything but yes/no is refused."""
    import runpy

    tool = runpy.run_path(str(ROOT / "bench" / "adjudication.py"))
    judged = tmp_path / ALSO_RIGHT_FILE
    judged.write_text("question\tentry\tverdict\nq1\tcosts\tno\n", encoding="utf-8")
    tool["merge"].__globals__["ALSO_RIGHT"] = judged
    verdicts = tmp_path / "verdicts.tsv"
    verdicts.write_text(
        "question\tentry\tverdict\nq1\tcosts\tyes\nq2\tremittance\tyes\nq3\tcosts\tno\n",
        encoding="utf-8",
    )
    tool["merge"](verdicts)
    from bot.core.faq.evaluate import read_judged

    assert read_judged(judged) == {
        ("q1", "costs"): False,
        ("q2", "remittance"): True,
        ("q3", "costs"): False,
    }
    verdicts.write_text("question\tentry\tverdict\nq4\tcosts\tmaybe\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="yes or no"):
        tool["merge"](verdicts)
    assert len(read_judged(judged)) == 3  # nothing of a refused file is written
    phrasings = tmp_path / "also_right_phrasings.tsv"  # merge --phrasings: a new file
    verdicts.write_text("question\tentry\tverdict\nq5\tcosts\tyes\n", encoding="utf-8")
    tool["merge"](verdicts, phrasings)
    assert read_judged(phrasings) == {("q5", "costs"): True}
    assert len(read_judged(judged)) == 3
