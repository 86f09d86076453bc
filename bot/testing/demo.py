"""`python -m bot demo`: chat with the real bot in a terminal, with no token and no network.

The real Application runs against the Bot API emulator on 127.0.0.1. The terminal shows the
bot's messages and numbers its buttons; type a number to press one, anything else is sent
as a message. Input may be piped, so a demo can be scripted:

    printf '/start\\n2\\nagen minta 30jt wajar gk\\n' | python -m bot demo
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import TextIO

from bot.config import Settings
from bot.testing.fake_api import FakeBotAPI
from bot.testing.harness import running_bot

USER_ID = 1001
DESK_CHAT_ID = -1009999
QUIET_SECONDS = 0.4
FIRST_REPLY_SECONDS = 10.0


class TerminalChat:
    """Prints what the bot sends and turns typed lines into user actions."""

    def __init__(self, api: FakeBotAPI, out: TextIO) -> None:
        self.api = api
        self.out = out
        self.buttons: list[tuple[int, str]] = []  # (message_id, callback_data), numbered from 1
        self.arrived = asyncio.Event()

    def show(self, message: dict) -> None:
        edited = " (edited)" if message.get("edit_date") else ""
        text = message.get("text") or message.get("caption") or "[media]"
        in_desk = message["chat"]["id"] == DESK_CHAT_ID
        print(f"\n{'🏢 desk group' if in_desk else '🤖'}{edited}", file=self.out)
        for line in text.splitlines() or [""]:
            print(
                textwrap.fill(line, width=78, initial_indent="   ", subsequent_indent="   "),
                file=self.out,
            )
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        if in_desk:  # shown, not pressable: the demo plays the user, not the desk
            labels = [button["text"] for row in rows for button in row]
            if labels:
                print("   (" + " · ".join(labels) + ")", file=self.out)
        elif rows:
            self.buttons = []
            for row in rows:
                for button in row:
                    self.buttons.append((message["message_id"], button.get("callback_data", "")))
                    print(f"   [{len(self.buttons)}] {button['text']}", file=self.out)
        self.arrived.set()

    async def act(self, line: str) -> None:
        """Press a numbered button, or send the line as a message; wait until the bot is done."""
        self.arrived.clear()
        if line.isdigit() and 1 <= int(line) <= len(self.buttons):
            message_id, data = self.buttons[int(line) - 1]
            await self.api.press(USER_ID, message_id, data, force=True)
        else:
            await self.api.send_text(USER_ID, line)
        await self._wait_until_quiet()

    async def _wait_until_quiet(self) -> None:
        timeout = FIRST_REPLY_SECONDS
        while True:
            try:
                await asyncio.wait_for(self.arrived.wait(), timeout)
            except TimeoutError:
                return
            self.arrived.clear()
            timeout = QUIET_SECONDS


def demo_settings(settings: Settings, staff: bool) -> Settings:
    """An emulated desk group for tip-offs; with `staff`, the demo user may broadcast."""
    admins = settings.admin_ids | {USER_ID} if staff else settings.admin_ids
    return dataclasses.replace(settings, desk_chat_id=DESK_CHAT_ID, admin_ids=admins)


async def chat(
    settings: Settings, user_language: str, stdin: TextIO, out: TextIO, staff: bool = False
) -> None:
    with tempfile.TemporaryDirectory(prefix="bot-demo-") as folder:
        api = FakeBotAPI()
        await api.start()
        api.private_chat(USER_ID, first_name="Demo", language_code=user_language)
        api.group_chat(DESK_CHAT_ID, "Desk Koordinasi (demo)")
        try:
            await _converse(api, demo_settings(settings, staff), Path(folder), stdin, out)
        finally:
            await api.stop()


async def _converse(
    api: FakeBotAPI, settings: Settings, folder: Path, stdin: TextIO, out: TextIO
) -> None:
    async with running_bot(settings, folder / "demo.sqlite3", api=api):
        terminal = TerminalChat(api, out)
        api.on_bot_message(terminal.show)
        print(
            "Demo chat with the real bot (emulated Telegram, no network). Type a message, "
            "a number to press a button, or /quit.",
            file=out,
        )
        await terminal.act("/start")
        loop = asyncio.get_running_loop()
        while True:
            if stdin.isatty():
                print("\n👤 ", end="", file=out, flush=True)
            line = await loop.run_in_executor(None, stdin.readline)
            if not line or line.strip() in ("/quit", "/exit"):
                break
            if line.strip():
                if not stdin.isatty():
                    print(f"\n👤 {line.strip()}", file=out)
                await terminal.act(line.strip())


def run_demo(settings: Settings, user_language: str = "id", staff: bool = False) -> int:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(chat(settings, user_language, sys.stdin, sys.stdout, staff))
    return 0
