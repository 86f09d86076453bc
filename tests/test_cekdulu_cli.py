"""`python -m bot check`, `eval-check` and `agencies import|status`."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from bot.__main__ import main
from tests.conftest import database_url

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "agencies.csv"


# SQLite unless a test takes `database`: the others are about the commands' input and output.
@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("CONTENT_DIR", str(ROOT / "content"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    return tmp_path


def test_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--json", "Loker CS Kamboja gaji 1000 USD, WA 0812-0000-1234"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "danger"
    assert "destination:kh" in data["reasons"]
    assert data["identifiers"][0]["value"] == "+6281200001234"
    assert data["agency"] is None


def test_check_reads_all_of_stdin_as_one_text(monkeypatch, capsys) -> None:
    ad = "Lowongan PRT Dubai\nmajikan perorangan\nberangkat pakai visa kunjungan\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(ad))
    assert main(["check", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"tourist-visa", "middle-east-domestic"} <= set(data["reasons"])


def test_check_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--lang", "en", "No test, fly within 2 weeks"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("verdict: danger")
    assert "no-selection" in out and "The official route always has selection" in out


def test_agencies_import_then_check_uses_the_register(capsys, monkeypatch, database) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url(database))  # on both backends
    assert main(["agencies", "status"]) == 0
    assert "No register" in capsys.readouterr().out
    args = ["agencies", "import", str(FIXTURE), "--source", "fixture", "--as-of", "2025-06-01"]
    assert main(args) == 0
    assert "Imported 20 agencies from fixture, as of 2025-06-01" in capsys.readouterr().out
    assert main(["agencies", "status"]) == 0
    assert "20 agencies" in capsys.readouterr().out
    assert main(["check", "--json", "PT Contoh Maju Bersama"]) == 0
    agency = json.loads(capsys.readouterr().out)["agency"]
    assert agency["standing"] == "licensed" and agency["as_of"] == "2025-06-01"


def test_agencies_import_refuses_a_bad_file(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("company;licence\nPT A;1\n", encoding="utf-8")
    assert main(["agencies", "import", str(bad)]) == 2
    assert "no name column" in capsys.readouterr().err
    assert main(["agencies", "import", str(tmp_path / "missing.csv")]) == 2
    binary = tmp_path / "p3mi.xlsx.csv"  # neither UTF-8 nor cp1252 (0x81 is undefined there)
    binary.write_bytes(b"nama\nPT \x81\x8d\x90 Jaya\n")
    assert main(["agencies", "import", str(binary)]) == 2
    assert "UTF-8" in capsys.readouterr().err


def test_agencies_import_without_a_date_says_which_date_it_used(tmp_path: Path, capsys) -> None:
    assert main(["agencies", "import", str(FIXTURE)]) == 0
    assert "No --as-of given" in capsys.readouterr().err


def test_eval_check(tmp_path: Path, capsys) -> None:
    labelled = tmp_path / "mini.jsonl"
    rows = [
        {"id": "a", "label": "fraudulent", "text": "CS online di Kamboja, tanpa tes"},
        # Too short for the learned reading (calibration.MIN_WORDS), so still a miss: a
        # longer vague offer of work abroad is read and flagged (test_cekdulu_learned.py).
        {"id": "b", "label": "fraudulent", "text": "Kerja enak, hubungi kami"},
        {"id": "c", "label": "genuine", "text": "Kasir minimarket di Sleman, gaji UMK"},
    ]
    labelled.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    assert main(["eval-check", str(labelled)]) == 0
    out = capsys.readouterr().out
    assert "recall (danger or check): 50.0% (1/2)" in out
    assert "false alarms (danger or check): 0.0% (0/1)" in out
    assert "missed fraudulent texts" in out and "  b [none]" in out


def test_content_check_validates_the_rule_files(tmp_path: Path, monkeypatch, capsys) -> None:
    assert main(["content", "check"]) == 0
    assert "Cek Dulu 31 red flags" in capsys.readouterr().out
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    rules = content / "redflags.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("severity: check", "severity: x", 1))
    monkeypatch.setenv("CONTENT_DIR", str(content))
    assert main(["content", "check"]) == 1
    assert "severity" in capsys.readouterr().out


# -- robust input (issue 10) -------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", "   \n "])
def test_check_refuses_empty_text(text: str, capsys) -> None:
    assert main(["check", text]) == 2
    assert "Nothing to check" in capsys.readouterr().err


def test_check_refuses_empty_stdin(monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["check", "--json"]) == 2
    assert "Nothing to check" in capsys.readouterr().err


def test_check_file_reads_the_file_and_text_is_never_a_file(tmp_path: Path, capsys) -> None:
    ad = tmp_path / "ad.txt"
    ad.write_text("Berangkat pakai visa umroh dulu, gaji 20jt", encoding="utf-8")
    assert main(["check", "--json", "--file", str(ad)]) == 0
    assert "tourist-visa" in json.loads(capsys.readouterr().out)["reasons"]
    assert main(["check", "--json", str(ad)]) == 0  # the words, not the file
    captured = capsys.readouterr()
    assert "tourist-visa" not in json.loads(captured.out)["reasons"]
    assert "use --file" in captured.err
    assert main(["check", "--file", str(tmp_path / "missing.txt")]) == 2


def test_check_a_long_text_whole(capsys) -> None:
    text = "Lowongan pabrik, syarat sehat dan jujur. " * 110 + "Paspor nanti saya yang pegang."
    assert len(text) > 4100
    assert main(["check", "--json", text]) == 0
    assert "documents-held" in json.loads(capsys.readouterr().out)["reasons"]
