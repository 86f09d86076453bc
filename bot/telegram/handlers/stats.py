"""The desk's picture: `/stats` (a chart and five lines), `/export` (the cases as a file), and
the weekly digest to the desk.

`/stats` and `/export` answer in the desk chat and, for admins, in a private chat; exports are
for admins only, since a file of cases leaves the chat's history and controls. The digest is
queued through the desk outbox once per week (bot/storage/desks.py records the week in the same
transaction), so a restart neither skips nor repeats one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update, User
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.core.desks import export as case_export
from bot.core.desks.charts import ChartText, render
from bot.core.desks.stats import Snapshot, summarise, week_start
from bot.core.reports.case_status import OUTCOME_LABELS, Outcome
from bot.core.reports.draft import CATEGORY_LABELS, Category
from bot.i18n import Translator
from bot.services import Services
from bot.storage.audit import EXPORT
from bot.storage.reports import OutboxJob
from bot.telegram import outbox
from bot.telegram.commands import names
from bot.telegram.common import services
from bot.telegram.desk_chat import desk_of_chat
from bot.telegram.handlers.desk import desk_translator, staff_name
from bot.telegram.outbox import Delivery

log = logging.getLogger(__name__)

PREFIX = "xp"
DIGEST_JOB = "desk_digest"
STATS_DAYS = 56  # eight weeks: long enough for a trend, short enough to read
EXPORT_DAYS = 30
DIGEST_CATCH_UP = dt.timedelta(hours=24)  # a bot that was down at the time sends it later
WIB = ZoneInfo("Asia/Jakarta")


def chart_text(_: Translator) -> ChartText:
    return ChartText(
        title=_("Tip-offs and checks, last 8 weeks"),
        per_week=_("Reports per week"),
        by_province=_("Cases by province"),
        ack=_("First reply from the desk"),
        open_by_age=_("Open cases by age"),
        prevented=_("People kept from leaving"),
        checks=_("Cek Dulu checks"),
        top_checked=_("Checked most often"),
        in_time=_("in time"),
        late=_("late"),
        waiting=_("waiting"),
        urgent=_("urgent (15 min)"),
        normal=_("other (24 h)"),
        no_data=_("no data yet"),
        categories={c.value: _(CATEGORY_LABELS[c]) for c in Category},
        outcomes={o.value: _(OUTCOME_LABELS[o]) for o in Outcome},
        verdicts={
            "danger": _("danger"),
            "check": _("needs checking"),
            "advice": _("advice"),
            "none": _("no signs"),
        },
    )


def snapshot(svc: Services, days: int = STATS_DAYS, desk: str | None = None) -> Snapshot:
    """The numbers of the last `days`: every case, or those of one regional desk (`desk`)."""
    now = svc.report_outbox.clock.now()
    since = (now - dt.timedelta(days=days)).date()
    snap = summarise(svc.desk_data.case_rows(since, desk), since, now)
    snap.checks_by_verdict = svc.desk_data.verdicts(since)
    snap.top_checked = svc.desk_data.top_checked()
    return snap


def summary_lines(_: Translator, snap: Snapshot, now: dt.datetime) -> str:
    """Five lines a desk lead can read aloud."""
    this_week = week_start(now.astimezone(WIB).date())
    weekly = sum(counts[-1] for counts in snap.per_week.values()) if snap.weeks else 0
    urgent = snap.ack.get("urgent")
    open_cases = sum(n for _label, n in snap.open_by_age)
    old_cases = sum(n for label, n in snap.open_by_age if label in ("7-30d", ">30d"))
    checks = sum(n for _v, n in snap.checks_by_verdict)
    danger = dict(snap.checks_by_verdict).get("danger", 0)
    lines = [
        _.plural(
            "📥 Week of {week}: {n} new report",
            "📥 Week of {week}: {n} new reports",
            weekly,
            week=this_week.strftime("%d/%m"),
        ),
        _.plural(
            "🛑 {n} person kept from leaving (8 weeks)",
            "🛑 {n} people kept from leaving (8 weeks)",
            snap.people_prevented,
        ),
        _(
            "⏱ Urgent cases answered in 15 min: {in_time} of {total}",
            in_time=urgent.in_time if urgent else 0,
            total=urgent.total if urgent else 0,
        ),
        _.plural(
            "📂 {n} open case, {old} older than 7 days",
            "📂 {n} open cases, {old} older than 7 days",
            open_cases,
            old=old_cases,
        ),
        _.plural(
            "🔎 {n} Cek Dulu check, {danger} with danger signs",
            "🔎 {n} Cek Dulu checks, {danger} with danger signs",
            checks,
            danger=danger,
        ),
    ]
    return "\n".join(lines)


async def picture(svc: Services, _: Translator, desk: str | None = None) -> tuple[bytes, str]:
    """The chart (drawn off the event loop: matplotlib takes a few hundred ms) and its text,
    of every case or of one regional desk's (`desk`, its key)."""
    snap = await svc.db.run(snapshot, svc, STATS_DAYS, desk)
    png = await asyncio.to_thread(render, snap, chart_text(_))
    return png, summary_lines(_, snap, svc.report_outbox.clock.now())


# -- who may ask -----------------------------------------------------------------------------
NOBODY = "-"  # not allowed to ask


async def _allowed(svc: Services, update: Update, admins_only: bool) -> str | None:
    """NOBODY, or whose cases to show: None for every case (the central desk, an admin in
    private), a regional desk's key in that desk's chat."""
    return await svc.db.run(_may_ask, svc, update, admins_only)


def _may_ask(svc: Services, update: Update, admins_only: bool) -> str | None:
    chat = update.effective_chat
    user = update.effective_user
    is_admin = user is not None and user.id in svc.settings.admin_ids
    if chat is None:
        return NOBODY
    if chat.type == "private":
        return None if is_admin else NOBODY
    desk = desk_of_chat(svc, chat.id)
    if desk is None or not (is_admin or not admins_only):
        return NOBODY
    return None if desk.central else desk.key


async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    whose = await _allowed(svc, update, admins_only=False)
    if whose == NOBODY:
        return
    _ = desk_translator(svc)
    png, text = await picture(svc, _, whose)
    await update.effective_message.reply_photo(
        InputFile(png, filename="stats.png"), caption=text, disable_notification=True
    )


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    if await _allowed(svc, update, admins_only=True) == NOBODY:
        return
    _ = desk_translator(svc)
    buttons = [
        InlineKeyboardButton(f"📄 {fmt.upper()}", callback_data=f"{PREFIX}:{fmt}")
        for fmt in case_export.FORMATS
    ]
    await update.effective_message.reply_text(
        _.plural(
            "Export the cases of the last {n} day as:",
            "Export the cases of the last {n} days as:",
            EXPORT_DAYS,
        ),
        reply_markup=InlineKeyboardMarkup([buttons]),
    )


async def export_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    svc = services(context)
    _ = desk_translator(svc)
    fmt = (query.data or "").partition(":")[2]
    whose = await _allowed(svc, update, admins_only=True) if fmt in case_export.FORMATS else NOBODY
    if whose == NOBODY:
        await query.answer(_("Only admins can export cases."), show_alert=True)
        return
    await query.answer(_("Preparing the file…"))
    since = (svc.report_outbox.clock.now() - dt.timedelta(days=EXPORT_DAYS)).date()
    who = query.from_user
    rows = await svc.db.run(_export_rows, svc, since, fmt, who, whose)
    data = await asyncio.to_thread(case_export.export, rows, fmt)
    desk_part = f"{whose}-" if whose else ""
    name = f"cases-{desk_part}since-{since.isoformat()}.{fmt}"
    log.info("cases exported: %d rows as %s", len(rows), fmt)
    await query.message.reply_document(
        InputFile(data, filename=name),
        caption=_.plural(
            "{n} case since {date}",
            "{n} cases since {date}",
            len(rows),
            date=since.strftime("%d/%m/%Y"),
        ),
        disable_notification=True,
    )


def _export_rows(
    svc: Services, since: dt.date, fmt: str, who: User | None, desk: str | None = None
) -> list[Any]:
    """The rows to export (every case, or one regional desk's), and the audit line saying
    who exported them."""
    rows = list(svc.desk_data.export_rows(since, desk))
    detail = f"{fmt}: {len(rows)} case(s) since {since.isoformat()}"
    if desk:
        detail += f", desk {desk}"
    svc.audit.record(EXPORT, who.id if who else None, staff_name(who), detail=detail)
    return rows


# -- the weekly digest -----------------------------------------------------------------------
def queue_due_digest(svc: Services) -> bool:
    """Queue this week's digest once its time has come (DIGEST_SCHEDULE, WIB)."""
    schedule = svc.settings.digest_schedule
    if schedule is None or svc.settings.desk_chat_id is None:
        return False
    weekday, hour, minute = schedule
    now = svc.report_outbox.clock.now().astimezone(WIB)
    week = week_start(now.date())
    due = dt.datetime.combine(week + dt.timedelta(days=weekday), dt.time(hour, minute), WIB)
    if not due <= now < due + DIGEST_CATCH_UP:
        return False  # not yet, or too late to be news: wait for next week's
    return svc.desk_data.claim_digest(
        week, lambda: svc.report_outbox.enqueue(DIGEST_JOB, None, {"week": week.isoformat()})
    )


async def deliver_digest(d: Delivery, job: OutboxJob) -> None:
    _ = desk_translator(d.services)
    png, text = await picture(d.services, _)
    await d.bot.send_photo(
        await d.desk(),
        InputFile(png, filename="digest.png"),
        caption=_("🗓 <b>Weekly digest</b>") + "\n" + text,
        parse_mode=ParseMode.HTML,
        disable_notification=True,
    )


def register(application: Application) -> None:
    application.add_handler(CommandHandler(names("stats"), stats_command))
    application.add_handler(CommandHandler(names("export"), export_command))
    application.add_handler(CallbackQueryHandler(export_pressed, pattern=rf"^{PREFIX}:"))
    worker = outbox.worker(application)
    worker.register(DIGEST_JOB, deliver_digest)
    svc = services(application)
    worker.every_cycle(lambda: queue_due_digest(svc))
