"""Broadcast benchmark: N subscribers, Telegram's flood limits, ordinary questions meanwhile.

The real Application (production rate limiter and delivery worker) runs against the Bot API
emulator, which enforces 30 messages/s overall and 1/s per chat with 429 + retry_after. A
staff member composes and confirms a broadcast to everyone through the bot's own buttons;
while it runs, other users keep asking ordinary questions. Reported: messages per second,
429s, duplicates, missed subscribers, and reply times to the questions.

    python -m bench.broadcast_bench                     # 10,000 subscribers (~7 minutes)
    python -m bench.broadcast_bench --subscribers 1000  # quick look (~45 s)
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
from collections import Counter
from pathlib import Path

from bench._provenance import provenance
from bot.config import Settings
from bot.core.broadcasts.model import BroadcastState
from bot.services import Services
from bot.storage import Database
from bot.testing.fake_api import Call, FakeBotAPI
from bot.testing.harness import emulator_settings, running_application

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "broadcast.md"
STAFF = 1
FIRST_SUBSCRIBER = 1_000_000
FIRST_ASKER = 10
ASKERS = 200
TEXT = "PERINGATAN: lowongan kerja ke luar negeri lewat TikTok tanpa P3MI resmi adalah penipuan."
QUESTIONS = [
    "bagaimana cara cek agensi resmi?",
    "berapa biaya resmi kerja ke Taiwan?",
    "paspor saya ditahan agen, harus bagaimana?",
    "apa syarat jadi pekerja migran?",
    "how can I check that an agency is licensed?",
]
TARGETS = {"rate": 24.0, "duplicates": 0, "p95": 1.5}


@dataclasses.dataclass
class Result:
    subscribers: int
    seconds: float
    sent: int
    rate: float
    flood_429_broadcast: int
    flood_429_replies: int
    duplicates: int
    missed: int
    latencies: list[float]

    def p(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def seed(api: FakeBotAPI, services: Services, count: int) -> None:
    with services.db.transaction():
        for user_id in range(FIRST_SUBSCRIBER, FIRST_SUBSCRIBER + count):
            api.private_chat(user_id, language_code="id")
            services.subscribers.subscribe(user_id, "id")
    for user_id in range(FIRST_ASKER, FIRST_ASKER + ASKERS):
        api.private_chat(user_id, language_code="id")


async def start_broadcast(api: FakeBotAPI, flood_limit: int) -> None:
    """Compose, target everyone, send now, confirm: through the bot's own buttons. Flood
    limits go on just before the confirmation, so the staff chat's own bursts (preview and
    summary back to back) do not count as replies that hit a 429."""
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
    api.enforce_flood_limits(flood_limit, 1, 20)
    await api.press(STAFF, summary["message_id"], "bc:send")


async def ask(api: FakeBotAPI, user_id: int, question: str) -> float:
    """Seconds from the question to the bot's (successful) answer."""
    since = api.mark()
    asked = time.monotonic()
    await api.send_text(user_id, question)
    [reply] = await api.wait_for(
        lambda c: c.params.get("text") != TEXT,
        method="sendMessage",
        chat_id=user_id,
        since=since,
        timeout=60,
    )
    return reply.time - asked


async def keep_asking(api: FakeBotAPI, interval: float, stop: asyncio.Event) -> list[float]:
    latencies: list[float] = []
    pending: set[asyncio.Task[float]] = set()
    number = 0
    while not stop.is_set():
        user_id = FIRST_ASKER + number % ASKERS
        task = asyncio.create_task(ask(api, user_id, QUESTIONS[number % len(QUESTIONS)]))
        pending.add(task)
        task.add_done_callback(lambda t: (pending.discard(t), latencies.append(t.result())))
        number += 1
        await asyncio.sleep(interval)
    await asyncio.gather(*pending)
    return latencies


def broadcast_calls(api: FakeBotAPI) -> list[Call]:
    """Sends of the broadcast to subscribers (not the preview in the staff chat)."""
    return [
        c
        for c in api.calls
        if c.method == "sendMessage" and c.params.get("text") == TEXT and c.chat_id != STAFF
    ]


def measure(api: FakeBotAPI, subscribers: int, latencies: list[float], seconds: float) -> Result:
    calls = broadcast_calls(api)
    delivered = [c for c in calls if c.ok]
    copies = Counter(c.chat_id for c in delivered)
    span = delivered[-1].time - delivered[0].time if len(delivered) > 1 else 1.0
    rejected = [c for c in api.calls if c.status == 429]
    in_broadcast = sum(1 for c in calls if c.status == 429)
    return Result(
        subscribers=subscribers,
        seconds=seconds,
        sent=len(delivered),
        rate=(len(delivered) - 1) / span if span else 0.0,
        flood_429_broadcast=in_broadcast,
        flood_429_replies=len(rejected) - in_broadcast,
        duplicates=sum(n - 1 for n in copies.values() if n > 1),
        missed=subscribers - len(copies),
        latencies=latencies,
    )


async def run(args: argparse.Namespace) -> Result:
    base = Settings.from_env(
        {"CONTENT_DIR": str(ROOT / "content"), "ADMIN_IDS": str(STAFF), "LOG_LEVEL": "WARNING"}
    )
    base = dataclasses.replace(base, broadcast_rate=args.rate, flood_limit_per_minute=1000)
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        async with FakeBotAPI() as api:
            settings = emulator_settings(api, base, database)
            services = Services.build(settings, Database.open(database))
            await seed(api, services, args.subscribers)
            async with running_application(services, api, rate_limiter=True):
                started = time.monotonic()
                await start_broadcast(api, args.flood_limit)
                stop = asyncio.Event()
                asking = asyncio.create_task(keep_asking(api, args.question_interval, stop))
                await wait_done(services, args.timeout)
                stop.set()
                latencies = await asking
                seconds = time.monotonic() - started
            services.db.close()
            return measure(api, args.subscribers, latencies, seconds)


async def wait_done(services: Services, timeout: float) -> None:
    async with asyncio.timeout(timeout):
        while True:
            recent = services.broadcasts.recent(1)
            if recent and recent[0].state is BroadcastState.DONE:
                return
            await asyncio.sleep(0.5)


def report(result: Result) -> tuple[bool, list[tuple[str, str]], dict[str, bool]]:
    lat = result.latencies
    checks = {
        "rate": result.rate >= TARGETS["rate"],
        "duplicates": result.duplicates == TARGETS["duplicates"] and result.missed == 0,
        "p95": result.p(0.95) < TARGETS["p95"],
    }
    rows = [
        ("subscribers", f"{result.subscribers:,}"),
        ("delivered", f"{result.sent:,} in {result.seconds:.1f} s (whole run)"),
        ("messages/second", f"{result.rate:.2f}  (target >= {TARGETS['rate']})"),
        ("429s on broadcast sends", str(result.flood_429_broadcast)),
        ("429s on replies", str(result.flood_429_replies)),
        ("duplicates / missed", f"{result.duplicates} / {result.missed}  (target 0 / 0)"),
        ("questions answered", str(len(lat))),
        (
            "reply p50 / p95 / max",
            f"{result.p(0.5):.3f} / {result.p(0.95):.3f} / "
            f"{max(lat, default=float('nan')):.3f} s  (target p95 < {TARGETS['p95']} s)",
        ),
        ("reply mean", f"{statistics.fmean(lat):.3f} s" if lat else "n/a"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return all(checks.values()), rows, checks


def markdown(command: str, rows: list[tuple[str, str]], checks: dict[str, bool]) -> str:
    """The run as bench/results/broadcast.md: command, provenance, the table, the verdicts."""
    code = ["bot/telegram/delivery.py", "bot/core/broadcasts", "bot/storage/broadcasts.py"]
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
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=25, help="BROADCAST_RATE (default 25)")
    parser.add_argument(
        "--flood-limit", type=int, default=30, help="messages/s the emulator allows (default 30)"
    )
    parser.add_argument("--question-interval", type=float, default=0.5, help="seconds")
    parser.add_argument("--timeout", type=float, default=None, help="give up after (s)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="Markdown result file")
    args = parser.parse_args(argv)
    args.timeout = args.timeout or args.subscribers / args.rate * 2 + 120
    logging.basicConfig(level=logging.WARNING)
    result = asyncio.run(run(args))
    ok, rows, checks = report(result)
    command = "python -m bench.broadcast_bench " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    args.out.write_text(markdown(command.strip(), rows, checks), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
