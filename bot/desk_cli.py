"""`python -m bot export cases`: the desk's cases as CSV or XLSX, for the police and leadership.

The same file the desk's `/export` button sends. Reporters appear only by the name they chose
to show; identifiers (phones, accounts, agencies) are included because the desk acts on them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from bot.cli_errors import CliError
from bot.config import Settings


def add_commands(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser("export", help="export data for the desk")
    export_sub = export.add_subparsers(title="export commands", required=True)
    cases = export_sub.add_parser("cases", help="cases created since a date, as CSV or XLSX")
    cases.add_argument("--since", type=_date, required=True, help="YYYY-MM-DD (inclusive)")
    cases.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    cases.add_argument(
        "--desk",
        metavar="NAME",
        help="only the cases of this desk: its key or name from the routing file (desks.yaml"
        " or DESKS_FILE); the central desk's are every case",
    )
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
    try:
        only = _desk_key(settings, args.desk)
    except CliError as exc:
        print(exc, file=sys.stderr)
        return 2
    part = f"{only}-" if only else ""
    output = args.output or Path(f"cases-{part}since-{args.since.isoformat()}.{args.format}")
    db = Database.open(settings.database_target)
    try:
        # nothing sealed yet and no key: no shown names to open, so no key is needed
        sealer = build_sealer(settings, db, create=False) if _needs_key(settings, db) else None
        rows = list(DeskData(db, Clock(), sealer).export_rows(args.since, only))
        detail = f"command line: {len(rows)} case(s) since {args.since.isoformat()}"
        if only:
            detail += f", desk {only}"
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


def _desk_key(settings: Settings, wanted: str | None) -> str | None:
    """The regional desk key to filter on (None: every case, which is what the central desk
    sees). `wanted` is a desk's key or name; a chat id (what this option took before
    regional desks) still names its desk."""
    from bot.config import ConfigError
    from bot.services import build_desks

    if wanted is None:
        return None
    try:
        desks = build_desks(settings)
    except ConfigError as exc:
        raise CliError(f"Configuration error: {exc}") from None
    desk = desks.by_key(wanted)
    if desk is None and re.fullmatch(r"-?[0-9]+", wanted.strip()):
        chat = int(wanted)
        if chat == settings.desk_chat_id:
            desk = desks.central
        desk = desk or next((d for d in desks.regional if d.chat_id == chat), None)
    if desk is None:
        known = ", ".join(f"{d.key} ({d.name})" for d in desks.all)
        raise CliError(f"No desk called {wanted!r}; the desks are: {known}")
    return None if desk.central else desk.key
