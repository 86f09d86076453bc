"""Cek Dulu on the command line: `check`, `eval-check` and `agencies import|status`.

`check` runs exactly the check the bot runs (same rules, same register, same tip-off counts
when the database exists), so editors can try a rule change on a text before publishing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from bot.config import Settings

CONTENT_ERROR = 1
USAGE_ERROR = 2


def add_commands(sub: argparse._SubParsersAction) -> None:
    check = sub.add_parser("check", help="Cek Dulu: check a job offer, agency, number or link")
    check.add_argument(
        "text", nargs="?", help="the text itself (never a file name: use --file or --image)"
    )
    source = check.add_mutually_exclusive_group()
    source.add_argument("--file", type=Path, help="check the text in this UTF-8 text file")
    source.add_argument("--image", type=Path, help="read the text in this picture (OCR), check it")
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    check.add_argument("--lang", help="language of explanations (default: DEFAULT_LANGUAGE)")
    check.set_defaults(handler=cmd_check)

    ev = sub.add_parser("eval-check", help="Cek Dulu recall and false alarms on a labelled file")
    ev.add_argument("file", type=Path, help="JSON lines (id, label, text) or TSV (label, text)")
    ev.add_argument("--quiet", action="store_true", help="numbers only, no list of misses")
    ev.set_defaults(handler=cmd_eval_check)

    agencies = sub.add_parser("agencies", help="the register of licensed placement agencies")
    agencies_sub = agencies.add_subparsers(title="agencies commands", required=True)
    imp = agencies_sub.add_parser("import", help="load the official list from a CSV file")
    imp.add_argument("file", type=Path)
    imp.add_argument("--source", help="where the list comes from (default: the file name)")
    imp.add_argument("--as-of", help="the date the list was valid on, YYYY-MM-DD")
    imp.set_defaults(handler=cmd_agencies_import)
    agencies_sub.add_parser("status", help="show the register in use").set_defaults(
        handler=cmd_agencies_status
    )


def _checker(settings: Settings):
    """The checker, with the register and tip-off counts when the database exists."""
    from bot.cli_errors import check_encoding
    from bot.core.cekdulu.checker import Checker
    from bot.core.cekdulu.reasons import RulesError
    from bot.core.content import ContentError, load_valid_content

    check_encoding(settings)
    try:
        content = load_valid_content(settings.content_dir)
        checker = Checker.load(settings.content_dir, content.language_codes)
    except (ContentError, RulesError, OSError) as exc:
        print(f"Content errors:\n{exc}", file=sys.stderr)
        return None, None
    if settings.uses_postgres or settings.database_path.exists():
        from bot.storage.checks import ReportedIdentifiers

        database = _database(settings)
        checker.register = _register(database).current()
        checker.count_reports = ReportedIdentifiers(database).counts
    return content, checker


def _database(settings: Settings):
    from bot.cli_errors import open_database

    return open_database(settings)


def _register(database):
    from bot.core.clock import Clock
    from bot.storage.checks import AgencyRegister

    return AgencyRegister(database, Clock())


def _read(path: Path) -> str:
    """CSV files saved by spreadsheet programs are UTF-8 or, on Windows, often cp1252."""
    from bot.core.cekdulu.agencies import RegisterFileError

    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return path.read_text(encoding="cp1252")
    except UnicodeDecodeError:
        raise RegisterFileError("not a CSV text file in UTF-8 or Windows cp1252") from None


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    content, checker = _checker(settings)
    if checker is None:
        return CONTENT_ERROR
    lang = args.lang or settings.default_language
    if lang not in content.language_codes:
        print(f"--lang must be one of {', '.join(content.language_codes)}", file=sys.stderr)
        return USAGE_ERROR
    text, ocr_text = _input(args, checker.lexicon)
    if text is None:
        return USAGE_ERROR
    result = checker.check(text)
    if args.json:
        data = result.to_dict()
        if ocr_text is not None:
            data["ocr_text"] = ocr_text
        print(json.dumps(data, ensure_ascii=False))
    else:
        if ocr_text is not None:
            print("text read from the picture:\n" + ocr_text + "\n")
        print(describe(result, lang))
    return 0


def _input(args: argparse.Namespace, lexicon: frozenset[str]) -> tuple[str | None, str | None]:
    """(text to check, text read by OCR or None); (None, None) after printing why not.

    The positional argument is always text: "check ad.txt" checks the words "ad.txt". Files
    are read only with --file (text) or --image (a picture). Empty input is an error, never
    a silent "none"."""
    if args.text is not None and (args.file or args.image):
        print("Give the text or --file or --image, not two of them.", file=sys.stderr)
        return None, None
    ocr_text = None
    if args.image is not None:
        ocr_text = _read_image(args.image, lexicon)
        if ocr_text is None:
            return None, None
        text = ocr_text
    elif args.file is not None:
        try:
            text = args.file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"Cannot read {args.file}: {exc}", file=sys.stderr)
            return None, None
    elif args.text is not None:
        text = args.text
        if _names_a_file(text):
            print(
                f"Note: checking the words {text!r}; to check the file, use --file.",
                file=sys.stderr,
            )
    else:
        text = sys.stdin.read()
    if not text.strip():
        where = "the picture has no readable text" if args.image else "the text is empty"
        print(f"Nothing to check: {where}.", file=sys.stderr)
        return None, None
    return text, ocr_text


def _names_a_file(text: str) -> bool:
    try:
        return len(text) < 4096 and "\n" not in text and Path(text).is_file()
    except (OSError, ValueError):  # too long for a name, or a NUL byte
        return False


def _read_image(path: Path, lexicon: frozenset[str]) -> str | None:
    from bot.core.cekdulu import ocr

    try:
        data = path.read_bytes()
        return ocr.read_text(data, lexicon).text
    except OSError as exc:
        print(f"Cannot read {path}: {exc}", file=sys.stderr)
    except ocr.UnreadableImage:
        print(f"{path} is not a picture I can open.", file=sys.stderr)
    except ocr.OcrUnavailable as exc:
        print(f"Reading pictures is not available here ({exc}).", file=sys.stderr)
    return None


def describe(result, lang: str) -> str:
    """A plain-text account of a result for the terminal."""
    lines = [f"verdict: {result.verdict.value}"]
    for reason in result.reasons:
        title = reason.title.get(lang) or reason.id
        if "fraud" in reason.data:  # the learned reading: its probabilities, for operators
            title = f"learned reading, P(fraud) {reason.data['fraud']}"
            title += f", P(warning or news) {reason.data['advice']}"
        found = f' ("{reason.found}")' if reason.found else ""
        if reason.data.get("wage"):
            wage = reason.data["wage"]
            found += f" [compared with {wage.display()} ({wage.country}/{wage.job}, {wage.as_of})]"
        lines.append(f"- [{reason.severity.value}] {reason.id}: {title}{found}")
        if reason.explanation:
            lines.append(f"    {reason.explanation[lang]}")
        if reason.data.get("items"):
            for item in reason.data["items"]:
                lines.append(f"    {item['display']}: {item['reports']} tip-off(s)")
    if result.identifiers:
        shown = ", ".join(f"{i.kind.value} {i.display}" for i in result.identifiers)
        lines.append(f"identifiers: {shown}")
    for match in result.agencies:
        lines.append(f"agency: {json.dumps(match.to_dict(), ensure_ascii=False)}")
    return "\n".join(lines)


def cmd_eval_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli_errors import check_encoding
    from bot.core.cekdulu.checker import Checker
    from bot.core.cekdulu.evaluate import evaluate, format_report, read_labelled
    from bot.core.content import load_valid_content

    if not args.file.is_file():
        print(f"No such file: {args.file}", file=sys.stderr)
        return USAGE_ERROR
    try:
        items = read_labelled(args.file)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        print(f"Cannot read {args.file}: {exc}", file=sys.stderr)
        return USAGE_ERROR
    if not items:
        print(f"{args.file}: no labelled offers found", file=sys.stderr)
        return USAGE_ERROR
    check_encoding(settings)
    from bot.core.cekdulu.reasons import RulesError
    from bot.core.content import ContentError

    try:
        content = load_valid_content(settings.content_dir)
        checker = Checker.load(settings.content_dir, content.language_codes)
    except (ContentError, RulesError, OSError) as exc:
        print(f"Content errors:\n{exc}", file=sys.stderr)
        return CONTENT_ERROR
    print(format_report(evaluate(checker, items), details=not args.quiet))
    return 0


def cmd_agencies_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.cekdulu.agencies import RegisterFileError, parse_date, read_csv

    if not args.file.is_file():
        print(f"No such file: {args.file}", file=sys.stderr)
        return USAGE_ERROR
    try:
        agencies = read_csv(_read(args.file))
        as_of = parse_date(args.as_of) if args.as_of else None
    except RegisterFileError as exc:
        print(f"Cannot import {args.file}: {exc}", file=sys.stderr)
        return USAGE_ERROR
    if as_of is None:
        as_of = dt.date.fromtimestamp(args.file.stat().st_mtime)
        print(f"No --as-of given: using the file's date, {as_of}.", file=sys.stderr)
    source = args.source or args.file.name
    register = _register(_database(settings))
    batch = register.import_batch(agencies, source, as_of, args.file.name)
    noun = "agency" if len(agencies) == 1 else "agencies"
    print(f"Imported {len(agencies)} {noun} from {source}, as of {batch.as_of} (#{batch.id}).")
    return 0


def cmd_agencies_status(args: argparse.Namespace, settings: Settings) -> int:
    register = _register(_database(settings)).current()
    if register.batch is None:
        print("No register imported yet: python3 -m bot agencies import FILE.csv")
        return 0
    batch = register.batch
    noun = "agency" if len(register) == 1 else "agencies"
    print(f"{len(register)} {noun} from {batch.source}, as of {batch.as_of} (#{batch.id})")
    return 0


def check_rule_files(content_dir: Path, languages: list[str]) -> tuple[bool, str]:
    """For `content check`: (ok, one line) about redflags.yaml and destinations.yaml; a
    content directory without either (a FAQ-only fixture) has nothing to check."""
    from bot.core.cekdulu.checker import Checker
    from bot.core.cekdulu.destinations import FILE_NAME as DESTINATIONS
    from bot.core.cekdulu.reasons import RulesError
    from bot.core.cekdulu.redflags import FILE_NAME as REDFLAGS

    present = [(content_dir / name).exists() for name in (REDFLAGS, DESTINATIONS)]
    if not any(present):
        return True, ""
    try:
        checker = Checker.load(content_dir, languages)
    except (RulesError, OSError, ValueError) as exc:
        return False, f"Cek Dulu rules: {exc}"
    destinations = checker.destinations
    learned = f", learned reading from {checker.learned.size} texts" if checker.learned else ""
    return True, (
        f"OK: Cek Dulu {len(checker.redflags.rules)} red flags, "
        f"{len(destinations.countries)} countries, {len(destinations.restrictions)} restrictions"
        f"{learned}"
    )
