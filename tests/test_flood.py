"""The per-user flood guard: a sliding minute, one warning, every album photo counted."""

from __future__ import annotations

from bot.telegram.flood import FloodGuard


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_limit_per_sliding_minute() -> None:
    clock = Clock()
    guard = FloodGuard(3, clock=clock)
    assert [guard.allow(1) for _ in range(4)] == [True, True, True, False]
    assert guard.allow(2)  # another user is not affected
    clock.now = 61
    assert guard.allow(1)


def test_warns_once_per_window() -> None:
    clock = Clock()
    guard = FloodGuard(1, clock=clock)
    assert guard.should_warn(1)
    assert not guard.should_warn(1)
    clock.now = 61
    assert guard.should_warn(1)


def test_every_photo_of_an_album_counts() -> None:
    guard = FloodGuard(5, clock=Clock())
    allowed = [guard.allow(1, album="A", message_id=n) for n in range(10)]
    assert allowed == [True] * 5 + [False] * 5
    assert not guard.allow(1)


def test_only_the_first_message_of_an_album_is_answered() -> None:
    guard = FloodGuard(100, clock=Clock())
    for n in range(1, 4):
        guard.allow(1, album="A", message_id=n)
    assert [guard.album_repeat(1, "A", n) for n in range(1, 4)] == [False, True, True]
    assert not guard.album_repeat(1, None, 9)
    guard.allow(1, album="B", message_id=7)
    assert not guard.album_repeat(1, "B", 7)
    assert not guard.album_repeat(2, "A", 2)  # another user's album
