"""`ask` and `eval` from the command line: the same decisions users get."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.__main__ import main
from tests.conftest import database_url

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _content(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTENT_DIR", str(ROOT / "content"))
    monkeypatch.delenv("BOT_TOKEN", raising=False)


def test_ask_json_for_one_question(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "--lang", "en", "paspor sy ditahan sponsor"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert set(row) == {"question", "faq_id", "score", "confidence", "suggestions", "lang", "kind"}
    assert row["kind"] == "answer"
    assert row["faq_id"] == "passport-held"
    assert row["lang"] == "en"
    assert row["suggestions"] == []


def test_ask_reads_stdin_lines(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    lines = "gmn cara krja ke taiwan yg resmi\nresep rendang padang\n\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    assert main(["ask", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["faq_id"] for r in rows] == ["country-taiwan", None]
    assert rows[0]["lang"] == "id"


def test_ask_human_output_shows_the_answer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "agen minta duit 30jt wajar gk"]) == 0
    out = capsys.readouterr().out
    assert "answer" in out and "costs" in out
    assert "<b>" not in out  # rendered, not raw HTML


def test_ask_rejects_unknown_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--lang", "fr", "visa"]) == 2


def test_eval_reports_rates_and_misses(tmp_path: Path, capsys) -> None:
    labelled = tmp_path / "mini.tsv"
    labelled.write_text(
        "expected\tlang\tstyle\tquestion\n"
        "country-taiwan\tid\tinformal\tgmn cara krja ke taiwan yg resmi\n"
        "costs\ten\tformal\thow do I renew my passport at the embassy\n"
        "-\tid\toos\tresep rendang padang\n",
        encoding="utf-8",
    )
    assert main(["eval", str(labelled)]) == 0
    out = capsys.readouterr().out
    assert "questions: 3 (2 in scope, 1 out of scope, 0 small talk)" in out
    assert "out-of-scope declined: 100.0%" in out
    assert "[costs] how do I renew my passport" in out  # listed as a miss


def test_eval_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "/no/such/file.tsv"]) == 2


def test_content_inbox_shows_unanswered_and_feedback(
    database: Path | str, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from bot.storage import Database
    from bot.storage.repositories import Feedback, Unanswered

    db = Database.open(database)
    for question in ("kerja jadi abk kapal ikan", "abk kapal ikan gmn caranya", "resep rendang"):
        Unanswered(db).record(question, "id", "fallback", None, 0.0)
    Unanswered(db).record("how to work on a fishing boat", "en", "fallback", None, 0.0)
    Feedback(db).record(1, "costs", False, "agen minta 30jt")
    db.close()
    monkeypatch.setenv("DATABASE_URL", database_url(database))
    assert main(["content", "inbox"]) == 0
    out = capsys.readouterr().out
    assert "costs" in out and "0 / 1" in out
    assert "4 (newest 2000 considered)" in out
    # The three fishing-crew questions, grouped: the English one joins by its topic vector.
    assert "#1      3× (id 2, en 1)" in out
    assert main(["content", "inbox", "--draft", "1", "--entry", "fishing-crew"]) == 0
    draft = capsys.readouterr().out
    assert draft.startswith("# draft phrasings for fishing-crew")
    assert "- abk kapal ikan gmn caranya" in draft and "rendang" not in draft
    assert "- how to work on a fishing boat" in draft
    assert main(["content", "inbox", "--draft", "9"]) == 2
