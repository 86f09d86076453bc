"""The database behind one small class: SQLite (WAL) by default, PostgreSQL on request.

Writes are tiny and one process is active at a time (see `lease.py`), so a single connection
is enough and keeps every write ordered. SQLite runs in WAL so benchmarks and tools read
while the bot writes; PostgreSQL (`DATABASE_URL=postgresql://…`, psycopg 3) is the shared
store a ministry's IT team operates.

Repositories write one SQL text for both: `?` or `:name` placeholders, rows read by index
or by name. `PostgresDatabase` translates the few differences at the edge (placeholders,
`CURRENT_TIMESTAMP` as text, `GROUP_CONCAT`, the `window` column name, booleans and numeric
results) so no repository needs an `if postgres` branch.

Migrations are plain SQL files, `migrations/NNNN_name.sql`, applied in order at start-up
and recorded in `schema_migrations`, so a feature adds a file, never edits one. They are
written once in SQLite's dialect and translated for PostgreSQL (`INTEGER` becomes `BIGINT`,
since Telegram ids need 64 bits; `AUTOINCREMENT` an identity column; `BLOB` `BYTEA`;
`REAL` `DOUBLE PRECISION`). A migration that cannot be translated gets a hand-written
twin in `migrations/postgresql/` with the same file name, used on PostgreSQL instead.

Code on the event loop (handlers, jobs, the outbox, persistence) never queries directly:
`await db.run(fn, *args)` runs a synchronous function of repository calls on the database's
own thread on PostgreSQL, so a slow round trip never blocks the loop (in place on SQLite).
Start-up before the loop, shutdown and the command-line tools query directly. Tests prove
it with `loop_guard` (see docs/deploy.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import re
import sqlite3
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import psycopg
import psycopg.adapt
import psycopg.postgres

log = logging.getLogger(__name__)

T = TypeVar("T")
Params = Sequence[Any] | dict[str, Any]

#: Catch this, not a driver's own class, when a constraint may refuse a write.
IntegrityError = (sqlite3.IntegrityError, psycopg.IntegrityError)
#: Any failure of either driver (for one-line errors in the command-line tools).
DatabaseError = (sqlite3.Error, psycopg.Error)

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
#: The advisory lock that lets one process migrate while the others wait.
MIGRATION_LOCK = 0x6D6967726174  # "migrat"


def is_postgres(target: object) -> bool:
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


class Database:
    """SQLite; `Database.open` returns a `PostgresDatabase` for a postgresql:// URL."""

    dialect = "sqlite"

    def __init__(self, path: Path | str) -> None:
        path = str(path).removeprefix("sqlite:///")
        self.path = Path(path)
        if path != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn: Any = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=30
        )
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA busy_timeout=30000")
        # Deleted rows are overwritten with zeros, not merely marked free: /hapusdata and
        # retention promise that a name or a phone number is gone from the disk too.
        self.conn.execute("PRAGMA secure_delete=ON")
        self._setup()

    def _setup(self) -> None:
        self._depth = 0
        # One statement or one transaction at a time, whichever thread asks (the loop or
        # the database thread of `run`): a transaction must never take in a stranger's write.
        self._lock = threading.RLock()
        self._executor: ThreadPoolExecutor | None = None

    @classmethod
    def open(cls, target: Path | str) -> Database:
        """Open and migrate: the one way the application gets a database. `target` is a
        file path, `sqlite:///path` or `postgresql://…`."""
        database = PostgresDatabase(str(target)) if is_postgres(target) else Database(target)
        try:
            database.migrate()
        except BaseException:
            database.close()
            raise
        return database

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        self.conn.close()

    def scrub(self) -> None:
        """After deleting personal data: copy the write-ahead log into the database and
        truncate it, so the old page images that still held the data leave the -wal file
        too (secure_delete only clears the database pages themselves)."""
        if self._depth or str(self.path) == ":memory:":
            return
        with self._lock:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- migrations --------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply every migration not applied yet; returns their names."""
        with self.transaction() if self.dialect != "sqlite" else contextlib.nullcontext():
            # PostgreSQL: two CREATE … IF NOT EXISTS at once can still collide; take turns.
            self._lock_migrations()
            self.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " name TEXT PRIMARY KEY, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
            )
        done = {row[0] for row in self.all("SELECT name FROM schema_migrations")}
        applied = []
        for name, sql in migrations(self.dialect):
            if name in done:
                continue  # the usual start: nothing to write, no write lock taken
            with self.transaction():
                self._lock_migrations()
                if self.one("SELECT 1 FROM schema_migrations WHERE name = ?", (name,)):
                    continue  # another process applied it while this one waited
                for statement in _statements(sql):
                    self._ddl(statement)
                self.execute("INSERT INTO schema_migrations (name) VALUES (?)", (name,))
            applied.append(name)
            log.info("applied migration %s", name)
        return applied

    def _lock_migrations(self) -> None:
        """SQLite's BEGIN IMMEDIATE already keeps a second migrator out."""

    def _ddl(self, statement: str) -> None:
        self.conn.execute(statement)

    # -- transactions ------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """BEGIN … COMMIT, nested calls joining the outer transaction."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            self.conn.execute(self._begin)
            self._depth = 1
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")
            finally:
                self._depth = 0

    _begin = "BEGIN IMMEDIATE"

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A statement that may fail (a constraint) without spoiling the transaction around
        it: PostgreSQL aborts the whole transaction on an error unless a savepoint is
        rolled back to. Outside a transaction it does nothing."""
        with self._lock:
            if not self._depth:
                yield
                return
            self.conn.execute("SAVEPOINT attempt")
            try:
                yield
            except BaseException:
                self.conn.execute("ROLLBACK TO SAVEPOINT attempt")
                self.conn.execute("RELEASE SAVEPOINT attempt")
                raise
            self.conn.execute("RELEASE SAVEPOINT attempt")

    # -- queries -----------------------------------------------------------------------------
    def execute(self, sql: str, params: Params = ()) -> Any:
        with self._lock:
            return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        with self._lock:
            self.conn.executemany(sql, rows)

    def one(self, sql: str, params: Params = ()) -> Any:
        with self._lock:
            return self.conn.execute(sql, params).fetchone()

    def all(self, sql: str, params: Params = ()) -> list[Any]:
        with self._lock:
            return self.conn.execute(sql, params).fetchall()

    def tables(self) -> list[str]:
        """Every table of the application (not the migrations' own record)."""
        rows = self.all(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' AND name != 'schema_migrations' ORDER BY name"
        )
        return [row[0] for row in rows]

    def columns(self, table: str) -> list[str]:
        """The column names of `table`, in order."""
        return [row["name"] for row in self.all(f"PRAGMA table_info({table})")]

    # -- off the event loop ------------------------------------------------------------------
    #: SQLite answers from a local file in microseconds: a hop to another thread would cost
    #: more than the query, so `run` calls it in place. PostgreSQL sets this to False.
    run_inline = True

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`await db.run(repo.method, arg)`: on PostgreSQL the call runs on this database's
        one thread, so the event loop keeps serving updates while the server answers; one
        thread keeps the writes in the order they were asked for, as the single connection
        did before. On SQLite it runs in place."""
        if self.run_inline:
            return fn(*args, **kwargs)
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="database")
        call = functools.partial(fn, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._executor, call)


# -- the loop guard (tests) -------------------------------------------------------------------
#: Set while the Application starts: every task it creates (update handling, jobs, the
#: outbox and delivery loops) inherits it, the test body that started it does not.
_GUARDED: contextvars.ContextVar[bool] = contextvars.ContextVar("db_loop_guard", default=False)


@contextmanager
def guarded_tasks() -> Iterator[None]:
    """Tasks created inside this block are watched by `PostgresDatabase.loop_guard`."""
    token = _GUARDED.set(True)
    try:
        yield
    finally:
        _GUARDED.reset(token)


def _on_guarded_loop() -> bool:
    if not _GUARDED.get():
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False  # the database thread of `run`, or code outside any loop
    return True


_PROJECT = Path(__file__).resolve().parents[2]


def _call_site() -> str:
    """The project's frames (not this module's) that asked for the query, innermost first."""
    frames = []
    for frame in traceback.extract_stack():
        path = Path(frame.filename).resolve()
        if path == Path(__file__).resolve() or not path.is_relative_to(_PROJECT):
            continue
        frames.append(f"{path.relative_to(_PROJECT)}:{frame.lineno} {frame.name}")
    return " <- ".join(reversed(frames[-4:]))


# -- waiting for the server at start ---------------------------------------------------------
#: Connection failures that a wait cures (the server is starting, or the network is not up
#: yet); anything else (a wrong password, a missing database) is a mistake to report at once.
PERMANENT = ("authentication", "does not exist", "pg_hba.conf", "permission denied", "invalid")


def open_when_reachable(
    target: Path | str,
    max_attempts: int | None = None,
    sleep: Callable[[float], object] = time.sleep,
    first: float = 1.0,
    cap: float = 30.0,
) -> Database:
    """`Database.open`, retried with backoff while a PostgreSQL server cannot be reached (one
    log line per attempt, without the URL); a SQLite file and a permanent error fail at once.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return Database.open(target)
        except psycopg.OperationalError as exc:
            text = " ".join(str(exc).split())
            permanent = any(word in text.lower() for word in PERMANENT)
            if permanent or (max_attempts is not None and attempt >= max_attempts):
                raise
            delay = min(cap, first * 2 ** (attempt - 1))
            log.warning(
                "database not reachable at start (attempt %d, %s); retrying in %.0f s",
                attempt,
                text[-160:],
                delay,
            )
            sleep(delay)


# -- PostgreSQL ------------------------------------------------------------------------------
class PostgresDatabase(Database):
    """PostgreSQL through psycopg 3, behind the same methods as the SQLite class."""

    dialect = "postgresql"
    _begin = "BEGIN"
    run_inline = False
    #: A debug switch for tests: a list, and every query that an application task runs on
    #: the event loop's thread (instead of through `run`) is appended to it as its call
    #: site. Deterministic: it looks at the thread, not at how long anything took.
    loop_guard: list[str] | None = None

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = Path(":memory:")  # no file: `scrub` and file checks have nothing to do
        self._setup()
        self.conn = PostgresConnection(url, self._lock, self)

    @property
    def raw(self) -> psycopg.Connection:
        return self.conn.raw

    def scrub(self) -> None:
        """PostgreSQL reuses a deleted row's space at the next (auto)vacuum; nothing to do
        here. docs/deploy.md says how the operator keeps WAL archives and backups short."""

    def _lock_migrations(self) -> None:
        # Two processes starting together: the second waits, then finds the work done.
        self.conn.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))

    def _ddl(self, statement: str) -> None:
        self.conn.raw.execute(statement)

    def tables(self) -> list[str]:
        rows = self.all(
            "SELECT table_name FROM information_schema.tables WHERE table_schema ="
            " current_schema() AND table_type = 'BASE TABLE'"
            " AND table_name != 'schema_migrations' ORDER BY table_name"
        )
        return [row[0] for row in rows]

    def columns(self, table: str) -> list[str]:
        rows = self.all(
            "SELECT column_name FROM information_schema.columns WHERE table_schema ="
            " current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return [row[0] for row in rows]


class PostgresConnection:
    """What repositories may call on `db.conn` (execute, executemany), translated.

    A connection the server or the network dropped is replaced at the next call (the call
    that met the failure raises, and is not repeated: a write may have committed before the
    answer was lost, and repeating it could duplicate a report)."""

    def __init__(
        self, url: str, lock: threading.RLock, database: PostgresDatabase | None = None
    ) -> None:
        self.url = url
        self._lock = lock  # the database's: `db.conn.execute` waits for a transaction too
        self._database = database
        self.raw = self._connect()

    def _check_thread(self) -> None:
        guard = self._database.loop_guard if self._database is not None else None
        if guard is not None and _on_guarded_loop():
            guard.append(_call_site())

    def _connect(self) -> psycopg.Connection:
        raw = psycopg.connect(self.url, autocommit=True, row_factory=_row_factory)
        raw.adapters.register_dumper(bool, _BoolAsInt)
        raw.adapters.register_loader("numeric", _NumericLoader)
        raw.execute("SET TIME ZONE 'UTC'")
        # The same promise as SQLite's synchronous=NORMAL: a crash of the bot loses nothing;
        # the server's own crash or a power cut may lose the last few hundred milliseconds of
        # commits instead of waiting for the disk at every one. A report (the write a person
        # is told about) is committed with synchronous_commit on (reports.fully_synced).
        if "synchronous_commit" not in self.url:  # the operator's own choice wins
            raw.execute("SET synchronous_commit = off")
        return raw

    def _usable(self) -> psycopg.Connection:
        if self.raw.closed or self.raw.broken:
            log.warning("database connection lost; reconnecting")
            self.raw = self._connect()
        return self.raw

    def execute(self, sql: str, params: Params = ()) -> psycopg.Cursor:
        self._check_thread()
        with self._lock:
            return self._usable().execute(to_postgres(sql), _params(params))

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        self._check_thread()
        with self._lock, self._usable().cursor() as cursor:
            cursor.executemany(to_postgres(sql), [_params(row) for row in rows])

    def close(self) -> None:
        self.raw.close()


def _params(params: Params) -> Params:
    return params if isinstance(params, dict) else tuple(params)


class _BoolAsInt(psycopg.adapt.Dumper):
    """Flags are 0/1 integers in both databases; a Python bool must land as one."""

    oid = psycopg.postgres.types["int8"].oid

    def dump(self, obj: bool) -> bytes:
        return b"1" if obj else b"0"


class _NumericLoader(psycopg.adapt.Loader):
    """SUM() of integers is NUMERIC in PostgreSQL; give back an int (or a float), as SQLite
    does, never a Decimal that JSON and arithmetic with floats refuse."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        try:
            return int(text)
        except ValueError:
            return float(text)


class Row(tuple):
    """A result row as sqlite3.Row behaves: by index, by column name, `keys()`, `dict(row)`."""

    __slots__ = ()
    _names: tuple[str, ...] = ()
    _index: dict[str, int] = {}  # noqa: RUF012 (set once per column list by _row_class)

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            index = self._index.get(key)
            if index is None:
                index = self._index[key.lower()]
            return tuple.__getitem__(self, index)
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


@functools.lru_cache(maxsize=512)
def _row_class(names: tuple[str, ...]) -> type[Row]:
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        index.setdefault(name, position)
        index.setdefault(name.lower(), position)
    return type("Row", (Row,), {"__slots__": (), "_names": names, "_index": index})


def _row_factory(cursor: Any) -> Callable[[Sequence[Any]], Any]:
    if cursor.description is None:
        return tuple
    return _row_class(tuple(column.name for column in cursor.description))


# -- SQL translation -------------------------------------------------------------------------
_LITERALS = re.compile(r"""('(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*)""")
_PLACEHOLDERS = re.compile(r"::|\?|(?<![:\w]):([A-Za-z_]\w*)")
#: SQLite's CURRENT_TIMESTAMP is text 'YYYY-MM-DD HH:MM:SS' in UTC; so is this.
NOW_TEXT = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
_WORDS = [
    (re.compile(r"\bCURRENT_TIMESTAMP\b", re.I), NOW_TEXT),
    (re.compile(r"\bGROUP_CONCAT\(", re.I), "string_agg("),
    # `window` is a reserved word in PostgreSQL, a plain name in SQLite.
    (re.compile(r"(?<![\w.\"])window\b"), '"window"'),
    # Insertion order; ctid is the nearest PostgreSQL has (an upsert moves the row last,
    # as SQLite's INSERT OR REPLACE gives it a new rowid).
    (re.compile(r"\bORDER BY rowid\b"), "ORDER BY ctid"),
]
_DDL = [
    (
        re.compile(r"\bINTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT\b", re.I),
        "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    ),
    (re.compile(r"\bINTEGER\b", re.I), "BIGINT"),
    (re.compile(r"\bREAL\b", re.I), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b", re.I), "BYTEA"),
]


def _placeholder(match: re.Match[str]) -> str:
    token = match.group(0)
    if token == "::":
        return token
    if token == "?":
        return "%s"
    return f"%({match.group(1)})s"


@functools.lru_cache(maxsize=4096)
def to_postgres(sql: str) -> str:
    """One query from the repositories' dialect to psycopg's: `?` → `%s`, `:name` →
    `%(name)s`, a literal `%` doubled, and the words in `_WORDS` rewritten; nothing inside
    quotes or comments is touched."""
    parts = _LITERALS.split(sql)
    out = []
    for position, part in enumerate(parts):
        if position % 2:
            out.append(part.replace("%", "%%"))
            continue
        part = _PLACEHOLDERS.sub(_placeholder, part.replace("%", "%%"))
        for pattern, replacement in _WORDS:
            part = pattern.sub(replacement, part)
        out.append(part)
    return "".join(out)


def ddl_to_postgres(sql: str) -> str:
    """A migration statement written for SQLite, as PostgreSQL wants it (no placeholders)."""
    parts = _LITERALS.split(sql)
    out = []
    for position, part in enumerate(parts):
        if not position % 2:
            for pattern, replacement in _DDL:
                part = pattern.sub(replacement, part)
            for pattern, replacement in _WORDS:
                part = pattern.sub(replacement, part)
        out.append(part)
    return "".join(out)


# -- migration files -------------------------------------------------------------------------
def migrations(dialect: str = "sqlite", folder: Traversable | None = None) -> list[tuple[str, str]]:
    """(name, SQL) of every migration in order, as `dialect` runs it: a hand-written twin in
    `postgresql/` wins; otherwise the portable file, translated."""
    folder = folder or resources.files("bot.storage") / "migrations"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    twins = folder / dialect
    result = []
    for file in files:
        name = file.name.removesuffix(".sql")
        if dialect == "sqlite":
            result.append((name, file.read_text(encoding="utf-8")))
            continue
        twin = twins / file.name
        if twin.is_file():
            result.append((name, twin.read_text(encoding="utf-8")))
        else:
            statements = _statements(file.read_text(encoding="utf-8"))
            result.append((name, ";\n".join(ddl_to_postgres(s.rstrip(";")) for s in statements)))
    return result


def _statements(sql: str) -> list[str]:
    """Split a migration into statements; comment lines may contain anything."""
    statements, buffer = [], ""
    for line in sql.splitlines():
        if line.lstrip().startswith("--"):
            continue
        buffer += line + "\n"
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
