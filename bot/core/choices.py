"""Typed answers to a question with a fixed set of choices: provinces, countries, languages,
yes/no. One resolver for every conversation, so "ntb" means Nusa Tenggara Barat in the tip-off
form and in the subscription alike.

A resolver knows each choice by its names and aliases (abbreviations such as "jatim", old names
such as "Irian Jaya", spellings such as "jogja"). It answers with the choice it is sure of, or
with a few it is not sure of ("did you mean …?"), or with nothing. Typos are forgiven with
rapidfuzz; short words are only matched exactly, because a two-letter typo can be anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.core.provinces import Provinces

SURE_SCORE = 85  # a typo such as "jawa timr" still counts as sure
MAYBE_SCORE = 70  # below this, a name is not even suggested
MIN_FUZZY_LENGTH = 4  # shorter words must match an alias exactly
MAX_SUGGESTIONS = 3

# Words people put around an answer: "provinsi Jawa Timur", "di jatim", "saya dari NTB".
FILLER = re.compile(
    r"^(?:(?:saya|aku|sy|gue|gw|i|we|kami|tinggal|live|living|dari|from|di|in|ke|to|"
    r"provinsi|prov\.?|province|of|negara|country|bahasa|language)\s+)+"
)

# Abbreviations and old names people use for the provinces (keys: province ids).
PROVINCE_ALIASES: dict[str, tuple[str, ...]] = {
    "aceh": ("nad", "nanggroe aceh darussalam", "daerah istimewa aceh"),
    "sumatera-utara": ("sumut", "sumatra utara", "north sumatra"),
    "sumatera-barat": ("sumbar", "sumatra barat", "west sumatra"),
    "riau": (),
    "kepulauan-riau": ("kepri", "riau islands"),
    "jambi": (),
    "sumatera-selatan": ("sumsel", "sumatra selatan", "south sumatra"),
    "kepulauan-bangka-belitung": ("babel", "bangka belitung", "bangka"),
    "bengkulu": (),
    "lampung": (),
    "dki-jakarta": ("dki", "jakarta", "jkt", "jakarta raya", "batavia"),
    "banten": (),
    "jawa-barat": ("jabar", "west java", "jawa bagian barat"),
    "jawa-tengah": ("jateng", "central java"),
    "di-yogyakarta": (
        "diy",
        "jogja",
        "jogjakarta",
        "yogya",
        "yogyakarta",
        "daerah istimewa yogyakarta",
        "yogyakarta special region",
    ),
    "jawa-timur": ("jatim", "east java"),
    "bali": (),
    "nusa-tenggara-barat": ("ntb", "west nusa tenggara"),
    "nusa-tenggara-timur": ("ntt", "east nusa tenggara"),
    "kalimantan-barat": ("kalbar", "west kalimantan"),
    "kalimantan-tengah": ("kalteng", "central kalimantan"),
    "kalimantan-selatan": ("kalsel", "south kalimantan"),
    "kalimantan-timur": ("kaltim", "east kalimantan"),
    "kalimantan-utara": ("kaltara", "north kalimantan"),
    "sulawesi-utara": ("sulut", "north sulawesi"),
    "gorontalo": (),
    "sulawesi-tengah": ("sulteng", "central sulawesi"),
    "sulawesi-barat": ("sulbar", "west sulawesi"),
    "sulawesi-selatan": ("sulsel", "south sulawesi"),
    "sulawesi-tenggara": ("sultra", "southeast sulawesi"),
    "maluku": (),
    "maluku-utara": ("malut", "north maluku"),
    "papua": ("irian jaya", "irja", "irian"),
    "papua-barat": ("pabar", "irian jaya barat", "west papua"),
    "papua-barat-daya": ("pbd", "southwest papua"),
    "papua-tengah": ("pateng", "central papua"),
    "papua-pegunungan": ("papeg", "highland papua"),
    "papua-selatan": ("pasel", "south papua"),
}

YES, NO = "yes", "no"
YES_NO_ALIASES: dict[str, tuple[str, ...]] = {
    YES: ("ya", "iya", "iyaa", "y", "yes", "yep", "ok", "oke", "okay", "betul", "benar", "boleh"),
    NO: ("tidak", "tdk", "gak", "ga", "nggak", "ngga", "enggak", "no", "n", "nope", "bukan"),
}


def normalise(text: str) -> str:
    """Lower case, no punctuation, single spaces, without the words around an answer."""
    text = re.sub(r"[^\w\s]", " ", text.casefold())
    text = re.sub(r"\s+", " ", text).strip()
    return FILLER.sub("", text).strip()


@dataclass(frozen=True)
class Resolution:
    """What a typed answer means: `found` when sure, else `maybe` (best first), else nothing."""

    found: str | None = None
    maybe: tuple[str, ...] = field(default=())

    @property
    def unsure(self) -> bool:
        return self.found is None and bool(self.maybe)


class Resolver:
    """Resolves typed text to one of a fixed set of keys, each known by several names."""

    def __init__(self, names: Mapping[str, Iterable[str]]) -> None:
        self._alias_to_key: dict[str, str] = {}
        for key, aliases in names.items():
            for alias in (key, *aliases):
                cleaned = normalise(alias)
                if cleaned:
                    self._alias_to_key.setdefault(cleaned, key)

    def resolve(self, text: str) -> Resolution:
        typed = normalise(text)
        if not typed:
            return Resolution()
        if typed in self._alias_to_key:
            return Resolution(found=self._alias_to_key[typed])
        if len(typed) < MIN_FUZZY_LENGTH:
            return Resolution()
        return self._fuzzy(typed)

    def _fuzzy(self, typed: str) -> Resolution:
        aliases = [alias for alias in self._alias_to_key if len(alias) >= MIN_FUZZY_LENGTH]
        scored: dict[str, float] = {}
        for alias, score, _index in process.extract(
            typed, aliases, scorer=fuzz.ratio, limit=10, score_cutoff=MAYBE_SCORE
        ):
            key = self._alias_to_key[alias]
            scored[key] = max(scored.get(key, 0.0), score)
        for alias, key in self._alias_to_key.items():  # "jawa" → every "jawa …"
            if alias.startswith(typed + " "):
                scored.setdefault(key, MAYBE_SCORE)
        ranked = sorted(scored, key=lambda key: -scored[key])
        if ranked and scored[ranked[0]] >= SURE_SCORE:
            runner_up = scored[ranked[1]] if len(ranked) > 1 else 0.0
            if scored[ranked[0]] - runner_up >= 5:
                return Resolution(found=ranked[0])
        return Resolution(maybe=tuple(ranked[:MAX_SUGGESTIONS]))


def province_resolver(provinces: Provinces) -> Resolver:
    """Province ids by their names, abbreviations and old names."""
    return Resolver(
        {
            p.id: (p.name, p.id.replace("-", " "), *PROVINCE_ALIASES.get(p.id, ()))
            for p in provinces.all
        }
    )


def country_resolver(countries: Iterable[tuple[str, Mapping[str, str]]]) -> Resolver:
    """Country ids by their names in every language: `[(id, {"id": "Kamboja", …}), …]`."""
    return Resolver({cid: tuple(names.values()) for cid, names in countries})


def language_resolver(languages: Iterable[tuple[str, str]]) -> Resolver:
    """Language codes by code and name: `[("id", "Bahasa Indonesia"), ("en", "English")]`."""
    extra = {"id": ("indonesia", "indo", "bahasa"), "en": ("inggris", "english", "eng")}
    return Resolver({code: (name, *extra.get(code, ())) for code, name in languages})


YES_NO = Resolver(YES_NO_ALIASES)
