"""Which process is the active bot: a lease that exactly one instance holds.

Two bot processes may run against one database (a hot standby, or an operator who started a
second copy by mistake). Telegram gives updates to one consumer only (a second getUpdates
caller gets 409 Conflict), and two copies would both deliver the desk outbox. So before a
process initialises its Application it takes the lease; the other waits, and takes over when
the holder dies or loses the database.

- SQLite: an exclusive `flock` on a file next to the database. The kernel releases it the
  moment the holder dies (kill -9 included), so a standby on the same machine takes over
  within one poll interval.
- PostgreSQL: a session advisory lock on a dedicated connection (psycopg's async API, so the
  waiting never blocks the event loop). The server releases it when that session ends: at
  once when the holder dies, and after the keepalive settings below when its network goes
  away. The holder checks its connection on every beat and gives the lease up (stops) when
  the database does not answer, before the server can hand the lock to a standby.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from pathlib import Path
from typing import Protocol

from bot.waiting import wait_set

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0  # how often a standby tries to take the lease
BEAT_SECONDS = 2.0  # how often the holder checks that it still holds it
BEAT_TIMEOUT = 3.0  # a beat the database does not answer within this is a lost lease
LOCK_KEY = 0x6B70326D69  # "kp2mi": one advisory lock key for the whole bot
# Server-side keepalives for the lease session: a holder whose network is gone loses the
# lock after about idle + interval × count = 4 + 1 × 3 = 7 s, and the holder itself stops
# after at most BEAT_SECONDS + BEAT_TIMEOUT = 5 s, so two leaders never overlap.
KEEPALIVES = {"tcp_keepalives_idle": 4, "tcp_keepalives_interval": 1, "tcp_keepalives_count": 3}


class LeaseLost(Exception):
    """The holder can no longer prove it holds the lease; it must stop working."""


class Lease(Protocol):
    async def try_acquire(self) -> bool:
        """Take the lease if free; True when this process now holds it."""

    async def check(self) -> None:
        """Raise LeaseLost when the lease can no longer be proven held."""

    async def release(self) -> None:
        """Give the lease up (also safe when it is not held)."""


async def wait_for_lease(lease: Lease, stop: asyncio.Event, poll: float = POLL_SECONDS) -> bool:
    """Wait until this process holds the lease (True) or `stop` is set (False). One log
    line when waiting starts, not one per poll."""
    announced = False
    while not stop.is_set():
        try:
            if await lease.try_acquire():
                if announced:
                    log.info("lease taken: this instance is now active")
                return True
        except LeaseLost as exc:
            log.warning("lease: database not reachable (%s); retrying", exc)
        if not announced:
            log.info("standby: another instance is active; waiting to take over")
            announced = True
        await wait_set(stop, poll)
    return False


async def hold(lease: Lease, beat: float | None = None) -> None:
    """Check the lease every `beat` seconds (BEAT_SECONDS); raise LeaseLost when it is gone."""
    while True:
        await asyncio.sleep(BEAT_SECONDS if beat is None else beat)
        await lease.check()


class NoLease:
    """One process by construction (an in-memory database in tests): always the holder."""

    async def try_acquire(self) -> bool:
        return True

    async def check(self) -> None:
        return None

    async def release(self) -> None:
        return None


class FileLease:
    """An exclusive flock on `<database>.lock`; released by the kernel when the holder dies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    async def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    async def check(self) -> None:
        if self._fd is None:
            raise LeaseLost("not held")

    async def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class PostgresLease:
    """A session advisory lock held on its own connection (never the one queries use, so a
    pool recycling connections cannot drop it by accident)."""

    def __init__(self, conninfo: str, key: int = LOCK_KEY, timeout: float = BEAT_TIMEOUT) -> None:
        self.conninfo = conninfo
        self.key = key
        self.timeout = timeout
        self._conn = None  # psycopg.AsyncConnection while connected
        self.held = False

    async def _connection(self):
        import psycopg  # only needed with PostgreSQL

        if self._conn is None or self._conn.closed:
            self.held = False
            self._conn = await asyncio.wait_for(
                psycopg.AsyncConnection.connect(self.conninfo, autocommit=True), self.timeout
            )
            for name, value in KEEPALIVES.items():
                await self._conn.execute(f"SET {name} = {int(value)}")
        return self._conn

    async def _scalar(self, sql: str) -> object:
        import psycopg

        try:
            conn = await self._connection()
            cursor = await asyncio.wait_for(conn.execute(sql, (self.key,)), self.timeout)
            row = await cursor.fetchone()
        except (psycopg.Error, OSError, TimeoutError) as exc:
            await self._drop()
            raise LeaseLost(type(exc).__name__) from None
        return row[0] if row else None

    async def try_acquire(self) -> bool:
        if self.held:
            return True
        self.held = bool(await self._scalar("SELECT pg_try_advisory_lock(%s)"))
        return self.held

    async def check(self) -> None:
        if not self.held:
            raise LeaseLost("not held")
        # Still ours? Counting our own session's lock also proves the connection is alive.
        mine = await self._scalar(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND pid = pg_backend_pid()"
            " AND ((classid::bigint << 32) | objid::bigint) = %s"
        )
        if not mine:
            self.held = False
            raise LeaseLost("lock not held by this session")

    async def release(self) -> None:
        if self._conn is not None and not self._conn.closed and self.held:
            with contextlib.suppress(Exception):
                await self._conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
        await self._drop()

    async def _drop(self) -> None:
        self.held = False
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()
        self._conn = None


def lease_for(database_url: str) -> Lease:
    """The lease that fits the database: an advisory lock for PostgreSQL, a lock file for a
    SQLite file, none for an in-memory database."""
    if database_url.startswith(("postgresql://", "postgres://")):
        return PostgresLease(database_url)
    path = database_url.removeprefix("sqlite:///")
    if path in ("", ":memory:"):
        return NoLease()
    return FileLease(Path(path + ".lock"))
