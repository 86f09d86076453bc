"""The register of licensed placement agencies (P3MI) and the fuzzy name matcher.

The register is data imported from the official list (SISKOP2MI / KP2MI) with the date it
was valid on. Names are compared after a normalisation that ignores what people vary
("PT", "PT.", "P.T.", "Tbk", "(Persero)", punctuation, old spellings such as "Djaja"), and
then with rapidfuzz, so typos and a changed word order still match. The answers are
deliberately modest: found (licence valid or ended), a similar name, or not in the register
*as of its date*. Not being in the register never makes an agency "illegal" here.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process

from bot.core import csvfiles

# Calibrated on tests/fixtures/agencies.csv and the variants in tests/test_agencies.py:
# typo, spelling and format variants of a registered name score 94.7 or more; the closest
# different name ("Contoh Maju Bersatu" for "Contoh Maju Bersama") 89.5. A found name must
# also have the same number of words (see same_words), so an added word never passes.
FOUND_SCORE = 92.0
SIMILAR_SCORE = 85.0
AMBIGUOUS_GAP = 2.0  # two register names this close to each other: report as similar
LEGAL_FORMS = frozenset({"pt", "p t", "persero", "perseroan", "terbatas", "tbk"})  # not CV
_QUESTION_WORDS = """
    apa apakah ini itu ya gak ga nggak tidak aman resmi legal ilegal bodong penipu penipuan
    benar bener beneran gimana bagaimana cek tolong mohon kah is this that a the how what
    safe legit real fake scam please check
    aku aq saya sy kamu km anda kok sih dong nih deh lho i my me you your
"""  # a sentence about oneself or to the reader ("paspor aku pegang sendiri kok") is no name
NOT_NAME_WORDS = frozenset(_QUESTION_WORDS.split())
MIN_NAME_WORDS = 2  # one word alone ("halo") is not read as a name; "PT Halo" is
MAX_NAME_WORDS = 7
_ABBREVIATIONS = {
    "intl": "internasional",
    "int'l": "internasional",
    "international": "internasional",
    "and": "dan",
}
ACRONYM = re.compile(r"[a-z]{2,6}")
# Old spelling to one key: "Djaja" and "Jaya" both become "yaya", "Tjahaja" and "Cahaya"
# "cahaya" (j and y are conflated on purpose: the key is only compared, never shown).
_OLD_SPELLING = (
    ("dj", "j"),
    ("tj", "c"),
    ("nj", "ny"),
    ("sj", "sy"),
    ("oe", "u"),
    ("ch", "kh"),
    ("j", "y"),
)
WORD_SCORE = 75  # each word of a found name must be at least this close to its partner
MIN_SUBSET_WORDS = 2
_NON_WORD = re.compile(r"[^\w']+")


class Standing(StrEnum):
    LICENSED = "licensed"  # in the register, licence valid on the register's date
    EXPIRED = "expired"  # in the register, licence ended
    SIMILAR = "similar"  # not in the register, a close name is
    NOT_FOUND = "not_found"
    NO_REGISTER = "no_register"  # no list imported yet


@dataclass(frozen=True)
class Agency:
    name: str
    licence_number: str | None = None
    valid_until: dt.date | None = None
    address: str | None = None


@dataclass(frozen=True)
class Batch:
    """One import of the official list: where it came from and the date it was valid on."""

    id: int
    source: str
    as_of: dt.date


@dataclass(frozen=True)
class AgencyMatch:
    query: str
    standing: Standing
    agency: Agency | None = None
    score: float = 0.0
    batch: Batch | None = None

    def to_dict(self) -> dict[str, object]:
        agency = self.agency
        return {
            "query": self.query,
            "standing": self.standing.value,
            "name": agency.name if agency else None,
            "licence_number": agency.licence_number if agency else None,
            "valid_until": _iso(agency.valid_until) if agency else None,
            "score": round(self.score, 1),
            "as_of": _iso(self.batch.as_of) if self.batch else None,
            "source": self.batch.source if self.batch else None,
        }


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def normalise_name(name: str) -> str:
    """A name reduced to what identifies the company: "P.T. Djaja Intl, Tbk." → "yaya
    internasional" (legal forms dropped, old and new spellings brought to one key)."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " dan ")
    text = re.sub(r"\bp\.\s?t\.?(?=\s|$)", " pt ", text)
    words = []
    for word in _NON_WORD.sub(" ", text).split():
        word = _ABBREVIATIONS.get(word, word).replace("'", "")
        for old, new in _OLD_SPELLING:
            word = word.replace(old, new)
        words.append(word)
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)


class Register:
    """The latest imported list, searchable by name."""

    def __init__(self, agencies: Sequence[Agency], batch: Batch | None) -> None:
        self.agencies = list(agencies)
        self.batch = batch
        self._names = [normalise_name(a.name) for a in self.agencies]

    def __len__(self) -> int:
        return len(self.agencies)

    def match(self, query: str) -> AgencyMatch:
        if self.batch is None or not self.agencies:
            return AgencyMatch(query, Standing.NO_REGISTER)
        wanted = normalise_name(query)
        best = self._best(wanted)
        if not wanted or not best or best[0][1] < SIMILAR_SCORE:
            return self._by_part(query, wanted)
        name, score, index = best[0]
        agency = self.agencies[index]
        if score < FOUND_SCORE or _ambiguous(best) or not same_words(wanted, name):
            return AgencyMatch(query, Standing.SIMILAR, agency, score, self.batch)
        return AgencyMatch(query, self._standing(agency), agency, score, self.batch)

    def _best(self, wanted: str) -> list[tuple[str, float, int]]:
        """The two best names by max(ratio, token_sort_ratio), both computed natively."""
        scores: dict[int, tuple[str, float, int]] = {}
        for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
            for name, score, index in process.extract(wanted, self._names, scorer=scorer, limit=3):
                if index not in scores or scores[index][1] < score:
                    scores[index] = (name, score, index)
        return sorted(scores.values(), key=lambda found: -found[1])[:2]

    def _by_part(self, query: str, wanted: str) -> AgencyMatch:
        """A short form that fits exactly one registered name is offered as similar, never
        as found: initials ("PT BKM" → "Bina Karya Mandiri") or some of its words ("Contoh
        Maju" → "Contoh Maju Bersama")."""
        if ACRONYM.fullmatch(wanted):
            hits = [i for i, name in enumerate(self._names) if _initials(name) == wanted]
        elif len(wanted.split()) >= MIN_SUBSET_WORDS:
            hits = [i for i, name in enumerate(self._names) if _contains_words(name, wanted)]
        else:
            hits = []
        if len(hits) != 1:
            return AgencyMatch(query, Standing.NOT_FOUND, batch=self.batch)
        return AgencyMatch(query, Standing.SIMILAR, self.agencies[hits[0]], 0.0, self.batch)

    def _standing(self, agency: Agency) -> Standing:
        assert self.batch is not None
        if agency.valid_until is not None and agency.valid_until < self.batch.as_of:
            return Standing.EXPIRED
        return Standing.LICENSED


def same_words(query: str, name: str) -> bool:
    """The same number of words, each close to one of the other name's: typos inside
    words pass, a missing or an extra word does not ("Maju Jaya" is not "Maju Jaya Abadi")."""
    left, right = query.split(), name.split()
    if len(left) != len(right):
        return False
    for word in left:
        scores = [fuzz.ratio(word, other) for other in right]
        best = max(range(len(right)), key=scores.__getitem__)
        if scores[best] < WORD_SCORE:
            return False
        right.pop(best)
    return True


def _contains_words(name: str, words: str) -> bool:
    return set(words.split()) <= set(name.split())


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split())


def _ambiguous(best: list[tuple[str, float, int]]) -> bool:
    return len(best) > 1 and best[0][1] < 100 and best[0][1] - best[1][1] < AMBIGUOUS_GAP


def name_query(text: str) -> str | None:
    """The whole input read as an agency name ("/cek maju jaya abadi"), when it is two to
    seven words and reads like a name rather than a question."""
    words = _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split()
    if not MIN_NAME_WORDS <= len(words) <= MAX_NAME_WORDS:
        return None
    if any(w in NOT_NAME_WORDS for w in words):
        return None
    if not any(ch.isalpha() for ch in text):
        return None
    return " ".join(text.split())


# -- CSV import ------------------------------------------------------------------------------
COLUMNS = {
    "name": ("name", "nama", "nama_perusahaan", "nama perusahaan", "nama p3mi", "perusahaan"),
    "licence_number": (
        "licence_number",
        "license_number",
        "nomor_izin",
        "nomor izin",
        "no_izin",
        "no izin",
        "sip3mi",
        "nomor sip3mi",
        "izin",
    ),
    "valid_until": (
        "valid_until",
        "berlaku_sampai",
        "berlaku sampai",
        "masa_berlaku",
        "masa berlaku",
        "tanggal_berakhir",
        "expiry",
    ),
    "address": ("address", "alamat", "alamat kantor"),
}
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")


class RegisterFileError(ValueError):
    """A problem in the CSV file; the message gives the line."""


def read_csv(text: str) -> list[Agency]:
    """Agencies from the official list saved as CSV (comma or semicolon, UTF-8, with a
    header row; column names in Indonesian or English, see COLUMNS)."""
    rows = csvfiles.rows(text)
    columns = _columns(rows.fieldnames or [])
    agencies = [_agency(row, columns, line) for line, row in enumerate(rows, start=2)]
    found = [a for a in agencies if a is not None]
    if not found:
        raise RegisterFileError("no agencies in the file")
    return found


def _columns(header: Iterable[str]) -> dict[str, str]:
    columns = csvfiles.match_columns(header, COLUMNS)
    if "name" not in columns:
        raise RegisterFileError("line 1: no name column (expected one of: nama, name, …)")
    return columns


def _agency(row: dict[str, str | None], columns: dict[str, str], line: int) -> Agency | None:
    def value(field: str) -> str | None:
        column = columns.get(field)
        text = (row.get(column) or "").strip() if column else ""
        return " ".join(text.split()) or None

    name = value("name")
    if name is None:
        return None
    return Agency(
        name=name,
        licence_number=value("licence_number"),
        valid_until=parse_date(value("valid_until"), line),
        address=value("address"),
    )


def parse_date(text: str | None, line: int | None = None) -> dt.date | None:
    if not text:
        return None
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    where = f"line {line}: " if line else ""
    raise RegisterFileError(f"{where}date {text!r} is not YYYY-MM-DD or DD-MM-YYYY")
