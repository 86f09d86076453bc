"""Folders for the helpers who write a blind set or judge pairs (briefs: tests/data/briefs).

    python bench/blind_brief.py writer DIR     # DIR/brief.txt and DIR/topics.txt for a set's writer
    python bench/blind_brief.py judges DIR     # after `adjudication.py pairs DIR`: judge1..5.tsv
    python bench/blind_brief.py verdicts DIR   # DIR/verdicts1..5.tsv -> DIR/all_verdicts.tsv

A blind set's writer sees only the topic ids and titles (topics.txt) and the brief; a judge
sees only entries.md, one judgeN.tsv and the brief. The pairs are dealt to the judges by
question, so every pair of one question goes to the same judge, who then reads the question
once beside all its candidate entries. The brief names DIR, so the helper is told one folder.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.content import load_valid_content  # noqa: E402

BRIEFS = ROOT / "tests/data/briefs"
JUDGES = 5


def brief(name: str, folder: Path) -> str:
    return (BRIEFS / name).read_text(encoding="utf-8").replace("DIR/", f"{folder}/")


def topics(content_dir: Path) -> str:
    """One line per FAQ entry: id, Indonesian title, English title (tab-separated)."""
    entries = sorted(load_valid_content(content_dir).entries.values(), key=lambda e: e.id)
    return "".join(f"{e.id}\t{e.title['id']}\t{e.title['en']}\n" for e in entries)


def writer(folder: Path, content_dir: Path = ROOT / "content") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "topics.txt").write_text(topics(content_dir), encoding="utf-8")
    (folder / "brief.txt").write_text(brief("blind_set.txt", folder), encoding="utf-8")


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        # no quote character: questions are written as people typed them, "quotes" and all
        out = csv.writer(
            handle, delimiter="\t", quoting=csv.QUOTE_NONE, quotechar=None, lineterminator="\n"
        )
        out.writerows(rows)


def judge_of(question: str, judges: int = JUDGES) -> int:
    """Which judge (1..judges) gets a question's pairs: stable across runs and machines."""
    return int(hashlib.sha256(question.encode("utf-8")).hexdigest(), 16) % judges + 1


def judges(folder: Path, count: int = JUDGES) -> list[int]:
    """Deal DIR/pairs.tsv to DIR/judge1..N.tsv by question; the number of pairs of each."""
    header, *rows = _read(folder / "pairs.tsv")
    parts: dict[int, list[list[str]]] = {n: [] for n in range(1, count + 1)}
    for row in rows:
        parts[judge_of(row[0], count)].append(row)
    for n, part in parts.items():
        _write(folder / f"judge{n}.tsv", [header, *part])
    (folder / "brief.txt").write_text(brief("judge.txt", folder), encoding="utf-8")
    return [len(part) for part in parts.values()]


def verdicts(folder: Path, count: int = JUDGES) -> int:
    """Concatenate the judges' verdicts, refusing a file whose rows do not match its input."""
    header: list[str] | None = None
    merged: list[list[str]] = []
    for n in range(1, count + 1):
        asked = _read(folder / f"judge{n}.tsv")[1:]
        head, *rows = _read(folder / f"verdicts{n}.tsv")
        if [r[:2] for r in rows] != [a[:2] for a in asked]:
            raise SystemExit(f"verdicts{n}.tsv does not answer judge{n}.tsv row by row")
        header = header or head
        merged += rows
    _write(folder / "all_verdicts.tsv", [header or [], *merged])
    return len(merged)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("writer", "judges", "verdicts"))
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    folder = args.folder.resolve()
    if args.step == "writer":
        writer(folder)
        print(f"wrote {folder}/brief.txt and topics.txt")
    elif args.step == "judges":
        print(f"pairs per judge: {judges(folder)}; brief in {folder}/brief.txt")
    else:
        print(f"{verdicts(folder)} verdicts in {folder}/all_verdicts.tsv")


if __name__ == "__main__":
    main()
