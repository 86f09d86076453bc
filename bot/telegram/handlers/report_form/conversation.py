"""Wiring: which handler answers what in each state of the form."""

from __future__ import annotations

import warnings
from collections.abc import Callable

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.telegram.commands import names
from bot.telegram.handlers.report_form.base import (
    CATEGORY,
    CONFIRM,
    DETAILS,
    EVIDENCE,
    FORM_TIMEOUT,
    IDENTITY,
    PHONE,
    PLACE,
    PREFIX,
    PROMPTS,
    PROVINCE,
    RESUME,
    WHEN,
    stale,
)
from bot.telegram.handlers.report_form.evidence import (
    ask_evidence,
    evidence_cleared,
    evidence_done,
    evidence_given,
)
from bot.telegram.handlers.report_form.identity import (
    ask_identity,
    ask_phone,
    identity_chosen,
    phone_shared,
    phone_skipped,
)
from bot.telegram.handlers.report_form.start import (
    cancel,
    cannot_skip,
    fresh,
    resume,
    stale_entry,
    start_from_message,
    start_report,
)
from bot.telegram.handlers.report_form.steps import (
    ask_category,
    ask_details,
    ask_place,
    ask_province,
    ask_when,
    category_chosen,
    details_given,
    details_not_text,
    place_given,
    place_skipped,
    province_chosen,
    province_page,
    province_typed,
    when_chosen,
    when_given,
    when_skipped,
)
from bot.telegram.handlers.report_form.summary import (
    confirm,
    edit_back,
    edit_field,
    edit_menu,
    reprompt,
    show_summary,
)

PROMPTS.update(
    {
        CATEGORY: ask_category,
        PROVINCE: ask_province,
        PLACE: ask_place,
        WHEN: ask_when,
        DETAILS: ask_details,
        EVIDENCE: ask_evidence,
        IDENTITY: ask_identity,
        PHONE: ask_phone,
        CONFIRM: show_summary,
    }
)


def _pressed(handler: Callable, action: str) -> CallbackQueryHandler:
    """A button of this form: `rp:<action>` with or without a value."""
    return CallbackQueryHandler(handler, pattern=rf"^{PREFIX}:{action}(:|$)")


def build_conversation() -> ConversationHandler:
    private = filters.ChatType.PRIVATE
    text = filters.TEXT & ~filters.COMMAND
    anything = ~filters.COMMAND
    skip = CommandHandler(names("skip"), cannot_skip)
    states = {
        RESUME: [_pressed(resume, "resume"), _pressed(fresh, "fresh")],
        CATEGORY: [_pressed(category_chosen, "cat")],
        PROVINCE: [
            _pressed(province_chosen, "pv"),
            _pressed(province_page, "pg"),
            MessageHandler(text, province_typed),
        ],
        PLACE: [
            MessageHandler(text, place_given),
            _pressed(place_skipped, "skip"),
            CommandHandler(names("skip"), place_skipped),
        ],
        WHEN: [
            _pressed(when_chosen, "when"),
            MessageHandler(text, when_given),
            _pressed(when_skipped, "skip"),
            CommandHandler(names("skip"), when_skipped),
        ],
        DETAILS: [MessageHandler(text, details_given), MessageHandler(anything, details_not_text)],
        EVIDENCE: [
            _pressed(evidence_done, "done"),
            _pressed(evidence_cleared, "clear"),
            CommandHandler(names("skip") + names("done"), evidence_done),
            MessageHandler(anything & ~filters.StatusUpdate.ALL, evidence_given),
        ],
        IDENTITY: [_pressed(identity_chosen, "id")],
        PHONE: [
            MessageHandler(filters.CONTACT, phone_shared),
            CommandHandler(names("skip"), phone_skipped),
            MessageHandler(text, phone_skipped),
        ],
        CONFIRM: [
            _pressed(confirm, "ok"),
            _pressed(edit_menu, "edit"),
            _pressed(edit_back, "back"),
            _pressed(edit_field, "ed"),
        ],
    }
    for handlers in states.values():
        handlers.append(MessageHandler(anything & ~filters.StatusUpdate.ALL, reprompt))
    with warnings.catch_warnings():
        # Buttons are tracked per user, not per message, on purpose: old buttons are
        # checked against the current question by their data.
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CommandHandler(names("report"), start_report, filters=private),
                CallbackQueryHandler(start_report, pattern=rf"^{PREFIX}:new$"),
                _pressed(start_from_message, "msg"),
                CallbackQueryHandler(stale_entry, pattern=rf"^{PREFIX}(:|$)"),
            ],
            states=states,
            fallbacks=[
                CommandHandler(names("cancel"), cancel),
                _pressed(cancel, "cancel"),
                CommandHandler(names("report"), start_report),
                CallbackQueryHandler(start_report, pattern=rf"^{PREFIX}:new$"),
                skip,
                _pressed(start_from_message, "msg"),
                CallbackQueryHandler(stale, pattern=rf"^{PREFIX}(:|$)"),
            ],
            conversation_timeout=FORM_TIMEOUT,
            name="report",
            persistent=True,
        )


def register(application: Application) -> None:
    application.add_handler(build_conversation())
