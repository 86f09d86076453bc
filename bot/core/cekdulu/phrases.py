"""The small pattern language editors use in content/redflags.yaml and destinations.yaml.

Patterns run over *clean* text: lower case, NFKC (so the 𝗯𝗼𝗹𝗱 letters of social-media posts
become plain ones), no punctuation, one space between words, elongations and glued units
undone ("gajiii 15jt" → "gaji 15 jt"), then chat abbreviations mapped to one spelling
("gk", "ga", "tdk" → "tidak") by the `aliases` table of redflags.yaml. A pattern is a regular
expression over that text with three conveniences, so most patterns read like phrases:

- words match whole words only ("tes" does not match inside "testimoni");
- `…` (or `...`) between words allows up to four other words in between;
- `*` at the end of a word allows any ending ("kontrak*" also matches "kontraknya").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.core.faq.normalise import Glossary, Normaliser

GAP_WORDS = 4
NEGATION_WINDOW = 3  # words before a match in which a negation cancels it
_GAP = re.compile(r"\s*(?:…|\.\.\.)\s*")
_STAR = re.compile(r"(?<=\w)\*")
_SPACES = re.compile(r" +")
_SENTENCE_END = re.compile(r"[.!?;]+(?=\s|$)|\n+")
BOUNDARY = "|"  # stands where a sentence or line ended, so a negation does not reach across
_CLEANER = Normaliser(Glossary(), lexicon={}, stemmers={})


class PatternError(ValueError):
    """A pattern an editor wrote does not compile; the message names it."""


def clean(text: str, aliases: Mapping[str, str] | None = None) -> str:
    """Text as patterns see it (see the module docstring), sentences separated by "|"."""
    sentences = []
    for part in _SENTENCE_END.split(text or ""):
        words = _CLEANER.clean(part).split()
        if aliases:
            words = [aliases.get(word, word) for word in words]
        if words:
            sentences.append(" ".join(words))
    return f" {BOUNDARY} ".join(sentences)


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """One editor pattern → a compiled regular expression over clean text."""
    return _whole_words(_body(pattern))


def compile_all(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    """Several patterns as one expression (one scan of the text instead of one per
    pattern); each is checked on its own first, so an error names the pattern."""
    bodies = [_body(p) for p in patterns]
    return (_whole_words("|".join(f"(?:{b})" for b in bodies)),) if bodies else ()


def _body(pattern: str) -> str:
    body = _GAP.sub(rf" (?:\\S+ ){{0,{GAP_WORDS}}}", pattern.strip())
    body = _SPACES.sub(" ", _STAR.sub(r"\\w*", body))
    try:
        re.compile(body)
    except re.error as exc:
        raise PatternError(f"pattern {pattern!r} is not valid: {exc}") from None
    return body


def _whole_words(body: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\S)(?:{body})(?!\S)", re.IGNORECASE)


@dataclass(frozen=True)
class Hit:
    """Where a pattern matched, and the words it matched (shown to editors in eval output)."""

    start: int
    end: int
    words: str


def find(
    text: str,
    patterns: Iterable[re.Pattern[str]],
    negations: frozenset[str] = frozenset(),
    warnings: Iterable[re.Pattern[str]] = (),
) -> Hit | None:
    """The first match of any pattern that is not cancelled by a negation just before it
    ("tanpa biaya", "bukan visa turis") or by a warning earlier in its sentence ("jangan
    percaya yang bilang bisa berangkat tanpa tes")."""
    for pattern in patterns:
        for match in pattern.finditer(text):
            start = match.start()
            if not negated(text, start, negations) and not warned(text, start, warnings):
                return Hit(start, match.end(), match.group(0))
    return None


def warned(text: str, position: int, warnings: Iterable[re.Pattern[str]]) -> bool:
    sentence = text[:position].rsplit(BOUNDARY, 1)[-1]
    return any(w.search(sentence) for w in warnings)


def negated(text: str, position: int, negations: frozenset[str]) -> bool:
    if not negations:
        return False
    sentence = text[:position].rsplit(BOUNDARY, 1)[-1]
    return any(word in negations for word in sentence.split()[-NEGATION_WINDOW:])
