"""Obvious slips in what users read, across every catalog and the content: double punctuation,
"1 agencies", example dates that have passed, and one emoji meaning two things in the menus."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from bot.core.content import load_content
from bot.i18n import LOCALES_DIR, I18n
from bot.telegram import keyboards
from bot.telegram.handlers.start import four_buttons

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("id", "en")

DOUBLE_PUNCTUATION = re.compile(
    r"[?!.,;:][,;]"  # "resmi?, atau", "ya,, lalu"
    r"|[?!,;:]\.(?!\.)"  # "kirim?." (an ellipsis after a word is fine)
    r"|(?<![.\w/])\.\.(?!\.)|(?<=\w)\.\.(?!\.)"  # ".." that is not "..."
    r"|!!|\?\?"
)
NOT_PLURAL = {"is", "was", "has", "its", "this", "us", "yes", "plus", "bus", "status", "gas"}
ONE_PLURAL = re.compile(r"(?<![\d.,/:-])\b1 ([a-z]+s)\b")
COUNT_THEN_NOUN = re.compile(r"\{(n|count|total|number)\} ([a-z]+s)\b")
TYPED_BY_USERS = {
    *("questions", "patterns", "unless", "phrasings", "stopwords", "examples"),
    *("danger", "ordinary", "calm"),  # content/distress.yaml, distress_training.yaml
}
DATE = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b|\b(\d\d)/(\d\d)/(20\d\d)\b")


def _without_links(text: str) -> str:
    return re.sub(r"(https?://|www\.)\S+|<[^>]+>", " ", text)


def _catalog_texts() -> list[tuple[str, str, object]]:
    """(where, text, message) for every English msgid and every translated msgstr."""
    found = []
    for lang in LANGUAGES:
        for path in sorted((LOCALES_DIR / lang / "LC_MESSAGES").glob("*.po")):
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=lang)
            for message in catalog:
                if not message.id:
                    continue
                source = message.string if lang != "en" else message.id
                for text in source if isinstance(source, tuple) else [source]:
                    found.append((f"{lang}/{path.stem}", text, message))
    return found


def _content_texts() -> list[tuple[str, str]]:
    """Every string in the content YAML that the bot shows (not what users are expected to
    type, which is as messy as real questions are)."""
    found = []

    def walk(where: str, value: object) -> None:
        if isinstance(value, str):
            found.append((where, value))
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in TYPED_BY_USERS:
                    walk(where, item)
        elif isinstance(value, list):
            for item in value:
                walk(where, item)

    for path in sorted((ROOT / "content").rglob("*.yaml")):
        walk(str(path.relative_to(ROOT)), yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def _everything() -> list[tuple[str, str]]:
    return [(where, text) for where, text, _ in _catalog_texts()] + _content_texts()


def test_no_double_punctuation() -> None:
    slips = [
        f"{where}: {match.group()!r} in …{text[max(0, match.start() - 30) : match.end() + 20]!r}"
        for where, text in _everything()
        for match in DOUBLE_PUNCTUATION.finditer(_without_links(text))
    ]
    assert not slips, "\n".join(slips)


def test_counts_agree_with_their_noun() -> None:
    """ "1 agencies" as a literal, or "{n} reports" in a message that is not a plural entry
    (use `_.plural(singular, plural, n)`)."""
    slips = []
    for where, text, message in _catalog_texts():
        for match in ONE_PLURAL.finditer(text):
            if match.group(1) not in NOT_PLURAL:
                slips.append(f"{where}: {match.group()!r} in {text[:60]!r}")
        if not message.pluralizable and where.startswith("en/"):
            for match in COUNT_THEN_NOUN.finditer(text):
                if match.group(2) not in NOT_PLURAL:
                    slips.append(f"{where}: {match.group()!r} is not a plural entry")
    for where, text in _content_texts():
        for match in ONE_PLURAL.finditer(text):
            if match.group(1) not in NOT_PLURAL:
                slips.append(f"{where}: {match.group()!r}")
    assert not slips, "\n".join(slips)


def test_no_example_dates_in_the_past() -> None:
    """An example in a message ("for example 2025-03-01 08:00") must not have passed: compute
    it from today instead of writing it down."""
    today = dt.date.today()
    slips = []
    for where, text, _ in _catalog_texts():
        for match in DATE.finditer(text):
            year, month, day = match.group(1, 2, 3) if match.group(1) else match.group(6, 5, 4)
            if dt.date(int(year), int(month), int(day)) < today:
                slips.append(f"{where}: {match.group()} in {text[:60]!r}")
    assert not slips, "\n".join(slips)


def _meaning(callback_data: str) -> str:
    """What a button does: its feature, or the category or feedback it names."""
    prefix, *values = callback_data.split(":")
    if prefix in (keyboards.CATEGORY, keyboards.FEEDBACK) and values:
        return f"{prefix}:{values[0]}"
    return prefix


def _leading_emoji(label: str) -> str | None:
    first = label.split(" ", 1)[0]
    return first if first and not first[0].isalnum() else None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_one_emoji_one_meaning_in_the_menus(lang: str) -> None:
    content = load_content(ROOT / "content")
    _ = I18n().translator(lang)
    entry = content.entries["verify-agency"]
    markups = [
        four_buttons(_),
        keyboards.main_menu(_, content),
        keyboards.fallback(_),
        keyboards.answer(_, entry, content),
        keyboards.category(_, content.in_category(entry.category)),
    ]
    meanings: dict[str, set[str]] = {}
    for markup in markups:
        for row in markup.inline_keyboard:
            for button in row:
                emoji = _leading_emoji(button.text)
                if emoji:
                    meanings.setdefault(emoji, set()).add(_meaning(button.callback_data))
    clashes = {emoji: found for emoji, found in meanings.items() if len(found) > 1}
    assert not clashes, clashes


@pytest.mark.parametrize(
    "slip",
    ["cek PT penyalur resmi?, atau", "kirim sekarang..", "Awas!! calo", "Selesai,, lalu", "ya?."],
)
def test_the_double_punctuation_detector_catches_the_slips(slip: str) -> None:
    assert DOUBLE_PUNCTUATION.search(slip)


@pytest.mark.parametrize("fine", ["Tunggu...", "v1.2", "https://a.b/c..d", "Ya, betul.", "10.000"])
def test_the_double_punctuation_detector_lets_good_text_pass(fine: str) -> None:
    assert not DOUBLE_PUNCTUATION.search(_without_links(fine))


def test_the_count_detectors_catch_the_slips() -> None:
    assert ONE_PLURAL.search("Imported 1 agencies")
    assert not ONE_PLURAL.search("Imported 1 agency, 11 agencies, 2.1 reports")
    assert COUNT_THEN_NOUN.search("It appears in {n} reports.")


def test_the_agency_register_tool_says_1_agency(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.__main__ import main

    monkeypatch.setenv("CONTENT_DIR", str(ROOT / "content"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    csv = tmp_path / "one.csv"
    fixture = (ROOT / "tests" / "fixtures" / "agencies.csv").read_text(encoding="utf-8")
    csv.write_text("\n".join(fixture.splitlines()[:2]) + "\n", encoding="utf-8")
    assert main(["agencies", "import", str(csv), "--as-of", "2025-06-01"]) == 0
    assert main(["agencies", "status"]) == 0
    out = capsys.readouterr().out
    assert "Imported 1 agency " in out and "1 agency from" in out
    assert not ONE_PLURAL.search(out)
