"""Mistakes a person can fix, for every `python -m bot` command: one line, no traceback."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings


class CliError(Exception):
    """A mistake a person can fix: printed as one line, exit `code` (2: usage or
    configuration, 1: content)."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def reason(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def open_database(settings: Settings, wait: bool = False):
    """The database, or a CliError naming the path and what is wrong with it. `wait`: a
    PostgreSQL server that cannot be reached yet is waited for (the bot's start-up); the
    tools give up at once."""
    from bot.storage.database import DatabaseError, open_when_reachable

    # A PostgreSQL URL may carry a password: name the server by its variable only.
    path = "" if settings.uses_postgres else f" {settings.database_path}"
    try:
        return open_when_reachable(settings.database_target, None if wait else 1)
    except (*DatabaseError, OSError) as exc:
        raise CliError(f"Cannot open the database{path} (DATABASE_URL): {reason(exc)}", 2) from None


def check_encoding(settings: Settings) -> None:
    """Refuse content files that are not UTF-8 with one line naming the first of them."""
    from bot.core.content import undecodable_files

    named = undecodable_files(Path(settings.content_dir))
    if named:
        more = f" (and {len(named) - 1} more)" if len(named) > 1 else ""
        raise CliError(f"Content error: {named[0]}{more}", 1)
