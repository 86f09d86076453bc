"""Write docs/benchmarks.md from bench/benchmarks_template.md and the result files.

The template holds the prose (how each benchmark works, how to run it, how to read it) and
one ``<!-- include: bench/results/NAME.md -->`` line per result file, in the order they
appear. Each result file goes in verbatim, except that its headings move down two levels so
they sit under the template's sections. No number is typed by hand into the docs:

    python3 bench/render_docs.py           # rewrite docs/benchmarks.md
    python3 bench/render_docs.py --check   # exit 1 if it is out of date (as the test does)
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "bench" / "benchmarks_template.md"
DOCS = ROOT / "docs" / "benchmarks.md"
RESULTS = ROOT / "bench" / "results"
INCLUDE = re.compile(r"^<!-- include: (\S+) -->$")
HEADING = re.compile(r"^(#{1,4}) ")


def included(template: str) -> list[str]:
    """The result files the template includes, in order (paths relative to the repo)."""
    return [m.group(1) for line in template.splitlines() if (m := INCLUDE.match(line))]


def demote(text: str) -> str:
    """Move Markdown headings down two levels, outside code blocks."""
    lines, fenced = [], False
    for line in text.rstrip("\n").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and HEADING.match(line):
            line = "##" + line
        lines.append(line)
    return "\n".join(lines)


def render(root: Path = ROOT) -> str:
    out = []
    for line in (root / TEMPLATE.relative_to(ROOT)).read_text(encoding="utf-8").splitlines():
        found = INCLUDE.match(line)
        if found is None:
            out.append(line)
            continue
        path = root / found.group(1)
        if not path.is_file():
            raise FileNotFoundError(f"{found.group(1)} (included by the template) is missing")
        out.append(f"<!-- from {found.group(1)} -->")
        out.append(demote(path.read_text(encoding="utf-8")))
    return "\n".join(out).rstrip("\n") + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare, write nothing")
    args = parser.parse_args()
    text = render()
    if args.check:
        current = DOCS.read_text(encoding="utf-8") if DOCS.exists() else ""
        if current != text:
            print("docs/benchmarks.md is out of date: run python3 bench/render_docs.py")
            return 1
        return 0
    DOCS.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
