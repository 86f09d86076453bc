"""Every message in the code is translated, in every language, with matching placeholders."""

from __future__ import annotations

import re
import string

import pytest
from babel.messages.pofile import read_po

from bot.core.plain import uses_formal_you
from bot.i18n import LOCALES_DIR, I18n
from bot.i18n.sync import extract

LANGUAGES = sorted(p.name for p in LOCALES_DIR.iterdir() if p.is_dir())
TEMPLATES = extract()


def _catalog(lang: str, domain: str):
    path = LOCALES_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
    assert path.exists(), f"{path} is missing: run `python -m bot i18n sync`"
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _tags(text: str) -> list[str]:
    return re.findall(r"</?[a-z]+", text)


def _forms(value: str | tuple[str, ...]) -> list[str]:
    """A translation's text, or each of its plural forms."""
    return list(value) if isinstance(value, (tuple, list)) else [value]


def _same(form: str, feature, message_id: str | tuple[str, ...]) -> bool:
    """A (plural) form must match the message id, or for plurals one of its two forms."""
    return any(feature(form) == feature(source) for source in _forms(message_id))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("domain", sorted(TEMPLATES))
def test_every_message_is_translated(lang: str, domain: str) -> None:
    catalog = _catalog(lang, domain)
    problems = []
    for message in TEMPLATES[domain]:
        if not message.id:
            continue
        found = catalog.get(message.id)
        if found is None or not all(_forms(found.string)):
            problems.append(f"untranslated: {message.id!r}")
        elif found.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        elif not all(_same(form, _placeholders, message.id) for form in _forms(found.string)):
            problems.append(f"placeholders differ: {message.id!r}")
        elif not all(_same(form, _tags, message.id) for form in _forms(found.string)):
            problems.append(f"HTML tags differ: {message.id!r}")
    assert not problems, "\n".join(problems)


def test_indonesian_is_the_default_and_differs_from_english() -> None:
    i18n = I18n(default="id")
    assert i18n.gettext("id", "Choose a topic:") == "Pilih topik:"
    assert i18n.gettext("en", "Choose a topic:") == "Choose a topic:"
    assert i18n.gettext("xx", "Choose a topic:") == "Pilih topik:"


def test_no_catalog_header_is_marked_fuzzy() -> None:
    for lang in LANGUAGES:
        for path in (LOCALES_DIR / lang / "LC_MESSAGES").glob("*.po"):
            assert "#, fuzzy" not in path.read_text(encoding="utf-8"), path


def _indonesian_saying(domain_path, says) -> list[str]:
    """Every Indonesian msgstr (each plural form) of one catalog for which `says` is true."""
    with domain_path.open("rb") as handle:
        catalog = read_po(handle, locale="id")
    return [
        f"{domain_path.name}: {form!r}"
        for message in catalog
        if message.id
        for form in _forms(message.string)
        if says(form)
    ]


def _formal_you(domain_path) -> list[str]:
    """Every Indonesian msgstr of one catalog that says "Anda" (the voice is "kamu")."""
    return _indonesian_saying(domain_path, uses_formal_you)


def _formal_i(domain_path) -> list[str]:
    """Every Indonesian msgstr of one catalog that says "saya" (the bot says "aku")."""
    return _indonesian_saying(
        domain_path, lambda form: re.search(r"\bsaya\b", form, flags=re.IGNORECASE)
    )


VOICE_CHECKS = {
    # check: (a msgstr it must catch, one it must pass)
    "formal you": (_formal_you, "Laporan anda", "Laporanmu, di Andalas"),
    "formal I": (_formal_i, "Saya kurang yakin", "Aku kurang yakin, Sayang"),
}


@pytest.mark.parametrize("name", sorted(VOICE_CHECKS))
def test_each_voice_check_can_fail(tmp_path, name: str) -> None:
    """The checks below must be able to fail: a catalog that breaks the voice is caught."""
    check, caught, passed = VOICE_CHECKS[name]
    po = tmp_path / "x.po"
    po.write_text(f'msgid "Your report"\nmsgstr "{caught}"\n', encoding="utf-8")
    assert check(po)
    po.write_text(f'msgid "Your report"\nmsgstr "{passed}"\n', encoding="utf-8")
    assert not check(po)


@pytest.mark.parametrize("name", sorted(VOICE_CHECKS))
def test_indonesian_messages_keep_one_voice(name: str) -> None:
    """One voice: the bot's Indonesian messages say "kamu" to the user, never "Anda", and "aku"
    of itself, never "saya"; the buttons a user taps speak for the user the same way
    ("Hapus dataku")."""
    problems = _every_catalog(VOICE_CHECKS[name][0])
    assert not problems, "\n".join(problems)


def _every_catalog(check) -> list[str]:
    """`check`'s findings over every Indonesian catalog."""
    return [
        problem
        for path in sorted((LOCALES_DIR / "id" / "LC_MESSAGES").glob("*.po"))
        for problem in check(path)
    ]
