"""Send a broadcast's stored content: the one function both the preview and delivery use,
so what staff see in the preview is byte for byte what subscribers get."""

from __future__ import annotations

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Message, MessageEntity

from bot.core.broadcasts.model import ContentKind, MessageContent

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def entities_of(content: MessageContent) -> list[MessageEntity] | None:
    found = [MessageEntity.de_json(dict(entity), None) for entity in content.entities]
    return [entity for entity in found if entity is not None] or None


def content_of(message: Message) -> MessageContent | None:
    """The message as broadcast content: text, a photo or a document (None otherwise).
    The message's own entities are kept; nothing is re-parsed."""
    if message.photo:
        return _media(ContentKind.PHOTO, message.photo[-1].file_id, message)
    if message.document:
        return _media(ContentKind.DOCUMENT, message.document.file_id, message)
    if message.text:
        entities = tuple(e.to_dict() for e in message.entities or ())
        return MessageContent(ContentKind.TEXT, message.text, entities)
    return None


def _media(kind: ContentKind, file_id: str, message: Message) -> MessageContent:
    entities = tuple(e.to_dict() for e in message.caption_entities or ())
    return MessageContent(kind, message.caption or "", entities, file_id)


async def send_content(
    bot: Bot,
    chat_id: int | str,
    content: MessageContent,
    reply_markup: InlineKeyboardMarkup | None = None,
    paid: bool = False,
) -> Message:
    """Send `content` with its own entities (never a parse_mode). `paid` sends with
    allow_paid_broadcast (Telegram's paid limit, charged in Stars); otherwise the parameter
    is left out of the request altogether."""
    entities = entities_of(content)
    extra = {"allow_paid_broadcast": True} if paid else {}
    if content.kind is ContentKind.TEXT:
        return await bot.send_message(
            chat_id,
            content.text,
            entities=entities,
            link_preview_options=NO_PREVIEW,
            reply_markup=reply_markup,
            **extra,
        )
    send = bot.send_photo if content.kind is ContentKind.PHOTO else bot.send_document
    return await send(
        chat_id,
        content.file_id,
        caption=content.text or None,
        caption_entities=entities if content.text else None,
        reply_markup=reply_markup,
        **extra,
    )
