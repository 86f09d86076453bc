"""Calibrate how Cek Dulu's learned reading joins the rules, leaving each writer's set out.

    python bench/cekdulu_calibrate.py [--max-fraud-demoted 1.0] [--max-genuine-promoted 3.0]
                                      [--max-fraud-advice 0.0] [--max-offer-advice 5.0]
                                      [--dry-run]

The learned model (bot/core/cekdulu/learned.py) trains on content/cekdulu_training.yaml,
which holds every development set. So each set is scored only by a model that never saw
it: the sets are grouped by writer (GROUPS; a set's dev and test halves share a writer's
habits), and for each group the model is trained on the training texts minus the group's
texts, then reads the group. The pooled out-of-fold fraud probabilities choose the two
thresholds of bot/core/cekdulu/calibration.py:
- demote_below: the highest cut (of CUTS) below which at most --max-fraud-demoted percent
  of the fraudulent texts fall. A rule's "danger" on a text the model reads below it
  becomes "needs checking" (still flagged);
- promote_at: the lowest cut at or above which at most --max-genuine-promoted percent of
  the genuine texts fall. A text with nothing found that the model reads above it becomes
  "needs checking";
- advice_at: the lowest cut of P(warning or news) at which at most --max-fraud-advice
  percent of the fraudulent texts would lose their flag (demoted, and read as a warning).
  A demoted danger the model reads at or above it, and in which the engine itself found a
  warning or news phrase or a negated red flag, gets the advice verdict. It must also
  leave at most --max-offer-advice percent of the genuine offers, announcements and chats
  (framing from their `kind`) read as warning or news.
All are chosen on texts of either label whatever the rules said of them: the rules were
tuned on these very sets, so the texts they get wrong here are too few to choose on (the
rules' in-set verdicts are near perfect, their verdicts on the next writer's set were not).

Then the whole recipe is measured honestly ("strict"): for each group, the thresholds are
chosen again on the other groups' scores only, and the group is decided with them. The
table gives rules alone, model alone (fraud when P ≥ 0.5; it has no separate "danger") and
combined, per group and pooled (bench/results/cekdulu-loso.md). The rules' own numbers are
in-set (tuned on all these sets), so the gap is larger on a fresh set. Writes
bot/data/cekdulu_calibration.json unless --dry-run. ads_blind4_test, ads_blind5_test,
ads_blind6_test, ads_blind7_test and any fresh blind set are never read here.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._provenance import provenance  # noqa: E402
from bench.cekdulu_training import framing  # noqa: E402
from bot.core.cekdulu.calibration import CALIBRATION, Calibration, readable  # noqa: E402
from bot.core.cekdulu.checker import Checker, Verdict, warns, weigh  # noqa: E402
from bot.core.cekdulu.evaluate import FRAUDULENT, Labelled, read_labelled  # noqa: E402
from bot.core.cekdulu.learned import Learned, Reading, load_training  # noqa: E402

DATA = ROOT / "tests/data"
GROUPS = {
    "team": ("ads.jsonl", "ads_holdout.jsonl"),
    "blind": ("ads_blind.jsonl",),
    "blind2": ("ads_blind2.jsonl",),
    "blind3": ("ads_blind3.jsonl",),
    "blind4_dev": ("ads_blind4_dev.jsonl",),
    "blind5_dev": ("ads_blind5_dev.jsonl",),
    "blind6_dev": ("ads_blind6_dev.jsonl",),
    "blind7_dev": ("ads_blind7_dev.jsonl",),
}
OTHER_FRAMINGS = ("offer", "announcement", "chat")
CUTS = tuple(round(x, 3) for x in np.arange(0.01, 1.0, 0.01))
RESULTS = ROOT / "bench/results/cekdulu-loso.md"
CODE = ["bot/core/cekdulu", "bench/cekdulu_calibrate.py"]


@dataclass(frozen=True)
class Scored:
    """One text of a group: its label and kind, the rules' verdict, the held-out reading."""

    group: str
    item: Labelled
    rules: Verdict
    warned: bool  # the engine's hint of a warning in a danger (checker.warns)
    reading: Reading

    @property
    def fraud(self) -> bool:
        return self.item.label == FRAUDULENT

    @property
    def framing(self) -> str:
        return framing(self.item.label, self.item.kind)


def score_groups(content: Path) -> list[Scored]:
    rules = Checker.load(content, ["id", "en"], learned=False)
    training = load_training(content)
    scored = []
    for group, files in GROUPS.items():
        items = [item for name in files for item in read_labelled(DATA / name)]
        held = {item.text.strip() for item in items}
        model = Learned([e for e in training if e.text not in held], rules.redflags.clean)
        readings = model.read_many([item.text for item in items])
        for item, reading in zip(items, readings, strict=True):
            result, context = rules.by_rules(item.text)
            warned = result.verdict is Verdict.DANGER and warns(rules.redflags, context)
            scored.append(Scored(group, item, result.verdict, warned, reading))
    return scored


def choose(scored: Sequence[Scored], limits: argparse.Namespace) -> Calibration:
    fraud = np.array([s.reading.fraud for s in scored if s.fraud])
    genuine = np.array([s.reading.fraud for s in scored if not s.fraud])
    demote = max(
        (c for c in CUTS if (fraud < c).mean() * 100 <= limits.max_fraud_demoted), default=0.0
    )
    promote = min(
        (c for c in CUTS if (genuine >= c).mean() * 100 <= limits.max_genuine_promoted),
        default=1.01,
    )
    # The advice cut: the lowest at which no more than --max-fraud-advice percent of the
    # fraudulent texts would lose their flag (demoted and read as warning or news), and no
    # more than --max-offer-advice percent of the genuine offers, announcements and chats
    # would be read as warning or news (their verdict would call them advice).
    demoted = np.array([s.reading.advice for s in scored if s.fraud and s.reading.fraud < demote])
    others = np.array(
        [s.reading.advice for s in scored if not s.fraud and s.framing in OTHER_FRAMINGS]
    )
    advice = min(
        (
            c
            for c in CUTS
            if (demoted >= c).sum() * 100 <= limits.max_fraud_advice * len(fraud)
            and (others >= c).mean() * 100 <= limits.max_offer_advice
        ),
        default=1.01,
    )
    return Calibration(demote, promote, advice)


def combined(s: Scored, cal: Calibration) -> Verdict:
    if not readable(s.item.text):
        return s.rules
    return weigh(s.rules, s.reading, cal, s.warned)[0]


def model_alone(s: Scored) -> Verdict:
    return Verdict.DANGER if s.reading.fraud >= 0.5 else Verdict.NONE


@dataclass
class Counts:
    fraud: int = 0
    flagged: int = 0
    fraud_danger: int = 0
    genuine: int = 0
    genuine_danger: int = 0
    genuine_flagged: int = 0
    official: int = 0
    official_danger: int = 0

    def add(self, s: Scored, verdict: Verdict) -> None:
        if s.fraud:
            self.fraud += 1
            self.flagged += verdict.flagged
            self.fraud_danger += verdict is Verdict.DANGER
            return
        self.genuine += 1
        self.genuine_danger += verdict is Verdict.DANGER
        self.genuine_flagged += verdict.flagged
        if s.item.kind == "official-warning":
            self.official += 1
            self.official_danger += verdict is Verdict.DANGER

    def row(self, name: str, how: str) -> str:
        return (
            f"| {name} | {how} | {_pct(self.flagged, self.fraud)} | "
            f"{_pct(self.fraud_danger, self.fraud)} | {_pct(self.genuine_danger, self.genuine)} | "
            f"{_pct(self.genuine_flagged, self.genuine)} | "
            f"{self.official_danger}/{self.official} |"
        )


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%} ({part}/{whole})" if whole else "–"


def table(scored: Sequence[Scored], limits: argparse.Namespace) -> tuple[list[str], dict]:
    """The LOSO table and the strict thresholds chosen for each held-out group."""
    strict = {g: choose([s for s in scored if s.group != g], limits) for g in GROUPS}
    ways = {
        "rules alone": lambda s: s.rules,
        "model alone": model_alone,
        "combined (strict)": lambda s: combined(s, strict[s.group]),
    }
    lines = [
        "| set held out | verdict by | fraud flagged | fraud danger | genuine danger "
        "| genuine flagged | official warnings danger |",
        "|---|---|--:|--:|--:|--:|--:|",
    ]
    for name in (*GROUPS, "pooled"):
        for how, decide in ways.items():
            counts = Counts()
            for s in scored:
                if name in ("pooled", s.group):
                    counts.add(s, decide(s))
            lines.append(counts.row(name, how))
    return lines, strict


def moves(scored: Sequence[Scored], cal: Calibration) -> list[str]:
    """What the shipped thresholds change, pooled out of fold, and the kinds they touch."""
    changed: dict[tuple[str, str, str], int] = {}
    for s in scored:
        after = combined(s, cal)
        if after is not s.rules:
            key = (s.item.label, f"{s.rules.value} → {after.value}", s.item.kind or "-")
            changed[key] = changed.get(key, 0) + 1
    return [f"- {label}, {move}, {kind}: {n}" for (label, move, kind), n in sorted(changed.items())]


def rates(scored: Sequence[Scored], cal: Calibration) -> str:
    fraud = np.array([s.reading.fraud for s in scored if s.fraud])
    genuine = np.array([s.reading.fraud for s in scored if not s.fraud])
    return (
        f"Out of fold, pooled: P(fraud) < {cal.demote_below} for "
        f"{(fraud < cal.demote_below).mean():.1%} of fraudulent and "
        f"{(genuine < cal.demote_below).mean():.1%} of genuine texts; P ≥ {cal.promote_at} "
        f"for {(fraud >= cal.promote_at).mean():.1%} of fraudulent and "
        f"{(genuine >= cal.promote_at).mean():.1%} of genuine texts."
    )


def command(limits: argparse.Namespace) -> str:
    return (
        "python bench/cekdulu_calibrate.py --max-fraud-demoted "
        f"{limits.max_fraud_demoted} --max-genuine-promoted {limits.max_genuine_promoted} "
        f"--max-fraud-advice {limits.max_fraud_advice} --max-offer-advice "
        f"{limits.max_offer_advice}"
    )


def report(scored: Sequence[Scored], cal: Calibration, limits: argparse.Namespace) -> str:
    lines, strict = table(scored, limits)
    return "\n".join(
        [
            "# Cek Dulu: rules, learned reading and both, each writer's set left out",
            "",
            f"Command: `{command(limits)}`",
            "",
            provenance(code=CODE),
            "",
            "Each group is read by a model trained without it (content/cekdulu_training.yaml "
            'minus the group\'s texts). "combined (strict)" also chooses its thresholds '
            "without the group (on the other groups' out-of-fold scores). The rules were "
            'tuned on all of these sets, so "rules alone" is in-set and flatters them: on '
            "the fresh ads_blind4_test they flagged 93.1% of fraud and called 17.0% of "
            "genuine texts danger (session 6). Model alone: P(fraud) ≥ 0.5 counts as "
            "danger.",
            "",
            *lines,
            "",
            "Strict thresholds per held-out group (demote_below / promote_at / advice_at): "
            + "; ".join(
                f"{g} {c.demote_below} / {c.promote_at} / {c.advice_at}" for g, c in strict.items()
            )
            + ".",
            "",
            f"Shipped (bot/data/cekdulu_calibration.json, chosen on all groups pooled): "
            f"demote_below {cal.demote_below}, promote_at {cal.promote_at}, advice_at "
            f"{cal.advice_at}. {rates(scored, cal)}",
            "",
            "What the shipped thresholds change, out of fold (label, move, kind: texts):",
            "",
            *(moves(scored, cal) or ["- nothing"]),
            "",
            *old_rules_table(scored, cal),
        ]
    )


# Rules that never saw a group: the rules of the end of session 5 (before the session-6
# fixes tuned on ads_blind4_dev), of the start of session 8 (before the fixes tuned on
# ads_blind5_dev), of the end of its second part (before the fixes tuned on
# ads_blind6_dev) and of the end of session 8 (before the fixes tuned on ads_blind7_dev).
# Their errors there are real out-of-set errors, which the current rules (tuned on every
# set here) no longer make.
OLD_RULES = (
    ("aae1350^", "blind4_dev", "end of session 5"),
    ("c8ff8fc", "blind5_dev", "session 8"),
    ("8c290d1", "blind6_dev", "session 8, second part"),
    ("aa09623", "blind7_dev", "end of session 8"),
)
OLD_SCRIPT = """
import json, sys
from pathlib import Path
sys.path.insert(0, ".")
from bot.core.cekdulu.checker import Checker
from bot.core.cekdulu.evaluate import read_labelled
try:
    checker = Checker.load(Path("content"), ["id", "en"], learned=False)
except TypeError:  # before the learned reading
    checker = Checker.load(Path("content"), ["id", "en"])
paths = [Path(p) for p in sys.argv[1:]]
print(json.dumps({i.text.strip(): checker.check(i.text).verdict.value
                  for p in paths for i in read_labelled(p)}))
"""


def old_rule_verdicts(commit: str, files: Sequence[str]) -> dict[str, Verdict]:
    """The verdicts of the rules at `commit` (its code and content, run apart)."""
    with tempfile.TemporaryDirectory() as directory:
        archive = subprocess.run(
            ["git", "archive", commit], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", directory], input=archive, check=True)
        done = subprocess.run(
            [sys.executable, "-c", OLD_SCRIPT, *(str(DATA / name) for name in files)],
            cwd=directory,
            capture_output=True,
            text=True,
            check=True,
        )
    return {text: Verdict(v) for text, v in json.loads(done.stdout).items()}


def old_rules_table(scored: Sequence[Scored], cal: Calibration) -> list[str]:
    lines = []
    for commit, group, when in OLD_RULES:
        verdicts = old_rule_verdicts(commit, GROUPS[group])
        held = [
            dataclasses.replace(s, rules=verdicts[s.item.text.strip()], warned=False)
            for s in scored
            if s.group == group
        ]
        lines += [
            f"Rules of commit `{commit}` ({when}, never tuned on {group}) on {group}, read by "
            "the model trained without it, with the shipped thresholds (no warning hint is "
            "taken from the old code, so no advice move):",
            "",
            "| verdict by | fraud flagged | fraud danger | genuine danger | genuine flagged "
            "| official warnings danger |",
            "|---|--:|--:|--:|--:|--:|",
        ]
        for how, decide in (("old rules alone", lambda s: s.rules), ("old rules + model", None)):
            counts = Counts()
            for s in held:
                counts.add(s, decide(s) if decide else combined(s, cal))
            lines.append("| " + counts.row(group, how).split(" | ", 1)[1])  # without the set
        lines.append("")
    return lines[:-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-fraud-demoted", type=float, default=1.0)
    parser.add_argument("--max-genuine-promoted", type=float, default=3.0)
    parser.add_argument("--max-fraud-advice", type=float, default=0.0)
    parser.add_argument("--max-offer-advice", type=float, default=5.0)
    parser.add_argument("--dry-run", action="store_true", help="write nothing")
    limits = parser.parse_args()
    scored = score_groups(ROOT / "content")
    cal = choose(scored, limits)
    text = report(scored, cal, limits)
    print(text)
    if not limits.dry_run:
        RESULTS.write_text(text + "\n", encoding="utf-8")
        run = {"command": command(limits), "provenance": provenance(code=CODE)}
        CALIBRATION.write_text(cal.to_json(run), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
