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
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
import warnings
from enum import StrEnum

from babel.dates import format_date
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.core.cekdulu import ocr
from bot.core.cekdulu.agencies import AgencyMatch, Standing
from bot.core.cekdulu.checker import Result, Verdict
from bot.core.cekdulu.reasons import Kind, Reason, Severity
from bot.core.content import Content
from bot.core.reports.draft import Category
from bot.core.reports.identifiers import Identifier
from bot.core.tghtml import rendered_length
from bot.i18n import N_, Translator
from bot.services import Services
from bot.storage.checks import Surge
from bot.storage.reports import OutboxJob
from bot.telegram import keyboards, metrics, outbox
from bot.telegram.commands import names
from bot.telegram.common import services, translator
from bot.telegram.flood import album_repeat
from bot.telegram.handlers.desk import desk_translator
from bot.telegram.outbox import Delivery

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
log = logging.getLogger(__name__)
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


# -- entry points ----------------------------------------------------------------------------
async def cek_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """/cek <text> checks at once; /cek alone asks for the text."""
    text = _without_command(update.effective_message.text or "")
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


def _without_command(text: str) -> str:
    """ "/cek <text>" → "<text>", line breaks kept ("/cek" may be followed by a new line)."""
    if text.startswith("/"):
        parts = text.split(None, 1)
        return parts[1].strip() if len(parts) == 2 else ""
    return text.strip()


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


# -- the answer ------------------------------------------------------------------------------
class Source(StrEnum):
    TEXT = "text"
    PICTURE = "picture"  # the text was read from a picture (with its caption, if any)
    CAPTION_ONLY = "caption"  # a picture whose text could not be read: its caption only


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
    result = svc.checker.check(text, register=svc.agency_register.current())
    _record_verdict(context, svc, result)
    if source is Source.TEXT and _has_media(message):
        source = Source.CAPTION_ONLY
    screen = answer_text(_, result, svc.content, source)
    await message.reply_text(
        screen, parse_mode=ParseMode.HTML, reply_markup=answer_markup(_), do_quote=True
    )
    await _count(context, result, update.effective_user.id if update.effective_user else None)


def _record_verdict(context: ContextTypes.DEFAULT_TYPE, svc: Services, result: Result) -> None:
    """Counts only, for /stats and the metrics: never who checked or what."""
    svc.desk_data.record_verdict(result.verdict.value)
    metrics.count(context.application, "check_verdicts", result.verdict.value)


def _has_media(message: Message) -> bool:
    return bool(message.effective_attachment) and not message.text


def answer_markup(_: Translator) -> InlineKeyboardMarkup:
    report = keyboards.data(keyboards.REPORT, "msg", Category.FAKE_JOB.value)
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(_("📣 Report this"), callback_data=report)],
            [
                InlineKeyboardButton(_("📋 All reasons"), callback_data=_data("all")),
                InlineKeyboardButton(_("🔎 Check another"), callback_data=_data("start")),
            ],
        ]
    )


def _data(*values: str) -> str:
    return keyboards.data(PREFIX, *values)


def answer_text(
    _: Translator, result: Result, content: Content, source: Source = Source.TEXT
) -> str:
    """One screen: the verdict, the top reasons one line each, what to do next. Always
    one message: sized in UTF-16 units as Telegram counts them, with quotes shortened
    until it fits (issue 13, item 11)."""
    for limit in (MAX_FOUND, 40, 20, 0):
        text = _screen(_, result, content, source, limit)
        if rendered_length(text) <= MAX_ANSWER:
            return text
    return _screen(_, result, content, source, 0, reasons=False)


def _screen(
    _: Translator,
    result: Result,
    content: Content,
    source: Source,
    found_limit: int,
    reasons: bool = True,
) -> str:
    blocks = [f"{_(VERDICT_HEADINGS[result.verdict])}\n{_summary(_, result)}"]
    if source is Source.PICTURE:
        blocks.append(_("🖼 I read this text from the picture; reading can make mistakes."))
    elif source is Source.CAPTION_ONLY:
        blocks.append(_caption_only_note(_))
    shown = list(result.reasons) if result.verdict is not Verdict.ADVICE else []
    if reasons and shown:
        lines = [_reason_line(_, r, found_limit) for r in shown[:TOP_REASONS]]
        if len(shown) > TOP_REASONS:
            lines.append(
                _.plural(
                    "…and {n} more: press 📋.", "…and {n} more: press 📋.", len(shown) - TOP_REASONS
                )
            )
        blocks.append("\n".join(lines))
    blocks.append(_next_steps(_, result.verdict, content))
    return "\n\n".join(blocks)


def _reason_line(_: Translator, reason: Reason, found_limit: int) -> str:
    line = f"{SEVERITY_ICONS[reason.severity]} <b>{_title(_, reason)}</b>"
    found = _found_words(reason)
    if found and found_limit:
        line += f": “{quoted(found, found_limit)}”"
    return line


def _found_words(reason: Reason) -> str:
    if reason.kind is Kind.AGENCY:
        return reason.data["match"].query
    return reason.found


def quoted(text: str, limit: int = MAX_QUOTED) -> str:
    """Words from the user's text (an agency name, an identifier) as shown in HTML: escaped,
    and shortened, so a huge input cannot make a block too long for a message."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text)


def _summary(_: Translator, result: Result) -> str:
    if result.verdict is Verdict.DANGER:
        return _(
            "This offer shows signs of illegal recruitment or trafficking. Do not pay anything "
            "and do not hand over your passport or documents."
        )
    if result.verdict is Verdict.CHECK:
        return _("Some things need checking before you pay anything or leave.")
    if result.verdict is Verdict.ADVICE:
        return _(
            "This reads like a warning or advice (or news about a case), not an offer. If "
            "someone sent you an offer, send me the offer itself and I will check it."
        )
    return _(
        "I found no danger signs in what you sent. That does not mean it is safe: I can only "
        "read what is written."
    )


def _caption_only_note(_: Translator) -> str:
    return _(
        "⚪ I could not read the text inside the picture, so I checked only the words sent "
        "with it. If the offer is in the picture, type its main points and send them."
    )


# -- 📋 all reasons with sources --------------------------------------------------------------
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
    result = svc.checker.check(text, register=svc.agency_register.current())
    for part in detail_parts(_, result):
        await query.message.reply_text(part, parse_mode=ParseMode.HTML, do_quote=False)


def _source_text(context: ContextTypes.DEFAULT_TYPE, message: Message) -> str:
    words = _without_command(message.text or message.caption or "")
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
    blocks += [_reason_text(_, r) for r in result.reasons]
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


def _reason_text(_: Translator, reason: Reason) -> str:
    head = f"{SEVERITY_ICONS[reason.severity]} <b>{_title(_, reason)}</b>"
    body = _body(_, reason)
    return f"{head}\n{body}" if body else head


def _title(_: Translator, reason: Reason) -> str:
    if reason.kind is Kind.AGENCY:
        return _(AGENCY_TITLES[reason.data["match"].standing])
    if reason.kind is Kind.REPORTED:
        return _("Reported to the desk before")
    return html.escape(reason.title.get(_.lang) or reason.id)


def _body(_: Translator, reason: Reason) -> str:
    if reason.kind is Kind.AGENCY:
        return agency_text(_, reason)
    if reason.kind is Kind.REPORTED:
        return reported_text(_, reason.data["items"])
    lines = [html.escape(reason.explanation.get(_.lang, ""))]
    if reason.data.get("wage"):
        lines.append(_wage_line(_, reason.data["wage"]))
    if reason.found:
        lines.append(
            _("<i>Found in the text: “{words}”</i>", words=quoted(reason.found, MAX_FOUND))
        )
    if reason.source:
        lines.append(_source_line(_, reason))
    return "\n".join(lines)


def _wage_line(_: Translator, wage) -> str:
    link = f'<a href="{html.escape(wage.source.url)}">{html.escape(wage.source.name)}</a>'
    return _(
        "Compared with: {label}, {amount} a month (as of {as_of}; source: {source}).",
        label=html.escape(wage.label.get(_.lang, "")),
        amount=html.escape(wage.display()),
        as_of=_date(_, wage.as_of),
        source=link,
    )


def _source_line(_: Translator, reason: Reason) -> str:
    assert reason.source is not None
    link = f'<a href="{html.escape(reason.source.url)}">{html.escape(reason.source.name)}</a>'
    return _("Source: {source}", source=link)


def _next_steps(_: Translator, verdict: Verdict, content: Content) -> str:
    contacts = _kp2mi(content)
    if verdict is Verdict.DANGER:
        steps = _(
            "<b>What to do now</b>\n"
            "• Do not pay, do not send documents, and do not leave with this recruiter.\n"
            "• Report it: press 📣 below. Your identity stays hidden from the desk.\n"
            "• Ask KP2MI for help: {contacts}.\n"
            "• If someone is about to be taken abroad right now, call the police on <b>110</b>.",
            contacts=contacts,
        )
    elif verdict is Verdict.CHECK:
        steps = _(
            "<b>What to do now</b>\n"
            "• Do not pay anything until you have checked.\n"
            "• Ask your Disnaker, the LTSA or a BP3MI office whether the agency and this job "
            "order are registered, or look them up on {siskop2mi}.\n"
            "• Ask KP2MI: {contacts}.",
            siskop2mi=SISKOP2MI,
            contacts=contacts,
        )
    elif verdict is Verdict.ADVICE:
        steps = _(
            "<b>Good to know</b>\n"
            "Official warnings come from KP2MI, BP3MI, the Disnaker, embassies and the police. "
            "If you are unsure whether a warning is real, ask KP2MI: {contacts}.",
            contacts=contacts,
        )
    else:
        steps = _(
            "<b>Before you decide</b>\n"
            "A legal job abroad comes through a licensed agency (P3MI), a government scheme "
            "or a company placing its own staff, with a work visa and a written employment "
            "contract you sign before you leave, and you keep your own passport. Check the "
            "agency and the vacancy on "
            "{siskop2mi} or at your Disnaker or LTSA. Questions: KP2MI {contacts}.",
            siskop2mi=SISKOP2MI,
            contacts=contacts,
        )
    return steps


def _kp2mi(content: Content) -> str:
    """The KP2MI call centre and WhatsApp, from content/contacts.yaml (the one place
    official numbers are kept); /darurat when they are not there."""
    found = {c.id: c.value for c in content.contacts}
    values = [found[i] for i in ("kp2mi-call-centre", "kp2mi-whatsapp") if i in found]
    return " / ".join(f"<code>{html.escape(v)}</code>" for v in values) or "/darurat"


# -- agency and tip-off reasons --------------------------------------------------------------
AGENCY_TITLES = {
    Standing.LICENSED: N_("In the register of licensed agencies"),
    Standing.EXPIRED: N_("Licence ended"),
    Standing.SIMILAR: N_("Not in the register, but a similar name is"),
    Standing.NOT_FOUND: N_("Not in the register of licensed agencies"),
    Standing.NO_REGISTER: N_("Agency not checked"),
}


def agency_text(_: Translator, reason: Reason) -> str:
    match: AgencyMatch = reason.data["match"]
    text = AGENCY_TEXTS[match.standing](_, match)
    if reason.data.get("training_institute"):
        text += "\n" + _(
            "An LPK is a training institute, not a placement agency. For internships in Japan "
            "the official routes are IM Japan through Kemnaker, or a sending organisation "
            "(LPK-SO) listed by Kemnaker at so.kemnaker.go.id."
        )
    return text


def _register_facts(_: Translator, match: AgencyMatch) -> dict[str, str]:
    batch = match.batch
    agency = match.agency
    return {
        "query": quoted(match.query),
        "name": html.escape(agency.name) if agency else "",
        "licence": html.escape(agency.licence_number or "–") if agency else "",
        "until": _date(_, agency.valid_until) if agency and agency.valid_until else "–",
        "as_of": _date(_, batch.as_of) if batch else "",
        "source": html.escape(batch.source) if batch else "",
    }


def _licensed(_: Translator, match: AgencyMatch) -> str:
    return _(
        "<b>{name}</b> is in the register of licensed placement agencies (P3MI): licence "
        "{licence}, valid until {until} (register: {source}, as of {as_of}).\n"
        "A licence does not prove that this job offer is real. Check the vacancy itself on "
        "{siskop2mi} or at your Disnaker or LTSA, ask for its recruitment permit (SIP), and "
        "make sure the person you deal with really works for this agency.",
        siskop2mi=SISKOP2MI,
        **_register_facts(_, match),
    )


def _expired(_: Translator, match: AgencyMatch) -> str:
    return _(
        "<b>{name}</b> is in the register, but its licence was valid only until {until} "
        "(register: {source}, as of {as_of}). An agency may not recruit without a valid "
        "licence: ask your Disnaker, the LTSA or a BP3MI office whether it was renewed.",
        **_register_facts(_, match),
    )


def _similar(_: Translator, match: AgencyMatch) -> str:
    return _(
        "<b>{query}</b> is not in the register of licensed placement agencies as of {as_of}, "
        "but a similar name is: <b>{name}</b> (licence {licence}). Some recruiters use names "
        "that look like licensed agencies. Check the exact name, the address and the vacancy "
        "on {siskop2mi} before you trust it.",
        siskop2mi=SISKOP2MI,
        **_register_facts(_, match),
    )


def _not_found(_: Translator, match: AgencyMatch) -> str:
    return _(
        "<b>{query}</b> is not in the register of licensed placement agencies as of {as_of} "
        "({source}). That alone does not make it illegal: the name may be written "
        "differently, or the register may be out of date. Before you pay or hand over "
        "documents, check it on {siskop2mi} or ask your Disnaker or LTSA.",
        siskop2mi=SISKOP2MI,
        **_register_facts(_, match),
    )


def _no_register(_: Translator, match: AgencyMatch) -> str:
    return _(
        "The register of licensed agencies is not loaded in this bot yet, so I could not "
        "check <b>{query}</b>. Check it on {siskop2mi} or ask your Disnaker or LTSA.",
        siskop2mi=SISKOP2MI,
        query=quoted(match.query),
    )


AGENCY_TEXTS = {
    Standing.LICENSED: _licensed,
    Standing.EXPIRED: _expired,
    Standing.SIMILAR: _similar,
    Standing.NOT_FOUND: _not_found,
    Standing.NO_REGISTER: _no_register,
}


def reported_text(_: Translator, items: list[dict]) -> str:
    lines = [
        _.plural(
            "• {what} <code>{value}</code>: in {n} tip-off",
            "• {what} <code>{value}</code>: in {n} tip-offs",
            item["reports"],
            what=_(IDENTIFIER_KINDS.get(item["kind"], item["kind"])),
            value=quoted(item["display"]),
        )
        for item in items
    ]
    lines.append(
        _(
            "Tip-offs are not verified, but several people reporting the same number, account "
            "or agency is a warning sign."
        )
    )
    return "\n".join(lines)


def _date(_: Translator, value: dt.date) -> str:
    return format_date(value, "d MMMM y", locale=_.lang)


# -- counting checks and the early warning ---------------------------------------------------
async def _count(context: ContextTypes.DEFAULT_TYPE, result: Result, user_id: int | None) -> None:
    """Count the identifiers (once per person per window, as pseudonymous tags) and queue
    an early warning to the desk for any checked by many people."""
    svc = services(context)
    fresh = _not_counted_recently(context, result.identifiers, user_id)
    if not fresh:
        return
    surges = svc.check_counts.record(fresh)
    threshold = svc.settings.check_alert_threshold
    due = [s for s in surges if s.checks >= threshold]
    if due and svc.settings.desk_chat_id is not None:
        reported = _reported_counts(result)
        if _queue_alerts(svc, due, reported):
            outbox.wake(context)


def _not_counted_recently(
    context: ContextTypes.DEFAULT_TYPE, identifiers: list[Identifier], user_id: int | None
) -> list[Identifier]:
    """Kept as pseudonymous tags in the database (not in user_data, which /hapusdata clears)."""
    if user_id is None:
        return list(identifiers)
    return services(context).check_counts.first_time(user_id, identifiers)


def _reported_counts(result: Result) -> dict[str, int]:
    found = next((r for r in result.reasons if r.kind is Kind.REPORTED), None)
    items = found.data["items"] if found else []
    return {item["display"]: item["reports"] for item in items}


def _queue_alerts(svc: Services, surges: list[Surge], reported: dict[str, int]) -> int:
    """Claim each warning and queue its delivery in one transaction: once per window."""
    queued = 0
    window = svc.settings.check_alert_window_minutes
    for surge in surges:
        with svc.db.transaction():
            if not svc.check_counts.claim_alert(surge):
                continue
            payload = {
                "kind": surge.kind,
                "display": surge.display,
                "checks": surge.checks,
                "minutes": window,
                "reports": reported.get(surge.display, 0),
            }
            svc.report_outbox.enqueue(ALERT_JOB, None, payload)
            queued += 1
    return queued


def alert_text(_: Translator, payload: dict) -> str:
    text = _(
        "⚠️ <b>Early warning from Cek Dulu</b>\n"
        "{what}: <code>{value}</code>\n"
        "Checked {checks} times in the last {minutes} minutes.",
        what=_(IDENTIFIER_KINDS.get(payload["kind"], payload["kind"])),
        checks=payload["checks"],
        minutes=payload["minutes"],
        value=quoted(payload["display"]),
    )
    if payload.get("reports"):
        text += "\n" + _.plural(
            "It appears in {n} tip-off.", "It appears in {n} tip-offs.", payload["reports"]
        )
    return text + "\n" + _("Only counts are kept: who checked it is not stored.")


async def deliver_alert(d: Delivery, job: OutboxJob) -> None:
    _ = desk_translator(d.services)
    await d.bot.send_message(d.desk(), alert_text(_, job.payload), parse_mode=ParseMode.HTML)


# -- wiring ----------------------------------------------------------------------------------
def build_conversation() -> ConversationHandler:
    private = filters.ChatType.PRIVATE
    words = (filters.TEXT | filters.CAPTION) & ~filters.COMMAND
    pictures = filters.PHOTO | filters.Document.IMAGE
    no_words = (
        ~filters.TEXT & ~filters.CAPTION & ~pictures & ~filters.COMMAND & ~filters.StatusUpdate.ALL
    )
    pressed = CallbackQueryHandler(cek_pressed, pattern=rf"^{PREFIX}:start$")
    command = CommandHandler(names("check"), cek_command, filters=private)
    with warnings.catch_warnings():
        # per_message=False on purpose: the waiting state belongs to the person, not a message
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[command, pressed],
            states={
                WAITING: [
                    MessageHandler(private & (words | pictures), waiting_input),
                    MessageHandler(private & no_words, unreadable),
                ]
            },
            fallbacks=[CommandHandler(names("cancel"), cancel), command, pressed],
            conversation_timeout=WAIT_SECONDS,
            name="cekdulu",
            persistent=True,
        )


def register(application: Application) -> None:
    """After the tip-off form (which keeps photos sent as evidence) and before the FAQ (which
    would read a forwarded ad as a question) and the media catch-all."""
    services(application).checker  # noqa: B018 - a broken rules file stops the start-up
    private = filters.ChatType.PRIVATE & ~filters.COMMAND & ~filters.StatusUpdate.ALL
    forwarded = private & filters.FORWARDED
    application.add_handler(build_conversation())
    words = filters.TEXT | filters.CAPTION
    pictures = filters.PHOTO | filters.Document.IMAGE
    application.add_handler(CallbackQueryHandler(all_reasons, pattern=rf"^{PREFIX}:all$"))
    application.add_handler(MessageHandler(private & pictures, check_picture))
    application.add_handler(MessageHandler(forwarded & words, check_message))
    application.add_handler(MessageHandler(private & filters.CAPTION, check_message))
    application.add_handler(MessageHandler(forwarded & ~filters.TEXT, unreadable))
    outbox.worker(application).register(ALERT_JOB, deliver_alert)
