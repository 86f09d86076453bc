"""Validator for Telegram's HTML parse mode, modelled on the real server's parser.

Telegram rejects a whole message when its HTML is malformed ("can't parse entities"), so a
bot that forgets to escape user text only fails in production. This module reproduces the
server's rules (those of tdlib's ``parse_html``) so tests and the fake Bot API catch it early:
only the documented tags are accepted, tags must nest properly, attributes follow the same
grammar, and text is measured in UTF-16 code units as Telegram counts it.

One deliberate difference: Telegram silently keeps a bare ``&`` that does not start a known
entity, but the Bot API documentation requires it to be escaped. By default we reject it
(``strict_ampersand=True``) so unescaped user input is caught even when it happens to contain
only an ampersand. Pure Python, no telegram import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "SUPPORTED_TAGS",
    "HTMLError",
    "parse_entities",
    "parse_html",
    "rendered_length",
    "utf16_len",
]

_PREFIX = "Bad Request: can't parse entities: "

SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "code",
        "pre",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "blockquote",
    }
)

# Telegram's entity type for each tag (``a``, ``pre`` and ``blockquote`` are refined later).
_ENTITY_TYPES = {
    "a": "text_link",
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "tg-emoji": "custom_emoji",
    "blockquote": "blockquote",
}

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = frozenset(" \t\r\n\v")
_HEX = frozenset("0123456789abcdefABCDEF")


class HTMLError(ValueError):
    """Malformed HTML; ``str(err)`` is the description the Bot API would return."""

    def __init__(self, reason: str, byte_offset: int | None = None) -> None:
        super().__init__(_PREFIX + reason)
        self.reason = reason
        self.byte_offset = byte_offset

    @property
    def description(self) -> str:
        """The full Bot API error description ("Bad Request: can't parse entities: ...")."""
        return str(self)


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit Telegram uses for limits/offsets."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def parse_html(text: str, *, strict_ampersand: bool = True) -> str:
    """Return the plain text Telegram would display, or raise :class:`HTMLError`."""
    return _Parser(text, strict_ampersand).run()[0]


def parse_entities(text: str, *, strict_ampersand: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Like :func:`parse_html` but also return Bot API ``MessageEntity`` dicts (UTF-16 offsets)."""
    return _Parser(text, strict_ampersand).run()


def rendered_length(text: str, *, strict_ampersand: bool = True) -> int:
    """UTF-16 length of the rendered text, to compare with the 4096/1024 limits."""
    return utf16_len(parse_html(text, strict_ampersand=strict_ampersand))


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_start: int
    char_start: int
    byte_pos: int
    attributes: dict[str, str] = field(default_factory=dict)


class _Parser:
    """Single-pass parser; mirrors tdlib's control flow so errors match the server's."""

    def __init__(self, text: str, strict_ampersand: bool) -> None:
        self.s = text
        self.n = len(text)
        self.strict_ampersand = strict_ampersand
        self.out: list[str] = []
        self.utf16 = 0
        self.chars = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    # -- helpers -----------------------------------------------------------------------------
    def _byte_offset(self, index: int) -> int:
        return len(self.s[:index].encode("utf-8", "surrogatepass"))

    def _error(self, template: str, index: int) -> HTMLError:
        offset = self._byte_offset(index)
        return HTMLError(template.format(offset=offset), offset)

    def _emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.chars += len(chunk)
        self.utf16 += utf16_len(chunk)

    def _skip_spaces(self, i: int) -> int:
        while i < self.n and self.s[i] in _SPACES:
            i += 1
        return i

    def _decode_entity(self, pos: int) -> tuple[str, int] | None:
        """Decode an entity starting at ``pos`` (a '&'); the ';' is optional, as in tdlib."""
        s, n = self.s, self.n
        end = pos + 1
        if end < n and s[end] == "#":
            end += 1
            code = 0
            if end < n and s[end] in "xX":
                end += 1
                start = end
                while end < n and s[end] in _HEX:
                    code = code * 16 + int(s[end], 16)
                    end += 1
                    if code >= 0x10FFFF:
                        return None
            else:
                start = end
                while end < n and s[end].isascii() and s[end].isdigit():
                    code = code * 10 + int(s[end])
                    end += 1
                    if code >= 0x10FFFF:
                        return None
            if end == start or code == 0 or end - pos >= 10:
                return None
            if 0xD800 <= code <= 0xDFFF:
                raise HTMLError(
                    "Text contains invalid Unicode characters after decoding HTML entities, "
                    "check for unmatched surrogate code units"
                )
            char = chr(code)
        else:
            while end < n and s[end].isascii() and s[end].isalpha():
                end += 1
            named = _NAMED_ENTITIES.get(s[pos + 1 : end])
            if named is None:
                return None
            char = named
        if end < n and s[end] == ";":
            end += 1
        return char, end

    # -- main loop ---------------------------------------------------------------------------
    def run(self) -> tuple[str, list[dict[str, Any]]]:
        s, n = self.s, self.n
        i = 0
        while i < n:
            c = s[i]
            if c == "&":
                decoded = self._decode_entity(i)
                if decoded is not None:
                    self._emit(decoded[0])
                    i = decoded[1]
                    continue
                if self.strict_ampersand:
                    raise self._error(
                        'Unsupported HTML entity or unescaped "&" at byte offset {offset}', i
                    )
            if c != "<":
                # Copy a run of plain text at once.
                j = i + 1
                while j < n and s[j] not in "<&":
                    j += 1
                self._emit(s[i:j])
                i = j
                continue
            closing = i + 1 < n and s[i + 1] == "/"
            i = self._end_tag(i) if closing else self._start_tag(i)
        if self.stack:
            raise HTMLError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"',
                self.stack[-1].byte_pos,
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def _start_tag(self, begin: int) -> int:
        s, n = self.s, self.n
        i = begin + 1
        tag_begin = i
        while i < n and s[i] not in _SPACES and s[i] != ">":
            i += 1
        if i >= n:
            raise self._error("Unclosed start tag at byte offset {offset}", begin)
        name = s[tag_begin:i].lower()
        if name not in SUPPORTED_TAGS:
            raise self._error(f'Unsupported start tag "{name}" at byte offset {{offset}}', begin)

        argument = ""
        attributes: dict[str, str] = {}
        while s[i] != ">":
            i = self._skip_spaces(i)
            if i >= n:
                raise self._error("Unclosed start tag at byte offset {offset}", begin)
            if s[i] == ">":
                break
            attr_begin = i
            while i < n and s[i] not in _SPACES and s[i] not in "=>":
                i += 1
            attr_name = s[attr_begin:i]
            if not attr_name:
                raise self._error(
                    f'Empty attribute name in the tag "{name}" at byte offset {{offset}}', begin
                )
            i = self._skip_spaces(i)
            if (name, attr_name) == ("blockquote", "expandable") and (i >= n or s[i] != "="):
                # The Bot API documents <blockquote expandable> without a value.
                argument = _tag_argument(name, attr_name, "", argument)
                continue
            if i >= n or s[i] != "=":
                raise self._error(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {{offset}}',
                    begin,
                )
            i = self._skip_spaces(i + 1)
            if i >= n:
                raise self._error(f'Unclosed start tag "{name}" at byte offset {{offset}}', begin)
            value, i = self._attribute_value(i)
            if i >= n:
                raise self._error("Unclosed start tag at byte offset {offset}", begin)
            attributes[attr_name] = value
            argument = _tag_argument(name, attr_name, value, argument)
        i += 1  # the '>'

        if name == "span" and argument != "spoiler":
            raise self._error(
                'Tag "span" must have class "tg-spoiler" at byte offset {offset}', begin
            )
        byte_pos = self._byte_offset(begin)
        self.stack.append(_OpenTag(name, argument, self.utf16, self.chars, byte_pos, attributes))
        return i

    def _attribute_value(self, i: int) -> tuple[str, int]:
        s, n = self.s, self.n
        if s[i] not in "'\"":
            # An unquoted name token: letters, digits, '.' and '-'; case-insensitive.
            token_begin = i
            while i < n and s[i].isascii() and (s[i].isalnum() or s[i] in ".-"):
                i += 1
            if i < n and s[i] not in _SPACES and s[i] != ">":
                raise self._error(
                    "Unexpected end of name token at byte offset {offset}", token_begin
                )
            return s[token_begin:i].lower(), i
        quote = s[i]
        i += 1
        chars: list[str] = []
        while i < n and s[i] != quote:
            if s[i] == "&":
                # Inside attributes tdlib keeps unknown '&' literally (URLs with query strings).
                decoded = self._decode_entity(i)
                if decoded is not None:
                    chars.append(decoded[0])
                    i = decoded[1]
                    continue
            chars.append(s[i])
            i += 1
        if i < n:
            i += 1  # closing quote
        return "".join(chars), i

    def _end_tag(self, begin: int) -> int:
        s, n = self.s, self.n
        if not self.stack:
            raise self._error("Unexpected end tag at byte offset {offset}", begin)
        i = begin + 2
        name_begin = i
        while i < n and s[i] not in _SPACES and s[i] != ">":
            i += 1
        end_name = s[name_begin:i].lower()
        i = self._skip_spaces(i)
        if i >= n or s[i] != ">":
            raise self._error("Unclosed end tag at byte offset {offset}", begin)
        i += 1
        open_tag = self.stack.pop()
        if end_name and end_name != open_tag.name:
            raise self._error(
                f'Unmatched end tag at byte offset {{offset}}, expected "</{open_tag.name}>", '
                f'found "</{end_name}>"',
                begin,
            )
        self._close(open_tag, begin)
        return i

    def _close(self, tag: _OpenTag, end_index: int) -> None:
        if tag.name == "tg-emoji" and not (tag.argument.isdigit() and int(tag.argument) > 0):
            raise HTMLError("Invalid custom emoji identifier specified", tag.byte_pos)
        length = self.utf16 - tag.utf16_start
        if length <= 0:
            return
        entity: dict[str, Any] = {
            "type": _ENTITY_TYPES[tag.name],
            "offset": tag.utf16_start,
            "length": length,
        }
        if tag.name == "a":
            url = tag.argument
            if not url:
                # Without href tdlib links the text itself, if it looks like a URL.
                url = "".join(self.out)[tag.char_start :]
                if "." not in url or any(ch.isspace() for ch in url):
                    return
            entity["url"] = url
        elif tag.name == "code" and tag.argument:
            entity["language"] = tag.argument
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.argument
        elif tag.name == "blockquote" and tag.argument:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "pre" and self.entities:
            # <pre><code class="language-x">…</code></pre> becomes one pre entity with language.
            last = self.entities[-1]
            if (
                last["type"] == "code"
                and last["offset"] == entity["offset"]
                and (last["length"] == length)
            ):
                self.entities.pop()
                if "language" in last:
                    entity["language"] = last["language"]
        self.entities.append(entity)


def _tag_argument(tag: str, attr: str, value: str, current: str) -> str:
    """The one attribute of each tag that Telegram uses; others are ignored."""
    if tag == "a" and attr == "href":
        return value
    if tag == "code" and attr == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and attr == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and attr == "emoji-id":
        return value
    if tag == "blockquote" and attr == "expandable":
        return "1"
    return current
