"""Small talk (greetings, thanks, "are you a robot", insults, laughter, spam) and non-questions.

Most people's first message is "halo" or "p", and their last is "makasih ya min". These are
not FAQ questions, so they must get neither an FAQ answer nor the "I would rather not guess"
fallback, but a short kind reply. The intents and replies are content (content/smalltalk.yaml).

Two ways in. A message made only of an intent's `words` and filler words is that intent, by
rule: it is exact and needs no training ("p", "assalamualaikum", "ok makasih ya kak"). Longer
small talk ("kamu robot ya?", spam) is recognised by the learned model, which is trained on
the intents' examples beside the FAQ phrasings (bot/core/faq/ensemble.py).

A message of emoji only ("🙏", "👍👍", "👋") has no words; an intent's `emoji` say which
intent it is, and any other emoji-only message stays blank (the bot asks for words).
Dots, question and exclamation marks alone (".", "??") call for attention as "p" does, so
they are a greeting; a sad ":(" is not.

Laughter ("wkwkwk", "hahaha", "awokawok") comes in any length, so it is recognised by its
shape (`is_laughter`) as well as by the `laugh` intent's words, and by rule only: an intent
marked `learned: false` is never taught to the learned model, because laughter beside a
question ("hahaha aku ditipu agen") would outweigh the question's words. For the same reason
the rule sets laughter aside when a message has other words ("tolong wkwk" is a call for
help, "haha bye" a goodbye, "wkwk aku dijual" is left to the models), and the models read
every message without its laughter (`without_laughter`).

Arithmetic and other non-questions ("12 x 8 berapa") are recognised by rule too: they must
never get an FAQ answer.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.core import yamlfile
from bot.core.content import Problem
from bot.core.faq.distress import Distress
from bot.core.faq.normalise import URL

FILE = "smalltalk.yaml"
# In this order ties are broken in SmallTalk.by_words: an insult before identity, so that
# "bot goblok" is taken as the insult it is, not as "are you a bot".
INTENTS = ("greeting", "thanks", "goodbye", "insult", "identity", "human", "laugh", "spam")
LAUGH = "laugh"
HUMAN = "human"  # its reply gives the hotline and the police line
SPAM = "spam"  # also the reply to what cannot be read: digits, a bare link, a sticker
PREFIX = "smalltalk:"
# The learned model's label for questions the FAQ does not cover ("cara bikin SKCK", "cuaca
# besok"): real out-of-scope messages in content/faq_training.yaml. Near-domain ones used to
# get a confident answer from the entry sharing most words; a class of their own gives the
# confidence model evidence that a question is off topic (bot/core/faq/ensemble.py).
OFFTOPIC = "offtopic"
OPENING_MIN_REST = 2  # words after a small-talk opening that may be a question
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_ELONGATION = re.compile(r"([^\W\d_])\1{2,}")
_DOUBLED = re.compile(r"([^\W\d_])\1+")
_ARITHMETIC = re.compile(r"\d\s*([-+*/x×÷:^=]|\bkali\b|\btambah\b|\bkurang\b|\bbagi\b)\s*\d")
_ARITHMETIC_WORDS = frozenset(
    {
        *("berapa", "brp", "hasil", "hasilnya", "hitung", "hitungin", "tolong", "jawab"),
        *("kali", "tambah", "kurang", "bagi", "dibagi", "sama", "dengan", "jawabannya", "x"),
        *("plus", "minus", "times", "divided", "by", "what", "is", "whats", "what's", "equals"),
    }
)
_DIGITS_ONLY = re.compile(r"\s*[+]?\d[\d\s.,()+-]*")
# A placeholder where a sticker, photo or voice note was, as chat apps write it when a chat is
# copied or exported: "[stiker]", "<Media omitted>", "[voice note]": brackets around these
# words only. Any other words in brackets are read ("[tolong saya disekap]", "[gaji brp]").
_PLACEHOLDER_WORDS = frozenset(
    {
        *("stiker", "sticker", "media", "omitted", "tidak", "disertakan", "dihapus", "deleted"),
        *("voice", "note", "pesan", "suara", "vn", "audio", "gambar", "foto", "image", "photo"),
        *("video", "gif", "emoji", "attachment", "lampiran", "file", "message", "this", "was"),
    }
)
_PLACEHOLDER = re.compile(r"\s*(?:\[([^\]]{1,40})\]|<([^>]{1,40})>)\s*")
_NUMBER = re.compile(r"(?<![\w+])[+]?\d[\d\s().-]{5,}\d")
# Parts of an emoji that do not change its meaning here: variation selectors, the zero-width
# joiner, skin tones and the gender signs of a joined sequence ("🙋🏽‍♀️" is "🙋").
_EMOJI_MODIFIERS = re.compile("[\ufe0e\ufe0f\u200d\U0001f3fb-\U0001f3ff\u2640\u2642]")


@dataclass(frozen=True)
class Intent:
    name: str
    words: frozenset[str]
    examples: dict[str, tuple[str, ...]]
    reply: dict[str, str]
    emoji: frozenset[str] = frozenset()
    learned: bool = True  # False: by rule only (words, emoji, shape), never a training label
    # Words that keep the learned model from giving this intent: "agen bangsat" is anger at
    # a recruiter, not an insult to the bot, whose reply would apologise for itself.
    unless: frozenset[str] = frozenset()
    # ... only when the message asks something (a question mark or an `asking` word): "aman
    # gk?" asks whether an offer is safe, "skincare glowing, bpom aman" sells one.
    unless_asked: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SmallTalk:
    """The small-talk intents of content/smalltalk.yaml (empty when the file is absent)."""

    intents: dict[str, Intent] = field(default_factory=dict)
    fillers: frozenset[str] = frozenset()  # the address words among them
    address: frozenset[str] = frozenset()  # "min", "kak": alone, a call for attention
    # Harm happening now (content/distress.yaml: "disekap", "tidak dikasih makan"): such a
    # message is never small talk by the learned model, whatever greeting or "this is no
    # joke" comes with it (bot/core/faq/ensemble.py); the rules' `human` still answers it
    # with the hotline.
    distress: Distress = field(default_factory=Distress)
    asking: frozenset[str] = frozenset()  # words that make a message ask ("gk", "kah", "is")
    # Words that deny the word after them ("bukan", "not"): "ini bukan calo kan?" says what
    # the bot is not, so its "calo" bars nothing (see `barred`).
    denying: frozenset[str] = frozenset()
    # Words only an advert holds ("promo", "togel"): a short message with a number and one
    # of them may be spam to the learned model, which "20 juta" alone may not (see
    # bot/core/faq/ensemble.py, Evidence.numeric).
    selling: frozenset[str] = frozenset()
    # Words that make what follows an opening a question of its own ("berapa", "how"): see
    # `asks_after_opening`.
    questions: frozenset[str] = frozenset()

    @classmethod
    def load(cls, directory: Path) -> SmallTalk:
        path = directory / FILE
        if not path.exists():
            return cls()
        data = yamlfile.read(path) or {}
        intents = {
            name: Intent(
                name,
                frozenset(_words(" ".join(str(w) for w in spec.get("words") or []))),
                {
                    lang: tuple(str(x) for x in xs)
                    for lang, xs in (spec.get("examples") or {}).items()
                },
                {lang: str(text).strip() for lang, text in spec["reply"].items()},
                frozenset(_emoji(" ".join(str(e) for e in spec.get("emoji") or []))),
                spec.get("learned", True) is not False,
                frozenset(_words(" ".join(str(w) for w in spec.get("unless") or []))),
                frozenset(_words(" ".join(str(w) for w in spec.get("unless_asked") or []))),
            )
            for name, spec in (data.get("intents") or {}).items()
        }
        address, fillers, asking, denying, selling, questions = (
            frozenset(_words(" ".join(map(str, data.get(key) or []))))
            for key in ("address", "fillers", "asking", "denying", "selling", "questions")
        )
        distress = Distress.load(directory)
        return cls(
            intents, fillers | address, address, distress, asking, denying, selling, questions
        )

    def sells(self, text: str) -> bool:
        """Whether the text holds a word only adverts hold and asks nothing ("promo paket
        data 50gb 20rb" sells; "cashback 10% dr LPK?" asks about an offer)."""
        written = _words(text)
        if not any(w in self.selling for w in written):
            return False
        return not self._asks(text, self._forms(written))

    def asks_after_opening(self, rest: str) -> bool:
        """Whether what follows a small-talk opening asks something: a question mark or a
        `questions` word ("terus gaji taiwan berapa" asks; "sangat membantu saya yang di
        Taiwan" praises)."""
        return "?" in rest or "？" in rest or bool(self.questions & self._forms(_words(rest)))

    def _asks(self, text: str, words: set[str]) -> bool:
        """A question mark or an `asking` word ("gk", "kah", "is") among `words` (as written
        and as known)."""
        return "?" in text or "？" in text or bool(self.asking & words)

    def barred(self, text: str) -> frozenset[str]:
        """The intents the learned model may not give: those whose `unless` words the text
        holds ("agen bangsat" is no insult to the bot), or whose `unless_asked` words a text
        that asks holds ("obat herbal asli, cod" sells; "obat herbal asli gk?" asks), and
        with a link in it every intent but spam ("min ini asli gk? https://…" asks about the
        link). A word right after a `denying` word bars nothing by `unless` (since session 20:
        "ini bukan calo kan?" asks whether the bot is a broker; "dia bukan calo kan?" is left
        to the models, which hear no question about the bot in it); `unless_asked` words
        still bar ("ini bukan hoax kan?" is no advert)."""
        written = _words(text)
        words = self._forms(written)
        said = [w for n, w in enumerate(written) if n == 0 or written[n - 1] not in self.denying]
        affirmed = self._forms(said)
        asks = self._asks(text, words)
        barred = {
            name
            for name, i in self.intents.items()
            if i.unless & affirmed or (asks and i.unless_asked & words)
        }
        if URL.search(text):
            barred |= {name for name in self.intents if name != SPAM}
        return frozenset(barred)

    def in_distress(self, text: str) -> bool:
        """Whether the text speaks of harm happening now (content/distress.yaml)."""
        return self.distress.found_in(text)

    def examples(self) -> list[tuple[str, str]]:
        """(text, label) pairs for training, label `smalltalk:<intent>`; none of an intent
        recognised by rule only."""
        return [
            (text, PREFIX + intent.name)
            for intent in self.intents.values()
            if intent.learned
            for texts in intent.examples.values()
            for text in texts
        ]

    @cached_property
    def _known(self) -> frozenset[str]:
        """Every intent word and filler."""
        return frozenset().union(*(i.words for i in self.intents.values())) | self.fillers

    @cached_property
    def _listed_emoji(self) -> frozenset[str]:
        return frozenset().union(*(i.emoji for i in self.intents.values()))

    @cached_property
    def _single(self) -> dict[str, str]:
        """Known words by their form with doubled letters made single ("operatorr",
        "makasihh", "kakk" are a key held a moment too long; three or more are already one,
        _ELONGATION). Two are also how some words are spelt, so only a known word is taken."""
        return {_single(word): word for word in sorted(self._known)}

    def by_words(self, text: str) -> str | None:
        """The intent of a message made only of intent words and fillers, else None.

        Every word must be an intent word or a filler, and at least one an intent word; the
        intent with the most words wins (ties: the order of INTENTS, so "ok makasih" is
        thanks, not a greeting, and "bot goblok" an insult), except that a word of the
        `human` intent always makes it `human` ("halo kak tolong"). Laughter of any length counts
        as a word of the `laugh` intent."""
        words = [self._as_known(w) for w in _words(text)]
        laughing = [w for w in words if self._laughs(w)]
        if laughing:
            return self._with_laughter(text, words, laughing)
        if not words or len(words) > 8:
            return None
        known = self._known
        if not all(w in known for w in words):
            return None
        if self._calls_for_help(words):
            return HUMAN  # "assalamualaikum tolong" is a cry for help first, not a greeting
        intent = self._most(words, lambda i, w: w in i.words, self._vote)
        if intent is None and (len(words) == 1 or (len(words) == 2 and self._addresses(words))):
            # One filler ("ya", "min") or two with an address word ("kak min"): someone
            # calling for attention. "udah dulu" is left to the learned model (a goodbye).
            return "greeting" if "greeting" in self.intents else None
        return intent

    def _vote(self, word: str) -> float:
        """A word that is also a filler ("ok", "sip") votes half: in "ok dadah" the goodbye
        is what is said, the "ok" only opens it."""
        return 0.5 if word in self.fillers else 1.0

    def _addresses(self, words: list[str]) -> bool:
        return any(w in self.address for w in words)

    def opening(self, text: str) -> str | None:
        """What follows an opening made only of small-talk words, when at least two words
        follow ("ok makasih, terus gaji taiwan berapa" -> "terus gaji taiwan berapa"), else
        None. The learned model may take the whole for thanks; the rest may be a question."""
        normal = unicodedata.normalize("NFKC", text)
        found = list(_WORD.finditer(normal.casefold()))
        known = self._known
        opening = 0
        while opening < len(found) and self._as_known(_single_held(found[opening][0])) in known:
            opening += 1
        if opening == 0 or len(found) - opening < OPENING_MIN_REST:
            return None
        words = " ".join(m[0] for m in found[:opening])
        if self.by_words(words) is None:
            return None
        return normal[found[opening].start() :].strip()

    def _calls_for_help(self, words: list[str]) -> bool:
        """Whether a word of the `human` intent is among them: its reply gives the hotline
        and the police line, which a greeting's or thanks' reply does not."""
        human = self.intents.get(HUMAN)
        return human is not None and any(w in human.words for w in words)

    def by_rule(self, text: str) -> str | None:
        """The intent the rules give a message before any model is asked, if any: its words
        (`by_words`), keyboard mashing (`by_mashing`), digits alone (`by_digits`), a link
        alone (`by_link`) or a placeholder for a sticker or a picture (`by_placeholder`)."""
        return (
            self.by_words(text)
            or self.by_mashing(text)
            or self.by_digits(text)
            or self.by_link(text)
            or self.by_placeholder(text)
        )

    def by_placeholder(self, text: str) -> str | None:
        """ "[stiker]", "<Media omitted>": what was sent is not in the text. The spam reply
        says the message cannot be read as a question and how to ask one."""
        found = _PLACEHOLDER.fullmatch(text)
        words = (found.group(1) or found.group(2)).casefold().split() if found else []
        return self._spam_if(bool(words) and all(w in _PLACEHOLDER_WORDS for w in words))

    def by_link(self, text: str) -> str | None:
        """A link with no word beside it: an invitation to a group, a promotion, or an offer
        someone wants checked. No FAQ entry answers a bare link; the spam reply says the
        message cannot be read as a question and points to /cek for checking an offer. A
        map is none of these: someone stranded may send only where they are."""
        link = text.strip()
        return self._spam_if(bool(URL.fullmatch(link)) and "map" not in link.casefold())

    def by_digits(self, text: str) -> str | None:
        """ "7", "0987654321", "123456": digits and nothing to read (sums are taken before
        this). The spam reply says the message cannot be read and points to /cek, where a
        recruiter's number can be checked; no FAQ entry answers a bare number."""
        return self._spam_if(bool(_DIGITS_ONLY.fullmatch(text)))

    def by_mashing(self, text: str) -> str | None:
        """ "asdfghjkl" and the like: spam, when the content has that intent."""
        return self._spam_if(is_keyboard_mash(text))

    def _spam_if(self, found: bool) -> str | None:
        """SPAM when a rule found it and the content has that intent."""
        return SPAM if found and SPAM in self.intents else None

    def _forms(self, written: list[str]) -> set[str]:
        """The words as written and as known (`_as_known`): what the word lists are matched on."""
        return {self._as_known(w) for w in written} | set(written)

    def _as_known(self, word: str) -> str:
        """The known word a word is with doubled letters made single, else the word."""
        return word if word in self._known else self._single.get(_single(word), word)

    def _laughs(self, word: str) -> bool:
        laugh = self.intents.get(LAUGH)
        return laugh is not None and (word in laugh.words or is_laughter(word))

    def without_laughter(self, text: str) -> str:
        """The text with its laughter left out ("wkwk aku ditipu agen" -> "aku ditipu agen"),
        for the models that read the topic: laughter says nothing about it, and a "haha"
        seen in a spam line must not make a cry for help look like spam. A text that is all
        laughter is returned as it is."""
        kept = " ".join(_WORD.sub(self._unless_laughter, text).split())
        return kept if _words(kept) else text

    def _unless_laughter(self, word: re.Match[str]) -> str:
        return "" if self._laughs(self._as_known(word[0].casefold())) else word[0]

    def _with_laughter(self, text: str, words: list[str], laughing: list[str]) -> str | None:
        """A laugh when laughter and fillers are all there is (and no emoji other than the
        intents' own, "hahaha 😭" may be anything but fun); otherwise the other words decide
        without the laughter ("tolong wkwk" is `human`), or nobody by rule."""
        rest = [w for w in words if w not in laughing]
        if len(rest) > 1 or any(w not in self.fillers for w in rest):
            return self.by_words(" ".join(rest))
        if not all(s in self._listed_emoji for s in _emoji(text)):
            return None
        if any(_is_mark(ch) and ch not in _LIGHT_MARKS for ch in text):
            return None  # "haha :(" is no laugh
        return LAUGH  # laughter, perhaps with one address word ("wkwk min")

    def by_symbols(self, text: str) -> str | None:
        """The intent of a message without letters or digits: its emoji (`by_emoji`), or a
        greeting for dots, question and exclamation marks alone (".", "??": someone calling
        for attention, as with "p"; a sad face such as ":(" is not), else None."""
        intent = self.by_emoji(text)
        if intent is None and _is_call_for_attention(text) and "greeting" in self.intents:
            return "greeting"
        return intent

    def by_emoji(self, text: str) -> str | None:
        """The intent of a message made only of emoji listed for intents ("🙏🙏", "👍"),
        else None: an emoji no intent lists ("😭") says nothing certain."""
        symbols = _emoji(text)
        if not symbols or len(symbols) > 12:
            return None
        if not all(s in self._listed_emoji for s in symbols):
            return None
        return self._most(symbols, lambda i, s: s in i.emoji)

    def _most(
        self,
        items: list[str],
        owns: Callable[[Intent, str], bool],
        vote: Callable[[str], float] = lambda _: 1.0,
    ) -> str | None:
        """The intent with the most votes of `items` (ties: the order of INTENTS), or None
        when no intent owns any of them. An item owned by several intents shares its vote
        among them, so a word of one intent outweighs a word of two: in "good night",
        "night" (goodbye only) beats "good" (greeting or thanks)."""
        counts = dict.fromkeys(self.intents, 0.0)
        for item in items:
            owners = [name for name, i in self.intents.items() if owns(i, item)]
            for name in owners:
                counts[name] += vote(item) / len(owners)
        if max(counts.values(), default=0) == 0:
            return None
        order = {name: n for n, name in enumerate(INTENTS)}
        return max(counts, key=lambda n: (round(counts[n], 6), -order.get(n, len(order))))

    def reply(self, intent: str, lang: str) -> str:
        texts = self.intents[intent].reply
        return texts.get(lang) or next(iter(texts.values()))


# Every word of every message passes through these on each decision; people's words repeat,
# so a bounded memo of each pure function saves most of that work (bench/matcher_bench.py).
WORD_MEMO = 1 << 16


@lru_cache(maxsize=WORD_MEMO)
def _single(word: str) -> str:
    return _DOUBLED.sub(r"\1", word)


def _single_held(word: str) -> str:
    """A word with keys held three times or more made one, as `_words` does."""
    return _ELONGATION.sub(r"\1", word)


def _words(text: str) -> list[str]:
    return _WORD.findall(_single_held(unicodedata.normalize("NFKC", text).casefold()))


def _emoji(text: str) -> list[str]:
    """The symbols of a text without words: every character that is not a letter, digit,
    space or punctuation, modifiers removed."""
    text = _EMOJI_MODIFIERS.sub("", unicodedata.normalize("NFC", text))
    return [ch for ch in text if unicodedata.category(ch)[0] not in "LNPZC"]


_ATTENTION_MARKS = frozenset(".?!…？！。")
_LIGHT_MARKS = _ATTENTION_MARKS | frozenset(",~")


def _is_mark(char: str) -> bool:
    return unicodedata.category(char)[0] == "P"


def _is_call_for_attention(text: str) -> bool:
    marks = [ch for ch in text if not ch.isspace()]
    return bool(marks) and all(ch in _ATTENTION_MARKS for ch in marks)


# Laughter: a syllable typed over and over ("wkwk", "kwkwkw", "wkakakak", "hahaha", "ehehe",
# "hohoho", "huahaha", "xixixi", "kekeke", "awokawok", "awikwok"), after doubled letters are
# made single ("wkwkk"). Not "huhu" (crying) and not "kaka" ("kakak" is an address word).
_LAUGHTER = re.compile(
    r"a?o?(?:wk|kw)+[wk]?"
    r"|wa?(?:ka){2,}k?"
    r"|(?:hu|bu|bw|mu|mw|w)?[aeio]?(?:h[aeio]|xi)(?:h[aeio]|xi)+h?"
    r"|(?:ke){3,}k?|(?:ki){3,}|(?:qi){3,}|(?:heu){2,}"
    r"|a?o?wo?k(?:a?o?wo?k)+|awi?kwo?k\w{0,6}|(?:akwo)+a?k?",
)
LAUGHTER_MIN_LETTERS = 4


@lru_cache(maxsize=WORD_MEMO)
def is_laughter(word: str) -> bool:
    """Whether one word is laughter of the shapes above (at least four letters)."""
    word = _single(word.casefold())
    return len(word) >= LAUGHTER_MIN_LETTERS and _LAUGHTER.fullmatch(word) is not None


def is_arithmetic(text: str) -> bool:
    """ "12 x 8", "berapa 15+27?", "what is 3 times 4": a sum, not a question for the FAQ."""
    lowered = unicodedata.normalize("NFKC", text).casefold()
    if not _ARITHMETIC.search(lowered) and not re.search(
        r"\d+\s+(times|plus|minus|divided)\s+(by\s+)?\d", lowered
    ):
        return False
    return all(w.isdigit() or w in _ARITHMETIC_WORDS for w in _WORD.findall(lowered))


# Keyboard mashing ("asdfghjkl", "qwerty", "jkjkjk", "sdfsdf"): four keys in a row of the
# keyboard, a two- or three-key chunk of neighbouring keys typed over and over, or one key
# held down ("jjjjjjjj": six or more of one letter, but not k or w, which people repeat to
# laugh: the slang dictionary reads "kkkkk" as "oke"), or fingers resting on the middle row
# typed at random ("sdkfjsdlkfj", "hdhshshdjdjd": eight or more letters, all of that row, at
# least four different ones, at most a quarter vowels; "adalah", "kafala" and "hajjah" are
# a third or more, and chat spellings such as "sdhlah", "kshlah" or "gassss" are shorter).
# Checked against every word of the content, the slang dictionary and the sets in
# tests/data: only "qwerty" and the laughter "wqwqwq" qualify besides real mashing.
_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_RUNS = tuple(
    run
    for row in _KEY_ROWS
    for i in range(len(row) - 3)
    for run in (row[i : i + 4], row[i : i + 4][::-1])
    if run != "erty"  # "property", "liberty", "poverty"; "qwerty" still has "qwer"
)
_KEY_PLACE = {key: (r, i) for r, row in enumerate(_KEY_ROWS) for i, key in enumerate(row)}
# two letters three times or more ("jkjkjk"; "sasak", "asasi", "popok" and "yuyun" are words),
# three letters twice or more ("sdfsdf")
_REPEATED_CHUNK = re.compile(
    r"(?P<chunk>[a-z]{2})(?P=chunk){2,}[a-z]{0,2}|(?P<chunk3>[a-z]{3})(?P=chunk3)+[a-z]{0,2}"
)
_HELD_KEY = re.compile(r"([a-jl-vx-z])\1{5,}")
_MIDDLE_ROW = frozenset(_KEY_ROWS[1])
_VOWELS = frozenset("aeiou")
MASH_MIN_LETTERS = 5
RESTING_MIN_LETTERS = 8
RESTING_MAX_VOWEL_SHARE = 0.25
MASH_MAX_WORDS = 3


# A phone's keyboard: the middle row starts half a key in, the bottom row a key and a half.
_PHONE_OFFSETS = (0.0, 0.5, 1.5)
_PHONE_PLACE = {key: (r, i + _PHONE_OFFSETS[r]) for key, (r, i) in _KEY_PLACE.items()}
WALK_MIN_LETTERS = 7
WALK_MIN_KEYS = 5
WALK_MAX_VOWEL_SHARE = 0.25


def _touching(a: str, b: str) -> bool:
    """Keys side by side in a row, or touching across two rows, on a phone's keyboard."""
    (ra, xa), (rb, xb) = _PHONE_PLACE[a], _PHONE_PLACE[b]
    return abs(xa - xb) == 1 if ra == rb else abs(ra - rb) == 1 and abs(xa - xb) <= 1


def _walked(word: str) -> bool:
    """A thumb sliding over touching keys ("gbhjnkml", "mnbvcxz"): seven letters or more, five
    different keys, at most a quarter vowels. Shorter walks are words ("desert", "dewasa"),
    and so are a few longer ones full of vowels ("sedewasa", "resewed": a probe)."""
    return (
        len(word) >= WALK_MIN_LETTERS
        and len(set(word)) >= WALK_MIN_KEYS
        and sum(ch in _VOWELS for ch in word) <= WALK_MAX_VOWEL_SHARE * len(word)
        and all(_touching(a, b) for a, b in itertools.pairwise(word))
    )


def _neighbours(a: str, b: str) -> bool:
    pa, pb = _KEY_PLACE.get(a), _KEY_PLACE.get(b)
    return pa is not None and pb is not None and pa[0] == pb[0] and abs(pa[1] - pb[1]) == 1


def _mashed(word: str) -> bool:
    if len(word) < MASH_MIN_LETTERS or not (word.isascii() and word.isalpha()):
        return False
    if any(run in word for run in _KEY_RUNS) or _HELD_KEY.fullmatch(word):
        return True
    if _typed_at_rest(word) or _walked(word):
        return True
    found = _REPEATED_CHUNK.fullmatch(word)
    chunk = (found["chunk"] or found["chunk3"]) if found else ""
    return bool(chunk) and all(_neighbours(a, b) for a, b in itertools.pairwise(chunk))


def _typed_at_rest(word: str) -> bool:
    """Random keys under fingers resting on the middle row: no word of the languages here
    is made of that row's letters alone with so few vowels."""
    if len(word) < RESTING_MIN_LETTERS or not set(word) <= _MIDDLE_ROW or len(set(word)) < 4:
        return False
    return sum(ch in _VOWELS for ch in word) <= RESTING_MAX_VOWEL_SHARE * len(word)


def is_keyboard_mash(text: str) -> bool:
    """A message of one to three words, every one of them keyboard mashing: spam, whose
    reply is kinder than the fallback's "I would rather not guess"."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    return 0 < len(words) <= MASH_MAX_WORDS and all(_mashed(w) for w in words)


@lru_cache(maxsize=1024)  # the learned model's labels, read for each decision
def intent_label(label: str) -> str | None:
    """`smalltalk:greeting` -> `greeting`; an FAQ entry id -> None."""
    return label.removeprefix(PREFIX) if label.startswith(PREFIX) else None


@lru_cache(maxsize=1024)
def is_entry(label: str) -> bool:
    """Whether a learned label is an FAQ entry (not small talk, not off topic)."""
    return label != OFFTOPIC and not label.startswith(PREFIX)


def check_smalltalk(directory: Path, languages: list[str], numbers: set[str]) -> list[Problem]:
    """What `content check` enforces on smalltalk.yaml: known intents, every language, and
    no contact number that contacts.yaml does not list (scammers spread fake ones)."""
    path = directory / FILE
    if not path.exists():
        return []
    problems: list[Problem] = []
    try:
        data: Any = yamlfile.read(path) or {}
    except yaml.YAMLError as exc:
        return [Problem(FILE, None, None, f"not valid YAML: {exc}")]
    intents = data.get("intents")
    if not isinstance(intents, dict):
        return [Problem(FILE, None, "intents", "must be a mapping of intent name to intent")]
    digits = {re.sub(r"\D", "", n) for n in numbers}
    for part in ("fillers", "asking", "denying", "selling", "questions"):
        if _has_truth_value(data.get(part)):
            problems.append(Problem(FILE, None, part, _TRUTH_VALUE))
    for name, spec in intents.items():
        problems.extend(_check_intent(str(name), spec, languages, digits))
    return problems


# YAML reads a bare off, on, yes or no as true or false, so "off" (as in "aku off dulu")
# would silently become the word "false".
_TRUTH_VALUE = "holds true/false: put off, on, yes and no in quotes ('off')"


def _has_truth_value(words: Any) -> bool:
    return isinstance(words, list) and any(isinstance(w, bool) for w in words)


def _check_intent(name: str, spec: Any, languages: list[str], digits: set[str]) -> list[Problem]:
    found: list[Problem] = []
    if name not in INTENTS:
        found.append(Problem(FILE, name, None, f"unknown intent; use one of {', '.join(INTENTS)}"))
    if not isinstance(spec, dict):
        return [*found, Problem(FILE, name, None, "must be a mapping")]
    learned = spec.get("learned", True)
    if not isinstance(learned, bool):
        found.append(Problem(FILE, name, "learned", "must be true or false"))
    parts = ("examples", "reply") if learned is not False else ("reply",)
    for part in parts:
        value = spec.get(part)
        for lang in languages:
            if not isinstance(value, dict) or not value.get(lang):
                found.append(Problem(FILE, name, f"{part}.{lang}", "missing"))
    for part in ("words", "unless", "unless_asked"):
        if _has_truth_value(spec.get(part)):
            found.append(Problem(FILE, name, part, _TRUTH_VALUE))
    emoji = spec.get("emoji") or []
    if not isinstance(emoji, list) or any(
        not str(e).strip() or _words(str(e)) or not _emoji(str(e)) for e in emoji
    ):
        found.append(Problem(FILE, name, "emoji", "must be a list of emoji, without words"))
    for lang, text in (spec.get("reply") or {}).items():
        for number in _NUMBER.findall(str(text)):
            if re.sub(r"\D", "", number) not in digits:
                found.append(
                    Problem(
                        FILE,
                        name,
                        f"reply.{lang}",
                        f"number {number.strip()} is not in contacts.yaml",
                    )
                )
    return found


__all__ = [
    "HUMAN",
    "INTENTS",
    "OFFTOPIC",
    "PREFIX",
    "Intent",
    "SmallTalk",
    "check_smalltalk",
    "intent_label",
    "is_arithmetic",
    "is_entry",
    "is_laughter",
]
