"""Broadcast logic without Telegram: pacing, audiences, schedule parsing, ETA, storage."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings
from bot.core.broadcasts.model import (
    Audience,
    BroadcastState,
    ContentKind,
    Counts,
    MessageContent,
    ScheduleError,
    duration_parts,
    eta_seconds,
    jakarta_label,
    parse_schedule,
)
from bot.core.broadcasts.pacing import Bucket, ChatClock, Pacer, Pacing, SharedBudget
from bot.core.provinces import Provinces
from bot.storage import Database
from bot.storage.broadcasts import Broadcasts, Subscribers

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2025, 3, 1, 1, 0, tzinfo=UTC)  # 08:00 in Jakarta


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# -- pacing ----------------------------------------------------------------------------------
def test_bucket_spaces_claims_at_its_rate() -> None:
    clock = FakeClock()
    bucket = Bucket(25, clock=clock)
    waits = [bucket.claim() for _ in range(4)]
    assert waits == pytest.approx([0.0, 0.04, 0.08, 0.12])
    clock.now += 1.0
    assert bucket.delay() == 0.0


def test_bucket_hold_blocks_for_retry_after() -> None:
    clock = FakeClock()
    bucket = Bucket(25, clock=clock)
    bucket.hold(3.0)
    assert bucket.delay() == pytest.approx(3.0)


def test_pacer_slows_after_429_and_recovers_when_quiet() -> None:
    clock = FakeClock()
    pacer = Pacer(25, clock=clock)
    pacer.flood_wait(1)
    assert pacer.rate == pytest.approx(20.0)
    assert pacer.bucket.delay() == pytest.approx(1.0)
    pacer.flood_wait(1)  # another request of the same burst: no second slowdown
    assert pacer.rate == pytest.approx(20.0)
    for _ in range(10):
        clock.now += 1.5
        pacer.flood_wait(1)
    assert pacer.rate == pytest.approx(25 * 0.25)  # never below a quarter
    clock.now += 60
    for _ in range(40):
        clock.now += 1
        pacer._recover()
    assert pacer.rate == pytest.approx(25.0)


def test_chat_clock_keeps_one_second_per_chat() -> None:
    clock = FakeClock()
    chats = ChatClock(clock=clock)
    chats.record(7)
    clock.now += 0.25
    assert chats.wait_time(7) == pytest.approx(0.75)
    assert chats.wait_time(8) == 0.0


async def test_replies_take_slots_before_a_waiting_broadcast() -> None:
    budget = SharedBudget(20)  # 50 ms slots
    order: list[str] = []

    async def broadcast() -> None:
        for _ in range(3):
            await budget.background()
            order.append("broadcast")

    async def replies() -> None:
        await asyncio.sleep(0.01)
        for _ in range(3):
            await budget.urgent()
            order.append("reply")

    await asyncio.gather(broadcast(), replies())
    assert order[0] == "broadcast"  # the slot it had already taken
    assert order[1:4] == ["reply"] * 3  # replies jump the queue


def test_overall_budget_leaves_room_for_replies() -> None:
    assert Pacing(25).budget.bucket.rate == 30
    assert Pacing(200).budget.bucket.rate == 205  # tests: faster than Telegram
    for rate in (26, 27, 28):  # BROADCAST_RATE allows up to 28: never above Telegram's 30
        assert Pacing(rate).budget.bucket.rate == 30


# -- model -----------------------------------------------------------------------------------
def test_audience_matching_and_json() -> None:
    riau = Audience(provinces=frozenset({"riau"}))
    assert riau.matches("id", "riau") and not riau.matches("id", None)
    english_riau = Audience(frozenset({"en"}), frozenset({"riau"}))
    assert not english_riau.matches("id", "riau")
    assert Audience().everyone and Audience().matches("en", None)
    assert Audience.from_json(english_riau.to_json()) == english_riau


def test_content_round_trips_with_entities() -> None:
    content = MessageContent(
        ContentKind.PHOTO, "caption", ({"type": "bold", "offset": 0, "length": 3},), "file-1"
    )
    assert MessageContent.from_json(content.to_json()) == content


def test_counts_and_eta() -> None:
    counts = Counts.from_states({"queued": 70, "sending": 5, "sent": 20, "blocked": 5})
    assert (counts.total, counts.processed, counts.remaining) == (100, 25, 75)
    assert eta_seconds(75, 5, 1.0, 25) == pytest.approx(3.0)  # too few: the nominal rate
    assert eta_seconds(100, 100, 10.0, 25) == pytest.approx(10.0)  # observed 10/s
    assert eta_seconds(0, 100, 10.0, 25) == 0.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01 09:30", "2025-03-01 09:30 WIB"),
        ("02/03/2025 07:00", "2025-03-02 07:00 WIB"),
        ("10.15", "2025-03-01 10:15 WIB"),
        ("07:00", "2025-03-02 07:00 WIB"),  # already passed today: tomorrow
    ],
)
def test_schedule_times_are_jakarta_time(text: str, expected: str) -> None:
    assert jakarta_label(parse_schedule(text, NOW)) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("tomorrow", "format"),
        ("25:00", "format"),
        ("2025-03-01 07:00", "past"),
        ("2025-06-01 07:00", "too_far"),
    ],
)
def test_bad_schedule_times(text: str, reason: str) -> None:
    with pytest.raises(ScheduleError) as error:
        parse_schedule(text, NOW)
    assert error.value.reason == reason


def test_the_38_provinces() -> None:
    provinces = Provinces.load(ROOT / "content")
    assert len(provinces) == 38
    assert provinces.name("papua-barat-daya") == "Papua Barat Daya"
    assert provinces.pages(10) == 4 and len(provinces.page(3, 10)) == 8


# -- settings --------------------------------------------------------------------------------
def test_broadcast_settings() -> None:
    settings = Settings.from_env(
        {
            "ADMIN_IDS": "1",
            "BROADCASTER_IDS": "2, 3",
            "BROADCAST_CHANNEL_ID": "-1001234",
            "BROADCAST_RATE": "20",
        }
    )
    assert settings.staff_broadcasters == {1, 2, 3}
    assert settings.broadcast_channel_id == -1001234
    assert settings.broadcast_rate == 20
    assert Settings.from_env({"BROADCAST_CHANNEL_ID": "@kp2mi_info"}).broadcast_channel_id
    assert Settings.from_env({}).broadcast_rate == 25


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BROADCAST_RATE", "0"),
        ("BROADCAST_RATE", "31"),
        ("BROADCAST_CHANNEL_ID", "12345"),
        ("BROADCASTER_IDS", "x"),
        ("BROADCAST_PROGRESS_SECONDS", "1"),
    ],
)
def test_bad_broadcast_settings(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as error:
        Settings.from_env({name: value})
    assert error.value.variable == name


# -- storage ---------------------------------------------------------------------------------
@pytest.fixture
def db(database: Path | str) -> Iterator[Database]:
    """Each backend in turn (see `database` in conftest.py)."""
    opened = Database.open(database)
    yield opened
    opened.close()


def test_subscription_states(db: Database) -> None:
    subscribers = Subscribers(db)
    subscribers.subscribe(1, "id")
    subscribers.set_province(1, "riau")
    assert subscribers.mark_blocked(1)
    assert subscribers.reactivate_if_blocked(1)
    assert subscribers.get(1).active and subscribers.get(1).province == "riau"
    subscribers.unsubscribe(1)
    assert not subscribers.reactivate_if_blocked(1)  # an explicit "stop" is respected
    subscribers.subscribe(1, "en")
    assert subscribers.get(1).active and subscribers.get(1).province == "riau"


def test_recipients_are_chosen_once_at_start(db: Database) -> None:
    subscribers, broadcasts = Subscribers(db), Broadcasts(db)
    for user_id, language, province in [(1, "id", "riau"), (2, "en", "riau"), (3, "id", None)]:
        subscribers.subscribe(user_id, language)
        subscribers.set_province(user_id, province)
    subscribers.subscribe(4, "id")
    subscribers.unsubscribe(4)
    audience = Audience(frozenset({"id"}))
    content = MessageContent(ContentKind.TEXT, "hi")
    broadcast_id = broadcasts.create(9, "en", content, audience, NOW, cross_post=False)
    assert subscribers.count(audience) == 2
    assert broadcasts.next_due(NOW).id == broadcast_id
    assert broadcasts.start(broadcast_id) == 2
    assert broadcasts.start(broadcast_id) == 0  # idempotent
    assert broadcasts.get(broadcast_id).state is BroadcastState.SENDING
    assert [r.user_id for r in broadcasts.pending(broadcast_id, 0, 10)] == [1, 3]
    broadcasts.mark_sending(broadcast_id, 1)
    assert [r.user_id for r in broadcasts.pending(broadcast_id, 0, 10)] == [1, 3]  # resume
    broadcasts.mark_sent(broadcast_id, 1, 55)
    assert broadcasts.counts(broadcast_id) == Counts(queued=1, sent=1)
    assert broadcasts.cancel(broadcast_id)
    assert broadcasts.next_due(NOW) is None


def test_scheduled_broadcasts_wait_for_their_time(db: Database) -> None:
    broadcasts = Broadcasts(db)
    later = datetime(2025, 3, 1, 5, 0, tzinfo=UTC)
    broadcasts.create(9, "en", MessageContent(ContentKind.TEXT, "x"), Audience(), later, False)
    assert broadcasts.next_due(NOW) is None
    assert broadcasts.next_scheduled_time() == later
    assert broadcasts.next_due(later) is not None


def test_duration_parts_are_whole_minutes_and_seconds() -> None:
    assert duration_parts(125) == (2, 5)
    assert duration_parts(0.2) == (0, 1)  # rounded up: "about 1 s", never "0 s"
    assert all(isinstance(part, int) for part in duration_parts(3599.5))


def test_a_broadcast_pacer_shares_the_bots_budget_and_clock() -> None:
    def clock() -> float:
        return 42.0

    pacing = Pacing(10, clock=clock)
    pacer = pacing.pacer()
    assert (pacer.nominal, pacer.budget, pacer.clock) == (10, pacing.budget, clock)
