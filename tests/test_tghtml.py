"""Unit tests for the Telegram HTML parse-mode validator.

Error wordings and byte offsets follow tdlib's own parse_html tests, which is what the Bot API
server runs; the emoji prefix "🏟 🏟&lt;" is 13 UTF-8 bytes, so most errors land at offset 13.
"""

from __future__ import annotations

import html

import pytest

from bot.core.tghtml import HTMLError, parse_entities, parse_html, rendered_length, utf16_len

PREFIX = "Bad Request: can't parse entities: "
STADIUMS = "🏟 🏟&lt;"  # 13 bytes of UTF-8 before the interesting part


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("", ""),
        ("plain text", "plain text"),
        ("<b>bold</b> and <strong>strong</strong>", "bold and strong"),
        ("<i>i</i><em>em</em><u>u</u><ins>ins</ins>", "iemuins"),
        ("<s>s</s><strike>st</strike><del>d</del>", "sstd"),
        ('<a href="https://example.org/?a=1&amp;b=2">link</a>', "link"),
        ("<code>x &lt; y</code>", "x < y"),
        ('<pre><code class="language-python">print(1)</code></pre>', "print(1)"),
        ('<span class="tg-spoiler">secret</span>', "secret"),
        ("<tg-spoiler>secret</tg-spoiler>", "secret"),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍"),
        ("<blockquote>quote</blockquote>", "quote"),
        ("<blockquote expandable>long quote</blockquote>", "long quote"),
        ("&lt;&gt;&amp;&quot;", '<>&"'),
        ("&#65;&#x42;&#x1F600;", "AB😀"),
        ("&lt without semicolon", "< without semicolon"),
        ("<B>upper-case tag</B>", "upper-case tag"),
        ("<b>nested <i>tags</i> ok</b>", "nested tags ok"),
        ("a > b", "a > b"),
        ("<i>a</>", "a"),
    ],
)
def test_valid_html_renders_plain_text(text: str, plain: str) -> None:
    assert parse_html(text) == plain


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("Hello world <p>x</p>", 'Unsupported start tag "p" at byte offset 12'),
        ("line<br>", 'Unsupported start tag "br" at byte offset 4'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("ends with <", "Unclosed start tag at byte offset 10"),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<tg-emoji>x</tg-emoji>", "Invalid custom emoji identifier specified"),
        (STADIUMS + "<abacaba", "Unclosed start tag at byte offset 13"),
        (STADIUMS + "<abac aba>", 'Unsupported start tag "abac" at byte offset 13'),
        (STADIUMS + "<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
        (
            STADIUMS + "<i    aba>",
            'Expected equal sign in declaration of an attribute of the tag "i" at byte offset 13',
        ),
        (STADIUMS + "<i    aba  =  ", 'Unclosed start tag "i" at byte offset 13'),
        (STADIUMS + "<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"),
        (STADIUMS + '<i    aba  =  "&lt;&gt;&quot;>', "Unclosed start tag at byte offset 13"),
        (STADIUMS + "</", "Unexpected end tag at byte offset 13"),
        (STADIUMS + "<b></b></", "Unexpected end tag at byte offset 20"),
        (STADIUMS + "<i>a</i   ", "Unclosed end tag at byte offset 17"),
        (
            "&#xDFDF;",
            "Text contains invalid Unicode characters after decoding HTML entities, "
            "check for unmatched surrogate code units",
        ),
    ],
)
def test_invalid_html_raises_telegram_description(text: str, reason: str) -> None:
    with pytest.raises(HTMLError) as excinfo:
        parse_html(text)
    assert str(excinfo.value) == PREFIX + reason
    assert excinfo.value.reason == reason
    assert isinstance(excinfo.value, ValueError)


def test_bare_ampersand_is_rejected_by_default() -> None:
    with pytest.raises(HTMLError) as excinfo:
        parse_html("<b>&<")
    assert str(excinfo.value).startswith(PREFIX)
    assert "byte offset 3" in str(excinfo.value)
    assert excinfo.value.byte_offset == 3


def test_bare_ampersand_can_be_allowed_like_the_real_server() -> None:
    # tdlib keeps unknown entities literally; strict mode is an emulator choice.
    assert parse_html("Q&A &laquo;", strict_ampersand=False) == "Q&A &laquo;"


def test_ampersand_inside_attribute_is_kept() -> None:
    text, entities = parse_entities('<a href="https://x.org/?a=1&b=2">go</a>')
    assert text == "go"
    assert entities == [
        {"type": "text_link", "offset": 0, "length": 2, "url": "https://x.org/?a=1&b=2"}
    ]


def test_entities_inside_an_attribute_are_decoded() -> None:
    """html.escape(url) in an href is how the bot writes links: the link must be the URL."""
    url = "https://x.org/?a=1&b=2"
    _, entities = parse_entities(f'<a href="{html.escape(url)}">go</a>')
    assert entities[0]["url"] == url


def test_html_escape_output_is_always_accepted() -> None:
    nasty = "<script>alert('x') & \"quotes\"</script> 5 < 6 > 4 &amp;"
    assert parse_html(f"<b>{html.escape(nasty)}</b>") == nasty


def test_entities_use_utf16_offsets() -> None:
    text, entities = parse_entities("➡️ ➡️<i>➡️ ➡️</i><b>x</b>")
    assert text == "➡️ ➡️➡️ ➡️x"
    assert entities == [
        {"type": "italic", "offset": 5, "length": 5},
        {"type": "bold", "offset": 10, "length": 1},
    ]
    _, entities = parse_entities("😀<b>😀</b>")
    assert entities == [{"type": "bold", "offset": 2, "length": 2}]


def test_nested_entities_sorted_outer_first() -> None:
    _, entities = parse_entities("<i><b> </b> <code> </code></i>")
    assert entities == [
        {"type": "italic", "offset": 0, "length": 3},
        {"type": "bold", "offset": 0, "length": 1},
        {"type": "code", "offset": 2, "length": 1},
    ]


def test_pre_with_language_merges_code() -> None:
    _, entities = parse_entities('<pre><code class="language-fift">x</code></pre>')
    assert entities == [{"type": "pre", "offset": 0, "length": 1, "language": "fift"}]


def test_empty_tags_produce_no_entity() -> None:
    assert parse_entities("a<b></b>") == ("a", [])


def test_expandable_blockquote_entity() -> None:
    _, entities = parse_entities("<blockquote expandable>q</blockquote>")
    assert entities == [{"type": "expandable_blockquote", "offset": 0, "length": 1}]


def test_rendered_length_counts_utf16_units_after_markup() -> None:
    assert rendered_length("<b>abc</b>") == 3
    assert rendered_length("&lt;&gt;") == 2
    assert rendered_length("😀") == 2  # astral plane: a surrogate pair
    assert rendered_length("é") == 1
    assert utf16_len("a😀b") == 4


def test_rendered_length_against_telegram_limit() -> None:
    body = "<b>" + "x" * 4096 + "</b>"
    assert rendered_length(body) == 4096
    assert rendered_length("😀" * 2049) == 4098  # 2049 characters, over the limit


def test_rendered_length_propagates_errors() -> None:
    with pytest.raises(HTMLError):
        rendered_length("<p>")
