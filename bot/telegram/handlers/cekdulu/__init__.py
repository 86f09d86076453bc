"""/cek (/check) and the "Cek Dulu" button: check an offer before paying or leaving.

Three ways in: `/cek <text>`; `/cek` or the menu button, then the next message; or simply
forwarding an ad, or sending a photo or video with its caption, outside any other flow
(the tip-off form, which takes photos as evidence, is registered before this module and
keeps them). The answer names the verdict in plain words, explains every reason with its
source, says what to do next, and offers "Laporkan ini", which opens a tip-off pre-filled
with the checked message (see reports.start_from_message).

Every check counts the identifiers in it (phone numbers, links, accounts, agency names),
never who checked. When one is checked by many people within the window, the desk gets
one early warning per window, through the report outbox so it survives restarts.

The modules: `entry` (the ways in), `pictures` (reading photos and albums), `reply` (the
check itself and its reply), `screen` (the one-screen answer), `details` (📋 all reasons),
`reasons` (the text of each reason, agency standings), `alerts` (counting and the early
warning), `base` (what they share) and `conversation` (wiring). One catalog, `cekdulu.po`, for
the whole package.
"""

from bot.telegram.handlers.cekdulu.base import MAX_ANSWER, OCR_KEY, SEVERITY_ICONS, Source
from bot.telegram.handlers.cekdulu.conversation import build_conversation, register
from bot.telegram.handlers.cekdulu.details import detail_parts
from bot.telegram.handlers.cekdulu.reply import answer
from bot.telegram.handlers.cekdulu.screen import answer_text

__all__ = [
    "MAX_ANSWER",
    "OCR_KEY",
    "SEVERITY_ICONS",
    "Source",
    "answer",
    "answer_text",
    "build_conversation",
    "detail_parts",
    "register",
]
