"""The questions before the evidence: what, where (province, place), when, details."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable

from telegram import (
    InlineKeyboardMarkup,
    Update,
)
from telegram.ext import (
    ContextTypes,
)

from bot.core.choices import province_resolver
from bot.core.reports.draft import (
    ABROAD,
    CATEGORY_EMOJI,
    CATEGORY_LABELS,
    MAX_DETAILS,
    MAX_PLACE,
    MAX_WHEN,
    MIN_DETAILS,
    SPECIAL_PLACES,
    WHEN_LABELS,
    Category,
    When,
    category_of,
    check_text,
    clean_text,
)
from bot.telegram.common import services, translator
from bot.telegram.handlers.report_form.base import (
    CATEGORY,
    DETAILS,
    EVIDENCE,
    PLACE,
    PROVINCE,
    WHEN,
    Step,
    button,
    chosen,
    draft_of,
    next_step,
    remember,
    say,
    stale,
    text_problem,
    values_of,
)
from bot.telegram.handlers.report_form.keyboards import (
    province_markup,
)
from bot.telegram.report_format import category_text, occurred_text, place_text


# -- what ------------------------------------------------------------------------------------
async def ask_category(
    update: Update, context: ContextTypes.DEFAULT_TYPE, intro: bool = False
) -> str:
    _ = translator(update, context)
    await remember(update, context, CATEGORY)
    text = _("<b>What do you want to report?</b>")
    if intro:
        text = (
            _(
                "📣 <b>Report to the coordination desk</b>\n\n"
                "It takes about two minutes. The desk works with the police against illegal "
                "recruitment and trafficking. Your identity stays hidden from the desk unless "
                "you choose to show it. Send /cancel at any time to stop."
            )
            + "\n\n"
            + text
        )
    rows = [
        [button(f"{CATEGORY_EMOJI[c]} {_(CATEGORY_LABELS[c])}", "cat", c.value)] for c in Category
    ]
    await say(update, text, InlineKeyboardMarkup(rows))
    return CATEGORY


async def category_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    _ = translator(update, context)
    values = values_of(update)
    category = category_of(values[1]) if len(values) == 2 else None
    if category is None:
        await stale(update, context)
        return None
    await chosen(update, category_text(_, category))
    draft_of(context).category = category.value
    return await next_step(update, context, PROVINCE)


# -- where -----------------------------------------------------------------------------------
async def ask_province(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    await remember(update, context, PROVINCE)
    await say(
        update,
        _(
            "<b>Where is it happening?</b> Choose the province (use ◀️ ▶️ for more), or type "
            "its name."
        ),
        province_markup(_, context, 0),
    )
    return PROVINCE


async def province_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    values = values_of(update)
    if len(values) != 2 or not values[1].isdecimal():
        await stale(update, context)
        return
    await update.callback_query.answer()
    markup = province_markup(_, context, int(values[1]))
    if markup != update.callback_query.message.reply_markup:
        await update.callback_query.edit_message_reply_markup(markup)


async def province_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    _ = translator(update, context)
    values = values_of(update)
    value = values[1] if len(values) == 2 else ""
    if value not in SPECIAL_PLACES and value not in services(context).provinces:
        await stale(update, context)
        return None
    draft_of(context).province = value
    await chosen(update, place_text(_, services(context).provinces, value, None))
    return await next_step(update, context, PLACE)


async def province_typed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    _ = translator(update, context)
    provinces = services(context).provinces
    resolution = province_resolver(provinces).resolve(update.effective_message.text)
    found = provinces.get(resolution.found)
    if found is None and resolution.maybe:
        guesses = [button(provinces.name(p), "pv", p) for p in resolution.maybe]
        await say(update, _("Did you mean:"), InlineKeyboardMarkup([[b] for b in guesses]))
        return None
    if found is None:
        await say(
            update,
            _("I could not find that province. Please choose it with the buttons."),
            province_markup(_, context, 0),
        )
        return None
    draft_of(context).province = found.id
    await say(update, f"➡️ <b>{html.escape(found.name)}</b>")
    return await next_step(update, context, PLACE)


async def ask_place(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    draft = await remember(update, context, PLACE)
    if draft.province == ABROAD:
        text = _("<b>Which country and city?</b> If you do not know, send /skip.")
    else:
        text = _(
            "<b>Which place exactly?</b> For example the district, village, port or address. "
            "If you do not know, send /skip."
        )
    await say(update, text, InlineKeyboardMarkup([[button(_("⏭ Skip"), "skip")]]))
    return PLACE


def _typed(field: str, limit: int, following: str) -> Callable[..., Awaitable[str | None]]:
    """A step's handler for a typed answer: checked, stored in the draft, then onwards."""

    async def given(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
        _ = translator(update, context)
        text = clean_text(update.effective_message.text)
        problem = check_text(text, limit)
        if problem:
            await say(update, text_problem(_, problem, limit))
            return None
        setattr(draft_of(context), field, text)
        return await next_step(update, context, following)

    return given


def _skipped(field: str, following: str) -> Step:
    """A step's handler for /skip or the Skip button: the field stays empty."""

    async def skipped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
        _ = translator(update, context)
        if update.callback_query:
            await chosen(update, _("⏭ Skip"))
        setattr(draft_of(context), field, None)
        return await next_step(update, context, following)

    return skipped


place_given = _typed("place", MAX_PLACE, WHEN)
place_skipped = _skipped("place", WHEN)


# -- when ------------------------------------------------------------------------------------
async def ask_when(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    await remember(update, context, WHEN)
    rows = [[button(_(WHEN_LABELS[w]), "when", w.value)] for w in When]
    rows.append([button(_("⏭ Skip"), "skip")])
    await say(
        update,
        _(
            "<b>When?</b> If someone is about to leave, when is the departure? Choose below "
            "or type a date or time. If it does not apply, send /skip."
        ),
        InlineKeyboardMarkup(rows),
    )
    return WHEN


async def when_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    _ = translator(update, context)
    values = values_of(update)
    if len(values) != 2 or values[1] not in {w.value for w in When}:
        await stale(update, context)
        return None
    draft_of(context).when = values[1]
    await chosen(update, occurred_text(_, values[1]) or "")
    return await next_step(update, context, DETAILS)


when_given = _typed("when", MAX_WHEN, DETAILS)
when_skipped = _skipped("when", DETAILS)


# -- details ---------------------------------------------------------------------------------
async def ask_details(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    await remember(update, context, DETAILS)
    await say(
        update,
        _(
            "<b>What happened?</b> Describe it in your own words: who is involved (names, "
            "phone numbers, social media accounts, agency names), what was promised, how much "
            "money was asked, where people are being sent, and how many people."
        ),
    )
    return DETAILS


async def details_given(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    _ = translator(update, context)
    text = clean_text(update.effective_message.text)
    problem = check_text(text, MAX_DETAILS, MIN_DETAILS)
    if problem:
        await say(update, text_problem(_, problem, MAX_DETAILS, MIN_DETAILS))
        return None
    draft_of(context).details = text
    return await next_step(update, context, EVIDENCE)


async def details_not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    await say(
        update,
        _("Please describe it in words first. You can send photos and files in the next step."),
    )
