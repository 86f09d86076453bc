"""Storage: the only package that talks to the database."""

from bot.storage.database import Database

__all__ = ["Database"]
