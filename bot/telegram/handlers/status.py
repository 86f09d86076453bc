"""/status: a reporter's own cases; /status CODE: one of them. And the messages that tell a
reporter their case moved on, in their language.

Only cases linked to the asking person are shown: a case code alone reveals nothing, and
a lost code is no loss, since /status lists every case without it.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot.core.reports.case_status import CHOICES, OUTCOME_LABELS, Outcome, Status
from bot.core.reports.draft import normalise_code
from bot.i18n import Translator
from bot.storage.reports import Report
from bot.telegram import keyboards
from bot.telegram.commands import names, slash
from bot.telegram.common import services, translator
from bot.telegram.report_format import category_text, status_text, when_text

RELAY_PREFIX = "rl"  # the "reply to the desk" button, handled in handlers/relay.py
LISTED = 20


def reporter_status(
    _: Translator, status: Status, outcome: Outcome | None, people: int | None = None
) -> str:
    """A status as the reporter reads it (the desk's "spam" is said more gently, and a
    prevented departure with the number of people it kept home)."""
    if status is Status.SPAM:
        return _("Closed: the desk could not act on it")
    if status is Status.NEW:
        return _("Received, waiting for the desk")
    text = status_text(_, status, outcome)
    if status is Status.CLOSED and outcome is Outcome.PREVENTED and people:
        text += " · " + _.plural(
            "{n} person did not leave illegally", "{n} people did not leave illegally", people
        )
    return text


def notification_text(
    _: Translator,
    report: Report,
    status: Status,
    outcome: Outcome | None,
    people: int | None = None,
) -> str:
    code = report.code
    texts = {
        Status.ACKNOWLEDGED: _(
            "✅ The coordination desk has seen your report <code>{code}</code> and will look "
            "into it.",
            code=code,
        ),
        Status.IN_PROGRESS: _(
            "⏳ The desk is working on your report <code>{code}</code>.", code=code
        ),
        Status.NEED_INFO: _(
            "❓ The desk needs more information about your report <code>{code}</code>. Their "
            "questions will come here: please reply to them.",
            code=code,
        ),
        Status.SPAM: _(
            "Your report <code>{code}</code> is closed: the desk could not act on it.",
            code=code,
        ),
    }
    if status is Status.CLOSED:
        return closed_text(_, code, outcome, people)
    return texts.get(status, "")


def closed_text(_: Translator, code: str, outcome: Outcome | None, people: int | None) -> str:
    """What a closed case came to, in plain words: the reporter hears what their report
    did, the number of people above all."""
    head = _("🏁 Your report <code>{code}</code> is closed.", code=code)
    if outcome is Outcome.PREVENTED and people:
        said = _.plural(
            "Thanks to your report, {n} person did not leave illegally.",
            "Thanks to your report, {n} people did not leave illegally.",
            people,
        )
    elif outcome in PLAIN_OUTCOMES:
        said = _outcome_words(_, outcome)
    else:  # an outcome no longer offered: its label, as before
        return _(
            "🏁 Your report <code>{code}</code> is closed: {outcome}. Thank you for speaking up.",
            code=code,
            outcome=_(OUTCOME_LABELS[outcome]) if outcome else "–",
        )
    return f"{head} {said} " + _("Thank you for speaking up.")


PLAIN_OUTCOMES = frozenset(CHOICES)


def _outcome_words(_: Translator, outcome: Outcome) -> str:
    words = {
        Outcome.PREVENTED: _("Thanks to your report, a departure was stopped."),
        Outcome.POLICE: _("The desk passed it to the police."),
        Outcome.ACTION: _("Action was taken against the recruiter or agency."),
        Outcome.HELPED: _("The person was helped or brought home."),
        Outcome.NOT_CONFIRMED: _("The desk could not confirm what you reported."),
        Outcome.DUPLICATE: _(
            "Someone else reported the same thing, and the desk handled both together."
        ),
    }
    return words[outcome]


def reply_markup(_: Translator, report: Report) -> InlineKeyboardMarkup:
    """The button under every desk message and update: write back to the desk."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    _("✍️ Reply to the desk"),
                    callback_data=keyboards.data(RELAY_PREFIX, report.code),
                )
            ]
        ]
    )


# -- /status ---------------------------------------------------------------------------------
async def status_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    svc = services(context)
    cases = await svc.db.run(svc.reporters.cases_of, update.effective_user.id)
    text = _one_case(_, cases, " ".join(context.args)) if context.args else _all_cases(_, cases)
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)


def _all_cases(_: Translator, cases: list[Report]) -> str:
    if not cases:
        return _(
            "You have no reports yet. To report something, send {report}.",
            report=slash(_, "report"),
        )
    lines = [_("<b>Your reports</b>")]
    for case in cases[:LISTED]:
        lines.append(
            f"<code>{case.code}</code> · {category_text(_, case.category)} · "
            f"{when_text(case.created_at, _.lang, with_year=False)}\n"
            f"   {reporter_status(_, case.status, case.outcome, case.outcome_people)}"
        )
    lines.append("")
    lines.append(_("For one report in detail: /status followed by its code."))
    return "\n".join(lines)


def _one_case(_: Translator, cases: list[Report], typed: str) -> str:
    code = normalise_code(typed)
    case = next((c for c in cases if c.code == code), None)
    if case is None:
        return _("I cannot find that code among your reports. Send /status to see all of them.")
    lines = [
        _("<b>Report</b> <code>{code}</code>", code=case.code),
        _("<b>What:</b> {value}", value=category_text(_, case.category)),
        _("<b>Sent:</b> {value}", value=when_text(case.created_at, _.lang)),
        _(
            "<b>Status:</b> {value}",
            value=reporter_status(_, case.status, case.outcome, case.outcome_people),
        ),
    ]
    if case.status_at:
        lines.append(_("<b>Last change:</b> {value}", value=when_text(case.status_at, _.lang)))
    if case.card_message_id is None:
        lines.append(_("Your report is waiting to be delivered to the desk."))
    return "\n".join(lines)


def register(application: Application) -> None:
    application.add_handler(
        CommandHandler(names("status"), status_command, filters=filters.ChatType.PRIVATE)
    )
