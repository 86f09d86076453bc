"""Counting the identifiers people check, and the early warning to the desk."""

from __future__ import annotations

from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.core.cekdulu.checker import Result
from bot.core.cekdulu.reasons import Kind
from bot.core.reports.identifiers import Identifier
from bot.i18n import Translator
from bot.services import Services
from bot.storage.checks import Surge
from bot.storage.reports import OutboxJob
from bot.telegram import outbox
from bot.telegram.common import services
from bot.telegram.handlers.cekdulu.base import ALERT_JOB, IDENTIFIER_KINDS, quoted
from bot.telegram.handlers.desk import desk_translator
from bot.telegram.outbox import Delivery


async def count_identifiers(
    context: ContextTypes.DEFAULT_TYPE, result: Result, user_id: int | None
) -> None:
    """Count the identifiers (once per person per window, as pseudonymous tags) and queue
    an early warning to the desk for any checked by many people."""
    svc = services(context)
    if await svc.db.run(_count, svc, result, user_id):
        outbox.wake(context)


def _count(svc: Services, result: Result, user_id: int | None) -> int:
    """Count, and queue the warnings now due; how many were queued."""
    fresh = _not_counted_recently(svc, result.identifiers, user_id)
    if not fresh:
        return 0
    surges = svc.check_counts.record(fresh)
    threshold = svc.settings.check_alert_threshold
    due = [s for s in surges if s.checks >= threshold]
    if not due or svc.settings.desk_chat_id is None:
        return 0
    return _queue_alerts(svc, due, _reported_counts(result))


def _not_counted_recently(
    svc: Services, identifiers: list[Identifier], user_id: int | None
) -> list[Identifier]:
    """Kept as pseudonymous tags in the database (not in user_data, which /hapusdata clears)."""
    if user_id is None:
        return list(identifiers)
    return svc.check_counts.first_time(user_id, identifiers)


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
    chat = await d.desk()
    await d.bot.send_message(chat, alert_text(_, job.payload), parse_mode=ParseMode.HTML)
