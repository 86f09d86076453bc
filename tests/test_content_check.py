"""`content check`: a clean fixture passes; one broken copy per rule fails, naming the place."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from bot.__main__ import main
from bot.core.checks import check_content
from bot.core.content import ContentError, load_content, load_valid_content

FIXTURE = Path(__file__).parent / "fixtures" / "content"
REAL = Path(__file__).parents[1] / "content"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target)
    return target


def _edit(path: Path, change: Callable[[dict], None]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_clean_fixture_has_no_problems(content_dir: Path) -> None:
    content = load_valid_content(content_dir)
    assert set(content.entries) == {"passport", "recruiter"}
    assert content.contacts[0].fallback


def test_shipped_content_passes() -> None:
    content = load_valid_content(REAL)
    assert len(content.entries) >= 12


BROKEN: dict[str, tuple[str, Callable[[dict], None], str, str]] = {
    "missing field": ("passport", lambda d: d.pop("sources"), "sources", "is missing"),
    "unknown field": ("passport", lambda d: d.update(colour="red"), "colour", "unknown field"),
    "missing language": (
        "passport",
        lambda d: d["answer"].pop("en"),
        "answer",
        "missing language(s): en",
    ),
    "missing phrasings": (
        "passport",
        lambda d: d["questions"].pop("id"),
        "questions.id",
        "missing language",
    ),
    "dangling related": (
        "passport",
        lambda d: d.update(related=["nope"]),
        "related",
        "unknown entry id 'nope'",
    ),
    "unknown category": (
        "passport",
        lambda d: d.update(category="zzz"),
        "category",
        "unknown category",
    ),
    "unsupported tag": (
        "passport",
        lambda d: d["answer"].update(id="<p>hi</p>"),
        "answer.id",
        "Unsupported",
    ),
    "unbalanced tag": (
        "passport",
        lambda d: d["answer"].update(en="<b>bold"),
        "answer.en",
        "Telegram would reject",
    ),
    "bare ampersand": (
        "recruiter",
        lambda d: d["answer"].update(en="A & B"),
        "answer.en",
        "Telegram would reject",
    ),
    "too long": ("passport", lambda d: d["answer"].update(en="x" * 4097), "answer.en", "over 4096"),
    "same phrasing twice": (
        "recruiter",
        lambda d: d["questions"]["en"].append("How to get a passport for work?"),
        "questions.en",
        "also under 'passport'",
    ),
    "bad date": ("passport", lambda d: d.update(reviewed="soon"), "reviewed", "YYYY-MM-DD"),
    "source without url": (
        "passport",
        lambda d: d.update(sources=[{"name": "x"}]),
        "sources[0]",
        "name and a url",
    ),
    "id not file name": ("passport", lambda d: d.update(id="pasport"), "id", "file name"),
}


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_each_rule_reports_file_entry_and_field(content_dir: Path, rule: str) -> None:
    entry, change, field, message = BROKEN[rule]
    _edit(content_dir / "faq" / f"{entry}.yaml", change)
    problems = [str(p) for p in check_content(load_content(content_dir))]
    assert any(
        f"faq/{entry}.yaml" in p and f"field '{field}'" in p and message in p for p in problems
    ), problems
    with pytest.raises(ContentError):
        load_valid_content(content_dir)


def test_content_checked_once_is_checked_again_after_an_edit(content_dir: Path) -> None:
    """The bot remembers content that passed (the suite starts it hundreds of times), but
    an edited file is checked again, and each load is a fresh object."""
    first = load_valid_content(content_dir)
    again = load_valid_content(content_dir)
    assert again is not first and set(again.entries) == set(first.entries)
    _edit(content_dir / "faq" / "passport.yaml", lambda d: d.update(id="pasport"))
    with pytest.raises(ContentError):
        load_valid_content(content_dir)


def test_duplicate_id_in_two_files(content_dir: Path) -> None:
    shutil.copy(content_dir / "faq" / "passport.yaml", content_dir / "faq" / "passport2.yaml")
    problems = [str(p) for p in check_content(load_content(content_dir))]
    assert any("duplicate id" in p and "passport2.yaml" in p for p in problems), problems


def test_invalid_yaml_is_reported_not_raised(content_dir: Path) -> None:
    (content_dir / "faq" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    problems = [str(p) for p in check_content(load_content(content_dir))]
    assert any("broken.yaml" in p and "not valid YAML" in p for p in problems)


def test_cli_check_exit_codes(content_dir: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("CONTENT_DIR", str(content_dir))
    assert main(["content", "check"]) == 0
    _edit(content_dir / "faq" / "passport.yaml", lambda d: d.update(related=["nope"]))
    assert main(["content", "check"]) == 1
    assert "unknown entry id 'nope'" in capsys.readouterr().out


def test_cli_list_json(content_dir: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("CONTENT_DIR", str(content_dir))
    assert main(["content", "list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows[0] == {
        "id": "passport",
        "category": "basics",
        "phrasings": {"id": 2, "en": 2},
        "answers": ["id", "en"],
        "sources": 1,
        "reviewed": "2026-11-27",
    }


def test_docs_table_of_sources_is_current(monkeypatch, capsys) -> None:
    monkeypatch.setenv("CONTENT_DIR", str(REAL))
    assert main(["content", "list", "--markdown"]) == 0
    table = capsys.readouterr().out.strip()
    docs = (REAL.parent / "docs" / "content.md").read_text(encoding="utf-8")
    current = docs.split("<!-- sources-table -->")[1].split("<!-- /sources-table -->")[0]
    assert current.strip() == table, "run `python -m bot content list --markdown` into docs"


def test_every_required_topic_is_complete() -> None:
    required = [
        "what-is-procedural",
        "requirements",
        "documents",
        "registration-steps",
        "placement-schemes",
        "verify-agency",
        "costs",
        "social-security",
        "employment-contract",
        "training-certification",
        "medical-check",
        "passport-visa",
        "pre-departure-orientation",
        "local-offices",
        "country-taiwan",
        "country-hong-kong",
        "country-malaysia",
        "country-singapore",
        "country-korea",
        "country-japan",
        "country-middle-east",
        "recruiter-red-flags",
        "tourist-visa-work",
        "risks-non-procedural",
        "passport-held",
        "online-job-scams",
        "what-is-trafficking",
        "help-abroad",
        "salary-deductions",
        "complaints",
        "returning-home",
        "report-tipoff",
        "emergency-contacts",
        "find-legit-jobs",
        "remittance",
    ]
    content = load_valid_content(REAL)
    assert set(required) <= set(content.entries)
    for entry_id in required:
        entry = content.entries[entry_id]
        assert len(entry.questions["id"]) >= 8 and len(entry.questions["en"]) >= 5, entry_id
        assert entry.sources and entry.related, entry_id


def test_category_topics_order_the_menu(content_dir: Path) -> None:
    _edit_categories = content_dir / "categories.yaml"
    data = yaml.safe_load(_edit_categories.read_text(encoding="utf-8"))
    data[0]["topics"] = ["passport"]
    _edit_categories.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    content = load_valid_content(content_dir)
    assert [e.id for e in content.in_category("basics")] == ["passport"]
    data[0]["topics"] = ["recruiter"]  # belongs to another category
    _edit_categories.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = [str(p) for p in check_content(load_content(content_dir))]
    assert any("'recruiter' is not an entry of this category" in p for p in problems)


ACRONYMS = "KP2MI:\n  id: [kementerian pekerja migran]\n  en: [ministry for migrant workers]\n"

PLAIN: dict[str, tuple[Callable[[dict], None], str, str]] = {
    "formal you in an answer": (
        lambda d: d["answer"].update(id="Anda harus membuat paspor."),
        "answer.id",
        '"Anda"',
    ),
    "formal you in details": (
        lambda d: d.update(more={"id": "Bawa KTP anda.", "en": "Bring your ID."}),
        "more.id",
        '"Anda"',
    ),
    "formal you in a title": (lambda d: d["title"].update(id="Paspor Anda"), "title.id", '"Anda"'),
    "first screen too long": (
        lambda d: d["answer"].update(en="word " * 150),
        "answer.en",
        "over 700",
    ),
    "unexpanded acronym": (
        lambda d: d["answer"].update(id="Tanya KP2MI."),
        "answer.id",
        "acronym KP2MI",
    ),
    "acronym explained in the answer but not in the details": (
        lambda d: d.update(
            answer={
                "id": "Tanya KP2MI (kementerian pekerja migran).",
                "en": "Ask KP2MI (ministry for migrant workers).",
            },
            more={"id": "KP2MI punya kantor.", "en": "The ministry has offices."},
        ),
        "more.id",
        "acronym KP2MI",
    ),
    "details and sources too long for one message": (
        lambda d: d.update(more={"id": "kata", "en": "word " * 815}),  # 4074 alone: fits
        "more.en",
        "details and sources come to",
    ),
    "unknown placeholder": (
        lambda d: d["answer"].update(en="Your report goes to {desk}."),
        "answer.en",
        "unknown placeholder {desk}",
    ),
    "http link": (
        lambda d: d["answer"].update(en='See <a href="http://example.go.id">this</a>.'),
        "answer.en",
        "https",
    ),
}


@pytest.mark.parametrize("rule", sorted(PLAIN))
def test_plain_language_rules(content_dir: Path, rule: str) -> None:
    (content_dir / "acronyms.yaml").write_text(ACRONYMS, encoding="utf-8")
    assert not check_content(load_content(content_dir))
    change, field, message = PLAIN[rule]
    _edit(content_dir / "faq" / "passport.yaml", change)
    problems = [str(p) for p in check_content(load_content(content_dir))]
    assert any(
        "faq/passport.yaml" in p and f"field '{field}'" in p and message in p for p in problems
    ), problems


def test_an_expanded_acronym_and_kamu_pass(content_dir: Path) -> None:
    (content_dir / "acronyms.yaml").write_text(ACRONYMS, encoding="utf-8")
    _edit(
        content_dir / "faq" / "passport.yaml",
        lambda d: d.update(
            answer={
                "id": "Tanya KP2MI (kementerian pekerja migran) di Andalas.",
                "en": "The ministry for migrant workers (KP2MI) tells {desk_name}.",
            },
            more={"id": "Kementerian pekerja migran (KP2MI) punya kantor.", "en": "More."},
        ),
    )
    assert not check_content(load_content(content_dir))


def test_formal_you_in_contacts_and_categories_is_reported(content_dir: Path) -> None:
    contacts = content_dir / "contacts.yaml"
    data = yaml.safe_load(contacts.read_text(encoding="utf-8"))
    data[0]["when"]["id"] = "Kalau Anda butuh bantuan."
    contacts.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    categories = content_dir / "categories.yaml"
    data = yaml.safe_load(categories.read_text(encoding="utf-8"))
    data[0]["title"]["id"] = "Untuk Anda"
    categories.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = [str(p) for p in check_content(load_content(content_dir))]
    assert any("contacts.yaml" in p and "field 'when'" in p and "Anda" in p for p in problems)
    assert any("categories.yaml" in p and "field 'title'" in p for p in problems)


@pytest.mark.parametrize("value", ["24/7", "ask the embassy"])
def test_a_phone_contact_needs_a_number(content_dir: Path, value: str) -> None:
    contacts = content_dir / "contacts.yaml"
    data = yaml.safe_load(contacts.read_text(encoding="utf-8"))
    data[0].update(kind="phone", value=value)
    contacts.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = [str(p) for p in check_content(load_content(content_dir))]
    assert any("field 'value'" in p and "number to dial" in p for p in problems), problems


def test_shipped_content_is_plain() -> None:
    """The real content: Indonesian says "kamu", first screens fit, acronyms are explained."""
    problems = [str(p) for p in check_content(load_content(REAL))]
    assert problems == []


def _date(entry: Path, **fields: str) -> None:
    import datetime as dt

    _edit(entry, lambda d: d.update({k: dt.date.fromisoformat(v) for k, v in fields.items()}))


def test_stale_lists_passed_valid_until_and_old_as_of(content_dir, monkeypatch, capsys) -> None:
    monkeypatch.setenv("CONTENT_DIR", str(content_dir))
    _date(content_dir / "faq" / "passport.yaml", as_of="2025-09-30", valid_until="2026-09-30")
    _date(content_dir / "faq" / "recruiter.yaml", as_of="2024-04-16")
    assert main(["content", "check", "--stale", "--today", "2026-06-01"]) == 1
    out = capsys.readouterr().out
    assert "'recruiter'" in out and "as_of 2024-04-16" in out and "'passport'" not in out
    assert main(["content", "check", "--stale", "--today", "2026-10-01", "--months", "36"]) == 1
    out = capsys.readouterr().out
    assert "'passport'" in out and "valid_until 2026-09-30 has passed" in out
    assert "'recruiter'" not in out
    assert main(["content", "check", "--stale", "--today", "2026-01-01", "--months", "36"]) == 0
    assert main(["content", "check"]) == 0  # without --stale, dates do not fail the check


def test_months_before_clamps_to_the_end_of_the_month() -> None:
    import datetime as dt

    from bot.core.plain import months_before

    assert months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 1, 15), 12) == dt.date(2025, 1, 15)


@pytest.mark.parametrize(
    ("file", "change", "where", "message"),
    [
        (
            "contacts.yaml",
            lambda d: d[0].pop("value"),
            "entry 'hotline', field 'value'",
            "is missing",
        ),
        (
            "categories.yaml",
            lambda d: d[0]["title"].pop("en"),
            "entry 'basics', field 'title'",
            "en",
        ),
    ],
)
def test_broken_contact_or_category_names_file_item_and_field(
    content_dir: Path, file: str, change: Callable[[list], None], where: str, message: str
) -> None:
    path = content_dir / file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    problems = [str(p) for p in check_content(load_content(content_dir))]
    assert any(file in p and where in p and message in p for p in problems), problems


def test_formal_you_in_cek_dulu_rules_is_reported(tmp_path: Path) -> None:
    """Cek Dulu's reasons are sent to users too: they keep the "kamu" voice."""
    content_dir = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parents[1] / "content", content_dir)
    assert not [p for p in check_content(load_content(content_dir)) if "Anda" in str(p)]
    path = content_dir / "redflags.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("untuk pekerjaanmu.", "untuk pekerjaan Anda.", 1), "utf-8")
    problems = [str(p) for p in check_content(load_content(content_dir))]
    assert any("redflags.yaml" in p and "Anda" in p for p in problems), problems
