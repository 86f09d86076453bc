"""Gettext with Babel catalogs: every user-facing string goes through here.

Catalogs live in `locales/<lang>/LC_MESSAGES/<domain>.po`, one domain per feature module, so
features do not fight over one file. They are compiled in memory at start-up (no build step,
nothing to forget after editing a .po file). Message ids are English; Indonesian is the
default language of the bot.
"""

from __future__ import annotations

import gettext
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"


def _noop(message: str) -> str:
    return message


N_ = _noop
"""Marks a string for extraction where it is defined; translate it later with `_()`."""


class I18n:
    """All catalogs for all languages, merged per language across domains."""

    def __init__(self, locales_dir: Path = LOCALES_DIR, default: str = "id") -> None:
        self.default = default
        self._catalogs: dict[str, gettext.NullTranslations] = {}
        for lang_dir in sorted(p for p in locales_dir.glob("*/LC_MESSAGES") if p.is_dir()):
            merged = Translations()
            for po_file in sorted(lang_dir.glob("*.po")):
                compiled = _compile(po_file)
                merged.merge(compiled)
                merged.plural = compiled.plural  # merge() keeps the empty start's rule
            self._catalogs[lang_dir.parent.name] = merged

    @property
    def languages(self) -> list[str]:
        return list(self._catalogs)

    def gettext(self, lang: str, message: str) -> str:
        catalog = self._catalogs.get(lang) or self._catalogs.get(self.default)
        return catalog.gettext(message) if catalog else message

    def ngettext(self, lang: str, singular: str, plural: str, n: int) -> str:
        catalog = self._catalogs.get(lang) or self._catalogs.get(self.default)
        if catalog is None:
            return singular if n == 1 else plural
        return catalog.ngettext(singular, plural, n)

    def translator(self, lang: str) -> Translator:
        return Translator(self, lang)


class Translator:
    """`_` bound to one language, the way handlers use it: `_ = i18n.translator(lang)`."""

    def __init__(self, i18n: I18n, lang: str) -> None:
        self.i18n = i18n
        self.lang = lang

    def __call__(self, message: str, **values: object) -> str:
        text = self.i18n.gettext(self.lang, message)
        return text.format(**values) if values else text

    def plural(self, singular: str, plural: str, n: int, **values: object) -> str:
        return self.i18n.ngettext(self.lang, singular, plural, n).format(n=n, **values)


def _compile(po_file: Path) -> Translations:
    with po_file.open("rb") as handle:
        catalog = read_po(handle)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=po_file.stem)
