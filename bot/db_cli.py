"""`python -m bot db migrate` and `python -m bot db copy SOURCE TARGET`.

`migrate` brings the database of DATABASE_URL to the newest schema (the bot does this at
start too; a deploy may prefer to do it first, once). `copy` moves an installation between
backends, typically a SQLite file to PostgreSQL: every table in foreign-key order, identity
sequences moved past the copied ids, and the row counts of both sides compared at the end.
A target that already holds data is refused unless `--replace` empties it first.

Database URLs may carry a password, so nothing here prints one.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from bot.config import Settings

BATCH = 1000


def add_commands(sub: argparse._SubParsersAction) -> None:
    db = sub.add_parser("db", help="database maintenance: migrate, copy between backends")
    db_sub = db.add_subparsers(title="db commands", required=True)
    migrate = db_sub.add_parser("migrate", help="apply pending migrations to DATABASE_URL")
    migrate.set_defaults(handler=cmd_migrate)
    copy = db_sub.add_parser("copy", help="copy every table from one database to another")
    copy.add_argument("source", help="sqlite:///path or postgresql://… (or a file path)")
    copy.add_argument("target", help="sqlite:///path or postgresql://… (or a file path)")
    copy.add_argument(
        "--replace", action="store_true", help="empty a target that already holds data"
    )
    copy.set_defaults(handler=cmd_copy)


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_errors import CliError, reason
    from bot.storage.database import Database, DatabaseError, PostgresDatabase

    try:
        if settings.uses_postgres:
            db: Database = PostgresDatabase(settings.database_url)
        else:
            db = Database(settings.database_path)
    except (*DatabaseError, OSError) as exc:
        raise CliError(f"Cannot open the database (DATABASE_URL): {reason(exc)}", 2) from None
    try:
        applied = db.migrate()
    finally:
        db.close()
    print(f"applied {len(applied)} migration(s): {', '.join(applied)}" if applied else "up to date")
    return 0


def cmd_copy(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_errors import CliError, reason
    from bot.storage.database import Database, DatabaseError, is_postgres

    source_file = Path(str(args.source).removeprefix("sqlite:///"))
    if not is_postgres(args.source) and not source_file.is_file():
        raise CliError(f"No database at {source_file} (the source must exist)", 2)
    opened = []
    try:
        for label, target in (("source", args.source), ("target", args.target)):
            try:
                opened.append(Database.open(target))
            except (*DatabaseError, OSError) as exc:
                raise CliError(f"Cannot open the {label} database: {reason(exc)}", 2) from None
        source, target = opened
        return copy_database(source, target, replace=args.replace)
    finally:
        for db in opened:
            db.close()


def copy_database(source, target, *, replace: bool = False, out=None) -> int:
    """Copy every table; 0 when every count matches, 1 when one does not, 2 when refused."""
    out = out or sys.stdout
    tables = dependency_order(target)
    filled = [t for t in tables if target.one(f"SELECT COUNT(*) FROM {t}")[0]]
    if filled and not replace:
        print(
            f"The target already holds data ({', '.join(filled)}); "
            "pass --replace to empty it first.",
            file=sys.stderr,
        )
        return 2
    with target.transaction():
        for table in reversed(tables):
            target.execute(f"DELETE FROM {table}")
        for table in tables:
            _copy_table(source, target, table)
        reset_sequences(target, tables)
    mismatched = 0
    for table in tables:
        before = source.one(f"SELECT COUNT(*) FROM {table}")[0]
        after = target.one(f"SELECT COUNT(*) FROM {table}")[0]
        mark = "ok" if before == after else "MISMATCH"
        mismatched += before != after
        print(f"{table:28} {before:>9} {after:>9}  {mark}", file=out)
    if mismatched:
        print(f"{mismatched} table(s) differ", file=sys.stderr)
        return 1
    print(f"copied {len(tables)} tables, every count matches", file=out)
    return 0


def _copy_table(source, target, table: str) -> None:
    rows = _batches(source, table)
    for batch in rows:
        columns = batch[0].keys()
        sql = (
            f"INSERT INTO {table} ({', '.join(_quoted(c) for c in columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})"
        )
        target.executemany(sql, [tuple(row) for row in batch])


def _batches(source, table: str) -> Iterator[list]:
    # One read of the whole table (SQLite streams it; psycopg holds the result in memory).
    cursor = source.execute(f"SELECT * FROM {table}")
    while batch := cursor.fetchmany(BATCH):
        yield batch


def _quoted(column: str) -> str:
    return f'"{column}"'


def dependency_order(db) -> list[str]:
    """Tables with every table they reference before them."""
    tables = db.tables()
    needs = {table: set() for table in tables}
    for child, parent in foreign_keys(db):
        if child in needs and parent in needs and parent != child:
            needs[child].add(parent)
    ordered: list[str] = []
    while needs:
        ready = sorted(t for t, deps in needs.items() if not deps - set(ordered))
        if not ready:  # a cycle: the schema has none today; copy the rest as listed
            ready = sorted(needs)
        for table in ready:
            ordered.append(table)
            del needs[table]
    return ordered


def foreign_keys(db) -> list[tuple[str, str]]:
    if db.dialect == "sqlite":
        pairs = []
        for table in db.tables():
            for row in db.all(f"PRAGMA foreign_key_list({table})"):
                pairs.append((table, row["table"]))
        return pairs
    rows = db.all(
        "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint"
        " WHERE contype = 'f'"
    )
    return [(row[0], row[1]) for row in rows]


def reset_sequences(db, tables: list[str]) -> None:
    """After explicit ids were copied in: the next generated id comes after the largest."""
    if db.dialect == "sqlite":
        return  # AUTOINCREMENT reads sqlite_sequence, which the inserts above kept current
    identities = {
        row[0]
        for row in db.all(
            "SELECT table_name FROM information_schema.columns WHERE column_name = 'id'"
            " AND is_identity = 'YES' AND table_schema = current_schema()"
        )
    }
    for table in tables:
        if table not in identities:
            continue
        sequence = db.one("SELECT pg_get_serial_sequence(?, 'id')", (table,))
        db.one(
            f"SELECT setval(?, COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)",
            (sequence[0],),
        )
