"""Property-based fuzzing of the real Application through the Bot API emulator.

Hypothesis generates sequences of user actions (text with random unicode, HTML-like markup
and entities, very long text, commands, captions, media, albums, edits, button presses with
real and garbage callback data, posts in groups, supergroups and channels, desk replies) and
plays them against one running bot. After every action the bot is allowed to settle, and a
`Findings` collects what must never happen:

* **crashes**: a log record at ERROR or above, or any record carrying a traceback (the error
  handler logs every unhandled exception with its traceback);
* **rejected requests**: a request the emulator refused as Telegram would (HTTP 400: bad
  HTML, text over 4,096 characters, bad callback data, ...);
* **leaks**: a reporter's first name, @username or user id in any request bound for the desk
  group, unless that reporter pressed "show my name".

Used by `tests/test_fuzz.py` (a short profile in CI) and `bench/fuzz_bench.py` (≥ 10,000
updates, figures in bench/results/fuzz.md).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from bot.config import Settings
from bot.services import Services
from bot.storage import Database
from bot.testing.fake_api import Call, FakeBotAPI
from bot.testing.fake_methods import utf16_len
from bot.testing.harness import emulator_settings, running_application

ADMIN = 900  # also a broadcaster
DESK_MEMBER = 910
DESK = -1001000
GROUP = -2001
SUPERGROUP = -1002002
CHANNEL = -1003003
# Reporters get distinctive names so that any trace of them on the desk is unmistakable.
REPORTERS = {
    7346519001: ("Zarnubia", "zq_lapor_satu"),
    7346519002: ("Qwimbleth", "zq_lapor_dua"),
    7346519003: ("Yorvadine", None),
    7346519004: ("Xenthorpe", "zq_lapor_empat"),
}
STAFF = (ADMIN, DESK_MEMBER)
USERS = (*REPORTERS, *STAFF)

COMMANDS = (
    "/start",
    "/menu",
    "/help",
    "/darurat",
    "/emergency",
    "/cek",
    "/check",
    "/lapor",
    "/report",
    "/status",
    "/bahasa",
    "/language",
    "/langganan",
    "/subscribe",
    "/berhenti",
    "/hapusdata",
    "/cancel",
    "/skip",
    "/cases",
    "/siaran",
    "/broadcast",
    "/broadcasts",
    "/start rp",
    "/start ck",
    "/nosuchcommand",
    "/lapor@test_bot",
)
PREFIXES = (
    "rp",
    "ck",
    "bc",
    "dk",
    "del",
    "sub",
    "faq",
    "cat",
    "lang",
    "fb",
    "menu",
    "contacts",
    "none",
    "rl",
)
HTML_BITS = (
    "<b>",
    "</b>",
    "<i>x</i>",
    "<a href='http://x'>",
    "</a>",
    "<script>",
    "&amp;",
    "&",
    "<",
    ">",
    "&#x1F600;",
    "<tg-spoiler>",
    "<pre><code>",
    "\u202e",
    "\u200b",
    "\n",
    "👍🏽",
    "𝕏",
)
WORDS = (
    "lowongan",
    "kerja",
    "Malaysia",
    "paspor ditahan",
    "gaji 15jt",
    "WA 0812-0000-1234",
    "PT Maju Jaya",
    "visa turis",
    "agen",
    "biaya",
    "Kamboja",
    "https://bit.ly/x",
    "@someone",
    "#tag",
)


# -- the actions ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    kind: str
    user: int
    chat: int | None = None  # None: the user's private chat
    text: str = ""
    entities: tuple[tuple[str, int, int], ...] = ()
    number: int = 0
    steps: tuple[int | str, ...] = ()  # a walk: button indexes and typed texts


def _text() -> st.SearchStrategy[str]:
    bits = st.one_of(
        st.text(max_size=40),
        st.sampled_from(HTML_BITS),
        st.sampled_from(WORDS),
        st.sampled_from(COMMANDS),
    )
    short = st.lists(bits, max_size=8).map(" ".join)
    long = st.builds(
        lambda word, n, tail: (word + " ") * n + tail,
        st.sampled_from(WORDS + HTML_BITS),
        st.integers(300, 700),
        st.text(max_size=20),
    )
    return st.one_of(short, short, short, long, st.text(min_size=4000, max_size=4096))


@st.composite
def _entities(draw: st.DrawFn, text: str) -> tuple[tuple[str, int, int], ...]:
    size = utf16_len(text)
    if size == 0:
        return ()
    kinds = st.sampled_from(("bold", "italic", "code", "url", "mention", "spoiler", "pre"))
    found = []
    for _ in range(draw(st.integers(0, 3))):
        offset = draw(st.integers(0, size - 1))
        length = draw(st.integers(1, size - offset))
        found.append((draw(kinds), offset, length))
    return tuple(found)


def _callback_data() -> st.SearchStrategy[str]:
    garbage = st.text(min_size=1, max_size=20)
    looking_real = st.builds(
        lambda prefix, parts: ":".join((prefix, *parts)),
        st.sampled_from(PREFIXES),
        st.lists(st.one_of(st.text(max_size=6), st.integers(-5, 10**12).map(str)), max_size=3),
    )
    return st.one_of(garbage, looking_real).filter(lambda d: 1 <= len(d.encode()) <= 64)


@st.composite
def action(draw: st.DrawFn) -> Action:
    kind = draw(
        st.sampled_from(
            (
                "text",
                "text",
                "command",
                "command",
                "press",
                "press",
                "press",
                "press",
                "press_garbage",
                "media",
                "album",
                "edit",
                "desk_reply",
                "desk_press",
                "contact",
                "forward",
                "channel_post",
                "block",
                "walk",
                "walk",
            )
        )
    )
    user = draw(st.sampled_from(USERS if kind not in ("desk_reply", "desk_press") else STAFF))
    in_group = draw(st.integers(0, 9)) == 0
    chat = draw(st.sampled_from((GROUP, SUPERGROUP))) if in_group else None
    if kind in ("text", "edit", "forward", "channel_post", "desk_reply"):
        text = draw(_text())
        return Action(kind, user, chat, text, draw(_entities(text)))
    if kind == "command":
        suffix = draw(st.one_of(st.just(""), _text().map(lambda t: " " + t[:200])))
        return Action(kind, user, chat, draw(st.sampled_from(COMMANDS)) + suffix)
    if kind == "press_garbage":
        return Action(kind, user, chat, draw(_callback_data()))
    if kind == "walk":  # into the middle of a conversation: a flow, then steps through it
        flows = ("/lapor", "/cek", "/langganan", "/siaran", "/hapusdata", "/bahasa", "/menu")
        steps = draw(st.lists(st.one_of(st.integers(0, 30), _text()), max_size=10))
        return Action(kind, user, chat, draw(st.sampled_from(flows)), steps=tuple(steps))
    if kind == "media":
        caption = draw(st.one_of(st.just(""), _text().map(lambda t: t[:1024])))
        medium = ("photo", "document", "voice", "sticker", "location")
        return Action(kind, user, chat, caption, number=draw(st.integers(0, len(medium) - 1)))
    return Action(kind, user, chat, number=draw(st.integers(0, 30)))


actions = st.lists(action(), min_size=1, max_size=12)


# -- what must never happen -------------------------------------------------------------------
@dataclass
class Findings:
    updates: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    crashes: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.crashes or self.rejected or self.leaks)

    def summary(self) -> str:
        lines = [
            f"updates {self.updates}, crashes {len(self.crashes)}, rejected requests "
            f"{len(self.rejected)}, leaks {len(self.leaks)}"
        ]
        for title, items in (
            ("crash", self.crashes),
            ("rejected", self.rejected),
            ("leak", self.leaks),
        ):
            for text, count in Counter(items).most_common(10):
                lines.append(f"  {title} ×{count}: {text[:300]}")
        return "\n".join(lines)


class _Recorder(logging.Handler):
    """Every record at ERROR or above, or with a traceback, from any logger."""

    def __init__(self, findings: Findings) -> None:
        super().__init__(logging.DEBUG)
        self.findings = findings

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            error = record.exc_info[1] if record.exc_info else None
            detail = f"{type(error).__name__}: {error}" if error else ""
            self.findings.crashes.append(f"{record.name}: {record.getMessage()} {detail}")


# -- the world: one bot, played by the actions -----------------------------------------------
class FuzzWorld:
    """The emulator and the real Application on an event loop of their own (a thread), so
    Hypothesis's synchronous test function can drive them example after example."""

    def __init__(self, base: Settings, directory: Path) -> None:
        self.base = base
        self.directory = directory
        self.findings = Findings()
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._stack = AsyncExitStack()
        self._checked = 0  # calls already checked
        self._shown: set[int] = set()  # reporters who chose to show their name
        self._last_text: dict[tuple[int, int], int] = {}
        self.api: FakeBotAPI
        self.services: Services
        self.application: Any

    # lifecycle
    def start(self) -> FuzzWorld:
        self._thread.start()
        self._run(self._start())
        self._recorder = _Recorder(self.findings)
        logging.getLogger().addHandler(self._recorder)
        return self

    def stop(self) -> None:
        logging.getLogger().removeHandler(self._recorder)
        try:
            self._run(self._stack.aclose(), timeout=60)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)

    def _run(self, coroutine: Any, timeout: float = 120) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def _start(self) -> None:
        self.api = await self._stack.enter_async_context(FakeBotAPI())
        database = self.directory / "fuzz.sqlite3"
        settings = dataclasses.replace(
            emulator_settings(self.api, self.base, database),
            admin_ids=frozenset({ADMIN}),
            broadcaster_ids=frozenset({ADMIN}),
            desk_chat_id=DESK,
            flood_limit_per_minute=10_000,
            report_daily_limit=1000,
            broadcast_rate=200,
            broadcast_progress_seconds=3.0,
        )
        self.services = Services.build(settings, Database.open(database))
        self._stack.callback(self.services.db.close)
        for user_id, (name, username) in REPORTERS.items():
            self.api.private_chat(user_id, first_name=name, username=username)
        self.api.private_chat(ADMIN, first_name="Admin", username="desk_admin")
        self.api.private_chat(DESK_MEMBER, first_name="Deskmember", username="desk_member")
        self.api.group_chat(DESK, "Desk", members=[DESK_MEMBER], admins=[ADMIN])
        self.api.group_chat(GROUP, "Kampung", chat_type="group", members=list(USERS))
        self.api.group_chat(SUPERGROUP, "Komunitas PMI", members=list(USERS))
        self.api.group_chat(CHANNEL, "Kanal", chat_type="channel", admins=[ADMIN])
        self.application = await self._stack.enter_async_context(
            running_application(self.services, self.api)
        )

    # playing
    def play(self, sequence: list[Action]) -> None:
        self._run(self._play(sequence))

    async def _play(self, sequence: list[Action]) -> None:
        for step in sequence:
            self.findings.actions[step.kind] += 1
            sent = await self._do(step)
            self.findings.updates += sent
            if sent:
                await self.settle()
        self._check_calls()

    async def settle(self, quiet: float = 0.01, longest: float = 10.0) -> None:
        """Wait until every update was fetched and handled and no request came for `quiet`
        seconds (album answers and outbox jobs may still come later: checked then)."""
        deadline = time.monotonic() + longest
        processor = self.application.update_processor
        seen, still = -1, 0
        while time.monotonic() < deadline and still < 2:
            await asyncio.sleep(quiet)
            busy = (
                bool(self.api.state.updates)
                or not self.application.update_queue.empty()
                or processor.current_concurrent_updates > 0
            )
            calls = len(self.api.calls)
            still = 0 if busy or calls != seen else still + 1
            seen = calls

    async def _do(self, step: Action) -> int:
        api, user = self.api, step.user
        chat = step.chat
        entities = [{"type": t, "offset": o, "length": n} for t, o, n in step.entities] or None
        if step.kind in ("text", "command"):
            message = await api.send_text(
                user, step.text or ".", chat_id=chat, entities=entities if step.text else None
            )
            self._last_text[(user, message["chat"]["id"])] = message["message_id"]
            return 1
        if step.kind == "edit":
            target = self._last_text.get((user, chat or user))
            if target is None or not step.text:
                return 0
            await api.edit_text(user, target, step.text, chat_id=chat)
            return 1
        if step.kind == "forward":
            await api.forward_text(user, step.text or "info", chat_id=chat)
            return 1
        if step.kind == "media":
            return await self._media(step)
        if step.kind == "walk":
            return await self._walk(step)
        if step.kind == "album":
            await api.send_album(user, 2 + step.number % 9, step.text or None, chat_id=chat)
            return 2 + step.number % 9
        if step.kind == "contact":
            own = step.number % 3 != 0
            phone = f"+62812{step.number:07d}"
            await api.send_contact(user, phone, None if own else "Someone", chat_id=chat)
            return 1
        if step.kind in ("press", "press_garbage", "desk_press"):
            return await self._press(step)
        if step.kind == "desk_reply":
            return await self._desk_reply(step)
        if step.kind == "channel_post":
            self._channel_post(step.text)
            return 1
        if step.kind == "block":
            if user in STAFF:
                return 0
            api.unblock(user) if api.state.chats[user].blocked else api.block(user)
            return 1
        return 0

    async def _walk(self, step: Action) -> int:
        """A flow's command, then each step: press a button of the latest keyboard (an int)
        or type a text, settling in between, as a person going through the flow would."""
        sent = await self._do(Action("command", step.user, step.chat, step.text))
        for move in step.steps:
            await self.settle()
            if isinstance(move, int):
                press = Action("press", step.user, step.chat, number=move)
                sent += await self._press(press)
            else:
                sent += await self._do(Action("text", step.user, step.chat, move or "."))
        return sent

    async def _media(self, step: Action) -> int:
        api, user, chat, caption = self.api, step.user, step.chat, step.text or None
        kind = ("photo", "document", "voice", "sticker", "location")[step.number]
        if kind == "photo":
            await api.send_photo(user, caption, chat_id=chat)
        elif kind == "document":
            await api.send_document(user, caption=caption, chat_id=chat)
        elif kind == "voice":
            await api.send_voice(user, caption=caption, chat_id=chat)
        elif kind == "sticker":
            await api.send_sticker(user, chat_id=chat)
        else:
            await api.send_location(user, chat_id=chat)
        return 1

    def _latest_with_buttons(self, chat_id: int) -> dict[str, Any] | None:
        for message in reversed(self.api.messages_to(chat_id)):
            if (message.get("reply_markup") or {}).get("inline_keyboard"):
                return message
        return None

    async def _press(self, step: Action) -> int:
        chat_id = DESK if step.kind == "desk_press" else (step.chat or step.user)
        message = self._latest_with_buttons(chat_id)
        if message is None:
            return 0
        buttons = [
            b["callback_data"]
            for row in message["reply_markup"]["inline_keyboard"]
            for b in row
            if "callback_data" in b
        ]
        if step.kind == "press_garbage":
            data, force = step.text, True
        elif buttons:
            data, force = buttons[step.number % len(buttons)], False
        else:
            return 0
        if data == "rp:id:show" and chat_id == step.user:
            self._shown.add(step.user)
        await self.api.press(
            step.user,
            message["message_id"],
            data,
            chat_id=None if chat_id > 0 else chat_id,
            force=force,
        )
        return 1

    async def _desk_reply(self, step: Action) -> int:
        cards = self.api.messages_to(DESK)
        if not cards:
            return 0
        target = cards[step.number % len(cards)]
        await self.api.send_text(step.user, step.text or "ok", target["message_id"], chat_id=DESK)
        return 1

    def _channel_post(self, text: str) -> None:
        chat = self.api.state.chats[CHANNEL]
        message = self.api.state.add_message(
            chat, {"id": 136817688, "is_bot": True, "first_name": "Channel"}, {"text": text or "."}
        )
        message.pop("from", None)
        message["sender_chat"] = chat.to_dict()
        self.api.state.queue_update("channel_post", message)

    # checking
    def _check_calls(self) -> None:
        calls = self.api.calls[self._checked :]
        self._checked += len(calls)
        for call in calls:
            self._check(call)

    def check_now(self) -> None:
        """Let late work (album answers, outbox jobs) finish, then check what is left."""
        self._run(self._late())

    async def _late(self) -> None:
        await asyncio.sleep(1.2)
        await self.settle(longest=5)
        self._check_calls()

    def _check(self, call: Call) -> None:
        if call.status == 400:
            shown = {k: v for k, v in call.params.items() if k in ("chat_id", "message_id")}
            query = self.api.state.callback_queries.get(call.params.get("callback_query_id", ""))
            if query is not None:
                shown = {"data": query["data"], "chat_id": query["chat_id"]}
            self.findings.rejected.append(f"{call.method} {shown}: {call.description}")
        if call.chat_id == DESK or call.params.get("from_chat_id") is not None:
            self._check_leak(call)

    def _check_leak(self, call: Call) -> None:
        if call.chat_id != DESK:
            return
        if call.method in ("forwardMessage", "forwardMessages"):
            source = call.params.get("from_chat_id")
            if source in REPORTERS and source not in self._shown:
                self.findings.leaks.append(f"{call.method} from reporter {source} to the desk")
        # What the desk can see: the request (not where a copy came from) and the messages
        # it produced (a copied contact card, for instance, carries its owner's id).
        visible = {k: v for k, v in call.params.items() if k not in ("from_chat_id",)}
        wire = json.dumps([visible, self._produced(call)], ensure_ascii=False, default=str)
        for user_id, (name, username) in REPORTERS.items():
            if user_id in self._shown:
                continue
            marks = [name, str(user_id)] + ([username] if username else [])
            found = [mark for mark in marks if mark in wire]
            if found:
                self.findings.leaks.append(f"{call.method} to the desk shows {found}")

    def _produced(self, call: Call) -> list[dict[str, Any]]:
        if not call.ok:
            return []
        results = call.result if isinstance(call.result, list) else [call.result]
        chat = self.api.state.chats[DESK]
        shown = []
        for result in results:
            if isinstance(result, dict) and result.get("message_id") in chat.messages:
                message = chat.messages[result["message_id"]]
                hidden = ("chat", "from", "reply_to_message", "message_id", "date")
                shown.append({k: v for k, v in message.items() if k not in hidden})
        return shown


@contextmanager
def fuzz_world(base: Settings) -> Iterator[FuzzWorld]:
    with tempfile.TemporaryDirectory(prefix="fuzz-") as directory:
        world = FuzzWorld(base, Path(directory)).start()
        try:
            yield world
        finally:
            world.stop()
