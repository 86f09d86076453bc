"""`python -m bot export cases`: the desk's cases as CSV or XLSX, for the police and leadership.

The same file the desk's `/export` button sends. Reporters appear only by the name they chose
to show; identifiers (phones, accounts, agencies) are included because the desk acts on them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from bot.config import Settings


def add_commands(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser("export", help="export data for the desk")
    export_sub = export.add_subparsers(title="export commands", required=True)
    cases = export_sub.add_parser("cases", help="cases created since a date, as CSV or XLSX")
    cases.add_argument("--since", type=_date, required=True, help="YYYY-MM-DD (inclusive)")
    cases.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    cases.add_argument("--desk", type=int, help="only cases sent to this desk chat id")
    cases.add_argument(
        "--output", type=Path, help="file to write (default: cases-since-DATE.FORMAT)"
    )
    cases.set_defaults(handler=cmd_export_cases)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date written YYYY-MM-DD: {text!r}") from None


def _needs_key(settings: Settings, db) -> bool:
    from bot.storage.sealed_rows import has_sealed_rows
    from bot.storage.sealing import default_key_file

    configured = settings.reporter_key or settings.reporter_key_file
    return bool(configured) or default_key_file().exists() or has_sealed_rows(db)


def cmd_export_cases(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.clock import Clock
    from bot.core.desks.export import export
    from bot.services import build_sealer
    from bot.storage import Database
    from bot.storage.audit import EXPORT, DeskAudit
    from bot.storage.desks import DeskData

    if not settings.uses_postgres and not settings.database_path.exists():
        print(f"No database yet at {settings.database_path}", file=sys.stderr)
        return 2
    output = args.output or Path(f"cases-since-{args.since.isoformat()}.{args.format}")
    db = Database.open(settings.database_target)
    try:
        # nothing sealed yet and no key: no shown names to open, so no key is needed
        sealer = build_sealer(settings, db, create=False) if _needs_key(settings, db) else None
        rows = list(DeskData(db, Clock(), sealer).export_rows(args.since, args.desk))
        detail = f"command line: {len(rows)} case(s) since {args.since.isoformat()}"
        DeskAudit(db, Clock()).record(EXPORT, None, "command line", detail=detail)
    finally:
        db.close()
    try:
        output.write_bytes(export(rows, args.format))
    except OSError as exc:
        print(f"Cannot write {output}: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"{len(rows)} case(s) written to {output}")
    return 0
