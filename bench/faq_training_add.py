"""Append a labelled set's lines to content/faq_training.yaml once it becomes development data.

    python bench/faq_training_add.py tests/data/blind5_dev.tsv

Each in-scope, small-talk and out-of-scope line (label `offtopic`) is appended to the end of
its label's list, keeping the file's comments and order; lines already there, lines about
topics the content lacks and blank lines (emoji or punctuation only: they never reach the
learned model) are skipped. Only for sets that tests/test_understanding.py lists as
DEVELOPMENT_SETS: a fresh blind set must never be copied into training.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.content import load_valid_content  # noqa: E402
from bot.core.faq.evaluate import read_labelled  # noqa: E402
from bot.core.faq.normalise import is_blank  # noqa: E402
from bot.core.faq.smalltalk import OFFTOPIC  # noqa: E402
from bot.core.faq.training import FILE, load_training  # noqa: E402

KEY = re.compile(r"^  (\S+):\s*$")


def new_lines(path: Path) -> dict[str, list[str]]:
    """label -> lines of `path` not yet in training."""
    content = load_valid_content(ROOT / "content")
    known = {text for text, _ in load_training(ROOT / "content")}
    out: dict[str, list[str]] = defaultdict(list)
    for item in read_labelled(path):
        text = item.question.strip()
        label = item.expected or OFFTOPIC
        if text in known or is_blank(text):
            continue
        if item.smalltalk is None and item.expected and item.expected not in content.entries:
            continue
        known.add(text)
        out[label].append(text)
    return out


def item(text: str) -> str:
    """One YAML list item, quoted where YAML needs it."""
    return yaml.safe_dump([text], allow_unicode=True, width=10**6).rstrip("\n")


def append(lines: list[str], adding: dict[str, list[str]]) -> list[str]:
    """The file's lines with each label's new items after its last item."""
    out: list[str] = []
    current: str | None = None
    for line in lines:
        match = KEY.match(line)
        if match and current in adding:
            out += ["  " + item(t) for t in adding.pop(current)]
        if match:
            current = match.group(1)
        out.append(line)
    if current in adding:
        out += ["  " + item(t) for t in adding.pop(current)]
    for label, texts in adding.items():  # labels the file did not have yet
        out += [f"  {label}:"] + ["  " + item(t) for t in texts]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labelled_set", type=Path, help="a tests/data/*.tsv development set")
    adding = new_lines(parser.parse_args().labelled_set)
    target = ROOT / "content" / FILE
    lines = target.read_text(encoding="utf-8").splitlines()
    count = sum(len(v) for v in adding.values())
    target.write_text("\n".join(append(lines, adding)) + "\n", encoding="utf-8")
    print(f"added {count} lines to {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
