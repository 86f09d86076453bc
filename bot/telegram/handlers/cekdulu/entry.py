"""The ways into a check: /cek, the button, forwarded ads and captions (pictures are read in
`pictures`)."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.telegram.common import translator
from bot.telegram.handlers.cekdulu.base import END, WAITING, without_command
from bot.telegram.handlers.cekdulu.pictures import check_picture, picture_in
from bot.telegram.handlers.cekdulu.reply import answer


async def cek_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """/cek <text> checks at once; /cek alone asks for the text."""
    text = without_command(update.effective_message.text or "")
    if not text:
        return await _ask(update, context)
    await answer(update, context, text)
    return END


async def cek_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    await update.callback_query.answer()
    return await _ask(update, context)


async def _ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    await update.effective_message.reply_text(
        _(
            "🔎 <b>Cek Dulu: check before you pay or leave</b>\n\n"
            "Send me what you were offered: paste or forward the job ad or the chat, send a "
            "photo or screenshot of the flyer, or send the agency name, the phone number, the "
            "link or the account of the recruiter.\n\n"
            "Send /cancel to stop."
        ),
        parse_mode=ParseMode.HTML,
    )
    return WAITING


async def waiting_input(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    message = update.effective_message
    if picture_in(message) is not None:
        await check_picture(update, context)
    else:
        await answer(update, context, message.text or message.caption or "")
    return END


async def unreadable(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A video or voice note without words: explain how to send something checkable."""
    _ = translator(update, context)
    await update.effective_message.reply_text(
        _(
            "I cannot read videos or voice notes. Please type or paste the words of the offer "
            "(agency name, phone number, country, salary, costs), or send a photo or "
            "screenshot of it."
        )
    )


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _ = translator(update, context)
    await update.effective_message.reply_text(
        _("OK. Send /check whenever you want to check an offer.")
    )
    return END


async def check_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A forwarded message, or a photo/video/document with a caption, outside other flows."""
    message = update.effective_message
    if picture_in(message) is not None:
        await check_picture(update, context)
        return
    await answer(update, context, message.text or message.caption or "")
