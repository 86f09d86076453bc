"""The desk's picture: one PNG with six small charts, readable on a phone.

Drawn with matplotlib's Agg backend (no screen needed), in the Okabe–Ito palette (safe for the
common kinds of colour blindness), with every bar's number written on it so nobody has to read
an axis. Labels arrive already translated (`ChartText`), so this module has no language of its
own and stays free of Telegram and gettext.
"""

from __future__ import annotations

import functools
import io
import textwrap
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from bot.core.desks.stats import Snapshot

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Okabe & Ito (2008): distinguishable with protanopia, deuteranopia and tritanopia.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
GOOD, LATE, WAITING = "#009E73", "#D55E00", "#E69F00"
MAX_PROVINCES = 8
FIGURE_INCHES = (7.2, 14.0)  # portrait, like a phone screen
DPI = 100


@dataclass(frozen=True)
class ChartText:
    """Every word the picture shows, in the reader's language."""

    title: str
    per_week: str
    by_province: str
    ack: str
    open_by_age: str
    prevented: str
    checks: str
    top_checked: str
    in_time: str
    late: str
    waiting: str
    urgent: str
    normal: str
    no_data: str
    categories: dict[str, str]
    outcomes: dict[str, str]
    verdicts: dict[str, str]


@functools.cache
def _pyplot() -> ModuleType:
    """matplotlib, imported on the first picture and not with the bot: importing it costs
    about half a second, and on a machine that never drew one it builds its font cache and
    logs that, which put a second line before the one clear line of a failed start."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    return pyplot


def render(snap: Snapshot, text: ChartText) -> bytes:
    """The PNG bytes of the whole picture."""
    plt = _pyplot()
    figure = plt.figure(figsize=FIGURE_INCHES, dpi=DPI, layout="constrained")
    try:
        _draw(figure, snap, text)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
        return buffer.getvalue()
    finally:
        plt.close(figure)


def _draw(figure: Figure, snap: Snapshot, text: ChartText) -> None:
    _pyplot().rcParams.update({"font.size": 10, "axes.titlesize": 12, "axes.titleweight": "bold"})
    figure.suptitle(text.title, fontsize=14, fontweight="bold")
    grid = figure.add_gridspec(5, 2, height_ratios=(1.5, 1.2, 1, 1, 0.9))
    _per_week(figure.add_subplot(grid[0, :]), snap, text)
    _by_province(figure.add_subplot(grid[1, :]), snap, text)
    _ack(figure.add_subplot(grid[2, :]), snap, text)
    _open_by_age(figure.add_subplot(grid[3, 0]), snap, text)
    _prevented(figure.add_subplot(grid[3, 1]), snap, text)
    _checks(figure.add_subplot(grid[4, 0]), snap, text)
    _top_checked(figure.add_subplot(grid[4, 1]), snap, text)


def _title(axes: Axes, title: str, half: bool = False) -> None:
    """Wrapped so two half-width titles never run into each other."""
    axes.set_title(textwrap.fill(title, 30 if half else 60), fontsize=10.5 if half else 12)
    axes.margins(y=0.15)  # room for the numbers on the tallest bar


def _empty(axes: Axes, title: str, text: ChartText) -> None:
    _title(axes, title, half=True)
    axes.text(0.5, 0.5, text.no_data, ha="center", va="center", transform=axes.transAxes)
    axes.set_axis_off()


def _label_bars(axes: Axes, bars, horizontal: bool = False) -> None:
    values = [bar.get_width() if horizontal else bar.get_height() for bar in bars]
    labels = [f"{v:g}" if v else "" for v in values]
    axes.bar_label(bars, labels=labels, padding=2, fontsize=9)


def _per_week(axes: Axes, snap: Snapshot, text: ChartText) -> None:
    if not snap.per_week:
        return _empty(axes, text.per_week, text)
    _title(axes, text.per_week)
    positions = range(len(snap.weeks))
    bottom = [0] * len(snap.weeks)
    for n, (category, counts) in enumerate(snap.per_week.items()):
        label = text.categories.get(category, category)
        color = PALETTE[n % len(PALETTE)]
        axes.bar(positions, counts, bottom=bottom, label=label, color=color, width=0.8)
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    totals = axes.bar(positions, [0] * len(bottom), bottom=bottom, width=0.8)
    axes.bar_label(totals, labels=[str(t) if t else "" for t in bottom], padding=2, fontsize=9)
    step = max(1, len(snap.weeks) // 8)
    axes.set_xticks(list(positions)[::step])
    axes.set_xticklabels([w.strftime("%d/%m") for w in snap.weeks][::step], fontsize=9)
    axes.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False, ncols=2)
    axes.spines[["top", "right"]].set_visible(False)


def _by_province(axes: Axes, snap: Snapshot, text: ChartText) -> None:
    rows = snap.by_province[:MAX_PROVINCES]
    if not rows:
        return _empty(axes, text.by_province, text)
    _title(axes, text.by_province)
    names = [name for name, _ in reversed(rows)]
    bars = axes.barh(names, [n for _, n in reversed(rows)], color=PALETTE[0])
    _label_bars(axes, bars, horizontal=True)
    axes.tick_params(axis="y", labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)


def _ack(axes: Axes, snap: Snapshot, text: ChartText) -> None:
    kinds = [k for k in ("urgent", "normal") if snap.ack.get(k) and snap.ack[k].total]
    if not kinds:
        return _empty(axes, text.ack, text)
    _title(axes, text.ack)
    labels = [text.urgent if k == "urgent" else text.normal for k in kinds]
    parts = (
        (text.in_time, GOOD, [snap.ack[k].in_time for k in kinds]),
        (text.late, LATE, [snap.ack[k].late + snap.ack[k].waiting_late for k in kinds]),
        (text.waiting, WAITING, [snap.ack[k].waiting_in_time for k in kinds]),
    )
    left = [0] * len(kinds)
    for label, color, values in parts:
        bars = axes.barh(labels, values, left=left, color=color, label=label)
        axes.bar_label(bars, labels=[str(v) if v else "" for v in values], label_type="center")
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.legend(fontsize=8, loc="lower right", frameon=False)
    axes.spines[["top", "right"]].set_visible(False)


def _open_by_age(axes: Axes, snap: Snapshot, text: ChartText) -> None:
    if not any(n for _, n in snap.open_by_age):
        return _empty(axes, text.open_by_age, text)
    _title(axes, text.open_by_age, half=True)
    bars = axes.bar([label for label, _ in snap.open_by_age], [n for _, n in snap.open_by_age])
    for bar, color in zip(bars, (GOOD, PALETTE[4], WAITING, LATE, "#000000"), strict=False):
        bar.set_color(color)
    _label_bars(axes, bars)
    axes.spines[["top", "right"]].set_visible(False)


def _prevented(axes: Axes, snap: Snapshot, text: ChartText) -> None:
    """People kept from leaving, added up week by week: the desk's headline number."""
    _title(axes, f"{text.prevented}: {snap.people_prevented}", half=True)
    if not snap.people_prevented:
        axes.text(0.5, 0.5, text.no_data, ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return
    positions = list(range(len(snap.weeks)))
    axes.plot(positions, snap.prevented_by_week, marker="o", color=GOOD)
    axes.fill_between(positions, snap.prevented_by_week, color=GOOD, alpha=0.15)
    axes.annotate(
        str(snap.prevented_by_week[-1]),
        (positions[-1], snap.prevented_by_week[-1]),
        textcoords="offset points",
        xytext=(-4, 6),
        ha="right",
        fontsize=9,
    )
    step = max(1, len(snap.weeks) // 4)
    axes.set_xticks(positions[::step])
    axes.set_xticklabels([w.strftime("%d/%m") for w in snap.weeks][::step], fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)


def _checks(axes: Axes, snap: Snapshot, text: ChartText) -> None:
    rows = [(text.verdicts.get(v, v), n) for v, n in snap.checks_by_verdict]
    if not rows:
        return _empty(axes, text.checks, text)
    _title(axes, text.checks, half=True)
    bars = axes.bar([label for label, _ in rows], [n for _, n in rows], color=PALETTE[2])
    _label_bars(axes, bars)
    axes.tick_params(axis="x", labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)


def _top_checked(axes: Axes, snap: Snapshot, text: ChartText) -> None:
    """The phone numbers, accounts and agencies checked most: counts only."""
    rows = snap.top_checked[:5]
    if not rows:
        return _empty(axes, text.top_checked, text)
    _title(axes, text.top_checked, half=True)
    labels = [value if len(value) <= 22 else value[:21] + "…" for _kind, value, _n in rows]
    bars = axes.barh(labels[::-1], [n for *_rest, n in rows][::-1], color=PALETTE[3])
    _label_bars(axes, bars, horizontal=True)
    axes.tick_params(axis="y", labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
