"""/hapusdata, checked against the whole schema rather than against a list of features.

A person who used every feature (language choice, FAQ rating, an unanswered question, a
subscription, a broadcast delivery, a sent report with their name shown, an unfinished report,
a Cek Dulu check) deletes their data; then every row of every table is searched for their id,
name and username. The tables come from the database after the migrations, so a table added
later fails `test_every_table_has_an_erasure_decision` until someone records what /hapusdata
does with it.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.storage import Database
from bot.storage.sealed_rows import PURPOSES
from bot.storage.sealing import Sealer, SealError
from bot.testing.harness import running_bot
from tests.conftest import ADMIN_ID, DESK_CHAT_ID, Bot
from tests.test_e2e_broadcasts import choose, compose, confirm, finished, send_now
from tests.test_e2e_reports import Answers, say, submit_report

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

PERSON = 770088123  # distinctive, so a match is never a coincidence
FIRST, LAST, HANDLE = "Wulan", "Kusumawardani", "wulan_rahasia_42"
STAFF = 7001
JOB_AD = (
    "LOWONGAN KERJA LUAR NEGERI!! Dibutuhkan ADMIN ONLINE penempatan KAMBOJA. Gaji 20jt/bln, "
    "tiket dan mess ditanggung, tidak perlu pengalaman. Hubungi WA 0812-0000-1234"
)

# Tables whose rows point to the person while they use the bot: the scenario must leave a
# trace in each (so the check after /hapusdata means something) and /hapusdata must remove it.
HOLDS_THE_PERSON = {
    "sealed_users": "the language choice (tag, id sealed)",
    "feedback": "answer ratings (with the question asked)",
    "subscribers": "the warnings subscription",
    "broadcast_recipients": "which broadcasts reached them",
    "report_links": "the only link between a person and their reports (tag, id sealed)",
    "sealed_drafts": "an unfinished report (tag, sealed)",
    "reports": "a name the reporter chose to show the desk (shown_identity, sealed)",
    "conversation_states": "where they are in a conversation (the unfinished /lapor); ended",
    "sealed_user_state": "their data in progress (the unfinished report's draft), sealed",
}

# Tables that never hold who someone is, with the reason. A new table goes here or above.
NEVER_HOLDS_THE_PERSON = {
    "schema_migrations": "bookkeeping of applied migrations",
    "check_seen": "keyed HMAC tags under a per-window random key, never the id; kept through "
    "/hapusdata on purpose so one person cannot forge an early warning, dropped with the window",
    "report_quota": "keyed HMAC tags for the daily report limit, never the id; kept through "
    "/hapusdata on purpose so deleting cannot reset the limit, dropped with the window",
    "pseudonym_keys": "the random per-window keys of those tags; no person",
    "desk_chat_migrations": "the desk group's old and new chat ids; no person",
    "unanswered": "question text and scores only, no user id (for content editors)",
    "report_evidence": "message ids in the reporter's chat and file ids, no user id",
    "report_evidence_copies": "a regional desk's copies of evidence: message ids in its chat",
    "report_identifiers": "phone numbers, links, agencies named in reports",
    "report_identifier_links": "which report mentions which identifier",
    "report_status_history": "desk staff ids only (changed_by_id), never the reporter",
    "report_desk_messages": "message ids in the desk chat",
    "report_relays": "message ids; the user comes from report_reporters",
    "report_outbox": "jobs by report id; the recipient is looked up when sent",
    "broadcasts": "the staff author, the content and the audience",
    "agency_imports": "the register of licensed agencies",
    "agencies": "the register of licensed agencies",
    "check_counts": "counts per identifier and time bucket, never who checked",
    "check_alerts": "the early-warning memory per identifier, never who checked",
    "check_verdicts": "Cek Dulu verdicts per day: counts only",
    "desk_digests": "weekly desk digests by week",
    "users": "replaced by sealed_users (0010): emptied by the sealing migration, unused",
    "report_reporters": "replaced by report_links (0010): emptied by the sealing migration",
    "report_drafts": "replaced by sealed_drafts (0010): emptied by the sealing migration",
    "user_state": "replaced by sealed_user_state (0010): emptied by the sealing migration",
    "reporter_keys": "ids of the reporter keys the database was sealed with; no person",
    "desk_audit": "desk members' actions on cases (staff ids); never the reporter",
}

# (table, column) that may still hold the person after /hapusdata, each with the reason.
# Deliberate exceptions (for example a daily report limit that must outlive /hapusdata, so
# deleting your data is no way round it) are added here, never silently.
KEPT_AFTER_ERASURE: dict[tuple[str, str], str] = {}


def tables(db: Database) -> set[str]:
    return {*db.tables(), "schema_migrations"}


def needles() -> tuple[int, tuple[str, ...]]:
    return PERSON, (str(PERSON), FIRST, LAST, HANDLE)


def mentions(value: Any, sealer: Sealer | None = None) -> bool:
    """Whether one cell holds the person: their id as a number, or id/name inside text;
    with the reporter key also a tag of their id or a sealed value that opens to them."""
    number, words = needles()
    if isinstance(value, int) and not isinstance(value, bool):
        return value == number
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return False
    if sealer is not None:
        if value in {t for p in PURPOSES for t in sealer.tags(p, number)}:
            return True
        value = opened(value, sealer)
    return any(w in value for w in words)


def opened(value: str, sealer: Sealer) -> str:
    """A sealed value opened (under whichever purpose it was sealed for), else as is."""
    for purpose in PURPOSES:
        try:
            return sealer.open(value, purpose)
        except (SealError, ValueError):
            continue
    return value


def traces(db: Database, sealer: Sealer | None = None) -> dict[str, set[str]]:
    """Every table → the columns in which some row still holds the person."""
    found: dict[str, set[str]] = {}
    for table in sorted(tables(db)):
        for row in db.all(f'SELECT * FROM "{table}"'):
            for column in row.keys():  # noqa: SIM118 (sqlite3.Row is not a dict)
                if mentions(row[column], sealer):
                    found.setdefault(table, set()).add(column)
    return found


# -- the person ----------------------------------------------------------------------------
@pytest.fixture
def settings(base_settings: Settings) -> Settings:
    return dataclasses.replace(
        base_settings,
        outbox_poll_seconds=0.05,
        outbox_retry_seconds=0.05,
        outbox_retry_max_seconds=0.3,
        flood_limit_per_minute=1000,
        broadcast_rate=200,
        broadcast_progress_seconds=0.2,
    )


@pytest.fixture
async def bot(settings: Settings, database: Path | str) -> AsyncIterator[Bot]:
    """Each backend in turn (see `database` in conftest.py)."""
    async with running_bot(settings, database) as (api, services, app):
        api.group_chat(DESK_CHAT_ID, "Desk", members=[STAFF])
        api.private_chat(
            PERSON, first_name=FIRST, last_name=LAST, username=HANDLE, language_code="id"
        )
        yield Bot(api, services, app)


async def press_when_shown(bot: Bot, data: str) -> None:
    """Press the newest button with `data` in the person's chat, once the bot has sent it."""
    api = bot.api

    def shown() -> dict[str, Any] | None:
        found = [m for m in api.messages_to(PERSON) if data in dict(bot.buttons(m)).values()]
        return found[-1] if found else None

    message = await api.wait_until(shown)
    await api.press(PERSON, message["message_id"], data)
    await api.wait_quiet()


async def catch_up(bot: Bot, chat_id: int = PERSON) -> None:
    """Mark every bot message so far as read, for helpers that read the next one."""
    await bot.api.wait_quiet()
    while True:
        try:
            await bot.api.next_message(chat_id, timeout=0.05)
        except TimeoutError:
            return


async def use_every_feature(bot: Bot) -> None:
    api = bot.api
    await api.send_text(PERSON, "/start")
    await press_when_shown(bot, "lang:en")
    await api.send_text(PERSON, "how can I check that an agency is licensed?")
    await press_when_shown(bot, "fb:+:verify-agency")
    await api.send_text(PERSON, "zxq blorptang wibbleflax")  # not answerable: kept for editors
    await api.send_text(PERSON, "/langganan")
    await api.send_text(PERSON, JOB_AD)  # a Cek Dulu check
    await catch_up(bot)

    await submit_report(api, PERSON, Answers(show_identity=True, photo_caption=None))
    await api.wait_until(lambda: bot.services.report_outbox.pending() == 0, timeout=10)
    await api.send_text(PERSON, "/lapor")  # an unfinished report, saved as a draft
    await press_when_shown(bot, "rp:cat:recruiter")
    await catch_up(bot, ADMIN_ID)

    control = await compose(bot, ADMIN_ID)
    await choose(bot, control, "bc:all")
    _preview, summary = await send_now(bot, control)
    await finished(bot, await confirm(bot, summary))
    await api.wait_quiet()


async def delete_my_data(bot: Bot) -> None:
    api = bot.api
    await catch_up(bot)
    question = await say(api, PERSON, "/hapusdata")
    await api.press(PERSON, question["message_id"], "del:yes")
    await api.wait_for("editMessageText", chat_id=PERSON)
    await api.wait_until(lambda: bot.services.report_outbox.pending() == 0, timeout=10)
    await api.wait_quiet()


# -- tests ---------------------------------------------------------------------------------
def test_every_table_has_an_erasure_decision(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "schema.sqlite3")
    try:
        undecided = tables(db) - set(HOLDS_THE_PERSON) - set(NEVER_HOLDS_THE_PERSON)
    finally:
        db.close()
    assert not undecided, (
        f"new tables {sorted(undecided)}: decide what /hapusdata does with them and list them "
        "in HOLDS_THE_PERSON or NEVER_HOLDS_THE_PERSON in tests/test_erasure.py"
    )
    assert not set(HOLDS_THE_PERSON) & set(NEVER_HOLDS_THE_PERSON)


async def test_deleting_my_data_leaves_no_row_that_points_to_me(bot: Bot) -> None:
    await use_every_feature(bot)
    before = traces(bot.services.db, bot.services.sealer)
    not_touched = set(HOLDS_THE_PERSON) - set(before)
    assert not not_touched, f"the scenario left no trace in {sorted(not_touched)}"
    unexpected = set(before) - set(HOLDS_THE_PERSON)
    assert not unexpected, f"the person is stored in {before}, outside HOLDS_THE_PERSON"

    await delete_my_data(bot)
    left = {
        (table, column)
        for table, columns in traces(bot.services.db, bot.services.sealer).items()
        for column in columns
        if (table, column) not in KEPT_AFTER_ERASURE
    }
    assert not left, f"still pointing to the person after /hapusdata: {sorted(left)}"


def test_a_mention_is_found_in_numbers_text_and_json() -> None:
    """The scan itself: a test that cannot find the person would prove nothing."""
    assert mentions(PERSON) and not mentions(PERSON + 1) and not mentions(True)
    assert mentions(json.dumps({"chat_id": PERSON})) and mentions(f"Nama: {FIRST}")
    assert not mentions("someone else") and not mentions(None)
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (a INTEGER, b TEXT)")
    db.execute("INSERT INTO t VALUES (?, ?)", (PERSON, HANDLE))
    assert [mentions(v) for v in db.execute("SELECT a, b FROM t").fetchone()] == [True, True]
