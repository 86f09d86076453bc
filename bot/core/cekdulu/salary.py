"""Read the monthly salary an offer promises, in rupiah, from the way ads write money.

"gaji 15-20jt", "Rp 25.000.000/bln", "Salary $1200-$1500", "NT$35,000", "RM 2500-3000",
"2000 dirham", "USD 1000 basic": an amount counts as a salary only when a salary word stands
near it and no fee word ("biaya", "DP", "fee") comes between, so "gaji 8jt, biaya 5jt" reads
as 8 juta. Ranges count at their top ("up to" is what the ad wants people to remember).
Conversion rates are rough and only used to compare with a ceiling; they are never shown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

CONTEXT_BEFORE = 40  # characters before an amount searched for a salary word
CONTEXT_AFTER = 16
_NUMBER = r"\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d{1,2})?"
_RANGE = r"\s?(?:-|–|s/d|sd|sampai|hingga|to|~)\s?"
_UNITS = {"jt": 1e6, "juta": 1e6, "jutaan": 1e6, "million": 1e6, "rb": 1e3, "ribu": 1e3, "k": 1e3}
_PERIOD_SKIP = re.compile(r"^\s?(?:/|per\s)\s?(?:hari|jam|minggu|day|hour|week|hr)\b")
_PERIOD_YEAR = re.compile(r"^\s?(?:/|per\s)\s?(?:tahun|thn|year|yr|annum)\b")


@dataclass(frozen=True)
class Salary:
    idr: float  # per month
    text: str  # as written


@dataclass(frozen=True)
class SalaryReader:
    currencies: Mapping[str, str]  # how ads write a currency → its code ("nt$" → "twd")
    rates_idr: Mapping[str, float]  # code → rupiah (rough)
    salary_words: tuple[str, ...]
    fee_words: tuple[str, ...]

    def __post_init__(self) -> None:
        names = sorted(self.currencies, key=len, reverse=True)
        currency = "|".join(re.escape(n) for n in names)
        unit = "|".join(sorted(_UNITS, key=len, reverse=True))
        pattern = (
            rf"(?<![\w$])(?:(?P<cur1>{currency})\s?)?(?P<num>{_NUMBER})"
            rf"(?:{_RANGE}(?:(?:{currency})\s?)?(?P<num2>{_NUMBER}))?"
            rf"(?:\s?(?P<unit>{unit})\b)?(?:\s?(?P<cur2>{currency})(?![\w]))?"
        )
        object.__setattr__(self, "_amount", re.compile(pattern))
        object.__setattr__(self, "_salary", _word_pattern(self.salary_words))
        object.__setattr__(self, "_fee", _word_pattern(self.fee_words))

    def highest(self, text: str) -> Salary | None:
        """The highest monthly salary the text promises, or None."""
        light = unicodedata.normalize("NFKC", text or "").casefold()
        found = [s for m in self._amount.finditer(light) if (s := self._salary_of(light, m))]
        return max(found, key=lambda s: s.idr, default=None)

    def _salary_of(self, text: str, match: re.Match[str]) -> Salary | None:
        if not self._is_salary(text, match.start(), match.end()):
            return None
        code = self._currency(match)
        if code is None or code not in self.rates_idr:
            return None
        value = max(_number(match["num"]), _number(match["num2"]) if match["num2"] else 0.0)
        value *= _UNITS.get(match["unit"] or "", 1.0)
        after = text[match.end() : match.end() + CONTEXT_AFTER]
        if _PERIOD_SKIP.search(after):
            return None
        if _PERIOD_YEAR.search(after):
            value /= 12
        return Salary(value * self.rates_idr[code], match.group(0).strip())

    def _currency(self, match: re.Match[str]) -> str | None:
        written = match["cur1"] or match["cur2"]
        if written:
            return self.currencies[written]
        if match["unit"] in ("jt", "juta", "jutaan", "rb", "ribu"):
            return "idr"  # "15jt" is always rupiah
        return None

    def _is_salary(self, text: str, start: int, end: int) -> bool:
        """A salary word shortly before (or just after) the amount, no fee word in between."""
        before = _same_line(text[max(0, start - CONTEXT_BEFORE) : start], last=True)
        salary = [m.end() for m in self._salary.finditer(before)]
        fees = [m.end() for m in self._fee.finditer(before)]
        if salary and (not fees or max(fees) < max(salary)):
            return True
        after = _same_line(text[end : end + CONTEXT_AFTER], last=False)
        return bool(self._salary.search(after)) and not self._fee.search(after)


def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    body = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


def _same_line(text: str, last: bool) -> str:
    parts = re.split(r"\n|[.!?](?:\s|$)", text)
    return parts[-1] if last else parts[0]


def _number(text: str) -> float:
    """ "25.000.000" and "35,000" are thousands; "2,5" and "1.5" are decimals."""
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):
        return float(re.sub(r"[.,]", "", text))
    return float(text.replace(",", "."))
