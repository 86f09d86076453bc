"""Tip-off reports without Telegram: identifiers, case codes, input checks, deadlines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.core.provinces import Provinces
from bot.core.reports.case_status import (
    CHOICES,
    MAX_PEOPLE,
    DeadlineRules,
    Outcome,
    Status,
    can_change,
    people_of,
)
from bot.core.reports.draft import (
    CODE_ALPHABET,
    Draft,
    Evidence,
    ShownIdentity,
    TextProblem,
    check_text,
    clean_text,
    is_urgent,
    match_province,
    new_code,
    normalise_code,
)
from bot.core.reports.identifiers import Kind, extract, normalise_phone
from bot.i18n import I18n

ROOT = Path(__file__).resolve().parents[1]


def found(text: str) -> set[tuple[str, str]]:
    return {(item.kind.value, item.value) for item in extract(text)}


# -- identifiers -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "typed",
    [
        "0812-3456-7890",
        "+62 812 3456 7890",
        "6281234567890",
        "(0812) 3456 7890",
        "+62-812-3456-7890",
    ],
)
def test_indonesian_phone_numbers_in_any_form_are_one_number(typed: str) -> None:
    assert found(f"hubungi {typed} ya") == {("phone", "+6281234567890")}


def test_foreign_numbers_keep_their_country() -> None:
    assert found("agen di Malaysia +60 12-345 6789, Taiwan +886 912 345 678") == {
        ("phone", "+60123456789"),
        ("phone", "+886912345678"),
    }


def test_amounts_dates_and_times_are_not_phone_numbers() -> None:
    assert found("biaya Rp 15.000.000, berangkat 12-08-2025 jam 22.00, umur 19 tahun") == set()


def test_whatsapp_links_are_phone_numbers_and_groups_are_kept() -> None:
    text = (
        "WA wa.me/6285712345678 atau api.whatsapp.com/send?phone=6281311112222, "
        "grup chat.whatsapp.com/AbC123"
    )
    assert found(text) == {
        ("phone", "+6285712345678"),
        ("phone", "+6281311112222"),
        ("whatsapp", "chat.whatsapp.com/AbC123"),
    }


def test_links_give_the_link_and_the_domain_but_platforms_only_the_link() -> None:
    text = (
        "daftar di https://www.LokerJepang.com/daftar?ref=7. atau bit.ly/Abc123 dan lokerkorea.id"
    )
    assert found(text) == {
        ("link", "lokerjepang.com/daftar?ref=7"),
        ("domain", "lokerjepang.com"),
        ("link", "bit.ly/Abc123"),
        ("domain", "lokerkorea.id"),
    }


def test_handles_emails_and_telegram_links() -> None:
    text = "ig @Lowongan.Jepang, email hrd.rekrut@gmail.com, telegram t.me/LokerLuarNegeri"
    assert found(text) == {
        ("handle", "@lowongan.jepang"),
        ("email", "hrd.rekrut@gmail.com"),
        ("handle", "@lokerluarnegeri"),
    }


def test_display_keeps_what_was_written() -> None:
    """The desk sees a handle as written and a bare account number without a bank name."""
    items = extract("hubungi t.me/LokerLuarNegeri, transfer ke no rekening 0123456789012 ya")
    assert [(i.kind, i.value, i.display) for i in items] == [
        (Kind.HANDLE, "@lokerluarnegeri", "@LokerLuarNegeri"),
        (Kind.BANK_ACCOUNT, "0123456789012", "0123456789012"),
    ]


def test_bank_accounts_are_not_read_as_phone_numbers() -> None:
    items = extract("transfer ke rek BCA 123 456 7890 a.n. Budi, no rekening 0123456789012 BRI")
    assert [(i.kind, i.value, i.display) for i in items] == [
        (Kind.BANK_ACCOUNT, "1234567890", "BCA 1234567890"),
        (Kind.BANK_ACCOUNT, "0123456789012", "BRI 0123456789012"),
    ]


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("kantor PT. Maju Jaya Abadi, yang di Cirebon", "PT MAJU JAYA ABADI"),
        ("kirim cv ke pt sinar terang abadi sebelum tgl 5", "PT SINAR TERANG ABADI"),
        ("LPK Sakura Jaya menjanjikan kerja di Jepang", "LPK SAKURA JAYA"),
        ("PT Maju & Sejahtera Tbk menipu", "PT MAJU & SEJAHTERA TBK"),
        ("lewat Yayasan Harapan Bangsa.", "YAYASAN HARAPAN BANGSA"),
    ],
)
def test_agency_names_end_where_the_name_ends(text: str, agency: str) -> None:
    assert found(text) == {("agency", agency)}


def test_a_cv_is_not_an_agency() -> None:
    assert found("kirim cv saya ke mereka") == set()


def test_identifiers_come_in_text_order_without_duplicates() -> None:
    items = extract("0812-3456-7890 lalu PT Maju Jaya, lalu lagi +6281234567890")
    assert [i.kind for i in items] == [Kind.PHONE, Kind.AGENCY]


def test_normalise_phone_rejects_nonsense() -> None:
    assert normalise_phone("+62 812 3456 7890") == "+6281234567890"
    assert normalise_phone("12345") is None


# -- case codes ------------------------------------------------------------------------------
def test_codes_avoid_look_alike_characters() -> None:
    codes = {new_code() for _ in range(2000)}
    assert len(codes) >= 1995  # random: a repeat among 2,000 of 28.6 million happens (7%)
    assert not set("01OIL") & set(CODE_ALPHABET)
    assert all(normalise_code(code) == code for code in codes)


@pytest.mark.parametrize("typed", ["LP-7KQ4M", "lp 7kq4m", "7kq4m", "LP7KQ4M", " lp-7KQ4M. "])
def test_codes_are_read_however_they_are_typed(typed: str) -> None:
    assert normalise_code(typed) == "LP-7KQ4M"


@pytest.mark.parametrize("typed", ["", "LP-7KQ4", "LP-7KQ40", "LP-OKQ4M", "hello", None])
def test_things_that_are_not_codes(typed: str | None) -> None:
    assert normalise_code(typed) is None


# -- drafts and input ------------------------------------------------------------------------
def test_a_draft_survives_json() -> None:
    draft = Draft(
        step="confirm",
        category="departure",
        province="jawa-timur",
        details="something happened here",
        evidence=[Evidence("photo", 5, "f1", 100, "cap"), Evidence("note", 6, text="link")],
        show_identity=True,
        identity=ShownIdentity(1, "Siti", "siti", "+62812"),
    )
    assert Draft.from_dict(draft.to_dict()) == draft
    assert draft.urgent and draft.complete


def test_urgency_comes_from_the_category_or_the_time() -> None:
    assert is_urgent("departure", None)
    assert is_urgent("recruiter", "today")
    assert not is_urgent("recruiter", "next month")


def test_text_checks() -> None:
    assert clean_text("  a\x00b\n\n\n\nc  ") == "ab\n\nc"
    assert check_text("", 10) is TextProblem.EMPTY
    assert check_text("abc", 10, 5) is TextProblem.TOO_SHORT
    assert check_text("x" * 11, 10) is TextProblem.TOO_LONG
    assert check_text("hello", 10) is None


def test_typed_provinces_are_understood() -> None:
    provinces = Provinces.load(ROOT / "content")
    assert len(provinces) == 38
    assert match_province("Jatim", provinces).id == "jawa-timur"
    assert match_province("jawa timr", provinces).id == "jawa-timur"
    assert match_province("Provinsi Bali", provinces).id == "bali"
    assert match_province("jawa", provinces) is None


# -- statuses and deadlines ------------------------------------------------------------------
def test_closing_needs_an_outcome_and_only_closed_cases_reopen() -> None:
    assert can_change(Status.NEW, Status.ACKNOWLEDGED)
    assert not can_change(Status.NEW, Status.CLOSED)
    assert can_change(Status.NEW, Status.CLOSED, Outcome.POLICE)
    assert not can_change(Status.NEW, Status.SPAM, Outcome.POLICE)
    assert not can_change(Status.IN_PROGRESS, Status.ACKNOWLEDGED)
    assert can_change(Status.CLOSED, Status.IN_PROGRESS)
    assert not can_change(Status.CLOSED, Status.NEW)


def test_a_prevented_departure_needs_a_count_and_nothing_else_carries_one() -> None:
    assert not can_change(Status.NEW, Status.CLOSED, Outcome.PREVENTED)
    assert can_change(Status.NEW, Status.CLOSED, Outcome.PREVENTED, 3)
    assert can_change(Status.NEW, Status.CLOSED, Outcome.PREVENTED, MAX_PEOPLE)
    assert not can_change(Status.NEW, Status.CLOSED, Outcome.PREVENTED, 0)
    assert not can_change(Status.NEW, Status.CLOSED, Outcome.PREVENTED, MAX_PEOPLE + 1)
    assert not can_change(Status.NEW, Status.CLOSED, Outcome.POLICE, 3)
    assert not can_change(Status.NEW, Status.IN_PROGRESS, None, 3)
    # Outcomes shipped before stay readable on old cases but are no longer chosen.
    assert Outcome("noinfo") is Outcome.NO_INFO and Outcome.NO_INFO not in CHOICES
    assert not can_change(Status.NEW, Status.CLOSED, Outcome.UNFOUNDED)
    assert [o.value for o in CHOICES] == [
        "prevented",
        "police",
        "action",
        "helped",
        "unconfirmed",
        "duplicate",
    ]


def test_a_count_of_people_is_a_plain_whole_number_in_range() -> None:
    assert people_of("12") == 12 and people_of(" 7 ") == 7 and people_of(5) == 5
    for bad in ("0", "-3", "501", "3.5", "tiga", "３", "", "12 orang", True, None, 2.0, 0):
        assert people_of(bad) is None, bad


def test_deadlines_and_reminders() -> None:
    rules = DeadlineRules(dt.timedelta(minutes=15), dt.timedelta(hours=24), max_reminders=3)
    created = dt.datetime(2025, 7, 10, 7, 0, tzinfo=dt.UTC)
    due = rules.ack_due(created, urgent=True)
    assert due == created + dt.timedelta(minutes=15)
    assert rules.ack_due(created, urgent=False) == created + dt.timedelta(hours=24)
    assert rules.next_reminder(due, True, 1) == due + dt.timedelta(minutes=15)
    assert rules.next_reminder(due, True, 3) is None
    assert rules.is_overdue(Status.NEW, due, due)
    assert not rules.is_overdue(Status.ACKNOWLEDGED, due, due + dt.timedelta(hours=1))


def test_plural_messages_are_translated() -> None:
    i18n = I18n(default="id")
    assert i18n.ngettext("id", "{n} overdue", "{n} overdue", 2) == "{n} terlambat"
    assert i18n.ngettext("en", "{n} file", "{n} files", 1) == "{n} file"
    assert i18n.ngettext("en", "{n} file", "{n} files", 3) == "{n} files"
