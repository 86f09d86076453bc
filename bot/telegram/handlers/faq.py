"""Free-text questions: answer, "did you mean", or an honest fallback; and 👍/👎 feedback."""

from __future__ import annotations

import html
import logging
import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.core.cekdulu.checker import Verdict
from bot.core.content import Content, FaqEntry
from bot.core.faq.followup import WINDOW_SECONDS
from bot.core.faq.match import Decision, Kind
from bot.core.faq.smalltalk import HUMAN
from bot.core.plain import fill_desk_name
from bot.core.reports.identifiers import Kind as IdentifierKind
from bot.i18n import Translator
from bot.services import Services
from bot.telegram import keyboards, metrics
from bot.telegram.common import services, translator
from bot.telegram.handlers import cekdulu
from bot.telegram.handlers.contacts import urgent_note

log = logging.getLogger(__name__)

LAST_QUESTION = "last_question"
LAST_TOPIC = "last_topic"  # {"question", "entry", "at"}: what a follow-up is read with
QUOTE_LIMIT = 200
PASTED_OFFER_LENGTH = 200
SHORT_AD_LENGTH = 60  # a short ad is checked when it has danger signs and a way to reach someone


def answer_text(entry: FaqEntry, lang: str, desk_name: str = "") -> str:
    """The first screen: the title and the short answer."""
    body = fill_desk_name(entry.answer[lang], html.escape(desk_name))
    return f"<b>{html.escape(entry.title[lang])}</b>\n\n{body}"


def details_text(entry: FaqEntry, _: Translator, desk_name: str = "") -> str:
    """What "More" shows: the details (if the entry has them) and every source as a link."""
    parts = [f"<b>{html.escape(entry.title[_.lang])}</b>"]
    if entry.more.get(_.lang):
        parts.append(fill_desk_name(entry.more[_.lang], html.escape(desk_name)))
    links = [
        f'• <a href="{html.escape(s.url, quote=True)}">{html.escape(s.name)}</a>'
        for s in entry.sources
    ]
    parts.append("<b>" + _("Sources") + "</b>\n" + "\n".join(links))
    return "\n\n".join(parts)


def desk_name(_: Translator, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The desk named in answers: the DESK_NAME setting, or a neutral description."""
    return services(context).settings.desk_name or neutral_desk_name(_)


def neutral_desk_name(_: Translator) -> str:
    """True on every deployment, whoever runs the desk group."""
    return _("the team that receives reports sent through this bot")


async def send_answer(
    message: Message,
    entry: FaqEntry,
    _: Translator,
    content: Content,
    desk: str = "",
    see_also: str | None = None,
    urgent: bool = False,
    note_first: bool = True,
) -> None:
    text = answer_text(entry, _.lang, desk or neutral_desk_name(_))
    note = urgent_note(_, content, shown=text) if urgent else ""
    await message.reply_text(
        with_note(text, note, note_first),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboards.answer(_, entry, content, see_also, urgent=urgent),
    )


async def more_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "📖 More" button under an answer: send its details and sources as a new message."""
    query = update.callback_query
    _ = translator(update, context)
    _prefix, values = keyboards.parse(query.data)
    entry = services(context).content.entries.get(values[0]) if values else None
    if entry is None:
        await query.answer(_("This button is out of date."))
        return
    await query.answer()
    await query.message.reply_text(
        details_text(entry, _, desk_name(_, context)),
        parse_mode=ParseMode.HTML,
    )


def with_note(text: str, note: str, first: bool) -> str:
    """The reply with the emergency note: first when the word list found harm, last when only
    the learned reading did (it is less sure; the note still shows in the same message)."""
    if not note:
        return text
    return f"{note}\n\n{text}" if first else f"{text}\n\n{note}"


def fallback_text(_: Translator, content: Content, question: str | None) -> str:
    if question:
        cut = question[:QUOTE_LIMIT] + ("…" if len(question) > QUOTE_LIMIT else "")
        head = _("I don't have a reliable answer to: <i>{question}</i>", question=html.escape(cut))
    else:
        head = _("I don't have a reliable answer to that.")
    people = [_("I would rather not guess. You can browse the topics, or ask a person:")]
    people += [
        f"• {html.escape(c.name[_.lang])}: <b>{html.escape(c.value)}</b>"
        for c in content.contacts
        if c.fallback
    ]
    report = _(
        "To report an illegal recruiter or a departure that is about to happen, tap 📣 below "
        "or send /report. If someone is in danger right now, call the police (110)."
    )
    return "\n\n".join([head, "\n".join(people), report])


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    svc = services(context)
    chosen = translator(update, context)
    _ = reply_translator(message.text, chosen, svc)
    asked = with_previous_topic(message.text, context, svc)
    decision = svc.matcher.decide(asked)
    if asked != message.text and decision.kind is not Kind.ANSWER:
        asked, decision = message.text, svc.matcher.decide(message.text)  # read it alone
    if await looks_like_a_pasted_offer(message.text, svc, answered=decision.kind is Kind.ANSWER):
        await cekdulu.answer(update, context, message.text, urgent=decision.listed)
        return
    if context.user_data is not None:
        context.user_data[LAST_QUESTION] = message.text[:1000]
    remember_topic(context, asked, decision)
    metrics.count(context.application, "matcher_decisions", decision.kind.value)
    if decision.kind in (Kind.SUGGEST, Kind.FALLBACK):
        best = decision.candidates[0] if decision.candidates else None
        await svc.db.run(
            svc.unanswered.record,
            message.text,
            _.lang,
            decision.kind.value,
            best.entry_id if best else None,
            best.score if best else 0.0,
        )
    await reply_to_decision(message, decision, _, context)
    if _.lang != chosen.lang and decision.kind is not Kind.BLANK:
        await offer_language_switch(message, _, svc.content)


def reply_translator(text: str, chosen: Translator, svc: Services) -> Translator:
    """The chosen language, unless the question is clearly written in another one."""
    written = svc.matcher.language.written_in(text)
    if written is None or written == chosen.lang:
        return chosen
    return svc.i18n.translator(written)


async def offer_language_switch(message: Message, _: Translator, content: Content) -> None:
    """One tap to make the language of this answer the chat's language."""
    name = next((lang.name for lang in content.languages if lang.code == _.lang), _.lang)
    await message.reply_text(
        _("I answered in the language of your question. Use it from now on?"),
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(f"🌐 {name}", callback_data=f"{keyboards.LANGUAGE}:{_.lang}")]]
        ),
    )


def with_previous_topic(text: str, context: ContextTypes.DEFAULT_TYPE, svc: Services) -> str:
    """A follow-up ("kalau ke jepang?") right after an answer, read with that question."""
    last = (context.user_data or {}).get(LAST_TOPIC)
    if not last or time.time() - last["at"] > WINDOW_SECONDS:
        return text
    plain = svc.matcher.smalltalk.without_laughter(text)  # "wkwk kalau pabrik?" follows up too
    return svc.matcher.followups.rewrite(last["question"], plain) or text


def remember_topic(context: ContextTypes.DEFAULT_TYPE, asked: str, decision: Decision) -> None:
    if context.user_data is None:
        return
    if decision.kind is Kind.ANSWER:
        context.user_data[LAST_TOPIC] = {
            "question": asked[:1000],
            "entry": decision.entry_id,
            "at": time.time(),
        }
    elif decision.kind is not Kind.SMALLTALK:
        context.user_data.pop(LAST_TOPIC, None)


async def looks_like_a_pasted_offer(text: str, svc: Services, answered: bool = False) -> bool:
    """A pasted text that reads like a job ad or a recruiter's message: people expect it
    checked, not matched. When the FAQ cannot answer it, long texts need a danger sign or a
    contact; short ones (from SHORT_AD_LENGTH) need both a danger sign and a phone, link or
    account, so a question that merely names an agency still goes to the FAQ. When the FAQ
    can answer it (an ad reads much like a question about ads), it is checked only when it
    shows a sign and a phone, link or account: a question rarely carries the recruiter's
    number."""
    if len(text) < SHORT_AD_LENGTH:
        return False
    result = await svc.db.run(svc.checker.check, text)  # reads the tip-off counts
    reachable = any(i.kind is not IdentifierKind.AGENCY for i in result.identifiers)
    if answered:
        return result.verdict is not Verdict.NONE and reachable
    if len(text) >= PASTED_OFFER_LENGTH:
        return result.verdict is not Verdict.NONE or bool(result.identifiers)
    return result.verdict is Verdict.DANGER and reachable


async def reply_to_decision(
    message: Message, decision: Decision, _: Translator, context: ContextTypes.DEFAULT_TYPE
) -> None:
    content = services(context).content
    if decision.kind is Kind.BLANK:
        await message.reply_text(
            _(
                "I can only read text questions. Please type your question in words, "
                "or open /menu to browse topics."
            )
        )
    elif decision.kind is Kind.SMALLTALK and decision.intent:
        # Someone asking for a person may have something to report, or be in trouble
        # ("admin tolong chat sy pribadi"): the reply gives the hotlines, the button the form.
        markup = (
            InlineKeyboardMarkup([[keyboards.report_button(_)]])
            if decision.intent == HUMAN
            else None
        )
        reply = services(context).matcher.smalltalk.reply(decision.intent, _.lang)
        # Only `human` comes marked urgent (the reading heard harm beside the request): any
        # emergency contact its reply does not already give comes after it.
        note = urgent_note(_, content, shown=reply) if decision.urgent else ""
        await message.reply_text(
            with_note(html.escape(reply), note, first=False),
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
    elif decision.kind is Kind.ANSWER:
        entry = content.entries[decision.candidates[0].entry_id]
        await send_answer(
            message,
            entry,
            _,
            content,
            desk_name(_, context),
            see_also=decision.see_also,
            urgent=decision.urgent,
            note_first=decision.listed,
        )
    elif decision.kind is Kind.SUGGEST:
        entries = [content.entries[c.entry_id] for c in decision.candidates]
        ask = html.escape(_("I'm not sure I understood. Did you mean one of these?"))
        note = urgent_note(_, content) if decision.urgent else ""
        await message.reply_text(
            with_note(ask, note, decision.listed),
            parse_mode=ParseMode.HTML,
            reply_markup=keyboards.suggestions(_, entries, urgent=decision.urgent),
        )
    else:
        # Someone who writes that they are held or beaten gets where to find help, not "I
        # don't have a reliable answer". When only the learned reading found harm, the
        # fallback stays: it lists the same contacts and the police line itself.
        note = urgent_note(_, content) if decision.listed else ""
        await message.reply_text(
            note or fallback_text(_, content, message.text),
            parse_mode=ParseMode.HTML,
            reply_markup=keyboards.fallback(_),
        )


async def none_of_these(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    _ = translator(update, context)
    await query.answer()
    await query.message.reply_text(
        fallback_text(_, services(context).content, None),
        parse_mode=ParseMode.HTML,
        reply_markup=keyboards.fallback(_),
    )


async def feedback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    _ = translator(update, context)
    svc = services(context)
    _prefix, values = keyboards.parse(query.data)
    if len(values) != 2 or values[0] not in "+-" or values[1] not in svc.content.entries:
        await query.answer(_("This button is out of date."))
        return
    last = (context.user_data or {}).get(LAST_QUESTION)
    vote = values[0] == "+"
    await svc.db.run(svc.feedback.record, query.from_user.id, values[1], vote, last)
    await query.answer(_("Thank you for your feedback!"))


def register(application: Application) -> None:
    application.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, question)
    )
    application.add_handler(CallbackQueryHandler(feedback, pattern=rf"^{keyboards.FEEDBACK}:"))
    application.add_handler(CallbackQueryHandler(more_pressed, pattern=rf"^{keyboards.MORE}:"))
    application.add_handler(
        CallbackQueryHandler(none_of_these, pattern=rf"^{keyboards.NONE_OF_THESE}$")
    )
