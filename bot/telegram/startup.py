"""Start-up that waits: an unreachable Bot API is retried with backoff, never a traceback.

A deploy, a network blip or Telegram's own outage at the moment the process starts should not
need a process manager's restart loop. Each failed attempt is one log line naming the error
type only (an error's text can contain the request URL, and the URL contains the token). A
token that Telegram rejects is not retried: it is a configuration error, reported in one line
that does not print the token.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

log = logging.getLogger(__name__)

FIRST_DELAY = 1.0
MAX_DELAY = 60.0


class TokenRejected(Exception):
    """Telegram refused BOT_TOKEN; retrying cannot help."""


def backoff(attempt: int, first: float = FIRST_DELAY, cap: float = MAX_DELAY) -> float:
    """Seconds to wait after failed attempt number `attempt` (1, 2, 4 … capped)."""
    return min(cap, first * 2 ** (attempt - 1))


async def initialize_when_reachable(
    application: Application,
    *,
    max_attempts: int | None = None,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> int:
    """`application.initialize()` (which asks Telegram who the bot is), retried until it works.

    Returns the number of attempts. Raises TokenRejected for a rejected token, and the last
    network error once `max_attempts` (None: no limit) attempts have failed."""
    attempt = 0
    while True:
        attempt += 1
        try:
            await application.initialize()
            return attempt
        except InvalidToken:
            raise TokenRejected from None  # its text holds the token
        except BadRequest:
            raise  # a NetworkError subclass in PTB, but retrying a bad request cannot help
        except (NetworkError, TimedOut, RetryAfter) as exc:
            if max_attempts is not None and attempt >= max_attempts:
                raise
            delay = exc.retry_after if isinstance(exc, RetryAfter) else backoff(attempt)
            seconds = delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay)
            log.warning(
                "Telegram not reachable at start (attempt %d, %s); retrying in %.0f s",
                attempt,
                type(exc).__name__,
                seconds,
            )
            await sleep(seconds)
