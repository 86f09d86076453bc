"""Sealed reporters: what sealing costs per operation, and how long a key rotation takes.

    python bench/sealed_bench.py [--reports 10000] [--ops 300]

Two databases are filled alike with `--reports` cases from 2,000 people (every tenth shown
by name). One runs the real sealer (AES-GCM, HMAC tags); the other the same code with a
pass-through "sealer" that stores the id as text and uses it as its own tag, which is what
the code did before issue 15 in all but column names. Each operation is then timed on both,
interleaved, `--ops` times, and the medians compared:

- reporting: `Reports.submit` (a whole report, synced to disk as in the bot);
- /status: the person's cases and the daily-limit count;
- relay: finding the case of a reporter's reply and opening the link to write back;
- /hapusdata: unlinking a person, their draft, language and conversation state;
- a conversation step: python-telegram-bot's persistence writing state and user data.

Then every row of the sealed database is re-sealed under a new key (`keys rotate`).
Targets (issue 15): ≤ 1 ms more per operation; rotation of 10,000 reports ≤ 10 s.
Writes bench/results/sealed.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._provenance import provenance  # noqa: E402
from bot.core.clock import Clock  # noqa: E402
from bot.core.reports.case_status import DeadlineRules  # noqa: E402
from bot.core.reports.draft import Draft, Evidence, ShownIdentity  # noqa: E402
from bot.storage import Database  # noqa: E402
from bot.storage.persistence import StateStore  # noqa: E402
from bot.storage.reports import (  # noqa: E402
    ReportDrafts,
    Reporters,
    ReportOutbox,
    Reports,
    cases,
)
from bot.storage.repositories import Users  # noqa: E402
from bot.storage.sealed_rows import rotate_key_file  # noqa: E402
from bot.storage.sealing import ReporterKey, Sealer, new_key_text, write_key_file  # noqa: E402

RESULTS = ROOT / "bench/results/sealed.md"
PEOPLE = 2_000
FIRST_PERSON = 6_100_000_000


class PassThrough(Sealer):
    """The same interface, no cryptography: the baseline."""

    def __init__(self) -> None:
        super().__init__([ReporterKey(b"\0" * 32)])

    def seal(self, text: str, purpose: str) -> str:
        return "p." + text

    def open(self, value: str, purpose: str) -> str:
        return value[2:]

    def tag(self, purpose: str, *parts: object) -> str:
        return purpose + ":" + ":".join(str(p) for p in parts)

    def tags(self, purpose: str, *parts: object) -> tuple[str, ...]:
        return (self.tag(purpose, *parts),)


class Side:
    """One database and its repositories under one sealer."""

    def __init__(self, path: Path, sealer: Sealer) -> None:
        self.db = Database.open(path)
        self.sealer = sealer
        clock = Clock()
        outbox = ReportOutbox(self.db, clock)
        rules = DeadlineRules(urgent=dt.timedelta(minutes=15), normal=dt.timedelta(hours=24))
        self.reports = Reports(self.db, outbox, rules, sealer)
        self.reporters = Reporters(self.db, outbox, sealer)
        self.drafts = ReportDrafts(self.db, clock, sealer)
        self.users = Users(self.db, sealer)
        self.state = StateStore(self.db, sealer)


def draft(n: int) -> Draft:
    return Draft(
        category="recruiter",
        province="jawa-timur",
        place="Cirebon",
        details=f"Calo {n} minta uang muka Rp 15 juta, hp 0812-{n % 10000:04d}-7890",
        evidence=[Evidence("note", 11, text="catatan")],
    )


def fill(side: Side, reports: int) -> None:
    """`reports` cases from PEOPLE people, in one transaction (not synced: set-up only)."""
    synced = cases.fully_synced
    cases.fully_synced = lambda _db: contextlib.nullcontext()
    try:
        _fill(side, reports)
    finally:
        cases.fully_synced = synced


def _fill(side: Side, reports: int) -> None:
    with side.db.transaction():
        for n in range(reports):
            person = FIRST_PERSON + n % PEOPLE
            shown = ShownIdentity(person, f"Nama {n}") if n % 10 == 0 else None
            side.reports.submit(draft(n), person, "id", shown)
            side.reporters.add_reporter_message(n + 1, 1000 + n)
        for n in range(PEOPLE // 4):
            side.users.set_language(FIRST_PERSON + n, "en")
    side.db.execute("DELETE FROM report_quota")  # the daily limit does not matter here


def operations(side: Side, start: int) -> dict[str, Callable[[int], object]]:
    def report(i: int) -> object:
        return side.reports.submit(draft(i), FIRST_PERSON + PEOPLE + start + i, "id", None)

    def status(i: int) -> object:
        person = FIRST_PERSON + i % PEOPLE
        side.reporters.count_since(person, dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
        return side.reporters.cases_of(person)

    def relay(i: int) -> object:
        n = i % PEOPLE
        side.reporters.case_of_reply(FIRST_PERSON + n, 1000 + n)
        return side.reporters.link(n + 1)

    def step(i: int) -> object:
        person = FIRST_PERSON + i % PEOPLE
        side.state.set_conversation("report", (person, person), 3)
        side.state.set_user_data(person, {"draft": {"details": "x" * 200}})
        return None

    def erase(i: int) -> object:
        person = FIRST_PERSON + (i * 7) % PEOPLE
        side.reporters.forget_user(person)
        side.drafts.delete(person)
        side.users.delete(person)
        side.state.forget_user(person)
        return None

    return {
        "reporting (`submit`, synced)": report,
        "/status": status,
        "relay (reply → case, link)": relay,
        "conversation step (persistence)": step,
        "/hapusdata": erase,
    }


def compare(sealed: Side, plain: Side, ops: int) -> list[tuple[str, float, float]]:
    """Median ms per operation on each side, interleaved so drift hits both alike."""
    results = []
    sealed_ops, plain_ops = operations(sealed, 0), operations(plain, 0)
    for name in sealed_ops:
        times: dict[str, list[float]] = {"sealed": [], "plain": []}
        for i in range(ops):
            for label, work in (("plain", plain_ops[name]), ("sealed", sealed_ops[name])):
                started = time.perf_counter()
                work(i)
                times[label].append((time.perf_counter() - started) * 1000)
        results.append(
            (name, statistics.median(times["plain"]), statistics.median(times["sealed"]))
        )
    return results


def rotation(side: Side, key_file: Path, keys: list[str]) -> tuple[int, float]:
    started = time.perf_counter()
    _key_id, count = rotate_key_file(side.db, key_file, keys)
    return count, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--ops", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        key_file = Path(tmp) / "keys" / "reporter.key"
        keys = [new_key_text()]
        write_key_file(key_file, keys)
        sealer = Sealer.from_texts(keys)
        sealed = Side(Path(tmp) / "data" / "sealed.sqlite3", sealer)
        plain = Side(Path(tmp) / "data" / "plain.sqlite3", PassThrough())
        fill(sealed, args.reports)
        fill(plain, args.reports)
        rows = compare(sealed, plain, args.ops)
        rotated, seconds = rotation(sealed, key_file, keys)
    lines = report(args, rows, rotated, seconds)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    worst = max(s - p for _n, p, s in rows)
    return 0 if worst <= 1.0 and seconds <= 10 else 1


def report(args, rows, rotated: int, seconds: float) -> list[str]:
    lines = [
        "## Sealed reporters: cost per operation, key rotation",
        "",
        provenance(
            code=["bot/storage/sealing.py", "bot/storage/sealed_rows.py", "bot/storage/reports"]
        ),
        "",
        f"Command: `python bench/sealed_bench.py --reports {args.reports} --ops {args.ops}`; "
        f"{args.reports:,} cases from {PEOPLE:,} people in each database, median of "
        f"{args.ops} runs per operation, sealed and pass-through interleaved.",
        "",
        "| operation | pass-through | sealed | sealing costs | target |",
        "|---|---|---|---|---|",
    ]
    for name, plain, sealed in rows:
        lines.append(
            f"| {name} | {plain:.3f} ms | {sealed:.3f} ms | {sealed - plain:+.3f} ms | ≤ +1 ms |"
        )
    lines.append(
        f"| key rotation: {rotated:,} sealed rows of {args.reports:,} reports | | "
        f"{seconds:.2f} s | | ≤ 10 s |"
    )
    return lines


if __name__ == "__main__":
    sys.exit(main())
