"""Settings: defaults, parsing, and one clear error per bad variable (exit 2, no traceback)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import DEFAULT_BASE_URL, ConfigError, Settings

ROOT = Path(__file__).parents[1]


def test_defaults() -> None:
    s = Settings.from_env({})
    assert s.bot_token is None
    assert s.telegram_base_url == DEFAULT_BASE_URL
    assert s.database_path == Path("data/bot.sqlite3")
    assert s.default_language == "id"
    assert s.admin_ids == frozenset()
    assert s.webhook_url is None


def test_values_are_parsed() -> None:
    s = Settings.from_env(
        {
            "BOT_TOKEN": "123456:ABCDEFGHIJKLMNOP",
            "ADMIN_IDS": "1, 2,3",
            "DESK_CHAT_ID": "-100123",
            "DATABASE_URL": "sqlite:////tmp/x.sqlite3",
            "LOG_LEVEL": "debug",
            "PORT": "8080",
        }
    )
    assert s.admin_ids == {1, 2, 3}
    assert s.desk_chat_id == -100123
    assert s.database_path == Path("/tmp/x.sqlite3")
    assert s.log_level == "DEBUG"
    assert s.port == 8080


def test_a_postgresql_url_is_taken_as_it_is() -> None:
    url = "postgresql://bot:secret@db.example.org:5432/bot?sslmode=require"
    s = Settings.from_env({"DATABASE_URL": url})
    assert s.uses_postgres and s.database_target == url
    assert not Settings.from_env({}).uses_postgres
    assert Settings.from_env({}).database_target == Path("data/bot.sqlite3")


def test_an_unreachable_postgresql_is_one_line_without_the_password() -> None:
    url = "postgresql://bot:s3cretpw@127.0.0.1:1/bot?connect_timeout=2"
    result = _run("content", "inbox", DATABASE_URL=url)
    assert result.returncode == 2
    assert "Cannot open the database (DATABASE_URL)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "s3cretpw" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BOT_TOKEN", "not-a-token"),
        ("ADMIN_IDS", "1,two"),
        ("DESK_CHAT_ID", "desk"),
        ("DATABASE_URL", "mysql://x"),
        ("CONTENT_DIR", "/no/such/dir"),
        ("LOG_LEVEL", "LOUD"),
        ("PORT", "70000"),
        ("WEBHOOK_URL", "ftp://x"),
        ("TELEGRAM_BASE_URL", "api.telegram.org"),
        ("DEFAULT_LANGUAGE", "indonesian"),
    ],
)
def test_bad_value_names_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({name: value})
    assert caught.value.variable == name
    assert str(caught.value).startswith(name)


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", **env}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_cli_bad_variable_exits_2_with_one_line() -> None:
    result = _run(PORT="abc")
    assert result.returncode == 2
    assert result.stderr.strip() == "Configuration error: PORT: must be a whole number, got 'abc'"
    assert "Traceback" not in result.stderr


def test_cli_without_token_explains_and_exits_2() -> None:
    result = _run()
    assert result.returncode == 2
    assert "@BotFather" in result.stderr
    assert "python3 -m bot demo" in result.stderr  # as the README says
