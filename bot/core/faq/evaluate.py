"""Accuracy of the matcher over a labelled question file (`python -m bot eval FILE`).

The file is TSV with a header `expected	lang	style	question`; `expected` is an entry id,
or `-` for a question the content does not cover (the bot must decline it).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.faq.match import Kind, Matcher

OUT_OF_SCOPE = "-"


@dataclass(frozen=True)
class Labelled:
    expected: str | None
    lang: str
    style: str
    question: str


@dataclass
class Report:
    total_in_scope: int = 0
    total_out_of_scope: int = 0
    top1: int = 0
    top3: int = 0
    answered_right: int = 0
    answered_wrong: int = 0
    declined_out_of_scope: int = 0
    misses: list[tuple[Labelled, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.total_in_scope + self.total_out_of_scope

    def rates(self) -> dict[str, float]:
        """Percentages: top-1 and top-3 of in-scope questions, answered-wrong of all questions."""
        inscope = max(self.total_in_scope, 1)
        return {
            "top1": 100.0 * self.top1 / inscope,
            "top3": 100.0 * self.top3 / inscope,
            "answered_right": 100.0 * self.answered_right / inscope,
            "answered_wrong": 100.0 * self.answered_wrong / max(self.total, 1),
            "out_of_scope_declined": 100.0
            * self.declined_out_of_scope
            / max(self.total_out_of_scope, 1),
        }


def read_labelled(path: Path) -> list[Labelled]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            Labelled(
                None if row["expected"].strip() == OUT_OF_SCOPE else row["expected"].strip(),
                row.get("lang", "").strip(),
                row.get("style", "").strip(),
                row["question"].strip(),
            )
            for row in rows
            if row.get("question", "").strip()
        ]


def evaluate(matcher: Matcher, questions: list[Labelled]) -> Report:
    report = Report()
    for item in questions:
        decision = matcher.decide(item.question)
        ranked = [c.entry_id for c in decision.candidates]
        answered = decision.entry_id
        if item.expected is None:
            report.total_out_of_scope += 1
            if answered is None:
                report.declined_out_of_scope += 1
            else:
                report.answered_wrong += 1
                report.misses.append((item, f"answered {answered} ({decision.score:.2f})"))
            continue
        report.total_in_scope += 1
        report.top1 += bool(ranked[:1] == [item.expected])
        report.top3 += item.expected in ranked[:3]
        if answered == item.expected:
            report.answered_right += 1
        elif answered is not None:
            report.answered_wrong += 1
            report.misses.append((item, f"answered {answered} ({decision.score:.2f})"))
        else:
            shown = ", ".join(f"{c.entry_id} {c.score:.2f}" for c in decision.candidates[:3])
            report.misses.append((item, f"{decision.kind.value}: {shown or 'nothing'}"))
    return report


def format_report(report: Report) -> str:
    r = report.rates()
    lines = [
        f"questions: {report.total} ({report.total_in_scope} in scope, "
        f"{report.total_out_of_scope} out of scope)",
        f"top-1: {r['top1']:.1f}%   top-3: {r['top3']:.1f}%",
        f"answered right: {r['answered_right']:.1f}% of in-scope",
        f"answered wrong: {r['answered_wrong']:.1f}% of all ({report.answered_wrong})",
        f"out-of-scope declined: {r['out_of_scope_declined']:.1f}%",
    ]
    if report.misses:
        lines.append(f"misses ({len(report.misses)}):")
        for item, what in report.misses:
            lines.append(f"  [{item.expected or '-'}] {item.question}  ->  {what}")
    return "\n".join(lines)


__all__ = [
    "OUT_OF_SCOPE",
    "Kind",
    "Labelled",
    "Report",
    "evaluate",
    "format_report",
    "read_labelled",
]
