"""Where a benchmark number came from: the commit, the code and the content it ran on.

A code hash alone cannot show that a content edit changed a result, and a commit alone
cannot show uncommitted edits; a report records all three. Use it in one line:

    from bench._provenance import provenance
    lines.append(provenance(code=["bot/core/faq"]))  # paths whose code the number measures

which gives, for example,
``Provenance: commit 662bfd6 (clean), code sha256 1a2b3c4d5e6f (bot/core/faq),
content sha256 0f9e8d7c6b5a (content/), Python 3.11.7, load average 0.5/0.6/0.7,
2026-12-04 17:20 UTC``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import platform
import subprocess
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTENT = "content"


def tree_hash(paths: Iterable[str], root: Path = ROOT) -> str:
    """sha256 (12 hex digits) over every file under `paths`, by relative path and bytes."""
    digest = hashlib.sha256()
    for path in sorted(_files(paths, root)):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def _files(paths: Iterable[str], root: Path) -> list[Path]:
    found = []
    for name in paths:
        path = root / name
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found += [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return found


def commit(root: Path = ROOT, paths: Iterable[str] = ()) -> str:
    """Short HEAD commit, and whether `paths` (default: the whole tree) had uncommitted
    changes when measured."""
    try:
        head = _git(root, "rev-parse", "--short", "HEAD")
        dirty = _git(root, "status", "--porcelain", "--untracked-files=no", "--", *paths)
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{head} ({'uncommitted changes' if dirty else 'clean'})"


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True, timeout=30
    )
    return done.stdout.strip()


def provenance(code: Iterable[str], *, content: bool = True, root: Path = ROOT) -> str:
    """One Markdown-safe line naming the commit, code hash, content hash, Python and time."""
    code = list(code)
    parts = [
        f"commit {commit(root, [*code, CONTENT] if content else code)}",
        f"code sha256 {tree_hash(code, root)} ({', '.join(code)})",
    ]
    if content:
        parts.append(f"content sha256 {tree_hash([CONTENT], root)} ({CONTENT}/)")
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    parts += [f"Python {platform.python_version()}", f"load average {load}", now]
    return "Provenance: " + ", ".join(parts)
