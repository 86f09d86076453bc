"""`python -m bot i18n sync`: extract messages from the code into the .po catalogs.

One domain per handler module (`bot/telegram/handlers/faq.py` → `faq.po`) or handler
package (`bot/telegram/handlers/report_form/*.py` → `report_form.po`), everything else under
`common`. English is the source language, so English msgstrs are filled with the msgid;
other languages keep their translations and get empty entries for new messages, which the
i18n test then refuses until someone translates them.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from bot.i18n import LOCALES_DIR

SOURCE_LANGUAGE = "en"
KEYWORDS = {"_": None, "N_": None, "plural": (1, 2)}
PROJECT_ROOT = LOCALES_DIR.parent


def domain_of(path: Path) -> str:
    """The catalog a source file's messages belong to."""
    if path.parent.name == "handlers":
        return path.stem
    if path.parent.parent.name == "handlers":
        return path.parent.name  # a handler split into a package keeps one catalog
    return "common"


def extract(root: Path = PROJECT_ROOT) -> dict[str, Catalog]:
    """A template catalog per domain, from every Python file under bot/."""
    templates: dict[str, Catalog] = defaultdict(lambda: Catalog(fuzzy=False))
    for path in sorted((root / "bot").rglob("*.py")):
        relative = path.relative_to(root)
        for lineno, message, comments, _context in extract_from_file(
            "python", path, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
        ):
            templates[domain_of(path)].add(
                message, locations=[(str(relative), lineno)], auto_comments=comments
            )
    return dict(templates)


def sync(
    root: Path = PROJECT_ROOT, languages: list[str] | None = None, domains: list[str] | None = None
) -> list[Path]:
    """Update every language's catalogs (or only `domains`) from the code; returns the files."""
    locales = root / "locales"
    languages = languages or sorted(p.name for p in locales.iterdir() if p.is_dir())
    written: list[Path] = []
    for domain, template in extract(root).items():
        if domains and domain not in domains:
            continue
        for lang in languages:
            # A copy per language: Catalog.update shares Message objects with the template,
            # so filling English msgstrs would otherwise leak into the next language.
            po_path = locales / lang / "LC_MESSAGES" / f"{domain}.po"
            written.append(_update(po_path, copy.deepcopy(template), lang))
    return written


def _update(po_path: Path, template: Catalog, lang: str) -> Path:
    if po_path.exists():
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
    else:
        catalog = Catalog(locale=lang, domain=po_path.stem, fuzzy=False)
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    if lang == SOURCE_LANGUAGE:
        for message in catalog:
            if message.id and not _translated(message.string):
                message.string = message.id  # for a plural: (singular, plural)
    catalog.project = "safe-migration-bot"
    catalog.fuzzy = False
    po_path.parent.mkdir(parents=True, exist_ok=True)
    with po_path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=False, omit_header=False)
    return po_path


def _translated(string: str | tuple[str, ...]) -> bool:
    """A plural entry is a tuple of forms: translated only when every form is."""
    return all(string) if isinstance(string, tuple) else bool(string)
