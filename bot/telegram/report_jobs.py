"""How each kind of report outbox job is delivered.

A job may take several sends (a card, then its evidence). Progress is kept in the
database after each send (the card's message id, each evidence copy's message id, a
relay's "sent" flag), so a job interrupted half-way resumes at the next send rather than
starting over. Errors the job expects (a reporter who blocked the bot, evidence the
reporter deleted) are handled here; anything else goes back to the worker to retry.
"""

from __future__ import annotations

from typing import Any

from telegram import MessageId, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import Application

from bot.core.desks.routing import DeskMap
from bot.core.reports.case_status import Status, outcome_of, people_of, status_of
from bot.core.reports.draft import COPY_ONLY_KINDS, NOTE
from bot.i18n import Translator
from bot.storage.reports import RECEIVED, OutboxJob, Report, StoredEvidence
from bot.storage.reports.cases import queue_refreshes
from bot.telegram.desk_chat import chat_of, current_desk
from bot.telegram.handlers import desk, relay, status
from bot.telegram.handlers.report_form import summary
from bot.telegram.outbox import Delivery, worker

SOURCE_GONE = ("message to copy not found", "message_id_invalid")
SOURCE_USER_GONE = ("blocked by the user", "user is deactivated")
NOT_MODIFIED = "message is not modified"
CARD_GONE = ("message to edit not found", "message_id_invalid")
REPORTER_GONE = ("chat not found", "user is deactivated", "bot can't initiate conversation")


def _reply_to(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    return ReplyParameters(message_id, allow_sending_without_reply=True)


def _says(exc: BadRequest, phrases: tuple[str, ...] | str) -> bool:
    text = str(exc).lower()
    return any(p in text for p in ((phrases,) if isinstance(phrases, str) else phrases))


async def _copy_under(
    d: Delivery, chat: int, card: int | None, source: int, message_id: int, caption: str | None
) -> MessageId | None:
    """Copy a message under a card (an HTML caption, if any); None when the source message
    was deleted in the meantime, since then there is nothing left to copy."""
    try:
        return await d.bot.copy_message(
            chat_id=chat,
            from_chat_id=source,
            message_id=message_id,
            caption=caption,
            parse_mode=ParseMode.HTML if caption else None,
            reply_parameters=_reply_to(card),
        )
    except BadRequest as exc:
        if not _says(exc, SOURCE_GONE):
            raise
        return None


# -- the card and its evidence ---------------------------------------------------------------
# Every query runs through `d.run` (off the event loop on PostgreSQL, see Database.run);
# the small synchronous functions beside the handlers group the queries of one step.
#
# Each desk's card is a job of its own, in its desk's lane (`lane_of`): the central card and
# the owning regional desk's card are sent side by side, and one desk that cannot be reached
# (removed bot, long 429, errors) holds back nothing of the other's. Each copies the evidence
# from the reporter's originals, else from the other desk's copy; the originals are forgotten
# only once every desk that needs them has its copies (`Reports.copies_missing`).
async def deliver_card(d: Delivery, job: OutboxJob) -> None:
    report = await d.run(d.services.reports.get, job.report_id)
    if report is None:
        return
    if job.payload.get("desk"):
        await _deliver_regional_card(d, report, job)
        return
    if report.card_message_id is None:
        report = await _send_card(d, report)
    chat = await d.desk(report.desk_chat_id)
    await _continue_card(d, report, job, chat, report.card_message_id)
    gone = await _copy_evidence(d, report)
    await d.run(_card_delivered, d, report, gone)


# -- the owning regional desk's card -----------------------------------------------------------
async def _deliver_regional_card(d: Delivery, report: Report, job: OutboxJob) -> None:
    """The card in the regional desk that owns the case, its continuation and its evidence,
    whether or not the central desk has its card yet."""
    desk = d.services.desks.by_key(job.payload["desk"])
    chat = None if desk is None or desk.central else await d.run(chat_of, d.services, desk)
    if desk is None or chat is None:
        # the desk was removed from the routing file: the central card has it all, and the
        # originals need not wait for this desk any more
        await d.run(_card_delivered, d, report, 0)
        return
    card = await d.run(d.services.reports.card_in, report.id, chat)
    if card is None:
        card = await _send_regional_card(d, report, desk.key, chat)
    await _continue_card(d, report, job, chat, card)
    gone = await _copy_regional_evidence(d, report, job, desk.key, chat, card)
    await d.run(_card_delivered, d, report, gone)


async def _send_regional_card(d: Delivery, report: Report, desk_key: str, chat: int) -> int:
    text, markup = await d.run(_card, d, report, False)  # a name only by a later edit
    message = await d.bot.send_message(chat, text, parse_mode=ParseMode.HTML, reply_markup=markup)
    record = d.services.reports.regional_card_sent
    await d.run(record, report.id, desk_key, chat, message.message_id)
    return message.message_id


async def _copy_regional_evidence(
    d: Delivery, report: Report, job: OutboxJob, desk_key: str, chat: int, card: int
) -> int:
    """Each file not copied to this desk yet, under its card, from the reporter's original
    or else the central desk's copy (each copy is recorded, so a restart copies only what
    is missing); returns how many turned out to be gone."""
    files, link = await d.run(_evidence_and_link, d, report.id)
    copies = await d.run(d.services.reports.regional_copies, report.id)
    earlier: list[int] = job.payload.get("copied", [])  # progress of a job from before
    gone = 0
    for item in files:
        if desk_key in copies.get(item.id, {}) or item.id in earlier:
            continue
        sources = _original(item, link)
        if item.desk_message_id is not None and report.desk_chat_id is not None:
            sources.append((report.desk_chat_id, item.desk_message_id, False))
        copied = await _copy_file(d, report, item, len(files), chat, card, sources)
        record = d.services.reports.regional_copied
        await d.run(record, item.id, report.id, desk_key, chat, copied)
        gone += copied is None
    return gone


def _original(item: StoredEvidence, link: Any) -> list[tuple[int, int, bool]]:
    """The reporter's original of a file as a copy source, if it is still known."""
    if link is None or item.source_message_id is None or item.copy_failed:
        return []
    return [(link.user_id, item.source_message_id, True)]


async def _copy_file(
    d: Delivery,
    report: Report,
    item: StoredEvidence,
    total: int,
    chat: int,
    card: int | None,
    sources: list[tuple[int, int, bool]],
) -> int | None:
    """Copy one file under a desk's card from the first source that still has it (the
    reporter's original first, then another desk's copy); None when every one is gone."""
    caption = None
    if item.kind not in COPY_ONLY_KINDS:
        caption = await d.run(desk.evidence_caption, d.services, report, item, total)
    for source, message_id, original in sources:
        source_chat = source if original else await d.desk(source)
        try:
            copied = await _copy_under(d, chat, card, source_chat, message_id, caption)
        except Forbidden as exc:
            # The reporter blocked the bot (or left Telegram): their chat cannot be copied
            # from any more. A desk problem reads "kicked from the group chat" and raises.
            if not (original and _says(exc, SOURCE_USER_GONE)):
                raise
            continue
        if copied is not None:
            return copied.message_id
    return None


async def _desk_place(d: Delivery, report: Report, key: str | None) -> tuple[int, int | None]:
    """(chat, its current card) of one of the case's desks: the central desk when `key` is
    None or no longer configured."""
    found = d.services.desks.by_key(key) if key else None
    if found is None or found.central:
        return await d.desk(report.desk_chat_id), report.card_message_id
    chat = await d.run(chat_of, d.services, found)
    if chat is None:
        return await d.desk(report.desk_chat_id), report.card_message_id
    return chat, await d.run(d.services.reports.card_in, report.id, chat)


def _card_delivered(d: Delivery, report: Report, files_gone: int) -> None:
    """One desk has its card and evidence. Files found gone show on every card of the case;
    once no desk needs the reporter's originals any more, they are forgotten, and with them
    a reporter who asked to be forgotten."""
    svc = d.services
    with svc.db.transaction():
        if files_gone:
            queue_refreshes(svc.report_outbox, svc.desks, report.id, report.desk_key)
        if not svc.reports.copies_missing(report.id):
            svc.reports.forget_originals(report.id)
            svc.reporters.delivered(report.id)


def _card(d: Delivery, report: Report, identity: bool) -> tuple[str, Any]:
    """The card's text and buttons (both read the report's evidence and identifiers)."""
    return desk.card_text(d.services, report, identity), desk.card_markup(d.services, report)


async def _send_card(d: Delivery, report: Report) -> Report:
    chat = await d.desk()
    text, markup = await d.run(_card, d, report, False)  # a name only by a later edit
    message = await d.bot.send_message(chat, text, parse_mode=ParseMode.HTML, reply_markup=markup)
    return await d.run(_card_sent, d, report, chat, message.message_id)


def _card_sent(d: Delivery, report: Report, chat: int, message_id: int) -> Report:
    d.services.reports.card_sent(report.id, chat, message_id)
    return d.services.reports.get(report.id) or report


def _progress(d: Delivery, job: OutboxJob, chat: int, message_id: int, kind: str) -> None:
    """One more part of a job sent: the desk message is known and the job remembers it."""
    with d.services.db.transaction():
        d.services.reporters.add_desk_message(chat, message_id, job.report_id, kind)
        d.services.report_outbox.save_payload(job.id, job.payload)


async def _continue_card(
    d: Delivery, report: Report, job: OutboxJob, chat: int, card: int | None
) -> None:
    """A report too long for its card: the whole text follows under it, part by part
    (progress kept in the job, so a restart sends only what is missing)."""
    parts = await d.run(_continuation, d, report)
    if not parts:
        return
    for number in range(job.payload.get("continued", 0), len(parts)):
        message = await d.bot.send_message(
            chat,
            parts[number],
            parse_mode=ParseMode.HTML,
            reply_parameters=_reply_to(card),
            disable_notification=True,
        )
        job.payload["continued"] = number + 1
        await d.run(_progress, d, job, chat, message.message_id, "full_text")


def _continuation(d: Delivery, report: Report) -> list[str]:
    if desk.card_is_complete(d.services, report):
        return []
    return desk.continuation_texts(d.services, report)


async def _copy_evidence(d: Delivery, report: Report) -> int:
    """Copy what the central desk has not yet, from the reporter's original or else the
    regional desk's copy; returns how many files turned out to be gone."""
    files, link = await d.run(_evidence_and_link, d, report.id)
    copies = await d.run(d.services.reports.regional_copies, report.id)
    chat = await d.desk(report.desk_chat_id)
    gone = 0
    for item in files:
        if item.desk_message_id is not None or item.copy_failed:
            continue
        sources = _original(item, link)
        for other_chat, message_id in copies.get(item.id, {}).values():
            if message_id is not None:
                sources.append((other_chat, message_id, False))
        card = report.card_message_id
        copied = await _copy_file(d, report, item, len(files), chat, card, sources)
        await d.run(d.services.reports.evidence_copied, item.id, report.id, chat, copied)
        gone += copied is None
    return gone


def _evidence_and_link(d: Delivery, report_id: int) -> tuple[list[StoredEvidence], Any]:
    files = [e for e in d.services.reports.evidence(report_id) if e.kind != NOTE]
    return files, d.services.reporters.link(report_id)


async def refresh_card(d: Delivery, job: OutboxJob) -> None:
    """Show a new status (or a shown name, or its removal) on the known copies of the card
    in one desk (the job names it; a job from before desks had their own edits every copy).
    Only the current copy carries a shown name; if it was deleted, it is sent again."""
    report = await d.run(d.services.reports.get, job.report_id)
    if report is None:
        return
    copies, central_card, regional = await d.run(_refresh_plan, d, report, job.payload)
    for chat, message_id in copies:
        central = (chat, message_id) == central_card
        current = central or (chat, message_id) == regional
        text, markup = await d.run(_card, d, report, current)
        try:
            await d.bot.edit_message_text(
                text,
                chat_id=await d.desk(chat),
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        except BadRequest as exc:
            if _says(exc, NOT_MODIFIED) or (_says(exc, CARD_GONE) and not current):
                continue
            if not _says(exc, CARD_GONE):
                raise
            if central:
                await _send_card(d, report)
            elif report.desk_key is not None:
                await _send_regional_card(d, report, report.desk_key, chat)


Place = tuple[int, int]


def _refresh_plan(
    d: Delivery, report: Report, payload: dict[str, Any]
) -> tuple[list[Place], Place | None, Place | None]:
    """(the card copies a refresh edits, the central desk's current card, the owning
    regional desk's current card): a regional desk's copies for a job naming it, the
    central desk's for a central one, every copy for a job from before."""
    svc = d.services
    copies = svc.reports.card_copies(report.id)
    central = None
    if report.card_message_id is not None and report.desk_chat_id is not None:
        central = (report.desk_chat_id, report.card_message_id)
    regional = _regional_card(d, report)
    regional_chats = {chat_of(svc, desk) for desk in svc.desks.regional}
    if payload.get("desk"):
        found = svc.desks.by_key(payload["desk"])
        chat = None if found is None or found.central else chat_of(svc, found)
        mine = [c for c in copies if chat is not None and current_desk(svc, c[0]) == chat]
        return mine, None, regional
    if payload.get("central"):
        mine = [c for c in copies if current_desk(svc, c[0]) not in regional_chats]
        return mine, central, None
    return copies, central, regional


def _regional_card(d: Delivery, report: Report) -> Place | None:
    """(chat, message) of the owning regional desk's current card, if the case has one."""
    owner = d.services.desks.by_key(report.desk_key)
    if owner is None or owner.central:
        return None
    chat = chat_of(d.services, owner)
    card = d.services.reports.card_in(report.id, chat) if chat is not None else None
    return (chat, card) if chat is not None and card is not None else None


async def remind(d: Delivery, job: OutboxJob) -> None:
    """A deadline passed: remind the desk the job names (`DeskMap.reminded` chose it; a job
    from before desks had their own reminds every desk of that reminder)."""
    report = await d.run(d.services.reports.get, job.report_id)
    if report is None or report.status is not Status.NEW:
        return  # acknowledged in the meantime
    text = await d.run(desk.reminder_text, d.services, report)
    sent: list[str] = job.payload.setdefault("sent", [])
    for key in _reminded(d.services.desks, report, job.payload):
        if key in sent:
            continue
        chat, card = await _desk_place(d, report, key)
        message = await d.bot.send_message(
            chat, text, parse_mode=ParseMode.HTML, reply_parameters=_reply_to(card)
        )
        sent.append(key)
        await d.run(_progress, d, job, chat, message.message_id, "reminder")


def _reminded(desks: DeskMap, report: Report, payload: dict[str, Any]) -> list[str]:
    if payload.get("desk"):
        return [payload["desk"]]
    if payload.get("central"):
        return [desks.central.key]
    return reminded_desks(desks, report, payload.get("number", 1))


def reminded_desks(desks: DeskMap, report: Report, number: int) -> list[str]:
    """The keys of the desks that get reminder `number` of a case (see `DeskMap.reminded`)."""
    return [desk.key for desk in desks.reminded(report.desk_key, number)]


# -- the reporter's side ---------------------------------------------------------------------
def _report_and_reporter(
    d: Delivery, report_id: object
) -> tuple[Report | None, tuple[int, str] | None]:
    """The report and its reachable reporter, if any (one trip to the database)."""
    report = d.services.reports.get(report_id) if isinstance(report_id, int) else None
    return report, _reporter(d, report.id) if report else None


def _reporter(d: Delivery, report_id: int) -> tuple[int, str] | None:
    """(chat, language) of a reporter who can still be reached, else None (a query: call
    it through `d.run`)."""
    link = d.services.reporters.link(report_id)
    if link is None or link.forget_after_delivery:
        return None
    return link.user_id, d.services.users.language(link.user_id) or link.language


async def confirm_received(d: Delivery, job: OutboxJob) -> None:
    """ "Received, your case code is …": sent by the outbox, so it survives a crash between
    saving the report and telling the reporter. A reporter who left is not chased."""
    report, reporter = await d.run(_report_and_reporter, d, job.payload.get("report"))
    if report is None or reporter is None:
        return
    chat, lang = reporter
    _ = d.services.i18n.translator(lang)
    try:
        message = await d.bot.send_message(
            chat,
            summary.received_text(_, report),
            parse_mode=ParseMode.HTML,
            reply_markup=status.reply_markup(_, report),
        )
    except Forbidden:
        return
    except BadRequest as exc:
        if not _says(exc, REPORTER_GONE):
            raise
        return
    # Something remembered later: a reply to this message (or its button) reaches the desk.
    await d.run(d.services.reporters.add_reporter_message, report.id, message.message_id)


async def notify(d: Delivery, job: OutboxJob) -> None:
    report, reporter = await d.run(_report_and_reporter, d, job.report_id)
    new_status = status_of(job.payload.get("status"))
    if report is None or reporter is None or new_status is None:
        return
    chat, lang = reporter
    _ = d.services.i18n.translator(lang)
    outcome = outcome_of(job.payload.get("outcome"))
    people = people_of(job.payload.get("people"))
    text = status.notification_text(_, report, new_status, outcome, people)
    try:
        message = await d.bot.send_message(
            chat, text, parse_mode=ParseMode.HTML, reply_markup=status.reply_markup(_, report)
        )
    except Forbidden:
        return  # the reporter blocked the bot: nothing more to do
    except BadRequest as exc:
        if not _says(exc, REPORTER_GONE):
            raise
        return
    await d.run(d.services.reporters.add_reporter_message, report.id, message.message_id)


async def relay_to_reporter(d: Delivery, job: OutboxJob) -> None:
    report = await d.run(d.services.reports.get, job.report_id)
    if report is None:
        return
    _ = desk.desk_translator(d.services)
    desk_chat, desk_message = job.payload["chat_id"], job.payload["message_id"]
    if not job.payload.get("sent"):
        delivered = await _send_to_reporter(d, report, job)
        if delivered is None:
            await _desk_note(d, desk_chat, desk_message, relay.unreachable_note(_, report))
            return
        await d.run(_relayed, d, job, delivered)
    await _desk_note(d, desk_chat, desk_message, relay.delivered_note(_))


def _relayed(d: Delivery, job: OutboxJob, delivered: int) -> None:
    with d.services.db.transaction():
        d.services.reporters.add_reporter_message(job.report_id, delivered)
        d.services.report_outbox.save_payload(job.id, {**job.payload, "sent": True})


async def _send_to_reporter(d: Delivery, report: Report, job: OutboxJob) -> int | None:
    """The desk's message in the reporter's chat, as from "the desk"; None if unreachable."""
    reporter = await d.run(_reporter, d, report.id)
    if reporter is None:
        return None
    chat, lang = reporter
    _ = d.services.i18n.translator(lang)
    words = job.payload.get("text", "")
    markup = status.reply_markup(_, report)
    try:
        if job.payload["kind"] == "text":
            return await _text_to_reporter(d, chat, _, report, words)
        caption = relay.to_reporter_text(_, report, words)
        long = not relay.fits_caption(caption)
        sent = await d.bot.copy_message(
            chat_id=chat,
            from_chat_id=job.payload["chat_id"],
            message_id=job.payload["message_id"],
            caption=relay.to_reporter_text(_, report, "") if long else caption,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
        )
        if long:  # the desk's caption, whole, as text after the file
            add = d.services.reporters.add_reporter_message
            await d.run(add, report.id, sent.message_id)
            return await _text_to_reporter(d, chat, _, report, words)
    except Forbidden:
        return None
    except BadRequest as exc:
        if not _says(exc, REPORTER_GONE + SOURCE_GONE):
            raise
        return None
    return sent.message_id


async def _text_to_reporter(
    d: Delivery, chat: int, _: Translator, report: Report, words: str
) -> int:
    """Every part of a desk message; the last carries the reply button. A reply to any
    part goes back to the desk."""
    parts = relay.to_reporter_parts(_, report, words)
    last = 0
    for number, part in enumerate(parts, start=1):
        markup = status.reply_markup(_, report) if number == len(parts) else None
        sent = await d.bot.send_message(chat, part, parse_mode=ParseMode.HTML, reply_markup=markup)
        if number < len(parts):
            add = d.services.reporters.add_reporter_message
            await d.run(add, report.id, sent.message_id)
        last = sent.message_id
    return last


async def _desk_note(d: Delivery, chat: int, reply_to: int, text: str) -> None:
    await d.bot.send_message(
        await d.desk(chat),
        text,
        parse_mode=ParseMode.HTML,
        reply_parameters=_reply_to(reply_to),
        disable_notification=True,
    )


async def relay_to_desk(d: Delivery, job: OutboxJob) -> None:
    report = await d.run(d.services.reports.get, job.report_id)
    if report is None:
        return
    _ = desk.desk_translator(d.services)
    chat, card = await _desk_place(d, report, job.payload.get("desk"))
    words = job.payload.get("text", "")
    if job.payload["kind"] == "text":
        await _parts_to_desk(d, chat, card, job, relay.to_desk_parts(_, report, words))
        return
    link = await d.run(d.services.reporters.link, report.id)
    caption = relay.to_desk_text(_, report, words)
    long = not relay.fits_caption(caption)
    if not job.payload.get("copied"):
        if link is None:
            return  # the reporter was forgotten before their file could be copied
        head = relay.to_desk_text(_, report, "") if long else caption
        sent = await _copy_to_desk(d, chat, card, job, link.user_id, head)
        if sent is None:
            return  # deleted, or the reporter blocked the bot: the file is gone
        job.payload["copied"] = True
        await d.run(_progress, d, job, chat, sent.message_id, "reporter")
    if long:  # the caption, whole, as text under the card
        await _parts_to_desk(d, chat, card, job, relay.to_desk_parts(_, report, words))


async def _parts_to_desk(
    d: Delivery,
    chat: int,
    card: int | None,
    job: OutboxJob,
    parts: list[str],
    kind: str = "reporter",
) -> None:
    """Send each part not sent yet (progress in the job), each under the card; `kind` says
    what a reply to them does (a reporter's message: the reply goes to the reporter)."""
    for number in range(job.payload.get("parts_sent", 0), len(parts)):
        sent = await d.bot.send_message(
            chat,
            parts[number],
            parse_mode=ParseMode.HTML,
            reply_parameters=_reply_to(card),
        )
        job.payload["parts_sent"] = number + 1
        await d.run(_progress, d, job, chat, sent.message_id, kind)


async def _copy_to_desk(
    d: Delivery, chat: int, card: int | None, job: OutboxJob, reporter: int, caption: str
) -> MessageId | None:
    """The reporter's file under the card; None if they deleted it or blocked the bot in
    the meantime (their chat cannot be copied from: like the evidence, that file is gone,
    and the case's later messages must not queue behind it)."""
    try:
        return await _copy_under(d, chat, card, reporter, job.payload["message_id"], caption)
    except Forbidden as exc:
        if not _says(exc, SOURCE_USER_GONE):
            raise  # "kicked from the group chat" is a desk problem and is retried
        return None


# -- a desk's note or reply, shown in the case's other desk ------------------------------------
async def mirror(d: Delivery, job: OutboxJob) -> None:
    """What one desk wrote about a case (a "#" note, or a reply passed on to the reporter),
    under the case's card in its other desk, so both desks read the same story."""
    report = await d.run(d.services.reports.get, job.report_id)
    if report is None or job.payload.get("done"):
        return
    _ = desk.desk_translator(d.services)
    chat, card = await _desk_place(d, report, job.payload.get("desk"))
    source = d.services.desks.by_key(job.payload.get("from_desk"))
    head = relay.mirror_head(_, report, source.name if source else "?", job.payload["mirror"])
    words = job.payload.get("text", "")
    if job.payload["kind"] == "text":
        await _parts_to_desk(d, chat, card, job, relay.mirror_parts(head, words), "mirror")
        return
    caption = relay.mirror_caption(head, words)
    source = await d.desk(job.payload["chat_id"])
    sent = await _copy_under(d, chat, card, source, job.payload["message_id"], caption)
    if sent is None:
        return  # deleted in the meantime: there is nothing left to show
    job.payload["done"] = True
    await d.run(_progress, d, job, chat, sent.message_id, "mirror")


JOBS = {
    relay.MIRROR: mirror,
    RECEIVED: confirm_received,
    "card": deliver_card,
    "card_refresh": refresh_card,
    "reminder": remind,
    "notify": notify,
    relay.TO_REPORTER: relay_to_reporter,
    relay.TO_DESK: relay_to_desk,
}


def register(application: Application) -> None:
    outbox = worker(application)
    for kind, handler in JOBS.items():
        outbox.register(kind, handler)
