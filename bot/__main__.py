"""Command line: `python -m bot [run|demo|ask|eval|content|i18n|check|eval-check|agencies] …`.

Every tool prints one clear line and exits 2 on a configuration problem, 1 on a content
problem, never a traceback for a mistake a person can fix.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.config import ConfigError, Settings, load_dotenv_file

NO_TOKEN = (
    "BOT_TOKEN is not set. Get a token from @BotFather in Telegram (/newbot), then run\n"
    "  BOT_TOKEN=123456:ABC... python -m bot\n"
    "or put BOT_TOKEN=... in a .env file. To try the bot now without a token or network:\n"
    "  python -m bot demo"
)

Command = Callable[[argparse.Namespace, Settings], int]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    load_dotenv_file()
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    _configure_logging(settings.log_level)
    command: Command = args.handler
    try:
        return command(args, settings)
    except KeyboardInterrupt:
        return 130


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=getattr(logging, level)
    )
    # httpx logs full request URLs, and a Bot API URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.set_defaults(handler=cmd_run)
    sub = parser.add_subparsers(title="commands")

    sub.add_parser("run", help="run the bot (the default)").set_defaults(handler=cmd_run)

    demo = sub.add_parser("demo", help="chat with the bot in the terminal, no token needed")
    demo.add_argument("--user-language", default="id", help="Telegram language_code of the user")
    demo.add_argument("--staff", action="store_true", help="let the demo user broadcast")
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
    content_sub.add_parser("check", help="validate all content").set_defaults(
        handler=cmd_content_check
    )
    listing = content_sub.add_parser("list", help="list entries")
    listing.add_argument("--json", action="store_true", help="one JSON object per entry")
    listing.add_argument(
        "--markdown", action="store_true", help="a table of topics, sources and review dates"
    )
    listing.set_defaults(handler=cmd_content_list)
    inbox = content_sub.add_parser(
        "inbox", help="for editors: recent unanswered questions and 👍/👎 per entry"
    )
    inbox.add_argument("--limit", type=int, default=50, help="how many questions (default 50)")
    inbox.set_defaults(handler=cmd_content_inbox)

    from bot.cekdulu_cli import add_commands as add_cekdulu_commands

    add_cekdulu_commands(sub)

    i18n = sub.add_parser("i18n", help="translation catalogs")
    i18n_sub = i18n.add_subparsers(title="i18n commands", required=True)
    i18n_sync = i18n_sub.add_parser("sync", help="extract messages from the code into locales/")
    i18n_sync.add_argument("domains", nargs="*", help="only these catalogs (default: all)")
    i18n_sync.set_defaults(handler=cmd_i18n_sync)
    return parser


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.bot_token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    from bot.core.content import ContentError
    from bot.telegram.application import run_bot

    try:
        run_bot(settings)
    except ContentError as exc:
        print(f"Content errors, the bot cannot start:\n{exc}", file=sys.stderr)
        return 1
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.testing.demo import run_demo

    if settings.log_level == "INFO":  # keep the chat readable; LOG_LEVEL=DEBUG still works
        logging.getLogger().setLevel(logging.WARNING)
    return run_demo(settings, user_language=args.user_language, staff=args.staff)


def _load_matcher(settings: Settings):
    from bot.core.content import ContentError, load_valid_content
    from bot.services import build_ensemble

    try:
        content = load_valid_content(settings.content_dir)
    except ContentError as exc:
        print(f"Content errors:\n{exc}", file=sys.stderr)
        return None, None
    return content, build_ensemble(content)


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
                        "suggestions": decision.suggestions,
                        "lang": lang,
                        "kind": decision.kind.value,
                        **({"smalltalk": decision.intent} if decision.intent else {}),
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

    head = f"? {question}\n  {decision.kind.value} (score {decision.score:.2f})"
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
    _content, matcher = _load_matcher(settings)
    if matcher is None:
        return 1
    report = evaluate(matcher, read_labelled(args.file), known=_content.entries.keys())
    if args.quiet:
        report.misses.clear()
    print(format_report(report))
    return 0


def cmd_content_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.checks import check_content
    from bot.core.content import load_content

    content = load_content(settings.content_dir)
    problems = check_content(content)
    for problem in problems:
        print(problem)
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
    return 0 if ok else 1


def cmd_content_list(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.content import load_content

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
    """What users asked that the bot did not answer, and how answers were rated."""
    from bot.storage import Database
    from bot.storage.repositories import Feedback, Unanswered

    if not settings.database_path.exists():
        print(f"No database yet at {settings.database_path}", file=sys.stderr)
        return 2
    db = Database.open(settings.database_path)
    try:
        print("Feedback per entry (👍 / 👎):")
        for entry_id, up, down in Feedback(db).summary():
            print(f"  {entry_id:28} {up:4} / {down}")
        print(f"\nRecent questions not answered directly (newest first, at most {args.limit}):")
        for row in Unanswered(db).recent(args.limit):
            best = f"{row['best_entry']} {row['best_score']:.2f}" if row["best_entry"] else "-"
            print(f"  [{row['decision']:8}] [{row['language']}] {row['question']}  ({best})")
    finally:
        db.close()
    return 0


def sources_table(content) -> str:
    """The topic → sources → reviewed table kept in docs/content.md."""
    lines = ["| topic | category | sources | reviewed |", "|---|---|---|---|"]
    for entry in content.entries.values():
        sources = "; ".join(f"[{s.name.replace('|', '/')}]({s.url})" for s in entry.sources)
        lines.append(f"| `{entry.id}` | {entry.category} | {sources} | {entry.reviewed} |")
    return "\n".join(lines)


def cmd_i18n_sync(args: argparse.Namespace, settings: Settings) -> int:
    from bot.i18n.sync import sync

    for path in sync(domains=args.domains or None):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
