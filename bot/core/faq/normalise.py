"""Text normalisation for questions typed the way people really type.

Indonesian chat text is full of abbreviations ("gmn", "yg"), elongations ("tolonggg"),
reduplication with a digit ("kata2"), and numbers glued to units ("30jt"). Both FAQ
phrasings and user questions go through the same pipeline, so they meet in one vocabulary.
A domain glossary (content/glossary.yaml) wins over the general informal→formal lexicon,
which would otherwise turn "blk" (a training centre) into "kembali".
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

import snowballstemmer

from bot.core import yamlfile

_ELONGATION = re.compile(r"([a-z])\1{2,}")
_REDUPLICATION = re.compile(r"\b([a-z]{2,})(?:2|-\1)\b")
_NUMBER_UNIT = re.compile(r"(?<![a-z\d])(\d+)([a-z])")
_NON_WORD = re.compile(r"[^\w]+")
# A link: left out of what the matcher reads; small talk reads a bare link as spam.
URL = re.compile(r"https?://\S+|www\.\S+", re.I)
DEFAULT_STEMMERS = {"id": "indonesian", "en": "english"}
STEM_CACHE_SIZE = 100_000
# One decision cleans its message several times in a row; a handful of the latest is enough,
# and keeps no more than that of people's messages in memory.
CLEAN_CACHE_SIZE = 8


def load_lexicon() -> dict[str, str]:
    """The vendored IndoCollex informal→formal dictionary (MIT, see bot/data/indocollex)."""
    path = (
        resources.files("bot")
        / "data"
        / "indocollex"
        / "inforformal-formal-Indonesian-dictionary.tsv"
    )
    with path.open(encoding="utf-8") as handle:
        rows = csv.reader(handle, delimiter="\t")
        next(rows)
        return {informal.lower(): formal.lower() for informal, formal in rows if formal}


@dataclass(frozen=True)
class Glossary:
    """Domain terms, multi-word phrases, words to keep, and stopwords, from glossary.yaml."""

    terms: dict[str, str] = field(default_factory=dict)
    informal: dict[str, str] = field(default_factory=dict)
    phrases: dict[str, str] = field(default_factory=dict)
    keep: frozenset[str] = frozenset()
    stopwords: frozenset[str] = frozenset()

    @classmethod
    def load(cls, path: Path) -> Glossary:
        data = yamlfile.read(path) or {}
        stop = {w for words in (data.get("stopwords") or {}).values() for w in words}
        return cls(
            terms=_mapping(data.get("terms")),
            informal=_mapping(data.get("informal")),
            phrases=_mapping(data.get("phrases")),
            keep=frozenset(str(w).lower() for w in data.get("keep") or ()),
            stopwords=frozenset(str(w).lower() for w in stop),
        )


def _mapping(value: object) -> dict[str, str]:
    items = value.items() if isinstance(value, dict) else ()
    return {str(k).lower(): str(v).lower() for k, v in items}


class Normaliser:
    """Turns raw text into a list of canonical tokens."""

    def __init__(
        self,
        glossary: Glossary,
        lexicon: dict[str, str] | None = None,
        stemmers: dict[str, str] | None = None,
    ) -> None:
        self.glossary = glossary
        self.lexicon = {**(load_lexicon() if lexicon is None else lexicon), **glossary.informal}
        self._canonical_terms = frozenset(glossary.terms.values()) | frozenset(
            glossary.phrases.values()
        )
        if stemmers is None:
            stemmers = DEFAULT_STEMMERS
        self._stemmer_names = dict(stemmers)
        self._stemmers = {lang: snowballstemmer.stemmer(name) for lang, name in stemmers.items()}
        self.stem = lru_cache(maxsize=STEM_CACHE_SIZE)(self._stem)  # bounded: words are endless
        # One decision cleans the same message several times (the lexical ranking, the
        # language guess, the learned model's words): the latest few are remembered.
        self.clean = lru_cache(maxsize=CLEAN_CACHE_SIZE)(self._clean)

    @cached_property
    def fingerprint(self) -> str:
        """A digest of everything this normaliser maps words with (the informal dictionary,
        the glossary, the stemmers): a model fitted on its tokens is valid for another
        normaliser only when the fingerprints are equal (bot/core/faq/modelcache.py)."""
        g = self.glossary
        state = (
            sorted(self.lexicon.items()),
            sorted(g.terms.items()),
            sorted(g.informal.items()),
            sorted(g.phrases.items()),
            sorted(g.keep),
            sorted(g.stopwords),
            sorted(self._stemmer_names.items()),
        )
        return hashlib.sha256(repr(state).encode()).hexdigest()

    @cached_property
    def _phrase_pattern(self) -> re.Pattern[str] | None:
        phrases = sorted(self.glossary.phrases, key=len, reverse=True)
        if not phrases:
            return None
        return re.compile(r"\b(" + "|".join(re.escape(p) for p in phrases) + r")\b")

    def _clean(self, text: str) -> str:
        """NFKC, lower case, no URLs, no elongations or glued units; words split by spaces."""
        text = unicodedata.normalize("NFKC", text).casefold()
        text = URL.sub(" ", text)
        text = _ELONGATION.sub(r"\1", text)
        text = _REDUPLICATION.sub(r"\1", text)
        text = _NUMBER_UNIT.sub(r"\1 \2", text)
        text = _NON_WORD.sub(" ", text).replace("_", " ")
        text = " ".join(text.split())
        if self._phrase_pattern is not None:
            text = self._phrase_pattern.sub(lambda m: self.glossary.phrases[m.group(1)], text)
        return text

    def tokens(self, text: str) -> list[str]:
        """Canonical tokens: glossary first, then the informal lexicon, else the word itself."""
        return self.tokens_of_clean(self.clean(text))

    def tokens_of_clean(self, cleaned: str) -> list[str]:
        """tokens() of a text that has already been through clean(): saves cleaning it twice."""
        out: list[str] = []
        for word in cleaned.split():
            out.extend(self._canonical(word).split())
        return out

    def content_tokens(self, text: str) -> list[str]:
        """Tokens without stopwords or single letters: what carries the topic of a question."""
        stop = self.glossary.stopwords
        return [t for t in self.tokens(text) if t not in stop and (len(t) > 1 or t.isdigit())]

    def terms(self, text: str, lang: str | None = None) -> list[str]:
        """Index terms of text in a known language: content tokens, stemmed for that language."""
        return [self.stem(t, lang) for t in self.content_tokens(text)]

    def query_forms(self, text: str) -> list[tuple[str, ...]]:
        """For text in an unknown language: each content token with its stem in every language.

        A question may be Indonesian, English or both; the matcher takes whichever form its
        vocabulary knows, so "penalties" is not mangled by the Indonesian stemmer.
        """
        forms = []
        for token in self.content_tokens(text):
            stems = [self.stem(token, lang) for lang in self._stemmers]
            forms.append(tuple(dict.fromkeys([*stems, token])))
        return forms

    def _stem(self, token: str, lang: str | None) -> str:
        """The Snowball stem for `lang`; domain terms and short words stay as they are."""
        stemmer = self._stemmers.get(lang) if lang else None
        if token in self._canonical_terms or token.isdigit() or len(token) <= 3 or not stemmer:
            return token
        return stemmer.stemWord(token) or token

    def _canonical(self, word: str) -> str:
        if word in self.glossary.terms:
            return self.glossary.terms[word]
        if word in self.glossary.keep:
            return word
        formal = self.lexicon.get(word)
        if formal is None:
            return word
        # The lexicon's output may itself be a domain term ("tki" -> "tkw" style chains).
        return " ".join(self.glossary.terms.get(w, w) for w in formal.split())


def is_blank(text: str | None) -> bool:
    """True for empty, whitespace-only, or emoji/punctuation-only input (no letter or digit)."""
    if not text:
        return True
    return not any(unicodedata.category(ch)[0] in "LN" for ch in text)
