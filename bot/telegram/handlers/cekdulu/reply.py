"""The check itself and its one-screen reply, shared by typed text, captions and pictures."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.core.cekdulu.checker import Result
from bot.services import Services
from bot.telegram import metrics
from bot.telegram.common import services, translator
from bot.telegram.handlers.cekdulu.alerts import count_identifiers
from bot.telegram.handlers.cekdulu.base import Album, Source, check_text
from bot.telegram.handlers.cekdulu.screen import answer_markup, answer_text
from bot.telegram.handlers.contacts import urgent_note


async def answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    source: Source = Source.TEXT,
    album: Album | None = None,
    urgent: bool = False,
) -> None:
    """Check `text` and reply, in ONE message, to the message it came from (the report
    button and the 📋 button read it). `album` says how many pictures the text was read
    from when they came as an album; `urgent` (the text speaks of harm) puts the emergency
    contacts above the check."""
    _ = translator(update, context)
    message = update.effective_message
    svc = services(context)
    result = await svc.db.run(check_and_count, svc, text)
    metrics.count(context.application, "check_verdicts", result.verdict.value)
    if source is Source.TEXT and _has_media(message):
        source = Source.CAPTION_ONLY
    note = urgent_note(_, svc.content) if urgent else ""
    screen = answer_text(_, result, svc.content, source, album, lead=note)
    await message.reply_text(
        screen, parse_mode=ParseMode.HTML, reply_markup=answer_markup(_), do_quote=True
    )
    await count_identifiers(
        context, result, update.effective_user.id if update.effective_user else None
    )


def check_and_count(svc: Services, text: str) -> Result:
    """The check, and its verdict counted for /stats (counts only: never who checked or
    what)."""
    result = check_text(svc, text)
    svc.desk_data.record_verdict(result.verdict.value)
    return result


def _has_media(message: Message) -> bool:
    return bool(message.effective_attachment) and not message.text
