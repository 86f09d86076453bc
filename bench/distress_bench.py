"""How often a message that speaks of harm gets the emergency contacts, and how often an
ordinary one gets them for nothing.

    python bench/distress_bench.py          # writes bench/results/distress.md

Sets (tests/data, see its README):
- distress_probe.tsv: 525 messages from an adversarial helper who read the session-13 word
  list and looked for what it missed (danger, ordinary, and cries wrapped in small talk).
  The list was grown on it: development data.
- distress_probe2.tsv: 428 messages from a second adversarial helper who read the grown
  list and the code (false alarms, common misses, bugs; "\n" stands for a line break).
- distress_blind_dev.tsv / distress_blind_test.tsv: 400 messages written blind (the writer saw
  neither the list nor the code), split in halves; the list was grown on the dev half, and
  the second probe saw the test half's misses, so both are development data now.
- distress_blind2.tsv: 400 messages written blind by another helper after all of that; it
  measured the final list, then trained the learned reading.
- distress_probe3.tsv: 582 messages from a third adversarial helper who probed the learned
  reading: a realistic mix of ordinary messages (questions by topic, greetings, news, job
  ads, everyday first-person statements) and danger messages; it found the reading took
  "aku … majikan" for harm, which 300 everyday lines written for the training file eased.
  Development data (not in training).
- distress_blind3.tsv: 400 messages written blind by a third helper; the measure of session
  14, read once then (not in training, but no longer unseen).
- distress_blind4.tsv: 400 messages written blind in session 15 by a fourth helper (same brief,
  the ordinary half asked to hold everyday first-person statements of workers and families),
  split in halves by label (seeded hash, seed "distress-2026-12-07"): the dev half is
  development data; the test half, never tuned on, is the measure of the list and the
  learned reading together in session 15.
- distress_blind5.tsv: 400 messages written blind in session 16 by a fifth helper (same brief,
  with a `kind` column), split in halves by label (seeded hash, seed "distress5-2026-12-07"):
  the dev half is development data; the test half, never tuned on, was the measure of
  session 16.
- distress_blind6.tsv: 300 messages written blind in session 18 by a sixth helper, about
  requests for a person beside harm or beside ordinary things (150 danger, 150 ordinary),
  split in halves by label (seeded hash, seed "distress6-2026-12-07"): the dev half is
  development data; the test half, never tuned on, was the measure of session 18.
- distress_blind7.tsv: 300 messages written blind in session 19 by a seventh helper (same
  brief as the sixth), split in halves by label (seeded hash, seed "distress7-2026-12-07"):
  the dev half is development data (a calm phrase was written on its misses; danger lines
  written on them were tried and dropped); the test half, never tuned on, is the measure now.
- distress_probe5.tsv: 200 messages from a fifth adversarial helper who read the first
  patterns of session 18 (120 ordinary messages they would wrongly match, 80 cries they
  would miss). Development data (not in training).

The sets before the third probe train the learned reading (content/distress_training.yaml),
so their "list + reading" column is a training-data number; no set from the third probe on
does (a handful of lines shared by chance aside).

For each set: the share of danger messages content/distress.yaml finds, and of ordinary ones
it finds although nobody is harmed; beside it, in the same run, session 13's list (single
words, whole-word match) as the plain alternative. Then what a person sees: a reply "shows
the contacts" when it has the emergency note (a decision marked urgent), is the fallback
(which lists them), is the `human` small-talk reply (which gives the hotline), or is an answer
whose first screen gives a hotline number itself; "without the note" counts the same replies
as if nothing were marked urgent. For the wrapped cries: how many got a small-talk reply other
than `human` (a greeting or thanks, no hotline). Speed: `Distress.found_in` per message.
"""

from __future__ import annotations

import csv
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _provenance import provenance  # noqa: E402

from bot.core.content import Content, load_valid_content  # noqa: E402
from bot.core.faq.distress import Distress  # noqa: E402
from bot.core.faq.ensemble import Ensemble  # noqa: E402
from bot.core.faq.match import Kind  # noqa: E402
from bot.core.faq.smalltalk import HUMAN  # noqa: E402
from bot.services import build_ensemble  # noqa: E402

DATA = ROOT / "tests" / "data"
SETS = {
    "probe (dev, in training)": DATA / "distress_probe.tsv",
    "second probe (dev, in training)": DATA / "distress_probe2.tsv",
    "blind dev (in training)": DATA / "distress_blind_dev.tsv",
    "blind test (in training)": DATA / "distress_blind_test.tsv",
    "second blind set (in training)": DATA / "distress_blind2.tsv",
    "third probe (dev; realistic ordinary mix)": DATA / "distress_probe3.tsv",
    "third blind set (read in session 14; not in training)": DATA / "distress_blind3.tsv",
    "fourth blind set, dev half": DATA / "distress_blind4_dev.tsv",
    "fourth blind set, test half (read in session 15; not in training)": DATA
    / "distress_blind4_test.tsv",
    "fourth probe (dev; the session 16 patterns probed)": DATA / "distress_probe4.tsv",
    "fifth blind set, dev half": DATA / "distress_blind5_dev.tsv",
    "fifth blind set, test half (read in session 16; not in training)": DATA
    / "distress_blind5_test.tsv",
    "sixth blind set (requests for a person), dev half": DATA / "distress_blind6_dev.tsv",
    "fifth probe (dev; the session 18 patterns probed)": DATA / "distress_probe5.tsv",
    "sixth blind set (requests for a person), test half (read in session 18; not in training)": (
        DATA / "distress_blind6_test.tsv"
    ),
    "seventh blind set (requests for a person), dev half": DATA / "distress_blind7_dev.tsv",
    "**seventh blind set (requests for a person), test half (never tuned on)**": DATA
    / "distress_blind7_test.tsv",
}
RESULTS = ROOT / "bench" / "results" / "distress.md"
# The `distress` list of content/smalltalk.yaml as session 13 shipped it (commit 1063c45),
# matched as it was: whole words, doubled letters made single.
SESSION_13 = frozenset(
    [
        "disekap",
        "sekap",
        "dikurung",
        "dikunci",
        "dipukul",
        "dipukuli",
        "pukul",
        "disiksa",
        "siksa",
        "dianiaya",
        "aniaya",
        "diperkosa",
        "perkosa",
        "dilecehkan",
        "pelecehan",
        "dijual",
        "diculik",
        "culik",
        "diancam",
        "ancam",
        "ditampar",
        "ditendang",
        "disetrum",
        "dibunuh",
        "bunuh",
        "kabur",
        "trapped",
        "locked",
        "beaten",
        "beat",
        "hit",
        "hurt",
        "raped",
        "rape",
        "abused",
        "abuse",
        "kidnapped",
        "threatened",
        "sold",
        "escape",
    ]
)


def session_13_finds(text: str) -> bool:
    from bot.core.faq.smalltalk import _single, _words

    return any(w in SESSION_13 or _single(w) in SESSION_13 for w in _words(text))


def read(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["label"], row["message"].replace("\\n", "\n")) for row in rows]


def shows_contacts(decision, content: Content, numbers: list[str], note: bool) -> bool:
    if note and decision.urgent:
        return True
    if decision.kind is Kind.FALLBACK or (
        decision.kind is Kind.SMALLTALK and decision.intent == HUMAN
    ):
        return True
    if decision.kind is Kind.ANSWER:
        entry = content.entries[decision.entry_id]
        return any(n in text for text in entry.answer.values() for n in numbers)
    return False


def measure(
    rows: list[tuple[str, str]], distress: Distress, ensemble: Ensemble, content: Content
) -> dict[str, Counter]:
    numbers = [c.value for c in content.contacts if c.fallback]
    counts: dict[str, Counter] = {}
    for label, message in rows:
        c = counts.setdefault(label, Counter())
        decision = ensemble.decide(message)
        c["n"] += 1
        c["found"] += distress.found_in(message)
        c["found_all"] += decision.urgent
        c["found_13"] += session_13_finds(message)
        c["shown"] += shows_contacts(decision, content, numbers, note=True)
        c["shown_without"] += shows_contacts(decision, content, numbers, note=False)
        c["urgent"] += decision.urgent
        c["other_smalltalk"] += decision.kind is Kind.SMALLTALK and decision.intent != HUMAN
    return counts


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}% ({part}/{whole})" if whole else "–"


def timing(distress: Distress, messages: list[str]) -> tuple[float, float]:
    """Median and p99 microseconds of found_in per message (after one warm-up pass)."""
    for message in messages:
        distress.found_in(message)
    times = []
    for message in messages:
        start = time.perf_counter()
        distress.found_in(message)
        times.append((time.perf_counter() - start) * 1e6)
    times.sort()
    return statistics.median(times), times[int(0.99 * (len(times) - 1))]


def render(results: dict[str, dict[str, Counter]], speed: tuple[float, float]) -> str:
    lines = [
        "## Words of harm: emergency contacts where someone is in danger",
        "",
        "Command: `python bench/distress_bench.py`",
        "",
        provenance(code=["bot/core/faq/distress.py", "bench/distress_bench.py"]),
        "",
        "Found by the list: content/distress.yaml (words, phrases, calm phrases) against "
        "session 13's word list, same messages, same run; list + learned reading: the "
        "decision is marked urgent (the list, or the reading of "
        "content/distress_training.yaml at its cross-validated threshold). Contacts shown: "
        "the reply gives "
        "the police or KP2MI hotline (the emergency note, the fallback, the `human` reply, or "
        "an answer that lists a hotline itself); without the note: the same replies if no "
        "decision were marked urgent.",
        "",
        "| set | danger found: session 13's list | the list | list + learned reading | "
        "ordinary flagged: session 13's list | the list | list + learned reading | danger: "
        "contacts shown without the note | with the note |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, counts in results.items():
        d, o = counts.get("danger", Counter()), counts.get("ordinary", Counter())
        lines.append(
            f"| {name} | {pct(d['found_13'], d['n'])} | {pct(d['found'], d['n'])} | "
            f"{pct(d['found_all'], d['n'])} | {pct(o['found_13'], o['n'])} | "
            f"{pct(o['found'], o['n'])} | {pct(o['found_all'], o['n'])} | "
            f"{pct(d['shown_without'], d['n'])} | {pct(d['shown'], d['n'])} |"
        )
    wrapped = results["probe (dev, in training)"].get("wrapped", Counter())
    lines += [
        "",
        f"Cries for help wrapped in small talk (probe): {wrapped['other_smalltalk']} of "
        f"{wrapped['n']} got a small-talk reply other than `human` (no hotline); contacts "
        f"shown {pct(wrapped['shown'], wrapped['n'])}.",
        "",
        f"Speed: `Distress.found_in` takes {speed[0]:.0f} µs median, {speed[1]:.0f} µs p99 "
        "per message (all sets, one process; part of every decision, so also inside the "
        "matcher's p99 in bench/results/matcher.md).",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    content = load_valid_content(ROOT / "content")
    ensemble = build_ensemble(content)
    distress = ensemble.smalltalk.distress
    results = {
        name: measure(read(path), distress, ensemble, content) for name, path in SETS.items()
    }
    messages = [m for path in SETS.values() for _, m in read(path)]
    RESULTS.write_text(render(results, timing(distress, messages)), encoding="utf-8")
    print(RESULTS.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
