"""Sealed reporters: who reported is stored encrypted under a key that is not in the database.

A stolen database file (or a copy of its write-ahead log) must not tell who sent a tip-off.
Every value that names a reporter (their Telegram id, a name they chose to show, their
unfinished draft, their conversation state) is sealed with AES-GCM (the `cryptography`
package) under a key kept outside the data directory. Look-ups that need "the rows of this
person" (daily limit, /status, /hapusdata, a reply to the desk) use a keyed tag, HMAC-SHA256
of the id under a sub-key derived from the same key (HKDF), never the id itself.

Several keys may be loaded at once, newest first: the newest seals, all of them open and
find. That is what lets `python -m bot keys rotate` re-encrypt every row while the bot
keeps running: the key file gains the new key first, the bot reloads it when the file
changes, and the old key is dropped once no row needs it (docs/deploy.md).
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.cli_errors import CliError
from bot.storage.pseudonyms import keyed_tag

log = logging.getLogger(__name__)

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_HEX = 32  # 128-bit look-up tags: collisions are out of reach, rows stay short
APP_DIR = "safe-migration-bot"
KEY_FILE_NAME = "reporter.key"
KEY_FILE_HEADER = (
    "# Reporter key of the safe-migration bot (docs/deploy.md#reporter-key).\n"
    "# BACK THIS FILE UP. Without it, reporters can no longer be reached and the desk can\n"
    "# no longer see who chose to be shown. One key per line, the newest first.\n"
)


class SealError(CliError):
    """The reporter key is missing, unreadable or not the one the database was sealed with:
    a configuration problem (exit 2), printed as one line."""


def new_key_text() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def _decode_key(text: str, where: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise SealError(
            f"{where}: not a reporter key (generate one with `python -m bot keys init`)"
        )
    return raw


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret)


@dataclass(frozen=True)
class ReporterKey:
    """One key and what is derived from it: an id (names the key in every sealed value and
    in the database, and reveals nothing about it), a sealing key and a look-up key."""

    secret: bytes = field(repr=False)

    @cached_property
    def id(self) -> str:
        return _derive(self.secret, b"reporter-key id").hex()[:16]

    @cached_property
    def aead(self) -> AESGCM:
        return AESGCM(_derive(self.secret, b"reporter-key seal"))

    @cached_property
    def lookup(self) -> bytes:
        return _derive(self.secret, b"reporter-key lookup")

    @cached_property
    def windows(self) -> bytes:
        """Mixed into the per-window keys of bot/storage/pseudonyms.py."""
        return _derive(self.secret, b"reporter-key windows")

    def tag(self, purpose: str, *parts: object) -> str:
        return keyed_tag(self.lookup, purpose, *parts).hex()[:TAG_HEX]


# -- where the keys come from ----------------------------------------------------------------
def default_key_file(env: Mapping[str, str] | None = None) -> Path:
    """`$XDG_CONFIG_HOME/safe-migration-bot/reporter.key` (~/.config when unset): outside
    the data directory, so a copy of the data alone does not carry the key."""
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME") or Path.home()) / ".config")
    return Path(base) / APP_DIR / KEY_FILE_NAME


def read_key_file(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SealError(f"Cannot read the reporter key file {path}: {exc.strerror}") from None
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def write_key_file(path: Path, keys: list[str]) -> None:
    """Replace the key file in one step (a reader sees the old or the new file, never
    half of one), readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(path.name + ".new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(KEY_FILE_HEADER + "".join(k + "\n" for k in keys))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


@dataclass
class KeySource:
    """`REPORTER_KEY` (comma-separated, newest first) or a key file; the file is re-read
    when it changes, so a rotation reaches a running bot without a restart."""

    env_keys: str | None = None
    file: Path | None = None

    def describe(self) -> str:
        return "REPORTER_KEY" if self.env_keys else f"the key file {self.file}"

    def load(self) -> list[str]:
        if self.env_keys:
            return [k for k in (p.strip() for p in self.env_keys.split(",")) if k]
        assert self.file is not None
        return read_key_file(self.file)

    def stamp(self) -> object:
        """Changes when the keys may have changed."""
        if self.env_keys or self.file is None:
            return None
        try:
            status = self.file.stat()
        except OSError:
            return None
        return (status.st_mtime_ns, status.st_size, status.st_ino)


# -- sealing and finding ---------------------------------------------------------------------
class Sealer:
    """Seal, open and tag with the loaded keys (the first seals and tags new rows)."""

    def __init__(self, keys: list[ReporterKey], source: KeySource | None = None) -> None:
        if not keys:
            raise SealError("No reporter key loaded")
        self._keys = tuple(keys)
        self._source = source
        self._stamp = source.stamp() if source else None

    @classmethod
    def from_texts(cls, texts: list[str], source: KeySource | None = None) -> Sealer:
        where = source.describe() if source else "reporter key"
        return cls([ReporterKey(_decode_key(t, where)) for t in texts], source)

    @property
    def source(self) -> KeySource | None:
        return self._source

    @property
    def keys(self) -> tuple[ReporterKey, ...]:
        self._reload_if_changed()
        return self._keys

    @property
    def current(self) -> ReporterKey:
        return self.keys[0]

    def _reload_if_changed(self) -> None:
        if self._source is None or self._source.file is None:
            return
        stamp = self._source.stamp()
        if stamp is None or stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            fresh = Sealer.from_texts(self._source.load())._keys
        except SealError as exc:
            log.error("reporter key file changed but cannot be used, keeping the keys: %s", exc)
            return
        self._keys = fresh
        log.info("reporter key file changed: %d key(s) loaded", len(fresh))

    def seal(self, text: str, purpose: str) -> str:
        """`keyid.base64(nonce + ciphertext)`; the purpose is bound as associated data, so
        a sealed value copied into another column does not open there."""
        key = self.current
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = key.aead.encrypt(nonce, text.encode(), purpose.encode())
        return f"{key.id}.{base64.b64encode(nonce + sealed).decode()}"

    def open(self, value: str, purpose: str) -> str:
        key_id, _, body = value.partition(".")
        key = next((k for k in self.keys if k.id == key_id), None)
        if key is None:
            raise SealError(
                f"A sealed value needs reporter key {key_id}, which is not loaded "
                f"(keys loaded: {', '.join(k.id for k in self.keys)})"
            )
        raw = base64.b64decode(body)
        try:
            plain = key.aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], purpose.encode())
        except InvalidTag:
            raise SealError(f"A sealed value did not open under key {key_id}") from None
        return plain.decode()

    def sealed_by(self, value: str) -> str:
        return value.partition(".")[0]

    def tag(self, purpose: str, *parts: object) -> str:
        """The look-up tag new rows get (current key)."""
        return self.current.tag(purpose, *parts)

    def tags(self, purpose: str, *parts: object) -> tuple[str, ...]:
        """Every tag a row of this person may carry (one per loaded key: during a rotation
        some rows are still tagged under the old key)."""
        return tuple(k.tag(purpose, *parts) for k in self.keys)


def marks(values: tuple[object, ...]) -> str:
    """`?, ?` for an `IN (...)` over a person's tags."""
    return ", ".join("?" for _ in values)


def fixed_sealer() -> Sealer:
    """A fixed key for tests and benchmarks that need no key file."""
    return Sealer([ReporterKey(b"\x07" * KEY_BYTES)])
