"""Split a blind set of ads into a dev and a test half, stratified by label and kind.

    python tests/data/split_blind.py              # ads_blind.jsonl  -> ads_blind_{dev,test}.jsonl
    python tests/data/split_blind.py ads_blind2   # ads_blind2.jsonl -> ads_blind2_{dev,test}.jsonl

The seed is fixed so the split is the same on every machine. Within each (label, kind)
group the items are shuffled and the first half (rounded up) goes to dev: a group of one
item is dev only. Rules are tuned only on dev; test is read for the final numbers.
"""

from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).parent
SEED = 20261204


def main(name: str = "ads_blind") -> None:
    lines = (HERE / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for line in lines:
        if line.strip():
            item = json.loads(line)
            groups[(item["label"], item["kind"])].append(line)
    rng = random.Random(SEED)
    dev: list[str] = []
    test: list[str] = []
    for key in sorted(groups):
        items = groups[key]
        rng.shuffle(items)
        half = (len(items) + 1) // 2
        dev += items[:half]
        test += items[half:]
    (HERE / f"{name}_dev.jsonl").write_text("\n".join(dev) + "\n", encoding="utf-8")
    (HERE / f"{name}_test.jsonl").write_text("\n".join(test) + "\n", encoding="utf-8")
    print(f"dev {len(dev)}, test {len(test)}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
