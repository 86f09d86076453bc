"""Pictures sent to Cek Dulu: the text in a photo or image file is read (off the event loop)
and checked like a pasted ad, with its caption.

Flyers are often shared as albums, the offer on one picture and the costs or the passport
terms on the next. Telegram delivers an album as separate messages a moment apart, each with
the same `media_group_id`, so the first picture opens a collection, the others join it, and
once none has arrived for `ALBUM_QUIET_SECONDS` the pictures are read together and answered
once, in reply to the first. The collection lives in memory: it lasts about a second, and an
album cut short by a restart is simply not answered (the person sees no reply and can send
it again); nothing of it is stored.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from telegram import Document, Message, PhotoSize, Update
from telegram.ext import ContextTypes

from bot.core.cekdulu import ocr
from bot.i18n import Translator
from bot.telegram.common import services, translator
from bot.telegram.flood import album_repeat
from bot.telegram.handlers.cekdulu.base import (
    ALBUM_MAX_SECONDS,
    ALBUM_QUIET_SECONDS,
    ALBUMS_KEY,
    KEEP_OCR,
    MAX_ALBUM_PICTURES,
    MAX_PICTURE_BYTES,
    OCR_KEY,
    Album,
    Source,
)
from bot.telegram.handlers.cekdulu.reply import answer

Picture = PhotoSize | Document


def picture_in(message: Message) -> Picture | None:
    """The file to read: the largest photo size, or a document that is an image."""
    if message.photo:
        fitting = [p for p in message.photo if (p.file_size or 0) <= MAX_PICTURE_BYTES]
        return max(fitting or message.photo[:1], key=lambda p: p.width * p.height)
    document = message.document
    is_image = document is not None and (document.mime_type or "").startswith("image/")
    if is_image and (document.file_size or 0) <= MAX_PICTURE_BYTES:
        return document
    return None


@dataclass
class PendingAlbum:
    """An album whose pictures are still arriving."""

    first: Update
    pictures: list[Picture] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    last_seen: float = field(default_factory=time.monotonic)

    def add(self, message: Message) -> None:
        picture = picture_in(message)
        if picture is not None:
            self.pictures.append(picture)
        if (message.caption or "").strip():
            self.captions.append(message.caption.strip())
        self.last_seen = time.monotonic()

    def complete(self) -> bool:
        """Nothing new for a moment, or waited long enough."""
        now = time.monotonic()
        quiet = now - self.last_seen >= ALBUM_QUIET_SECONDS
        return quiet or now - self.started >= ALBUM_MAX_SECONDS


async def check_picture(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A single picture is read and checked now; an album's pictures are gathered and
    checked together (see the module docstring)."""
    message, user = update.effective_message, update.effective_user
    if message.media_group_id is None or user is None:
        await _check_single(update, context)
        return
    albums: dict[tuple[int, str], PendingAlbum] = context.bot_data.setdefault(ALBUMS_KEY, {})
    key = (user.id, message.media_group_id)
    if key in albums:
        albums[key].add(message)
        return
    if album_repeat(update, context):  # a late picture of an album already answered
        return
    albums[key] = PendingAlbum(update)
    albums[key].add(message)
    context.application.create_task(_check_album(context, key), update=update)


async def _check_album(context: ContextTypes.DEFAULT_TYPE, key: tuple[int, str]) -> None:
    albums: dict[tuple[int, str], PendingAlbum] = context.bot_data[ALBUMS_KEY]
    while not albums[key].complete():
        await asyncio.sleep(ALBUM_QUIET_SECONDS / 4)
    pending = albums.pop(key)
    read_pictures = pending.pictures[:MAX_ALBUM_PICTURES]
    texts = []
    for picture in read_pictures:
        read = await _read_picture(context, picture)
        if read is None:  # OCR unavailable: no use trying the others
            texts = None
            break
        texts.append(read.text.strip())
    album = Album(len(read_pictures), len(pending.pictures) - len(read_pictures))
    await _answer_read(pending.first, context, "\n\n".join(pending.captions), texts, album)


async def _check_single(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    picture = picture_in(message)
    read = await _read_picture(context, picture) if picture is not None else ocr.OcrText("", 0)
    texts = None if read is None else [read.text.strip()]
    await _answer_read(update, context, (message.caption or "").strip(), texts, None)


async def _answer_read(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    caption: str,
    texts: list[str] | None,
    album: Album | None,
) -> None:
    """Check what was read (None: OCR is unavailable) with the caption, or explain why
    there is nothing to check."""
    _ = translator(update, context)
    message = update.effective_message
    read = "\n\n".join(t for t in texts or [] if t)
    if texts is None and not caption:
        await message.reply_text(_ocr_unavailable(_))
    elif not read:  # nothing read: the caption alone, if any
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
        _remember_ocr(context, message.message_id, read)
        text = "\n".join(t for t in (caption, read) if t)
        await answer(update, context, text, source=Source.PICTURE, album=album)


async def _read_picture(context: ContextTypes.DEFAULT_TYPE, picture: Picture) -> ocr.OcrText | None:
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
