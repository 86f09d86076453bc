"""The ways into a check: /cek, the button, forwarded ads, captions and pictures."""

from __future__ import annotations

import asyncio

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.core.cekdulu import ocr
from bot.core.cekdulu.checker import Result
from bot.i18n import Translator
from bot.services import Services
from bot.telegram import metrics
from bot.telegram.common import services, translator
from bot.telegram.flood import album_repeat
from bot.telegram.handlers.cekdulu.alerts import count_identifiers
from bot.telegram.handlers.cekdulu.base import (
    END,
    KEEP_OCR,
    MAX_PICTURE_BYTES,
    OCR_KEY,
    WAITING,
    Source,
    check_text,
    without_command,
)
from bot.telegram.handlers.cekdulu.screen import answer_markup, answer_text


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
    if _picture(message) is not None:
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
    if _picture(message) is not None:
        await check_picture(update, context)
        return
    await answer(update, context, message.text or message.caption or "")


# -- pictures --------------------------------------------------------------------------------
def _picture(message: Message):
    """The file to read: the largest photo size, or a document that is an image."""
    if message.photo:
        fitting = [p for p in message.photo if (p.file_size or 0) <= MAX_PICTURE_BYTES]
        return max(fitting or message.photo[:1], key=lambda p: p.width * p.height)
    document = message.document
    is_image = document is not None and (document.mime_type or "").startswith("image/")
    if is_image and (document.file_size or 0) <= MAX_PICTURE_BYTES:
        return document
    return None


async def check_picture(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Read the text in a photo (off the event loop) and check it with its caption. An album
    is answered once, from its first picture (the flood guard counts every one)."""
    if album_repeat(update, context):
        return
    _ = translator(update, context)
    message = update.effective_message
    caption = (message.caption or "").strip()
    picture = _picture(message)
    read = await _read_picture(context, picture) if picture is not None else ocr.OcrText("", 0)
    if read is None and not caption:  # OCR unavailable: say so kindly
        await message.reply_text(_ocr_unavailable(_))
    elif read is None or not read.text.strip():  # nothing read: the caption alone, if any
        if caption:
            await answer(update, context, caption, source=Source.CAPTION_ONLY)
        else:
            await message.reply_text(
                _(
                    "I could not find any text in this picture. If it is a job offer, type or "
                    "paste its main points (agency name, phone number, country, salary, costs)."
                )
            )
    else:
        _remember_ocr(context, message.message_id, read.text)
        text = "\n".join(t for t in (caption, read.text) if t)
        await answer(update, context, text, source=Source.PICTURE)


async def _read_picture(context: ContextTypes.DEFAULT_TYPE, picture) -> ocr.OcrText | None:
    """The text in the picture; empty when the file is not a picture that opens; None
    when OCR is not available here."""
    try:
        file = await picture.get_file()
        data = bytes(await file.download_as_bytearray())
        lexicon = services(context).checker.lexicon
        return await asyncio.to_thread(ocr.read_text, data, lexicon)
    except ocr.UnreadableImage:
        return ocr.OcrText("", 0)
    except ocr.OcrUnavailable:
        return None


def _remember_ocr(context: ContextTypes.DEFAULT_TYPE, message_id: int, text: str) -> None:
    """The text read from a picture, for the 📋 button (in memory, the last few only)."""
    if context.user_data is None:
        return
    read: dict[int, str] = context.user_data.setdefault(OCR_KEY, {})
    read[message_id] = text
    for old in sorted(read)[:-KEEP_OCR]:
        del read[old]


def _ocr_unavailable(_: Translator) -> str:
    return _(
        "Sorry, I cannot read the text in pictures right now. Please type or paste the main "
        "points of the offer (agency name, phone number, country, salary, costs) and I will "
        "check them."
    )


async def answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    source: Source = Source.TEXT,
) -> None:
    """Check `text` and reply, in ONE message, to the message it came from (the report
    button and the 📋 button read it)."""
    _ = translator(update, context)
    message = update.effective_message
    svc = services(context)
    result = await svc.db.run(check_and_count, svc, text)
    metrics.count(context.application, "check_verdicts", result.verdict.value)
    if source is Source.TEXT and _has_media(message):
        source = Source.CAPTION_ONLY
    screen = answer_text(_, result, svc.content, source)
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
