"""Sealed reporters end to end (issue 15): a realistic session through the Bot API emulator,
then the database files are copied the way a thief would and searched byte by byte.

100 reports from 25 people: some chose to be shown, most stayed hidden, some picked a
language, some talked with the desk, some deleted their data. The copy of the database,
its write-ahead log and shared memory file must hold none of their ids (as text and as the
integers SQLite writes), usernames or names; and everything still works with sealing on.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest

from bot.config import Settings
from bot.storage import Database
from bot.storage.audit import OUTCOME, REPLY
from bot.telegram.handlers.desk import not_a_member
from bot.testing.fake_api import FakeBotAPI
from tests.conftest import Bot
from tests.test_e2e_reports import (
    DESK,
    STAFF,
    Answers,
    bot_on,
    buttons,
    card_of,
    desk_press,
    say,
    settle,
    status_of,
    submit_report,
)

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

PEOPLE = 25
EACH = 4  # reports per person: 100 in all, under the daily limit of 5
OTHER_STAFF = 7002  # in the desk group, not a desk member


@dataclasses.dataclass(frozen=True)
class Person:
    number: int

    @property
    def id(self) -> int:
        # Above 2**32 like today's Telegram ids: SQLite would write them as 6-byte integers
        return 6_100_000_000 + self.number * 7919

    @property
    def first(self) -> str:
        return f"Kirana{self.number:02d}q"

    @property
    def last(self) -> str:
        return f"Wibisonox{self.number:02d}"

    @property
    def handle(self) -> str:
        return f"pelapor_rahasia_{self.number:02d}"

    @property
    def shown(self) -> bool:
        return self.number % 3 == 0

    @property
    def deletes(self) -> bool:
        return self.number % 5 == 0


PERSONS = [Person(n) for n in range(PEOPLE)]


def needles(person: Person) -> list[bytes]:
    """The person as bytes: id as text and as SQLite's and C's integer encodings, names."""
    number = person.id
    return [
        str(number).encode(),
        number.to_bytes(6, "big"),
        number.to_bytes(8, "big"),
        number.to_bytes(8, "little"),
        person.first.encode(),
        person.last.encode(),
        person.handle.encode(),
    ]


def found_in(files: list[Path]) -> list[tuple[str, int, bytes]]:
    data = {f.name: f.read_bytes() for f in files if f.exists()}
    return [
        (name, p.number, needle)
        for name, blob in data.items()
        for p in PERSONS
        for needle in needles(p)
        if needle in blob
    ]


@pytest.fixture
def settings(base_settings: Settings) -> Settings:
    return dataclasses.replace(
        base_settings,
        desk_chat_id=DESK,
        desk_member_ids=frozenset({STAFF}),
        outbox_poll_seconds=0.05,
        outbox_retry_seconds=0.05,
        outbox_retry_max_seconds=0.3,
        flood_limit_per_minute=10_000,
    )


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as emulator:
        emulator.group_chat(DESK, "Desk", members=[STAFF, OTHER_STAFF])
        emulator.user(STAFF, first_name="Budi", username="budi_desk")
        emulator.user(OTHER_STAFF, first_name="Tamu", username="tamu_desk")
        for p in PERSONS:
            emulator.private_chat(p.id, first_name=p.first, last_name=p.last, username=p.handle)
        yield emulator


async def session(bot: Bot) -> dict[int, list[str]]:
    """The realistic session; returns each person's case codes."""
    api = bot.api
    codes: dict[int, list[str]] = {}
    for p in PERSONS:
        if p.number % 4 == 1:  # some choose a language first
            await api.send_text(p.id, "/start")
            chooser = await api.wait_until(
                lambda p=p: [m for m in api.messages_to(p.id) if "lang:en" in buttons(m)]
            )
            await api.press(p.id, chooser[-1]["message_id"], "lang:en")
            await api.wait_quiet()
            while True:  # read past the welcome, so the form's helpers see their prompts
                try:
                    await api.next_message(p.id, timeout=0.05)
                except TimeoutError:
                    break
    for round_ in range(EACH):
        for p in PERSONS:
            answers = Answers(
                show_identity=p.shown and round_ == 0,
                photo_caption=None,
                note=None if round_ else "catatan tambahan",
                details=f"Calo menawarkan kerja di luar negeri, nomor {round_}-{p.number % 7}",
            )
            codes.setdefault(p.number, []).append(await submit_report(api, p.id, answers))
    await settle(bot)
    for p in PERSONS[:6]:  # the desk talks with some reporters, and they answer
        card = await card_of(api, codes[p.number][0])
        await api.send_text(
            STAFF, "Bisa ceritakan lagi?", chat_id=DESK, reply_to=card["message_id"]
        )
        await api.wait_until(
            lambda p=p: [m for m in api.messages_to(p.id) if "Bisa ceritakan" in m.get("text", "")]
        )
        question = [m for m in api.messages_to(p.id) if "Bisa ceritakan" in m.get("text", "")][-1]
        await api.send_text(p.id, "Iya, besok saya kirim", reply_to=question["message_id"])
        await api.wait_quiet()
    for p in PERSONS[6:10]:  # and closes some cases
        await desk_press(bot, codes[p.number][0], f"dk:o:{codes[p.number][0]}:police")
    for p in PERSONS:
        await say(api, p.id, "/status")
    for p in (p for p in PERSONS if p.deletes):
        await api.send_text(p.id, "/hapusdata")
        question = await api.wait_until(
            lambda p=p: [m for m in api.messages_to(p.id) if "del:yes" in buttons(m)]
        )
        await api.press(p.id, question[-1]["message_id"], "del:yes")
        await api.wait_for("editMessageText", chat_id=p.id)
    await settle(bot)
    return codes


def wal_position(db: Database) -> str:
    """The write-ahead log file PostgreSQL writes now (the scan starts there)."""
    return db.one("SELECT pg_walfile_name(pg_current_wal_lsn())")[0]


def server_files(db: Database, since: str) -> list[Path]:
    """PostgreSQL's own files for this database, as a thief with the server's disk has them:
    the table and index files (dead rows included) after a checkpoint wrote every page, and
    the write-ahead log written since `since` (earlier tests' log is not this test's). Needs
    a superuser (the throw-away server's)."""
    try:
        db.execute("CHECKPOINT")
        folder = Path(db.one("SHOW data_directory")[0])
    except psycopg.Error as exc:
        pytest.skip(f"the server's files are out of reach: {exc}")
    oid = db.one("SELECT oid FROM pg_database WHERE datname = current_database()")[0]
    now = wal_position(db)
    wal = [f for f in (folder / "pg_wal").iterdir() if since <= f.name <= now]
    return [f for f in [*(folder / "base" / str(oid)).iterdir(), *wal] if f.is_file()]


async def test_a_copied_database_names_no_reporter_and_everything_still_works(
    settings: Settings, api: FakeBotAPI, tmp_path: Path, database: Path | str
) -> None:
    async with bot_on(settings, database, api) as bot:
        since = wal_position(bot.services.db) if isinstance(database, str) else ""
        codes = await session(bot)
        svc = bot.services

        # it all worked, sealed: one card per report, /status and the relay both ways
        assert svc.db.one("SELECT COUNT(*) FROM reports")[0] == PEOPLE * EACH
        for p in PERSONS:
            mine = {c.code for c in svc.reporters.cases_of(p.id)}
            assert mine == (set() if p.deletes else set(codes[p.number])), p
        answers = [m for m in api.messages_to(DESK) if "besok saya kirim" in m.get("text", "")]
        assert len(answers) == 6, "each reporter's answer reached the desk"
        assert status_of(bot, codes[7][0]).value == "closed"
        trail = svc.audit.for_case(codes[0][0])
        assert [e.action for e in trail] == [REPLY] and trail[0].actor_id == STAFF
        assert svc.audit.for_case(codes[7][0])[-1].action == OUTCOME

        # a thief's copy, taken while the bot runs
        if isinstance(database, str):
            copies = server_files(svc.db, since)
            assert any(c.parent.name == "pg_wal" for c in copies), "the scan must cover the WAL"
        else:
            stolen = tmp_path / "stolen"
            stolen.mkdir()
            files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
            copies = []
            for f in files:
                if f.exists():
                    copies.append(Path(shutil.copy(f, stolen / f.name)))
            assert any(c.name.endswith("-wal") for c in copies), "the scan must cover the WAL"
        leaks = found_in(copies)
        assert not leaks, f"reporters found in the database files: {leaks[:5]}"

    # and after a clean stop (SQLite folds the WAL into the file; PostgreSQL's files were
    # scanned after a checkpoint above, and its stop changes nothing in them)
    if isinstance(database, Path):
        assert not found_in([database, Path(f"{database}-wal")])


async def test_only_desk_members_may_act_others_may_read(
    settings: Settings, api: FakeBotAPI, database: Path | str
) -> None:
    async with bot_on(settings, database, api) as bot:
        p = PERSONS[1]
        code = await submit_report(api, p.id, Answers(photo_caption=None, note=None))
        card = await card_of(api, code)
        await settle(bot)

        answer = await desk_press(bot, code, f"dk:s:{code}:ack", user=OTHER_STAFF)
        assert answer["text"] == not_a_member(bot.services.i18n.translator("id"))
        assert status_of(bot, code).value == "new"

        await api.send_text(OTHER_STAFF, "Halo pelapor", chat_id=DESK, reply_to=card["message_id"])
        await api.wait_quiet()
        await settle(bot)
        assert not [m for m in api.messages_to(p.id) if "Halo pelapor" in m.get("text", "")]
        assert not bot.services.audit.for_case(code)

        await desk_press(bot, code, f"dk:s:{code}:ack")
        assert status_of(bot, code).value != "new"
        entry = bot.services.audit.for_case(code)[-1]
        assert (entry.actor_id, entry.case_code) == (STAFF, code)


# SQLite only: the control of the scan itself (the bytes SQLite writes for an integer).
def test_the_scan_finds_a_plain_id_and_name(tmp_path: Path) -> None:
    """The control: a database holding a person in plain text is caught by the scan."""
    import sqlite3

    path = tmp_path / "plain.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t (user_id INTEGER, name TEXT)")
    db.execute("INSERT INTO t VALUES (?, ?)", (PERSONS[3].id, "x"))
    db.execute("INSERT INTO t VALUES (?, ?)", (1, PERSONS[4].handle))
    db.commit()
    db.close()
    found = {(number, needle) for _name, number, needle in found_in([path])}
    assert (3, PERSONS[3].id.to_bytes(6, "big")) in found
    assert (4, PERSONS[4].handle.encode()) in found
