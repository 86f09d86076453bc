"""Split ads_blind.jsonl into a dev and a test half, stratified by label and kind.

    python tests/data/split_blind.py

The seed is fixed so the split is the same on every machine. Within each (label, kind)
group the items are shuffled and the first half (rounded up) goes to dev: a group of one
item is dev only. Rules are tuned only on dev; test is read for the final numbers.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).parent
SEED = 20261204


def main() -> None:
    lines = (HERE / "ads_blind.jsonl").read_text(encoding="utf-8").splitlines()
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
    (HERE / "ads_blind_dev.jsonl").write_text("\n".join(dev) + "\n", encoding="utf-8")
    (HERE / "ads_blind_test.jsonl").write_text("\n".join(test) + "\n", encoding="utf-8")
    print(f"dev {len(dev)}, test {len(test)}")


if __name__ == "__main__":
    main()
