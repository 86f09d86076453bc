"""Service offices per province, from `content/offices.yaml`: what `/kantor` (`/office`) shows.

The list is data an editor keeps: BP3MI offices, P4MI posts at exit points, LTSA one-stop
centres, Disnaker offices and airport help desks. Each row says which provinces it serves,
where the fact comes from (`source`) and the date it was known to be true (`as_of`), so a
stale or unsourced row is caught by `python -m bot content check`. Only offices confirmed by
the fact sheets (or an official directory loaded with `python -m bot offices import`) belong
here; a province without a confirmed office simply shows the general advice.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from bot.core import csvfiles, yamlfile
from bot.core.content import Problem, Source
from bot.core.provinces import Province, Provinces
from bot.core.reports.draft import match_province

FILE_NAME = "offices.yaml"
KINDS = ("bp3mi", "p4mi", "ltsa", "disnaker", "helpdesk")  # also the display order
FIELDS = ("kind", "name", "place", "provinces", "address", "phone", "source", "as_of", "note")
REQUIRED = ("kind", "name", "provinces", "source", "as_of")
SUGGESTION_SCORE = 60  # rapidfuzz WRatio: "kalimantan" → the five Kalimantan provinces
MAX_SUGGESTIONS = 4


@dataclass(frozen=True)
class Office:
    kind: str
    name: str
    provinces: tuple[str, ...]
    source: Source
    as_of: dt.date
    place: str | None = None
    address: str | None = None
    phone: str | None = None
    note: dict[str, str] = field(default_factory=dict)


class Offices:
    """All rows in file order, looked up by province."""

    def __init__(self, offices: list[Office]) -> None:
        self.all = offices

    def __len__(self) -> int:
        return len(self.all)

    def __iter__(self) -> Iterator[Office]:
        return iter(self.all)

    def for_province(self, province_id: str) -> list[Office]:
        """The offices serving a province, BP3MI first, then P4MI, LTSA, Disnaker, help desks."""
        found = [o for o in self.all if province_id in o.provinces]
        return sorted(found, key=lambda o: KINDS.index(o.kind) if o.kind in KINDS else len(KINDS))

    @classmethod
    def load(cls, content_dir: Path, provinces: Provinces) -> tuple[Offices, list[Problem]]:
        """The rows and every problem found in them; a missing file is an empty list."""
        path = Path(content_dir) / FILE_NAME
        if not path.exists():
            return cls([]), []
        label = f"{Path(content_dir).name}/{FILE_NAME}"
        try:
            data = yamlfile.read(path)
        except yaml.YAMLError as exc:
            message = f"not valid YAML: {exc}".replace("\n", " ")
            return cls([]), [Problem(label, None, None, message)]
        if data is None:
            return cls([]), []
        if not isinstance(data, list):
            return cls([]), [Problem(label, None, None, "must be a list of offices")]
        offices, problems = [], []
        for number, item in enumerate(data, start=1):
            try:
                offices.append(parse_office(item, provinces))
            except OfficeError as exc:
                name = item.get("name") if isinstance(item, dict) else None
                where = f"#{number}" + (f" {name}" if name else "")
                problems.append(Problem(label, where, exc.field_name, str(exc)))
        return cls(offices), problems


class OfficeError(ValueError):
    def __init__(self, field_name: str | None, message: str) -> None:
        super().__init__(message)
        self.field_name = field_name


def parse_office(item: Any, provinces: Provinces) -> Office:
    """One row of offices.yaml, checked: known kind and provinces, a source and a date."""
    if not isinstance(item, dict):
        raise OfficeError(None, "each office must be a mapping")
    for name in set(item) - set(FIELDS):
        raise OfficeError(str(name), "unknown field")
    for name in REQUIRED:
        if item.get(name) in (None, "", []):
            raise OfficeError(name, "is missing")
    kind = str(item["kind"])
    if kind not in KINDS:
        raise OfficeError("kind", f"must be one of {', '.join(KINDS)}")
    served = item["provinces"]
    if not isinstance(served, list):
        raise OfficeError("provinces", "must be a list of province ids")
    unknown = [str(p) for p in served if str(p) not in provinces]
    if unknown:
        raise OfficeError("provinces", f"unknown province id(s): {', '.join(unknown)}")
    if not isinstance(item["as_of"], dt.date):
        raise OfficeError("as_of", "must be a date written YYYY-MM-DD")
    note = item.get("note") or {}
    if not isinstance(note, dict):
        raise OfficeError("note", "must map each language code to a text")
    return Office(
        kind=kind,
        name=_text(item["name"]),
        provinces=tuple(str(p) for p in served),
        source=_source(item["source"]),
        as_of=item["as_of"],
        place=_optional(item.get("place")),
        address=_optional(item.get("address")),
        phone=_optional(item.get("phone")),
        note={str(k): _text(v) for k, v in note.items() if v},
    )


def _text(value: Any) -> str:
    return " ".join(str(value).split())


def _optional(value: Any) -> str | None:
    """An optional text field: None when absent or blank."""
    if value is None:
        return None
    return _text(value) or None


def _source(value: Any) -> Source:
    """A source needs a name; its url, when given, must be a web address."""
    if not isinstance(value, dict) or not value.get("name"):
        raise OfficeError("source", "needs a name (and the url of the page, when there is one)")
    extra = sorted(str(key) for key in set(value) - {"name", "url"})
    if extra:
        raise OfficeError(
            "source", f"only name and url, not: {', '.join(extra)} (quote a name with commas)"
        )
    url = str(value.get("url") or "")
    if url and not url.startswith(("http://", "https://")):
        raise OfficeError("source", f"url must start with http:// or https://, got {url!r}")
    return Source(_text(value["name"]), url)


def check_offices(content_dir: Path) -> list[Problem]:
    """For `content check`: every problem in offices.yaml (none when there is no file)."""
    provinces = Provinces.load(Path(content_dir))
    return Offices.load(Path(content_dir), provinces)[1]


# -- a province typed by a person -----------------------------------------------------------
def resolve_province(text: str, provinces: Provinces) -> tuple[Province | None, list[Province]]:
    """(the province, []) when the text names one, the way /lapor reads it ("jatim", "Jawa
    Timr"); otherwise (None, the closest few) for a "did you mean" question."""
    found = match_province(text, provinces)
    if found is not None:
        return found, []
    typed = " ".join(text.casefold().split())
    names = {p.id: p.name.casefold() for p in provinces.all}
    close = process.extract(
        typed, names, scorer=fuzz.WRatio, limit=MAX_SUGGESTIONS, score_cutoff=SUGGESTION_SCORE
    )
    return None, [p for _name, _score, pid in close if (p := provinces.get(pid))]


# -- importing an official directory ----------------------------------------------------------
COLUMNS = {
    "province": ("province", "provinsi", "wilayah", "wilayah kerja"),
    "kind": ("kind", "jenis", "tipe", "type", "jenis kantor"),
    "name": ("name", "nama", "nama kantor", "kantor", "unit"),
    "place": ("place", "city", "kota", "kabupaten/kota", "kab/kota", "lokasi"),
    "address": ("address", "alamat", "alamat kantor"),
    "phone": ("phone", "telepon", "telp", "no telp", "nomor telepon"),
}
KIND_WORDS = {
    "bp3mi": "bp3mi",
    "upt": "bp3mi",
    "upt bp2mi": "bp3mi",
    "upt kp2mi": "bp3mi",
    "balai": "bp3mi",
    "p4mi": "p4mi",
    "pos": "p4mi",
    "ltsa": "ltsa",
    "ltsa pmi": "ltsa",
    "disnaker": "disnaker",
    "disnakertrans": "disnaker",
    "dinas tenaga kerja": "disnaker",
    "help desk": "helpdesk",
    "helpdesk": "helpdesk",
}


class DirectoryFileError(ValueError):
    """A problem in the CSV file; the message names the line."""


def read_directory(text: str, provinces: Provinces, source: Source, as_of: dt.date) -> list[dict]:
    """Rows for offices.yaml from an official directory saved as CSV (comma, semicolon or
    tab; a header row naming province, kind and name in Indonesian or English). Every line
    must resolve, so a half-read directory never replaces a good one."""
    rows = csvfiles.rows(text)
    columns = _columns(rows.fieldnames or [])
    found, errors = [], []
    for line, row in enumerate(rows, start=2):
        try:
            office = _directory_row(row, columns, provinces, source, as_of)
        except DirectoryFileError as exc:
            errors.append(f"line {line}: {exc}")
            continue
        if office is not None:
            found.append(office)
    if errors:
        raise DirectoryFileError("; ".join(errors))
    if not found:
        raise DirectoryFileError("no offices in the file")
    return found


def _columns(header: Iterable[str]) -> dict[str, str]:
    columns = csvfiles.match_columns(header, COLUMNS)
    missing = [key for key in ("province", "kind", "name") if key not in columns]
    if missing:
        raise DirectoryFileError(f"line 1: no {', '.join(missing)} column")
    return columns


def _directory_row(
    row: dict[str, str | None],
    columns: dict[str, str],
    provinces: Provinces,
    source: Source,
    as_of: dt.date,
) -> dict | None:
    def value(key: str) -> str | None:
        column = columns.get(key)
        return " ".join(((row.get(column) or "") if column else "").split()) or None

    name = value("name")
    if name is None:
        return None  # a blank line or a spreadsheet's trailing row
    typed = value("province") or ""
    province = provinces.get(typed) or match_province(typed, provinces)
    if province is None:
        raise DirectoryFileError(f"unknown province {typed!r}")
    kind = KIND_WORDS.get((value("kind") or "").casefold())
    if kind is None:
        raise DirectoryFileError(f"unknown kind {value('kind')!r} (BP3MI, P4MI, LTSA, Disnaker)")
    office: dict[str, Any] = {"kind": kind, "name": name, "provinces": [province.id]}
    for key in ("place", "address", "phone"):
        if value(key):
            office[key] = value(key)
    office["source"] = {"name": source.name, **({"url": source.url} if source.url else {})}
    office["as_of"] = as_of
    return office


def merge_import(path: Path, rows: list[dict], source_name: str) -> tuple[int, int]:
    """Write `rows` into offices.yaml in place of those an earlier import of the same source
    left there; hand-written rows and other sources stay. Returns (kept, replaced)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    header = "".join(
        itertools.takewhile(lambda line: line.startswith("#"), text.splitlines(keepends=True))
    )
    existing = yamlfile.parse(text) or [] if text else []
    kept = [
        item
        for item in existing
        if not (isinstance(item, dict) and (item.get("source") or {}).get("name") == source_name)
    ]
    body = yaml.safe_dump(
        kept + rows, allow_unicode=True, sort_keys=False, default_flow_style=None, width=100
    )
    path.write_text((header + "\n" if header else "") + body, encoding="utf-8")
    return len(kept), len(existing) - len(kept)
