"""Desk statistics, charts, the weekly digest and case exports: numbers, pictures, files and
who may ask for them."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.config import ConfigError, Settings
from bot.core.clock import ShiftedClock, to_text
from bot.core.desks.charts import render
from bot.core.desks.export import COLUMNS, to_csv, to_xlsx
from bot.core.desks.stats import CaseRow, summarise, week_start
from bot.core.reports.draft import Draft, ShownIdentity
from bot.services import Services
from bot.storage import Database
from bot.telegram.handlers.stats import (
    DIGEST_JOB,
    chart_text,
    queue_due_digest,
    snapshot,
)
from bot.testing.fake_api import FakeBotAPI
from bot.testing.harness import emulator_settings, running_application
from bot.testing.seed import seed_cases
from tests.conftest import Bot, database_url

ROOT = Path(__file__).resolve().parents[1]
DESK = -1002000
ADMIN = 901
STAFF = 555
OUTSIDER = 777
NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)  # a Wednesday


def case(created: dt.datetime, **changes) -> CaseRow:
    base = CaseRow(
        created_at=created,
        category="recruiter",
        province="Jawa Timur",
        urgent=False,
        status="new",
        outcome=None,
        closed_at=None,
        first_ack_at=None,
        ack_due_at=created + dt.timedelta(hours=24),
    )
    return dataclasses.replace(base, **changes)


# -- numbers ---------------------------------------------------------------------------------
def test_summary_counts_weeks_deadlines_ages_and_people_prevented() -> None:
    monday = week_start(NOW.date())
    last_week = NOW - dt.timedelta(days=7)
    rows = [
        case(NOW - dt.timedelta(hours=1)),  # new, still in time
        case(NOW - dt.timedelta(days=2), status="new"),  # new, late
        case(
            last_week,
            urgent=True,
            ack_due_at=last_week + dt.timedelta(minutes=15),
            first_ack_at=last_week + dt.timedelta(minutes=10),
            status="closed",
            outcome="prevented",
            people=3,
            closed_at=last_week + dt.timedelta(days=1),
            category="departure",
        ),
        case(
            last_week,
            urgent=True,
            ack_due_at=last_week + dt.timedelta(minutes=15),
            first_ack_at=last_week + dt.timedelta(minutes=40),
            status="progress",
            province="Lampung",
        ),
        case(NOW - dt.timedelta(days=90)),  # before `since`: not counted
    ]
    since = (NOW - dt.timedelta(days=14)).date()
    snap = summarise(rows, since, NOW)
    assert snap.cases == 4
    assert snap.weeks[-1] == monday
    assert snap.per_week["recruiter"][-1] == 2 and snap.per_week["departure"][-2] == 1
    assert dict(snap.by_province) == {"Jawa Timur": 3, "Lampung": 1}
    assert (snap.ack["urgent"].in_time, snap.ack["urgent"].late) == (1, 1)
    assert (snap.ack["normal"].waiting_in_time, snap.ack["normal"].waiting_late) == (1, 1)
    assert dict(snap.open_by_age) == {"<1d": 1, "1-3d": 1, "3-7d": 0, "7-30d": 1, ">30d": 0}
    assert snap.people_prevented == 3
    assert snap.prevented_by_week[-2:] == [3, 3]  # cumulative, from the week it was closed
    assert snap.outcomes == [("prevented", 1)]


def test_a_prevented_case_without_a_number_counts_no_people() -> None:
    closed = case(NOW, status="closed", outcome="prevented", closed_at=NOW)
    assert summarise([closed], NOW.date(), NOW).people_prevented == 0


# -- the picture -----------------------------------------------------------------------------
@pytest.fixture
def seeded(database: Path | str) -> Services:
    """Each backend in turn (see `database` in conftest.py)."""
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    settings = Settings.from_env({"CONTENT_DIR": str(ROOT / "content"), "DATABASE_URL": url})
    services = Services.build(settings, Database.open(database))
    clock = ShiftedClock()
    clock.offset = NOW - clock.now()
    services.report_outbox.clock = clock
    return services


def test_a_chart_of_10000_cases_is_a_png_under_200_kb(seeded: Services) -> None:
    seed_cases(seeded.db, 10_000, seeded.report_outbox.clock.now())
    snap = snapshot(seeded)
    assert snap.cases > 9_000  # a few fall before the 8-week window
    png = render(snap, chart_text(seeded.i18n.translator("id")))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) <= 200_000


def test_an_empty_desk_still_gets_a_picture(seeded: Services) -> None:
    png = render(snapshot(seeded), chart_text(seeded.i18n.translator("en")))
    assert png.startswith(b"\x89PNG")


# -- exports ---------------------------------------------------------------------------------
def _submit(services: Services, details: str, shown: ShownIdentity | None) -> str:
    draft = Draft(
        category="recruiter",
        province="Jawa Timur",
        when="today",
        details=details,
        show_identity=shown is not None,
    )
    return services.reports.submit(draft, 4242, "id", shown).code


def test_export_shows_a_reporter_only_when_they_chose_to_be_shown(seeded: Services) -> None:
    hidden = _submit(seeded, "calo 0812-3456-7890 di desa", None)
    shown = _submit(seeded, "=HYPERLINK(1) agen nakal", ShownIdentity(4242, "Siti", "siti_r"))
    rows = list(seeded.desk_data.export_rows(NOW.date() - dt.timedelta(days=1)))
    table = list(csv.DictReader(io.StringIO(to_csv(rows).decode("utf-8-sig"))))
    by_code = {row["code"]: row for row in table}
    assert list(table[0]) == list(COLUMNS)
    assert by_code[hidden]["reporter_shown_as"] == ""
    assert by_code[shown]["reporter_shown_as"] == "Siti @siti_r"
    assert "+6281234567890" in by_code[hidden]["identifiers"]
    assert by_code[shown]["details"].startswith("'=")  # never a live formula
    assert "4242" not in to_csv(rows).decode()  # no Telegram ids

    sheet = load_workbook(io.BytesIO(to_xlsx(rows)), read_only=True)["cases"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == COLUMNS and len(values) == 3


def test_export_cli_writes_the_file_and_refuses_bad_dates(
    tmp_path: Path, database: Path | str
) -> None:
    seeded = Database.open(database)
    seed_cases(seeded, 50, dt.datetime.now(dt.UTC))
    seeded.close()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(database),
        "CONTENT_DIR": str(ROOT / "content"),
    }
    out = tmp_path / "cases.xlsx"
    since = (dt.date.today() - dt.timedelta(days=365)).isoformat()
    command = [sys.executable, "-m", "bot", "export", "cases", "--since", since]
    done = subprocess.run(
        [*command, "--format", "xlsx", "--output", str(out)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "50 case(s)" in done.stdout
    assert len(list(load_workbook(out, read_only=True)["cases"].iter_rows())) == 51
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "export", "cases", "--since", "yesterday"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_digest_schedule_setting() -> None:
    assert Settings.from_env({}).digest_schedule == (0, 8, 0)
    assert Settings.from_env({"DIGEST_SCHEDULE": "Fri 16:30"}).digest_schedule == (4, 16, 30)
    assert Settings.from_env({"DIGEST_SCHEDULE": "off"}).digest_schedule is None
    with pytest.raises(ConfigError, match="DIGEST_SCHEDULE"):
        Settings.from_env({"DIGEST_SCHEDULE": "someday 25:00"})


# -- through Telegram ------------------------------------------------------------------------
@pytest.fixture
async def desk_bot(base_settings: Settings, database: Path | str) -> AsyncIterator[Bot]:
    settings = dataclasses.replace(
        base_settings,
        desk_chat_id=DESK,
        admin_ids=frozenset({ADMIN}),
        outbox_poll_seconds=0.05,
        digest_schedule=(2, 16, 0),  # Wednesday 16:00 WIB, an hour before NOW
    )
    async with FakeBotAPI() as api:
        api.group_chat(DESK, "Desk", members=[STAFF, ADMIN])
        api.user(STAFF, first_name="Budi")
        api.private_chat(ADMIN, first_name="Admin")
        api.private_chat(OUTSIDER, first_name="Tono")
        services = Services.build(
            emulator_settings(api, settings, database), Database.open(database)
        )
        clock = ShiftedClock()
        clock.offset = NOW - clock.now()  # Wednesday 17:00 WIB: this week's digest is due
        services.report_outbox.clock = clock
        seed_cases(services.db, 200, NOW)
        try:
            async with running_application(services, api) as application:
                yield Bot(api, services, application)
        finally:
            services.db.close()


def _photos_to(api: FakeBotAPI, chat: int) -> list[dict]:
    return [m for m in api.messages_to(chat) if m.get("photo")]


async def test_stats_in_the_desk_answers_with_a_chart_and_five_lines(desk_bot: Bot) -> None:
    api = desk_bot.api
    await api.wait_until(lambda: _photos_to(api, DESK))  # the digest, queued at start
    before = len(_photos_to(api, DESK))
    await api.send_text(STAFF, "/stats", chat_id=DESK)
    await api.wait_until(lambda: len(_photos_to(api, DESK)) > before)
    answer = _photos_to(api, DESK)[-1]
    lines = answer["caption"].splitlines()
    assert len(lines) == 5
    people = sum(
        row[0] or 0
        for row in desk_bot.services.db.conn.execute(
            "SELECT outcome_people FROM reports WHERE outcome = 'prevented' AND created_at >= ?",
            (to_text(NOW - dt.timedelta(days=56)),),
        )
    )
    assert f"{people} " in lines[1]


async def test_stats_is_not_for_strangers(desk_bot: Bot) -> None:
    api = desk_bot.api
    await api.send_text(OUTSIDER, "/stats")
    await api.send_text(OUTSIDER, "/menu")  # something that does answer, to wait on
    await api.next_message(OUTSIDER)
    await api.wait_until(lambda: len(api.messages_to(OUTSIDER)) >= 1)
    assert not _photos_to(api, OUTSIDER)


async def test_admins_export_from_the_desk_and_others_cannot(desk_bot: Bot) -> None:
    api = desk_bot.api
    await api.send_text(ADMIN, "/export", chat_id=DESK)
    await api.wait_until(lambda: [m for m in api.messages_to(DESK) if m.get("reply_markup")])
    offer = [m for m in api.messages_to(DESK) if m.get("reply_markup")][-1]
    refused = await api.press(STAFF, offer["message_id"], "xp:csv", chat_id=DESK, force=True)
    await api.wait_until(lambda: api.callback_answer(refused))
    assert api.callback_answer(refused)["show_alert"] is True
    await api.press(ADMIN, offer["message_id"], "xp:csv", chat_id=DESK, force=True)
    await api.wait_until(lambda: [m for m in api.messages_to(DESK) if m.get("document")])
    document = [m for m in api.messages_to(DESK) if m.get("document")][-1]
    assert document["document"]["file_name"].endswith(".csv")
    trail = desk_bot.services.audit.recent()  # the export is on the audit trail, the refusal not
    assert [(e.action, e.actor_id) for e in trail] == [("export", ADMIN)]


async def test_the_weekly_digest_goes_to_the_desk_once(desk_bot: Bot) -> None:
    services = desk_bot.services
    await desk_bot.api.wait_until(lambda: _photos_to(desk_bot.api, DESK))
    digests = [p for p in _photos_to(desk_bot.api, DESK) if "<b>" not in p["caption"]]
    assert len(digests) == 1
    assert not queue_due_digest(services)  # the next worker pass finds it queued already
    jobs = services.db.conn.execute(
        "SELECT COUNT(*) FROM report_outbox WHERE kind = ?", (DIGEST_JOB,)
    ).fetchone()[0]
    assert jobs == 1
    payload = json.loads(
        services.db.conn.execute(
            "SELECT payload FROM report_outbox WHERE kind = ?", (DIGEST_JOB,)
        ).fetchone()[0]
    )
    assert payload == {"week": week_start(NOW.date()).isoformat()}


def test_a_digest_more_than_a_day_late_waits_for_next_week(seeded: Services) -> None:
    monday_8 = dataclasses.replace(seeded.settings, digest_schedule=(0, 8, 0), desk_chat_id=DESK)
    seeded.settings = monday_8  # NOW is Wednesday: Monday's digest is old news
    assert not queue_due_digest(seeded)
    seeded.settings = dataclasses.replace(monday_8, digest_schedule=(2, 9, 0))
    assert queue_due_digest(seeded)  # Wednesday 09:00 WIB: eight hours late, still sent
