"""Small pieces of report text shared by the reporter's and the desk's side: labels in a
language, places, times. Everything returned here is already HTML-escaped."""

from __future__ import annotations

import datetime as dt
import html
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from bot.core.provinces import Provinces
from bot.core.reports.case_status import (
    OUTCOME_LABELS,
    STATUS_EMOJI,
    STATUS_LABELS,
    Outcome,
    Status,
)
from bot.core.reports.draft import (
    CATEGORY_EMOJI,
    CATEGORY_LABELS,
    SPECIAL_PLACES,
    WHEN_LABELS,
    When,
    category_of,
)
from bot.core.tghtml import utf16_len
from bot.i18n import Translator

DESK_TIMEZONE = ZoneInfo("Asia/Jakarta")
TIMEZONE_NAME = "WIB"


def when_text(moment: dt.datetime, lang: str, with_year: bool = True) -> str:
    pattern = "d MMM y, HH:mm" if with_year else "d MMM, HH:mm"
    text = format_datetime(moment, pattern, tzinfo=DESK_TIMEZONE, locale=lang)
    return f"{text} {TIMEZONE_NAME}"


def category_text(_: Translator, value: str) -> str:
    category = category_of(value)
    if category is None:
        return html.escape(value)
    return f"{CATEGORY_EMOJI[category]} {_(CATEGORY_LABELS[category])}"


def province_text(_: Translator, provinces: Provinces, value: str | None) -> str:
    if value in SPECIAL_PLACES:
        return _(SPECIAL_PLACES[value])
    return html.escape(provinces.name(value))


def place_text(_: Translator, provinces: Provinces, province: str | None, place: str | None):
    where = province_text(_, provinces, province)
    return f"{where} — {html.escape(place)}" if place else where


def occurred_text(_: Translator, value: str | None) -> str | None:
    """A quick choice in the reader's language, or the reporter's own words."""
    if not value:
        return None
    try:
        return _(WHEN_LABELS[When(value)])
    except ValueError:
        return html.escape(value)


def status_text(_: Translator, status: Status, outcome: Outcome | None = None) -> str:
    text = f"{STATUS_EMOJI[status]} {_(STATUS_LABELS[status])}"
    if outcome is not None:
        text += f": {_(OUTCOME_LABELS[outcome])}"
    return text


def clip(text: str, limit: int) -> str:
    """At most `limit` characters of plain text, with an ellipsis when cut. Characters are
    counted as Telegram counts them, in UTF-16 code units (an emoji counts twice), so the
    limits that keep a message or caption under Telegram's maximum hold for any text."""
    if utf16_len(text) <= limit:
        return text
    kept, used = [], 1  # the ellipsis
    for char in text:
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"


def split_text(text: str, limit: int) -> list[str]:
    """Plain text in pieces of at most `limit` UTF-16 code units, cut at a line break or a
    space where one is near, never inside a character. Nothing is left out: joining the
    pieces (with the whitespace at the cuts) gives the text back."""
    pieces: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        cut = _fit(rest, limit)
        for separator in ("\n", " "):
            at = rest.rfind(separator, 0, cut)
            if at > cut // 2:
                cut = at + 1
                break
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def _fit(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 code units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return max(index, 1)
    return len(text)


def pack(sections: list[str], limit: int) -> list[str]:
    """Plain-text sections joined by blank lines into as few pieces of at most `limit`
    UTF-16 code units as possible; a section too long for one piece is split."""
    pieces: list[str] = []
    for section in sections:
        for part in split_text(section, limit):
            joined = f"{pieces[-1]}\n\n{part}" if pieces else part
            if pieces and utf16_len(joined) <= limit:
                pieces[-1] = joined
            else:
                pieces.append(part)
    return pieces
