"""Reading official lists saved as CSV (the agency register, the office directory).

Ministries publish them from spreadsheets: commas or semicolons, a byte-order mark, column
names in Indonesian or English with odd spacing or underscores. One reader for all of them, so
every import accepts the same files.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence


def rows(text: str) -> csv.DictReader:
    """The rows of a CSV text, its separator guessed from the first lines."""
    return csv.DictReader(io.StringIO(text.lstrip("\ufeff")), dialect=_dialect(text))


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def match_columns(header: Iterable[str], names: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """{field: header column} for every field whose accepted names (lower case, spaces or
    underscores) appear in the header; fields not found are left out."""
    by_name = {_key(h): h for h in header if h}
    columns = {}
    for field, accepted in names.items():
        column = next((by_name[_key(n)] for n in accepted if _key(n) in by_name), None)
        if column is not None:
            columns[field] = column
    return columns


def _key(name: str) -> str:
    return " ".join(name.strip().casefold().replace("_", " ").split())
