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


def cmd_export_cases(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.clock import Clock
    from bot.core.desks.export import export
    from bot.storage import Database
    from bot.storage.desks import DeskData

    if not settings.uses_postgres and not settings.database_path.exists():
        print(f"No database yet at {settings.database_path}", file=sys.stderr)
        return 2
    output = args.output or Path(f"cases-since-{args.since.isoformat()}.{args.format}")
    db = Database.open(settings.database_target)
    try:
        rows = list(DeskData(db, Clock()).export_rows(args.since, args.desk))
    finally:
        db.close()
    try:
        output.write_bytes(export(rows, args.format))
    except OSError as exc:
        print(f"Cannot write {output}: {exc.strerror}", file=sys.stderr)
        return 2
    print(f"{len(rows)} case(s) written to {output}")
    return 0
