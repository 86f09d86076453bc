"""The form's button layouts that more than one step shows."""

from __future__ import annotations

from telegram import (
    InlineKeyboardMarkup,
)
from telegram.ext import (
    ContextTypes,
)

from bot.core.reports.draft import (
    ABROAD,
    SPECIAL_PLACES,
    UNKNOWN,
    Draft,
)
from bot.i18n import Translator
from bot.telegram.common import services
from bot.telegram.handlers.report_form.base import (
    PROVINCES_PER_PAGE,
    button,
)


def province_markup(_: Translator, context: ContextTypes.DEFAULT_TYPE, page: int):
    provinces = services(context).provinces
    pages = provinces.pages(PROVINCES_PER_PAGE)
    page = min(max(page, 0), pages - 1)
    buttons = [button(p.name, "pv", p.id) for p in provinces.page(page, PROVINCES_PER_PAGE)]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [
            button("◀️", "pg", str((page - 1) % pages)),
            button(f"{page + 1}/{pages}", "pg", str(page)),
            button("▶️", "pg", str((page + 1) % pages)),
        ]
    )
    rows.append([button("🌏 " + _(SPECIAL_PLACES[ABROAD]), "pv", ABROAD)])
    rows.append([button("🤷 " + _(SPECIAL_PLACES[UNKNOWN]), "pv", UNKNOWN)])
    return InlineKeyboardMarkup(rows)


def evidence_markup(_: Translator, draft: Draft) -> InlineKeyboardMarkup:
    rows = [[button(_("✅ Done"), "done")]]
    if draft.evidence:
        rows.append([button(_("🗑 Remove all evidence"), "clear")])
    return InlineKeyboardMarkup(rows)


def summary_markup(_: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(_("✅ Send report"), "ok")],
            [button(_("✏️ Edit"), "edit"), button(_("❌ Cancel"), "cancel")],
        ]
    )
