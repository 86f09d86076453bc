"""Cek Dulu's core and storage: the verdict, identifiers and tip-off counts, the register
repository, check counts for the early warning, and the labelled set as a floor."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.cekdulu.agencies import read_csv
from bot.core.cekdulu.checker import Checker, Verdict
from bot.core.cekdulu.evaluate import evaluate, read_labelled
from bot.core.clock import ShiftedClock
from bot.core.reports.draft import Draft
from bot.core.reports.identifiers import Identifier, Kind
from bot.core.tghtml import parse_entities, utf16_len
from bot.services import Services
from bot.storage import Database
from bot.storage.checks import CheckCounts
from bot.telegram.handlers.cekdulu import detail_parts

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
FIXTURES = Path(__file__).parent / "fixtures"
ADS = Path(__file__).parent / "data" / "ads.jsonl"
HOLDOUT = Path(__file__).parent / "data" / "ads_holdout.jsonl"
PHONE = Identifier(Kind.PHONE, "+6281200001234", "+6281200001234")


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker.load(CONTENT, ["id", "en"])


@pytest.fixture
def services(base_settings: Settings, database: Path | str) -> Services:
    """Each backend in turn (see `database` in conftest.py)."""
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    settings = dataclasses.replace(base_settings, database_url=url)
    built = Services.build(settings, Database.open(database))
    built.report_outbox.clock = ShiftedClock()
    yield built
    built.db.close()


# -- the verdict -----------------------------------------------------------------------------
def test_three_levels_never_safe(checker: Checker) -> None:
    assert checker.check("Kerja CS di Kamboja gaji 20jt").verdict is Verdict.DANGER
    assert checker.check("Lowongan hotel, berangkat minggu depan").verdict is Verdict.CHECK
    assert checker.check("Lowongan kasir di Sleman, gaji UMK").verdict is Verdict.NONE
    assert {v.value for v in Verdict} == {"danger", "check", "advice", "none"}
    assert [v for v in Verdict if v.flagged] == [Verdict.DANGER, Verdict.CHECK]


def test_reasons_come_most_serious_first(checker: Checker) -> None:
    result = checker.check("Kerja di Kamboja, berangkat minggu depan, gaji 20jt")
    ranks = [r.severity.rank for r in result.reasons]
    assert ranks == sorted(ranks, reverse=True)


def test_json_shape(checker: Checker) -> None:
    data = checker.check("Admin online Kamboja, WA 0812-0000-1234").to_dict()
    assert set(data) == {"verdict", "flagged", "reasons", "identifiers", "agency"}
    assert data["verdict"] == "danger" and data["flagged"] is True
    assert "online-job-scam-country" in data["reasons"]
    assert data["identifiers"] == [
        {"kind": "phone", "value": "+6281200001234", "display": "+6281200001234"}
    ]
    assert data["agency"] is None


def test_agency_names_are_looked_up_as_written(checker: Checker) -> None:
    register = _register()
    result = checker.check("Info dari PT. Kontoh Maju Bersama, proses resmi", register)
    (match,) = result.agencies
    assert match.query == "PT. Kontoh Maju Bersama"
    assert match.agency.name == "PT Contoh Maju Bersama"
    assert result.reason_ids == ["agency-licensed"]
    assert result.verdict is Verdict.NONE  # a licence alone raises nothing, and proves nothing


def test_an_agency_not_in_the_register_needs_checking(checker: Checker) -> None:
    result = checker.check("PT Fiktif Sentosa Kerja", _register())
    assert result.reason_ids == ["agency-not-found"]
    assert result.verdict is Verdict.CHECK


def test_a_red_flag_past_4096_characters_is_found(checker: Checker) -> None:
    """Issue 10: input past 4,096 characters was silently cut."""
    text = "Lowongan kerja pabrik, syarat sehat. " * 111 + "Berangkat pakai visa umroh dulu."
    assert text.index("visa umroh") > 4100
    result = checker.check(text)
    assert "tourist-visa" in result.reason_ids
    assert result.verdict is Verdict.DANGER


def test_quotes_are_the_users_own_words(checker: Checker) -> None:
    """Issue 10: the quote was the normalised text ("rekening bca 8820123456 a n")."""
    result = checker.check("Transfer DP ke Rekening BCA 8820123456 a.n. Rudi ya")
    reason = next(r for r in result.reasons if r.id == "fee-personal-account")
    assert reason.found == "Rekening BCA 8820123456 a.n."


def _register():
    from bot.core.cekdulu.agencies import Batch, Register

    agencies = read_csv((FIXTURES / "agencies.csv").read_text(encoding="utf-8"))
    return Register(agencies, Batch(1, "fixture", dt.date(2025, 6, 1)))


# -- tip-off counts --------------------------------------------------------------------------
def _tip_off(services: Services, details: str) -> int:
    draft = Draft(category="fake_job", province="aceh", details=details)
    return services.reports.submit(draft, 42, "id", None).id


def test_reported_identifiers_count_tip_offs_but_not_spam(services: Services) -> None:
    _tip_off(services, "Calo minta 10 juta, WA 0812-0000-1234")
    spam = _tip_off(services, "Iseng saja 0812-0000-1234")
    counts = services.reported_identifiers.counts([PHONE])
    assert counts == {("phone", "+6281200001234"): 2}
    services.db.execute("UPDATE reports SET status = 'spam' WHERE id = ?", (spam,))
    assert services.reported_identifiers.counts([PHONE]) == {("phone", "+6281200001234"): 1}


def test_the_check_says_reported_before(services: Services) -> None:
    _tip_off(services, "Calo minta 10 juta, WA 0812-0000-1234, kantor PT Fiktif Jaya Selalu")
    result = services.checker.check("Hubungi 0812 0000 1234 untuk kerja di Taiwan")
    reason = next(r for r in result.reasons if r.id == "reported-before")
    assert reason.data["items"] == [{"kind": "phone", "display": "+6281200001234", "reports": 1}]
    assert result.verdict is Verdict.CHECK
    by_name = services.checker.check("fiktif jaya selalu")
    assert "reported-before" in by_name.reason_ids


def test_many_reported_links_are_split_between_lines_never_cut(services: Services) -> None:
    long = "k" * 60
    links = " ".join(f"https://lowongan-{n}-{long}.example.com/{long}?a=1&b=2" for n in range(30))
    _tip_off(services, "Calo minta 10 juta lewat link ini: " + links)
    result = services.checker.check(links)
    assert len(result.reasons[0].data["items"]) == 30
    for lang in ("id", "en"):
        parts = detail_parts(services.i18n.translator(lang), result)
        assert parts
        for part in parts:
            text, _entities = parse_entities(part)  # raises on a tag or entity cut in two
            assert utf16_len(text) <= 4096
        assert "".join(parts).count("<code>lowongan-") == 30


# -- the register repository -----------------------------------------------------------------
def test_import_replaces_the_register_and_is_cached(services: Services) -> None:
    repository = services.agency_register
    assert repository.current().batch is None
    agencies = read_csv((FIXTURES / "agencies.csv").read_text(encoding="utf-8"))
    repository.import_batch(agencies[:5], "first", dt.date(2025, 1, 1), "a.csv")
    batch = repository.import_batch(agencies, "second", dt.date(2025, 6, 1), "b.csv")
    register = repository.current()
    assert register.batch == batch and len(register) == 20
    assert repository.current() is register  # no reload without a new import
    assert register.match("PT Djaja Contoh Sentosa").agency.valid_until == dt.date(2024, 1, 31)


def test_only_the_last_imports_are_kept(services: Services) -> None:
    agencies = read_csv((FIXTURES / "agencies.csv").read_text(encoding="utf-8"))[:1]
    for n in range(8):
        services.agency_register.import_batch(agencies, f"list {n}", dt.date(2025, 1, 1), None)
    assert services.db.one("SELECT COUNT(*) FROM agency_imports")[0] == 5
    assert services.db.one("SELECT COUNT(*) FROM agencies")[0] == 5


# -- check counts ----------------------------------------------------------------------------
def test_counts_add_up_within_the_window_only(services: Services) -> None:
    counts: CheckCounts = services.check_counts
    clock: ShiftedClock = counts.clock
    for _ in range(3):
        (surge,) = counts.record([PHONE, PHONE])  # one check counts an identifier once
    assert surge.checks == 3
    clock.advance(minutes=61)
    (surge,) = counts.record([PHONE])
    assert surge.checks == 1


def test_an_alert_is_claimed_once_per_window(services: Services) -> None:
    counts = services.check_counts
    (surge,) = counts.record([PHONE])
    assert counts.claim_alert(surge) is True
    assert counts.claim_alert(surge) is False
    counts.clock.advance(minutes=61)
    assert counts.claim_alert(surge) is True


def test_no_person_is_stored_with_a_check(services: Services) -> None:
    services.check_counts.record([PHONE])
    columns = set(services.db.columns("check_counts"))
    assert columns == {"kind", "value", "bucket", "checks"}


# -- the labelled set --------------------------------------------------------------------------
def test_labelled_set_is_large_and_balanced() -> None:
    items = read_labelled(ADS)
    assert len(items) >= 80
    for label in ("fraudulent", "genuine"):
        for lang in ("id", "en"):
            assert sum(i.label == label and i.lang == lang for i in items) >= 10


def test_recall_and_false_alarms_do_not_fall_below_todays_numbers(checker: Checker) -> None:
    """Targets: recall ≥ 95%, false alarms ≤ 10%. Floors are today's numbers (54/54 caught,
    1/42 false alarm); a rule change that loses any of them must say why."""
    report = evaluate(checker, read_labelled(ADS))
    assert report.caught >= 54 and report.recall >= 0.95
    assert report.false_alarms <= 1 and report.false_alarm_rate <= 0.10
    assert report.caught_danger >= 52
    assert report.false_danger == 0


DATA = Path(__file__).parent / "data"
BLIND_DEV = DATA / "ads_blind_dev.jsonl"
BLIND_TEST = DATA / "ads_blind_test.jsonl"


@dataclasses.dataclass(frozen=True)
class Floors:
    """What a development half must keep: its size, fraud flagged and called danger, the
    most genuine texts called danger and flagged, and genuine kinds (with at least
    `kind_texts` texts each) never called danger."""

    fraudulent: int
    genuine: int
    caught: int
    caught_danger: int
    false_danger: int = 0
    false_alarms: int | None = None  # None: not held
    kinds: tuple[str, ...] = ()
    kind_texts: int = 3


# Each set was written by a helper who saw neither the rules nor the other sets; the rules
# (and since session 8 the learned reading) were tuned on these dev halves, so the numbers are
# in-set: they only guard against losing what was gained. Before → after per set:
DEV_FLOORS = {
    # ads_blind (session 2): 87/87 fraud flagged (82 danger since session 4), 0/51 genuine
    # flagged, never an official warning called "danger" (target 0).
    "ads_blind_dev.jsonl": Floors(87, 51, 87, 82, 1, None, ("official-warning",), 11),
    # ads_blind2 (session 3): 96/114 flagged, 15/74 genuine called danger (4/23 official
    # warnings) → 113/114 (110 danger), 0/74 genuine flagged (session 4).
    "ads_blind2_dev.jsonl": Floors(
        114, 74, 113, 110, 0, 0, ("official-warning", "agency-announcement"), 11
    ),
    # ads_blind3 (end of session 3, written to be hard): 88/99 flagged, 8/74 genuine called
    # danger (4 of 10 community warnings) → 99/99 (94 danger), 0/74 genuine flagged.
    "ads_blind3_dev.jsonl": Floors(
        99, 74, 99, 94, 0, 0, ("official-warning", "community-warning", "agency-announcement"), 10
    ),
    # ads_blind5 (session 7): 78/80 flagged, 5/72 genuine called danger (3 messages that mock
    # a scam, a community warning, a question) → 80/80 (70 danger), 0/72, 6/72 flagged.
    "ads_blind5_dev.jsonl": Floors(
        80, 72, 80, 70, 0, 6, ("official-warning", "community-warning", "scam-mockery")
    ),
    # ads_blind6 (session 8): 88/90 flagged, 2/64 genuine called danger (a scam mocked in
    # English, a question about a relative in Myanmar), 11/64 flagged → 90/90 (77 danger),
    # 0/64, 1/64 flagged (the SPSK announcement, by design).
    "ads_blind6_dev.jsonl": Floors(
        90, 64, 90, 77, 0, 1, ("official-warning", "mocking-scam", "question"), 4
    ),
    # ads_blind7 (end of session 8): 111/111 flagged (87 danger), 2/63 genuine called danger
    # (a scam mocked, an NGO's list of recruiters' sayings in quotes), 5/63 flagged → 111/111
    # (87 danger), 0/63, 4/63 flagged (session 9).
    "ads_blind7_dev.jsonl": Floors(
        111, 63, 111, 87, 0, 4, ("official-warning", "community-warning", "mocking-scam"), 3
    ),
}


@pytest.mark.parametrize("name", sorted(DEV_FLOORS))
def test_each_blind_dev_half_keeps_its_numbers(checker: Checker, name: str) -> None:
    floors = DEV_FLOORS[name]
    report = evaluate(checker, read_labelled(DATA / name))
    assert (report.fraudulent, report.genuine) == (floors.fraudulent, floors.genuine)
    assert report.caught >= floors.caught and report.recall >= 0.97
    assert report.caught_danger >= floors.caught_danger
    assert report.false_danger <= floors.false_danger
    if floors.false_alarms is not None:
        assert report.false_alarms <= floors.false_alarms
    for kind in floors.kinds:
        texts, _flagged, danger = report.by_kind.get(("genuine", kind), [0, 0, 0])
        assert texts >= floors.kind_texts and danger == 0, kind


def test_the_blind_split_is_stratified_and_disjoint() -> None:
    dev, test = read_labelled(BLIND_DEV), read_labelled(BLIND_TEST)
    assert not {i.id for i in dev} & {i.id for i in test}
    assert len(dev) + len(test) >= 230
    for label in ("fraudulent", "genuine"):
        ratio = sum(i.label == label for i in test) / sum(i.label == label for i in dev)
        assert 0.7 <= ratio <= 1.0
    kinds = {i.kind for i in dev if i.label == "genuine"}
    assert {"official-warning", "news", "agency-announcement", "g2g"} <= kinds


def test_the_later_set_keeps_its_numbers(checker: Checker) -> None:
    """ads_holdout.jsonl was written after the rules; first run 16/18 and 0/14, then two
    patterns were widened (see docs/cekdulu.md), so it is no longer held out: a floor only."""
    report = evaluate(checker, read_labelled(HOLDOUT))
    assert report.caught >= 18
    assert report.false_alarms == 0


@pytest.mark.parametrize("variable", ["CHECK_ALERT_THRESHOLD", "CHECK_ALERT_WINDOW_MINUTES"])
def test_early_warning_settings_are_validated(variable: str) -> None:
    from bot.config import ConfigError

    with pytest.raises(ConfigError, match=variable):
        Settings.from_env({"CONTENT_DIR": str(CONTENT), variable: "0"})
    settings = Settings.from_env({"CONTENT_DIR": str(CONTENT), variable: "7"})
    assert 7 in (settings.check_alert_threshold, settings.check_alert_window_minutes)


def test_a_short_ad_is_not_read_as_an_agency_name(checker: Checker) -> None:
    """Only a bare name ("maju jaya abadi") is looked up; "loker kamboja gaji 20jt" names a
    country and a salary, so it must not be counted as the agency "PT LOKER KAMBOJA …"."""
    ad = checker.check("loker kamboja gaji 20jt")
    assert not any(i.kind.value == "agency" for i in ad.identifiers)
    name = checker.check("maju jaya abadi")
    assert [i.value for i in name.identifiers] == ["PT MAJU JAYA ABADI"]


WHOLE_SETS = [
    # (file, fraud flagged, fraud danger, genuine called danger, official warnings danger)
    ("ads_blind.jsonl", 151, 142, 1, 1),
    ("ads_blind2.jsonl", 205, 191, 2, 1),
    ("ads_blind3.jsonl", 176, 163, 3, 0),
]


@pytest.mark.parametrize(("name", "flagged", "danger", "false_danger", "official"), WHOLE_SETS)
def test_the_whole_blind_sets_keep_their_numbers(
    checker: Checker, name: str, flagged: int, danger: int, false_danger: int, official: int
) -> None:
    """From session 5 every labelled set is development data, both halves (a fresh blind set
    is measured apart). Floors are the numbers after weak signs were combined (chosen on
    ads_blind2 and ads_blind3, checked on ads_blind, ads_holdout and ads; docs/cekdulu.md)."""
    report = evaluate(checker, read_labelled(Path(__file__).parent / "data" / name))
    assert report.caught >= flagged and report.recall >= 0.97
    assert report.caught_danger >= danger
    assert report.false_danger <= false_danger and report.false_danger_rate <= 0.03
    assert report.by_kind.get(("genuine", "official-warning"), [0, 0, 0])[2] <= official
