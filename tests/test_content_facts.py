"""Guards for facts a blind audit against the fact sheets found wrong (session 12).

Each test failed on the content before the fix. They pin what people act on, not wording:
a time-bound programme keeps its limits, a cost rule keeps its exception, a source is named.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.core.content import load_valid_content

CONTENT = Path(__file__).resolve().parents[1] / "content"


def _rules() -> dict[str, dict]:
    data = yaml.safe_load((CONTENT / "redflags.yaml").read_text(encoding="utf-8"))
    return {rule["id"]: rule for rule in data["rules"]}


def _entry_texts() -> dict[str, str]:
    content = load_valid_content(CONTENT)
    return {
        f"{entry.id}.{field}.{lang}": text
        for entry in content.entries.values()
        for field in ("answer", "more")
        for lang, text in getattr(entry, field).items()
    }


def test_the_malaysian_repatriation_programme_says_where_it_does_not_apply() -> None:
    """PRM 2.0 covers Peninsular Malaysia and Labuan only: someone in Sabah acted on it."""
    explanation = _rules()["fake-amnesty"]["explanation"]
    assert "Sabah" in explanation["id"] and "Sarawak" in explanation["id"]
    assert "Sabah" in explanation["en"] and "Sarawak" in explanation["en"]


def test_zero_cost_rules_name_the_taiwan_caregiver_exception() -> None:
    """Where the bot says caregivers pay nothing, it says Taiwan is an exception (since 2022)."""
    rule = _rules()["fee-upfront"]["explanation"]
    assert "Taiwan" in rule["id"] and "Taiwan" in rule["en"]
    texts = _entry_texts()
    for key in ("salary-deductions.answer", "training-certification.answer", "costs.more"):
        for lang in ("id", "en"):
            assert "Taiwan" in texts[f"{key}.{lang}"], f"{key}.{lang}"


def test_no_text_promises_that_the_employer_pays_everything() -> None:
    """The confirmed rule is that the worker may not be charged; who pays instead is only
    probable (and training is meant to be paid by the government)."""
    said = re.compile(r"semua biaya ditanggung majikan|employer pays everything", re.IGNORECASE)
    assert not [key for key, text in _entry_texts().items() if said.search(text)]


def test_no_source_is_left_unnamed() -> None:
    """'According to one source' tells a reader nothing they can check."""
    unnamed = re.compile(r"menurut satu sumber|according to one source", re.IGNORECASE)
    assert not [key for key, text in _entry_texts().items() if unnamed.search(text)]
