"""Shared fixtures: settings for tests, and the real bot polling the Bot API emulator."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.config import Settings
from bot.services import Services
from bot.storage import Database
from bot.storage.database import PostgresDatabase
from bot.testing.fake_api import FakeBotAPI
from bot.testing.harness import running_bot
from bot.testing.postgres import PostgresMissing, ThrowawayServer

ROOT = Path(__file__).resolve().parents[1]
ADMIN_ID = 900
DESK_CHAT_ID = -1001000


@pytest.fixture(autouse=True, scope="session")
def _reporter_key_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The reporter key file the bot creates on a first start goes to a temporary config
    directory, never the real home (tests stay hermetic)."""
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("config"))


@pytest.fixture
def base_settings() -> Settings:
    return Settings.from_env(
        {
            "CONTENT_DIR": str(ROOT / "content"),
            "ADMIN_IDS": str(ADMIN_ID),
            "DESK_CHAT_ID": str(DESK_CHAT_ID),
            "DIGEST_SCHEDULE": "off",  # tests that want the weekly digest turn it on
        }
    )


@dataclass
class Bot:
    api: FakeBotAPI
    services: Services
    application: Application

    def buttons(self, message: dict) -> list[tuple[str, str]]:
        """(label, callback_data) of every inline button on a bot message."""
        markup = message.get("reply_markup") or {}
        return [
            (b["text"], b.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for b in row
        ]


@pytest.fixture
def sqlite_services(base_settings: Settings, tmp_path: Path) -> Iterator[Services]:
    """The bot's services on a SQLite file, without Telegram: for tests of what a screen says
    (the database only holds an empty register and counts)."""
    settings = dataclasses.replace(base_settings, database_url=f"sqlite:///{tmp_path / 'b.db'}")
    built = Services.build(settings, Database.open(tmp_path / "b.db"))
    yield built
    built.db.close()


@pytest.fixture
async def bot(base_settings: Settings, database: Path | str) -> AsyncIterator[Bot]:
    """The real bot, once per backend (see `database`): every test that takes `bot` runs on
    SQLite and on PostgreSQL, where the loop guard also watches it."""
    async with running_bot(base_settings, database) as (api, services, app):
        yield Bot(api, services, app)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[ThrowawayServer]:
    """One throw-away PostgreSQL server for the whole session (or TEST_DATABASE_URL's)."""
    server = ThrowawayServer()
    try:
        server.start()
    except PostgresMissing as exc:
        server.stop()
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1 but {exc}")
        pytest.skip(f"PostgreSQL not available: {exc}")
    yield server
    server.stop()


@pytest.fixture
def postgres_url(
    postgres_server: ThrowawayServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for one test, with the loop guard on: a query
    that the running application makes on the event loop's thread (not through `db.run`)
    fails the test, naming where it was made."""
    url = postgres_server.fresh()
    on_loop: list[str] = []
    monkeypatch.setattr(PostgresDatabase, "loop_guard", on_loop)
    yield url
    postgres_server.drop(url)
    sites = sorted(set(on_loop))
    assert not sites, "queries on the event loop (use db.run):\n" + "\n".join(sites)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """The database a test runs on, once per backend: a SQLite file, or a PostgreSQL URL.
    `Database.open(database)` a second time opens the same data (a restart)."""
    if request.param == "sqlite":
        return tmp_path / "bot.sqlite3"
    return request.getfixturevalue("postgres_url")


def database_url(database: Path | str) -> str:
    """`database` as a DATABASE_URL, for the command line and `python -m bot` subprocesses."""
    return database if isinstance(database, str) else f"sqlite:///{database}"
