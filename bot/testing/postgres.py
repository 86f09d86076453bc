"""A throw-away PostgreSQL server for tests and benchmarks: one per session, a fresh
database per test cloned from a migrated template (CREATE DATABASE … TEMPLATE is a file
copy, far cheaper than running the migrations again).

`TEST_DATABASE_URL` points at an existing server instead (its user needs CREATEDB); `PG_BIN`
names the folder of initdb and pg_ctl when they are not in the usual place. Without
either, `PostgresMissing` says why, and the PostgreSQL half of the tests skips, unless
`REQUIRE_POSTGRES=1`, which CI sets so a missing server fails instead.

initdb refuses to run as root, and CI runs as root: then the server runs as the `postgres`
system user (Debian's package creates it) in a temporary folder it owns, listening only on
a Unix socket in that folder.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import pwd
import random
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

TEMPLATE = f"bot_template_{os.getpid()}"  # one per session: sessions may share a server


class PostgresMissing(RuntimeError):
    """No server can be started or reached here."""


def _bin_dir() -> Path:
    if os.environ.get("PG_BIN"):
        given = Path(os.environ["PG_BIN"])
        if not (given / "initdb").exists():
            raise PostgresMissing(f"no initdb in PG_BIN={given}")
        return given
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresMissing("no PostgreSQL binaries (initdb) found; apt-get install postgresql")


class ThrowawayServer:
    """Start with `start()`, get databases with `fresh()`, end with `stop()`."""

    def __init__(self, durable: bool = False) -> None:
        self.durable = durable  # fsync as in production (benchmarks); tests skip it for speed
        self.folder: Path | None = None
        self.admin_url = ""
        self._owned = False
        self._names = itertools.count(1)

    # -- life --------------------------------------------------------------------------------
    def start(self) -> ThrowawayServer:
        given = os.environ.get("TEST_DATABASE_URL")
        if given:
            self.admin_url = given
        else:
            self._start_own()
        self._make_template()
        return self

    def _start_own(self) -> None:
        bin_dir = _bin_dir()
        self.folder = Path(tempfile.mkdtemp(prefix="bot-pg-"))
        as_user: list[str] = []
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresMissing("running as root and there is no postgres user") from None
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            as_user = ["runuser", "-u", "postgres", "--"]
        data, port = self.folder / "data", random.randint(20000, 60000)
        initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
        self._run([*as_user, *initdb, "-E", "UTF8", "--locale=C", "--no-sync"])
        options = f"-k {self.folder} -p {port} -c listen_addresses='' -c max_connections=200"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        pg_ctl = [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data)]
        self._run([*pg_ctl, "-o", options, "-l", str(self.folder / "log"), "-w", "start"])
        self._owned = True
        self._stop_command = [*pg_ctl, "-m", "immediate", "stop"]
        atexit.register(self.stop)
        self.admin_url = f"postgresql://postgres@/postgres?host={self.folder}&port={port}"

    def _run(self, command: list[str]) -> None:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode:
            log = ""
            if self.folder and (self.folder / "log").exists():
                log = (self.folder / "log").read_text(errors="replace")[-2000:]
            program = command[command.index("--") + 1 if "--" in command else 0]
            raise PostgresMissing(
                f"{Path(program).name} failed: {result.stderr.strip()[-2000:]} {log}"
            )

    def stop(self) -> None:
        if self.admin_url and not self._owned:  # someone else's server: leave it clean
            self.drop(self.url(TEMPLATE))
        if self._owned:
            self._owned = False
            subprocess.run(self._stop_command, capture_output=True, check=False)
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    # -- databases ---------------------------------------------------------------------------
    def url(self, database: str) -> str:
        """The server's URL with another database name."""
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(path="/" + database))

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def _make_template(self) -> None:
        from bot.storage.database import Database

        try:
            self._admin(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
            self._admin(f"CREATE DATABASE {TEMPLATE}")
        except Exception as exc:
            raise PostgresMissing(f"cannot use the PostgreSQL server: {exc}") from None
        Database.open(self.url(TEMPLATE)).close()

    def fresh(self, migrated: bool = True) -> str:
        """A new empty database's URL: migrated (a copy of the template) or bare."""
        name = f"bot_test_{os.getpid()}_{next(self._names)}"
        template = TEMPLATE if migrated else "template0"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url(name)

    def drop(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        with contextlib.suppress(Exception):
            self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
