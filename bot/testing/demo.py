"""`python3 -m bot demo`: chat with the real bot in a terminal, with no token and no network.

The real Application runs against the Bot API emulator on 127.0.0.1, and the terminal behaves
like a Telegram client: every keyboard the bot sends stays pressable. Keyboards are numbered
as they arrive and their buttons within them, so `3.2` presses the second button of keyboard 3
and a plain `2` the second button of the newest keyboard. Pop-up answers to a button (the
"Thank you" toast after 👍, alerts) are shown as `💬` lines. Anything else is sent as a message.
Input may be piped, so a demo can be scripted:

    printf '/start\\n1.1\\nagen minta 30jt wajar gk\\n' | python3 -m bot demo

`--staff` makes the demo user a broadcaster and seeds DEMO_SUBSCRIBERS subscribers, so a
broadcast has someone to reach; `--database PATH` keeps the database for `content inbox` and
the exports afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import re
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot.config import Settings
from bot.core.broadcasts.model import to_db_time
from bot.core.clock import utc_now
from bot.services import Services
from bot.storage.sealing import new_key_text
from bot.telegram.commands import COMMANDS
from bot.testing.fake_api import Call, FakeBotAPI
from bot.testing.harness import running_bot
from bot.waiting import wait_set

USER_ID = 1001
DESK_CHAT_ID = -1009999
QUIET_SECONDS = 0.4
FIRST_REPLY_SECONDS = 10.0
WIDTH = 78
# Subscribers seeded with --staff: (user id, language, province id or None for all).
DEMO_SUBSCRIBERS = [
    (2001, "id", "jawa-timur"),
    (2002, "id", "jawa-timur"),
    (2003, "id", "nusa-tenggara-barat"),
    (2004, "id", "nusa-tenggara-timur"),
    (2005, "id", None),
    (2006, "en", "jawa-barat"),
    (2007, "en", None),
    (2008, "id", "kalimantan-barat"),
]
BUTTON = re.compile(r"^(?:(\d+)\.)?(\d+)$")


@dataclass
class Keyboard:
    """An inline keyboard on one bot message: its number and each button's callback data."""

    number: int
    message_id: int
    data: list[str] = field(default_factory=list)


class TerminalChat:
    """Prints what the bot sends and turns typed lines into user actions."""

    def __init__(self, api: FakeBotAPI, out: TextIO) -> None:
        self.api = api
        self.out = out
        self.keyboards: dict[int, Keyboard] = {}  # by number
        self._by_message: dict[int, int] = {}  # message id → keyboard number
        self.arrived = asyncio.Event()

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def _lines(self, text: str) -> None:
        for line in text.splitlines() or [""]:
            self._print(
                textwrap.fill(line, width=WIDTH, initial_indent="   ", subsequent_indent="   ")
            )

    def show(self, message: dict) -> None:
        chat_id = message["chat"]["id"]
        in_desk = chat_id == DESK_CHAT_ID
        if chat_id not in (USER_ID, DESK_CHAT_ID):
            return  # a seeded subscriber's copy of a broadcast
        edited = " (edited)" if message.get("edit_date") else ""
        self._print(f"\n{'🏢 desk group' if in_desk else '🤖'}{edited}")
        self._lines(message.get("text") or message.get("caption") or "[media]")
        markup = message.get("reply_markup") or {}
        rows = markup.get("inline_keyboard", [])
        if in_desk:  # shown, not pressable: the demo plays the user, not the desk
            labels = [button["text"] for row in rows for button in row]
            if labels:
                self._print("   (" + " · ".join(labels) + ")")
        else:
            self._show_keyboard(message["message_id"], rows)
            self._show_reply_keyboard(markup.get("keyboard", []))
        self.arrived.set()

    def _show_keyboard(self, message_id: int, rows: list[list[dict]]) -> None:
        number = self._by_message.get(message_id)
        if not rows:
            if number is not None:  # the bot took the buttons away
                self.keyboards.pop(number, None)
            return
        if number is None:
            number = max(self._by_message.values(), default=0) + 1
            self._by_message[message_id] = number
        keyboard = Keyboard(number, message_id)
        self.keyboards[number] = keyboard
        for row in rows:
            for button in row:
                if "url" in button:
                    self._print(f"   [link] {button['text']}: {button['url']}")
                    continue
                keyboard.data.append(button.get("callback_data", ""))
                self._print(f"   [{number}.{len(keyboard.data)}] {button['text']}")

    def _show_reply_keyboard(self, rows: list[list[dict]]) -> None:
        labels = [b["text"] if isinstance(b, dict) else str(b) for row in rows for b in row]
        if labels:
            self._print("   (keyboard: " + " · ".join(labels) + "; type the text to send it)")

    def callback_answered(self, call: Call) -> None:
        """A toast or an alert in answer to a pressed button, as Telegram pops it up."""
        if call.method != "answerCallbackQuery" or not call.ok:
            return
        text = str(call.params.get("text") or "")
        if text:
            alert = str(call.params.get("show_alert", "")).lower() in ("true", "1")
            self._print(f"\n   {'⚠️ alert' if alert else '💬'}: {text}")
        self.arrived.set()

    def button(self, line: str) -> tuple[int, str] | None:
        """`3.2` → the second button of keyboard 3; `2` → of the newest keyboard."""
        found = BUTTON.match(line)
        if found is None or not self.keyboards:
            return None
        number = int(found.group(1)) if found.group(1) else max(self.keyboards)
        keyboard = self.keyboards.get(number)
        index = int(found.group(2))
        if keyboard is None or not 1 <= index <= len(keyboard.data):
            return None
        return keyboard.message_id, keyboard.data[index - 1]

    async def act(self, line: str) -> None:
        """Press a numbered button, or send the line as a message; wait until the bot is done."""
        self.arrived.clear()
        pressed = self.button(line)
        if pressed is not None:
            await self.api.press(USER_ID, *pressed, force=True)
        elif BUTTON.match(line) and "." in line:
            self._print(f"   (no button {line}: keyboards shown are {sorted(self.keyboards)})")
            return
        else:
            await self.api.send_text(USER_ID, line)
        await self._wait_until_quiet()

    async def _wait_until_quiet(self) -> None:
        timeout = FIRST_REPLY_SECONDS
        while await wait_set(self.arrived, timeout):
            self.arrived.clear()
            timeout = QUIET_SECONDS


async def _finish_broadcasts(services: Services, terminal, limit: float = 30.0) -> None:
    """Before quitting, let a broadcast the user just confirmed reach its subscribers and its
    final report arrive (a piped script quits at once; a busy machine sends slowly)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while loop.time() < deadline and _broadcasts_due(services):
        await asyncio.sleep(0.1)
    await terminal._wait_until_quiet()


def _broadcasts_due(services: Services) -> int:
    now = to_db_time(utc_now())
    return services.db.conn.execute(
        "SELECT COUNT(*) FROM broadcasts WHERE state = 'sending'"
        " OR (state = 'scheduled' AND scheduled_at <= ?)",
        (now,),
    ).fetchone()[0]


def demo_settings(settings: Settings, staff: bool) -> Settings:
    """An emulated desk group for tip-offs; with `staff`, the demo user may broadcast."""
    admins = settings.admin_ids | {USER_ID} if staff else settings.admin_ids
    return dataclasses.replace(settings, desk_chat_id=DESK_CHAT_ID, admin_ids=admins)


def _command_names(services: Services) -> list[str]:
    """The menu's commands in the default language, from the one command table."""
    lang = services.settings.default_language
    return [f"/{command.names.get(lang, command.names['en'])}" for command in COMMANDS]


def seed_subscribers(api: FakeBotAPI, services: Services) -> int:
    """Subscribers for a staff demo, each with a chat in the emulator; returns how many."""
    for user_id, language, province in DEMO_SUBSCRIBERS:
        api.private_chat(user_id, first_name=f"Subscriber {user_id}", language_code=language)
        services.subscribers.subscribe(user_id, language)
        if province in services.provinces:
            services.subscribers.set_province(user_id, province)
    return len(DEMO_SUBSCRIBERS)


async def chat(
    settings: Settings,
    user_language: str,
    stdin: TextIO,
    out: TextIO,
    staff: bool = False,
    database: Path | None = None,
) -> None:
    with tempfile.TemporaryDirectory(prefix="bot-demo-") as folder:
        path = database or Path(folder) / "demo.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        api = FakeBotAPI()
        await api.start()
        api.private_chat(USER_ID, first_name="Demo", language_code=user_language)
        api.group_chat(DESK_CHAT_ID, "Desk Koordinasi (demo)")
        if database is None and not settings.reporter_key:
            # a throwaway database gets a throwaway reporter key: nothing written to ~/.config
            settings = dataclasses.replace(settings, reporter_key=new_key_text())
        try:
            await _converse(api, demo_settings(settings, staff), path, stdin, out, staff)
        finally:
            await api.stop()
    if database is not None:
        print(
            f"\nThe demo database is kept at {database}. Try:\n"
            f"  DATABASE_URL=sqlite:///{database} python3 -m bot content inbox",
            file=out,
        )


async def _converse(
    api: FakeBotAPI, settings: Settings, database: Path, stdin: TextIO, out: TextIO, staff: bool
) -> None:
    async with running_bot(settings, database, api=api) as (_api, services, _application):
        terminal = TerminalChat(api, out)
        api.on_bot_message(terminal.show)
        api.on_call(terminal.callback_answered)
        print(
            "Demo chat with the real bot (emulated Telegram, no network). Type a message, "
            "a button's number to press it (3.2 = keyboard 3, button 2; 2 = button 2 of the "
            "newest keyboard), or /quit.",
            file=out,
        )
        print("Commands to try: " + " ".join(_command_names(services)), file=out)
        if staff:
            count = seed_subscribers(api, services)
            print(
                f"Staff demo: you may /siaran (/broadcast); {count} demo subscribers are "
                "seeded, so a broadcast has someone to reach.",
                file=out,
            )
        await terminal.act("/start")
        loop = asyncio.get_running_loop()
        while True:
            if stdin.isatty():
                print("\n👤 ", end="", file=out, flush=True)
            line = await loop.run_in_executor(None, stdin.readline)
            if not line or line.strip() in ("/quit", "/exit"):
                await _finish_broadcasts(services, terminal)
                break
            if line.strip():
                if not stdin.isatty():
                    print(f"\n👤 {line.strip()}", file=out)
                await terminal.act(line.strip())


def run_demo(
    settings: Settings,
    user_language: str = "id",
    staff: bool = False,
    database: Path | None = None,
) -> int:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(chat(settings, user_language, sys.stdin, sys.stdout, staff, database))
    return 0
