"""One update at a time per user; different users in parallel."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update, User

from bot.telegram.updates import PerUserUpdateProcessor


def _update(update_id: int, user_id: int) -> Update:
    user = User(user_id, "U", is_bot=False)
    chat = Chat(user_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, None, chat, from_user=user, text="x"))


async def test_same_user_is_serialised_other_users_are_not() -> None:
    processor = PerUserUpdateProcessor()
    running: dict[int, int] = {1: 0, 2: 0}
    peak: dict[int, int] = {1: 0, 2: 0}
    overall_peak = 0

    async def handle(user_id: int) -> None:
        nonlocal overall_peak
        running[user_id] += 1
        peak[user_id] = max(peak[user_id], running[user_id])
        overall_peak = max(overall_peak, sum(running.values()))
        await asyncio.sleep(0.01)
        running[user_id] -= 1

    jobs = [
        processor.process_update(_update(n, user), handle(user))
        for n, user in enumerate([1, 1, 1, 2, 2, 2])
    ]
    await asyncio.gather(*jobs)
    assert peak == {1: 1, 2: 1}
    assert overall_peak == 2
