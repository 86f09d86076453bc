"""`python -m bot keys init|rotate` (the reporter key) and `python -m bot audit` (the desk's
audit trail). docs/deploy.md#reporter-key explains the key; docs/desk.md what it protects.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bot.config import Settings

LOST_KEY = (
    "Keep a copy of this key somewhere safe and apart from the database backups: without it\n"
    "the bot can no longer reach any reporter, nor show the desk a name a reporter chose to\n"
    "show. Nobody can recover a lost key, not even the developers."
)


def add_commands(sub: argparse._SubParsersAction) -> None:
    keys = sub.add_parser("keys", help="the reporter key that seals who reported")
    keys_sub = keys.add_subparsers(title="keys commands", required=True)
    init = keys_sub.add_parser("init", help="create the reporter key file and explain it")
    init.add_argument(
        "--print",
        action="store_true",
        help="print a new key for REPORTER_KEY instead of writing a file",
    )
    init.set_defaults(handler=cmd_keys_init)
    rotate = keys_sub.add_parser(
        "rotate", help="re-seal every row under a new key (the bot may keep running)"
    )
    rotate.set_defaults(handler=cmd_keys_rotate)

    audit = sub.add_parser("audit", help="what desk members did with cases (append-only)")
    audit.add_argument("--case", help="one case, by its code (LP-…)")
    audit.add_argument("--limit", type=int, default=50, help="without --case: newest N (50)")
    audit.set_defaults(handler=cmd_audit)


def _key_file(settings: Settings) -> Path:
    from bot.storage.sealing import default_key_file

    return settings.reporter_key_file or default_key_file()


def cmd_keys_init(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage.sealing import new_key_text, write_key_file

    if args.print:
        print(new_key_text())
        print(f"Set it as REPORTER_KEY in the bot's environment.\n{LOST_KEY}", file=sys.stderr)
        return 0
    if settings.reporter_key:
        print("REPORTER_KEY is set: the bot uses that key, no file is needed.", file=sys.stderr)
        return 2
    path = _key_file(settings)
    if path.exists():
        print(
            f"{path} exists already; keeping it (a new key would lock out every sealed "
            "reporter). To change keys, run `python -m bot keys rotate`.",
            file=sys.stderr,
        )
        return 2
    data = settings.data_directory
    if data is not None and path.resolve().is_relative_to(data.resolve()):
        print(
            f"{path} is inside the data directory; choose REPORTER_KEY_FILE elsewhere.",
            file=sys.stderr,
        )
        return 2
    write_key_file(path, [new_key_text()])
    print(
        f"Created the reporter key {path} (readable by this user only).\n"
        "The bot seals who reported with it: the link from a case to its reporter, a name "
        "they chose\nto show, their unfinished report. The database alone no longer tells "
        f"who reported.\n{LOST_KEY}\n"
        "Another place: REPORTER_KEY_FILE=/path/to/file, or the key itself in REPORTER_KEY."
    )
    return 0


def cmd_keys_rotate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_errors import CliError, open_database
    from bot.storage.sealed_rows import (
        finish_rotation,
        open_sealer,
        reseal_all,
        rotate_key_file,
    )

    if not settings.uses_postgres and not settings.database_path.exists():
        raise CliError(f"No database yet at {settings.database_path}: nothing to rotate")
    db = open_database(settings)
    started = time.perf_counter()
    try:
        sealer = open_sealer(
            settings.reporter_key,
            settings.reporter_key_file,
            settings.data_directory,
            db,
            create=False,
        )
        if settings.reporter_key:
            if len(sealer.keys) < 2:
                raise CliError(
                    "With REPORTER_KEY, put the new key first: REPORTER_KEY=NEW,OLD (make one "
                    "with `python -m bot keys init --print`), restart the bot with it, then "
                    "run this again"
                )
            count = reseal_all(db, sealer)
            finish_rotation(db, sealer)
            key_id, after = sealer.current.id, "Now set REPORTER_KEY to the new key alone."
        else:
            source = sealer.source
            assert source is not None and source.file is not None
            file, old = source.file, source.load()
            key_id, count = rotate_key_file(db, file, old)
            after = f"Back up {file} again now: the old key no longer opens anything."
    finally:
        db.close()
    seconds = time.perf_counter() - started
    print(f"{count} row(s) re-sealed under key {key_id} in {seconds:.1f} s. {after}")
    return 0


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_errors import CliError, open_database
    from bot.core.clock import Clock
    from bot.core.reports.draft import normalise_code
    from bot.storage.audit import DeskAudit

    if not settings.uses_postgres and not settings.database_path.exists():
        raise CliError(f"No database yet at {settings.database_path}")
    db = open_database(settings)
    try:
        audit = DeskAudit(db, Clock())
        if args.case:
            code = normalise_code(args.case)
            if code is None:
                raise CliError(f"--case: not a case code (LP-…): {args.case!r}")
            entries = audit.for_case(code)
        else:
            entries = audit.recent(args.limit)
    finally:
        db.close()
    if not entries:
        print("No desk actions recorded" + (f" for {args.case}" if args.case else ""))
        return 0
    for e in entries:
        who = f"{e.actor_name or '?'} [{e.actor_id}]" if e.actor_id else e.actor_name or "?"
        print(f"{e.at}\t{e.case_code or '-'}\t{e.action}\t{who}\t{e.detail or ''}")
    return 0
