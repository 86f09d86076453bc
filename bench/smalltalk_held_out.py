"""Small talk on each small-talk dev half, decided by models that never trained on it.

    python bench/smalltalk_held_out.py [--misses]

A dev half's misses under the shipped model say little: its lines are training lines, so the
model has learned them. Here each small-talk dev half of bench/blind_sets.py is decided by
models rebuilt without its lines (bench/calibrate.py's `models`), with the shipped
calibration, the way the next writer's messages would be. The misses (--misses) are where
to look for what generalises; they are dev data, never a test half. Prints only.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.blind_sets import BLIND_SETS, DATA  # noqa: E402
from bench.calibrate import models, without  # noqa: E402
from bot.core.content import load_valid_content  # noqa: E402
from bot.core.faq.ensemble import Calibration  # noqa: E402
from bot.core.faq.evaluate import read_labelled  # noqa: E402
from bot.core.faq.match import Kind  # noqa: E402
from bot.core.faq.smalltalk import SmallTalk  # noqa: E402
from bot.core.faq.training import load_training  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="print each line not handled")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    content = load_valid_content(ROOT / "content")
    smalltalk = SmallTalk.load(content.directory)
    training = load_training(content.directory)
    calibration = Calibration.load()
    handled = total = 0
    for blind_set in (s for s in BLIND_SETS if s.smalltalk):
        lines = read_labelled(DATA / blind_set.dev_file)
        model = models(content, smalltalk, set(), without(training, lines))
        model.calibration = calibration
        mine = 0
        for line in lines:
            decision = model.decide(line.question)
            mine += decision.kind is Kind.SMALLTALK
            if args.misses and decision.kind is not Kind.SMALLTALK:
                shown = decision.entry_id or ""
                print(f"  {line.smalltalk:9} {decision.kind.value:8} {shown:20} | {line.question}")
        print(f"{blind_set.dev}: {mine} of {len(lines)} handled", flush=True)
        handled, total = handled + mine, total + len(lines)
    print(f"all: {handled} of {total} handled ({100 * handled / max(total, 1):.1f}%)")


if __name__ == "__main__":
    main()
