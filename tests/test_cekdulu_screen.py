"""The Cek Dulu answer is one screen: sized in UTF-16 units (as Telegram counts), never split,
with one meaning per colour. Rendered directly, without Telegram."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.cekdulu.agencies import AgencyMatch, Standing
from bot.core.cekdulu.checker import Checker, Result, Verdict
from bot.core.cekdulu.reasons import Kind, Reason, Severity
from bot.core.tghtml import parse_html, rendered_length, utf16_len
from bot.services import Services
from bot.telegram.handlers.cekdulu import (
    MAX_ANSWER,
    SEVERITY_ICONS,
    Source,
    answer_text,
    detail_parts,
)

ROOT = Path(__file__).resolve().parents[1]
HUGE = "😀<&" * 1500  # 6,000 UTF-16 units, every character needing care


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker.load(ROOT / "content", ["id", "en"])


# SQLite only: these tests are about the layout of one screen; the database only holds the
# (empty) agency register. Cek Dulu with its counts runs on both in test_e2e_cekdulu.py.
@pytest.fixture
def services(sqlite_services: Services) -> Services:
    return sqlite_services


def longest_result(checker: Checker, verdict: Verdict) -> Result:
    """Every rule, destination and agency reason at once, each quoting a huge text."""
    reasons = [rule.reason(HUGE) for rule in checker.redflags.rules]
    reasons += [
        Reason(
            f"destination:{c.id}",
            Kind.DESTINATION,
            c.status.severity,
            c.status.title,
            c.status.explanation,
            c.status.source,
            c.status.as_of,
            HUGE,
        )
        for c in checker.destinations.countries
        if c.status
    ]
    weak = checker.redflags.weak  # several weak signs: a title naming every sign
    names = [s.name for s in weak.signs]
    title = {lang: f"{t}: " + "; ".join(n[lang] for n in names) for lang, t in weak.title.items()}
    reasons.append(
        Reason(
            "weak-signs",
            Kind.RULE,
            Severity.DANGER,
            title,
            weak.explanation,
            weak.source,
            weak.as_of,
            HUGE,
            {"signs": len(names)},
        )
    )
    match = AgencyMatch(HUGE, Standing.NO_REGISTER)
    reasons.append(
        Reason(
            "agency-no-register",
            Kind.AGENCY,
            Severity.INFO,
            found=HUGE,
            data={"match": match, "training_institute": True},
        )
    )
    items = [{"kind": "phone", "display": HUGE, "reports": 9}] * 40
    reasons.append(Reason("reported-before", Kind.REPORTED, Severity.CHECK, data={"items": items}))
    return Result(HUGE, verdict, reasons, [])


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("verdict", list(Verdict))
@pytest.mark.parametrize("source", list(Source))
def test_the_longest_possible_answer_fits_one_message(
    services: Services, checker: Checker, lang: str, verdict: Verdict, source: Source
) -> None:
    _ = services.i18n.translator(lang)
    text = answer_text(_, longest_result(checker, verdict), services.content, source)
    assert rendered_length(text) <= MAX_ANSWER
    parse_html(text)  # valid HTML for Telegram


def test_sizes_are_utf16_units_not_characters(services: Services, checker: Checker) -> None:
    """Issue 13 item 11: a part of 4,653 UTF-16 units was sent; characters undercount."""
    _ = services.i18n.translator("id")
    text = answer_text(_, longest_result(checker, Verdict.DANGER), services.content)
    plain = parse_html(text)
    assert utf16_len(plain) <= MAX_ANSWER
    assert "…" in plain  # quotes were shortened to fit, never the message split


@pytest.mark.parametrize("lang", ["id", "en"])
def test_all_reasons_come_in_parts_that_each_fit(
    services: Services, checker: Checker, lang: str
) -> None:
    _ = services.i18n.translator(lang)
    parts = detail_parts(_, longest_result(checker, Verdict.DANGER))
    assert len(parts) > 1
    for part in parts:
        assert rendered_length(part) <= MAX_ANSWER
        parse_html(part)


def test_each_colour_means_one_thing() -> None:
    assert SEVERITY_ICONS == {Severity.DANGER: "🔴", Severity.CHECK: "🟠", Severity.INFO: "⚪"}


def test_the_first_screen_shows_three_reasons_one_line_each(
    services: Services, checker: Checker
) -> None:
    _ = services.i18n.translator("en")
    result = checker.check(
        "Admin online Kamboja, tanpa tes, paspor nanti saya yang pegang, berangkat pakai visa "
        "kunjungan, biaya 5jt transfer ke rekening saya"
    )
    text = answer_text(_, result, services.content)
    lines = [line for line in text.splitlines() if line and line[0] in "🔴🟠⚪"]
    assert len(lines) == 3
    assert "more: press 📋" in text


def test_advice_lists_no_danger_reasons(services: Services, checker: Checker) -> None:
    _ = services.i18n.translator("en")
    result = checker.check(
        "Waspada modus tawaran kerja admin di Kamboja dengan gaji tinggi, itu penipuan. "
        "Tidak ada penempatan resmi ke sana."
    )
    assert result.verdict is Verdict.ADVICE
    text = answer_text(_, result, services.content)
    assert text.startswith("ℹ️ <b>This reads like a warning or advice, not an offer</b>")
    assert "🔴" not in text


def test_emoji_are_two_units_each_when_packing(services: Services) -> None:
    """Issue 13 item 11: packing by characters let a part reach 4,653 UTF-16 units. Forty
    reported identifiers quoted as 120 emoji each are about 10,000 units."""
    _ = services.i18n.translator("id")
    items = [{"kind": "handle", "display": "😀" * 200, "reports": 3}] * 40
    reason = Reason("reported-before", Kind.REPORTED, Severity.CHECK, data={"items": items})
    parts = detail_parts(_, Result("x", Verdict.CHECK, [reason], []))
    assert len(parts) >= 3
    assert all(rendered_length(part) <= MAX_ANSWER for part in parts)
    assert sum(part.count("<code>") for part in parts) == 40  # nothing dropped
