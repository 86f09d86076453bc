"""The report repositories on a real SQLite file: atomic submission, counts, the outbox
order, forgetting and retention."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.clock import ShiftedClock
from bot.core.reports.case_status import Outcome, Status
from bot.core.reports.draft import Draft, Evidence, ShownIdentity
from bot.services import Services
from bot.storage import Database
from bot.storage.reports import RECEIVED

ROOT = Path(__file__).resolve().parents[1]
USER = 42


@pytest.fixture
def svc(database: Path | str) -> Iterator[Services]:
    """Services over each backend in turn (see `database` in conftest.py)."""
    settings = Settings(content_dir=ROOT / "content", desk_chat_id=-100)
    services = Services.build(settings, Database.open(database))
    services.report_outbox.clock = ShiftedClock()
    yield services
    services.db.close()


def draft(details: str = "Calo Budi 0812-3456-7890 minta uang, PT Maju Jaya") -> Draft:
    return Draft(
        category="recruiter",
        province="jawa-timur",
        place="Cirebon",
        details=details,
        evidence=[
            Evidence("photo", 10, "file-1", 1000, "kwitansi"),
            Evidence("note", 11, text="x"),
        ],
    )


def desk_due(svc: Services) -> list:
    """Due outbox jobs for the desk (the reporters' confirmations are not ordered with them)."""
    return [j for j in svc.report_outbox.due() if j.kind != RECEIVED]


def test_submission_stores_everything_at_once(svc: Services) -> None:
    report = svc.reports.submit(draft(), USER, "id", None)
    assert report.status is Status.NEW and report.code.startswith("LP-")
    assert [e.kind for e in svc.reports.evidence(report.id)] == ["photo", "note"]
    assert svc.reporters.link(report.id).user_id == USER
    jobs = desk_due(svc)
    assert [(j.kind, j.report_id) for j in jobs] == [("card", report.id)]
    received = [j for j in svc.report_outbox.due() if j.kind == RECEIVED]
    assert [j.payload for j in received] == [{"report": report.id}]  # the reporter's code
    assert {i.display for i in svc.reports.identifiers(report.id)} == {
        "+6281234567890",
        "PT MAJU JAYA",
    }


def test_a_failed_submission_leaves_no_trace(svc: Services, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(svc.report_outbox, "enqueue", broken)
    svc.report_drafts.save(USER, draft())
    with pytest.raises(RuntimeError):
        svc.reports.submit(draft(), USER, "id", None)
    assert svc.db.one("SELECT COUNT(*) FROM reports")[0] == 0
    assert svc.db.one("SELECT COUNT(*) FROM report_identifiers")[0] == 0
    assert svc.report_drafts.get(USER) is not None  # the reporter can try again


def test_identifiers_count_the_reports_they_appear_in(svc: Services) -> None:
    first = svc.reports.submit(draft(), USER, "id", None)
    second = svc.reports.submit(draft("Nomor +62 812 3456 7890 lagi"), USER + 1, "id", None)
    [phone] = svc.reports.identifiers(second.id)
    assert phone.other_reports == 1 and phone.other_codes == (first.code,)
    first_phone = next(i for i in svc.reports.identifiers(first.id) if i.kind == "phone")
    assert first_phone.other_codes == (second.code,)


def test_a_relay_waits_for_its_card_but_not_for_other_cases(svc: Services) -> None:
    one = svc.reports.submit(draft(), USER, "id", None)
    two = svc.reports.submit(draft(), USER + 1, "id", None)
    svc.reporters.relay("to_desk", one.id, {"message_id": 5, "kind": "text", "text": "hi"})
    due = desk_due(svc)
    assert [(j.kind, j.report_id) for j in due] == [("card", one.id), ("card", two.id)]
    svc.report_outbox.retry(due[0].id, 60, "502")
    assert [(j.kind, j.report_id) for j in desk_due(svc)] == [("card", two.id)]
    svc.report_outbox.clock.advance(seconds=61)
    svc.report_outbox.done(due[0].id)
    kinds = [j.kind for j in desk_due(svc)]
    assert kinds == ["card", "to_desk"]


def test_status_changes_are_checked_recorded_and_announced(svc: Services) -> None:
    report = svc.reports.submit(draft(), USER, "id", None)
    svc.report_outbox.done(desk_due(svc)[0].id)
    assert svc.reports.change_status(report.id, Status.CLOSED, None, "Budi", 7) is None
    closed = svc.reports.change_status(report.id, Status.CLOSED, Outcome.POLICE, "Budi", 7)
    assert closed.status is Status.CLOSED and closed.outcome is Outcome.POLICE
    pending = svc.db.all(
        "SELECT kind FROM report_outbox WHERE state = 'pending' AND kind != ? ORDER BY id",
        (RECEIVED,),
    )
    assert [j["kind"] for j in pending] == ["card_refresh", "notify"]
    assert [r["status"] for r in svc.reports.history(report.id)] == ["closed"]


def test_people_prevented_are_stored_announced_and_cleared_on_reopening(svc: Services) -> None:
    report = svc.reports.submit(draft(), USER, "id", None)
    change = svc.reports.change_status
    assert change(report.id, Status.CLOSED, Outcome.PREVENTED, "Budi", 7) is None
    assert change(report.id, Status.CLOSED, Outcome.POLICE, "Budi", 7, people=2) is None
    closed = change(report.id, Status.CLOSED, Outcome.PREVENTED, "Budi", 7, people=3)
    assert closed.outcome is Outcome.PREVENTED and closed.outcome_people == 3
    notify = svc.db.one("SELECT payload FROM report_outbox WHERE kind = 'notify' ORDER BY id DESC")
    assert json.loads(notify["payload"])["people"] == 3
    reopened = change(report.id, Status.IN_PROGRESS, None, "Budi", 7)
    assert reopened.outcome is None and reopened.outcome_people is None


def test_reminders_are_queued_at_the_deadline_and_stop_once_acknowledged(svc: Services) -> None:
    urgent = Draft(**{**draft().__dict__, "category": "departure"})
    report = svc.reports.submit(urgent, USER, "id", None)
    assert svc.reports.queue_due_reminders() == 0
    svc.report_outbox.clock.advance(minutes=16)
    assert svc.reports.queue_due_reminders() == 1
    assert svc.reports.queue_due_reminders() == 0  # not again until the next window
    svc.reports.change_status(report.id, Status.ACKNOWLEDGED, None, "Budi", 7)
    svc.report_outbox.clock.advance(hours=5)
    assert svc.reports.queue_due_reminders() == 0


def test_forgetting_a_user_keeps_the_link_only_until_the_card_is_delivered(svc: Services) -> None:
    shown = ShownIdentity(USER, "Siti", "siti")
    delivered = svc.reports.submit(draft(), USER, "id", shown)
    svc.reports.card_sent(delivered.id, -100, 1)
    svc.report_outbox.done(desk_due(svc)[0].id)
    waiting = svc.reports.submit(draft(), USER, "id", None)

    assert svc.reporters.forget_user(USER) == 2
    assert svc.reporters.link(delivered.id) is None
    assert svc.reports.get(delivered.id).shown_identity is None
    assert svc.reporters.link(waiting.id).forget_after_delivery  # evidence still to copy
    assert svc.reporters.cases_of(USER) == []
    svc.reporters.delivered(waiting.id)
    assert svc.reporters.link(waiting.id) is None
    assert svc.reports.get(waiting.id) is not None  # the report itself stays


def test_retention_unlinks_reporters_from_long_closed_cases_only(svc: Services) -> None:
    closed = svc.reports.submit(draft(), USER, "id", None)
    still_open = svc.reports.submit(draft(), USER, "id", None)
    svc.reports.change_status(closed.id, Status.CLOSED, Outcome.NOT_CONFIRMED, "Budi", 7)
    clock = svc.report_outbox.clock
    assert svc.reporters.forget_finished(clock.now() - dt.timedelta(days=30)) == 0
    clock.advance(days=31)
    assert svc.reporters.forget_finished(clock.now() - dt.timedelta(days=30)) == 1
    assert svc.reporters.link(closed.id) is None
    assert svc.reporters.link(still_open.id) is not None


def test_drafts_round_trip_and_expire(svc: Services) -> None:
    svc.report_drafts.save(USER, draft())
    saved, _when = svc.report_drafts.get(USER)
    assert saved == draft()
    assert svc.report_drafts.purge(svc.report_outbox.clock.now() + dt.timedelta(seconds=1)) == 1
    assert svc.report_drafts.get(USER) is None


def test_spam_reports_do_not_count_as_sightings(svc: Services) -> None:
    spam = svc.reports.submit(draft(), USER, "id", None)
    svc.reports.change_status(spam.id, Status.SPAM, None, "Budi", 7)
    real = svc.reports.submit(draft(), USER + 1, "id", None)
    phone = next(i for i in svc.reports.identifiers(real.id) if i.kind == "phone")
    assert phone.other_reports == 0 and phone.other_codes == ()


def test_urgent_reports_go_to_the_desk_first(svc: Services) -> None:
    normal = svc.reports.submit(Draft(**{**draft().__dict__, "when": "later"}), USER, "id", None)
    urgent = svc.reports.submit(
        Draft(**{**draft().__dict__, "category": "departure"}), USER, "id", None
    )
    assert [j.report_id for j in desk_due(svc)] == [urgent.id, normal.id]
