"""What the Cek Dulu modules share: limits, headings, icons, and small text helpers."""

from __future__ import annotations

import datetime as dt
import html
import logging
from enum import StrEnum
from typing import NamedTuple

from babel.dates import format_date
from telegram.ext import ConversationHandler

from bot.core.cekdulu.checker import Result, Verdict
from bot.core.cekdulu.reasons import Severity
from bot.i18n import N_, Translator
from bot.services import Services
from bot.telegram import keyboards

PREFIX = keyboards.CHECK
WAITING = "waiting"
WAIT_SECONDS = 600  # after /cek without text, the next message within this time is checked
ALERT_JOB = "check_alert"
TOP_REASONS = 3  # on the first screen; 📋 shows all of them with their sources
MAX_ANSWER = 4096  # Telegram's limit, in UTF-16 units of the rendered text
MAX_FOUND = 80
MAX_QUOTED = 120  # characters of a name or identifier from the user's text quoted back
MAX_PICTURE_BYTES = 10 * 1024 * 1024
OCR_KEY = "cek_ocr"  # in memory only: text read from the user's last few pictures
KEEP_OCR = 5
# An album's pictures reach the bot as separate messages a moment apart: wait until none has
# come for ALBUM_QUIET_SECONDS (at most ALBUM_MAX_SECONDS), then read them together. OCR takes
# about a second per picture on one core, so only the first MAX_ALBUM_PICTURES are read.
ALBUM_QUIET_SECONDS = 1.0
ALBUM_MAX_SECONDS = 5.0
MAX_ALBUM_PICTURES = 5
ALBUMS_KEY = "cek_albums"  # bot_data, in memory: albums still arriving
log = logging.getLogger("bot.telegram.handlers.cekdulu")
SISKOP2MI = "siskop2mi.bp2mi.go.id"
END = ConversationHandler.END

VERDICT_HEADINGS = {
    Verdict.DANGER: N_("🚨 <b>Danger signs found</b>"),
    Verdict.CHECK: N_("⚠️ <b>Needs checking</b>"),
    Verdict.ADVICE: N_("ℹ️ <b>This reads like a warning or advice, not an offer</b>"),
    Verdict.NONE: N_("🔎 <b>No danger signs found</b>"),
}
# One meaning each (issue 10): 🔴 danger, 🟠 needs checking, ⚪ could not check or only a
# fact (a licence found, a register not loaded). No 🟢: nothing here means "safe".
SEVERITY_ICONS = {Severity.DANGER: "🔴", Severity.CHECK: "🟠", Severity.INFO: "⚪"}
IDENTIFIER_KINDS = {
    "phone": N_("Phone number"),
    "whatsapp": N_("WhatsApp group"),
    "link": N_("Link"),
    "domain": N_("Website"),
    "handle": N_("Account"),
    "email": N_("E-mail address"),
    "bank": N_("Bank account"),
    "agency": N_("Agency name"),
}


class Source(StrEnum):
    TEXT = "text"
    PICTURE = "picture"  # the text was read from a picture (with its caption, if any)
    CAPTION_ONLY = "caption"  # a picture whose text could not be read: its caption only


class Album(NamedTuple):
    """Pictures sent together: how many were read, and how many were left unread."""

    read: int
    unread: int = 0


def quoted(text: str, limit: int = MAX_QUOTED) -> str:
    """Words from the user's text (an agency name, an identifier) as shown in HTML: escaped,
    and shortened, so a huge input cannot make a block too long for a message."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text)


def without_command(text: str) -> str:
    """ "/cek <text>" → "<text>", line breaks kept ("/cek" may be followed by a new line)."""
    if text.startswith("/"):
        parts = text.split(None, 1)
        return parts[1].strip() if len(parts) == 2 else ""
    return text.strip()


def long_date(_: Translator, value: dt.date) -> str:
    return format_date(value, "d MMMM y", locale=_.lang)


def check_text(svc: Services, text: str) -> Result:
    """The check (it reads the agency register and the tip-off counts: call it through
    `db.run`)."""
    return svc.checker.check(text, register=svc.agency_register.current())
