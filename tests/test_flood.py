"""The per-user flood guard: a sliding minute, one warning, albums counted once."""

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


def test_an_album_counts_once() -> None:
    guard = FloodGuard(2, clock=Clock())
    assert all(guard.allow(1, album="A") for _ in range(10))
    assert guard.allow(1)
    assert not guard.allow(1)
