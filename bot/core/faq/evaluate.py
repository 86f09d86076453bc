"""Accuracy of the matcher over a labelled question file (`python -m bot eval FILE`).

The file is TSV with a header `expected	lang	style	question`; `expected` is an entry id,
`-` for a question the content does not cover (the bot must not answer it from the FAQ), or
`smalltalk:<intent>` for small talk (the bot must reply with small talk).

Lines whose entry id is not in the loaded content are skipped and counted ("topic not in
content"), so a set written for topics still being added can be kept and scored later.

A question may have more than one right answer ("gaji minimum malaysia brp" is answered by the
wages entry and by the Malaysia entry). `also_right.tsv` beside the labelled file holds a
judge's verdicts (question, entry, yes|no; bench/adjudication.py): an answer from an entry
judged "yes" counts as right. The report keeps the strict count too (the label only), and a
pair nobody judged counts as wrong.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bot.core.faq.match import Decision, Kind
from bot.core.faq.smalltalk import intent_label

OUT_OF_SCOPE = "-"
ALSO_RIGHT_FILE = "also_right.tsv"


class Decides(Protocol):
    def decide(self, question: str) -> Decision: ...


@dataclass(frozen=True)
class Labelled:
    expected: str | None
    lang: str
    style: str
    question: str
    also: frozenset[str] = frozenset()  # other entries judged to answer it (ALSO_RIGHT_FILE)
    judged: frozenset[str] = frozenset()  # every entry judged for it, "yes" or "no"

    @property
    def smalltalk(self) -> str | None:
        return intent_label(self.expected) if self.expected else None

    def accepts(self, entry_id: str | None) -> bool:
        """Whether answering with `entry_id` answers this in-scope question."""
        return answers(entry_id, self.expected, self.also)


def answers(entry_id: str | None, expected: str | None, also: frozenset[str]) -> bool:
    """Whether an answer from `entry_id` is right for a line labelled `expected` whose other
    right entries (judged, ALSO_RIGHT_FILE) are `also`: never for an out-of-scope or
    small-talk line, whose label is no entry."""
    return entry_id is not None and (entry_id == expected or entry_id in also)


@dataclass
class Report:
    total_in_scope: int = 0
    total_out_of_scope: int = 0
    total_smalltalk: int = 0
    skipped: int = 0  # lines whose topic is not in the loaded content
    top1: int = 0
    top3: int = 0
    answered_right: int = 0
    answered_wrong: int = 0
    answered_also: int = 0  # ... of answered_right: by an entry judged to answer it too
    answered_unjudged: int = 0  # ... of answered_wrong: in scope, by an entry nobody judged
    suggested: int = 0  # in-scope questions that got "did you mean"
    suggested_right: int = 0  # ... with the right entry among the buttons
    declined_out_of_scope: int = 0
    smalltalk_handled: int = 0  # small-talk lines that got a small-talk reply
    smalltalk_intent: int = 0  # ... of the labelled intent
    misses: list[tuple[Labelled, str]] = field(default_factory=list)
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return self.total_in_scope + self.total_out_of_scope + self.total_smalltalk

    def rates(self) -> dict[str, float]:
        """Percentages: top-k, answered-right and suggested of in-scope questions;
        answered-wrong of all questions; declined of out-of-scope; handled of small talk."""
        inscope = max(self.total_in_scope, 1)
        return {
            "top1": 100.0 * self.top1 / inscope,
            "top3": 100.0 * self.top3 / inscope,
            "answered_right": 100.0 * self.answered_right / inscope,
            "answered_wrong": 100.0 * self.answered_wrong / max(self.total, 1),
            "answered_right_strict": 100.0 * (self.answered_right - self.answered_also) / inscope,
            "answered_wrong_strict": 100.0
            * (self.answered_wrong + self.answered_also)
            / max(self.total, 1),
            "suggested": 100.0 * self.suggested / inscope,
            "out_of_scope_declined": 100.0
            * self.declined_out_of_scope
            / max(self.total_out_of_scope, 1),
            "smalltalk_handled": 100.0 * self.smalltalk_handled / max(self.total_smalltalk, 1),
        }


def read_labelled(path: Path) -> list[Labelled]:
    """The labelled lines of `path`, with the alternatives judged in ALSO_RIGHT_FILE beside it."""
    verdicts = read_judged(path.parent / ALSO_RIGHT_FILE)
    also: dict[str, set[str]] = {}
    judged: dict[str, set[str]] = {}
    for (question, entry), right in verdicts.items():
        judged.setdefault(question, set()).add(entry)
        if right:
            also.setdefault(question, set()).add(entry)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        out = []
        for row in rows:
            question = (row.get("question") or "").strip()
            if not question:
                continue
            expected = row["expected"].strip()
            out.append(
                Labelled(
                    None if expected == OUT_OF_SCOPE else expected,
                    (row.get("lang") or "").strip(),
                    (row.get("style") or "").strip(),
                    question,
                    frozenset(also.get(question, set()) - {expected}),
                    frozenset(judged.get(question, set())),
                )
            )
        return out


JUDGED_FORMAT = "a tab-separated file with the header: question, entry, verdict (yes or no)"


def read_judged(path: Path) -> dict[tuple[str, str], bool]:
    """(question, entry) -> whether a judge found the entry answers the question.

    A broken file is a ValueError naming it: it sits beside the labelled file, and an error
    about the labelled file would send the reader to the wrong one."""
    if not path.exists():
        return {}
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"{path}: not {JUDGED_FORMAT} ({exc})") from None
    judged = {}
    for number, row in enumerate(rows, start=2):
        verdict = (row.get("verdict") or "").strip()
        question, entry = (row.get("question") or "").strip(), (row.get("entry") or "").strip()
        if verdict not in ("yes", "no") or not question or not entry:
            raise ValueError(f"{path}, line {number}: not {JUDGED_FORMAT}")
        judged[(question, entry)] = verdict == "yes"
    return judged


def evaluate(
    matcher: Decides, questions: list[Labelled], known: Collection[str] | None = None
) -> Report:
    """Score every line; `known` (the loaded entry ids) skips lines about other topics."""
    report = Report()
    for item in questions:
        if (
            item.expected
            and item.smalltalk is None
            and known is not None
            and (item.expected not in known)
        ):
            report.skipped += 1
            continue
        score(report, item, matcher.decide(item.question))
    return report


def score(report: Report, item: Labelled, decision: Decision) -> None:
    """Count one decision into the report, exactly as the bot would have replied."""
    answered = decision.entry_id
    ranked = [c.entry_id for c in decision.candidates]
    what = f"answered {answered} ({decision.score:.2f})"
    if item.expected is None or item.smalltalk is not None:
        if item.expected is None:
            report.total_out_of_scope += 1
            report.declined_out_of_scope += answered is None
        else:
            report.total_smalltalk += 1
            handled = decision.kind is Kind.SMALLTALK
            report.smalltalk_handled += handled
            report.smalltalk_intent += handled and decision.intent == item.smalltalk
            if not handled:
                report.misses.append((item, _shown(decision)))
        if answered is not None:
            report.answered_wrong += 1
            report.confusions[(item.expected or OUT_OF_SCOPE, answered)] += 1
            if item.expected is None:
                report.misses.append((item, what))
        return
    report.total_in_scope += 1
    report.top1 += bool(ranked) and item.accepts(ranked[0])
    report.top3 += any(item.accepts(entry) for entry in ranked[:3])
    if item.accepts(answered):
        report.answered_right += 1
        report.answered_also += answered != item.expected
        return
    if answered is not None:
        report.answered_wrong += 1
        report.answered_unjudged += answered not in item.judged
        report.confusions[(item.expected, answered)] += 1
        report.misses.append((item, what))
        return
    if decision.kind is Kind.SUGGEST:
        report.suggested += 1
        report.suggested_right += any(item.accepts(e) for e in decision.suggestions)
    report.misses.append((item, _shown(decision)))


def _shown(decision: Decision) -> str:
    if decision.kind is Kind.SMALLTALK:
        return f"smalltalk: {decision.intent}"
    shown = ", ".join(f"{c.entry_id} {c.score:.2f}" for c in decision.candidates[:3])
    return f"{decision.kind.value}: {shown or 'nothing'}"


def format_report(report: Report, confusions: int = 10) -> str:
    r = report.rates()
    lines = [
        f"questions: {report.total} ({report.total_in_scope} in scope, "
        f"{report.total_out_of_scope} out of scope, {report.total_smalltalk} small talk); "
        f"skipped {report.skipped} (topic not in content)",
        f"answered right: {r['answered_right']:.1f}% of in-scope ({report.answered_right}; "
        f"{report.answered_also} by an entry judged right too, label only "
        f"{r['answered_right_strict']:.1f}%)",
        f"answered wrong: {r['answered_wrong']:.1f}% of all ({report.answered_wrong}, "
        f"{report.answered_unjudged} of them never judged; "
        f"label only {r['answered_wrong_strict']:.1f}%)",
        f"did you mean: {r['suggested']:.1f}% of in-scope ({report.suggested}, "
        f"right entry offered {report.suggested_right})",
        f"out-of-scope declined: {r['out_of_scope_declined']:.1f}% "
        f"({report.declined_out_of_scope}/{report.total_out_of_scope})",
        f"small talk handled: {r['smalltalk_handled']:.1f}% "
        f"({report.smalltalk_handled}/{report.total_smalltalk}, "
        f"right intent {report.smalltalk_intent})",
        f"top-1: {r['top1']:.1f}%   top-3: {r['top3']:.1f}%",
    ]
    if report.confusions:
        lines.append("most frequent confusions (expected -> answered):")
        for (expected, answered), count in report.confusions.most_common(confusions):
            lines.append(f"  {count} × {expected} -> {answered}")
    if report.misses:
        lines.append(f"misses ({len(report.misses)}):")
        for item, what in report.misses:
            lines.append(f"  [{item.expected or '-'}] {item.question}  ->  {what}")
    return "\n".join(lines)


__all__ = [
    "ALSO_RIGHT_FILE",
    "OUT_OF_SCOPE",
    "Kind",
    "Labelled",
    "Report",
    "answers",
    "evaluate",
    "format_report",
    "read_judged",
    "read_labelled",
    "score",
]
