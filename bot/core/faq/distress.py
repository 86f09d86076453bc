"""Messages that speak of harm happening now: held, beaten, sold, threatened, kept from leaving.

Whatever such a message asks ("aku disekap majikan, gimana cara kirim uang ke rumah"), the
person must see where to get help at once, and no greeting or "are you a bot" around it may
take the reply (bot/core/faq/ensemble.py marks the decision `urgent`; the Telegram layer puts
the emergency contacts first). Recall matters more than precision here: an emergency note
beside an ordinary answer costs a few lines, a missed one can cost much more. But a note on
every "kantor buka pukul berapa" would teach people to skip it, so words with an everyday
sense stay out or are calmed by context.

content/distress.yaml holds three lists, all over the *clean* text of the Cek Dulu pattern
language (bot/core/cekdulu/phrases.py: lower case, no punctuation, elongations undone, the
chat spellings of redflags.yaml's `aliases` mapped, so "gk"/"ga"/"tdk" read "tidak"):

- `words`: single words of harm ("disekap", "dipukulin", "trapped"). A word also counts with
  its letters doubled ("disiksaa"), with "di" typed apart ("di tampar"), and repeated
  ("dipukul2", "dipukul-pukul");
- `patterns`: phrases in the pattern language, for harm that no single word says ("tidak
  dikasih makan", "tidak boleh … pulang", "pengen mati");
- `calm`: phrases whose words say nothing of harm, taken out before the other two are read
  ("kabur aja dulu", a 2025 trend about moving abroad; "foto … kabur", a blurry photo;
  "sold out"), within one clause: a comma ends what a calm phrase can take.

`examples.danger` and `examples.ordinary` are checked by `content check`: every danger
example must be found and no ordinary one, so an edit cannot silently undo a case.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.core import yamlfile
from bot.core.cekdulu import phrases
from bot.core.content import Problem, check_file

FILE = "distress.yaml"
ALIASES_FILE = "redflags.yaml"  # its `aliases`: the chat spellings the pattern language maps
_DOUBLED = re.compile(r"([^\W\d_])\1+")
_CALMED = "~"  # stands where a calm phrase was, so no pattern reads across it
_DI_WORD = re.compile(r"\bdi[a-z]{3,}")


@dataclass(frozen=True)
class Distress:
    """The words and phrases of content/distress.yaml; empty (never urgent) without it."""

    words: frozenset[str] = frozenset()
    patterns: ByFirstWord = field(default_factory=lambda: ByFirstWord(()))
    calm: ByFirstWord = field(default_factory=lambda: ByFirstWord(()))
    aliases: Mapping[str, str] = field(default_factory=dict)
    # "di…" words the file names (in `words`, `patterns` or `calm`): "di tampar" is read as
    # "ditampar" when "ditampar" is one of them, and never otherwise ("di jalan" stays apart)
    di_words: frozenset[str] = frozenset()

    @classmethod
    def load(cls, directory: Path | None) -> Distress:
        if directory is None or not (Path(directory) / FILE).exists():
            return cls()
        data = yamlfile.read(Path(directory) / FILE) or {}
        return cls.parse(data, load_aliases(directory))

    @classmethod
    def parse(cls, data: Any, aliases: Mapping[str, str] | None = None) -> Distress:
        """From the file's mapping; raises phrases.PatternError on a pattern that does not
        compile (`content check` reports it first)."""
        data = data if isinstance(data, dict) else {}
        words = frozenset(w for w in _strings(data.get("words")) for w in w.casefold().split())
        patterns, calm = _strings(data.get("patterns")), _strings(data.get("calm"))
        named = {w for source in (*patterns, *calm) for w in _DI_WORD.findall(source.casefold())}
        return cls(
            words,
            ByFirstWord(patterns),
            ByFirstWord(calm),
            dict(aliases or {}),
            frozenset({w for w in words if w.startswith("di")} | named),
        )

    def __bool__(self) -> bool:
        return bool(self.words or self.patterns)

    def found_in(self, text: str) -> bool:
        """Whether the text speaks of harm happening (see the module docstring)."""
        if not self:
            return False
        clean = self.read(text)
        tokens = clean.split()
        if any(p.search(clean) for p in self.patterns.candidates(tokens)):
            return True
        return any(self._is_word(t) for t in tokens)

    def read(self, text: str) -> str:
        """The clean text the lists are matched on: "di X" joined where the file names
        "diX", then the calm phrases taken out clause by clause, so "hp disita, aku dikunci
        dari dalam" keeps its second clause whole; clauses and sentences are joined by the
        boundary mark that the pattern language's gaps never cross."""
        cleaned = phrases.clean_mapped(text, self.aliases)
        starts = [0, *cleaned.clauses, len(cleaned.text)]
        clauses = (cleaned.text[a:b].strip() for a, b in itertools.pairwise(starts))
        return f" {phrases.BOUNDARY} ".join(self._calmed(self._joined(c)) for c in clauses if c)

    def _joined(self, clause: str) -> str:
        tokens = clause.split()
        out: list[str] = []
        for token in tokens:
            if out and out[-1] == "di" and "di" + token in self.di_words:
                out[-1] = "di" + token
            else:
                out.append(token)
        return " ".join(out)

    def _calmed(self, clause: str) -> str:
        for calm in self.calm.candidates(clause.split()):
            clause = calm.sub(_CALMED, clause)
        return clause

    def _is_word(self, token: str) -> bool:
        return token in self.words or _undoubled(token) in self.words


@functools.lru_cache(maxsize=16384)
def _undoubled(token: str) -> str:
    """The token with doubled letters made single ("tolongggg" -> "tolong")."""
    return _DOUBLED.sub(r"\1", token)


TOKEN_MEMO_LIMIT = 20_000  # words whose patterns ByFirstWord remembers


class ByFirstWord:
    """Patterns filed by the words they can start with, so a message is searched only with
    the patterns whose first word it holds (and those that may start anywhere): one scan of
    ~150 phrases joined took most of a decision's 2 ms budget at p99.

    A pattern's first words are read from its source when it starts with a plain word
    ("dilarang (keluar|pulang)") or a group of plain alternatives ("(tidak|ga) boleh …"),
    where a word may end in the prefix star ("(adik*|anak*) (yang )?…" starts with a word
    beginning "adik" or "anak"); anything else (an anchor, a gap, a nested or optional group)
    goes to the patterns searched always. Each pattern is compiled on its own, as
    `compile_pattern` would."""

    def __init__(self, sources: Iterable[str]) -> None:
        self.by_word: dict[str, list[re.Pattern[str]]] = {}
        self.by_prefix: dict[str, list[re.Pattern[str]]] = {}
        self.always: list[re.Pattern[str]] = []
        self.count = 0
        for source in sources:
            pattern = phrases.compile_pattern(source)
            self.count += 1
            first = first_words(source)
            if first is None:
                self.always.append(pattern)
            for word in first or ():
                if word.endswith("*"):
                    self.by_prefix.setdefault(word[:-1], []).append(pattern)
                else:
                    self.by_word.setdefault(word, []).append(pattern)
        self._prefix_lengths = sorted({len(p) for p in self.by_prefix})
        self._filed: dict[str, tuple[re.Pattern[str], ...]] = {}

    def __bool__(self) -> bool:
        return self.count > 0

    def __len__(self) -> int:
        return self.count

    def every(self) -> list[re.Pattern[str]]:
        """Every pattern once (for a full scan to compare with)."""
        filed = [*self.by_word.values(), *self.by_prefix.values()]
        return list(dict.fromkeys([*self.always, *(p for ps in filed for p in ps)]))

    def candidates(self, tokens: Iterable[str]) -> list[re.Pattern[str]]:
        found = dict.fromkeys(self.always)
        for token in tokens:
            filed = self._filed.get(token)
            if filed is None:
                filed = self._file(token)
            for pattern in filed:
                found[pattern] = None
        return list(found)

    def _file(self, token: str) -> tuple[re.Pattern[str], ...]:
        """The patterns a token may start, remembered: words recur from message to message
        (up to TOKEN_MEMO_LIMIT of them; then the memo starts again)."""
        filed = list(self.by_word.get(token, ()))
        for length in self._prefix_lengths:
            if length > len(token):
                break
            filed.extend(self.by_prefix.get(token[:length], ()))
        if len(self._filed) >= TOKEN_MEMO_LIMIT:
            self._filed.clear()
        self._filed[token] = found = tuple(filed)
        return found


_PLAIN = re.compile(r"[a-z0-9]+")
# a group of alternatives, each plain words, the first perhaps with the prefix star
_ALTERNATIVE = r"[a-z0-9]+\*?(?: [a-z0-9 ]+)?"
_PLAIN_GROUP = re.compile(rf"\(((?:{_ALTERNATIVE}\|)*{_ALTERNATIVE})\)(?![?*+{{])")


def first_words(source: str) -> set[str] | None:
    """The words a pattern can start with ("adik*" for any word beginning "adik"), or None
    when that cannot be read off simply."""
    text = source.strip().casefold()
    word = _PLAIN.match(text)
    if word and (word.end() == len(text) or text[word.end()] == " "):
        return {word.group()}
    group = _PLAIN_GROUP.match(text)
    if group:
        return {alt.split()[0] for alt in group.group(1).split("|")}
    return None


def load_aliases(directory: Path) -> dict[str, str]:
    """redflags.yaml's chat spellings ("gk" → "tidak"), as the Cek Dulu rules read them."""
    path = Path(directory) / ALIASES_FILE
    try:
        data = yamlfile.read(path) if path.exists() else {}
    except yaml.YAMLError:
        return {}  # content check reports redflags.yaml itself
    aliases = data.get("aliases") if isinstance(data, dict) else None
    if not isinstance(aliases, dict):
        return {}
    return {str(k).lower(): str(v).lower() for k, v in aliases.items()}


def check_distress(directory: Path) -> list[Problem]:
    """What `content check` enforces on distress.yaml: lists of words and patterns that
    compile, and every example read as its list says."""

    def check(data: Any) -> list[Problem]:
        if not isinstance(data, dict):
            return [
                Problem(FILE, None, None, "must be a mapping of words, patterns, calm, examples")
            ]
        problems = [
            Problem(FILE, None, key, "must be a list of non-empty strings")
            for key in ("words", "patterns", "calm")
            if not _is_string_list(data.get(key))
        ]
        for key in ("patterns", "calm"):
            for pattern in _strings(data.get(key)):
                try:
                    phrases.compile_pattern(pattern)
                except phrases.PatternError as exc:
                    problems.append(Problem(FILE, None, key, str(exc)))
        if problems:
            return problems
        return _check_examples(Distress.parse(data, load_aliases(directory)), data.get("examples"))

    return check_file(directory, FILE, check)


def _check_examples(distress: Distress, examples: Any) -> list[Problem]:
    if examples is None:
        return []
    if not isinstance(examples, dict) or not all(
        _is_string_list(examples.get(k)) for k in ("danger", "ordinary")
    ):
        return [Problem(FILE, None, "examples", "must have lists `danger` and `ordinary`")]
    missed = [t for t in examples["danger"] if not distress.found_in(t)]
    alarmed = [t for t in examples["ordinary"] if distress.found_in(t)]
    return [
        *(Problem(FILE, None, "examples.danger", f"not found: {t!r}") for t in missed),
        *(Problem(FILE, None, "examples.ordinary", f"found, yet no harm: {t!r}") for t in alarmed),
    ]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [str(v).strip() for v in value if str(v).strip()]


def _is_string_list(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
