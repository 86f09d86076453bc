"""Command line: `python -m bot [run|demo|ask|eval|content|i18n|check|export|keys|audit …] …`.

Every tool prints one clear line and exits 2 on a configuration problem, 1 on a content
problem, never a traceback for a mistake a person can fix.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.cli_errors import CliError, check_encoding, open_database
from bot.cli_errors import reason as _reason
from bot.config import ConfigError, Settings, load_dotenv_file

NO_TOKEN = (
    "BOT_TOKEN is not set. Get a token from @BotFather in Telegram (/newbot), then run\n"
    "  BOT_TOKEN=123456:ABC... python3 -m bot\n"
    "or put BOT_TOKEN=... in a .env file. To try the bot now without a token or network:\n"
    "  python3 -m bot demo"
)

Command = Callable[[argparse.Namespace, Settings], int]
log = logging.getLogger("bot.cli")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        load_dotenv_file()
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError) as exc:
        print(f"Configuration error: cannot read .env: {_reason(exc)}", file=sys.stderr)
        return 2
    _configure_logging(settings.log_level)
    command: Command = args.handler
    try:
        code = command(args, settings)
        sys.stdout.flush()  # a closed pipe shows up here, not at interpreter exit
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return _stdout_closed()
    except Exception as exc:  # never a traceback for a person's mistake; one line instead
        print(_one_line(exc, settings), file=sys.stderr)
        log.debug("details", exc_info=True)
        return exc.code if isinstance(exc, CliError) else _exit_code(exc)


def _configure_logging(level: str) -> None:
    """Redacted and quiet (no token, no update contents) before anything is built."""
    from bot import logsafe

    logsafe.configure(level)


def _one_line(exc: Exception, settings: Settings) -> str:
    from bot.core.content import ContentError

    if isinstance(exc, CliError):
        return str(exc)
    if isinstance(exc, ContentError):
        return f"Content errors:\n{exc}"
    if isinstance(exc, UnicodeDecodeError):
        from bot.core.content import undecodable_files

        named = undecodable_files(Path(settings.content_dir))
        return named[0] if named else f"A file is not UTF-8 text ({exc.reason}); save it as UTF-8"
    text = f"{type(exc).__name__}: {_reason(exc)}"
    if settings.bot_token:
        text = text.replace(settings.bot_token, "<token>")
    return f"Error: {text} (LOG_LEVEL=DEBUG shows where)"


def _exit_code(exc: Exception) -> int:
    from bot.core.content import ContentError

    return 1 if isinstance(exc, ContentError) else 2


def _stdout_closed() -> int:
    """The reader went away (`python -m bot ... | head`): stop quietly. Point stdout at
    /dev/null so the interpreter's final flush does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.set_defaults(handler=cmd_run)
    sub = parser.add_subparsers(title="commands")

    sub.add_parser("run", help="run the bot (the default)").set_defaults(handler=cmd_run)

    demo = sub.add_parser("demo", help="chat with the bot in the terminal, no token needed")
    demo.add_argument("--user-language", default="id", help="Telegram language_code of the user")
    demo.add_argument(
        "--staff",
        action="store_true",
        help="let the demo user broadcast, and seed 8 demo subscribers to broadcast to",
    )
    demo.add_argument(
        "--database",
        type=Path,
        metavar="PATH",
        help="keep the demo's SQLite database at PATH (for `content inbox` afterwards)",
    )
    demo.set_defaults(handler=cmd_demo)

    ask = sub.add_parser("ask", help="show the decision for a question (or stdin lines)")
    ask.add_argument("question", nargs="?", help="the question; omit to read lines from stdin")
    ask.add_argument("--lang", choices=None, help="reply language (default: DEFAULT_LANGUAGE)")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.set_defaults(handler=cmd_ask)

    ev = sub.add_parser("eval", help="accuracy over a labelled question file")
    ev.add_argument("file", type=Path)
    ev.add_argument("--quiet", action="store_true", help="numbers only, no list of misses")
    ev.set_defaults(handler=cmd_eval)

    content = sub.add_parser("content", help="check or list the FAQ content")
    content_sub = content.add_subparsers(title="content commands", required=True)
    check = content_sub.add_parser("check", help="validate all content")
    check.add_argument(
        "--stale",
        action="store_true",
        help="also list entries whose time-bound facts need re-checking (exit 1 if any)",
    )
    check.add_argument(
        "--today", type=_iso_date, default=None, help="the date to judge by (YYYY-MM-DD)"
    )
    check.add_argument(
        "--months",
        type=int,
        default=12,
        help="an as_of older than this many months is stale when there is no valid_until",
    )
    check.set_defaults(handler=cmd_content_check)
    listing = content_sub.add_parser("list", help="list entries")
    listing.add_argument("--json", action="store_true", help="one JSON object per entry")
    listing.add_argument(
        "--markdown", action="store_true", help="a table of topics, sources and review dates"
    )
    listing.set_defaults(handler=cmd_content_list)
    inbox = content_sub.add_parser(
        "inbox", help="for editors: unanswered questions grouped, and 👍/👎 per entry"
    )
    inbox.add_argument("--limit", type=int, default=30, help="groups and topics shown (default 30)")
    inbox.add_argument(
        "--recent", type=int, default=2000, help="newest unanswered questions grouped (2000)"
    )
    inbox.add_argument("--draft", type=int, help="print group N as draft phrasings (YAML)")
    inbox.add_argument("--entry", help="with --draft: the entry the phrasings are for")
    inbox.set_defaults(handler=cmd_content_inbox)

    from bot.cekdulu_cli import add_commands as add_cekdulu_commands

    add_cekdulu_commands(sub)
    from bot.offices_cli import add_commands as add_offices_commands

    add_offices_commands(sub)

    from bot.desk_cli import add_commands as add_desk_commands

    add_desk_commands(sub)
    from bot.keys_cli import add_commands as add_keys_commands

    add_keys_commands(sub)
    from bot.db_cli import add_commands as add_db_commands

    add_db_commands(sub)

    i18n = sub.add_parser("i18n", help="translation catalogs")
    i18n_sub = i18n.add_subparsers(title="i18n commands", required=True)
    i18n_sync = i18n_sub.add_parser("sync", help="extract messages from the code into locales/")
    i18n_sync.add_argument("domains", nargs="*", help="only these catalogs (default: all)")
    i18n_sync.set_defaults(handler=cmd_i18n_sync)
    return parser


TOKEN_REJECTED = (
    "Telegram rejected BOT_TOKEN (the token is not printed here). Copy it again from "
    "@BotFather, or create a new one with /revoke there."
)


LEASE_LOST = (
    "Stopped: this instance lost the database lease, so another one may be active now. "
    "Restart it (a process manager does) and it waits as a standby"
)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.bot_token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    from bot.core.content import ContentError
    from bot.storage.lease import LeaseLost
    from bot.telegram.application import run_bot
    from bot.telegram.startup import TokenRejected

    if (problem := _reporter_key_problem(settings)) is not None:
        print(f"Configuration error: {problem}", file=sys.stderr)
        return 2
    try:
        run_bot(settings)
    except ConfigError as exc:  # e.g. a token Telegram rejects, a DESK_CHAT_ID that is no group
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except ContentError as exc:
        print(f"Content errors, the bot cannot start:\n{exc}", file=sys.stderr)
        return 1
    except TokenRejected:
        print(TOKEN_REJECTED, file=sys.stderr)
        return 2
    except LeaseLost as exc:
        print(f"{LEASE_LOST} ({exc})", file=sys.stderr)
        return 3
    return 0


def _reporter_key_problem(settings: Settings) -> str | None:
    """An unusable DATABASE_URL or reporter key: one line, before anything starts. A first
    start creates the key file here (and seals rows an older version left plain)."""
    # First: a bad DATABASE_URL is one line before heavy imports; an unreachable server is
    # waited for.
    db = open_database(settings, wait=True)
    from bot.services import build_sealer
    from bot.storage.sealing import SealError

    try:
        build_sealer(settings, db)
    except SealError as exc:
        return str(exc)
    finally:
        db.close()
    return None


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.testing.demo import run_demo

    if settings.log_level == "INFO":  # keep the chat readable; LOG_LEVEL=DEBUG still works
        logging.getLogger().setLevel(logging.WARNING)
    return run_demo(
        settings, user_language=args.user_language, staff=args.staff, database=args.database
    )


def _load_matcher(settings: Settings):
    from bot.core.content import ContentError, load_valid_content
    from bot.services import build_ensemble

    check_encoding(settings)
    try:
        content = load_valid_content(settings.content_dir)
    except ContentError as exc:
        print(f"Content errors:\n{exc}", file=sys.stderr)
        return None, None
    return content, build_ensemble(content, model_cache=settings.model_cache_directory)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    content, matcher = _load_matcher(settings)
    if matcher is None:
        return 1
    lang = args.lang or settings.default_language
    if lang not in content.language_codes:
        print(f"--lang must be one of {', '.join(content.language_codes)}", file=sys.stderr)
        return 2
    questions = [args.question] if args.question is not None else _stdin_lines()
    for question in questions:
        decision = matcher.decide(question)
        if args.json:
            print(
                json.dumps(
                    {
                        "question": question,
                        "faq_id": decision.entry_id,
                        "score": round(decision.score, 4),
                        "confidence": decision.confidence,
                        "suggestions": decision.suggestions,
                        "lang": lang,
                        "kind": decision.kind.value,
                        **({"smalltalk": decision.intent} if decision.intent else {}),
                        **({"urgent": True} if decision.urgent else {}),
                    },
                    ensure_ascii=False,
                )
            )
        else:
            print(_describe(decision, content, lang, question))
    return 0


def _stdin_lines() -> list[str]:
    return [line.strip() for line in sys.stdin if line.strip()]


def _describe(decision, content, lang: str, question: str) -> str:
    from bot.core.tghtml import parse_html

    sure = f", confidence {decision.confidence:.2f}" if decision.confidence is not None else ""
    head = f"? {question}\n  {decision.kind.value} (score {decision.score:.2f}{sure})"
    if decision.entry_id:
        entry = content.entries[decision.entry_id]
        return f"{head}: {entry.id}\n\n{parse_html(entry.answer[lang])}\n"
    if decision.suggestions:
        return f"{head}: did you mean {', '.join(decision.suggestions)}?"
    if decision.intent:
        return f"{head}: {decision.intent}\n\n{matcher_reply(content, decision.intent, lang)}\n"
    return head


def matcher_reply(content, intent: str, lang: str) -> str:
    from bot.core.faq.smalltalk import SmallTalk

    return SmallTalk.load(content.directory).reply(intent, lang)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.faq.evaluate import evaluate, format_report, read_labelled

    if not args.file.is_file():
        print(f"No such file: {args.file}", file=sys.stderr)
        return 2
    questions = _labelled(args.file, read_labelled)
    _content, matcher = _load_matcher(settings)
    if matcher is None:
        return 1
    report = evaluate(matcher, questions, known=_content.entries.keys())
    if args.quiet:
        report.misses.clear()
    print(format_report(report))
    return 0


LABELLED_FORMAT = "a tab-separated file with the header: expected, lang, style, question"


def _labelled(path: Path, read: Callable[[Path], list]) -> list:
    """The labelled questions of `path`, or a CliError saying what is wrong with the file."""
    import csv

    try:
        questions = read(path)
    except UnicodeDecodeError:
        raise CliError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except (KeyError, AttributeError, TypeError, csv.Error) as exc:
        raise CliError(f"{path}: not {LABELLED_FORMAT} ({_reason(exc)})") from None
    except ValueError as exc:  # the judged answers beside it (evaluate.read_judged)
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"Cannot read {path}: {_reason(exc)}") from None
    if not questions:
        raise CliError(f"{path}: no questions found; expected {LABELLED_FORMAT}")
    return questions


def cmd_content_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.checks import check_content
    from bot.core.content import load_content, undecodable_files

    unreadable = undecodable_files(Path(settings.content_dir))
    if unreadable:
        print("\n".join(unreadable))
        print(f"{len(unreadable)} problem(s) in {settings.content_dir}", file=sys.stderr)
        return 1
    content = load_content(settings.content_dir)
    problems: list[object] = [*check_content(content), *_desk_problems(settings)]
    for problem in problems:
        print(problem)
    fresh = _report_stale(content, args) if getattr(args, "stale", False) else True
    if problems:
        print(f"{len(problems)} problem(s) in {settings.content_dir}", file=sys.stderr)
        return 1
    print(
        f"OK: {len(content.entries)} entries, {len(content.contacts)} contacts, "
        f"languages {', '.join(content.language_codes)}"
    )
    from bot.cekdulu_cli import check_rule_files

    ok, line = check_rule_files(Path(settings.content_dir), content.language_codes)
    if line:
        print(line)
    return 0 if ok and fresh else 1


def _desk_problems(settings: Settings) -> list[str]:
    """The regional desks' routing file (DESKS_FILE, else content/desks.yaml): one line per
    mistake (unknown province, a province on two desks, duplicate keys or chat ids, …)."""
    from bot.core.desks.routing import check_desks, desks_path
    from bot.core.provinces import Provinces

    path = desks_path(Path(settings.content_dir), settings.desks_file)
    provinces = [p.id for p in Provinces.load(Path(settings.content_dir)).all]
    return check_desks(path, provinces, settings.desk_chat_id)


def _report_stale(content, args: argparse.Namespace) -> bool:
    """Print the entries whose dated facts need checking; True when there are none."""
    import datetime as dt

    from bot.core.plain import stale_entries

    today = args.today or dt.date.today()
    stale = stale_entries(content.entries.values(), today, args.months)
    for item in stale:
        print(f"stale: {item}")
    print(f"{len(stale)} entr{'y' if len(stale) == 1 else 'ies'} to re-check as of {today}")
    return not stale


def _iso_date(value: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("use YYYY-MM-DD") from exc


def cmd_content_list(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.content import load_content

    check_encoding(settings)
    content = load_content(settings.content_dir)
    if args.markdown:
        print(sources_table(content))
        return 0
    for entry in content.entries.values():
        if args.json:
            print(
                json.dumps(
                    {
                        "id": entry.id,
                        "category": entry.category,
                        "phrasings": {lang: len(q) for lang, q in entry.questions.items()},
                        "answers": [
                            lang for lang in content.language_codes if entry.answer.get(lang)
                        ],
                        "sources": len(entry.sources),
                        "reviewed": entry.reviewed.isoformat(),
                    },
                    ensure_ascii=False,
                )
            )
        else:
            print(f"{entry.id:28} {entry.category:16} {entry.title[content.language_codes[0]]}")
    return 0


def cmd_content_inbox(args: argparse.Namespace, settings: Settings) -> int:
    """What users asked that the bot did not answer, grouped, and how answers were rated."""
    from bot.core.faq.inbox import Question, draft_phrasings, group
    from bot.storage.repositories import Feedback, Unanswered

    if not settings.uses_postgres and not settings.database_path.exists():
        print(f"No database yet at {settings.database_path}", file=sys.stderr)
        return 2
    db = open_database(settings)
    try:
        rated = Feedback(db).summary()
        rows = Unanswered(db).recent(args.recent)
    finally:
        db.close()
    questions = [Question(str(r["question"]), str(r["language"])) for r in rows]
    clusters = group(questions, **_inbox_views(settings)) if questions else []
    if args.draft is not None:
        if not 1 <= args.draft <= len(clusters):
            print(f"No group {args.draft}: there are {len(clusters)}.", file=sys.stderr)
            return 2
        print(draft_phrasings(clusters[args.draft - 1], args.entry), end="")
        return 0
    print("Topics with the most 👎 (👍 / 👎):")
    for entry_id, up, down in rated[: args.limit]:
        print(f"  {entry_id:28} {up:4} / {down}")
    print(
        f"\nUnanswered questions: {len(questions)} (newest {args.recent} considered), "
        f"{len(clusters)} groups, largest first:"
    )
    for number, cluster in enumerate(clusters[: args.limit], start=1):
        langs = ", ".join(f"{lang} {n}" for lang, n in cluster.languages.most_common())
        examples = " | ".join(cluster.examples)
        print(f"  #{number:<3} {cluster.size:4}× ({langs})  {examples}")
    if clusters:
        print("\nDraft phrasings from a group: python3 -m bot content inbox --draft N --entry ID")
    return 0


def _inbox_views(settings: Settings):
    """What `group` compares questions by: the matcher's normaliser (slang and abbreviations
    spelled out, stop words dropped), the FAQ's learned model (topic probabilities) and the
    FAQ word meanings (which entries use each word), all from the content directory."""
    from bot.core.faq.inbox import content_faq_words, make_normaliser
    from bot.services import build_ensemble, load_valid_content

    content = load_valid_content(Path(settings.content_dir))
    normalise = make_normaliser(Path(settings.content_dir) / "glossary.yaml")
    ensemble = build_ensemble(content, model_cache=settings.model_cache_directory)
    topics = ensemble.learned.probabilities
    meanings = content_faq_words(content, normalise)
    return {"normalise": normalise, "topics": topics, "meanings": meanings}


def sources_table(content) -> str:
    """The topic → sources → reviewed table kept in docs/content.md."""
    lines = ["| topic | category | sources | reviewed |", "|---|---|---|---|"]
    for entry in content.entries.values():
        sources = "; ".join(f"[{s.name.replace('|', '/')}]({s.url})" for s in entry.sources)
        lines.append(f"| `{entry.id}` | {entry.category} | {sources} | {entry.reviewed} |")
    return "\n".join(lines)


def cmd_i18n_sync(args: argparse.Namespace, settings: Settings) -> int:
    from bot.i18n.sync import PROJECT_ROOT, extract, sync

    unknown = sorted(set(args.domains) - set(extract(PROJECT_ROOT)))
    if unknown:
        raise CliError(f"Unknown catalog(s): {', '.join(unknown)} (one per handler module)")
    for path in sync(domains=args.domains or None):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
