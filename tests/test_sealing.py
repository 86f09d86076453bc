"""The reporter key: sealing and tags, choosing the key at start (and refusing a missing or
wrong one), sealing a database from before issue 15, key rotation, and the audit trail."""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import Settings
from bot.core.clock import ShiftedClock
from bot.core.reports.draft import Draft, ShownIdentity
from bot.services import Services, build_sealer
from bot.storage import Database, database
from bot.storage.audit import DeskAudit
from bot.storage.persistence import StateStore
from bot.storage.sealed_rows import SEALED, check_key, open_sealer, rotate_key_file
from bot.storage.sealing import (
    KeySource,
    ReporterKey,
    Sealer,
    SealError,
    default_key_file,
    new_key_text,
    read_key_file,
    write_key_file,
)
from tests.conftest import database_url

ROOT = Path(__file__).resolve().parents[1]
OLD_ID, OLD_NAME, OLD_HANDLE = 6_200_000_123, "Larasati", "laras_tersembunyi"


def sealer(*texts: str) -> Sealer:
    return Sealer.from_texts(list(texts or [new_key_text()]))


def draft(shown: ShownIdentity | None = None) -> Draft:
    return Draft(
        category="recruiter",
        province="jawa-timur",
        details="Calo minta uang muka",
        identity=shown,
    )


def settings_for(tmp_path: Path, **changes) -> Settings:
    base = Settings(
        content_dir=ROOT / "content",
        desk_chat_id=-100,
        database_url=f"sqlite:///{tmp_path / 'data' / 'bot.sqlite3'}",
        reporter_key_file=tmp_path / "keys" / "reporter.key",
    )
    return dataclasses.replace(base, **changes)


# -- the crypto --------------------------------------------------------------------------------
def test_a_sealed_value_opens_with_its_key_and_purpose_only() -> None:
    one, other = sealer(), sealer()
    sealed = one.seal("6100000000", "reporter")
    assert "6100000000" not in sealed and sealed.startswith(one.current.id + ".")
    assert one.open(sealed, "reporter") == "6100000000"
    assert one.seal("6100000000", "reporter") != sealed  # a fresh nonce every time
    with pytest.raises(SealError):
        one.open(sealed, "draft")  # copied into another column, it does not open
    with pytest.raises(SealError):
        other.open(sealed, "reporter")


def test_tags_find_a_person_under_every_loaded_key_and_reveal_nothing() -> None:
    old, new = new_key_text(), new_key_text()
    both = sealer(new, old)
    assert both.tag("reporter", 42) == sealer(new).tag("reporter", 42)
    assert both.tags("reporter", 42) == (
        sealer(new).tag("reporter", 42),
        sealer(old).tag("reporter", 42),
    )
    assert both.tag("reporter", 42) != both.tag("draft", 42) != both.tag("reporter", 43)
    assert len(both.tag("reporter", 42)) == 32  # 128 bits of HMAC-SHA256, hex


def test_a_key_that_is_not_a_key_is_one_clear_error() -> None:
    with pytest.raises(SealError, match="not a reporter key"):
        Sealer.from_texts(["hunter2"], KeySource(env_keys="hunter2"))
    assert "secret" not in repr(ReporterKey(b"secret" * 5 + b"xx"))
    assert "reporter_key" not in repr(Settings(reporter_key=new_key_text())).replace(
        "reporter_key_file", ""
    )


# -- choosing the key at start -----------------------------------------------------------------
def test_a_first_start_creates_the_key_outside_the_data_and_says_so_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    settings = settings_for(tmp_path, reporter_key_file=None)
    db = Database.open(settings.database_path)
    with caplog.at_level(logging.INFO, logger="bot.storage"):
        build_sealer(settings, db)
    file = default_key_file()
    assert file.is_file() and file.stat().st_mode & 0o077 == 0
    lines = [r.getMessage() for r in caplog.records if "reporter key" in r.getMessage()]
    assert len(lines) == 1 and str(file) in lines[0] and "back it up" in lines[0]
    build_sealer(settings, db)  # the second start reuses it, silently
    assert len(read_key_file(file)) == 1


def test_a_missing_or_wrong_key_for_a_sealed_database_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for(tmp_path)
    write_key_file(settings.reporter_key_file, [new_key_text()])
    db = Database.open(settings.database_path)
    Services.build(settings, db).reports.submit(draft(), OLD_ID, "id", None)
    with pytest.raises(SealError, match="not the key this database was sealed with"):
        build_sealer(dataclasses.replace(settings, reporter_key=new_key_text()), db)
    moved = tmp_path / "elsewhere.key"
    shutil.move(settings.reporter_key_file, moved)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "empty-config"))
    with pytest.raises(SealError, match="holds sealed reporters"):
        build_sealer(dataclasses.replace(settings, reporter_key_file=None), db)
    inside = settings.database_path.parent / "reporter.key"
    with pytest.raises(SealError, match="inside the data directory"):
        build_sealer(dataclasses.replace(settings, reporter_key_file=inside), db)


def test_starting_the_bot_with_a_wrong_key_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    settings = settings_for(tmp_path)
    write_key_file(settings.reporter_key_file, [new_key_text()])
    db = Database.open(settings.database_path)
    Services.build(settings, db).reports.submit(draft(), OLD_ID, "id", None)
    db.close()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_TOKEN", "123456:" + "A" * 35)
    monkeypatch.setenv("CONTENT_DIR", str(ROOT / "content"))
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("REPORTER_KEY", new_key_text())
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not the key this database was sealed with" in err[0]


# -- a database from before sealing ------------------------------------------------------------
def plain_database(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database as versions before migration 0010 left it, with one reporter in every
    table that named them in plain text."""
    real = database.migrations
    with monkeypatch.context() as m:
        m.setattr(
            database, "migrations", lambda *a, **k: [x for x in real(*a, **k) if x[0] < "0010"]
        )
        db = Database.open(path)
    shown = {"user_id": OLD_ID, "name": OLD_NAME, "username": OLD_HANDLE, "phone": None}
    now = "2026-12-01T10:00:00+00:00"
    db.execute(
        "INSERT INTO reports (code, category, province, details, shown_identity, created_at, "
        "ack_due_at) VALUES ('LP-7KQ4M', 'recruiter', 'jawa-timur', 'x', ?, ?, ?)",
        (json.dumps(shown), now, now),
    )
    db.execute(
        "INSERT INTO report_reporters (report_id, user_id, language, created_at) "
        "VALUES (1, ?, 'id', ?)",
        (OLD_ID, now),
    )
    db.execute("INSERT INTO report_relays VALUES (1, 55, ?)", (now,))
    data = json.dumps(draft(ShownIdentity(OLD_ID, OLD_NAME, OLD_HANDLE)).to_dict())
    db.execute("INSERT INTO report_drafts VALUES (?, ?, ?)", (OLD_ID, data, now))
    db.execute("INSERT INTO users (user_id, language) VALUES (?, 'en')", (OLD_ID,))
    db.execute(
        "INSERT INTO user_state VALUES (?, ?, ?)", (OLD_ID, json.dumps({"relay": 1}), time.time())
    )
    db.execute(
        "INSERT INTO conversation_states (name, conv_key, user_id, state, updated_at) "
        "VALUES ('report', ?, ?, '3', ?)",
        (json.dumps([OLD_ID, OLD_ID]), OLD_ID, time.time()),
    )
    db.close()


@pytest.fixture
def data_url(database: Path | str, tmp_path: Path) -> Path | str:
    """`database`, with the SQLite file in a data folder apart from the key folder."""
    return tmp_path / "data" / "bot.sqlite3" if isinstance(database, Path) else database


@pytest.fixture(params=["sqlite", "postgresql"])
def plain_url(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Like `database`, but the PostgreSQL database is bare: `plain_database` migrates it only
    up to the version before sealing."""
    if request.param == "sqlite":
        return tmp_path / "data" / "bot.sqlite3"
    server = request.getfixturevalue("postgres_server")
    request.getfixturevalue("postgres_url")  # the loop guard, and the same clean-up
    url = server.fresh(migrated=False)
    request.addfinalizer(lambda: server.drop(url))
    return url


def plain_traces(path: Path) -> list[bytes]:
    blobs = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    needles = [
        str(OLD_ID).encode(),
        OLD_ID.to_bytes(6, "big"),
        OLD_NAME.encode(),
        OLD_HANDLE.encode(),
    ]
    return [n for n in needles if n in blobs]


# SQLite only: the proof is a byte scan of the SQLite file and its WAL (plain_traces); an
# installation from before sealing (migration 0010) was a SQLite one: PostgreSQL came after.
def test_the_first_start_with_a_key_seals_every_plain_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for(tmp_path)
    write_key_file(settings.reporter_key_file, [new_key_text()])
    path = settings.database_path
    plain_database(path, monkeypatch)
    assert plain_traces(path)  # the control: the old database names the reporter

    svc = Services.build(settings, Database.open(path))
    svc.report_outbox.clock = ShiftedClock()
    svc.db.close()
    assert not plain_traces(path), "a plain id or name survived the sealing migration"

    svc = Services.build(settings, Database.open(path))  # nothing is lost
    assert svc.reporters.link(1).user_id == OLD_ID
    assert [c.code for c in svc.reporters.cases_of(OLD_ID)] == ["LP-7KQ4M"]
    assert svc.reporters.case_of_reply(OLD_ID, 55) == 1
    assert svc.reports.get(1).shown_identity.username == OLD_HANDLE
    assert svc.report_drafts.get(OLD_ID)[0].identity.name == OLD_NAME
    assert svc.users.language(OLD_ID) == "en"
    store = StateStore(svc.db, svc.sealer)
    assert store.all_user_data() == {OLD_ID: {"relay": 1}}
    assert store.conversations("report") == {(OLD_ID, OLD_ID): 3}
    for table in ("report_reporters", "report_drafts", "users", "user_state"):
        assert svc.db.one(f"SELECT COUNT(*) FROM {table}")[0] == 0


# -- rotation ----------------------------------------------------------------------------------
def test_rotation_reseals_everything_while_a_running_bot_keeps_finding_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plain_url: Path | str
) -> None:
    settings = settings_for(tmp_path, database_url=database_url(plain_url))
    write_key_file(settings.reporter_key_file, [new_key_text()])
    plain_database(plain_url, monkeypatch)
    svc = Services.build(settings, Database.open(plain_url))
    for user in range(1, 31):
        svc.reports.submit(draft(), user, "id", ShownIdentity(user, f"N{user}"))
    old_key = read_key_file(settings.reporter_key_file)
    old_id = svc.sealer.current.id

    key_id, count = rotate_key_file(svc.db, settings.reporter_key_file, old_key)
    assert count == 30 + 30 + 6 and key_id != old_id  # links, names, the old person's 6
    assert read_key_file(settings.reporter_key_file) != old_key
    for column in SEALED:
        stale = svc.db.one(
            f"SELECT COUNT(*) FROM {column.table} WHERE {column.sealed} LIKE ?", (old_id + ".%",)
        )
        assert stale[0] == 0, column.table
    # the running bot's sealer reloads the changed key file and finds everyone
    assert svc.sealer.current.id == key_id
    assert [c.code for c in svc.reporters.cases_of(OLD_ID)] == ["LP-7KQ4M"]
    assert svc.reporters.link(31).user_id == 30 and svc.users.language(OLD_ID) == "en"
    assert StateStore(svc.db, svc.sealer).conversations("report") == {(OLD_ID, OLD_ID): 3}
    with pytest.raises(SealError, match="not the key"):
        check_key(svc.db, sealer(*old_key), "the old key")


def test_keys_rotate_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, data_url
) -> None:
    settings = settings_for(tmp_path, database_url=database_url(data_url))
    write_key_file(settings.reporter_key_file, [new_key_text()])
    db = Database.open(data_url)
    Services.build(settings, db).reports.submit(draft(), OLD_ID, "id", None)
    db.close()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONTENT_DIR", str(ROOT / "content"))
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("REPORTER_KEY_FILE", str(settings.reporter_key_file))
    assert main(["keys", "rotate"]) == 0
    assert "1 row(s) re-sealed" in capsys.readouterr().out
    monkeypatch.setenv("REPORTER_KEY", read_key_file(settings.reporter_key_file)[0])
    assert main(["keys", "rotate"]) == 2  # one key in REPORTER_KEY: it says what to do
    assert "REPORTER_KEY=NEW,OLD" in capsys.readouterr().err


def test_with_the_key_in_the_environment_rotation_takes_new_and_old(
    tmp_path: Path, data_url: Path | str
) -> None:
    old, new = new_key_text(), new_key_text()
    db = Database.open(data_url)
    first = open_sealer(old, None, tmp_path / "data", db)
    Services.build(Settings(content_dir=ROOT / "content", reporter_key=old), db).reports.submit(
        draft(), OLD_ID, "id", None
    )
    both = open_sealer(f"{new},{old}", None, tmp_path / "data", db)
    from bot.storage.sealed_rows import finish_rotation, reseal_all

    assert reseal_all(db, both) == 1
    finish_rotation(db, both)
    with pytest.raises(SealError):
        check_key(db, first, "REPORTER_KEY")
    assert open_sealer(new, None, tmp_path / "data", db).current.id == both.current.id


# -- the audit trail ---------------------------------------------------------------------------
def test_the_audit_trail_can_only_be_appended_to() -> None:
    """No code path updates or deletes audit entries (the repository has no such method,
    and no other module names the table in a write)."""
    assert {m for m in vars(DeskAudit) if not m.startswith("_")} == {"record", "for_case", "recent"}
    for path in (ROOT / "bot").rglob("*.py"):
        text = path.read_text(encoding="utf-8").lower()
        for verb in ("update desk_audit", "delete from desk_audit", "drop table desk_audit"):
            assert verb not in text, (path, verb)


def test_audit_prints_a_cases_trail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, data_url
) -> None:
    settings = settings_for(tmp_path, database_url=database_url(data_url))
    write_key_file(settings.reporter_key_file, [new_key_text()])
    svc = Services.build(settings, Database.open(data_url))
    report = svc.reports.submit(draft(), OLD_ID, "id", None)
    from bot.core.reports.case_status import Status

    svc.reports.change_status(report.id, Status.ACKNOWLEDGED, None, "Budi (@budi)", 7001)
    svc.audit.record("reply", 7001, "Budi (@budi)", report.id, detail="text")
    svc.db.close()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONTENT_DIR", str(ROOT / "content"))
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    assert main(["audit", "--case", report.code.lower()]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split("\t")[2] for line in lines] == ["status", "reply"]
    assert all(report.code in line and "7001" in line for line in lines)
    assert str(OLD_ID) not in "".join(lines)
    assert main(["audit", "--case", "nonsense!"]) == 2


def test_sqlite_file_scan_helper_is_not_fooled(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (a INTEGER)")
    conn.execute("INSERT INTO t VALUES (?)", (OLD_ID,))
    conn.commit()
    conn.close()
    assert OLD_ID.to_bytes(6, "big") in plain_traces(path)
