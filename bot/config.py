"""Settings from the environment (and a `.env` file), validated once at start-up.

A bad value must stop the bot with one clear line naming the variable, not a traceback
deep inside the first request that needs it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
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
    desk_name: str | None = None  # named in answers about reporting; None: a neutral wording
    log_level: str = "INFO"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    port: int = 8443
    health_port: int | None = None
    flood_limit_per_minute: int = 20
    report_daily_limit: int = 5
    urgent_ack_minutes: int = 15
    normal_ack_hours: int = 24
    report_retention_days: int = 30
    outbox_poll_seconds: float = 5.0
    outbox_retry_seconds: float = 2.0
    outbox_retry_max_seconds: float = 300.0
    broadcaster_ids: frozenset[int] = field(default_factory=frozenset)
    broadcast_channel_id: int | str | None = None
    broadcast_rate: int = 25
    broadcast_progress_seconds: float = 5.0
    broadcast_paid_rate: int | None = None  # None: paid broadcasts are off
    broadcast_paid_stars_per_message: float = 0.1
    check_alert_threshold: int = 10
    check_alert_window_minutes: int = 60
    digest_schedule: tuple[int, int, int] | None = (0, 8, 0)  # weekday, hour, minute (WIB)
    # Sealed reporters (docs/deploy.md#reporter-key): the key itself never appears in a repr
    reporter_key: str | None = field(default=None, repr=False)
    reporter_key_file: Path | None = None  # None: REPORTER_KEY, else the default file
    desk_member_ids: frozenset[int] = field(default_factory=frozenset)  # empty: everyone
    desks_file: Path | None = None  # None: desks.yaml in the content directory
    model_cache_dir: str = ""  # "": beside the SQLite file (data/cache); "off": always train

    @property
    def staff_broadcasters(self) -> frozenset[int]:
        """Who may broadcast: the admins and the extra broadcasters."""
        return self.admin_ids | self.broadcaster_ids

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))

    @property
    def database_target(self) -> Path | str:
        """What `Database.open` takes: the SQLite file, or the PostgreSQL URL as it is."""
        return self.database_url if self.uses_postgres else self.database_path

    @property
    def data_directory(self) -> Path | None:
        """Where the SQLite files live (a reporter key must be kept elsewhere); None when the
        database is a PostgreSQL server."""
        return None if self.uses_postgres else self.database_path.parent

    @property
    def database_path(self) -> Path:
        """The SQLite file behind `DATABASE_URL` (`sqlite:///relative` or `sqlite:////abs`)."""
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def model_cache_directory(self) -> Path | None:
        """Where the fitted FAQ model is kept between starts (bot/core/faq/modelcache.py):
        MODEL_CACHE_DIR, else `cache` beside the SQLite file, else data/cache; None when
        MODEL_CACHE_DIR is `off`."""
        if self.model_cache_dir.lower() == "off":
            return None
        if self.model_cache_dir:
            return Path(self.model_cache_dir)
        base = Path("data") if self.uses_postgres else self.database_path.parent
        return base / "cache"

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
            desk_name=get("DESK_NAME"),
            log_level=_log_level(get("LOG_LEVEL") or "INFO"),
            webhook_url=_url("WEBHOOK_URL", get("WEBHOOK_URL")),
            webhook_secret=_secret(get("WEBHOOK_SECRET")),
            port=_port(get("PORT")),
            health_port=_port(get("HEALTH_PORT"), "HEALTH_PORT") if get("HEALTH_PORT") else None,
            flood_limit_per_minute=_positive(
                "FLOOD_LIMIT_PER_MINUTE", get("FLOOD_LIMIT_PER_MINUTE"), 20
            ),
            report_daily_limit=_positive("REPORT_DAILY_LIMIT", get("REPORT_DAILY_LIMIT"), 5),
            urgent_ack_minutes=_positive("URGENT_ACK_MINUTES", get("URGENT_ACK_MINUTES"), 15),
            normal_ack_hours=_positive("NORMAL_ACK_HOURS", get("NORMAL_ACK_HOURS"), 24),
            report_retention_days=_positive(
                "REPORT_RETENTION_DAYS", get("REPORT_RETENTION_DAYS"), 30
            ),
            **_outbox_timing(get),
            broadcaster_ids=frozenset(_int_list("BROADCASTER_IDS", get("BROADCASTER_IDS"))),
            broadcast_channel_id=_channel(get("BROADCAST_CHANNEL_ID")),
            broadcast_rate=_broadcast_rate(get("BROADCAST_RATE")),
            broadcast_progress_seconds=_progress_seconds(get("BROADCAST_PROGRESS_SECONDS")),
            broadcast_paid_rate=_paid_rate(get("BROADCAST_PAID_RATE")),
            broadcast_paid_stars_per_message=_stars_per_message(
                get("BROADCAST_PAID_STARS_PER_MESSAGE")
            ),
            check_alert_threshold=_positive(
                "CHECK_ALERT_THRESHOLD", get("CHECK_ALERT_THRESHOLD"), 10
            ),
            check_alert_window_minutes=_positive(
                "CHECK_ALERT_WINDOW_MINUTES", get("CHECK_ALERT_WINDOW_MINUTES"), 60
            ),
            digest_schedule=_digest_schedule(get("DIGEST_SCHEDULE")),
            reporter_key=get("REPORTER_KEY"),
            reporter_key_file=Path(file) if (file := get("REPORTER_KEY_FILE")) else None,
            desk_member_ids=frozenset(_int_list("DESK_MEMBER_IDS", get("DESK_MEMBER_IDS"))),
            desks_file=_desks_file(get("DESKS_FILE")),
            model_cache_dir=get("MODEL_CACHE_DIR") or "",
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
    if value.startswith(("postgresql://", "postgres://")):
        return value
    if not value.startswith("sqlite:///") or value == "sqlite:///":
        raise ConfigError(
            "DATABASE_URL",
            "use sqlite:///path/to/file.sqlite3 or postgresql://user@host/database",
        )
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
    """A whole number in plain ASCII digits, a leading minus allowed (group and channel ids
    are negative). `int()` alone would also take '1_000', '+7' and full-width digits."""
    if value is None:
        return None
    if not re.fullmatch(r"-?[0-9]+", value):
        raise ConfigError(name, f"must be a whole number, got {value!r}")
    return int(value)


def _int_list(name: str, value: str | None) -> list[int]:
    """Telegram user ids separated by commas: plain ASCII digits only. A person's id is
    positive; a leading minus (a group) or plus is refused rather than guessed at."""
    if value is None:
        return []
    ids = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        if not re.fullmatch(r"[0-9]+", part):
            raise ConfigError(
                name,
                f"must be Telegram user ids in plain digits 0-9, separated by commas "
                f"(e.g. 12345,67890), got {part!r}",
            )
        ids.append(int(part))
    return ids


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


def _port(value: str | None, name: str = "PORT") -> int:
    port = _int(name, value)
    if port is None:
        return 8443
    if not 1 <= port <= 65535:
        raise ConfigError(name, f"must be between 1 and 65535, got {port}")
    return port


def _channel(value: str | None) -> int | str | None:
    """A channel's numeric id (-100…) or its public @username."""
    if value is None:
        return None
    if value.startswith("@") and len(value) > 5 and value[1:].replace("_", "").isalnum():
        return value
    number = _int("BROADCAST_CHANNEL_ID", value)
    if number is None or number >= 0:
        raise ConfigError("BROADCAST_CHANNEL_ID", f"must be -100… or @channelname, got {value!r}")
    return number


def _broadcast_rate(value: str | None) -> int:
    """Messages a second for broadcasts; Telegram allows about 30 in all, and replies to
    users need the rest."""
    rate = _positive("BROADCAST_RATE", value, 25)
    if rate > 28:
        raise ConfigError("BROADCAST_RATE", f"must be 1 to 28 (Telegram allows ~30/s), got {rate}")
    return rate


def _paid_rate(value: str | None) -> int | None:
    """Messages a second for paid broadcasts (allow_paid_broadcast); unset or empty: off.
    Telegram allows up to 1,000 a second for paid sends."""
    if value is None or not value.strip():
        return None
    rate = _int("BROADCAST_PAID_RATE", value.strip())
    if rate is None or not 1 <= rate <= 1000:
        raise ConfigError(
            "BROADCAST_PAID_RATE", f"must be 1 to 1000 messages a second, got {value!r}"
        )
    return rate


def _stars_per_message(value: str | None) -> float:
    """Telegram Stars charged per paid message, for the estimate in the preview only."""
    if value is None or not value.strip():
        return 0.1
    try:
        price = float(value)
    except ValueError:
        price = -1.0
    if not 0 < price <= 100:
        raise ConfigError(
            "BROADCAST_PAID_STARS_PER_MESSAGE", f"must be a number above 0, got {value!r}"
        )
    return price


def _progress_seconds(value: str | None) -> float:
    if value is None:
        return 5.0
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 3 <= seconds <= 600:
        raise ConfigError("BROADCAST_PROGRESS_SECONDS", f"must be 3 to 600, got {value!r}")
    return seconds


def _positive_float(name: str, value: str | None, default: float) -> float:
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(name, f"must be a number of seconds, got {value!r}") from None
    if not number > 0:
        raise ConfigError(name, f"must be greater than 0, got {value!r}")
    return number


def _outbox_timing(get: Callable[[str], str | None]) -> dict[str, float]:
    """How often the report outbox looks for work, and its retry backoff (first and longest
    wait between attempts)."""
    timing = {
        "outbox_poll_seconds": _positive_float(
            "OUTBOX_POLL_SECONDS", get("OUTBOX_POLL_SECONDS"), 5.0
        ),
        "outbox_retry_seconds": _positive_float(
            "OUTBOX_RETRY_SECONDS", get("OUTBOX_RETRY_SECONDS"), 2.0
        ),
        "outbox_retry_max_seconds": _positive_float(
            "OUTBOX_RETRY_MAX_SECONDS", get("OUTBOX_RETRY_MAX_SECONDS"), 300.0
        ),
    }
    if timing["outbox_retry_max_seconds"] < timing["outbox_retry_seconds"]:
        raise ConfigError("OUTBOX_RETRY_MAX_SECONDS", "must not be less than OUTBOX_RETRY_SECONDS")
    return timing


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _digest_schedule(value: str | None) -> tuple[int, int, int] | None:
    """`DIGEST_SCHEDULE`: "mon 08:00" (Asia/Jakarta time, the default) or "off"."""
    if value is None:
        return (0, 8, 0)
    if value.lower() == "off":
        return None
    problem = 'write a weekday and a time, like "mon 08:00", or "off"'
    parts = value.lower().split()
    if len(parts) != 2 or parts[0][:3] not in WEEKDAYS or ":" not in parts[1]:
        raise ConfigError("DIGEST_SCHEDULE", problem)
    hour, _, minute = parts[1].partition(":")
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise ConfigError("DIGEST_SCHEDULE", problem)
    return (WEEKDAYS.index(parts[0][:3]), int(hour), int(minute))


def _desks_file(value: str | None) -> Path | None:
    """`DESKS_FILE`: the regional desks' routing file, kept outside the repository by a
    deployment (its chat ids are its own). It must exist when it is named."""
    if value is None:
        return None
    path = Path(value)
    if not path.is_file():
        raise ConfigError("DESKS_FILE", f"{value!r} is not a file")
    return path
