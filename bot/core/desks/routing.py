"""Regional desks: which desk chat owns a case, from the province it happened in.

Editors change `desks.yaml` (in the content directory, or the file `DESKS_FILE` names, so a
deployment keeps its chat ids out of the repository), never Python. The file lists regional
desks, each with a stable key, a display name, a chat id, its provinces and optionally its own
members, plus one central desk that sees every case. The central desk's chat is always
`DESK_CHAT_ID`: with no regional desk configured it is the single desk of old, with zero
configuration.

Rules (checked by `python -m bot content check` and at start-up): a province must exist in
`provinces.yaml` and belong to at most one desk; keys, names and chat ids are unique; regional
desks need a central desk entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.core import yamlfile

FILE_NAME = "desks.yaml"
CENTRAL_KEY = "pusat"  # the central desk's key when the file configures none
KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,30}")  # keys travel in job payloads and CLI args
DESK_FIELDS = ("key", "name", "chat_id", "provinces", "members")
CENTRAL_FIELDS = ("key", "name", "members")


@dataclass(frozen=True)
class Desk:
    """One desk. `chat_id` is None for the central desk: its chat is DESK_CHAT_ID."""

    key: str
    name: str
    chat_id: int | None = None
    provinces: tuple[str, ...] = ()
    members: frozenset[int] = field(default_factory=frozenset)  # empty: the global rule
    central: bool = False

    def may_act_on(self, owner: str | None) -> bool:
        """The central desk acts on every case; a regional desk only on its own."""
        return self.central or owner == self.key


@dataclass(frozen=True)
class DeskMap:
    central: Desk
    regional: tuple[Desk, ...] = ()

    @property
    def all(self) -> tuple[Desk, ...]:
        return (self.central, *self.regional)

    def owner_of(self, province: str | None) -> Desk:
        """The desk that owns a case from `province`: its regional desk, else the central."""
        return next((d for d in self.regional if province in d.provinces), self.central)

    def by_key(self, key: str | None) -> Desk | None:
        """A desk by key (or by name, case-insensitively, as a person would type it); None
        for an unknown key. A case stored without a key belongs to the central desk."""
        if key is None:
            return self.central
        wanted = key.strip().casefold()
        return next((d for d in self.all if wanted in (d.key.casefold(), d.name.casefold())), None)

    def desks_of(self, owner: str | None) -> tuple[Desk, ...]:
        """Where a case's cards go: its regional desk (if it has one) and the central desk."""
        desk = self.by_key(owner)
        if desk is None or desk.central:
            return (self.central,)
        return (desk, self.central)

    def reminded(self, owner: str | None, number: int) -> tuple[Desk, ...]:
        """The desks that get reminder `number` of a case: the owning desk every time; the
        central desk the first reminder of its own cases and, for a regional desk's case,
        every reminder after the first (the regional desk let one pass: escalate)."""
        desks = self.desks_of(owner)
        return desks[:1] if number < 2 else desks


def desk_payload(desk: Desk) -> dict[str, object]:
    """What names a desk in an outbox job for one desk only: a regional desk's key (its own
    lane), or the central marker (a job without either is for every desk of the case, as
    jobs queued before each desk had its own were)."""
    return {"central": True} if desk.central else {"desk": desk.key}


class DeskFileError(ValueError):
    """The routing file is wrong; `problems` has one line per mistake."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def single_desk(name: str | None = None) -> DeskMap:
    """No routing file, or one without regional desks: DESK_CHAT_ID is the only desk."""
    return DeskMap(Desk(CENTRAL_KEY, name or "Desk", central=True))


def desks_path(content_dir: Path, configured: Path | None) -> Path:
    return configured if configured is not None else Path(content_dir) / FILE_NAME


def load_desks(
    path: Path, provinces: Iterable[str], central_chat: int | None = None, name: str | None = None
) -> DeskMap:
    """Read and check the routing file; DeskFileError lists every problem. A missing file is
    the single desk (zero configuration)."""
    problems: list[str] = []
    desks = parse_desks(path, set(provinces), problems, central_chat, name)
    if problems:
        raise DeskFileError(problems)
    return desks


def check_desks(path: Path, provinces: Iterable[str], central_chat: int | None = None) -> list[str]:
    """For `content check`: one line per problem in the routing file (none when it is fine)."""
    problems: list[str] = []
    parse_desks(path, set(provinces), problems, central_chat)
    return problems


def parse_desks(
    path: Path,
    provinces: set[str],
    problems: list[str],
    central_chat: int | None = None,
    name: str | None = None,
) -> DeskMap:
    if not path.exists():
        return single_desk(name)
    where = str(path)
    try:
        data = yamlfile.read(path) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(f"{where}: cannot read it: {exc}")
        return single_desk(name)
    if not isinstance(data, dict) or set(data) - {"central", "desks"}:
        problems.append(f"{where}: expected the keys 'central' and 'desks' only")
        return single_desk(name)
    regional = [_regional(item, n, where, problems) for n, item in _items(data, where, problems)]
    central = _central(data.get("central"), where, problems, name, bool(regional))
    _cross_checks(central, regional, provinces, where, problems, central_chat)
    return DeskMap(central, tuple(regional))


def _items(data: dict[str, Any], where: str, problems: list[str]) -> list[tuple[int, Any]]:
    items = data.get("desks") or []
    if not isinstance(items, list):
        problems.append(f"{where}: 'desks' must be a list of desks")
        return []
    return list(enumerate(items, start=1))


def _regional(item: Any, number: int, where: str, problems: list[str]) -> Desk:
    label = f"{where}: desk {number}"
    if not isinstance(item, dict):
        problems.append(f"{label}: must be a mapping with key, name, chat_id and provinces")
        return Desk(f"#{number}", f"#{number}")
    key = str(item.get("key") or "")
    label = f"{where}: desk '{key or number}'"
    for unknown in sorted(set(item) - set(DESK_FIELDS)):
        problems.append(f"{label}: unknown field '{unknown}'")
    _check_key(key, label, problems)
    if not str(item.get("name") or "").strip():
        problems.append(f"{label}: 'name' is missing")
    chat = item.get("chat_id")
    if not isinstance(chat, int) or isinstance(chat, bool) or chat >= 0:
        problems.append(
            f"{label}: 'chat_id' must be the desk group's id, a negative number (send /chatid "
            "in the group to see it)"
        )
        chat = None
    provinces = item.get("provinces") or []
    if not isinstance(provinces, list) or not provinces:
        problems.append(f"{label}: 'provinces' must list at least one province id")
        provinces = []
    return Desk(
        key or f"#{number}",
        str(item.get("name") or key).strip(),
        chat,
        tuple(str(p) for p in provinces),
        _members(item.get("members"), label, problems),
    )


def _central(item: Any, where: str, problems: list[str], name: str | None, needed: bool) -> Desk:
    if item is None:
        if needed:
            problems.append(
                f"{where}: regional desks need a central desk ('central:' with a key and a "
                "name; its chat is DESK_CHAT_ID)"
            )
        return single_desk(name).central
    label = f"{where}: central desk"
    if not isinstance(item, dict):
        problems.append(f"{label}: must be a mapping with key and name")
        return single_desk(name).central
    if "chat_id" in item:
        problems.append(f"{label}: has no chat_id here: its chat is DESK_CHAT_ID")
    for unknown in sorted(set(item) - set(CENTRAL_FIELDS) - {"chat_id", "provinces"}):
        problems.append(f"{label}: unknown field '{unknown}'")
    if "provinces" in item:
        problems.append(f"{label}: has no provinces: it sees every case")
    key = str(item.get("key") or CENTRAL_KEY)
    _check_key(key, label, problems)
    desk_name = str(item.get("name") or name or "Desk").strip()
    members = _members(item.get("members"), label, problems)
    return Desk(key, desk_name, None, (), members, central=True)


def _check_key(key: str, label: str, problems: list[str]) -> None:
    if not KEY_PATTERN.fullmatch(key):
        problems.append(
            f"{label}: 'key' must be 1-31 lower-case letters, digits, - or _ (got {key!r})"
        )


def _members(value: Any, label: str, problems: list[str]) -> frozenset[int]:
    if value is None:
        return frozenset()
    ok = isinstance(value, list) and all(
        isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value
    )
    if not ok:
        problems.append(f"{label}: 'members' must be a list of Telegram user ids (positive)")
        return frozenset()
    return frozenset(value)


def _cross_checks(
    central: Desk,
    regional: list[Desk],
    provinces: set[str],
    where: str,
    problems: list[str],
    central_chat: int | None,
) -> None:
    """Unknown provinces, a province on two desks, duplicate keys, names and chat ids."""
    owner: dict[str, str] = {}
    for desk in regional:
        for province in desk.provinces:
            if provinces and province not in provinces:
                problems.append(
                    f"{where}: desk '{desk.key}': unknown province '{province}' (ids are in "
                    "provinces.yaml)"
                )
            elif province in owner and owner[province] != desk.key:
                problems.append(
                    f"{where}: province '{province}' is on two desks: "
                    f"'{owner[province]}' and '{desk.key}'"
                )
            owner.setdefault(province, desk.key)
    _duplicates([d.key for d in (central, *regional)], "key", where, problems)
    _duplicates([d.name.casefold() for d in (central, *regional)], "name", where, problems)
    chats = [d.chat_id for d in regional if d.chat_id is not None]
    _duplicates([str(c) for c in chats], "chat_id", where, problems)
    if central_chat is not None and central_chat in chats:
        problems.append(
            f"{where}: chat_id {central_chat} is DESK_CHAT_ID, the central desk's chat; a "
            "regional desk needs a group of its own"
        )


def _duplicates(values: list[str], what: str, where: str, problems: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            problems.append(f"{where}: {what} '{value}' is used by two desks")
        seen.add(value)
