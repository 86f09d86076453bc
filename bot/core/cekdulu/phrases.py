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

import bisect
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.core.faq.normalise import Glossary, Normaliser

GAP_WORDS = 4
NEGATION_WINDOW = 3  # words before a match in which a negation cancels it
AFTER_WINDOW = 8  # words after a match searched for "… adalah ilegal", "… is a scam"
_GAP = re.compile(r"\s*(?:…|\.\.\.)\s*")
_STAR = re.compile(r"(?<=\w)\*")
_SPACES = re.compile(r" +")
_SENTENCE_END = re.compile(r"[.!?;]+(?=\s|$)|\n+")
_TOKEN = re.compile(r"\S+")
_ENDS_SENTENCE = re.compile(r"[.!?;]$")
_ENDS_CLAUSE = re.compile(r"[,:(\-–—]$")
# A currency glued to its amount ("Rp13jt", "RM1.700", "USD650") is split first, so patterns
# see "rp 13 juta" like "Rp 13jt".
_GLUED_CURRENCY = re.compile(
    r"^(rp|rm|usd|sgd|sar|idr|hk\$|nt\$|us\$|s\$|\$|€|¥)(?=\d)", re.IGNORECASE
)
BOUNDARY = "|"  # stands where a sentence or line ended, so a negation does not reach across
# A quotation: words between double quotes (straight, curly, low-high or guillemets), or
# between single quotes when they open and close a run of words: phone keyboards type
# 'transfer dulu 5jt ya kak' as often as with double quotes. A single quote inside or after
# a word is an apostrophe ("don't", "workers' rights"), and up to three words in single
# quotes are scare quotes ('magang', 'uang terima kasih'), so neither opens a quotation.
_QUOTATION = re.compile(r'"[^"]{2,1000}"|“[^“”]{2,1000}”|„[^„“”]{2,1000}[“”]|«[^«»]{2,1000}»')
_SINGLE_QUOTATION = re.compile(r"(?<![\w'‘’])['‘](?=\S)([^'‘’\n]{2,1000}?)(?<=\S)['’](?!\w)")
MIN_SINGLE_QUOTED_WORDS = 4
_CLEANER = Normaliser(Glossary(), lexicon={}, stemmers={})


class PatternError(ValueError):
    """A pattern an editor wrote does not compile; the message names it."""


def clean(text: str, aliases: Mapping[str, str] | None = None) -> str:
    """Text as patterns see it (see the module docstring), sentences separated by "|"."""
    return clean_mapped(text, aliases).text


@dataclass(frozen=True)
class Cleaned:
    """Clean text that remembers where each of its words came from in the raw text, so a
    match can be quoted in the user's own words ("rekening BCA 8820123456 a.n." rather than
    "rekening bca 8820123456 a n"), and where each clause starts (after a comma or colon), so
    a negation does not reach across clauses ("tidak usah takut, biaya admin 2 juta")."""

    text: str
    raw: str = ""
    starts: tuple[int, ...] = ()  # clean offset of each word
    spans: tuple[tuple[int, int], ...] = ()  # raw span of each word
    clauses: tuple[int, ...] = field(default=())  # clean offsets where a clause starts
    quotes: tuple[tuple[int, int], ...] = ()  # clean (start, end) of each quotation

    def original(self, start: int, end: int) -> str:
        """The raw text behind clean text[start:end], whole raw words, one space apart."""
        if not self.starts:
            return self.text[start:end]
        first = max(0, bisect.bisect_right(self.starts, start) - 1)
        last = max(first, bisect.bisect_left(self.starts, end) - 1)
        raw_start, raw_end = self.spans[first][0], self.spans[last][1]
        words = self.raw[raw_start:raw_end]
        return " ".join(words.split()).strip(",;:!?()[]\"'“”")

    def clause_start(self, position: int) -> int:
        """Offset where the clause holding `position` starts (0 when no comma before it)."""
        index = bisect.bisect_right(self.clauses, position) - 1
        return self.clauses[index] if index >= 0 else 0

    def quoted(self, start: int, end: int) -> bool:
        """Whether clean text[start:end] lies inside one quotation: somebody else's words
        ("this scammer sent me: "pay Rp500k to release your loan""), not the writer's own."""
        return any(q_start <= start and end <= q_end for q_start, q_end in self.quotes)


@functools.lru_cache(maxsize=16384)
def _read_token(token: str) -> tuple[tuple[str, ...], bool, bool]:
    """One raw word's clean words, and whether it ends a sentence or a clause: the same
    words recur from message to message, and their regular expressions cost a twentieth of a
    decision at p99 (every message of the FAQ is cleaned here for the word list of harm)."""
    words = tuple(_CLEANER.clean(_GLUED_CURRENCY.sub(r"\1 ", token)).split())
    return words, bool(_ENDS_SENTENCE.search(token)), bool(_ENDS_CLAUSE.search(token))


def clean_mapped(text: str, aliases: Mapping[str, str] | None = None) -> Cleaned:
    """Clean `text` word by word, keeping each clean word's raw span (see `Cleaned`).

    Cleaning one raw word at a time gives the same words as cleaning a sentence: every step
    of the normaliser works inside a word."""
    text = text or ""
    parts: list[str] = []
    starts: list[int] = []
    spans: list[tuple[int, int]] = []
    clauses: list[int] = []
    length = 0
    boundary = False  # a sentence ended before the next word
    previous_end = 0
    regions = quotations(text)
    quotes: dict[int, tuple[int, int]] = {}
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if "\n" in text[previous_end : match.start()]:
            boundary = True
        previous_end = match.end()
        words, ends_sentence, ends_clause = _read_token(token)
        if aliases:
            words = tuple(w for word in words for w in aliases.get(word, word).split())
        for word in words:
            if parts:
                if boundary:
                    parts.append(BOUNDARY)
                    length += len(BOUNDARY) + 1
                length += 1
            boundary = False
            starts.append(length)
            spans.append(match.span())
            parts.append(word)
            _add_quoted(quotes, regions, match.span(), length, length + len(word))
            length += len(word)
        if words and ends_sentence:
            boundary = True
        elif words and ends_clause:
            clauses.append(length + 1)
    return Cleaned(
        " ".join(parts), text, tuple(starts), tuple(spans), tuple(clauses), tuple(quotes.values())
    )


def quotations(text: str) -> list[tuple[int, int]]:
    """Raw spans of the quotations in `text` (see _QUOTATION and _SINGLE_QUOTATION)."""
    spans = [m.span() for m in _QUOTATION.finditer(text)]
    for match in _SINGLE_QUOTATION.finditer(text):
        inside = any(a <= match.start() < b for a, b in spans)
        if not inside and len(match.group(1).split()) >= MIN_SINGLE_QUOTED_WORDS:
            spans.append(match.span())
    return sorted(spans)


def _add_quoted(
    quotes: dict[int, tuple[int, int]],
    regions: list[tuple[int, int]],
    raw: tuple[int, int],
    start: int,
    end: int,
) -> None:
    """Stretch the clean span of the quotation the raw word lies in over the word's clean
    span; a word outside every quotation adds nothing. A raw word belongs to the quotation
    it starts in ('diurus".' ends after the closing quote)."""
    for number, (q_start, q_end) in enumerate(regions):
        if q_start <= raw[0] < q_end:
            first = quotes.get(number, (start, end))[0]
            quotes[number] = (first, end)
            return


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """One editor pattern → a compiled regular expression over clean text."""
    return _whole_words(_body(pattern))


def compile_all(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    """Several patterns as one expression (one scan of the text instead of one per
    pattern); each is checked on its own first, so an error names the pattern."""
    return compile_until(patterns, ())


def compile_until(patterns: Iterable[str], pivots: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    """Warnings as one expression that no longer counts once a pivot follows it in the
    words searched (a warning is looked for in the sentence before a match): "hati-hati
    agen bodong, *di kami* aman, bayar DP ke rekening saya" turns to the writer's own offer,
    so the warning does not cancel the fee after the pivot."""
    bodies = [_body(p) for p in patterns]
    if not bodies:
        return ()
    warning = "|".join(f"(?:{b})" for b in bodies)
    turns = "|".join(f"(?:{_body(p)})" for p in pivots)
    until = rf"(?!.*{WORD_START}{lower_pattern(turns)}{WORD_END})" if turns else ""
    return (re.compile(f"{WORD_START}{lower_pattern(warning)}{WORD_END}{until}"),)


def _body(pattern: str) -> str:
    # the gap's words are never the sentence boundary: "didn't pay anyone. Now …" is two
    # sentences, not "pay … now"
    body = _GAP.sub(rf" (?:(?!\\{BOUNDARY} )\\S+ ){{0,{GAP_WORDS}}}", pattern.strip())
    body = _SPACES.sub(" ", _STAR.sub(r"\\w*", body))
    try:
        re.compile(body)
    except re.error as exc:
        raise PatternError(f"pattern {pattern!r} is not valid: {exc}") from None
    return body


# Every compiled pattern matches whole words only: its body between these two.
WORD_START, WORD_END = r"(?<!\S)(?:", r")(?!\S)"


def _whole_words(body: str) -> re.Pattern[str]:
    r"""Clean text is lower case, so the pattern is too (outside its escapes: `\S` stays)
    and matches without re.IGNORECASE, which halves the time of a scan."""
    return re.compile(f"{WORD_START}{lower_pattern(body)}{WORD_END}")


def body_of(pattern: re.Pattern[str]) -> str:
    """The body of a whole-words pattern (`compile_pattern`, `compile_all` without pivots),
    to be joined with others inside one pair of word-boundary checks."""
    source = pattern.pattern
    if not (source.startswith(WORD_START) and source.endswith(WORD_END)):
        raise ValueError(f"not a whole-words pattern: {source!r}")
    return source[len(WORD_START) : -len(WORD_END)]


def lower_pattern(body: str) -> str:
    r"""A regular expression in lower case, except the letter after a backslash (`\S`,
    `\w`, `\d` keep their meaning)."""
    out: list[str] = []
    escaped = False
    for char in body:
        out.append(char if escaped else char.lower())
        escaped = char == "\\" and not escaped
    return "".join(out)


@dataclass(frozen=True)
class Hit:
    """Where a pattern matched, and the words it matched (shown to editors in eval output)."""

    start: int
    end: int
    words: str


@dataclass(frozen=True)
class Negation:
    """What cancels a match: single words just before it (within NEGATION_WINDOW words of
    the same clause), and patterns anywhere earlier in its clause ("tidak ada ... apa pun")."""

    words: frozenset[str] = frozenset()
    scopes: tuple[re.Pattern[str], ...] = ()
    after: tuple[re.Pattern[str], ...] = ()  # just after it: "… untuk bekerja adalah ilegal"
    within: tuple[re.Pattern[str], ...] = ()  # inside a gap of it: "umur tidak boleh dituakan"


def find(
    text: str | Cleaned,
    patterns: Iterable[re.Pattern[str]],
    negations: frozenset[str] | Negation = frozenset(),
    warnings: Iterable[re.Pattern[str]] = (),
    cancelled: list[Hit] | None = None,
    outside_quotes: bool = False,
) -> Hit | None:
    """The first match of any pattern that is not cancelled by a negation just before it
    ("tanpa biaya", "bukan visa turis") or by a warning earlier in its sentence ("jangan
    percaya yang bilang bisa berangkat tanpa tes"). Cancelled matches are added to
    `cancelled` when given: a text full of them reads like advice. With `outside_quotes`,
    a match inside a quotation is passed over (the quoted words are not the writer's)."""
    cleaned = text if isinstance(text, Cleaned) else Cleaned(text)
    negation = negations if isinstance(negations, Negation) else Negation(negations)
    for pattern in patterns:
        for match in pattern.finditer(cleaned.text):
            start = match.start()
            hit = Hit(start, match.end(), match.group(0))
            if outside_quotes and cleaned.quoted(start, hit.end):
                continue
            if (
                negated(cleaned, start, negation)
                or warned(cleaned.text, start, warnings)
                or judged_after(cleaned.text, match.end(), negation.after)
                or negated_within(match.group(0), negation.within)
            ):
                if cancelled is not None:
                    cancelled.append(hit)
                continue
            return hit
    return None


def judged_after(text: str, end: int, patterns: Iterable[re.Pattern[str]]) -> bool:
    """A judgement right after the match in its sentence ("visa kunjungan untuk bekerja
    adalah ilegal", "… is a scam", "… dibayar ke rekening lembaga") makes the sentence a
    warning or a legitimate mention. An amount ("rp 3 000 000") counts as one word."""
    words = text[end:].split(BOUNDARY, 1)[0].split()
    rest = [w for n, w in enumerate(words) if not _amount_part(words, n)]
    rest = rest[:AFTER_WINDOW]
    window = " ".join(rest)
    return bool(window) and any(_asserted(p, window) for p in patterns)


# A judgement denied is a reassurance: "visa turis itu *tidak* ilegal kok", "this is *not* a
# scam" are what a recruiter says, so they cancel nothing.
_DENIALS = frozenset({"tidak", "tak", "bukan", "not", "never", "no", "nggak", "gak"})


def _asserted(pattern: re.Pattern[str], window: str) -> bool:
    """Whether the judgement stands somewhere in `window`, not right after a denial."""
    for match in pattern.finditer(window):
        before = window[: match.start()].split()
        if not before or before[-1] not in _DENIALS:
            return True
    return False


# Words that belong to an amount: "rp 6 juta", "usd 1 200", "15 jt" count as one word.
_CURRENCY = frozenset({"rp", "idr", "rm", "nt", "hk", "usd", "us", "sgd", "sar", "eur", "euro"})
_UNIT = frozenset({"juta", "ribu", "jt", "rb", "k", "million", "thousand"})


def _amount_part(words: list[str], n: int) -> bool:
    """Whether words[n] only continues an amount (a second group of digits, a unit after
    digits) or is a currency right before digits: the amount is the digits' first group."""
    word = words[n]
    before = words[n - 1] if n else ""
    after = words[n + 1] if n + 1 < len(words) else ""
    if word.isdigit():
        return before.isdigit()
    if word in _UNIT:
        return before.isdigit()
    return word in _CURRENCY and after.isdigit()


def negated_within(words: str, patterns: Iterable[re.Pattern[str]]) -> bool:
    """A negation inside the words a pattern's gap (`…`) let through ("umur *tidak boleh*
    dituakan", "paspor kamu *tidak akan* ditahan") makes the match say the opposite. Only
    phrases no pattern writes on purpose belong here ("tidak perlu visa kerja" is a red flag)."""
    inner = words.split(" ", 1)[1] if " " in words else ""
    return bool(inner) and any(p.search(inner) for p in patterns)


def warned(text: str, position: int, warnings: Iterable[re.Pattern[str]]) -> bool:
    sentence = text[:position].rsplit(BOUNDARY, 1)[-1]
    return any(w.search(sentence) for w in warnings)


def negated(text: str | Cleaned, position: int, negations: frozenset[str] | Negation) -> bool:
    cleaned = text if isinstance(text, Cleaned) else Cleaned(text)
    negation = negations if isinstance(negations, Negation) else Negation(negations)
    if not negation.words and not negation.scopes:
        return False
    before = cleaned.text[cleaned.clause_start(position) : position]
    clause = before.rsplit(BOUNDARY, 1)[-1]
    if any(word in negation.words for word in clause.split()[-NEGATION_WINDOW:]):
        return True
    return any(scope.search(clause) for scope in negation.scopes)
