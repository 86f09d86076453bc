"""Cases as a spreadsheet, for coordination with the police and reports to leadership.

CSV (UTF-8 with a byte-order mark, so spreadsheet programs read Indonesian text correctly) or
XLSX (openpyxl, write-only mode, so 10,000 cases stay fast and small). The columns carry what
the desk works with, identifiers included; a reporter appears only by the name they chose to
show, never by a Telegram id.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ExportRow:
    """One case as the export file shows it."""

    code: str
    created_at: dt.datetime
    category: str
    urgent: bool
    province: str
    place: str | None
    occurred: str | None
    details: str
    status: str
    outcome: str | None
    outcome_people: int | None
    closed_at: dt.datetime | None
    desk_chat_id: int | None
    shown_name: str | None
    identifiers: tuple[str, ...]
    desk: str | None = None  # the key of the desk that owns the case (None: the central)


FORMATS = ("csv", "xlsx")
DESK_TIMEZONE = ZoneInfo("Asia/Jakarta")
COLUMNS: tuple[str, ...] = (
    "code",
    "created_wib",
    "category",
    "urgent",
    "province",
    "place",
    "occurred",
    "status",
    "outcome",
    "people_prevented",
    "closed_wib",
    "desk_chat_id",
    "desk",
    "identifiers",
    "reporter_shown_as",
    "details",
)


def _local(moment: dt.datetime | None) -> str:
    return moment.astimezone(DESK_TIMEZONE).strftime("%Y-%m-%d %H:%M") if moment else ""


def row_values(row: ExportRow) -> list[object]:
    """One case's cells, in COLUMNS order."""
    return [
        row.code,
        _local(row.created_at),
        row.category,
        "yes" if row.urgent else "no",
        row.province,
        row.place or "",
        row.occurred or "",
        row.status,
        row.outcome or "",
        row.outcome_people if row.outcome_people is not None else "",
        _local(row.closed_at),
        row.desk_chat_id if row.desk_chat_id is not None else "",
        row.desk or "",
        "; ".join(row.identifiers),
        row.shown_name or "",
        row.details,
    ]


def to_csv(rows: Iterable[ExportRow], columns: Sequence[str] = COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_safe_cell(v) for v in row_values(row)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: Iterable[ExportRow], columns: Sequence[str] = COLUMNS) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("cases")
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_safe_cell(v) for v in row_values(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(rows: Iterable[ExportRow], fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(rows)
    if fmt == "xlsx":
        return to_xlsx(rows)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading
    apostrophe: a tip-off's details are typed by strangers."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
