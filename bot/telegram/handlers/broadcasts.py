"""Staff broadcasts: /broadcast (/siaran) to compose, target, schedule, preview and confirm;
/broadcasts to follow and cancel them. Delivery itself is bot/telegram/delivery.py.

Only ADMIN_IDS and BROADCASTER_IDS can use any of it. For everyone else the commands do not
exist (they get the ordinary "unknown command" answer) and the buttons do nothing.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from babel.numbers import format_decimal
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.core.broadcasts.model import (
    Audience,
    BroadcastState,
    Counts,
    MessageContent,
    ScheduleError,
    duration_parts,
    example_times,
    hours_parts,
    jakarta_label,
    paid_estimate,
    parse_schedule,
)
from bot.i18n import N_, Translator
from bot.services import Services
from bot.storage.broadcasts import Broadcast
from bot.telegram import keyboards, lifecycle
from bot.telegram.commands import is_command, names
from bot.telegram.common import services, translator
from bot.telegram.delivery import DeliveryConfig, DeliveryWorker, worker_bot
from bot.telegram.handlers import privacy
from bot.telegram.handlers.subscriptions import stop_markup
from bot.telegram.sending import content_of, send_content

PREFIX = "bc"
DRAFT_KEY = "broadcast_draft"
WORKER_KEY = "broadcast_worker"
DRAFT_GROUP = -2  # after the flood guard (-10), before the tip-off relay (-1) and features
PAGE_SIZE = 10
RECENT = 8
SNIPPET = 40

STATE_LABELS = {
    BroadcastState.SCHEDULED: N_("scheduled"),
    BroadcastState.SENDING: N_("sending"),
    BroadcastState.DONE: N_("finished"),
    BroadcastState.CANCELLED: N_("cancelled"),
}


@dataclass
class Draft:
    """A broadcast being composed; lives in user_data until confirmed or cancelled."""

    step: str = "content"  # content → audience → time → confirm
    content: MessageContent | None = None
    audience: Audience = field(default_factory=Audience)
    provinces: set[str] = field(default_factory=set)
    scheduled_at: datetime | None = None
    paid: bool = False  # "paid, fast": allow_paid_broadcast at BROADCAST_PAID_RATE

    def to_dict(self) -> dict[str, Any]:
        """JSON for the persistence (bot/telegram/persistence.py), so a restart keeps it."""
        return {
            "step": self.step,
            "content": self.content.to_json() if self.content else None,
            "audience": self.audience.to_json(),
            "provinces": sorted(self.provinces),
            "scheduled_at": self.scheduled_at.isoformat() if self.scheduled_at else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draft:
        content, when = data.get("content"), data.get("scheduled_at")
        return cls(
            step=data.get("step") or "content",
            content=MessageContent.from_json(content) if content else None,
            audience=Audience.from_json(data.get("audience") or "{}"),
            provinces=set(data.get("provinces") or ()),
            scheduled_at=datetime.fromisoformat(when) if when else None,
        )


# -- texts shared with the delivery worker ---------------------------------------------------
def number(_: Translator, value: int) -> str:
    return format_decimal(value, locale=_.lang)


def eta_text(_: Translator, seconds: float) -> str:
    minutes, secs = duration_parts(seconds)
    if minutes:
        return _("about {minutes} min {seconds} s left", minutes=minutes, seconds=secs)
    return _("about {seconds} s left", seconds=secs)


def describe_audience(_: Translator, svc: Services, audience: Audience) -> str:
    if audience.everyone:
        return _("everyone")
    parts = []
    if audience.languages:
        names = [lang.name for lang in svc.content.languages if lang.code in audience.languages]
        parts.append(_("language: {names}", names=", ".join(names)))
    if audience.provinces:
        names = [p.name for p in svc.provinces.all if p.id in audience.provinces]
        parts.append(_("provinces: {names}", names=", ".join(names)))
    return html.escape("; ".join(parts))


def counts_lines(_: Translator, counts: Counts) -> str:
    return _(
        "✅ Sent: {sent} of {total}\n⚠️ Failed: {failed}\n🚫 Blocked: {blocked}",
        sent=number(_, counts.sent),
        total=number(_, counts.total),
        failed=number(_, counts.failed),
        blocked=number(_, counts.blocked),
    )


class BroadcastPresenter:
    """What the delivery worker shows: progress and report in the author's language, and
    the stop button in each recipient's language."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc
        self._markups: dict[str, InlineKeyboardMarkup] = {}

    def progress(self, broadcast: Broadcast, counts: Counts, eta: float | None) -> str:
        _ = self.svc.i18n.translator(broadcast.author_language)
        head = _(
            "📣 <b>Broadcast #{id}</b>: {state}",
            id=broadcast.id,
            state=_(STATE_LABELS[broadcast.state]),
        )
        lines = [head, counts_lines(_, counts)]
        if eta is not None and counts.remaining:
            lines.append("⏱ " + eta_text(_, eta))
        return "\n".join(lines)

    def report(self, broadcast: Broadcast, counts: Counts) -> str:
        _ = self.svc.i18n.translator(broadcast.author_language)
        if broadcast.state is BroadcastState.CANCELLED:
            head = _("⏹ Broadcast #{id} was cancelled.", id=broadcast.id)
        else:
            head = _("🏁 Broadcast #{id} is finished.", id=broadcast.id)
        lines = [head, counts_lines(_, counts)]
        if broadcast.started_at and broadcast.finished_at:
            took = (broadcast.finished_at - broadcast.started_at).total_seconds()
            minutes, seconds = duration_parts(took)
            lines.append(_("Took {minutes} min {seconds} s.", minutes=minutes, seconds=seconds))
        if broadcast.channel_state == "sent":
            lines.append(_("📢 Also posted to the channel."))
        elif broadcast.channel_state == "failed":
            lines.append(_("📢 Posting to the channel failed: check that the bot is an admin."))
        return "\n".join(lines)

    def recipient_markup(self, language: str) -> InlineKeyboardMarkup:
        """The stop button, built once per language (it is the same for every recipient;
        rebuilding it for each of 100,000 sends cost a tenth of a millisecond each)."""
        if language not in self._markups:
            self._markups[language] = stop_markup(self.svc.i18n.translator(language))
        return self._markups[language]


# -- keyboards ------------------------------------------------------------------------------
def _button(label: str, *values: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=keyboards.data(PREFIX, *values))


def audience_keyboard(_: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_button(_("👥 Everyone"), "all")],
            [_button(_("🌐 One language"), "langs")],
            [_button(_("📍 One or more provinces"), "pp", "0")],
            [_button(_("❌ Cancel"), "cancel")],
        ]
    )


def language_keyboard(_: Translator, svc: Services) -> InlineKeyboardMarkup:
    rows = [[_button(lang.name, "lang", lang.code)] for lang in svc.content.languages]
    rows.append([_button(_("⬅️ Back"), "aud")])
    return InlineKeyboardMarkup(rows)


def province_keyboard(
    _: Translator, svc: Services, chosen: set[str], page: int
) -> InlineKeyboardMarkup:
    provinces = svc.provinces
    page = max(0, min(page, provinces.pages(PAGE_SIZE) - 1))
    shown = provinces.page(page, PAGE_SIZE)
    labels = [("✅ " if p.id in chosen else "") + p.name for p in shown]
    buttons = [
        _button(label, "pt", p.id, str(page)) for label, p in zip(labels, shown, strict=True)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    nav = [_button("◀️", "pp", str(page - 1))] if page > 0 else []
    if page + 1 < provinces.pages(PAGE_SIZE):
        nav.append(_button("▶️", "pp", str(page + 1)))
    rows += [nav] if nav else []
    if chosen:
        rows.append([_button(_("Done ({count} chosen)", count=len(chosen)), "pdone")])
    rows.append([_button(_("⬅️ Back"), "aud")])
    return InlineKeyboardMarkup(rows)


def time_keyboard(_: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_button(_("🚀 Send now"), "now")],
            [_button(_("🕒 Choose a time"), "later")],
            [_button(_("⬅️ Back"), "aud")],
        ]
    )


def confirm_keyboard(_: Translator, size: int, paid: bool | None = None) -> InlineKeyboardMarkup:
    """`paid` None: paid broadcasts are off (no choice shown)."""
    rows = [[_button(_("✅ Send to {count}", count=number(_, size)), "send")]] if size else []
    if paid is not None and size:
        if paid:
            rows.append([_button(_("🐢 Switch to free, normal speed"), "free")])
        else:
            rows.append([_button(_("⚡ Switch to paid, fast (Telegram Stars)"), "paid")])
    rows.append([_button(_("👥 Change the audience"), "aud")])
    rows.append([_button(_("❌ Cancel"), "cancel")])
    return InlineKeyboardMarkup(rows)


# -- helpers --------------------------------------------------------------------------------
def is_staff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and user.id in services(context).settings.staff_broadcasters


def draft_of(context: ContextTypes.DEFAULT_TYPE) -> Draft | None:
    return (context.user_data or {}).get(DRAFT_KEY)


def worker(context: ContextTypes.DEFAULT_TYPE) -> DeliveryWorker:
    return context.application.bot_data[WORKER_KEY]


# -- compose --------------------------------------------------------------------------------
async def broadcast_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    context.user_data[DRAFT_KEY] = Draft()
    await update.effective_message.reply_text(
        _(
            "📣 <b>New broadcast</b>\n\nSend me the message exactly as subscribers should get "
            "it: text with formatting, or one photo or document with a caption.\n\n"
            "/cancel to stop."
        ),
        parse_mode=ParseMode.HTML,
    )


async def draft_input(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A staff member's message while a draft waits for content or a time."""
    draft, message = draft_of(context), update.effective_message
    if draft is None or message is None:
        return
    if message.text and message.text.startswith("/"):
        if is_command(message.text, "cancel"):
            await _cancel_draft(message, context, translator(update, context))
            raise ApplicationHandlerStop
        return  # other commands work as usual; the draft waits
    if draft.step not in ("content", "time"):
        return
    _ = translator(update, context)
    if draft.step == "content":
        await _content_received(message, draft, _)
    else:
        await _time_received(message, draft, _, context)
    raise ApplicationHandlerStop


async def _cancel_draft(message: Message, context: ContextTypes.DEFAULT_TYPE, _) -> None:
    context.user_data.pop(DRAFT_KEY, None)
    await message.reply_text(_("Cancelled. Nothing was sent."))


async def _content_received(message: Message, draft: Draft, _: Translator) -> None:
    content = content_of(message)
    if content is None:
        await message.reply_text(
            _("Please send text, one photo or one document (with a caption if you like).")
        )
        return
    draft.content, draft.step = content, "audience"
    await message.reply_text(_("Who should get it?"), reply_markup=audience_keyboard(_))


async def _time_received(
    message: Message, draft: Draft, _: Translator, context: ContextTypes.DEFAULT_TYPE
) -> None:
    try:
        draft.scheduled_at = parse_schedule(message.text or "", datetime.now(UTC))
    except ScheduleError as error:
        await message.reply_text(_schedule_problem(_, error.reason))
        return
    await _preview(message, draft, _, context)


def _schedule_problem(_: Translator, reason: str) -> str:
    if reason == "past":
        return _("That time has already passed. Please send a time in the future (WIB).")
    if reason == "too_far":
        return _("Please choose a time within the next 30 days.")
    full, dmy = example_times(datetime.now(UTC))
    return _(
        "I could not read that time. Examples: {full}, {dmy}, or 08:00 (Jakarta time, WIB).",
        full=full,
        dmy=dmy,
    )


async def _preview(
    message: Message, draft: Draft, _: Translator, context: ContextTypes.DEFAULT_TYPE
) -> None:
    """Send the very message subscribers will get, then the summary with the buttons."""
    draft.step = "confirm"
    await send_content(context.bot, message.chat_id, draft.content, stop_markup(_))
    svc = services(context)
    text, markup = await svc.db.run(summary, _, svc, draft)
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


def summary(_: Translator, svc: Services, draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    """The preview's summary and buttons (audience, time, and the paid choice if on)."""
    paid_rate = svc.settings.broadcast_paid_rate
    if paid_rate is None:
        draft.paid = False
    size = svc.subscribers.count(draft.audience)
    when = jakarta_label(draft.scheduled_at) if draft.scheduled_at else _("now")
    lines = [
        _("👆 This is exactly what subscribers will get."),
        _(
            "Audience: {audience}\nSubscribers in it now: {count}",
            audience=describe_audience(_, svc, draft.audience),
            count=number(_, size),
        ),
        _("When: {when}", when=when),
    ]
    if svc.settings.broadcast_channel_id is not None:
        lines.append(_("It will also be posted to the public channel."))
    if size == 0:
        lines.append(_("⚠️ No subscriber matches this audience yet."))
    elif paid_rate is not None:
        lines.append(paid_lines(_, svc, draft.paid, size, paid_rate))
    choice = None if paid_rate is None else draft.paid
    return "\n".join(lines), confirm_keyboard(_, size, choice)


def long_duration(_: Translator, seconds: float) -> str:
    hours, minutes, secs = hours_parts(seconds)
    if hours:
        return _("{hours} h {minutes} min", hours=hours, minutes=minutes)
    if minutes:
        return _("{minutes} min {seconds} s", minutes=minutes, seconds=secs)
    return _("{seconds} s", seconds=secs)


def paid_lines(_: Translator, svc: Services, paid: bool, size: int, paid_rate: int) -> str:
    """Free vs paid: how long each takes and what paid costs, before staff confirm."""
    settings = svc.settings
    price = settings.broadcast_paid_stars_per_message
    estimate = paid_estimate(size, settings.broadcast_rate, paid_rate, price)
    speed = _("⚡ Speed: paid, fast (Telegram Stars)") if paid else _("🐢 Speed: free, normal")
    return "\n".join(
        [
            speed,
            _(
                "Free ({rate} a second): about {duration}",
                rate=settings.broadcast_rate,
                duration=long_duration(_, estimate.free_seconds),
            ),
            _(
                "Paid ({rate} a second): about {duration}, about {stars} Stars "
                "({price} Star per message)",
                rate=paid_rate,
                duration=long_duration(_, estimate.paid_seconds),
                stars=number(_, estimate.stars),
                price=format_decimal(price, locale=_.lang),
            ),
        ]
    )


# -- buttons --------------------------------------------------------------------------------
async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if not is_staff(update, context):
        await query.answer()
        return
    _ = translator(update, context)
    _prefix, values = keyboards.parse(query.data)
    action, args = (values[0], values[1:]) if values else ("", [])
    if action in MANAGE_ACTIONS:
        await MANAGE_ACTIONS[action](update, context, _, args)
        return
    draft = draft_of(context)
    if draft is None or draft.content is None or action not in DRAFT_ACTIONS:
        await query.answer(_("This button is out of date."))
        return
    await DRAFT_ACTIONS[action](update, context, _, draft, args)


async def _show_audience(update, context, _, draft: Draft, args) -> None:
    draft.step, draft.scheduled_at = "audience", None
    await update.callback_query.answer()
    await _edit(update, _("Who should get it?"), audience_keyboard(_))


async def _everyone(update, context, _, draft: Draft, args) -> None:
    draft.audience = Audience()
    await _ask_time(update, _, draft)


async def _show_languages(update, context, _, draft: Draft, args) -> None:
    await update.callback_query.answer()
    await _edit(update, _("Which language?"), language_keyboard(_, services(context)))


async def _language(update, context, _, draft: Draft, args) -> None:
    if not args or args[0] not in services(context).content.language_codes:
        await update.callback_query.answer(_("This button is out of date."))
        return
    draft.audience = Audience(languages=frozenset([args[0]]))
    await _ask_time(update, _, draft)


async def _province_page(update, context, _, draft: Draft, args) -> None:
    page = int(args[0]) if args and args[0].isdecimal() else 0
    await update.callback_query.answer()
    markup = province_keyboard(_, services(context), draft.provinces, page)
    await _edit(update, _("Choose one or more provinces, then press Done."), markup)


async def _toggle_province(update, context, _, draft: Draft, args) -> None:
    if not args or args[0] not in services(context).provinces:
        await update.callback_query.answer(_("This button is out of date."))
        return
    draft.provinces ^= {args[0]}
    await _province_page(update, context, _, draft, args[1:])


async def _provinces_done(update, context, _, draft: Draft, args) -> None:
    if not draft.provinces:
        await update.callback_query.answer(_("Choose at least one province."))
        return
    draft.audience = Audience(provinces=frozenset(draft.provinces))
    await _ask_time(update, _, draft)


async def _ask_time(update: Update, _: Translator, draft: Draft) -> None:
    draft.step = "when"
    await update.callback_query.answer()
    await _edit(update, _("When should it go out?"), time_keyboard(_))


async def _now(update, context, _, draft: Draft, args) -> None:
    draft.scheduled_at = None
    await update.callback_query.answer()
    await _edit(update, _("Here is the preview:"), None)
    await _preview(update.callback_query.message, draft, _, context)


async def _later(update, context, _, draft: Draft, args) -> None:
    draft.step = "time"
    await update.callback_query.answer()
    await _edit(
        update,
        _(
            "Send the date and time in Jakarta time (WIB), for example {full}, or "
            "just 08:00 for the next 08:00.",
            full=example_times(datetime.now(UTC))[0],
        ),
        None,
    )


async def _set_paid(update, context, _, draft: Draft, args) -> None:
    """Toggle "paid, fast" in the preview; the summary is redrawn with the new choice."""
    query = update.callback_query
    svc = services(context)
    if draft.step != "confirm" or svc.settings.broadcast_paid_rate is None:
        await query.answer(_("This button is out of date."))
        return
    draft.paid = keyboards.parse(query.data)[1][0] == "paid"
    await query.answer()
    text, markup = await svc.db.run(summary, _, svc, draft)
    await _edit(update, text, markup)


async def _cancel(update, context, _, draft: Draft, args) -> None:
    context.user_data.pop(DRAFT_KEY, None)
    await update.callback_query.answer()
    await _edit(update, _("Cancelled. Nothing was sent."), None)


async def _confirm(update, context, _, draft: Draft, args) -> None:
    query = update.callback_query
    if draft.step != "confirm":
        await query.answer(_("This button is out of date."))
        return
    context.user_data.pop(DRAFT_KEY, None)  # a second tap finds no draft: never two copies
    svc = services(context)
    when = draft.scheduled_at or datetime.now(UTC)
    broadcast_id = await svc.db.run(
        svc.broadcasts.create,
        query.from_user.id,
        _.lang,
        draft.content,
        draft.audience,
        when,
        cross_post=svc.settings.broadcast_channel_id is not None,
        paid=draft.paid and svc.settings.broadcast_paid_rate is not None,
    )
    await query.answer()
    await query.edit_message_reply_markup(None)
    if draft.scheduled_at:
        text = _(
            "🕒 Broadcast #{id} is scheduled for {when}. /broadcasts to follow or cancel it.",
            id=broadcast_id,
            when=jakarta_label(draft.scheduled_at),
        )
    else:
        text = _("📣 Broadcast #{id}: starting…", id=broadcast_id)
    progress = await query.message.reply_text(text)
    where = progress.chat_id, progress.message_id
    await svc.db.run(svc.broadcasts.set_progress_message, broadcast_id, *where)
    worker(context).wake()


async def _edit(update: Update, text: str, markup: InlineKeyboardMarkup | None) -> None:
    await update.callback_query.edit_message_text(
        text, parse_mode=ParseMode.HTML, reply_markup=markup
    )


DRAFT_ACTIONS = {
    "aud": _show_audience,
    "all": _everyone,
    "langs": _show_languages,
    "lang": _language,
    "pp": _province_page,
    "pt": _toggle_province,
    "pdone": _provinces_done,
    "now": _now,
    "later": _later,
    "cancel": _cancel,
    "send": _confirm,
    "paid": _set_paid,
    "free": _set_paid,
}


# -- follow and cancel ------------------------------------------------------------------------
def list_entry(_: Translator, svc: Services, broadcast: Broadcast) -> str:
    snippet = broadcast.content.text[:SNIPPET] + (
        "…" if len(broadcast.content.text) > SNIPPET else ""
    )
    head = _(
        "<b>#{id}</b> · {when} · {audience} · {state}",
        id=broadcast.id,
        when=jakarta_label(broadcast.scheduled_at),
        audience=describe_audience(_, svc, broadcast.audience),
        state=_(STATE_LABELS[broadcast.state]),
    )
    lines = [head, f"<i>{html.escape(snippet)}</i>" if snippet else ""]
    if broadcast.state is BroadcastState.SCHEDULED:
        count = number(_, svc.subscribers.count(broadcast.audience))
        lines.append(_("Subscribers now: {count}", count=count))
    else:
        counts = svc.broadcasts.counts(broadcast.id)
        lines.append(counts_lines(_, counts).replace("\n", " · "))
    return "\n".join(line for line in lines if line)


def list_view(_: Translator, svc: Services) -> tuple[str, InlineKeyboardMarkup]:
    recent = svc.broadcasts.recent(RECENT)
    if not recent:
        return _("No broadcasts yet. Start one with /broadcast."), InlineKeyboardMarkup([])
    text = "\n\n".join([_("📣 <b>Recent broadcasts</b>")] + [list_entry(_, svc, b) for b in recent])
    running = (BroadcastState.SCHEDULED, BroadcastState.SENDING)
    rows = [
        [_button(_("⏹ Cancel #{id}", id=b.id), "stop", str(b.id))]
        for b in recent
        if b.state in running
    ]
    rows.append([_button(_("🔄 Refresh"), "list")])
    return text, InlineKeyboardMarkup(rows)


async def broadcasts_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translator(update, context)
    svc = services(context)
    text, markup = await svc.db.run(list_view, _, svc)
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def _refresh(update, context, _, args) -> None:
    await update.callback_query.answer()
    svc = services(context)
    text, markup = await svc.db.run(list_view, _, svc)
    try:
        await _edit(update, text, markup)
    except Exception:  # "message is not modified": nothing changed since the last look
        return


async def _ask_stop(update, context, _, args) -> None:
    if not args or not args[0].isdecimal():
        await update.callback_query.answer()
        return
    await update.callback_query.answer()
    markup = InlineKeyboardMarkup(
        [
            [_button(_("⏹ Yes, cancel #{id}", id=args[0]), "stopyes", args[0])],
            [_button(_("⬅️ No, keep it"), "list")],
        ]
    )
    await _edit(
        update, _("Cancel broadcast #{id}? Messages already sent stay sent.", id=args[0]), markup
    )


async def _stop(update, context, _, args) -> None:
    query = update.callback_query
    if not args or not args[0].isdecimal() or not await worker(context).cancel(int(args[0])):
        await query.answer(_("This broadcast is no longer running."))
    else:
        await query.answer(_("Cancelled."))
    await _refresh(update, context, _, [])


MANAGE_ACTIONS = {"list": _refresh, "stop": _ask_stop, "stopyes": _stop}


# -- wiring ---------------------------------------------------------------------------------
def register(application: Application) -> None:
    svc = services(application)
    staff = filters.User(user_id=svc.settings.staff_broadcasters) & filters.ChatType.PRIVATE
    application.add_handler(
        MessageHandler(staff & (filters.TEXT | filters.PHOTO | filters.Document.ALL), draft_input),
        group=DRAFT_GROUP,
    )
    application.add_handler(CommandHandler(names("broadcast"), broadcast_command, staff))
    application.add_handler(CommandHandler(names("broadcasts"), broadcasts_command, staff))
    application.add_handler(CallbackQueryHandler(pressed, pattern=rf"^{PREFIX}:"))
    config = DeliveryConfig.from_settings(svc.settings)
    delivery = DeliveryWorker(
        svc, worker_bot(svc.settings, config.pool_size), BroadcastPresenter(svc), config
    )
    application.bot_data[WORKER_KEY] = delivery
    lifecycle.on_start_stop(application, delivery.start, delivery.stop)
    privacy.add_eraser(application, lambda svc, user_id: svc.broadcasts.forget_user(user_id))
