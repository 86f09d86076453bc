"""`python -m bot eval-check FILE`: how well Cek Dulu separates fraudulent from genuine offers.

The file holds labelled texts, one JSON object per line (`{"id", "label", "text", ...}`,
label "fraudulent" or "genuine"), or a TSV with the columns label and text. An *alarm* is
"danger" or "needs checking" ("advice", a text that reads as a warning, is not one):
recall is the share of fraudulent texts that raise one, the false-alarm rate the share of
genuine texts that do. Both are also given for "danger" alone, and per `kind` when the file
has one (official warnings called "danger" must be zero).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.cekdulu.checker import Checker, Result, Verdict

FRAUDULENT = "fraudulent"
GENUINE = "genuine"


@dataclass(frozen=True)
class Labelled:
    id: str
    label: str
    text: str
    lang: str = ""
    kind: str = ""


@dataclass
class Report:
    fraudulent: int = 0
    genuine: int = 0
    caught: int = 0  # fraudulent with an alarm
    caught_danger: int = 0
    false_alarms: int = 0  # genuine with an alarm
    false_danger: int = 0
    misses: list[tuple[Labelled, Result]] = field(default_factory=list)
    alarms: list[tuple[Labelled, Result]] = field(default_factory=list)
    by_kind: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # n, flagged, danger

    @property
    def recall(self) -> float:
        return self.caught / self.fraudulent if self.fraudulent else 0.0

    @property
    def danger_recall(self) -> float:
        return self.caught_danger / self.fraudulent if self.fraudulent else 0.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.genuine if self.genuine else 0.0

    @property
    def false_danger_rate(self) -> float:
        return self.false_danger / self.genuine if self.genuine else 0.0


def read_labelled(path: Path) -> list[Labelled]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        rows: Iterable[dict] = (json.loads(line) for line in text.splitlines() if line.strip())
    else:
        rows = csv.DictReader(text.splitlines(), delimiter="\t")
    items = []
    for number, row in enumerate(rows, start=1):
        label = str(row.get("label", "")).strip()
        if label not in (FRAUDULENT, GENUINE):
            raise ValueError(f"{path}:{number}: label must be {FRAUDULENT} or {GENUINE}")
        item_id = str(row.get("id") or number)
        items.append(
            Labelled(item_id, label, row["text"], row.get("lang", ""), row.get("kind") or "")
        )
    return items


def evaluate(checker: Checker, items: Sequence[Labelled]) -> Report:
    report = Report()
    for item in items:
        result = checker.check(item.text)
        alarm = result.verdict.flagged
        danger = result.verdict is Verdict.DANGER
        counts = report.by_kind.setdefault((item.label, item.kind or "-"), [0, 0, 0])
        counts[0] += 1
        counts[1] += alarm
        counts[2] += danger
        if item.label == FRAUDULENT:
            report.fraudulent += 1
            report.caught += alarm
            report.caught_danger += danger
            if not alarm:
                report.misses.append((item, result))
        else:
            report.genuine += 1
            report.false_alarms += alarm
            report.false_danger += danger
            if alarm:
                report.alarms.append((item, result))
    return report


def format_report(report: Report, details: bool = True) -> str:
    lines = [
        f"fraudulent: {report.fraudulent}, genuine: {report.genuine}",
        f"recall (danger or check): {report.recall:.1%} ({report.caught}/{report.fraudulent})",
        f"recall (danger only):     {report.danger_recall:.1%} "
        f"({report.caught_danger}/{report.fraudulent})",
        f"false alarms (danger or check): {report.false_alarm_rate:.1%} "
        f"({report.false_alarms}/{report.genuine})",
        f"false alarms (danger only):     {report.false_danger_rate:.1%} "
        f"({report.false_danger}/{report.genuine})",
    ]
    if len(report.by_kind) > 1:
        lines += ["", "by kind (label, kind: texts, flagged, danger):"]
        lines += [
            f"  {label} {kind}: {n}, {flagged}, {danger}"
            for (label, kind), (n, flagged, danger) in sorted(report.by_kind.items())
        ]
    if details and report.misses:
        lines += ["", "missed fraudulent texts:"]
        lines += [_line(item, result) for item, result in report.misses]
    if details and report.alarms:
        lines += ["", "alarms on genuine texts:"]
        lines += [_line(item, result) for item, result in report.alarms]
    return "\n".join(lines)


def _line(item: Labelled, result: Result) -> str:
    reasons = ", ".join(f"{r.id} “{r.found}”" if r.found else r.id for r in result.reasons)
    preview = " ".join(item.text.split())[:90]
    return f"  {item.id} [{result.verdict.value}] {reasons or '-'}\n      {preview}"
