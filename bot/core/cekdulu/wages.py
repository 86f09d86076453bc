"""Official wage levels (content/wages.yaml) for the pay check: like with like only.

An offer's salary is compared with a level only when the offer names the level's country
AND its job ("any" covers every job in that country). Nothing else: a Cambodian office job
is never compared with the Hong Kong domestic-worker minimum, and when no level fits the
check says nothing about pay. Every level carries its date and source, which the answer
shows; the threshold "far above" is editorial and never shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core import yamlfile
from bot.core.cekdulu.destinations import Country, JobType
from bot.core.cekdulu.reasons import RulesError, Source, date, source, texts

FILE_NAME = "wages.yaml"
ANY_JOB = "any"


@dataclass(frozen=True)
class Wage:
    country: str
    job: str
    amount: float
    currency: str
    as_of: dt.date
    label: dict[str, str]
    source: Source
    flag_above: float

    def display(self) -> str:
        """ "HK$4,990" style, the currency as its code when no symbol is known."""
        symbol = SYMBOLS.get(self.currency, self.currency.upper() + " ")
        return f"{symbol}{self.amount:,.0f}"


SYMBOLS = {"hkd": "HK$", "twd": "NT$", "myr": "RM", "sgd": "S$", "sar": "SAR ", "krw": "₩"}


@dataclass(frozen=True)
class Wages:
    levels: tuple[Wage, ...]

    @classmethod
    def load(cls, directory: Path, languages: Iterable[str]) -> Wages:
        path = Path(directory) / FILE_NAME
        if not path.exists():
            return cls(())
        data = yamlfile.read(path) or {}
        return parse(data, list(languages), FILE_NAME)

    def for_offer(self, countries: Sequence[Country], jobs: Sequence[JobType]) -> list[Wage]:
        """Levels for a country AND a job the offer names (an "any" level needs only the
        country, and only when the country has no level for the job named)."""
        country_ids = {c.id for c in countries}
        job_ids = {j.id for j in jobs}
        exact = [w for w in self.levels if w.country in country_ids and w.job in job_ids]
        covered = {w.country for w in exact}
        general = [
            w
            for w in self.levels
            if w.job == ANY_JOB and w.country in country_ids and w.country not in covered
        ]
        return exact + general


def parse(data: Any, languages: list[str], where: str) -> Wages:
    if not isinstance(data, dict) or not isinstance(data.get("wages"), list):
        raise RulesError(f"{where}: must be a mapping with a list of wages")
    try:
        default_factor = float(data.get("flag_above", 1.6))
    except (TypeError, ValueError):
        raise RulesError(f"{where}: flag_above must be a number") from None
    levels = []
    for n, item in enumerate(data["wages"]):
        at = f"{where}: wages[{n}]"
        if not isinstance(item, dict):
            raise RulesError(f"{at}: must be a mapping")
        try:
            amount = float(item["amount"])
            factor = float(item.get("flag_above", default_factor))
            country, job, currency = str(item["country"]), str(item["job"]), str(item["currency"])
        except (KeyError, TypeError, ValueError) as exc:
            raise RulesError(f"{at}: needs country, job, amount and currency ({exc})") from None
        if item.get("period", "month") != "month":
            raise RulesError(f"{at}: period must be month")
        levels.append(
            Wage(
                country=country,
                job=job,
                amount=amount,
                currency=currency.lower(),
                as_of=date(item.get("as_of"), f"{at}.as_of"),
                label=texts(item.get("label"), languages, f"{at}.label"),
                source=source(item.get("source"), at),
                flag_above=factor,
            )
        )
    return Wages(tuple(levels))
