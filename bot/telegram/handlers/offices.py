"""/kantor (/office): the service offices that cover a province.

The bot asks for the province (buttons, or typed the way /lapor reads it: "jatim", "Jawa
Timr"), then lists the offices from content/offices.yaml with each row's source and date.
A name it cannot read gets the closest provinces as buttons instead of a dead end.
"""

from __future__ import annotations

import html
import warnings

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
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

from bot.core.content import Content
from bot.core.offices import Office, Offices, resolve_province
from bot.core.provinces import Province, Provinces
from bot.i18n import N_, Translator
from bot.telegram import keyboards
from bot.telegram.commands import names
from bot.telegram.common import services, translator

PREFIX = keyboards.OFFICES
WAITING = "waiting"
PROVINCES_PER_PAGE = 8
WAIT_SECONDS = 600  # after this, typed text is a question for the FAQ again
END = ConversationHandler.END
MAX_TYPED = 60  # longer text is not a province name: show it back shortened
OFFICES_KEY = "offices"  # bot_data: the Offices loaded at start-up

KIND_TEXT = {
    "bp3mi": N_(
        "BP3MI (Balai Pelayanan Pelindungan Pekerja Migran Indonesia): the ministry's office "
        "for the province. Documents, pre-departure orientation, complaints."
    ),
    "p4mi": N_(
        "P4MI (Pos Pelayanan Pelindungan Pekerja Migran Indonesia): a post at a border or "
        "departure point. Helps workers leaving and coming home."
    ),
    "ltsa": N_(
        "LTSA (Layanan Terpadu Satu Atap): one place with several desks. Registration and the "
        "placement agreement."
    ),
    "disnaker": N_(
        "Disnaker (Dinas Tenaga Kerja): the manpower office. Information and registration start "
        "here."
    ),
    "helpdesk": N_("Help desk for migrant workers at the airport."),
}


def offices(context: ContextTypes.DEFAULT_TYPE | Application) -> Offices:
    """The office list loaded when the feature was registered."""
    application = context if isinstance(context, Application) else context.application
    return application.bot_data[OFFICES_KEY]


def _button(label: str, *values: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=keyboards.data(PREFIX, *values))


def province_keyboard(_: Translator, provinces: Provinces, page: int) -> InlineKeyboardMarkup:
    """Eight provinces a page, two a row, with ◀️ ▶️ to turn pages."""
    shown = provinces.page(page, PROVINCES_PER_PAGE)
    buttons = [_button(p.name, "pv", p.id) for p in shown]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    turn = []
    if page > 0:
        turn.append(_button("◀️", "pg", str(page - 1)))
    if page + 1 < provinces.pages(PROVINCES_PER_PAGE):
        turn.append(_button("▶️", "pg", str(page + 1)))
    if turn:
        rows.append(turn)
    return InlineKeyboardMarkup(rows)


def suggestion_keyboard(_: Translator, close: list[Province]) -> InlineKeyboardMarkup:
    rows = [[_button(p.name, "pv", p.id)] for p in close]
    rows.append([_button(_("📋 All provinces"), "pg", "0")])
    return InlineKeyboardMarkup(rows)


def offices_text(_: Translator, province: Province, offices: list[Office], content: Content) -> str:
    """The offices for one province, each with its source and date, then where to ask."""
    lines = [_("🏢 <b>Offices for {province}</b>", province=html.escape(province.name))]
    for office in offices:
        lines.append("\n" + _office_text(_, office))
    if not any(o.kind == "bp3mi" for o in offices):
        lines.append(
            "\n"
            + _(
                "Our list has no confirmed BP3MI for this province yet. BP3MI offices are in 23 "
                "provinces: ask the Disnaker or KP2MI which one serves you."
            )
        )
    lines.append("\n" + _footer(_, content))
    return "\n".join(lines)


def _office_text(_: Translator, office: Office) -> str:
    name = f"<b>{html.escape(office.name)}</b>"
    if office.place:
        name += f" – {html.escape(office.place)}"
    parts = [name, _(KIND_TEXT[office.kind])]
    if office.address:
        parts.append(_("Address: {address}", address=html.escape(office.address)))
    if office.phone:
        parts.append(_("Phone: {phone}", phone=html.escape(office.phone)))
    if office.note.get(_.lang):
        parts.append(f"<i>{html.escape(office.note[_.lang])}</i>")
    source = html.escape(office.source.name)
    if office.source.url:
        source = f'<a href="{html.escape(office.source.url, quote=True)}">{source}</a>'
    parts.append(_("Source: {source} (as of {date})", source=source, date=office.as_of))
    return "\n".join(parts)


def _footer(_: Translator, content: Content) -> str:
    contacts = [c for c in content.contacts if c.fallback]
    numbers = ", ".join(
        f"{html.escape(c.name[_.lang])} <code>{html.escape(c.value)}</code>" for c in contacts
    )
    text = _(
        "Registration starts at the Disnaker (manpower office) of your kabupaten or city, or at "
        "an LTSA. Ask your village office where it is. Addresses and opening hours change: "
        "check before you go."
    )
    if numbers:
        text += "\n" + _("Not sure? Ask: {numbers}.", numbers=numbers)
    return text


async def _ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = translator(update, context)
    await update.effective_message.reply_text(
        _(
            "<b>Which province are you in?</b> Type its name (for example: Jatim) or choose it "
            "below (use ◀️ ▶️ for more)."
        ),
        parse_mode=ParseMode.HTML,
        reply_markup=province_keyboard(_, services(context).provinces, 0),
    )
    return WAITING


async def office_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    """`/kantor` asks; `/kantor jatim` answers at once."""
    if context.args:
        return await _typed(update, context, " ".join(context.args))
    return await _ask(update, context)


async def office_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    await update.callback_query.answer()
    return await _ask(update, context)


async def province_typed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    return await _typed(update, context, update.effective_message.text or "")


async def _typed(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> str | int:
    _ = translator(update, context)
    provinces = services(context).provinces
    found, close = resolve_province(text, provinces)
    if found is not None:
        await _answer(update, context, found)
        return END
    shown = html.escape(" ".join(text.split())[:MAX_TYPED])
    if close:
        message = _(
            'I could not find a province called "{typed}". Did you mean one of these?',
            typed=shown,
        )
        markup = suggestion_keyboard(_, close)
    else:
        message = _(
            'I could not find a province called "{typed}". Please choose it from the list.',
            typed=shown,
        )
        markup = province_keyboard(_, provinces, 0)
    await update.effective_message.reply_text(message, reply_markup=markup)
    return WAITING


async def province_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    query = update.callback_query
    _prefix, values = keyboards.parse(query.data)
    province = services(context).provinces.get(values[1] if len(values) > 1 else None)
    if province is None:
        _ = translator(update, context)
        await query.answer(_("This button is out of date. Please send /office again."))
        return END
    await query.answer()
    await _answer(update, context, province)
    return END


async def province_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    query = update.callback_query
    _ = translator(update, context)
    _prefix, values = keyboards.parse(query.data)
    provinces = services(context).provinces
    try:
        page = min(max(int(values[1]), 0), provinces.pages(PROVINCES_PER_PAGE) - 1)
    except (IndexError, ValueError):
        page = 0
    await query.answer()
    await query.edit_message_reply_markup(province_keyboard(_, provinces, page))
    return WAITING


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, province: Province) -> None:
    _ = translator(update, context)
    svc = services(context)
    found = offices(context).for_province(province.id)
    await update.effective_message.reply_text(
        offices_text(_, province, found, svc.content), parse_mode=ParseMode.HTML
    )


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _ = translator(update, context)
    await update.effective_message.reply_text(_("OK. Send /office when you need it."))
    return END


def build_conversation() -> ConversationHandler:
    private = filters.ChatType.PRIVATE
    command = CommandHandler(names("office"), office_command, filters=private)
    pressed = CallbackQueryHandler(office_pressed, pattern=rf"^{PREFIX}:ask$")
    chosen = CallbackQueryHandler(province_chosen, pattern=rf"^{PREFIX}:pv:")
    paged = CallbackQueryHandler(province_page, pattern=rf"^{PREFIX}:pg:")
    with warnings.catch_warnings():
        # per_message=False on purpose: the question belongs to the person, not a message
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[command, pressed, chosen, paged],
            states={
                WAITING: [
                    chosen,
                    paged,
                    MessageHandler(private & filters.TEXT & ~filters.COMMAND, province_typed),
                ]
            },
            fallbacks=[CommandHandler(names("cancel"), cancel), command, pressed],
            conversation_timeout=WAIT_SECONDS,
            name="office",
            persistent=True,
        )


def register(application: Application) -> None:
    """Before the FAQ, so a province typed after /kantor is not read as a question. A broken
    offices.yaml stops the start-up (content check reports it the same way)."""
    svc = services(application)
    loaded, problems = Offices.load(svc.content.directory, svc.provinces)
    if problems:
        from bot.core.content import ContentError

        raise ContentError(problems)
    application.bot_data[OFFICES_KEY] = loaded
    application.add_handler(build_conversation())
