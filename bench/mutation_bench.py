"""Mutation testing as a benchmark: how many one-line bugs the fast tests of each module catch.

Runs mutmut (3.x) once per target in a scratch copy of the tree, with only the test files
that belong to that target, and a fixed-seed sample of its mutants so the run stays bounded
on a small shared machine. Writes bench/results/mutation.md: survival rate per target and
the diff of every surviving mutant (each one is then killed by a test or explained there,
in the "Survivors" notes kept in bench/mutation_notes.md).

    pip install -e ".[bench]"     # mutmut: a benchmark-only tool, not a runtime dependency
    python3 bench/mutation_bench.py                      # every target, 12 mutants each
    python3 bench/mutation_bench.py --only flood --sample 0   # one target, all its mutants

A killed mutant made at least one selected test fail; "timeout" counts as killed (the
bug hangs the code). "No tests" means no selected test reaches the mutated function.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._provenance import provenance  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "mutation.md"
RAW = ROOT / "bench" / "results" / "mutation.json"  # per-mutant outcomes, for --only merges
NOTES = ROOT / "bench" / "results" / "mutation-notes.md"  # by hand: each survivor
COPY = ("bot", "tests", "content", "locales", "docs", "README.md", "pyproject.toml")
SEED = 17


@dataclass(frozen=True)
class Target:
    name: str
    sources: tuple[str, ...]
    tests: tuple[str, ...]


TARGETS = (
    Target("tghtml", ("bot/core/tghtml.py",), ("tests/test_tghtml.py",)),
    Target("content", ("bot/core/content.py",), ("tests/test_content_check.py",)),
    Target(
        "reports",
        ("bot/core/reports",),
        ("tests/test_reports_core.py", "tests/test_reports_storage.py"),
    ),
    Target("broadcasts", ("bot/core/broadcasts",), ("tests/test_broadcasts_core.py",)),
    Target("flood", ("bot/telegram/flood.py",), ("tests/test_flood.py", "tests/test_e2e_faq.py")),
    Target("outbox", ("bot/telegram/outbox.py",), ("tests/test_e2e_reports.py",)),
    Target(
        "privacy",
        ("bot/telegram/handlers/privacy.py",),
        ("tests/test_erasure.py", "tests/test_e2e_privacy.py", "tests/test_e2e_reports.py"),
    ),
    Target("faq-normalise", ("bot/core/faq/normalise.py",), ("tests/test_normalise.py",)),
)

STATUS = re.compile(r"^\s*(\S+__mutmut_\d+): (.+?)\s*$")
KILLED = {"killed", "timeout"}


@dataclass
class Outcome:
    target: Target
    population: int = 0
    statuses: dict[str, str] = field(default_factory=dict)
    diffs: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def count(self, *wanted: str) -> int:
        return sum(1 for s in self.statuses.values() if s in wanted)


def scratch_copy(target: Target, where: Path) -> Path:
    """The tree plus a [tool.mutmut] section that mutates `target` with its tests only."""
    for name in COPY:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, where / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, where / name)
    quoted = ", ".join(f'"{t}"' for t in target.tests)
    sources = ", ".join(f'"{s}"' for s in target.sources)
    with (where / "pyproject.toml").open("a", encoding="utf-8") as out:
        out.write(
            "\n[tool.mutmut]\n"
            f"source_paths = [{sources}]\n"
            f"pytest_add_cli_args_test_selection = [{quoted}]\n"
            'also_copy = ["bot", "tests", "content", "locales", "docs", "README.md"]\n'
        )
    return where


def mutmut(cwd: Path, *args: str, timeout: float = 3600) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "mutmut", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return done.stdout


def statuses(cwd: Path) -> dict[str, str]:
    found = {}
    for line in mutmut(cwd, "results", "--all", "true").splitlines():
        matched = STATUS.match(line)
        if matched:
            found[matched.group(1)] = matched.group(2)
    return found


def run_target(target: Target, sample: int, children: int) -> Outcome:
    outcome = Outcome(target)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"mutation-{target.name}-") as tmp:
        work = scratch_copy(target, Path(tmp))
        mutmut(work, "run", "__generate_only__")  # makes every mutant, then finds no match
        names = sorted(statuses(work))
        outcome.population = len(names)
        chosen = (
            names
            if not sample
            else sorted(random.Random(SEED).sample(names, min(sample, len(names))))
        )
        if chosen:
            mutmut(work, "run", "--max-children", str(children), *chosen)
        every = statuses(work)
        outcome.statuses = {name: every.get(name, "not checked") for name in chosen}
        for name, status in outcome.statuses.items():
            if status not in KILLED:
                outcome.diffs[name] = mutmut(work, "show", name).strip()
    outcome.seconds = time.monotonic() - started
    return outcome


def render(outcomes: list[Outcome], sample: int) -> str:
    lines = [
        "## Mutation testing",
        "",
        provenance(code=sorted({src for o in outcomes for src in o.target.sources})),
        "",
        f"`{' '.join(['python3 bench/mutation_bench.py', *sys.argv[1:]])}` (mutmut "
        f"{mutmut_version()}, seed {SEED}, "
        + (f"a sample of {sample} mutants per target" if sample else "every mutant")
        + "). Killed includes timeouts; a survivor is a one-line bug the selected tests let "
        "through.",
        "",
        "| target | tests | mutants | sampled | killed | timeout | survived | no tests "
        "| survival | time |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for o in outcomes:
        sampled = len(o.statuses)
        survived = sampled - o.count(*KILLED)
        rate = f"{survived / sampled:.0%}" if sampled else "n/a"
        tests = ", ".join(Path(t).name for t in o.target.tests)
        lines.append(
            f"| {o.target.name} | {tests} | {o.population} | {sampled} | {o.count('killed')} "
            f"| {o.count('timeout')} | {o.count('survived')} | {o.count('no tests')} | {rate} "
            f"| {o.seconds:.0f} s |"
        )
    total = sum(len(o.statuses) for o in outcomes)
    killed = sum(o.count(*KILLED) for o in outcomes)
    if total:
        lines += [
            "",
            f"Overall: {total - killed} of {total} sampled mutants survived "
            f"({(total - killed) / total:.0%}).",
        ]
    lines += ["", "### Survivors", ""]
    for o in outcomes:
        for name, diff in o.diffs.items():
            lines += [f"`{name}` ({o.statuses[name]})", "", "```diff", diff, "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def mutmut_version() -> str:
    from importlib.metadata import version

    return version("mutmut")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=12, help="mutants per target; 0 = all")
    parser.add_argument("--only", nargs="*", help="target names")
    parser.add_argument("--children", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    outcomes = []
    for target in TARGETS:
        if args.only and target.name not in args.only:
            continue
        outcome = run_target(target, args.sample, args.children)
        print(
            f"{target.name}: {outcome.count(*KILLED)}/{len(outcome.statuses)} killed "
            f"of {outcome.population} ({outcome.seconds:.0f} s)",
            flush=True,
        )
        outcomes.append(outcome)
    kept = outcomes
    if args.only:  # the raw file keeps the other targets' last results
        previous = load_raw()
        fresh = {o.target.name for o in outcomes}
        kept = [
            next((o for o in outcomes if o.target.name == t.name), previous.get(t.name))
            for t in TARGETS
            if t.name in fresh or t.name in previous
        ]
    RAW.write_text(json.dumps([dump(o) for o in kept], indent=1) + "\n", encoding="utf-8")
    args.out.write_text(render(outcomes, args.sample), encoding="utf-8")  # this run only


def dump(outcome: Outcome) -> dict:
    return {
        "target": outcome.target.name,
        "sources": list(outcome.target.sources),
        "tests": list(outcome.target.tests),
        "population": outcome.population,
        "seconds": round(outcome.seconds, 1),
        "statuses": outcome.statuses,
        "diffs": outcome.diffs,
    }


def load_raw() -> dict[str, Outcome]:
    if not RAW.exists():
        return {}
    targets = {t.name: t for t in TARGETS}
    found = {}
    for item in json.loads(RAW.read_text(encoding="utf-8")):
        if item["target"] in targets:
            ran = Target(item["target"], tuple(item["sources"]), tuple(item["tests"]))
            found[item["target"]] = Outcome(
                ran,
                item["population"],
                item["statuses"],
                item["diffs"],
                item["seconds"],
            )
    return found


if __name__ == "__main__":
    main()
