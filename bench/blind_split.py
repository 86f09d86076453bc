"""Merge the blind question files and split them into dev and test halves.

    python bench/blind_split.py tests/data/blind_part1.tsv tests/data/blind_part2.tsv
    python bench/blind_split.py tests/data/blind3.tsv --name blind3    # blind3_{dev,test}.tsv

Each part is split on its own, stratified by expected label: within a label the lines are
ordered by a seeded hash of the question and dealt alternately to dev and test. A label with
an odd count gives its extra line to dev or test by the same hash. Splitting part by part
keeps a line's half fixed when another part is added later. Questions are copied verbatim.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = "blind-2026-12-04"
HEADER = ["expected", "lang", "style", "question"]


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [r for r in rows[1:] if len(r) >= 4 and r[3].strip()]


def key(row: list[str]) -> str:
    return hashlib.sha256(f"{SEED}|{row[3]}".encode()).hexdigest()


def split(rows: list[list[str]]) -> tuple[list[list[str]], list[list[str]]]:
    """Stratified 50/50: deal each label's lines, in hash order, alternately to dev and test."""
    by_label: dict[str, list[list[str]]] = defaultdict(list)
    for row in rows:
        by_label[row[0].strip()].append(row)
    dev: list[list[str]] = []
    test: list[list[str]] = []
    for label in sorted(by_label):
        ordered = sorted(by_label[label], key=key)
        first, second = (dev, test) if int(key([label, "", "", label]), 16) % 2 else (test, dev)
        for n, row in enumerate(ordered):
            (first if n % 2 == 0 else second).append(row)
    return dev, test


def write(path: Path, rows: list[list[str]]) -> None:
    # Verbatim, tab-separated (questions hold no tabs): no quoting or escaping is added.
    lines = ["\t".join(HEADER), *("\t".join(r[:4]) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "tests/data")
    parser.add_argument("--name", default="blind", help="writes NAME_dev.tsv and NAME_test.tsv")
    args = parser.parse_args()
    dev: list[list[str]] = []
    test: list[list[str]] = []
    seen: set[str] = set()
    for part in args.parts:
        rows = []
        for row in read_rows(part):
            if row[3] not in seen:  # an exact duplicate would sit in both halves
                seen.add(row[3])
                rows.append(row)
        part_dev, part_test = split(rows)
        dev += part_dev
        test += part_test
    write(args.out / f"{args.name}_dev.tsv", dev)
    write(args.out / f"{args.name}_test.tsv", test)
    print(f"dev {len(dev)}, test {len(test)}")


if __name__ == "__main__":
    main()
