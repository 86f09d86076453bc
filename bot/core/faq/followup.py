"""Follow-ups and answer language: reading a message with what came before it.

Follow-ups. Right after an answer, people ask "kalau ke jepang?" or "klo pabrik?": a message
that only names a place or a job means "the same question, about this". Alone it matches
nothing useful, so it is read with the previous question: the place and job words of that
question are replaced by the new ones ("berapa gaji di taiwan" + "kalau jepang?" ->
"berapa gaji di jepang"), or added when it had none. The word lists are content
(`followup:` in content/smalltalk.yaml).

Answer language. A question clearly written in the other language is answered in that
language: at least MIN_WORDS words, at least MIN_MARKERS of them known to be of one language
only, and at least SHARE of those in the same language. Short or mixed text keeps the
chosen language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bot.core import yamlfile
from bot.core.content import Content

WINDOW_SECONDS = 15 * 60  # a follow-up must come within this time of the answer
MAX_FOLLOWUP_WORDS = 6
MIN_WORDS, MIN_MARKERS, SHARE = 4, 3, 0.8
_WORD = re.compile(r"[^\W\d_]+")


def words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


@dataclass(frozen=True)
class FollowUps:
    """The place/job words and the connectors around them, from content/smalltalk.yaml."""

    subjects: frozenset[str] = frozenset()
    connectors: frozenset[str] = frozenset()

    @classmethod
    def load(cls, directory: Path) -> FollowUps:
        path = directory / "smalltalk.yaml"
        if not path.exists():
            return cls()
        data = (yamlfile.read(path) or {}).get("followup") or {}
        return cls(
            frozenset(w for x in data.get("words") or [] for w in words(str(x))),
            frozenset(w for x in data.get("connectors") or [] for w in words(str(x))),
        )

    def subject_of(self, text: str) -> list[str] | None:
        """The places/jobs a follow-up names, or None if the text is more than that."""
        found = words(text)
        if not found or len(found) > MAX_FOLLOWUP_WORDS:
            return None
        if not all(w in self.subjects or w in self.connectors for w in found):
            return None
        named = [w for w in found if w in self.subjects]
        return named or None

    def rewrite(self, previous: str, text: str) -> str | None:
        """The previous question about the new subject, or None if text is no follow-up."""
        named = self.subject_of(text)
        if named is None:
            return None
        kept = [w for w in words(previous) if w not in self.subjects]
        return " ".join([*kept, *named])


@dataclass(frozen=True)
class LanguageGuess:
    """Words that belong to one language only: their phrasings plus their stopword lists."""

    markers: dict[str, str]

    @classmethod
    def from_content(cls, content: Content, stopwords: dict[str, list[str]]) -> LanguageGuess:
        seen: dict[str, set[str]] = {}
        for entry in content.entries.values():
            for lang in content.language_codes:
                for text in (*entry.questions[lang], entry.title[lang]):
                    for w in words(text):
                        seen.setdefault(w, set()).add(lang)
        for lang, listed in stopwords.items():
            for item in listed:
                for w in words(str(item)):
                    seen.setdefault(w, set()).add(lang)
        return cls({w: next(iter(langs)) for w, langs in seen.items() if len(langs) == 1})

    def written_in(self, text: str) -> str | None:
        """The language the text is clearly written in, or None when short or mixed."""
        found = words(text)
        if len(found) < MIN_WORDS:
            return None
        votes: dict[str, int] = {}
        for w in found:
            if w in self.markers:
                votes[self.markers[w]] = votes.get(self.markers[w], 0) + 1
        total = sum(votes.values())
        if total < MIN_MARKERS:
            return None
        lang, count = max(votes.items(), key=lambda kv: kv[1])
        return lang if count / total >= SHARE else None
