"""Logs that are safe to share: no bot token, no update contents, at any level.

Two layers, installed before the Application is built (python-telegram-bot logs the Bot
API URL, token included, while the bot object is created):

* a log record factory that redacts the token (and anything shaped like a bot token) from
  every record of every logger, exception text and tracebacks included, so no handler or
  formatter configured later can see it;
* the libraries that dump requests and updates at DEBUG (python-telegram-bot logs every
  update whole, with names and report text; httpx logs URLs) are held at INFO/WARNING
  whatever LOG_LEVEL says. The bot's own loggers never log names or report contents.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable

REDACTED = "<redacted>"
# Telegram bot tokens: "<bot id>:<35 characters>"; longer or shorter ones are caught too.
TOKEN_SHAPE = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}")
QUIET = {
    "telegram": logging.INFO,  # DEBUG: every request and update, whole
    "httpx": logging.WARNING,  # INFO: every request URL (the token is in it)
    "httpcore": logging.WARNING,
    "apscheduler": logging.WARNING,
    "aiohttp.access": logging.WARNING,
}

_secrets: set[str] = set()
_previous: Callable[..., logging.LogRecord] | None = None


def protect(*secrets: str | None) -> None:
    """Redact these strings (a bot token: also its secret half) from every log record."""
    for secret in secrets:
        if not secret:
            continue
        _secrets.add(secret)
        if ":" in secret and len(secret.split(":", 1)[1]) >= 6:
            _secrets.add(secret.split(":", 1)[1])
    install()


def install() -> None:
    """Put the redacting record factory in front of the current one (once), and quieten the
    libraries that would log updates or URLs."""
    global _previous
    if _previous is None:
        _previous = logging.getLogRecordFactory()
        logging.setLogRecordFactory(_make_record)
    for name, level in QUIET.items():
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level < level:
            logger.setLevel(level)


def configure(level: str) -> None:
    """The command line's logging: one line per record on stderr, redacted and quiet."""
    install()
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=getattr(logging, level)
    )


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return TOKEN_SHAPE.sub(REDACTED, text)


def _make_record(*args: object, **kwargs: object) -> logging.LogRecord:
    assert _previous is not None
    record = _previous(*args, **kwargs)
    # A record that cannot be formatted stays the handler's problem, as before.
    with contextlib.suppress(Exception):
        _scrub(record)
    return record


def _scrub(record: logging.LogRecord) -> None:
    message = record.getMessage()
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[0] is not None:
        text = logging.Formatter().formatException(record.exc_info)
        if redact(text) != text:
            # The exception object itself holds the secret: keep only its redacted text.
            record.exc_text, record.exc_info = redact(text), None
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
