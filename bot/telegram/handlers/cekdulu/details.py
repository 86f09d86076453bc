"""📋 All reasons with their explanations and sources, in as few messages as fit."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.core.cekdulu.checker import Result, Verdict
from bot.core.tghtml import rendered_length
from bot.i18n import Translator
from bot.telegram.common import services, translator
from bot.telegram.handlers.cekdulu.base import MAX_ANSWER, OCR_KEY, check_text, without_command
from bot.telegram.handlers.cekdulu.reasons import reason_text


async def all_reasons(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every reason with its explanation and source, for the message the answer replied to
    (checked again: the checked text itself is never stored)."""
    query = update.callback_query
    _ = translator(update, context)
    source = getattr(query.message, "reply_to_message", None)
    text = _source_text(context, source) if source is not None else ""
    if not text:
        await query.answer(
            _("I cannot find the checked message any more. Please send it again."),
            show_alert=True,
        )
        return
    await query.answer()
    svc = services(context)
    result = await svc.db.run(check_text, svc, text)
    for part in detail_parts(_, result):
        await query.message.reply_text(part, parse_mode=ParseMode.HTML, do_quote=False)


def _source_text(context: ContextTypes.DEFAULT_TYPE, message: Message) -> str:
    words = without_command(message.text or message.caption or "")
    read = (context.user_data or {}).get(OCR_KEY, {}).get(message.message_id, "")
    return "\n".join(t for t in (words, read) if t)


def detail_parts(_: Translator, result: Result) -> list[str]:
    """All reasons, each with its explanation, the user's words and the source, packed into
    as few messages as fit (UTF-16 units, as Telegram counts)."""
    if not result.reasons:
        return [_("No reasons to list: I found no danger signs in the text.")]
    blocks = [_("📋 <b>All reasons, with their sources</b>")]
    if result.verdict is Verdict.ADVICE:
        blocks.append(_("The text reads like a warning; these are the signs it talks about."))
    blocks += [reason_text(_, r) for r in result.reasons]
    return _pack(blocks)


def _pack(blocks: list[str]) -> list[str]:
    parts: list[str] = []
    for block in blocks:
        for piece in _lines_that_fit(block):
            joined = parts[-1] + "\n\n" + piece if parts else ""
            if parts and rendered_length(joined) <= MAX_ANSWER:
                parts[-1] = joined
            else:
                parts.append(piece)
    return parts


def _lines_that_fit(block: str) -> list[str]:
    """A block too long for one message (many reported identifiers), split between its
    lines: every line is whole HTML, and none is long once quoted words are bounded."""
    pieces: list[str] = []
    for line in block.split("\n"):
        joined = pieces[-1] + "\n" + line if pieces else ""
        if pieces and rendered_length(joined) <= MAX_ANSWER:
            pieces[-1] = joined
        else:
            pieces.append(line)
    return pieces
