"""The reporter key and the database: choosing the key at start, sealing plain rows left by
older versions, and re-sealing every row under a new key (rotation).

Kept apart from bot/storage/sealing.py (the crypto) because this is the part that knows the
tables: one list, `SEALED`, says where sealed values and tags live, and both the first-start
migration and the rotation walk it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.core.clock import Clock, to_text
from bot.storage.database import Database
from bot.storage.persistence import CONVERSATION, USER_STATE
from bot.storage.reports.cases import REPORTER
from bot.storage.reports.drafts import DRAFT
from bot.storage.reports.views import SHOWN
from bot.storage.repositories import USER
from bot.storage.sealing import (
    KeySource,
    Sealer,
    SealError,
    default_key_file,
    new_key_text,
    write_key_file,
)

log = logging.getLogger(__name__)
# Every purpose a value is sealed or tagged for (a value sealed for one opens for no other).
PURPOSES = (REPORTER, SHOWN, DRAFT, USER, USER_STATE, CONVERSATION)
BATCH = 500  # rows re-sealed per transaction: the running bot waits at most one batch


# -- choosing the key at start ---------------------------------------------------------------
def has_sealed_rows(db: Database) -> bool:
    """Whether anything in the database needs a key to be read (or was sealed before)."""
    tables = ("reporter_keys", "report_links", "sealed_drafts", "sealed_user_state")
    return any(db.one(f"SELECT 1 FROM {table} LIMIT 1") for table in tables)


def open_sealer(
    env_key: str | None,
    key_file: Path | None,
    data_dir: Path | None,
    db: Database,
    create: bool = True,
) -> Sealer:
    """The sealer for this database, or a SealError saying in one line what to fix.

    Without any key configured and nothing sealed yet, a key file is created in the
    default place (outside the data directory) and one line says where and to back it
    up, so the README's one run command keeps working."""
    if env_key:
        source = KeySource(env_keys=env_key)
    else:
        source = KeySource(file=key_file or default_key_file())
        _outside_data(source.file, data_dir)
        if not source.file.exists():
            _missing_file(source.file, explicit=key_file is not None, db=db, create=create)
    sealer = Sealer.from_texts(source.load(), source)
    check_key(db, sealer, source.describe())
    return sealer


def _outside_data(file: Path | None, data_dir: Path | None) -> None:
    assert file is not None
    if data_dir is None:  # the data is on a database server, not beside the key
        return
    if file.resolve().is_relative_to(data_dir.resolve()):
        raise SealError(
            f"REPORTER_KEY_FILE: {file} is inside the data directory {data_dir}; keep the key "
            "apart from the data (a copy of one must not carry the other)"
        )


def _missing_file(file: Path, explicit: bool, db: Database, create: bool) -> None:
    if has_sealed_rows(db):
        raise SealError(
            f"No reporter key: {file} does not exist, and this database holds sealed "
            "reporters. Restore the key file from your backup (or set REPORTER_KEY)"
        )
    if explicit or not create:
        raise SealError(
            f"REPORTER_KEY_FILE: {file} does not exist; create it with `python -m bot keys init`"
        )
    write_key_file(file, [new_key_text()])
    log.warning(
        "created the reporter key %s: back it up, without it reporters cannot be reached", file
    )


def check_key(db: Database, sealer: Sealer, where: str) -> None:
    """Refuse a key that is not the one the database was sealed with; remember the key
    of a database sealed for the first time."""
    recorded = {r[0] for r in db.all("SELECT key_id FROM reporter_keys")}
    loaded = [k.id for k in sealer.keys]
    if recorded and not recorded.intersection(loaded):
        raise SealError(
            f"The reporter key from {where} (id {loaded[0]}) is not the key this database "
            f"was sealed with (id {', '.join(sorted(recorded))}); start with the right key"
        )
    if not recorded:
        db.execute(
            "INSERT INTO reporter_keys (key_id, added_at) VALUES (?, ?)",
            (loaded[0], to_text(Clock().now())),
        )


# -- where sealed values live ----------------------------------------------------------------
@dataclass(frozen=True)
class SealedColumn:
    """One table's sealed values. `reseal` turns an old row's values into new ones under
    the sealer's current key (the id is opened from the row itself, never stored plain)."""

    table: str
    key: str  # the primary key columns, comma-separated
    sealed: str  # a column that holds a sealed value (NULL: nothing to seal)
    columns: tuple[str, ...]
    reseal: Callable[[Sealer, dict], dict]


def _link(s: Sealer, row: dict) -> dict:
    user = s.open(row["reporter_sealed"], REPORTER)
    return {"reporter_tag": s.tag(REPORTER, user), "reporter_sealed": s.seal(user, REPORTER)}


def _by_user(purpose: str, *data: str) -> Callable[[Sealer, dict], dict]:
    def reseal(s: Sealer, row: dict) -> dict:
        user = s.open(row["user_sealed"], purpose)
        values = {"user_tag": s.tag(purpose, user), "user_sealed": s.seal(user, purpose)}
        values.update({c: s.seal(s.open(row[c], purpose), purpose) for c in data})
        return values

    return reseal


def _shown(s: Sealer, row: dict) -> dict:
    return {"shown_identity": s.seal(s.open(row["shown_identity"], SHOWN), SHOWN)}


def _conversation(s: Sealer, row: dict) -> dict:
    plain = s.open(row["key_sealed"], CONVERSATION)
    key = json.loads(plain)
    user = key[-1] if key and isinstance(key[-1], int) else None
    return {
        "conv_key": s.tag(CONVERSATION, plain),
        "key_sealed": s.seal(plain, CONVERSATION),
        "user_tag": None if user is None else s.tag(USER_STATE, user),
    }


SEALED = (
    SealedColumn("report_links", "report_id", "reporter_sealed", ("reporter_sealed",), _link),
    SealedColumn("reports", "id", "shown_identity", ("shown_identity",), _shown),
    SealedColumn(
        "sealed_drafts", "user_tag", "user_sealed", ("user_sealed", "data"), _by_user(DRAFT, "data")
    ),
    SealedColumn("sealed_users", "user_tag", "user_sealed", ("user_sealed",), _by_user(USER)),
    SealedColumn(
        "sealed_user_state",
        "user_tag",
        "user_sealed",
        ("user_sealed", "data"),
        _by_user(USER_STATE, "data"),
    ),
    SealedColumn(
        "conversation_states", "name, conv_key", "key_sealed", ("key_sealed",), _conversation
    ),
)


# -- rotation --------------------------------------------------------------------------------
def _stale_rows(db: Database, column: SealedColumn, key_id: str) -> Iterator[list[dict]]:
    """Batches of rows not yet sealed under `key_id`, until none is left (rows written
    meanwhile by the running bot under an older key are picked up by the next batch)."""
    wanted = ", ".join((column.key, *column.columns))
    while True:
        rows = db.all(
            f"SELECT {wanted} FROM {column.table} WHERE {column.sealed} IS NOT NULL "
            f"AND {column.sealed} NOT LIKE ? LIMIT {BATCH}",
            (key_id + ".%",),
        )
        if not rows:
            return
        yield [dict(r) for r in rows]


def reseal_all(db: Database, sealer: Sealer) -> int:
    """Re-seal and re-tag every row under the sealer's current key; returns how many. The
    new key is recorded first: an interrupted rotation leaves rows under both keys, and
    the database accepts either until a rotation finishes."""
    total = 0
    key_id = sealer.current.id
    db.execute(
        "INSERT INTO reporter_keys (key_id, added_at) VALUES (?, ?) "
        "ON CONFLICT (key_id) DO NOTHING",
        (key_id, to_text(Clock().now())),
    )
    for column in SEALED:
        keys = [k.strip() for k in column.key.split(",")]
        for batch in _stale_rows(db, column, key_id):
            with db.transaction():
                for row in batch:
                    values = column.reseal(sealer, row)
                    sets = ", ".join(f"{c} = ?" for c in values)
                    where = " AND ".join(f"{k} = ?" for k in keys)
                    db.execute(
                        f"UPDATE {column.table} SET {sets} WHERE {where}",
                        (*values.values(), *(row[k] for k in keys)),
                    )
            total += len(batch)
    return total


def finish_rotation(db: Database, sealer: Sealer) -> None:
    """Only the current key is the database's key now."""
    db.execute("DELETE FROM reporter_keys WHERE key_id != ?", (sealer.current.id,))
    db.scrub()


def rotate_key_file(db: Database, file: Path, old: list[str]) -> tuple[str, int]:
    """The whole rotation with a key file: add a new key in front (the running bot picks
    it up), re-seal every row, then drop the old keys. Returns (new key id, rows)."""
    new = new_key_text()
    write_key_file(file, [new, *old])
    sealer = Sealer.from_texts([new, *old], KeySource(file=file))
    count = reseal_all(db, sealer)
    finish_rotation(db, sealer)
    write_key_file(file, [new])
    return sealer.current.id, count


# -- plain rows from before sealing ----------------------------------------------------------
def seal_plain_rows(db: Database, sealer: Sealer) -> int:
    """Seal what versions before migration 0010 stored in plain text, delete the plain
    rows, and rebuild the file so no page (nor the write-ahead log) keeps an old copy.
    Returns how many rows were sealed; 0 costs a few indexed look-ups."""
    count = 0
    with db.transaction():
        for move in (_links, _shown_names, _drafts, _users, _user_state, _conversations):
            count += move(db, sealer)
    if count:
        if db.dialect == "sqlite":  # PostgreSQL reclaims old row versions by autovacuum
            db.execute("VACUUM")
        db.scrub()
        log.info("sealed %d plain row(s) from before sealing", count)
    return count


def _links(db: Database, s: Sealer) -> int:
    rows = db.all("SELECT * FROM report_reporters")
    for r in rows:
        user = str(r["user_id"])
        db.execute(
            "INSERT INTO report_links (report_id, reporter_tag, reporter_sealed, language, "
            "forget_after_delivery, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                r["report_id"],
                s.tag(REPORTER, user),
                s.seal(user, REPORTER),
                r["language"],
                r["forget_after_delivery"],
                r["created_at"],
            ),
        )
    db.execute("DELETE FROM report_reporters")
    return len(rows)


def _shown_names(db: Database, s: Sealer) -> int:
    rows = db.all("SELECT id, shown_identity FROM reports WHERE shown_identity LIKE '{%'")
    for r in rows:
        db.execute(
            "UPDATE reports SET shown_identity = ? WHERE id = ?",
            (s.seal(r["shown_identity"], SHOWN), r["id"]),
        )
    return len(rows)


def _drafts(db: Database, s: Sealer) -> int:
    rows = db.all("SELECT * FROM report_drafts")
    for r in rows:
        user = str(r["user_id"])
        db.execute(
            "INSERT INTO sealed_drafts (user_tag, user_sealed, data, updated_at) "
            "VALUES (?, ?, ?, ?)",
            (s.tag(DRAFT, user), s.seal(user, DRAFT), s.seal(r["data"], DRAFT), r["updated_at"]),
        )
    db.execute("DELETE FROM report_drafts")
    return len(rows)


def _users(db: Database, s: Sealer) -> int:
    rows = db.all("SELECT user_id, language FROM users")
    now = to_text(Clock().now())
    for r in rows:
        user = str(r["user_id"])
        db.execute(
            "INSERT INTO sealed_users (user_tag, user_sealed, language, updated_at) "
            "VALUES (?, ?, ?, ?)",
            (s.tag(USER, user), s.seal(user, USER), r["language"], now),
        )
    db.execute("DELETE FROM users")
    return len(rows)


def _user_state(db: Database, s: Sealer) -> int:
    rows = db.all("SELECT * FROM user_state")
    for r in rows:
        user = str(r["user_id"])
        db.execute(
            "INSERT INTO sealed_user_state (user_tag, user_sealed, data, updated_at) "
            "VALUES (?, ?, ?, ?)",
            (
                s.tag(USER_STATE, user),
                s.seal(user, USER_STATE),
                s.seal(r["data"], USER_STATE),
                r["updated_at"],
            ),
        )
    db.execute("DELETE FROM user_state")
    return len(rows)


def _conversations(db: Database, s: Sealer) -> int:
    rows = db.all("SELECT name, conv_key FROM conversation_states WHERE key_sealed IS NULL")
    for r in rows:
        plain = json.dumps(json.loads(r["conv_key"]))  # the form set_conversation tags
        values = _conversation(s, {"key_sealed": s.seal(plain, CONVERSATION)})
        db.execute(
            "UPDATE conversation_states SET conv_key = ?, key_sealed = ?, user_tag = ?, "
            "user_id = NULL WHERE name = ? AND conv_key = ?",
            (*values.values(), r["name"], r["conv_key"]),
        )
    return len(rows)
