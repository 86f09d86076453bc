"""Fuzz benchmark (long profile): ≥ 10,000 generated updates against the real Application.

The same generator and checks as tests/test_fuzz.py (bot/testing/fuzz.py), run in batches of
Hypothesis examples (seed, seed+1, ...) against one running bot until the target number of
updates is reached; then the figures (updates, crashes, rejected requests, leaks, duration)
are printed and written to bench/results/fuzz.md. Exit 1 if anything was found.

    python -m bench.fuzz_bench                     # 10,000 updates
    python -m bench.fuzz_bench --updates 2000 --seed 7
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import time
from pathlib import Path

import hypothesis
import telegram
from hypothesis import HealthCheck, Phase, given, seed, settings

from bot.config import Settings
from bot.testing.fuzz import Action, FuzzWorld, actions, fuzz_world

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "fuzz.md"
BATCH = 100  # Hypothesis examples per batch (each example is 1 to 12 actions)


def run_batch(world: FuzzWorld, batch_seed: int) -> None:
    @seed(batch_seed)
    @settings(
        max_examples=BATCH,
        deadline=None,
        database=None,
        phases=[Phase.generate],  # no shrinking: findings are collected, not raised
        suppress_health_check=list(HealthCheck),
    )
    @given(actions)
    def play(sequence: list[Action]) -> None:
        world.play(sequence)

    play()


def report(world: FuzzWorld, args: argparse.Namespace, seconds: float, batches: int) -> str:
    findings = world.findings
    command = "python -m bench.fuzz_bench " + " ".join(sys.argv[1:])
    kinds = ", ".join(f"{kind} {count}" for kind, count in findings.actions.most_common())
    rows = [
        ("updates sent to the bot", f"{findings.updates:,}"),
        ("actions", f"{sum(findings.actions.values()):,}"),
        ("Hypothesis examples", f"{batches * BATCH:,}"),
        ("requests the bot made", f"{len(world.api.calls):,}"),
        ("crashes (unhandled exceptions, tracebacks)", str(len(findings.crashes))),
        ("requests Telegram would reject (HTTP 400)", str(len(findings.rejected))),
        ("reporter identity in desk-bound requests", str(len(findings.leaks))),
        ("messages the desk received", str(len(world.api.messages_to(-1001000)))),
        ("duration", f"{seconds:.0f} s ({findings.updates / seconds:.1f} updates/s)"),
    ]
    lines = [
        "# Fuzzing: generated updates against the real Application",
        "",
        f"Command: `{command.strip()}`",
        f"Date: {dt.date.today()}; Python {platform.python_version()}; "
        f"python-telegram-bot {telegram.__version__}; Hypothesis {hypothesis.__version__}; "
        f"seeds {args.seed}..{args.seed + batches - 1}.",
        "",
        "| measure | result |",
        "|---|--:|",
        *(f"| {name} | {value} |" for name, value in rows),
        "",
        f"Actions by kind: {kinds}.",
        "",
        "Findings:" if not findings.clean else "Findings: none.",
    ]
    if not findings.clean:
        lines += ["", "```", findings.summary(), "```"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=10_000, help="at least this many")
    parser.add_argument("--seed", type=int, default=1, help="seed of the first batch")
    parser.add_argument("--no-write", action="store_true", help="do not write the results file")
    args = parser.parse_args(argv)
    base = Settings.from_env({"CONTENT_DIR": str(ROOT / "content")})
    started = time.monotonic()
    batches = 0
    with fuzz_world(base) as world:
        while world.findings.updates < args.updates:
            run_batch(world, args.seed + batches)
            batches += 1
            print(f"batch {batches}: {world.findings.summary().splitlines()[0]}", flush=True)
        world.check_now()
        seconds = time.monotonic() - started
        text = report(world, args, seconds, batches)
    print(text)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text, encoding="utf-8")
    return 0 if world.findings.clean else 1


if __name__ == "__main__":
    sys.exit(main())
