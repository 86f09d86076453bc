"""One active instance: the lease a standby waits for, takes over when the holder dies, and a
holder that loses it stops working at once."""

# SQLite only: this is the flock lease of a SQLite file; the PostgreSQL advisory-lock lease
# (only one holder, takeover after kill -9, a cut connection) is tested in test_postgres.py.

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.config import Settings
from bot.services import Services
from bot.storage import Database
from bot.storage.lease import FileLease, LeaseLost, NoLease, lease_for, wait_for_lease
from bot.telegram.application import build_application, serve
from bot.testing.fake_api import FakeBotAPI
from bot.testing.harness import emulator_settings
from tests.conftest import DESK_CHAT_ID
from tests.test_production import _free_port
from tests.test_webhook import USER, _update

HOLD_LOCK = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(600)
"""


def test_lease_for_picks_the_kind_that_fits_the_database(tmp_path: Path) -> None:
    assert isinstance(lease_for("sqlite:///:memory:"), NoLease)
    lease = lease_for(f"sqlite:///{tmp_path}/bot.sqlite3")
    assert isinstance(lease, FileLease)
    assert lease.path == tmp_path / "bot.sqlite3.lock"
    assert type(lease_for("postgresql://bot@db/bot")).__name__ == "PostgresLease"


async def test_only_one_file_lease_is_held_at_a_time(tmp_path: Path) -> None:
    first, second = FileLease(tmp_path / "x.lock"), FileLease(tmp_path / "x.lock")
    assert await first.try_acquire()
    assert not await second.try_acquire()
    await first.release()
    assert await second.try_acquire()
    with pytest.raises(LeaseLost):
        await first.check()  # released: no longer proven held
    await second.release()


async def test_a_standby_takes_over_when_the_holder_is_killed(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        standby = FileLease(path)
        stop = asyncio.Event()
        waiting = asyncio.create_task(wait_for_lease(standby, stop, poll=0.05))
        await asyncio.sleep(0.3)
        assert not waiting.done()  # the holder is alive: the standby waits
        os.kill(holder.pid, signal.SIGKILL)
        assert await asyncio.wait_for(waiting, 30) is True
        await standby.release()
    finally:
        holder.kill()
        holder.wait()


async def test_waiting_ends_without_the_lease_when_asked_to_stop(tmp_path: Path) -> None:
    holder, standby = FileLease(tmp_path / "l"), FileLease(tmp_path / "l")
    assert await holder.try_acquire()
    stop = asyncio.Event()
    waiting = asyncio.create_task(wait_for_lease(standby, stop, poll=0.05))
    stop.set()
    assert await asyncio.wait_for(waiting, 5) is False
    await holder.release()


def _services(api: FakeBotAPI, base: Settings, tmp_path: Path, **changes: object) -> Services:
    path = tmp_path / "bot.sqlite3"
    settings = dataclasses.replace(emulator_settings(api, base, path), **changes)
    return Services.build(settings, Database.open(path))


async def _until(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def test_a_standby_answers_health_refuses_updates_then_takes_over(
    base_settings: Settings, tmp_path: Path
) -> None:
    """Second process against the same database: /readyz says standby (503), a webhook POST
    is refused so Telegram retries it, and once the active one lets go it serves."""
    port = _free_port()
    async with FakeBotAPI() as api:
        api.private_chat(USER, language_code="en")
        api.group_chat(DESK_CHAT_ID, "Desk")
        services = _services(
            api,
            base_settings,
            tmp_path,
            webhook_url="https://bot.example.org",
            webhook_secret="s3cret",
            port=port,
        )
        app = build_application(services, base_url=api.base_url, rate_limiter=False)
        active = FileLease(Path(str(services.settings.database_path) + ".lock"))
        assert await active.try_acquire()  # another instance is active
        stop = asyncio.Event()
        running = asyncio.create_task(serve(app, services.settings, stop))
        secret = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:

                async def answering() -> bool:
                    try:
                        return (await client.get("/healthz")).status_code == 200
                    except httpx.TransportError:
                        return False

                await _until(answering)
                ready = await client.get("/readyz")
                assert ready.status_code == 503 and ready.json()["role"] == "standby"
                refused = await client.post("/telegram", json=_update(1, "/help"), headers=secret)
                assert refused.status_code == 503
                assert not [
                    c for c in api.calls if c.method == "setWebhook"
                ]  # a standby does not take the updates

                await active.release()  # the active instance is gone

                async def leading() -> bool:
                    return (await client.get("/readyz")).json()["role"] == "leader"

                await _until(leading)
                await api.wait_for("setWebhook", since=0)
                accepted = await client.post(
                    "/telegram", json=_update(2, "/emergency"), headers=secret
                )
                assert accepted.status_code == 200
                assert "0-800-1000" in (await api.next_message(USER))["text"]
        finally:
            stop.set()
            await asyncio.wait_for(running, 30)
            services.db.close()


class Losing(NoLease):
    """Held until the database stops answering the holder."""

    def __init__(self) -> None:
        self.lost = asyncio.Event()

    async def check(self) -> None:
        if self.lost.is_set():
            raise LeaseLost("database not answering")


async def test_an_instance_that_loses_the_lease_stops_receiving_updates(
    base_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.storage.lease.BEAT_SECONDS", 0.05)
    async with FakeBotAPI() as api:
        api.group_chat(DESK_CHAT_ID, "Desk")
        services = _services(api, base_settings, tmp_path)
        app = build_application(services, base_url=api.base_url, rate_limiter=False)
        lease = Losing()
        running = asyncio.create_task(serve(app, services.settings, asyncio.Event(), lease))
        try:

            async def polling() -> bool:
                return bool(app.updater and app.updater.running)

            await _until(polling)
            lease.lost.set()
            with pytest.raises(LeaseLost):
                await asyncio.wait_for(running, 30)
            assert not app.running
            assert not (app.updater and app.updater.running)
        finally:
            running.cancel()
            services.db.close()
