"""Calibrate the ensemble (bot/core/faq/ensemble.py) by cross-validation over whole sets.

    python bench/calibrate.py [--max-wrong 1.0] [--max-wrong-each 1.5] [--min-declined 97]
                              [--folds 5] [--loso] [--no-training]

Every labelled set in tests/data is development data now (session 5 of issue 9), and their
in-scope and small-talk lines also train the learned model (content/faq_training.yaml). So
the calibration sees each set only through models that never trained on it:
- held-out phrasings: the content's phrasings and small-talk examples are split into
  --folds folds (per label, round robin); for each fold, both models are rebuilt without it
  (with every training line) and score its lines;
- the labelled sets, grouped by writer (GROUPS: a set's dev and test halves share a writer's
  habits): each group is scored by models whose training lines leave that group out.
`--loso` measures the whole recipe honestly: for each group, everything below is fitted on
the other groups (training lines, ranking, small talk, confidence model, thresholds) and the
group is then scored as new users' messages (bench/results/matcher-loso.md). A fresh blind
set is never read here.
Then, in order:
1. ranking: the ensemble weight and agreement bonus with the most right first entries
   (dev lines and held-out phrasings count half each);
2. small talk: the probability cut that handles at least --min-smalltalk percent of the dev
   small talk while taking fewest FAQ and out-of-scope lines for small talk;
3. confidence: a logistic regression over the evidence's FEATURES predicting "the best
   entry is right" (right: the line's label, or an entry judged to answer it too in
   tests/data/also_right.tsv; a wrong entry and any answer to an out-of-scope line are not),
   trained on the held-out phrasings and the set lines. The set lines are scored out of
   fold (--folds folds), so the threshold below is chosen on confidences the model did not
   fit. Its regularisation (C) is the one of CONFIDENCE_C with most answered right in 4;
4. the answer threshold: the lowest confidence cut whose out-of-fold dev answers stay within
   --max-wrong percent wrong of all dev lines pooled and decline at least --min-declined
   percent of their out-of-scope lines, with no dev set on its own above --max-wrong-each
   percent wrong (most answered right);
5. the suggestion threshold: the confidence at which the three best entries are offered
   as "did you mean", chosen on the dev lines to offer the right entry most often while
   offering least to out-of-scope lines (averaged over the three cuts on either side).
("dev lines" above: the lines of the labelled sets.) The result is written to
bot/data/faq_calibration.json (read by Calibration.load()).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import os
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this worktree's bot package, not an installed one

from bench._provenance import provenance, tree_hash  # noqa: E402
from bench.blind_sets import calibration_groups  # noqa: E402
from bot.core.content import Content, load_valid_content  # noqa: E402
from bot.core.faq.ensemble import (  # noqa: E402
    CALIBRATION,
    Calibration,
    Ensemble,
    Evidence,
    combine,
    features,
    learned_smalltalk,
    pair_key,
)
from bot.core.faq.evaluate import (  # noqa: E402
    Labelled,
    Report,
    answers,
    evaluate,
    read_judged,
    read_labelled,
)
from bot.core.faq.match import (  # noqa: E402
    Indexable,
    Matcher,
    whole_answer,
)
from bot.core.faq.normalise import is_blank  # noqa: E402
from bot.core.faq.smalltalk import PREFIX, SmallTalk, is_arithmetic  # noqa: E402
from bot.core.faq.training import FILE as TRAINING_FILE  # noqa: E402
from bot.core.faq.training import load_training  # noqa: E402
from bot.core.tghtml import parse_html  # noqa: E402
from bot.services import build_matcher, train_learned  # noqa: E402

DATA = ROOT / "tests/data"
# Every labelled set, grouped by who wrote it: a set's two halves share a writer's habits,
# so they are held out together (--loso) and count as one set in the limits below.
GROUPS = {
    "team": ("devset.tsv", "testset.tsv"),
    "blind": ("blind_dev.tsv", "blind_test.tsv"),
    "blind3": ("blind3_dev.tsv", "blind3_test.tsv"),
    # each blind set's dev half alone, from the session it became development data
    # (bench/blind_sets.py); its test half stays fresh
    **calibration_groups(),
}
PHRASING_VERDICTS = ROOT / "tests/data/also_right_phrasings.tsv"
PHRASINGS_JUDGED = True  # False (--labels-only-phrasings): a phrasing's own entry only
FOLDS = 5  # held-out phrasings: each scored by models trained on the other four fifths
WEIGHTS = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
AGREEMENT = [0.0, 0.05, 0.1, 0.2]
SMALLTALK = [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5]
ANSWER = np.round(np.arange(0.3, 1.0, 0.01), 2)
CONFIDENCE_C = (0.3, 1.0, 3.0)  # inverse L2 strengths tried for the confidence model
SUGGEST = np.round(np.arange(0.05, 0.9, 0.01), 2)
SUGGEST_WINDOW = 3  # pick_suggest: cuts on either side of a candidate averaged with it
SUGGEST_SLACK = 1.0  # pick_suggest: dev lines of gain that count as a tie


@dataclass(frozen=True)
class Item:
    """One scored line: the models' evidence, the right label (None = out of scope) and
    whether it counts toward the dev-set limits (held-out phrasings only add to the goal)."""

    evidence: Evidence
    expected: str | None
    dev: bool
    ruled: str | None = None  # "smalltalk" / "decline" when a rule decides before the models
    source: str = "phrasings"  # the dev file's name for dev lines
    also: frozenset[str] = frozenset()  # other entries judged to answer it (also_right.tsv)

    def accepts(self, entry_id: str | None) -> bool:
        """Whether answering with `entry_id` answers this line (as Labelled.accepts)."""
        return answers(entry_id, self.expected, self.also)


def folds_of(
    content: Content, smalltalk: SmallTalk, folds: int
) -> list[list[tuple[str, str, str]]]:
    """(lang, text, label) per fold, round robin within each label."""
    out: list[list[tuple[str, str, str]]] = [[] for _ in range(folds)]
    counter: dict[str, int] = defaultdict(int)
    pairs = [
        (lang, q, e.id)
        for e in content.entries.values()
        for lang in content.language_codes
        for q in e.questions[lang]
    ]
    pairs += [
        (lang, text, PREFIX + name)
        for name, intent in smalltalk.intents.items()
        for lang, texts in intent.examples.items()
        for text in texts
    ]
    for lang, text, label in pairs:
        out[counter[label] % folds].append((lang, text, label))
        counter[label] += 1
    return out


Lines = list[tuple[str, str]]  # (text, label): real messages that train the learned model


def models(
    content: Content, smalltalk: SmallTalk, hidden: set[tuple[str, str]], training: Lines
) -> Ensemble:
    """Both models trained on every phrasing and small-talk example not in `hidden`
    ((label, text) pairs), indexing the same answers as Matcher.from_content, the learned
    one also on `training`, with an empty calibration: only the evidence is used."""
    langs = content.language_codes
    entries = [
        Indexable(
            e.id,
            [
                (lang, q)
                for lang in langs
                for q in (*e.questions[lang], e.title[lang])
                if (e.id, q) not in hidden
            ],
            [(lang, parse_html(whole_answer(e, lang))) for lang in langs],
        )
        for e in content.entries.values()
    ]
    lexical = Matcher(entries, build_matcher(content).normaliser)
    written = [(t, e.entry_id) for e in entries for _, t in e.phrasings]
    written += [(t, label) for t, label in smalltalk.examples() if (label, t) not in hidden]
    learned = train_learned(content, smalltalk, lexical.normaliser, written, training)
    return Ensemble(lexical, learned, smalltalk, Calibration())


def held_out(content: Content, smalltalk: SmallTalk, folds: int, training: Lines) -> list[Item]:
    """Evidence for every phrasing from models that never saw it, with the other entries
    judged to answer it too (PHRASING_VERDICTS)."""
    items: list[Item] = []
    also = phrasing_alternatives()
    for fold in folds_of(content, smalltalk, folds):
        hidden = {(label, text) for _, text, label in fold}
        model = models(content, smalltalk, hidden, training)
        for _, text, label in fold:
            alternatives = also.get(text.strip(), frozenset())
            items.append(
                Item(model.evidence(text), label, False, ruled(model, text), also=alternatives)
            )
    return items


def phrasing_alternatives() -> dict[str, frozenset[str]]:
    """phrasing -> the other entries a blind judge found to answer it
    (bench/adjudication.py phrasings): answering with one of them is not a mistake."""
    if not PHRASINGS_JUDGED:
        return {}
    out: dict[str, set[str]] = defaultdict(set)
    for (text, entry), right in read_judged(PHRASING_VERDICTS).items():
        if right:
            out[text].add(entry)
    return {text: frozenset(entries) for text, entries in out.items()}


def ruled(model: Ensemble, text: str) -> str | None:
    """What the rules in Ensemble.decide settle before the models are asked."""
    if is_blank(text) or is_arithmetic(text):
        return "decline"
    return "smalltalk" if model.smalltalk.by_rule(text) else None


def dev_items(model: Ensemble, content: Content, lines: list[Labelled], source: str) -> list[Item]:
    return [
        Item(model.evidence(q.question), q.expected, True, ruled(model, q.question), source, q.also)
        for q in lines
        if q.expected is None or q.smalltalk is not None or q.expected in content.entries
    ]


def is_faq(label: str | None) -> bool:
    return label is not None and not label.startswith(PREFIX)


def half_and_half(hits: np.ndarray, dev: np.ndarray, wanted: np.ndarray) -> float:
    """Share of `wanted` items hit, dev lines and held-out phrasings weighing half each."""
    on_dev = (hits & wanted & dev).sum() / max((wanted & dev).sum(), 1)
    held = (hits & wanted & ~dev).sum() / max((wanted & ~dev).sum(), 1)
    return 50.0 * on_dev + 50.0 * held


def rankings(items: list[Item]) -> list[Calibration]:
    """Weights and agreement bonuses, most right first entries first."""
    dev = np.array([i.dev for i in items])
    faq = np.array([is_faq(i.expected) for i in items])
    scored = []
    for weight, agreement in itertools.product(WEIGHTS, AGREEMENT):
        cal = Calibration(lexical_weight=weight, agreement=agreement)
        right = np.array([i.accepts(top_of(i.evidence, cal)) for i in items])
        scored.append((half_and_half(right, dev, faq), -agreement, weight, cal))
    return [cal for *_, cal in sorted(scored, key=lambda row: row[:3], reverse=True)]


def top_of(evidence: Evidence, cal: Calibration) -> str | None:
    ranked = combine(evidence, cal)
    return ranked[0].entry_id if ranked else None


def talks(items: list[Item], cut: float, cal: Calibration) -> np.ndarray:
    """Which items small talk takes: by rule, or by the learned intent over `cut`."""
    out = []
    for item in items:
        ranked = combine(item.evidence, cal)
        learned = not item.ruled and learned_smalltalk(item.evidence, ranked, cut) is not None
        out.append(item.ruled == "smalltalk" or learned)
    return np.array(out)


def handled_share(items: list[Item], taken: np.ndarray) -> float:
    """Percent of the dev small talk that `taken` handles, among the lines a cut can reach.

    A line the rules settle as blank ("." or an emoji no intent lists, labelled spam by
    blind5's writer) gets the "please type words" reply before any cut applies: no cut can
    handle it, so counting it only made every cut fail when such lines were a few percent
    of the small talk (leaving blind out of --loso once blind5 dev came in)."""
    talk = np.array(
        [
            i.dev
            and i.expected is not None
            and i.expected.startswith(PREFIX)
            and i.ruled != "decline"
            for i in items
        ],
        dtype=bool,
    )
    return float(100.0 * (taken & talk).sum() / max(talk.sum(), 1))


def pick_smalltalk(items: list[Item], cal: Calibration, limits: argparse.Namespace) -> float | None:
    """Among the cuts handling enough dev small talk, the one taking fewest questions the FAQ
    answers (a greeting instead of the answer is the harm), then handling the most small
    talk, then taking fewest out-of-scope lines, if any.

    Until session 16 every line taken counted alike, so one out-of-scope line outweighed
    any number of small-talk lines handled. But a small-talk reply declines an
    out-of-scope line as the fallback would, and most that were taken are promotions the
    spam reply fits ("slot gacor hari ini link dibawah", "promo pulsa 100rb")."""
    talk = np.array([i.expected is not None and i.expected.startswith(PREFIX) for i in items])
    faq = np.array([is_faq(i.expected) for i in items])
    scored = []
    for cut in SMALLTALK:
        taken = talks(items, cut, cal)
        handled = handled_share(items, taken)
        if handled >= limits.min_smalltalk:
            other = (taken & ~talk & ~faq).sum()
            scored.append((-(taken & faq).sum(), round(handled, 6), -other, cut))
    return max(scored)[3] if scored else None


def confusions(items: list[Item], cal: Calibration) -> dict[str, int]:
    """How often each pair of entries was mistaken for each other among the held-out
    phrasings (never the set lines, whose evidence the confidence model is judged on); an
    entry judged to answer the phrasing too is no mistake."""
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        if item.dev or not is_faq(item.expected):
            continue
        top = top_of(item.evidence, cal)
        if top is not None and not item.accepts(top):
            counts[pair_key(top, str(item.expected))] += 1
    return dict(counts)


@dataclass
class Confidences:
    """The confidence model's data: features, "best entry is right", and which items a
    rule or small talk settles (no confidence can answer those)."""

    x: np.ndarray
    right: np.ndarray
    settled: np.ndarray


def confidence_data(items: list[Item], cal: Calibration) -> Confidences:
    taken = talks(items, cal.smalltalk, cal)
    rows, right = [], []
    for item in items:
        ranked = combine(item.evidence, cal)
        rows.append(features(item.evidence, ranked, cal.confusions))
        right.append(bool(ranked) and item.accepts(ranked[0].entry_id))
    settled = taken | np.array([i.ruled is not None for i in items])
    return Confidences(np.array(rows), np.array(right), settled)


def fit(x: np.ndarray, y: np.ndarray, strength: float) -> LogisticRegression:
    return LogisticRegression(C=strength, max_iter=5000).fit(x, y)


def out_of_fold(items: list[Item], data: Confidences, folds: int, strength: float) -> np.ndarray:
    """Confidence of every dev item from a model fitted without it (held-out phrasings are
    always in training: they were already scored by models that never saw them)."""
    dev = np.array([i.dev for i in items])
    usable = ~data.settled
    fold = np.cumsum(dev) % folds
    scores = np.full(len(items), -1.0)
    for k in range(folds):
        test = dev & (fold == k)
        train = usable & ~test
        model = fit(data.x[train], data.right[train], strength)
        scores[test & usable] = model.predict_proba(data.x[test & usable])[:, 1]
    return scores


def pick_answer(
    items: list[Item], data: Confidences, scores: np.ndarray, limits: argparse.Namespace
) -> tuple[float, dict[str, dict[str, float]]]:
    """The lowest cut within the limits: most answered right.

    The limits hold on all dev lines pooled (answered wrong, out-of-scope declined), and
    each dev set on its own stays within --max-wrong-each. Pooled, because on one set a
    single line decides: with 30 out-of-scope lines, one answered is already under 97%."""
    sources = sorted({i.source for i in items if i.dev})
    for cut in ANSWER:
        rates = {name: rates_of(items, data, scores >= cut, name) for name in sources}
        pooled = rates_of(items, data, scores >= cut, None)
        if (
            pooled["wrong"] <= limits.max_wrong
            and pooled["declined"] >= limits.min_declined
            and all(r["wrong"] <= limits.max_wrong_each for r in rates.values())
        ):
            return float(cut), {"pooled": pooled, **rates}
    raise AssertionError("no answer threshold meets the limits")


def rates_of(
    items: list[Item], data: Confidences, answered: np.ndarray, source: str | None
) -> dict[str, float]:
    """Answered right (% of in-scope), wrong (% of all), out-of-scope declined, on one dev
    set (None: all dev lines)."""
    mine = np.array([i.dev and source in (None, i.source) for i in items])
    faq = np.array([is_faq(i.expected) for i in items]) & mine
    oos = np.array([i.expected is None for i in items]) & mine
    answer = answered & mine
    return {
        "right": round(float(100.0 * (answer & data.right).sum() / max(faq.sum(), 1)), 2),
        "wrong": round(float(100.0 * (answer & ~data.right).sum() / max(mine.sum(), 1)), 2),
        "declined": round(float(100.0 * (~answer & oos).sum() / max(oos.sum(), 1)), 2),
    }


def pick_suggest(items: list[Item], cal: Calibration, data: Confidences) -> float:
    """The confidence at which unanswered questions get "did you mean": most dev lines with
    the right entry among the buttons, minus dev out-of-scope lines shown buttons, averaged
    over the cuts within SUGGEST_WINDOW of it. Dev lines only: the held-out phrasings are all
    in scope and would push the cut to zero.

    The gain is flat over a wide range (session 20: 88 to 93 from 0.2 to 0.45), and its
    single best cut jumped between 0.25 and 0.41 with changes of a few lines; at 0.41 "halo
    min, asuransi gmn" lost its buttons to the greeting (a test caught it). The mean over a
    window asks for a cut whose neighbours are good too. On the plateau that is left, one dev
    line is noise (session 22: 0.34 and 0.41 were 0.6 of a line apart, and the cut was back
    at 0.41), so the lowest cut within SUGGEST_SLACK of the best is taken: when the FAQ is
    unsure, offering its three best entries as buttons is the reply the users are promised."""
    confidence = np.array([cal.confidence(row) for row in data.x])
    gains = []
    for cut in SUGGEST:
        gain = 0
        for n, item in enumerate(items):
            if not item.dev or data.settled[n] or confidence[n] >= cal.answer:
                continue
            if confidence[n] < cut:
                continue
            shown = [c.entry_id for c in combine(item.evidence, cal)[:3]]
            if item.expected is None:
                gain -= 1
            elif is_faq(item.expected):
                gain += any(item.accepts(entry) for entry in shown)
        gains.append(gain)
    return float(SUGGEST[steady_best(gains, SUGGEST_WINDOW, SUGGEST_SLACK)])


def steady_best(gains: Sequence[float], width: int, slack: float = 0.0) -> int:
    """The index whose gain, averaged with `width` neighbours on either side (the ends
    repeated), is best: a lone spike on a flat curve does not win. With `slack`, the lowest
    index whose average is within `slack` of the best."""
    padded = np.pad(np.asarray(gains, dtype=float), width, mode="edge")
    smooth = np.convolve(padded, np.ones(2 * width + 1) / (2 * width + 1), mode="valid")
    return int(np.argmax(smooth >= smooth.max() - slack - 1e-9))


def calibrate(
    items: list[Item], limits: argparse.Namespace
) -> tuple[Calibration, dict[str, dict[str, float]], float]:
    # The best ranking under which some small-talk cut handles enough dev small talk.
    for cal in rankings(items):
        cut = pick_smalltalk(items, cal, limits)
        if cut is not None:
            cal = dataclasses.replace(cal, smalltalk=cut)
            break
    else:
        raise AssertionError("no ranking lets small talk be handled well enough")
    cal = dataclasses.replace(cal, confusions=confusions(items, cal))
    data = confidence_data(items, cal)
    # The regularisation with the most answered right out of fold, within the limits.
    answer, dev_rates, strength = max(
        (
            (*pick_answer(items, data, out_of_fold(items, data, limits.folds, c), limits), c)
            for c in CONFIDENCE_C
        ),
        key=lambda row: row[1]["pooled"]["right"],
    )
    model = fit(data.x[~data.settled], data.right[~data.settled], strength)
    cal = dataclasses.replace(
        cal,
        answer=answer,
        weights=tuple(round(float(w), 6) for w in model.coef_[0]),
        intercept=round(float(model.intercept_[0]), 6),
    )
    cal = dataclasses.replace(cal, suggest=pick_suggest(items, cal, data))
    return cal, dev_rates, strength


def read_groups() -> dict[str, list[Labelled]]:
    return {
        name: [q for f in files for q in read_labelled(DATA / f)] for name, files in GROUPS.items()
    }


def without(training: Lines, lines: list[Labelled]) -> Lines:
    """The training lines minus every message of `lines` (a set held out whole)."""
    texts = {q.question.strip() for q in lines}
    return [(text, label) for text, label in training if text not in texts]


def group_items(
    content: Content, smalltalk: SmallTalk, groups: dict[str, list[Labelled]], training: Lines
) -> list[Item]:
    """Evidence for every line of every set from models whose training lines leave that
    whole set out, so the confidence model learns from evidence like a new user's."""
    items: list[Item] = []
    shared: Ensemble | None = None
    for name, lines in groups.items():
        mine = without(training, lines)
        if len(mine) < len(training):
            model = models(content, smalltalk, set(), mine)
        else:  # the set adds nothing to training (e.g. --no-training): one model serves all
            shared = shared or models(content, smalltalk, set(), training)
            model = shared
        items += dev_items(model, content, lines, name)
    return items


def fit_calibration(
    content: Content,
    smalltalk: SmallTalk,
    groups: dict[str, list[Labelled]],
    training: Lines,
    limits: argparse.Namespace,
) -> tuple[Calibration, dict[str, dict[str, float]], float]:
    items = held_out(content, smalltalk, limits.folds, training)
    items += group_items(content, smalltalk, groups, training)
    return calibrate(items, limits)


def leave_one_set_out(
    content: Content, smalltalk: SmallTalk, training: Lines, limits: argparse.Namespace
) -> dict[str, Report]:
    """For each set: everything (training lines, ranking, small-talk cut, confidence model,
    thresholds) fitted without it, then the set scored as a new user's messages."""
    groups = read_groups()
    reports: dict[str, Report] = {}
    for name, lines in groups.items():
        rest = {g: group for g, group in groups.items() if g != name}
        mine = without(training, lines)
        cal, _, _ = fit_calibration(content, smalltalk, rest, mine, limits)
        model = models(content, smalltalk, set(), mine)
        model.calibration = cal
        reports[name] = evaluate(model, lines, known=content.entries.keys())
        print(f"held out {name}: {cal}", flush=True)
    return reports


def loso_table(reports: dict[str, Report]) -> str:
    pooled = Report()
    for report in reports.values():
        for key, value in vars(report).items():
            if isinstance(value, int):
                setattr(pooled, key, getattr(pooled, key) + value)
    rows = [
        "| held out | in scope | right | wrong (of all) | label only: right / wrong "
        "| suggested | OOS declined | small talk | top-1 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, report in {**reports, f"all {len(reports)}": pooled}.items():
        r = report.rates()
        strict_wrong = report.answered_wrong + report.answered_also
        rows.append(
            f"| {name} | {report.total_in_scope} | {r['answered_right']:.1f}% "
            f"| {r['answered_wrong']:.1f}% ({report.answered_wrong}) "
            f"| {r['answered_right_strict']:.1f}% / {r['answered_wrong_strict']:.1f}% "
            f"({strict_wrong}) | {r['suggested']:.1f}% "
            f"| {r['out_of_scope_declined']:.1f}% ({report.total_out_of_scope}) "
            f"| {r['smalltalk_handled']:.1f}% ({report.total_smalltalk}) | {r['top1']:.1f}% |"
        )
    return "\n".join(rows)


LOSO_RESULTS = ROOT / "bench/results/matcher-loso.md"


def write_loso(table: str, limits: argparse.Namespace) -> None:
    """The leave-one-set-out table, as the honest accuracy of the shipped recipe."""
    path = (
        LOSO_RESULTS.with_name("matcher-loso-no-training.md")
        if limits.no_training
        else LOSO_RESULTS
    )
    flag = " --no-training" if limits.no_training else ""
    lines = [
        "### Leave one set out" + (" (without the training lines)" if flag else ""),
        "",
        f"Command: `python bench/calibrate.py --loso{flag}`",
        "",
        provenance(code=["bot/core/faq", "bot/services.py", "bench/calibrate.py"]),
        "",
        "Each labelled set (both halves, one writer; blind5 to blind12 dev and the small-talk "
        "dev half alone)",
        "held out whole: its",
        f"lines are dropped from content/{TRAINING_FILE}, and the ranking weights, small-talk",
        "cut, confidence model and thresholds are fitted on the other sets and held-out",
        "phrasings only;",
        "then the held-out set is scored as new users' messages; an answer counts as right",
        "when its entry is the label or was judged to answer the question too",
        "(tests/data/also_right.tsv); the label-only numbers are beside them. Limits as "
        "shipped: "
        f"≤ {limits.max_wrong:g}% wrong pooled, ≤ {limits.max_wrong_each:g}% per set, "
        f"≥ {limits.min_declined:g}% out of scope declined.",
        "",
        table,
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    print(f"written to {path.relative_to(ROOT)}")


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":
        # Some ties in the models are broken in set order, which follows Python's string
        # hash seed: without a fixed seed the weights vary in the third decimal run to run.
        os.execve(
            sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"}
        )
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Out of fold on the calibration sets; chosen by --loso so that sets held out whole stay
    # near 1% wrong (1.0 / 1.5 here gave 64.1% right at 0.96% wrong there; 1.2 / 1.8 gives
    # 66.7% at 1.01%): the learned model is surer of sets it trained on than of new ones.
    # Session 6 (offtopic label): 1.2 / 1.8 gave 77.2% right at 1.5% wrong held out, 1.0 /
    # 1.5 gave 71.5% at 1.1%, so the limits went back to 1.0 / 1.5.
    parser.add_argument("--max-wrong", type=float, default=1.0, help="%% of all set lines")
    parser.add_argument("--max-wrong-each", type=float, default=1.5, help="%% of each set")
    # Session 10 (answers judged right too count as right, threshold ~0.78): LOSO with 97
    # gave 91.4% right, 22 wrong, 98.0% declined, one set at 2.0% wrong and 90% declined;
    # 98.5 gave 90.1% right, 16 wrong, 98.7% declined, every set within 0.9% wrong.
    parser.add_argument("--min-declined", type=float, default=98.5)
    parser.add_argument("--min-smalltalk", type=float, default=95.0)
    parser.add_argument("--folds", type=int, default=FOLDS)
    parser.add_argument("--dry-run", action="store_true", help="print, do not write the file")
    parser.add_argument(
        "--loso", action="store_true", help="measure by leaving each set out; write nothing"
    )
    parser.add_argument(
        "--no-training", action="store_true", help=f"ignore content/{TRAINING_FILE}"
    )
    parser.add_argument(
        "--labels-only-phrasings",
        action="store_true",
        help=f"ignore {PHRASING_VERDICTS.name} (as before session 11)",
    )
    limits = parser.parse_args()
    global PHRASINGS_JUDGED
    PHRASINGS_JUDGED = not limits.labels_only_phrasings
    content = load_valid_content(ROOT / "content")
    smalltalk = SmallTalk.load(content.directory)
    training = [] if limits.no_training else load_training(content.directory)
    if limits.loso:
        table = loso_table(leave_one_set_out(content, smalltalk, training, limits))
        print(table)
        if not limits.dry_run:
            write_loso(table, limits)
        return
    cal, dev_rates, strength = fit_calibration(content, smalltalk, read_groups(), training, limits)
    print(cal)
    print("out of fold, each set out of the learned model's training:", dev_rates)
    if not limits.dry_run:
        provenance = provenance_of(limits, dev_rates, strength)
        CALIBRATION.write_text(cal.to_json(provenance), encoding="utf-8")
        print(f"written to {CALIBRATION.relative_to(ROOT)}")


def provenance_of(
    limits: argparse.Namespace, dev_rates: dict[str, dict[str, float]], strength: float
) -> dict[str, object]:
    return {
        "made_by": "python bench/calibrate.py",
        "content_sha256": tree_hash(["content"]),
        "code_sha256": tree_hash(["bot/core/faq"]),
        "limits": {
            "max_wrong": limits.max_wrong,
            "max_wrong_each": limits.max_wrong_each,
            "min_declined": limits.min_declined,
            "min_smalltalk": limits.min_smalltalk,
            "folds": limits.folds,
        },
        "confidence_c": strength,
        "training_lines": not limits.no_training,
        "dev_out_of_fold": dev_rates,
    }


if __name__ == "__main__":
    main()
