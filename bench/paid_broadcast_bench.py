"""Paid broadcast benchmark: how fast one process really sends with allow_paid_broadcast.

The real Application (production rate limiter and delivery worker) runs against the Bot API
emulator, which allows 1,000 paid messages/s (allow_paid_broadcast=True), 30 bulk messages/s
and about 1/s per chat, with 429 + retry_after beyond. A staff member composes a broadcast to
everyone, switches the preview to "paid, fast" and confirms; a few users keep asking
questions meanwhile (replies come first). Reported: messages per second from first to last
delivery, whether every send carried allow_paid_broadcast, 429s, duplicates and missed.

The emulator runs in the same process and event loop as the bot (as in every benchmark
here), so the number is the bot's rate with the emulator's work on the same core.

    python -m bench.paid_broadcast_bench                      # 100,000 subscribers
    python -m bench.paid_broadcast_bench --subscribers 5000   # quick look
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import dataclasses
import logging
import pstats
import sys
import tempfile
import time
from pathlib import Path

from bench._provenance import provenance
from bench.broadcast_bench import (
    ROOT,
    STAFF,
    TEXT,
    Result,
    broadcast_calls,
    keep_asking,
    measure,
    seed,
    wait_done,
)
from bot.config import Settings
from bot.services import Services
from bot.storage import Database
from bot.testing.fake_api import FakeBotAPI
from bot.testing.harness import emulator_settings, running_application

RESULTS = ROOT / "bench" / "results" / "paid-broadcast.md"
TARGETS = {"rate": 300.0, "duplicates": 0}


async def start_paid_broadcast(api: FakeBotAPI) -> None:
    """Compose, everyone, send now, "paid, fast", confirm: through the bot's own buttons.
    Flood limits go on just before the confirmation (as in broadcast_bench)."""
    api.private_chat(STAFF, language_code="en")
    await api.send_text(STAFF, "/broadcast")
    await api.next_message(STAFF)
    await api.send_text(STAFF, TEXT, entities=[{"type": "bold", "offset": 0, "length": 10}])
    control = await api.next_message(STAFF)
    for data in ("bc:all", "bc:now"):
        await api.press(STAFF, control["message_id"], data)
        await api.wait_for("editMessageText", chat_id=STAFF, timeout=30)
    await api.next_message(STAFF, timeout=30)  # the preview
    summary = await api.next_message(STAFF, timeout=30)
    await api.press(STAFF, summary["message_id"], "bc:paid")
    [edit] = await api.wait_for("editMessageText", chat_id=STAFF, timeout=30)
    print(edit.params["text"].split("\n", 4)[-1])  # the estimate staff saw
    api.enforce_flood_limits(30, 1, 20, paid_per_second=1000)
    await api.press(STAFF, summary["message_id"], "bc:send")


async def run(args: argparse.Namespace) -> tuple[Result, int]:
    base = Settings.from_env(
        {"CONTENT_DIR": str(ROOT / "content"), "ADMIN_IDS": str(STAFF), "LOG_LEVEL": "WARNING"}
    )
    base = dataclasses.replace(
        base, broadcast_paid_rate=args.paid_rate, flood_limit_per_minute=1000
    )
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        async with FakeBotAPI() as api:
            settings = emulator_settings(api, base, database)
            services = Services.build(settings, Database.open(database))
            await seed(api, services, args.subscribers)
            async with running_application(services, api, rate_limiter=True):
                started = time.monotonic()
                await start_paid_broadcast(api)
                stop = asyncio.Event()
                asking = asyncio.create_task(keep_asking(api, args.question_interval, stop))
                await wait_done(services, args.timeout)
                stop.set()
                latencies = await asking
                seconds = time.monotonic() - started
            services.db.close()
            unpaid = sum(
                1 for c in broadcast_calls(api) if c.params.get("allow_paid_broadcast") is not True
            )
            return measure(api, args.subscribers, latencies, seconds), unpaid


def report(result: Result, unpaid: int, paid_rate: int) -> tuple[list[tuple[str, str]], dict]:
    checks = {
        "rate": result.rate >= TARGETS["rate"],
        "duplicates": result.duplicates == 0 and result.missed == 0,
        "all paid": unpaid == 0,
    }
    rows = [
        ("subscribers", f"{result.subscribers:,}"),
        ("BROADCAST_PAID_RATE", f"{paid_rate}/s"),
        ("delivered", f"{result.sent:,} in {result.seconds:.1f} s (whole run)"),
        ("messages/second", f"{result.rate:.1f}  (target >= {TARGETS['rate']:.0f})"),
        ("sends without allow_paid_broadcast", str(unpaid)),
        (
            "429s on broadcast sends / replies",
            f"{result.flood_429_broadcast} / {result.flood_429_replies}",
        ),
        ("duplicates / missed", f"{result.duplicates} / {result.missed}  (target 0 / 0)"),
        ("questions answered", str(len(result.latencies))),
        ("reply p50 / p95", f"{result.p(0.5):.3f} / {result.p(0.95):.3f} s"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return rows, checks


def markdown(command: str, rows: list[tuple[str, str]], checks: dict[str, bool]) -> str:
    code = [
        "bot/telegram/delivery.py",
        "bot/telegram/sending.py",
        "bot/core/broadcasts",
        "bot/storage/broadcasts.py",
    ]
    lines = [
        f"`{command}`",
        "",
        provenance(code=code),
        "",
        "| measure | result |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in rows),
        "",
        "Targets: "
        + ", ".join(f"{name} {'met' if ok else 'NOT met'}" for name, ok in checks.items())
        + ".",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--paid-rate", type=int, default=1000, help="BROADCAST_PAID_RATE")
    parser.add_argument("--question-interval", type=float, default=1.0, help="seconds")
    parser.add_argument("--timeout", type=float, default=None, help="give up after (s)")
    parser.add_argument("--profile", type=Path, default=None, help="write cProfile stats")
    parser.add_argument("--out", type=Path, default=RESULTS, help="Markdown result file")
    args = parser.parse_args(argv)
    args.timeout = args.timeout or args.subscribers / 25 + 120
    logging.basicConfig(level=logging.WARNING)
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    result, unpaid = asyncio.run(run(args))
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    rows, checks = report(result, unpaid, args.paid_rate)
    command = "python -m bench.paid_broadcast_bench " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    args.out.write_text(markdown(command.strip(), rows, checks), encoding="utf-8")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
