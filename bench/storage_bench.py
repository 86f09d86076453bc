"""End-to-end FAQ throughput on PostgreSQL against SQLite (issue 11: PG >= 80% of SQLite).

The real Application runs against the Bot API emulator, once per backend, on the same
machine: SQLite in a temporary file, PostgreSQL on a throw-away local server (the one the
tests use, but with fsync on; `--postgres URL` uses an existing database instead, which it
must be allowed to fill). The bot's PostgreSQL connection commits as in production, with
synchronous_commit off except for a report (docs/deploy.md), as SQLite runs with
synchronous=NORMAL. `--users` simulated people ask FAQ questions at once, each waiting for
the answer before asking the next (closed loop), so the number is answers per second with
every database write an answer makes: the user's row, the unanswered-question log, the
conversation and user state written after each update. Rounds alternate the backends so a
busier moment of the shared machine does not favour one of them; the median round counts.

    python -m bench.storage_bench --rounds 6       # 6 rounds x 40 users x 10 questions
    python -m bench.storage_bench --rounds 1 --users 10 --questions 5   # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "storage.md"
sys.path.insert(0, str(ROOT))

from bench._provenance import provenance  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.storage import Database  # noqa: E402
from bot.testing.fake_api import FakeBotAPI  # noqa: E402
from bot.testing.harness import emulator_settings, running_application  # noqa: E402
from bot.testing.postgres import ThrowawayServer  # noqa: E402

QUESTIONS = [
    "gmn cara krja ke taiwan yg resmi",
    "agen minta duit 30jt wajar gk",
    "berapa biaya resmi kerja ke malaysia",
    "apa itu p3mi",
    "paspor saya ditahan majikan",
    "resep rendang padang",  # no answer: logged as unanswered
    "how do I check if an agency is licensed",
    "visa kerja jepang syaratnya apa",
]
FIRST_USER = 3_000_000
TARGET = 0.80


async def one_round(database: Path | str, users: int, questions: int) -> tuple[float, list]:
    """Answers per second for one backend, and each answer's latency."""
    base = Settings.from_env({"CONTENT_DIR": str(ROOT / "content"), "DIGEST_SCHEDULE": "off"})
    async with FakeBotAPI() as api:
        settings = dataclasses.replace(
            emulator_settings(api, base, database), flood_limit_per_minute=100_000
        )
        services = Services.build(settings, Database.open(database))
        people = range(FIRST_USER, FIRST_USER + users)
        for user in people:
            api.private_chat(user)
        latencies: list[float] = []

        async def person(user: int) -> None:
            for n in range(questions):
                before = len(api.messages_to(user))
                started = time.perf_counter()
                await api.send_text(user, QUESTIONS[(user + n) % len(QUESTIONS)])
                await api.wait_until(
                    lambda before=before: len(api.messages_to(user)) > before, 60, 0.005
                )
                latencies.append(time.perf_counter() - started)

        try:
            async with running_application(services, api) as application:
                await person(FIRST_USER)  # warm: the matcher's first use, the connections
                latencies.clear()
                started = time.perf_counter()
                await asyncio.gather(*(person(user) for user in people))
                await application.update_queue.join()
                elapsed = time.perf_counter() - started
        finally:
            services.db.close()
    return users * questions / elapsed, latencies


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main_async(args: argparse.Namespace) -> int:
    server = None
    if args.postgres is None:
        server = ThrowawayServer(durable=True).start()
    rates: dict[str, list[float]] = {"SQLite": [], "PostgreSQL": []}
    latencies: dict[str, list[float]] = {"SQLite": [], "PostgreSQL": []}
    try:
        with tempfile.TemporaryDirectory() as folder:
            for n in range(args.rounds):
                order = ["SQLite", "PostgreSQL"] if n % 2 == 0 else ["PostgreSQL", "SQLite"]
                for backend in order:
                    if backend == "SQLite":
                        target: Path | str = Path(folder) / f"round{n}.sqlite3"
                    else:
                        target = args.postgres or server.fresh()
                    rate, latency = await one_round(target, args.users, args.questions)
                    rates[backend].append(rate)
                    latencies[backend].extend(latency)
                    print(f"round {n + 1} {backend:10} {rate:7.1f} answers/s", flush=True)
                    if server is not None and isinstance(target, str):
                        server.drop(target)
    finally:
        if server is not None:
            server.stop()
    sqlite, postgres = (statistics.median(rates[b]) for b in ("SQLite", "PostgreSQL"))
    ratio = postgres / sqlite
    write_results(args, rates, latencies, ratio)
    print(f"PostgreSQL / SQLite = {ratio:.0%} (target >= {TARGET:.0%})")
    return 0


def write_results(args, rates, latencies, ratio: float) -> None:
    where = "an existing server (--postgres)" if args.postgres else "a throw-away local server"
    lines = [
        "## End-to-end FAQ throughput: PostgreSQL vs SQLite",
        "",
        f"`python -m bench.storage_bench --rounds {args.rounds} --users {args.users}"
        f" --questions {args.questions}`",
        "",
        provenance(["bot/storage", "bot/telegram/persistence.py", "bench/storage_bench.py"]),
        "",
        f"{args.users} people ask {args.questions} FAQ questions each, at once, each"
        f" waiting for the answer before the next; PostgreSQL on {where} (Unix socket,"
        " fsync on; the bot's connection commits as SQLite's synchronous=NORMAL does:"
        " synchronous_commit off, on for a report), SQLite in a temporary file. Rounds"
        " alternate the backends; the median round counts.",
        "",
        "| backend | answers/s (median) | every round | answer p50 / p95 |",
        "|---|---|---|---|",
    ]
    for backend in ("SQLite", "PostgreSQL"):
        every = ", ".join(f"{r:.1f}" for r in rates[backend])
        lat = latencies[backend]
        lines.append(
            f"| {backend} | {statistics.median(rates[backend]):.1f} | {every} |"
            f" {_p(lat, 0.5) * 1000:.0f} / {_p(lat, 0.95) * 1000:.0f} ms |"
        )
    verdict = "met" if ratio >= TARGET else "missed"
    lines += ["", f"PostgreSQL / SQLite: {ratio:.0%} (target >= {TARGET:.0%}): {verdict}.", ""]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--postgres", help="postgresql://… of an empty database to use")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    raise SystemExit(main())
