"""Tip-off benchmark: 1,000 reports while the desk fails 30% of sends, with two restarts.

The real Application runs against the Bot API emulator. Simulated reporters go through the
whole /lapor conversation (every fifth one with a photo as evidence) and confirm; the desk
group answers 30% of the bot's sends with a 5xx or a 429 (retry_after 1 s). The reports go
in three batches: after the first the bot is stopped cleanly, after the second it is killed
(its outbox worker cancelled mid-request, no flush), each time followed by a new
Application on the same database. Reported: reports delivered, lost, duplicate cards, and
the time from the reporter's "Send" press to the card in the desk.

    python bench/reports_bench.py                  # 1,000 reports, about 3 minutes
    python bench/reports_bench.py --reports 150    # a quick look, under a minute
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "reports.md"
sys.path.insert(0, str(ROOT))

from bench._provenance import provenance  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.storage import Database  # noqa: E402
from bot.telegram.outbox import WORKER_KEY  # noqa: E402
from bot.testing.chat_faults import random_failures_for_chat  # noqa: E402
from bot.testing.fake_api import FakeBotAPI  # noqa: E402
from bot.testing.harness import emulator_settings, running_application  # noqa: E402

DESK = -1009000000001
ADMIN = 1
FIRST_REPORTER = 2_000_000
CODE = re.compile(r"LP-[2-9A-HJKMNP-Z]{5}")
DETAILS = (
    "Calo bernama Pak {n} mengumpulkan warga untuk kerja di Malaysia tanpa dokumen, minta "
    "Rp {fee} juta, hubungi 0812-{n:04d}-{fee:04d}, kantor PT Sinar Abadi Jaya."
)


@dataclasses.dataclass
class Run:
    confirmed: dict[str, float] = dataclasses.field(default_factory=dict)  # code -> press time
    with_photo: set[str] = dataclasses.field(default_factory=set)
    conversation_seconds: list[float] = dataclasses.field(default_factory=list)
    restarts: list[str] = dataclasses.field(default_factory=list)
    started: float = dataclasses.field(default_factory=time.monotonic)
    last_confirm: float | None = None
    finished: float | None = None


# -- the bot -------------------------------------------------------------------------------
def bench_settings() -> Settings:
    base = Settings.from_env({"CONTENT_DIR": str(ROOT / "content")})
    return dataclasses.replace(
        base,
        desk_chat_id=DESK,
        admin_ids=frozenset({ADMIN}),
        flood_limit_per_minute=10_000,
        report_daily_limit=100,
        outbox_poll_seconds=1.0,
        outbox_retry_seconds=0.5,
        outbox_retry_max_seconds=10.0,
    )


@asynccontextmanager
async def bot_on(database: Path, api: FakeBotAPI, kill: bool) -> AsyncIterator[Services]:
    """The real bot; on exit it is stopped cleanly, or killed (worker cancelled first)."""
    services = Services.build(
        emulator_settings(api, bench_settings(), database), Database.open(database)
    )
    try:
        async with running_application(services, api) as application:
            yield services
            if kill:
                application.bot_data[WORKER_KEY].task.cancel()
    finally:
        services.db.close()


# -- one reporter --------------------------------------------------------------------------
async def say(api: FakeBotAPI, user: int, text: str) -> dict[str, Any]:
    await api.send_text(user, text)
    return await api.next_message(user, timeout=60)


async def press(api: FakeBotAPI, user: int, message: dict[str, Any], data: str) -> dict:
    await api.press(user, message["message_id"], data)
    return await api.next_message(user, timeout=60)


async def report(api: FakeBotAPI, user: int, number: int, run: Run) -> None:
    begun = time.monotonic()
    prompt = await say(api, user, "/lapor")
    prompt = await press(api, user, prompt, "rp:cat:recruiter")
    prompt = await press(api, user, prompt, "rp:pv:riau")
    prompt = await say(api, user, f"Desa Nomor {number}, Kabupaten Bengkalis")
    prompt = await press(api, user, prompt, "rp:when:week")
    prompt = await say(api, user, DETAILS.format(n=number, fee=number % 50 + 5))
    if number % 5 == 0:
        await api.send_photo(user, caption=f"bukti {number}")
        prompt = await api.next_message(user, timeout=60)
    prompt = await press(api, user, prompt, "rp:done")
    prompt = await press(api, user, prompt, "rp:id:hide")
    pressed = time.monotonic()
    received = await press(api, user, prompt, "rp:ok")
    code = CODE.search(received["text"])
    if code is None:
        raise RuntimeError(f"reporter {user} got no case code: {received['text'][:200]}")
    run.confirmed[code.group(0)] = pressed
    if number % 5 == 0:
        run.with_photo.add(code.group(0))
    run.conversation_seconds.append(pressed - begun)


async def batch(api: FakeBotAPI, numbers: range, concurrency: int, run: Run) -> None:
    gate = asyncio.Semaphore(concurrency)

    async def one(number: int) -> None:
        async with gate:
            user = FIRST_REPORTER + number
            api.private_chat(user, first_name=f"Pelapor{number}")
            await report(api, user, number, run)

    await asyncio.gather(*(one(n) for n in numbers))


# -- measuring -----------------------------------------------------------------------------
def desk_cards(api: FakeBotAPI) -> dict[str, list[float]]:
    """Code -> times of every card the desk accepted for it (more than one = duplicate)."""
    cards: dict[str, list[float]] = {}
    for call in api.calls:
        message = call.message
        if call.method != "sendMessage" or call.chat_id != DESK or message is None:
            continue
        head = CODE.search(message.get("text", "").split("\n", 1)[0])
        if head and message.get("reply_markup"):
            cards.setdefault(head.group(0), []).append(call.time)
    return cards


def desk_copies(api: FakeBotAPI) -> Counter[str]:
    copies: Counter[str] = Counter()
    for call in api.calls:
        if call.method == "copyMessage" and call.chat_id == DESK and call.ok:
            found = CODE.search(str(call.params.get("caption", "")))
            if found:
                copies[found.group(0)] += 1
    return copies


def all_delivered(api: FakeBotAPI, run: Run) -> bool:
    cards, copies = desk_cards(api), desk_copies(api)
    return all(code in cards for code in run.confirmed) and all(
        copies[code] for code in run.with_photo
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def summary(api: FakeBotAPI, run: Run, args: argparse.Namespace) -> tuple[str, bool]:
    cards, copies = desk_cards(api), desk_copies(api)
    delivered = [code for code in run.confirmed if code in cards]
    lost = len(run.confirmed) - len(delivered)
    duplicate_cards = sum(len(times) - 1 for times in cards.values())
    latency = [cards[code][0] - run.confirmed[code] for code in delivered]
    attempts = [
        c for c in api.calls if c.chat_id == DESK and c.method in ("sendMessage", "copyMessage")
    ]
    failed = Counter(c.status for c in attempts if not c.ok)
    photos_missing = sum(1 for code in run.with_photo if not copies[code])
    elapsed = (run.finished or time.monotonic()) - run.started
    lines = [
        f"reports confirmed        {len(run.confirmed)} of {args.reports}",
        f"delivered to the desk    {len(delivered)}  (lost: {lost})",
        f"duplicate cards          {duplicate_cards}",
        f"evidence photos copied   {len(run.with_photo) - photos_missing} of {len(run.with_photo)}"
        f"  (duplicate copies: {sum(n - 1 for n in copies.values() if n > 1)})",
        f"desk send attempts       {len(attempts)}, failed {sum(failed.values())} "
        f"({', '.join(f'{s}: {n}' for s, n in sorted(failed.items()))})",
        f"restarts                 {', '.join(run.restarts)}",
        f"confirm -> card, s       p50 {percentile(latency, 0.5):.2f}  p95 "
        f"{percentile(latency, 0.95):.2f}  max {max(latency, default=0):.2f}",
        f"conversation, s          p50 {percentile(run.conversation_seconds, 0.5):.2f}  p95 "
        f"{percentile(run.conversation_seconds, 0.95):.2f}",
        f"reports confirmed per s  {_confirm_rate(run):.1f}  (first to last Send, with restarts)",
        f"wall time, s             {elapsed:.1f}  (desk caught up "
        f"{_catch_up(run):.1f} s after the last report was confirmed)",
    ]
    ok = len(run.confirmed) == args.reports and lost == 0 and photos_missing == 0
    return "\n".join(lines), ok


def _confirm_rate(run: Run) -> float:
    times = sorted(run.confirmed.values())
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0


def _catch_up(run: Run) -> float:
    if run.finished is None or run.last_confirm is None:
        return float("nan")
    return run.finished - run.last_confirm


# -- the run -------------------------------------------------------------------------------
async def bench(args: argparse.Namespace, run: Run, api: FakeBotAPI, folder: Path) -> None:
    database = folder / "bench.sqlite3"
    api.group_chat(DESK, "Desk Koordinasi")
    api.private_chat(ADMIN, first_name="Admin")
    statuses = tuple(int(s) for s in args.statuses.split(","))
    random_failures_for_chat(api, DESK, args.failure_rate, seed=args.seed, statuses=statuses)
    third = args.reports // 3
    batches = [range(0, third), range(third, 2 * third), range(2 * third, args.reports)]
    endings = ["clean stop", "killed", None]
    for numbers, ending in zip(batches, endings, strict=True):
        async with bot_on(database, api, kill=ending == "killed"):
            await batch(api, numbers, args.concurrency, run)
            if ending is None:
                run.last_confirm = time.monotonic()
                while not all_delivered(api, run):  # polled: a check reads every call so far
                    await asyncio.sleep(0.5)
                run.finished = time.monotonic()
        if ending:
            run.restarts.append(f"{ending} after {len(run.confirmed)} reports")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--failure-rate", type=float, default=0.3)
    parser.add_argument("--statuses", default="500,502,503,429", help="failure mix (HTTP codes)")
    parser.add_argument("--concurrency", type=int, default=25, help="reporters typing at once")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--time-limit", type=float, default=900.0, help="give up after (s)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="Markdown result file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("telegram").setLevel(logging.ERROR)
    logging.getLogger("bot.telegram.outbox").setLevel(logging.CRITICAL)
    run = Run()
    complete = asyncio.run(_bounded(args, run))
    text, ok = summary(complete, run, args)
    print(
        f"Tip-off benchmark: {args.reports} reports, desk failing {args.failure_rate:.0%} "
        f"of sends ({args.statuses}), concurrency {args.concurrency}, seed {args.seed}"
    )
    print(text)
    verdict = "result: " + ("OK, every confirmed report reached the desk" if ok else "FAILED")
    print(verdict)
    args.out.write_text(markdown(text, verdict), encoding="utf-8")
    return 0 if ok else 1


def markdown(text: str, verdict: str) -> str:
    """The run as a result file: the command, provenance, and the printed summary."""
    code = ["bot/telegram/outbox.py", "bot/storage/reports", "bot/core/reports"]
    command = " ".join(["python bench/reports_bench.py", *sys.argv[1:]])
    body = [f"`{command}`", "", provenance(code=code), "", "```", text, verdict, "```"]
    return "\n".join(body) + "\n"


async def _bounded(args: argparse.Namespace, run: Run) -> FakeBotAPI:
    api = FakeBotAPI()
    await api.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            async with asyncio.timeout(args.time_limit):
                await bench(args, run, api, Path(folder))
    except TimeoutError:
        print(f"time limit of {args.time_limit:.0f} s reached", file=sys.stderr)
    finally:
        await api.stop()
    return api


if __name__ == "__main__":
    sys.exit(main())
