"""Every `python -m bot` command meets bad input with one clear line and a non-zero exit,
never a traceback (run as a person would: in a subprocess)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/tmp", **env}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )


def one_clear_line(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode != 0, result.stdout[-500:]
    assert "Traceback" not in result.stderr, result.stderr
    for text in expected:
        assert text in result.stderr, result.stderr


@pytest.fixture
def latin1_content(tmp_path: Path) -> Path:
    """A copy of the content with one FAQ file saved in Latin-1 by an editor."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    entry = content / "faq" / "costs.yaml"
    text = entry.read_text(encoding="utf-8") + "\n# biaya café\n"
    entry.write_bytes(text.encode("latin-1", errors="replace"))
    return content


# -- configuration ---------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["1_000, ２３ ,+7", "1_000", "２３", "+7", "-100123", "12 34"])
def test_admin_ids_take_plain_ascii_digits_only(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"ADMIN_IDS": value})
    assert caught.value.variable == "ADMIN_IDS"


def test_admin_ids_in_plain_digits_are_read() -> None:
    assert Settings.from_env({"ADMIN_IDS": " 1000, 23 ,7,"}).admin_ids == {1000, 23, 7}


def test_a_group_id_keeps_its_minus_where_a_group_is_expected() -> None:
    assert Settings.from_env({"DESK_CHAT_ID": "-100123"}).desk_chat_id == -100123
    with pytest.raises(ConfigError):
        Settings.from_env({"DESK_CHAT_ID": "−100123"})  # a Unicode minus sign
    with pytest.raises(ConfigError):
        Settings.from_env({"PORT": "8_443"})


def test_cli_rejects_odd_admin_ids_with_one_line() -> None:
    result = run("content", "check", ADMIN_IDS="1_000, ２３ ,+7")
    one_clear_line(result, "ADMIN_IDS")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


# SQLite only: unusable SQLite paths and files; an unreachable PostgreSQL at start is in
# test_postgres.py.
@pytest.mark.parametrize(
    "url", ["sqlite:////proc/no/such/dir/bot.sqlite3", "sqlite:////dev/null/bot.sqlite3"]
)
def test_an_unusable_database_path_is_one_line(url: str, tmp_path: Path) -> None:
    # An empty matplotlib cache, as on a fresh machine: importing matplotlib then builds its
    # font cache and logs it, a second line before the one clear line (CI, session 10).
    # matplotlib is imported only when a chart is drawn (bot/core/desks/charts.py).
    result = run(
        "run", BOT_TOKEN="123456:ABCDEFGHIJKLMNOP", DATABASE_URL=url, MPLCONFIGDIR=str(tmp_path)
    )
    one_clear_line(result, "Cannot open the database", "DATABASE_URL")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_database_that_is_not_sqlite_is_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "bot.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    result = run("content", "inbox", DATABASE_URL=f"sqlite:///{junk}")
    one_clear_line(result, "Cannot open the database")
    result = run("agencies", "status", DATABASE_URL=f"sqlite:///{junk}")
    one_clear_line(result, "Cannot open the database")


# -- content in the wrong encoding -----------------------------------------------------------
@pytest.mark.parametrize(
    "command",
    [("content", "check"), ("content", "list"), ("ask", "visa"), ("check", "lowongan kerja")],
)
def test_latin1_content_names_the_file(latin1_content: Path, command: tuple[str, ...]) -> None:
    result = run(*command, CONTENT_DIR=str(latin1_content))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "UnicodeDecodeError" not in result.stderr + result.stdout
    assert "costs.yaml: not UTF-8" in result.stderr + result.stdout


# -- eval ------------------------------------------------------------------------------------
def test_eval_on_a_missing_file() -> None:
    result = run("eval", "no/such/file.tsv")
    one_clear_line(result, "No such file")
    assert result.returncode == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("caf\xe9 question\n".encode("latin-1"), "not UTF-8"),
        (b"just,a,csv\n1,2,3\n", "tab-separated"),
        (b"", "no questions"),
        (b"expected\tlang\tstyle\tquestion\n", "no questions"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8"),
    ],
)
def test_eval_on_a_wrong_file_is_exit_2(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "questions.tsv"
    path.write_bytes(data)
    result = run("eval", str(path))
    one_clear_line(result, message)
    assert result.returncode == 2


@pytest.mark.parametrize(
    "judged",
    [
        b"question\tentry\tverdict\nhalo\tcosts\tmaybe\n",  # a verdict that is not yes/no
        b"just,a,csv\n1,2,3\n",
        b"question\tentry\tverdict\ncaf\xe9\tcosts\tyes\n",  # not UTF-8
    ],
)
def test_eval_names_a_broken_judged_answers_file(tmp_path: Path, judged: bytes) -> None:
    """also_right.tsv beside a labelled file (adjudicated answers): when it is broken, the
    one line names it, not the labelled file the user typed."""
    path = tmp_path / "questions.tsv"
    path.write_text("expected\tlang\tstyle\tquestion\ncosts\tid\tinformal\tbiaya\n")
    (tmp_path / "also_right.tsv").write_bytes(judged)
    result = run("eval", str(path))
    one_clear_line(result, "also_right.tsv")
    assert "question, entry, verdict" in result.stderr
    assert result.returncode == 2


def test_eval_check_on_a_wrong_file_is_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "ads.jsonl"
    for data in (b"\xff\xfe garbage", b"", b"[1, 2]\n", b'{"text": 1}\n'):
        path.write_bytes(data)
        result = run("eval-check", str(path))
        one_clear_line(result)
        assert result.returncode == 2


def test_agencies_import_of_a_non_csv_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_bytes(b"\x00\x01\x02 not a register")
    result = run("agencies", "import", str(path), DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    one_clear_line(result)


# -- pipes -----------------------------------------------------------------------------------
def test_output_into_head_ends_quietly() -> None:
    """`python -m bot content list | head -1`: no BrokenPipeError when head stops reading."""
    command = f"{sys.executable} -m bot content list | head -1"
    result = subprocess.run(
        ["bash", "-c", command], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.count("\n") == 1
    assert "BrokenPipeError" not in result.stderr
    assert "Traceback" not in result.stderr
    assert "Exception ignored" not in result.stderr


def test_ask_on_stdin_into_head_ends_quietly() -> None:
    questions = "\n".join(["apa itu PMI prosedural"] * 200)
    command = f"{sys.executable} -m bot ask | head -2"
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        input=questions,
    )
    assert "BrokenPipeError" not in result.stderr
    assert "Traceback" not in result.stderr


def test_i18n_sync_of_an_unknown_catalog_is_an_error() -> None:
    result = run("i18n", "sync", "no-such-catalog")
    one_clear_line(result, "no-such-catalog")
    assert result.returncode == 2
