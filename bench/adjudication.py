"""Pairs for a blind adjudication: does this FAQ entry also answer this question?

    python bench/adjudication.py pairs OUT_DIR       # the pairs not yet judged, and the entries
    python bench/adjudication.py merge VERDICTS      # add verdicts to tests/data/also_right.tsv
    python bench/adjudication.py phrasings OUT_DIR   # the same for the content's own phrasings
    python bench/adjudication.py merge --phrasings VERDICTS  # ... into also_right_phrasings.tsv

Many real questions have two right answers: "gaji minimum malaysia brp ringgit" is answered by
the wages entry and by the Malaysia entry, and "how can I check whether a recruitment company
is licensed" was labelled with the red flags although the entry on checking an agency answers it.
A single label counts such answers as wrong, which pushed the answer threshold up for every
question. So each labelled in-scope line may have adjudicated alternatives
(tests/data/also_right.tsv, read by bot.core.faq.evaluate.read_labelled): entries that a judge,
reading the question and the entry's own text, found to answer it too.

`pairs` lists, for every in-scope line of every labelled set, the entries a system might answer
with: our ensemble's best two and the best of each of its halves (dev sets: from models trained
without the line's set, as bench/calibrate.py scores them; other sets: the shipped models) and
the best of baseline C, the TF-IDF + LR classifier trained on the same data (likewise cross-fitted),
so an adjudicated alternative helps the baseline exactly as it helps ours. The pairs already
judged are left out; about one pair in six is a line's own label, mixed in unmarked as a control
of the judge. The judge sees only the question, an entry id and the entries' texts: never which
system proposed the pair, nor the label.

`phrasings` does the same for the content's own phrasings, which are most of what
bench/calibrate.py fits the confidence model on: each phrasing scored by models that never saw
it (calibrate.held_out) and paired with the entries that scoring puts first (the ensemble's
best and the best of each half) when they are not its own entry. A phrasing of one entry is
often answered by another too ("gaji minimum prt di malaysia" by the Malaysia entry and the
wages entry); counted as a mistake, it taught the confidence model to distrust both. Verdicts
go to tests/data/also_right_phrasings.tsv (read by calibrate.held_out), apart from the
labelled sets' file.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bot.core.content import Content, load_valid_content  # noqa: E402
from bot.core.faq.ensemble import Calibration, Ensemble, Evidence, combine  # noqa: E402
from bot.core.faq.evaluate import ALSO_RIGHT_FILE, Labelled, read_judged, read_labelled  # noqa: E402
from bot.core.faq.match import whole_answer  # noqa: E402
from bot.core.faq.smalltalk import is_entry  # noqa: E402
from bot.core.faq.training import load_training  # noqa: E402
from bot.core.tghtml import parse_html  # noqa: E402

DATA = ROOT / "tests/data"
# Every labelled FAQ set: the dev groups of bench/calibrate.py and the sets kept apart.
SETS = (
    *("devset.tsv", "testset.tsv", "blind_dev.tsv", "blind_test.tsv"),
    *("blind3_dev.tsv", "blind3_test.tsv", "blind4_dev.tsv", "blind4_test.tsv"),
    *("blind5_dev.tsv", "blind5_test.tsv", "blind6_dev.tsv", "blind6_test.tsv"),
    *("blind7_dev.tsv", "blind7_test.tsv", "blind8_dev.tsv", "blind8_test.tsv"),
    *("blind9_dev.tsv", "blind9_test.tsv", "blind10_dev.tsv", "blind10_test.tsv"),
    *("blind11_dev.tsv", "blind11_test.tsv", "written_dev.tsv", "written_test.tsv"),
    *("blind12_dev.tsv", "blind12_test.tsv", "blind13_dev.tsv", "blind13_test.tsv"),
    *("blind14_dev.tsv", "blind14_test.tsv"),
)
ALSO_RIGHT = DATA / ALSO_RIGHT_FILE
ALSO_RIGHT_PHRASINGS = DATA / "also_right_phrasings.tsv"
CONTROL_SHARE = 1 / 6
SEED = 10


def in_scope(lines: list[Labelled], content: Content) -> list[Labelled]:
    return [q for q in lines if q.expected in content.entries and q.smalltalk is None]


def proposals(content: Content) -> dict[str, set[str]]:
    """question -> entries some system might answer it with (not its label)."""
    import calibrate  # bench/calibrate.py: the held-out models
    import matcher_bench  # bench/matcher_bench.py: baseline C

    smalltalk = calibrate.SmallTalk.load(content.directory)
    training = load_training(content.directory)
    cal = Calibration.load()
    examples = matcher_bench.same_examples(matcher_bench.shipped_entries(content), content)
    groups = calibrate.read_groups()
    group_of = {f: name for name, files in calibrate.GROUPS.items() for f in files}
    systems: dict[str, tuple[Ensemble, Baseline]] = {}
    out: dict[str, set[str]] = {}
    for name in SETS:
        group = group_of.get(name, "")  # "": a set outside the calibration, shipped models
        if group not in systems:
            held = groups.get(group, [])
            systems[group] = (
                calibrate.models(content, smalltalk, set(), calibrate.without(training, held)),
                matcher_bench.TfidfLrBaseline(examples.without({q.question.strip() for q in held})),
            )
        lines = in_scope(read_labelled(DATA / name), content)
        for q in lines:
            found = proposed(*systems[group], q.question, cal)
            out.setdefault(q.question.strip(), set()).update(found - {q.expected})
        print(f"{name}: {len(lines)} in-scope lines", flush=True)
    return out


class Baseline(Protocol):
    """bench/matcher_bench.py's baselines: their best entry for a question (`entry_id`)."""

    def best(self, question: str) -> Any: ...


def proposed(ours: Ensemble, baseline: Baseline, question: str, cal: Calibration) -> set[str]:
    """Our ensemble's best two, the best of each of its halves, and baseline C's best."""
    found = firsts(ours.evidence(question), cal, ensemble_best=2)
    best = baseline.best(question).entry_id
    return found | {best} if best else found


def firsts(evidence: Evidence, cal: Calibration, ensemble_best: int) -> set[str]:
    """The ensemble's `ensemble_best` best entries and the best of each of its halves."""
    found = {c.entry_id for c in combine(evidence, cal)[:ensemble_best]}
    if evidence.lexical:
        found.add(evidence.lexical[0].entry_id)
    learned = {k: v for k, v in evidence.learned.items() if is_entry(k)}
    if learned:
        found.add(max(learned, key=learned.__getitem__))
    return found


def entries_text(content: Content) -> str:
    """Every entry's id, titles and whole answer, for the judge."""
    parts = []
    for entry in content.entries.values():
        parts.append(f"## {entry.id}\n\n{entry.title['id']} / {entry.title['en']}\n")
        parts.append(parse_html(whole_answer(entry, "id")).strip() + "\n")
    return "\n".join(parts)


def write_pairs(out_dir: Path, content: Content) -> None:
    judged = read_judged(ALSO_RIGHT)
    labels = {
        q.question.strip(): q.expected
        for name in SETS
        for q in in_scope(read_labelled(DATA / name), content)
    }
    rng = random.Random(SEED)
    pairs = [
        (question, entry)
        for question, found in proposals(content).items()
        for entry in sorted(found)
        if (question, entry) not in judged
    ]
    unjudged_labels = [(q, e) for q, e in labels.items() if (q, e) not in judged]
    controls = rng.sample(
        unjudged_labels, min(len(unjudged_labels), int(len(pairs) * CONTROL_SHARE))
    )
    write_rows(out_dir, content, pairs, controls, rng)


def phrasing_proposals(content: Content) -> tuple[dict[str, set[str]], dict[str, str]]:
    """phrasing -> entries other than its own that held-out scoring puts first, and
    phrasing -> its own entry."""
    import calibrate  # bench/calibrate.py: the held-out models

    smalltalk = calibrate.SmallTalk.load(content.directory)
    cal = Calibration.load()
    folds = calibrate.folds_of(content, smalltalk, calibrate.FOLDS)
    training = load_training(content.directory)
    items = calibrate.held_out(content, smalltalk, calibrate.FOLDS, training)
    texts = [(text, label) for fold in folds for _, text, label in fold]
    out: dict[str, set[str]] = {}
    own: dict[str, str] = {}
    for (text, label), item in zip(texts, items, strict=True):
        if item.ruled or not is_entry(label):
            continue
        found = firsts(item.evidence, cal, ensemble_best=1)
        own[text.strip()] = label
        if found - {label}:
            out.setdefault(text.strip(), set()).update(found - {label})
    return out, own


def write_phrasing_pairs(out_dir: Path, content: Content) -> None:
    judged = read_judged(ALSO_RIGHT_PHRASINGS)
    found, own = phrasing_proposals(content)
    pairs = [
        (text, entry)
        for text, entries in found.items()
        for entry in sorted(entries)
        if (text, entry) not in judged
    ]
    rng = random.Random(SEED)
    unjudged = [(t, e) for t, e in own.items() if (t, e) not in judged]
    controls = rng.sample(unjudged, min(len(unjudged), int(len(pairs) * CONTROL_SHARE)))
    write_rows(out_dir, content, pairs, controls, rng)


def write_rows(
    out_dir: Path,
    content: Content,
    pairs: list[tuple[str, str]],
    controls: list[tuple[str, str]],
    rng: random.Random,
) -> None:
    """pairs.tsv (the pairs and the controls, shuffled together) and entries.md."""
    rows = pairs + controls
    rng.shuffle(rows)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = ["question\tentry", *(f"{q}\t{e}" for q, e in rows)]
    (out_dir / "pairs.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out_dir / "entries.md").write_text(entries_text(content), encoding="utf-8")
    print(f"{len(pairs)} pairs and {len(controls)} controls written to {out_dir}")


def merge(verdicts: Path, into: Path | None = None) -> None:
    """Append a judge's verdicts (question, entry, yes|no) to `into` (ALSO_RIGHT unless
    given), once each."""
    into = into or ALSO_RIGHT
    judged = read_judged(into)
    new = []
    with verdicts.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            key = (row["question"].strip(), row["entry"].strip())
            verdict = row["verdict"].strip().lower()
            if verdict not in ("yes", "no"):
                raise SystemExit(f"{verdicts}: verdict must be yes or no: {row}")
            if key not in judged:
                judged[key] = verdict == "yes"
                new.append((*key, verdict))
    if not into.exists():
        into.write_text("question\tentry\tverdict\n", encoding="utf-8")
    with into.open("a", encoding="utf-8") as handle:
        handle.writelines("\t".join(row) + "\n" for row in new)
    print(f"{len(new)} verdicts added to {into}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("pairs").add_argument("out_dir", type=Path)
    sub.add_parser("phrasings").add_argument("out_dir", type=Path)
    merging = sub.add_parser("merge")
    merging.add_argument("verdicts", type=Path)
    merging.add_argument("--phrasings", action="store_true", help=ALSO_RIGHT_PHRASINGS.name)
    args = parser.parse_args()
    if args.command == "pairs":
        write_pairs(args.out_dir, load_valid_content(ROOT / "content"))
    elif args.command == "phrasings":
        write_phrasing_pairs(args.out_dir, load_valid_content(ROOT / "content"))
    else:
        merge(args.verdicts, ALSO_RIGHT_PHRASINGS if args.phrasings else ALSO_RIGHT)


if __name__ == "__main__":
    main()
