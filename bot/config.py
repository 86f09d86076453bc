"""Settings from the environment (and a `.env` file), validated once at start-up.

A bad value must stop the bot with one clear line naming the variable, not a traceback
deep inside the first request that needs it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """A setting is missing or invalid; `variable` names it."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    bot_token: str | None = None
    telegram_base_url: str = DEFAULT_BASE_URL
    database_url: str = "sqlite:///data/bot.sqlite3"
    content_dir: Path = Path("content")
    default_language: str = "id"
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    desk_chat_id: int | None = None
    log_level: str = "INFO"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    port: int = 8443
    flood_limit_per_minute: int = 20

    @property
    def database_path(self) -> Path:
        """The SQLite file behind `DATABASE_URL` (`sqlite:///relative` or `sqlite:////abs`)."""
        return Path(self.database_url.removeprefix("sqlite:///"))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate every setting; raises ConfigError on the first bad one."""
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        return cls(
            bot_token=_token(get("BOT_TOKEN")),
            telegram_base_url=_url("TELEGRAM_BASE_URL", get("TELEGRAM_BASE_URL"))
            or DEFAULT_BASE_URL,
            database_url=_database_url(get("DATABASE_URL") or cls.database_url),
            content_dir=_content_dir(get("CONTENT_DIR") or "content"),
            default_language=_language(get("DEFAULT_LANGUAGE") or "id"),
            admin_ids=frozenset(_int_list("ADMIN_IDS", get("ADMIN_IDS"))),
            desk_chat_id=_int("DESK_CHAT_ID", get("DESK_CHAT_ID")),
            log_level=_log_level(get("LOG_LEVEL") or "INFO"),
            webhook_url=_url("WEBHOOK_URL", get("WEBHOOK_URL")),
            webhook_secret=_secret(get("WEBHOOK_SECRET")),
            port=_port(get("PORT")),
            flood_limit_per_minute=_positive(
                "FLOOD_LIMIT_PER_MINUTE", get("FLOOD_LIMIT_PER_MINUTE"), 20
            ),
        )


def load_dotenv_file(path: str | Path = ".env") -> None:
    """Read `.env` into the environment without overriding variables already set."""
    from dotenv import load_dotenv

    load_dotenv(path, override=False)


def _token(value: str | None) -> str | None:
    if value is None:
        return None
    bot_id, _, secret = value.partition(":")
    if not bot_id.isdigit() or len(secret) < 10:
        raise ConfigError("BOT_TOKEN", "does not look like a token from @BotFather (123456:ABC…)")
    return value


def _url(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(name, f"must be an http(s) URL, got {value!r}")
    return value


def _database_url(value: str) -> str:
    if not value.startswith("sqlite:///") or value == "sqlite:///":
        raise ConfigError("DATABASE_URL", "only sqlite:///path/to/file.sqlite3 is supported")
    return value


def _content_dir(value: str) -> Path:
    path = Path(value)
    if not path.is_dir():
        raise ConfigError("CONTENT_DIR", f"{value!r} is not a directory")
    return path


def _language(value: str) -> str:
    if not value.isalpha() or not 2 <= len(value) <= 3:
        raise ConfigError(
            "DEFAULT_LANGUAGE", f"must be a language code such as 'id', got {value!r}"
        )
    return value.lower()


def _int(name: str, value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise ConfigError(name, f"must be a whole number, got {value!r}") from None


def _int_list(name: str, value: str | None) -> list[int]:
    if value is None:
        return []
    return [_int(name, part.strip()) for part in value.split(",") if part.strip()]  # type: ignore[misc]


def _positive(name: str, value: str | None, default: int) -> int:
    number = _int(name, value)
    if number is None:
        return default
    if number <= 0:
        raise ConfigError(name, f"must be greater than 0, got {number}")
    return number


def _log_level(value: str) -> str:
    if value.upper() not in LOG_LEVELS:
        raise ConfigError("LOG_LEVEL", f"must be one of {', '.join(LOG_LEVELS)}, got {value!r}")
    return value.upper()


def _secret(value: str | None) -> str | None:
    if value is not None and not all(c.isalnum() or c in "_-" for c in value):
        raise ConfigError("WEBHOOK_SECRET", "may only contain letters, digits, _ and -")
    return value


def _port(value: str | None) -> int:
    port = _int("PORT", value)
    if port is None:
        return 8443
    if not 1 <= port <= 65535:
        raise ConfigError("PORT", f"must be between 1 and 65535, got {port}")
    return port
