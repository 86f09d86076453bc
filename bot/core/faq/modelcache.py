"""The fitted learned model kept on disk, so that a restart with unchanged content does not train.

Training the FAQ's learned model is most of the bot's start-up (about 3 s of CPU on the
shipped content); loading the same fitted model from a file takes a few hundredths of a
second. The file's name is a digest of everything the fit depends on: the training examples
and their weights, the model settings, the content files (the glossary shapes the features),
the source of the modules that turn text into features and the informal-word dictionary they
apply, and the versions of the libraries that fit, store and stem. Any change to one of them
gives a new name, so a stale model is never read: it is trained again and the old file is
removed.

The files are pickles, which run code when read: the directory must be writable by the bot
alone (docs/deploy.md). It is created private (0700), and a file or directory that belongs to
another user or that others may write to is not read. Whatever goes wrong with the cache
(unreadable, unsafe, corrupt, a full disk) costs a fresh fit and a warning, never the start.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import stat
import sys
import tempfile
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

FORMAT = 3  # raise when what is stored changes shape (3: the reading of harm)
PREFIX = "faq-model-"
SUFFIX = ".pickle"
TEMP = ".tmp-"
TEMP_MAX_AGE = 600.0  # seconds: an older temporary file is a killed start's, not a writer's
MAGIC = b"faq-model 2\n"
HEADER = len(MAGIC) + 32  # then the SHA-256 of the pickle
# Files of the `bot` package that turn text into features: the feature code and the informal
# word dictionary the normaliser applies; and the libraries that fit, store or stem.
_SOURCES = (
    "core/faq/learned.py",
    "core/faq/danger.py",
    # what picks the everyday lines of the reading of harm, which the key does not list
    "core/faq/distress.py",
    "core/cekdulu/phrases.py",
    "core/faq/normalise.py",
    "data/indocollex/inforformal-formal-Indonesian-dictionary.tsv",
)
_LIBRARIES = ("scikit-learn", "numpy", "scipy", "snowballstemmer")


def model_key(
    examples: Sequence[tuple[str, str]],
    weights: Sequence[float] | None,
    settings: object,
    context: str,
) -> str | None:
    """The digest that names a fitted model: equal keys mean an identical fit. None when the
    feature code cannot be read (a deployment without sources): then nothing is cached."""
    digest = hashlib.sha256()

    def add(part: str | bytes) -> None:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)

    try:
        add(f"format {FORMAT}; python {sys.version_info[:2]}")
        add("; ".join(f"{name} {metadata.version(name)}" for name in _LIBRARIES))
        package = Path(__file__).parents[2]
        for name in _SOURCES:
            add((package / name).read_bytes())
    except (OSError, metadata.PackageNotFoundError) as exc:
        log.warning("FAQ model cache off: %s", type(exc).__name__)
        return None
    add(repr(settings))
    add(context)
    weights = weights if weights is not None else [1.0] * len(examples)
    for (text, label), weight in zip(examples, weights, strict=True):
        add(text)
        add(label)
        add(repr(float(weight)))
    return digest.hexdigest()


class ModelCache:
    """Fitted models in one directory, one file per key; only the newest is kept.

    A file is MAGIC, the SHA-256 of the pickle, then the pickle: damaged bytes are found
    before anything is unpickled."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, key: str) -> Path:
        return self.directory / f"{PREFIX}{key}{SUFFIX}"

    def load(self, key: str) -> Any | None:
        """The model stored under `key`, or None (not there, unsafe or damaged: logged)."""
        path = self.path(key)
        try:
            data = self._read(path)
            if data is None:
                return None
            return pickle.loads(data)
        except Exception as exc:  # a corrupt or foreign file must not stop the bot
            problem = type(exc).__name__
            log.warning("FAQ model cache %s unreadable (%s); training again", path, problem)
            return None

    def _read(self, path: Path) -> bytes | None:
        """The checked pickle bytes, or None (absent: quietly; unsafe or damaged: logged)."""
        try:
            unsafe = _unsafe(self.directory, self.directory.stat())
        except FileNotFoundError:
            return None
        if unsafe:
            log.warning("FAQ model cache %s not read: %s; training again", path, unsafe)
            return None
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
        try:
            handle = os.open(path, flags)
        except FileNotFoundError:
            return None
        with os.fdopen(handle, "rb") as file:
            status = os.fstat(file.fileno())
            unsafe = "not a regular file" if not stat.S_ISREG(status.st_mode) else ""
            unsafe = unsafe or _unsafe(path, status)
            if unsafe:
                log.warning("FAQ model cache %s not read: %s; training again", path, unsafe)
                return None
            blob = file.read()
        head, checksum, data = blob[: len(MAGIC)], blob[len(MAGIC) : HEADER], blob[HEADER:]
        if head != MAGIC or hashlib.sha256(data).digest() != checksum:
            log.warning("FAQ model cache %s damaged; training again", path)
            return None
        return data

    def save(self, key: str, fitted: Any) -> bool:
        """Store atomically and durably (two instances starting at once both write whole
        files; a crash leaves the old name or the whole new file), then remove older models.
        False (logged) when it could not be written."""
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            data = pickle.dumps(fitted, protocol=pickle.HIGHEST_PROTOCOL)
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=TEMP, suffix=SUFFIX)
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(MAGIC + hashlib.sha256(data).digest() + data)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(temporary, self.path(key))
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            log.warning("FAQ model cache in %s not written (%s)", self.directory, exc.strerror)
            return False
        self._remove_others(key)
        return True

    def _remove_others(self, key: str) -> None:
        """Older models, and temporary files a killed start left (after TEMP_MAX_AGE)."""
        keep = self.path(key).name
        stale = time.time() - TEMP_MAX_AGE
        for old in self.directory.iterdir():
            try:
                status = old.lstat()
                if not stat.S_ISREG(status.st_mode) or old.name == keep:
                    continue
                model = old.name.startswith(PREFIX) and old.name.endswith(SUFFIX)
                if model or (old.name.startswith(TEMP) and status.st_mtime < stale):
                    old.unlink()
            except OSError as exc:
                log.warning("FAQ model cache: %s not removed (%s)", old.name, exc.strerror)


def _unsafe(path: Path, status: os.stat_result) -> str:
    """Why a pickle there must not be read ("" when it may): reading one runs code, so the
    file and its directory must belong to this user and be writable by no one else."""
    if hasattr(os, "getuid") and status.st_uid != os.getuid():
        return f"{path.name} belongs to another user"
    if status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"{path.name} is writable by other users"
    return ""
