"""Loading the curated content (FAQ entries, categories, contacts) from YAML.

Content is data: editors change YAML, never Python. Loading never stops at the first
problem; it collects every one with its file, entry and field, so an editor can fix a
whole batch in one go (`python -m bot content check`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from bot.core import yamlfile

ENTRY_FIELDS = ("id", "category", "title", "questions", "answer", "related", "sources", "reviewed")
# Optional fields: `more` holds the details shown behind a "More" button; `as_of` dates a
# time-bound fact (a wage, a moratorium, a programme) and `valid_until` says when it must be
# checked again, so `content check --stale` can list what needs re-checking.
OPTIONAL_ENTRY_FIELDS = ("related", "more", "as_of", "valid_until")
CONTACT_KINDS = ("phone", "whatsapp", "web", "app", "email")


@dataclass(frozen=True)
class Problem:
    """One content error, located precisely enough for an editor to fix it."""

    file: str
    entry: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.entry:
            where += f": entry '{self.entry}'"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class ContentError(Exception):
    """Content could not be loaded cleanly; `problems` lists why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    telegram_codes: tuple[str, ...]
    stemmer: str | None = None


@dataclass(frozen=True)
class Category:
    id: str
    emoji: str
    title: dict[str, str]
    offers_report: bool = False  # `report: true`: answers here get a "Report" button
    topics: tuple[str, ...] = ()  # menu order of its entries; unlisted ones follow by id


@dataclass(frozen=True)
class Source:
    name: str
    url: str


@dataclass(frozen=True)
class FaqEntry:
    id: str
    category: str
    title: dict[str, str]
    questions: dict[str, tuple[str, ...]]
    answer: dict[str, str]
    related: tuple[str, ...]
    sources: tuple[Source, ...]
    reviewed: dt.date
    file: str = ""
    more: dict[str, str] = field(default_factory=dict)
    as_of: dt.date | None = None
    valid_until: dt.date | None = None


@dataclass(frozen=True)
class Contact:
    id: str
    name: dict[str, str]
    value: str
    kind: str
    when: dict[str, str]
    fallback: bool
    source: Source


@dataclass
class Content:
    """Everything the bot knows, in the order editors wrote it."""

    languages: list[Language]
    categories: list[Category]
    entries: dict[str, FaqEntry]
    contacts: list[Contact]
    directory: Path
    problems: list[Problem] = field(default_factory=list)

    @property
    def language_codes(self) -> list[str]:
        return [lang.code for lang in self.languages]

    @cached_property
    def digest(self) -> str:
        """The digest of the files this content was loaded from (`content_digest`), read
        once: the content check memo and the model cache both key on it."""
        return content_digest(self.directory)

    def in_category(self, category_id: str) -> list[FaqEntry]:
        """The category's entries in the menu order its `topics` list gives."""
        category = self.category(category_id)
        order = {entry_id: n for n, entry_id in enumerate(category.topics if category else ())}
        members = [e for e in self.entries.values() if e.category == category_id]
        return sorted(members, key=lambda e: (order.get(e.id, len(order)), e.id))

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)


def load_content(directory: Path) -> Content:
    """Load all content; problems found while parsing are kept in `Content.problems`."""
    problems: list[Problem] = []
    languages = _load_languages(directory / "languages.yaml", problems)
    codes = [lang.code for lang in languages]
    categories = _load_categories(directory / "categories.yaml", codes, problems)
    entries: dict[str, FaqEntry] = {}
    for path in sorted((directory / "faq").glob("*.yaml")):
        entry = _load_entry(path, directory, codes, problems)
        if entry is None:
            continue
        if entry.id in entries:
            problems.append(
                Problem(
                    entry.file, entry.id, "id", f"duplicate id, also in {entries[entry.id].file}"
                )
            )
            continue
        entries[entry.id] = entry
    contacts = _load_contacts(directory / "contacts.yaml", codes, problems)
    return Content(languages, categories, entries, contacts, directory, problems)


def undecodable_files(directory: Path) -> list[str]:
    """One line for each content file (YAML, CSV) that is not UTF-8 text: an editor that
    saved a file as Latin-1 or cp1252 gets told which file, not a UnicodeDecodeError."""
    lines = []
    for path in sorted(directory.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".csv") or not path.is_file():
            continue
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            lines.append(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8")
        except OSError as exc:
            lines.append(f"{path}: cannot read: {exc.strerror or exc}")
    return lines


def check_file(directory: Path, name: str, check: Callable[[Any], list[Problem]]) -> list[Problem]:
    """`check` run on a content file's data: nothing when the file is absent, one problem
    when it is not valid YAML (the checks of distress.yaml and distress_training.yaml)."""
    path = directory / name
    if not path.exists():
        return []
    try:
        data = yamlfile.read(path) or {}
    except yaml.YAMLError as exc:
        return [Problem(name, None, None, f"not valid YAML: {exc}")]
    return check(data)


def content_digest(directory: Path) -> str:
    """A digest of every content file (all are YAML) and where they are: equal digests,
    equal content."""
    digest = hashlib.sha256(str(directory).encode())
    for path in sorted(directory.rglob("*.yaml")):
        digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# Digests of content directories that passed every check in this process. Checking takes
# about half a second and the test suite starts the bot hundreds of times on the same files;
# the Content itself is always loaded afresh, so no caller shares a mutable object.
_PASSED_CHECKS: set[str] = set()


def load_valid_content(directory: Path) -> Content:
    """Load and fully check content; raise ContentError if anything is wrong."""
    from bot.core.checks import check_content

    content = load_content(directory)
    if content.digest in _PASSED_CHECKS:
        return content
    problems = check_content(content)
    if problems:
        raise ContentError(problems)
    _PASSED_CHECKS.add(content.digest)
    return content


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    try:
        return yamlfile.read(path)
    except FileNotFoundError:
        problems.append(Problem(str(path), None, None, "file is missing"))
    except UnicodeDecodeError as exc:
        reason = f"not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        problems.append(Problem(str(path), None, None, reason))
    except yaml.YAMLError as exc:
        problems.append(Problem(str(path), None, None, f"not valid YAML: {exc}".replace("\n", " ")))
    return None


def _load_languages(path: Path, problems: list[Problem]) -> list[Language]:
    data = _read_yaml(path, problems)
    if not isinstance(data, list) or not data:
        if data is not None:
            problems.append(Problem(str(path), None, None, "must be a non-empty list of languages"))
        return [Language("id", "Bahasa Indonesia", ("id", "in")), Language("en", "English", ())]
    return [
        Language(
            str(item["code"]),
            str(item.get("name", item["code"])),
            tuple(str(c) for c in item.get("telegram_codes") or ()),
            str(item["stemmer"]) if item.get("stemmer") else None,
        )
        for item in data
        if isinstance(item, dict) and "code" in item
    ]


def _texts(value: Any, codes: Iterable[str], field_name: str) -> dict[str, str]:
    """A {language: text} mapping in which every language has a non-empty text."""
    if not isinstance(value, dict):
        raise _FieldError(field_name, "must map each language code to a text")
    out = {str(k): str(v).strip() for k, v in value.items() if v is not None}
    missing = [c for c in codes if not out.get(c)]
    if missing:
        raise _FieldError(field_name, f"missing language(s): {', '.join(missing)}")
    return out


class _FieldError(ValueError):
    def __init__(self, field_name: str | None, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name


def _load_categories(path: Path, codes: list[str], problems: list[Problem]) -> list[Category]:
    data = _read_yaml(path, problems)
    categories: list[Category] = []
    for item in data if isinstance(data, list) else []:
        cid = str(item.get("id", "")) if isinstance(item, dict) else ""
        try:
            if not cid:
                raise _FieldError("id", "every category needs an id")
            title = _texts(item.get("title"), codes, "title")
        except _FieldError as exc:
            problems.append(Problem(str(path), cid or None, exc.field_name, str(exc)))
            continue
        offers_report = item.get("report") is True
        topics = tuple(str(t) for t in item.get("topics") or ())
        categories.append(Category(cid, str(item.get("emoji", "")), title, offers_report, topics))
    return categories


def _load_entry(
    path: Path, root: Path, codes: list[str], problems: list[Problem]
) -> FaqEntry | None:
    data = _read_yaml(path, problems)
    file = str(path.relative_to(root.parent)) if root.parent in path.parents else str(path)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.append(Problem(file, None, None, "must be a mapping with the entry's fields"))
        return None
    entry_id = str(data.get("id") or path.stem)
    before = len(problems)
    for name in ENTRY_FIELDS:
        if name not in data and name not in OPTIONAL_ENTRY_FIELDS:
            problems.append(Problem(file, entry_id, name, "is missing"))
    for name in set(data) - set(ENTRY_FIELDS) - set(OPTIONAL_ENTRY_FIELDS):
        problems.append(Problem(file, entry_id, str(name), "unknown field"))
    if len(problems) > before:
        return None
    try:
        return _build_entry(data, entry_id, file, codes)
    except _FieldError as exc:
        problems.append(Problem(file, entry_id, exc.field_name, str(exc)))
        return None


def _build_entry(data: dict[str, Any], entry_id: str, file: str, codes: list[str]) -> FaqEntry:
    title = _texts(data["title"], codes, "title")
    answer = _texts(data["answer"], codes, "answer")
    questions = data["questions"]
    if not isinstance(questions, dict):
        raise _FieldError("questions", "must map each language code to a list of phrasings")
    phrasings: dict[str, tuple[str, ...]] = {}
    for code in codes:
        items = questions.get(code)
        if not isinstance(items, list) or not items:
            raise _FieldError(f"questions.{code}", "missing language: needs a list of phrasings")
        phrasings[code] = tuple(str(q).strip() for q in items if str(q).strip())
    related = data.get("related") or []
    if not isinstance(related, list):
        raise _FieldError("related", "must be a list of entry ids")
    reviewed = _date(data["reviewed"], "reviewed")
    more = _texts(data["more"], codes, "more") if data.get("more") is not None else {}
    return FaqEntry(
        id=entry_id,
        category=str(data["category"]),
        title=title,
        questions=phrasings,
        answer=answer,
        related=tuple(str(r) for r in related),
        sources=_sources(data["sources"]),
        reviewed=reviewed,
        file=file,
        more=more,
        as_of=_date(data["as_of"], "as_of") if data.get("as_of") is not None else None,
        valid_until=(
            _date(data["valid_until"], "valid_until")
            if data.get("valid_until") is not None
            else None
        ),
    )


def _date(value: Any, field_name: str) -> dt.date:
    if not isinstance(value, dt.date):
        raise _FieldError(field_name, "must be a date written YYYY-MM-DD")
    return value


def _source(item: Any, field_name: str) -> Source:
    if not isinstance(item, dict) or not item.get("name") or not item.get("url"):
        raise _FieldError(field_name, "each source needs a name and a url")
    url = str(item["url"])
    if not url.startswith(("http://", "https://")):
        raise _FieldError(field_name, f"url must start with http:// or https://, got {url!r}")
    return Source(str(item["name"]), url)


def _sources(value: Any) -> tuple[Source, ...]:
    if not isinstance(value, list) or not value:
        raise _FieldError("sources", "must list at least one source")
    return tuple(_source(item, f"sources[{i}]") for i, item in enumerate(value))


def _load_contacts(path: Path, codes: list[str], problems: list[Problem]) -> list[Contact]:
    if not path.exists():
        return []
    data = _read_yaml(path, problems)
    contacts: list[Contact] = []
    for item in data if isinstance(data, list) else []:
        cid = str(item.get("id", "")) if isinstance(item, dict) else ""
        try:
            contacts.append(_contact(item, cid, codes, str(path)))
        except _FieldError as exc:
            problems.append(Problem(str(path), cid or None, exc.field_name, str(exc)))
    return contacts


def _contact(item: Any, cid: str, codes: list[str], file: str) -> Contact:
    if not cid:
        raise _FieldError("id", "every contact needs an id")
    kind = str(item.get("kind", ""))
    if kind not in CONTACT_KINDS:
        raise _FieldError("kind", f"must be one of {', '.join(CONTACT_KINDS)}")
    if not item.get("value"):
        raise _FieldError("value", "is missing")
    return Contact(
        id=cid,
        name=_texts(item.get("name"), codes, "name"),
        value=str(item["value"]),
        kind=kind,
        when=_texts(item.get("when"), codes, "when"),
        fallback=bool(item.get("fallback", False)),
        source=_source(item.get("source"), "source"),
    )
