"""The fake Bot API behaves like Telegram for a real python-telegram-bot Application.

Each test drives a real ``telegram.ext.Application`` (long polling over HTTP on 127.0.0.1)
with a tiny echo bot defined here, or talks raw HTTP where PTB would hide the wire format.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import warnings
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.testing.fake_api import FakeBotAPI

# PTB itself reads RetryAfter.retry_after while constructing it, which warns on 22.x.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

USER = 1001
STAFF = 2002
DESK = -1001234567890


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter.retry_after is int or timedelta depending on PTB settings (deprecation)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


# -- the tiny bot under test ------------------------------------------------------------------
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Yes", callback_data="yes"),
                InlineKeyboardButton("No", callback_data="no"),
            ]
        ]
    )
    await update.effective_message.reply_text(
        "Welcome, <b>friend</b>!", parse_mode="HTML", reply_markup=keyboard
    )


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    context.bot_data.setdefault("pressed", []).append(query.data)
    await query.answer(f"You chose {query.data}")
    await query.edit_message_text(f"Chosen: {query.data}")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    context.bot_data.setdefault("seen", []).append(message)
    if message.chat.type == "private":
        await message.reply_text(message.text, do_quote=True)


async def photo_to_desk(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    await context.bot.copy_message(
        chat_id=DESK, from_chat_id=message.chat_id, message_id=message.message_id
    )
    await message.reply_text("Thanks, forwarded to the desk.")


async def member_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change = update.my_chat_member
    context.bot_data.setdefault("member_updates", []).append(change.new_chat_member.status)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as fake:
        fake.private_chat(USER, first_name="Siti", username="siti")
        fake.group_chat(DESK, "Coordination desk", admins=[STAFF])
        yield fake


@pytest.fixture
async def app(api: FakeBotAPI) -> AsyncIterator[Application]:
    application = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(pressed))
    application.add_handler(MessageHandler(filters.PHOTO, photo_to_desk))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.add_handler(ChatMemberHandler(member_changed, ChatMemberHandler.MY_CHAT_MEMBER))
    await application.initialize()
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=1)
    yield application
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


# -- conversations over long polling ----------------------------------------------------------
async def test_start_gets_an_answer(api: FakeBotAPI, app: Application) -> None:
    sent = await api.send_text(USER, "/start")
    assert sent["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]

    reply = await api.next_message(USER)

    assert reply["text"] == "Welcome, friend!"
    assert reply["entities"] == [{"type": "bold", "offset": 9, "length": 6}]
    assert reply["from"]["is_bot"] is True
    assert reply["chat"]["id"] == USER
    assert reply["message_id"] == sent["message_id"] + 1
    buttons = reply["reply_markup"]["inline_keyboard"][0]
    assert [b["callback_data"] for b in buttons] == ["yes", "no"]
    assert api.messages_to(USER) == [reply]


async def test_reply_chain_is_kept(api: FakeBotAPI, app: Application) -> None:
    question = await api.send_text(USER, "apa itu visa kerja?")
    reply = await api.next_message(USER)
    assert reply["text"] == "apa itu visa kerja?"
    assert reply["reply_to_message"]["message_id"] == question["message_id"]

    follow_up = await api.send_text(USER, "terima kasih", reply_to=reply["message_id"])
    await api.next_message(USER)
    seen = app.bot_data["seen"][-1]
    assert seen.message_id == follow_up["message_id"]
    assert seen.reply_to_message.message_id == reply["message_id"]
    assert [m["message_id"] for m in api.history(USER)] == [1, 2, 3, 4]


async def test_callback_button_round_trip(api: FakeBotAPI, app: Application) -> None:
    await api.send_text(USER, "/start")
    menu = await api.next_message(USER)

    query_id = await api.press(USER, menu["message_id"], "yes")
    [edit] = await api.wait_for("editMessageText", chat_id=USER)
    await api.wait_until(lambda: api.callback_answer(query_id))

    assert edit.message["text"] == "Chosen: yes"
    assert "edit_date" in edit.message
    assert "reply_markup" not in api.message(USER, menu["message_id"])
    assert api.callback_answer(query_id)["text"] == "You chose yes"
    assert app.bot_data["pressed"] == ["yes"]
    with pytest.raises(BadRequest, match="Query is too old"):
        await app.bot.answer_callback_query(query_id)


async def test_press_checks_the_button_unless_forced(api: FakeBotAPI, app: Application) -> None:
    await api.send_text(USER, "/start")
    menu = await api.next_message(USER)
    with pytest.raises(AssertionError, match="available"):
        await api.press(USER, menu["message_id"], "admin:delete-all")

    await api.press(USER, menu["message_id"], "admin:delete-all", force=True)
    await api.wait_for("answerCallbackQuery")
    assert app.bot_data["pressed"] == ["admin:delete-all"]


async def test_group_reply_from_staff_reaches_the_bot(api: FakeBotAPI, app: Application) -> None:
    posted = await app.bot.send_message(DESK, "Tip-off #1 from a user")
    staff_reply = await api.send_text(STAFF, "on it", chat_id=DESK, reply_to=posted.message_id)

    await api.wait_until(lambda: app.bot_data.get("seen"))
    seen = app.bot_data["seen"][-1]
    assert seen.chat.id == DESK
    assert seen.from_user.id == STAFF
    assert seen.message_id == staff_reply["message_id"]
    assert seen.reply_to_message.message_id == posted.message_id
    member = await app.bot.get_chat_member(DESK, STAFF)
    assert member.status == "administrator"


# -- Telegram's validation, surfaced as PTB exceptions ----------------------------------------
async def test_unescaped_html_is_rejected(api: FakeBotAPI, app: Application) -> None:
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await app.bot.send_message(USER, "<b>&<", parse_mode="HTML")
    [call] = await api.wait_for("sendMessage", ok=False, since=0)
    assert call.status == 400
    assert call.description.startswith("Bad Request: can't parse entities: ")
    assert api.messages_to(USER) == []

    await app.bot.send_message(USER, "<b>&amp;&lt;</b>", parse_mode="HTML")
    assert api.messages_to(USER)[-1]["text"] == "&<"


async def test_callback_data_over_64_bytes_is_rejected(api: FakeBotAPI, app: Application) -> None:
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="a" * 65)]])
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await app.bot.send_message(USER, "menu", reply_markup=too_long)
    multibyte = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 33)]])
    with pytest.raises(BadRequest):
        await app.bot.send_message(USER, "menu", reply_markup=multibyte)  # 66 bytes

    just_fits = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="a" * 64)]])
    await app.bot.send_message(USER, "menu", reply_markup=just_fits)
    assert len(api.messages_to(USER)) == 1


async def test_text_over_4096_is_rejected(api: FakeBotAPI, app: Application) -> None:
    with pytest.raises(BadRequest, match="Message is too long"):
        await app.bot.send_message(USER, "x" * 4097)
    with pytest.raises(BadRequest, match="Message is too long"):
        await app.bot.send_message(USER, "😀" * 2049)  # 4098 UTF-16 units
    # Markup does not count: 4096 visible characters inside tags are fine.
    await app.bot.send_message(USER, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await app.bot.send_message(USER, "<b> </b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="caption is too long"):
        await app.bot.send_photo(USER, b"\xff\xd8fake", caption="c" * 1025)
    assert len(api.messages_to(USER)) == 1


async def test_edit_with_identical_content_is_not_modified(
    api: FakeBotAPI, app: Application
) -> None:
    sent = await app.bot.send_message(USER, "same")
    with pytest.raises(BadRequest, match="Message is not modified"):
        await app.bot.edit_message_text("same", chat_id=USER, message_id=sent.message_id)
    edited = await app.bot.edit_message_text("changed", chat_id=USER, message_id=sent.message_id)
    assert edited.text == "changed"
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await app.bot.edit_message_text("x", chat_id=USER, message_id=999)


async def test_unknown_chat_is_not_found(app: Application) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await app.bot.send_message(777, "hello?")


# -- failures: flood control, blocking, injected faults ---------------------------------------
async def test_429_with_retry_after_surfaces_as_retry_after(
    api: FakeBotAPI, app: Application
) -> None:
    api.fail("sendMessage", 429, retry_after=3)
    with pytest.raises(RetryAfter) as excinfo:
        await app.bot.send_message(USER, "first")
    assert retry_seconds(excinfo.value) == 3
    assert api.messages_to(USER) == []

    await app.bot.send_message(USER, "second")  # the fault was used up
    assert [m["text"] for m in api.messages_to(USER)] == ["second"]
    assert api.stats["http_429"] == 1


async def test_blocked_user_gives_forbidden(api: FakeBotAPI, app: Application) -> None:
    api.block(USER)
    await api.wait_until(lambda: app.bot_data.get("member_updates"))
    assert app.bot_data["member_updates"] == ["kicked"]
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await app.bot.send_message(USER, "are you there?")

    api.unblock(USER)
    await app.bot.send_message(USER, "welcome back")
    assert [m["text"] for m in api.messages_to(USER)] == ["welcome back"]


async def test_injected_server_errors(api: FakeBotAPI, app: Application) -> None:
    api.fail("sendMessage", 502, count=2, chat_id=USER)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await app.bot.send_message(USER, "x")
    await app.bot.send_message(USER, "third time lucky")

    api.fail("sendMessage", 500, deliver=True)  # sent, but the bot hears "500"
    with pytest.raises(NetworkError):
        await app.bot.send_message(USER, "lost answer")
    assert [m["text"] for m in api.messages_to(USER)] == ["third time lucky", "lost answer"]
    assert api.stats["scripted_failures"] == 3


async def test_slow_response_hides_a_success(api: FakeBotAPI, app: Application) -> None:
    api.delay("sendMessage", 0.5)
    with pytest.raises(TimedOut):
        await app.bot.send_message(USER, "slow", read_timeout=0.1)
    assert [m["text"] for m in api.messages_to(USER)] == ["slow"]


async def test_flood_limits_per_chat_allow_a_short_burst(api: FakeBotAPI, app: Application) -> None:
    api.enforce_flood_limits(per_chat_burst=3)
    for text in ("one", "two", "three"):
        await app.bot.send_message(USER, text)
    with pytest.raises(RetryAfter) as excinfo:
        await app.bot.send_message(USER, "four")
    assert retry_seconds(excinfo.value) == 1
    assert api.stats["flood_429"] == 1
    assert [m["text"] for m in api.messages_to(USER)] == ["one", "two", "three"]


async def test_bulk_limit_applies_to_chats_that_did_not_write(
    api: FakeBotAPI, app: Application
) -> None:
    """A send to a chat with no update in the last minute is bulk (a broadcast); a reply to
    a chat that just wrote is not, and is not counted against the bulk limit."""
    api.enforce_flood_limits(bulk_per_second=3, per_chat_per_second=None)
    quiet = range(5001, 5005)
    talking = range(6001, 6011)
    for user_id in [*quiet, *talking]:
        api.private_chat(user_id)
    for user_id in talking:
        await api.send_text(user_id, "hi bot")
    replies = await asyncio.gather(
        *(app.bot.send_message(user_id, "hi") for user_id in talking), return_exceptions=True
    )
    assert not any(isinstance(r, Exception) for r in replies)
    bulk = await asyncio.gather(
        *(app.bot.send_message(user_id, "news") for user_id in quiet), return_exceptions=True
    )
    assert sum(isinstance(r, RetryAfter) for r in bulk) == 1
    assert api.stats["flood_429"] == 1


async def test_paid_broadcasts_get_a_higher_limit(api: FakeBotAPI, app: Application) -> None:
    api.enforce_flood_limits(bulk_per_second=2, per_chat_per_second=None, paid_per_second=5)
    users = range(5001, 5008)
    for user_id in users:
        api.private_chat(user_id)
    results = await asyncio.gather(
        *(app.bot.send_message(u, "paid", allow_paid_broadcast=True) for u in users),
        return_exceptions=True,
    )
    assert sum(isinstance(r, RetryAfter) for r in results) == 2


async def test_groups_get_twenty_messages_a_minute(api: FakeBotAPI, app: Application) -> None:
    api.group_chat(DESK, "Desk", members=[STAFF])
    api.enforce_flood_limits(per_chat_per_second=None)
    for number in range(20):
        await app.bot.send_message(DESK, f"card {number}")
    with pytest.raises(RetryAfter) as excinfo:
        await app.bot.send_message(DESK, "one too many")
    assert retry_seconds(excinfo.value) > 50
    assert len(api.messages_to(DESK)) == 20


async def test_random_failures_are_reproducible() -> None:
    async def run() -> list[int]:
        async with FakeBotAPI() as fake, aiohttp.ClientSession() as http:
            fake.private_chat(USER)
            fake.random_failures(rate=0.5, seed=7, methods={"sendMessage"}, statuses=(500, 429))
            statuses = []
            for i in range(20):
                url = f"{fake.base_url}{fake.token}/sendMessage"
                async with http.post(url, data={"chat_id": USER, "text": f"m{i}"}) as resp:
                    statuses.append(resp.status)
            assert len(fake.messages_to(USER)) == statuses.count(200)
            return statuses

    first, second = await run(), await run()
    assert first == second
    assert {200, 500, 429} == set(first)


# -- media, copies, settings ------------------------------------------------------------------
async def test_copy_user_photo_into_group(api: FakeBotAPI, app: Application) -> None:
    sent = await api.send_photo(USER, caption="agency asked for my passport")

    thanks = await api.next_message(USER)
    copied = await api.next_message(DESK)

    assert thanks["text"] == "Thanks, forwarded to the desk."
    assert copied["photo"] == sent["photo"]
    assert copied["caption"] == "agency asked for my passport"
    assert "forward_origin" not in copied
    file = await app.bot.get_file(copied["photo"][-1]["file_id"])
    assert bytes(await file.download_as_bytearray()).startswith(b"\xff\xd8")


async def test_uploads_and_albums(api: FakeBotAPI, app: Application) -> None:
    doc = await app.bot.send_document(USER, b"name,phone\n", filename="tips.csv", caption="export")
    assert doc.document.file_name == "tips.csv"
    downloaded = await (await app.bot.get_file(doc.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == b"name,phone\n"

    album = await app.bot.send_media_group(
        DESK, [InputMediaPhoto(b"\xff\xd8one"), InputMediaPhoto(doc.document.file_id)]
    )
    assert len(album) == 2
    assert album[0].media_group_id == album[1].media_group_id is not None
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await app.bot.send_photo(USER, "no-such-file-id")


async def test_forward_delete_pin(api: FakeBotAPI, app: Application) -> None:
    original = await api.send_text(USER, "forward me")
    await api.next_message(USER)  # the echo
    forwarded = await app.bot.forward_message(DESK, USER, original["message_id"])
    assert forwarded.forward_origin.sender_user.id == USER
    assert await app.bot.pin_chat_message(DESK, forwarded.message_id)
    assert (await app.bot.get_chat(DESK)).pinned_message.message_id == forwarded.message_id
    assert await app.bot.delete_message(DESK, forwarded.message_id)
    assert api.messages_to(DESK) == []
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await app.bot.delete_message(DESK, forwarded.message_id)


async def test_commands_and_descriptions_are_stored(api: FakeBotAPI, app: Application) -> None:
    await app.bot.set_my_commands([BotCommand("start", "Mulai")], language_code="id")
    scope = BotCommandScopeChat(DESK)
    await app.bot.set_my_commands([BotCommand("stats", "Desk stats")], scope=scope)
    await app.bot.set_my_description("Migrasi aman", language_code="id")
    await app.bot.set_my_short_description("Safe migration")

    assert [c.command for c in await app.bot.get_my_commands(language_code="id")] == ["start"]
    assert await app.bot.get_my_commands() == ()
    assert [c.command for c in await app.bot.get_my_commands(scope=scope)] == ["stats"]
    assert api.commands(language_code="id") == [{"command": "start", "description": "Mulai"}]
    assert api.descriptions()[("description", "id")] == "Migrasi aman"
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await app.bot.set_my_commands([BotCommand("Bad-Name", "x")])


async def test_bot_message_hook_sees_sends_and_edits(api: FakeBotAPI, app: Application) -> None:
    seen: list[tuple[str, bool]] = []
    unsubscribe = api.on_bot_message(lambda m: seen.append((m["text"], "edit_date" in m)))
    sent = await app.bot.send_message(USER, "hello")
    await app.bot.edit_message_text("hello again", chat_id=USER, message_id=sent.message_id)
    unsubscribe()
    await app.bot.send_message(USER, "unseen")
    assert seen == [("hello", False), ("hello again", True)]


async def test_remaining_methods_round_trip_through_ptb(api: FakeBotAPI, app: Application) -> None:
    bot = app.bot
    assert (await bot.get_me()).username == "test_bot"
    assert await bot.send_chat_action(USER, "typing")
    with pytest.raises(BadRequest, match="Wrong parameter action"):
        await bot.send_chat_action(USER, "dancing")

    photo = await bot.send_photo(USER, b"\xff\xd8p", caption="<i>before</i>", parse_mode="HTML")
    assert photo.caption_entities[0].type == "italic"
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="ok")]])
    captioned = await bot.edit_message_caption(
        chat_id=USER, message_id=photo.message_id, caption="after", reply_markup=keyboard
    )
    assert captioned.caption == "after"
    cleared = await bot.edit_message_reply_markup(chat_id=USER, message_id=photo.message_id)
    assert cleared.reply_markup is None
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(chat_id=USER, message_id=photo.message_id)

    video = await bot.send_video(USER, b"\x00\x00video", caption="clip")
    voice = await bot.send_voice(USER, b"OggS voice")
    assert video.video.file_id and voice.voice.file_id
    ids = await bot.copy_messages(DESK, USER, [photo.message_id, voice.message_id])
    assert len(ids) == 2
    assert [m.get("voice") is not None for m in api.messages_to(DESK)] == [False, True]

    chat = await bot.get_chat(USER)
    assert (chat.id, chat.first_name, chat.username) == (USER, "Siti", "siti")
    assert (await bot.get_chat_member(USER, USER)).status == "member"
    assert (await bot.get_chat_member(DESK, api.bot_user["id"])).status == "administrator"

    webhook = await bot.get_webhook_info()
    assert webhook.url == ""
    with pytest.raises(BadRequest, match="Chat member status can't be changed"):
        await bot.leave_chat(USER)
    assert await bot.leave_chat(DESK)
    with pytest.raises(Forbidden, match="not a member"):
        await bot.send_message(DESK, "still here?")


async def test_staff_without_private_chat_cannot_be_messaged(
    api: FakeBotAPI, app: Application
) -> None:
    api.user(3003, first_name="Dewi")
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await app.bot.send_message(3003, "hello")
    await api.send_text(3003, "/start")  # once they start the bot, it works
    await api.next_message(3003)


# -- the wire format, without PTB -------------------------------------------------------------
async def raw(
    api: FakeBotAPI, method: str, token: str | None = None, **kwargs: Any
) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http:
        url = f"{api.base_url}{token or api.token}/{method}"
        async with http.post(url, **kwargs) as resp:
            return resp.status, await resp.json()


async def test_http_error_shapes(api: FakeBotAPI) -> None:
    assert await raw(api, "noSuchMethod") == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    assert await raw(api, "getMe", token="123456:WRONG") == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    status, body = await raw(api, "getme")  # method names are case-insensitive
    assert status == 200
    assert body["result"]["is_bot"] is True
    assert [c.method for c in api.calls] == ["noSuchMethod", "getMe", "getMe"]
    assert [c.status for c in api.calls] == [404, 401, 200]


async def test_json_and_form_bodies(api: FakeBotAPI) -> None:
    markup = {"inline_keyboard": [[{"text": "ok", "callback_data": "ok"}]]}
    status, body = await raw(
        api, "sendMessage", json={"chat_id": str(USER), "text": "123", "reply_markup": markup}
    )
    assert status == 200
    assert body["result"]["text"] == "123"  # never JSON-decoded into a number
    assert body["result"]["reply_markup"] == markup

    form = {"chat_id": str(USER), "text": "true", "reply_markup": '{"remove_keyboard": true}'}
    status, body = await raw(api, "sendMessage", data=form)
    assert (status, body["result"]["text"]) == (200, "true")
    assert "reply_markup" not in body["result"]


async def test_long_poll_returns_as_soon_as_an_update_arrives(api: FakeBotAPI) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(raw(api, "getUpdates", data={"timeout": "5"}))
    await asyncio.sleep(0.05)
    await api.send_text(USER, "ping")
    status, body = await poll
    assert status == 200
    assert loop.time() - started < 1.0
    [update] = body["result"]
    assert update["message"]["text"] == "ping"

    # Confirming by offset removes it; an empty poll with timeout=0 returns at once.
    status, body = await raw(api, "getUpdates", data={"offset": str(update["update_id"] + 1)})
    assert body["result"] == []


async def test_a_long_poll_is_recorded_with_its_arrival_time(api: FakeBotAPI) -> None:
    """`Call.time` is when the answer was decided; `Call.started` when the request came, so
    a benchmark can tell when a new process began polling."""
    poll = asyncio.create_task(raw(api, "getUpdates", data={"timeout": "1"}))
    await asyncio.sleep(0.3)
    await api.send_text(USER, "ping")
    await poll
    [call] = [c for c in api.calls if c.method == "getUpdates"]
    assert call.time - call.started >= 0.25


async def test_skip_pending_marks_unread_messages_as_read(
    api: FakeBotAPI, app: Application
) -> None:
    await api.send_text(USER, "satu")
    await api.send_text(USER, "dua")
    await api.wait_for("sendMessage", count=2, since=0)
    skipped = api.skip_pending(USER)
    assert [m["text"] for m in skipped] == ["satu", "dua"]
    assert api.skip_pending(USER) == []
    await api.send_text(USER, "tiga")
    assert (await api.next_message(USER))["text"] == "tiga"


async def test_second_poller_terminates_the_first(api: FakeBotAPI) -> None:
    first = asyncio.create_task(raw(api, "getUpdates", data={"timeout": "5"}))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(raw(api, "getUpdates", data={"timeout": "0"}))
    status, body = await first
    assert status == 409
    assert body["description"].startswith("Conflict: terminated by other getUpdates request")
    assert (await second)[0] == 200


async def test_wait_for_times_out_with_context(api: FakeBotAPI) -> None:
    with pytest.raises(TimeoutError, match="recent calls"):
        await api.wait_for("sendMessage", chat_id=USER, timeout=0.05)
    with pytest.raises(TimeoutError, match="no new bot message"):
        await api.next_message(USER, timeout=0.05)


async def test_stop_leaves_no_tasks_behind() -> None:
    before = asyncio.all_tasks()
    api = FakeBotAPI()
    await api.start()
    api.private_chat(USER)
    application = ApplicationBuilder().token(api.token).base_url(api.base_url).build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    await application.initialize()
    await application.start()
    await application.updater.start_polling(poll_interval=0, timeout=1)
    await api.send_text(USER, "hi")
    await api.next_message(USER)
    await application.updater.stop()
    await application.stop()
    await application.shutdown()
    await api.stop()
    await asyncio.sleep(0)
    assert {t for t in asyncio.all_tasks() - before if not t.done()} == set()
