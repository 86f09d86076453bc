"""`python -m bot offices import FILE.csv --source NAME --date YYYY-MM-DD`: load an official
office directory into content/offices.yaml, the file /kantor reads.

Like `agencies import`, every row keeps where it came from and the date it was valid on;
unlike the agency register, the result is plain YAML an editor can review in a diff and
correct by hand. Importing the same source again replaces its earlier rows.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import Settings

CONTENT_ERROR = 1
USAGE_ERROR = 2


def add_commands(sub: argparse._SubParsersAction) -> None:
    offices = sub.add_parser("offices", help="the service offices /kantor shows")
    offices_sub = offices.add_subparsers(title="offices commands", required=True)
    imp = offices_sub.add_parser("import", help="load an official directory from a CSV file")
    imp.add_argument("file", type=Path)
    imp.add_argument("--source", required=True, help="who published the directory")
    imp.add_argument("--date", required=True, help="the date the directory was valid on")
    imp.add_argument("--url", default="", help="where the directory was published")
    imp.set_defaults(handler=cmd_offices_import)


def cmd_offices_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cekdulu_cli import _read
    from bot.core.cekdulu.agencies import RegisterFileError, parse_date
    from bot.core.content import Source
    from bot.core.offices import (
        FILE_NAME,
        DirectoryFileError,
        check_offices,
        merge_import,
        read_directory,
    )
    from bot.core.provinces import Provinces

    if not args.file.is_file():
        print(f"No such file: {args.file}", file=sys.stderr)
        return USAGE_ERROR
    if args.url and not args.url.startswith(("http://", "https://")):
        print("--url must start with http:// or https://", file=sys.stderr)
        return USAGE_ERROR
    content_dir = Path(settings.content_dir)
    provinces = Provinces.load(content_dir)
    try:
        as_of = parse_date(args.date)
        if as_of is None:
            raise DirectoryFileError("--date is empty: give the date as YYYY-MM-DD")
        source = Source(" ".join(args.source.split()), args.url)
        rows = read_directory(_read(args.file), provinces, source, as_of)
    except (RegisterFileError, DirectoryFileError) as exc:
        print(f"Cannot import {args.file}: {exc}", file=sys.stderr)
        return USAGE_ERROR
    path = content_dir / FILE_NAME
    kept, replaced = merge_import(path, rows, source.name)
    print(
        f"Imported {len(rows)} offices from {source.name}, as of {as_of} "
        f"({replaced} earlier rows of this source replaced, {kept} other rows kept)."
    )
    problems = check_offices(content_dir)
    for problem in problems:
        print(problem, file=sys.stderr)
    return CONTENT_ERROR if problems else 0
