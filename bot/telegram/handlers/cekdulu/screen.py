"""The one-screen answer: verdict, top reasons, what to do next, buttons."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.cekdulu.checker import Result, Verdict
from bot.core.cekdulu.reasons import Kind, Reason
from bot.core.content import Content
from bot.core.reports.draft import Category
from bot.core.tghtml import rendered_length
from bot.i18n import Translator
from bot.telegram import keyboards
from bot.telegram.handlers.cekdulu.base import (
    MAX_ANSWER,
    MAX_FOUND,
    PREFIX,
    SEVERITY_ICONS,
    SISKOP2MI,
    TOP_REASONS,
    VERDICT_HEADINGS,
    Album,
    Source,
    quoted,
)
from bot.telegram.handlers.cekdulu.reasons import reason_title


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
    _: Translator,
    result: Result,
    content: Content,
    source: Source = Source.TEXT,
    album: Album | None = None,
    lead: str = "",
) -> str:
    """One screen: the verdict, the top reasons one line each, what to do next. Always
    one message: sized in UTF-16 units as Telegram counts them, with quotes shortened
    until it fits (issue 13, item 11). `lead` (the emergency note) comes first."""
    origin = "\n\n".join(part for part in (lead, _origin_note(_, source, album)) if part)
    for limit in (MAX_FOUND, 40, 20, 0):
        text = _screen(_, result, content, origin, limit)
        if rendered_length(text) <= MAX_ANSWER:
            return text
    return _screen(_, result, content, origin, 0, reasons=False)


def _origin_note(_: Translator, source: Source, album: Album | None) -> str:
    """Where the checked words came from, when not typed: one picture, an album, or only
    the caption of a picture that could not be read."""
    if source is Source.CAPTION_ONLY:
        return _caption_only_note(_)
    if source is not Source.PICTURE:
        return ""
    if album is None or album.read < 2:
        note = _("🖼 I read this text from the picture; reading can make mistakes.")
    else:
        note = _.plural(
            "🖼 I read this text from the {n} pictures you sent together; reading can make "
            "mistakes.",
            "🖼 I read this text from the {n} pictures you sent together; reading can make "
            "mistakes.",
            album.read,
        )
    if album is not None and album.unread:
        note += " " + _.plural(
            "I did not read the last {n} picture: send it on its own to check it too.",
            "I did not read the last {n} pictures: send them on their own to check them too.",
            album.unread,
        )
    return note


def _screen(
    _: Translator,
    result: Result,
    content: Content,
    origin: str,
    found_limit: int,
    reasons: bool = True,
) -> str:
    blocks = [f"{_(VERDICT_HEADINGS[result.verdict])}\n{_summary(_, result)}"]
    if origin:
        blocks.append(origin)
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
    line = f"{SEVERITY_ICONS[reason.severity]} <b>{reason_title(_, reason)}</b>"
    found = _found_words(reason)
    if found and found_limit:
        line += f": “{quoted(found, found_limit)}”"
    return line


def _found_words(reason: Reason) -> str:
    if reason.kind is Kind.AGENCY:
        return reason.data["match"].query
    return reason.found


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
