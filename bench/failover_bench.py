"""Failover benchmark: two bot processes on one database; the active one is killed (-9).

Two real `python -m bot` processes run against the Bot API emulator and one database. One
holds the lease and works, the other waits (bot/storage/lease.py). The benchmark kills the
active process with SIGKILL, measures how long until the standby has taken the lease and is
polling Telegram again, and restarts the killed one as the new standby.

1. Reports: simulated reporters go through the whole /lapor form while the active process
   is killed `--kills` times. Reported: reports confirmed, lost (a case code was given but
   no card reached the desk), duplicate cards, and conversations that had to repeat a step
   because an update fetched by the killed process was never handled (Telegram drops those
   too: an update is confirmed by the next poll, before it is handled).
2. Broadcast: `--subscribers` subscribers and one broadcast to all of them, queued in the
   database; the active process is killed `--broadcast-kills` times while it sends.
   Reported: everyone reached, missed, and duplicates per kill (bounded by the sends in
   flight when the process died).

    python bench/failover_bench.py                              # 500 reports, 10,000 subscribers
    python bench/failover_bench.py --reports 100 --subscribers 1000   # a quick look
    python bench/failover_bench.py --postgres --out bench/results/failover-postgres.md
                                        # against a throw-away PostgreSQL server
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "failover.md"
sys.path.insert(0, str(ROOT))

from bench._provenance import provenance  # noqa: E402
from bench.reports_bench import CODE, DETAILS, percentile  # noqa: E402
from bot.core.broadcasts.model import Audience, ContentKind, MessageContent  # noqa: E402
from bot.storage import Database  # noqa: E402
from bot.storage.broadcasts import Broadcasts, Subscribers  # noqa: E402
from bot.storage.sealing import new_key_text  # noqa: E402
from bot.testing.fake_api import Call, FakeBotAPI  # noqa: E402
from bot.testing.postgres import ThrowawayServer  # noqa: E402

DESK = -1009000000001
ADMIN = 1
FIRST_REPORTER = 2_000_000
FIRST_SUBSCRIBER = 3_000_000
BROADCAST_TEXT = "PERINGATAN: tawaran kerja ke luar negeri lewat media sosial tanpa P3MI resmi."
CARD_PATIENCE = 180.0  # seconds without a new desk card before the rest count as lost
STEP_TIMEOUT = 20.0  # longer than a failover: a step repeated sooner would be a false alarm
REPORTER_KEY = new_key_text()
# A card sent just before a kill but not yet recorded is sent again by the next process: at
# most the one desk send in flight per kill. Every reporter must get through the form.
TARGETS = {
    "failover_s": 10.0,
    "lost": 0,
    "gave_up": 0,
    "duplicate_cards_per_kill": 1,
    "broadcast_dups_per_kill": 8,
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the two processes ---------------------------------------------------------------------
class Instance:
    """One `python -m bot` process with its own health port."""

    def __init__(self, name: str, env: dict[str, str], logs: Path) -> None:
        self.name = name
        self.env = env
        self.logs = logs
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        env = {**self.env, "HEALTH_PORT": str(self.port)}
        log = open(self.logs / f"{self.name}-{self.starts}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=ROOT, env=env, stdout=log, stderr=log
        )

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    async def role(self, client: httpx.AsyncClient) -> str | None:
        try:
            answer = await client.get(f"http://127.0.0.1:{self.port}/readyz", timeout=2)
            return answer.json().get("role")
        except (httpx.HTTPError, ValueError):
            return None


class Pair:
    """Two instances; `active` is the one holding the lease."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.instances = [Instance("a", env, logs), Instance("b", env, logs)]
        self.client = httpx.AsyncClient()
        self.failovers: list[tuple[float, float]] = []  # (lease taken, polling again) seconds

    async def start(self) -> None:
        first, second = self.instances
        first.start()
        await self._until_role(first, "leader", 120)
        second.start()
        await self._until_role(second, "standby", 120)

    async def active(self) -> Instance:
        for instance in self.instances:
            if await instance.role(self.client) == "leader":
                return instance
        raise RuntimeError("no active instance")

    async def kill_active(self, api: FakeBotAPI) -> None:
        """SIGKILL the active one; time the takeover; restart the dead one as standby."""
        dead = await self.active()
        standby = next(i for i in self.instances if i is not dead)
        mark = api.mark()
        dead.kill()
        killed = time.monotonic()
        if os.environ.get("FAILOVER_DEBUG"):
            print(f"KILL {dead.name} at {killed:10.2f}", flush=True)
        await self._until_role(standby, "leader", 60)
        lease_taken = time.monotonic() - killed
        polling = await _first_poll_after(api, mark, killed, 60) - killed
        self.failovers.append((lease_taken, polling))
        dead.start()
        await self._until_role(dead, "standby", 120)

    async def _until_role(self, instance: Instance, role: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while await instance.role(self.client) != role:
            if time.monotonic() > deadline:
                raise RuntimeError(f"instance {instance.name} never became {role}")
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        for instance in self.instances:
            instance.stop()
        await self.client.aclose()


async def _first_poll_after(api: FakeBotAPI, mark: int, killed: float, timeout: float) -> float:
    """When the first long poll that began after the kill arrived (the dead process's own
    last poll may still be answered after the kill, so its start time tells them apart)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for call in api.calls[mark:]:
            if call.method == "getUpdates" and call.ok and call.started >= killed:
                return call.started
        await asyncio.sleep(0.02)
    raise RuntimeError("the new active instance never polled")


def bot_env(api: FakeBotAPI, database_url: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH")},
        "BOT_TOKEN": api.token,
        "TELEGRAM_BASE_URL": api.base_url,
        "DATABASE_URL": database_url,
        "CONTENT_DIR": str(ROOT / "content"),
        "DESK_CHAT_ID": str(DESK),
        "ADMIN_IDS": str(ADMIN),
        "FLOOD_LIMIT_PER_MINUTE": "10000",
        "REPORT_DAILY_LIMIT": "100",
        "OUTBOX_POLL_SECONDS": "1",
        "OUTBOX_RETRY_SECONDS": "0.5",
        "LOG_LEVEL": os.environ.get("FAILOVER_LOG_LEVEL", "WARNING"),
        "REPORTER_KEY": REPORTER_KEY,  # both processes seal with the same key
    }


# -- reporters -------------------------------------------------------------------------------
@dataclasses.dataclass
class Reports:
    confirmed: dict[str, float] = dataclasses.field(default_factory=dict)
    reporter_of: dict[str, int] = dataclasses.field(default_factory=dict)
    repeated_steps: int = 0
    restarted: int = 0
    failed: int = 0
    surprises: Counter[str] = dataclasses.field(default_factory=Counter)


def _buttons(message: dict[str, Any]) -> set[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {button.get("callback_data", "") for row in rows for button in row}


async def _step(
    api: FakeBotAPI,
    user: int,
    act,
    run: Reports,
    wants: str | Callable[[dict[str, Any]], bool] | None = None,
) -> dict[str, Any]:
    """Do one step of the form and return the bot's answer: the next message offering the
    button ``wants`` (or that ``wants`` accepts; any message when None). Older unread
    messages are skipped first, as a person reads the latest one. If no answer comes (the
    update died with a killed process), the step is done again once, as a person would."""
    for attempt in range(2):
        api.skip_pending(user)
        await act()
        deadline = time.monotonic() + STEP_TIMEOUT
        try:
            while True:
                left = deadline - time.monotonic()
                message = await api.next_message(user, timeout=max(0.01, left))
                if _wanted(message, wants):
                    return message
        except TimeoutError:
            if attempt == 0:
                run.repeated_steps += 1
    raise TimeoutError(f"no answer offering {wants}")


def _wanted(message: dict[str, Any], wants) -> bool:
    if wants is None:
        return True
    if callable(wants):
        return bool(wants(message))
    return wants in _buttons(message)


def _has_code(message: dict[str, Any]) -> bool:
    return CODE.search(message.get("text", "")) is not None


async def _one_report(api: FakeBotAPI, user: int, number: int, run: Reports) -> str:
    def say(text: str):
        return lambda: api.send_text(user, text)

    def press(message: dict[str, Any], data: str):
        return lambda: api.press(user, message["message_id"], data)

    prompt = await _step(api, user, say("/lapor"), run, "rp:cat:recruiter")
    prompt = await _step(api, user, press(prompt, "rp:cat:recruiter"), run, "rp:pv:riau")
    prompt = await _step(api, user, press(prompt, "rp:pv:riau"), run)
    prompt = await _step(
        api, user, say(f"Desa Nomor {number}, Kabupaten Bengkalis"), run, "rp:when:week"
    )
    prompt = await _step(api, user, press(prompt, "rp:when:week"), run)
    prompt = await _step(
        api, user, say(DETAILS.format(n=number, fee=number % 50 + 5)), run, "rp:done"
    )
    prompt = await _step(api, user, press(prompt, "rp:done"), run, "rp:id:hide")
    prompt = await _step(api, user, press(prompt, "rp:id:hide"), run, "rp:ok")
    received = await _step(api, user, press(prompt, "rp:ok"), run, _has_code)
    code = CODE.search(received.get("text", ""))
    if code is None:
        raise LookupError(received.get("text", "")[:120])
    return code.group(0)


async def reporter(api: FakeBotAPI, number: int, run: Reports) -> None:
    """A reporter who starts over (cancel, then /lapor) when a step goes wrong."""
    user = FIRST_REPORTER + number
    api.private_chat(user, first_name=f"Pelapor{number}")
    for attempt in range(3):
        try:
            code = await _one_report(api, user, number, run)
        except (TimeoutError, LookupError, KeyError, AssertionError) as exc:
            run.surprises[type(exc).__name__ + ": " + str(exc)[:60]] += 1
            run.restarted += attempt < 2
            await api.send_text(user, "/batal")
            await asyncio.sleep(1)
            continue
        run.confirmed[code] = time.monotonic()
        run.reporter_of[code] = user
        return
    run.failed += 1


class DeskCards:
    """Desk cards per case code, counted as the emulator records each request.

    Counted once per request, not by scanning every recorded request again (there are
    hundreds of thousands in a long run, and the scan ran once per confirmed code): such a
    scan held the emulator's event loop, which serves the bot too, for seconds at a time, so
    the bot's requests timed out although the emulator then carried them out, and the
    bot's retries were duplicates the bench had made itself. Telegram answers a request
    or refuses it at once; it does not hold it."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.counts: Counter[str] = Counter()
        self.first_sent: dict[str, float] = {}
        api.on_call(self._seen)

    def _seen(self, call: Call) -> None:
        message = call.message
        if call.method != "sendMessage" or call.chat_id != DESK or message is None:
            return
        head = CODE.search(message.get("text", "").split("\n", 1)[0])
        if head is None or not message.get("reply_markup"):
            return
        code = head.group(0)
        self.counts[code] += 1
        if code in self.first_sent and os.environ.get("FAILOVER_DEBUG"):
            print(f"DUPLICATE {code}: sent at {self.first_sent[code]:.2f} and {call.started:.2f}")
        self.first_sent.setdefault(code, call.started)


async def reports_phase(
    api: FakeBotAPI, pair: Pair, args: argparse.Namespace
) -> tuple[list[str], bool]:
    run = Reports()
    gate = asyncio.Semaphore(args.concurrency)
    cards: DeskCards = args.desk_cards

    async def one(number: int) -> None:
        async with gate:
            await reporter(api, number, run)

    burst = asyncio.gather(*(one(n) for n in range(args.reports)))
    for kill in range(1, args.kills + 1):
        while len(run.confirmed) < kill * args.reports // (args.kills + 1) and not burst.done():
            await asyncio.sleep(0.2)
        await pair.kill_active(api)
    await burst
    # The desk group takes 20 messages a minute, so a burst's cards trickle in for a while:
    # wait as long as they keep coming.
    seen, last_progress = 0, time.monotonic()
    while any(c not in cards.counts for c in run.confirmed):
        count = len(cards.counts)
        if count > seen:
            seen, last_progress = count, time.monotonic()
        elif time.monotonic() - last_progress > CARD_PATIENCE:
            break
        await asyncio.sleep(0.5)
    lost = sum(1 for code in run.confirmed if code not in cards.counts)
    if os.environ.get("FAILOVER_DEBUG"):
        for code in [c for c in run.confirmed if c not in cards.counts][:2]:
            print("LOST", code)
            for m in api.history(run.reporter_of[code]):
                print("   ", m.get("message_id"), repr(m.get("text", ""))[:150], _buttons(m))
    duplicates = sum(n - 1 for n in cards.counts.values() if n > 1)
    ok = (
        lost <= TARGETS["lost"]
        and run.failed <= TARGETS["gave_up"]
        and duplicates <= TARGETS["duplicate_cards_per_kill"] * args.kills
    )
    return [
        f"reports confirmed        {len(run.confirmed)} of {args.reports}"
        f"  (gave up: {run.failed}, started over: {run.restarted})",
        f"cases at the desk         {len(cards.counts)}  (one per report sent, confirmed or not)",
        f"lost (code given, no card) {lost}",
        f"duplicate desk cards     {duplicates}  (at most one per kill: a card in flight)",
        f"steps repeated           {run.repeated_steps}  (an update fetched by a killed process)",
        *(f"  started over because: {why} x{n}" for why, n in run.surprises.most_common(5)),
    ], ok


# -- broadcast -----------------------------------------------------------------------------
def seed_broadcast(database_url: str, subscribers: int) -> None:
    db = Database.open(database_url.removeprefix("sqlite:///"))  # a file, or the PostgreSQL URL
    try:
        with db.transaction():
            people = Subscribers(db)
            for user_id in range(FIRST_SUBSCRIBER, FIRST_SUBSCRIBER + subscribers):
                people.subscribe(user_id, "id")
            Broadcasts(db).create(
                ADMIN,
                "id",
                MessageContent(ContentKind.TEXT, BROADCAST_TEXT),
                Audience(),
                datetime.now(UTC),
                cross_post=False,
            )
    finally:
        db.close()


class BroadcastReceived:
    """Broadcast messages per subscriber, counted as the emulator records each request
    (like DeskCards: a scan of every request twice a second would slow the emulator)."""

    def __init__(self, api: FakeBotAPI) -> None:
        self.counts: Counter[int] = Counter()
        api.on_call(self._seen)

    def _seen(self, call: Call) -> None:
        message = call.message
        if call.method != "sendMessage" or not call.ok or message is None:
            return
        if message.get("text") == BROADCAST_TEXT and int(call.chat_id) >= FIRST_SUBSCRIBER:
            self.counts[int(call.chat_id)] += 1


async def broadcast_phase(
    api: FakeBotAPI, pair: Pair, args: argparse.Namespace
) -> tuple[list[str], bool]:
    total = args.subscribers
    received: BroadcastReceived = args.broadcast_received
    started = time.monotonic()
    for kill in range(1, args.broadcast_kills + 1):
        while len(received.counts) < kill * total // (args.broadcast_kills + 1):
            await asyncio.sleep(0.5)
        await pair.kill_active(api)
    deadline = time.monotonic() + total / 5 + 120
    while len(received.counts) < total and time.monotonic() < deadline:
        await asyncio.sleep(1)
    elapsed = time.monotonic() - started
    got = received.counts
    duplicates = sum(n - 1 for n in got.values())
    per_kill = duplicates / max(1, args.broadcast_kills)
    ok = len(got) == total and per_kill <= TARGETS["broadcast_dups_per_kill"]
    return [
        f"subscribers reached      {len(got)} of {total}  (missed: {total - len(got)})",
        f"duplicate messages       {duplicates}  ({per_kill:.1f} per kill)",
        f"sending time, s          {elapsed:.1f}  ({len(got) / elapsed:.1f} msg/s with the kills)",
    ], ok


# -- the run -------------------------------------------------------------------------------
async def bench(args: argparse.Namespace, folder: Path) -> tuple[list[str], bool]:
    lines: list[str] = []
    async with FakeBotAPI() as api:
        api.enforce_flood_limits()  # Telegram's: 30/s bulk, ~1/s per chat, 20/min per group
        api.group_chat(DESK, "Desk Koordinasi")
        # Counted from the first request on (the broadcast starts before its phase does).
        args.desk_cards, args.broadcast_received = DeskCards(api), BroadcastReceived(api)
        api.private_chat(ADMIN, first_name="Admin")
        for user_id in range(FIRST_SUBSCRIBER, FIRST_SUBSCRIBER + args.subscribers):
            api.private_chat(user_id, language_code="id")
        failovers: list[tuple[float, float]] = []
        ok = True
        for phase, name in ((reports_phase, "reports"), (broadcast_phase, "broadcast")):
            url = _database_for(args, folder, name)
            if name == "broadcast":
                seed_broadcast(url, args.subscribers)
            pair = Pair(bot_env(api, url), folder)
            try:
                await pair.start()
                lines += [
                    f"-- {name}: {args.kills if name == 'reports' else args.broadcast_kills}"
                    " kills of the active process --"
                ]
                phase_lines, phase_ok = await phase(api, pair, args)
                lines += phase_lines
                ok = ok and phase_ok
            finally:
                failovers += pair.failovers
                await pair.close()
    lines.append(f"429s from the emulator    {api.stats['flood_429']}  (Telegram's flood limits)")
    taken = [f[0] for f in failovers]
    polling = [f[1] for f in failovers]
    lines += [
        f"-- failover, {len(failovers)} kills --",
        f"lease taken after, s     p50 {percentile(taken, 0.5):.2f}  "
        f"max {max(taken, default=0):.2f}",
        f"polling again after, s   p50 {percentile(polling, 0.5):.2f}  "
        f"max {max(polling, default=0):.2f}",
    ]
    # No kill, nothing to time: the phases' own checks decide.
    failover_ok = all(seconds <= TARGETS["failover_s"] for seconds in polling)
    return lines, ok and failover_ok


def _database_for(args: argparse.Namespace, folder: Path, name: str) -> str:
    """A fresh database per phase: a SQLite file, or a new database on the PostgreSQL server."""
    if args.server is not None:
        return args.server.fresh()
    return f"sqlite:///{folder / (name + '.sqlite3')}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=500)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=25)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--broadcast-kills", type=int, default=2)
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="a throw-away PostgreSQL server (or TEST_DATABASE_URL's) instead of SQLite files",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    args.server = ThrowawayServer(durable=True).start() if args.postgres else None
    try:
        with tempfile.TemporaryDirectory() as folder:
            keep = os.environ.get("FAILOVER_LOGS")  # a folder to keep the bot logs in
            if keep:
                Path(keep).mkdir(parents=True, exist_ok=True)
            lines, ok = asyncio.run(bench(args, Path(keep or folder)))
    finally:
        if args.server is not None:
            args.server.stop()
    verdict = "result: " + ("OK" if ok else "FAILED (see above)")
    print("\n".join(lines))
    print(verdict)
    command = " ".join(["python bench/failover_bench.py", *sys.argv[1:]])
    code = ["bot/storage/lease.py", "bot/telegram/application.py", "bot/telegram/outbox.py"]
    body = [f"`{command}`", "", provenance(code=code), "", "```", *lines, verdict, "```"]
    args.out.write_text("\n".join(body) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
