"""The office data behind /kantor: checked by `content check`, read per province, and
loaded from an official directory with `python -m bot offices import`."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from bot.__main__ import main
from bot.core.checks import check_content
from bot.core.content import Source, load_content
from bot.core.offices import (
    FILE_NAME,
    DirectoryFileError,
    Offices,
    check_offices,
    read_directory,
    resolve_province,
)
from bot.core.provinces import Provinces

REAL = Path(__file__).parents[1] / "content"
PROVINCES = Provinces.load(REAL)
GOOD_ROW = {
    "kind": "bp3mi",
    "name": "BP3MI Contoh",
    "place": "Kota Contoh",
    "provinces": ["jawa-timur"],
    "source": {"name": "Contoh", "url": "https://example.go.id/"},
    "as_of": dt.date(2025, 10, 1),
}


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(REAL, target)
    return target


def _write_rows(content_dir: Path, rows: list[dict]) -> None:
    (content_dir / FILE_NAME).write_text(yaml.safe_dump(rows), encoding="utf-8")


def test_shipped_offices_are_valid_sourced_and_dated() -> None:
    offices, problems = Offices.load(REAL, PROVINCES)
    assert problems == []
    assert len(offices) >= 22
    assert all(o.source.name and o.source.url.startswith("https://") for o in offices)
    assert all(o.as_of <= dt.date(2026, 12, 4) for o in offices)
    # The sheets confirm no office phone number or street address: none is shipped.
    assert not any(o.phone or o.address for o in offices)


def test_offices_for_a_province_list_the_bp3mi_first() -> None:
    offices, _ = Offices.load(REAL, PROVINCES)
    east_java = offices.for_province("jawa-timur")
    assert east_java[0].name == "BP3MI Jawa Timur"
    assert {o.kind for o in east_java} >= {"bp3mi", "p4mi"}
    assert offices.for_province("papua") == []  # no confirmed office: general advice only


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (lambda r: r.update(provinces=["jawa-timurr"]), "provinces", "unknown province"),
        (lambda r: r.pop("source"), "source", "is missing"),
        (lambda r: r.update(source={"url": "https://x.go.id"}), "source", "needs a name"),
        (lambda r: r.update(source={"name": "x", "url": "ftp://x"}), "source", "url must"),
        (lambda r: r.pop("as_of"), "as_of", "is missing"),
        (lambda r: r.update(as_of="kemarin"), "as_of", "YYYY-MM-DD"),
        (lambda r: r.update(kind="kantor"), "kind", "must be one of"),
        (lambda r: r.update(provinces="jawa-timur"), "provinces", "must be a list"),
        (lambda r: r.update(fax="123"), "fax", "unknown field"),
        (lambda r: r["source"].update({"26 Sep 2024": None}), "source", "only name and url"),
    ],
)
def test_content_check_reports_a_broken_office(content_dir: Path, change, field, message) -> None:
    row = dict(GOOD_ROW, source=dict(GOOD_ROW["source"]))
    change(row)
    _write_rows(content_dir, [GOOD_ROW, row])
    problems = check_content(load_content(content_dir))
    assert len(problems) == 1, problems
    assert problems[0].field == field
    assert message in problems[0].message
    assert problems[0].entry.startswith("#2")


def test_content_check_command_fails_on_a_broken_office(content_dir, monkeypatch, capsys) -> None:
    _write_rows(content_dir, [dict(GOOD_ROW, provinces=["atlantis"])])
    monkeypatch.setenv("CONTENT_DIR", str(content_dir))
    assert main(["content", "check"]) == 1
    assert "unknown province id(s): atlantis" in capsys.readouterr().out


def test_no_offices_file_is_not_a_problem(content_dir: Path) -> None:
    (content_dir / FILE_NAME).unlink()
    assert check_offices(content_dir) == []


@pytest.mark.parametrize(
    ("typed", "province"),
    [("jatim", "jawa-timur"), ("Jawa Timr", "jawa-timur"), ("provinsi NTB", "nusa-tenggara-barat")],
)
def test_a_typed_province_is_read_like_the_report_form(typed: str, province: str) -> None:
    found, close = resolve_province(typed, PROVINCES)
    assert found is not None and found.id == province
    assert close == []


def test_an_unclear_province_gets_the_closest_ones() -> None:
    found, close = resolve_province("kalimantan", PROVINCES)
    assert found is None
    assert 2 <= len(close) <= 4
    assert all(p.id.startswith("kalimantan-") for p in close)
    assert resolve_province("xq", PROVINCES) == (None, [])


# -- import ---------------------------------------------------------------------------------
DIRECTORY = """Provinsi;Jenis;Nama Kantor;Kota;Alamat;Telepon
Jawa Timur;BP3MI;BP3MI Jawa Timur;Surabaya;Jl. Contoh 1;031-000000
jateng;P4MI;P4MI Contoh;Cilacap;;
;;;;;
"""
SOURCE = Source("Direktori KP2MI (contoh)", "https://example.go.id/direktori")


def test_read_directory_resolves_provinces_and_kinds() -> None:
    rows = read_directory(DIRECTORY, PROVINCES, SOURCE, dt.date(2026, 11, 1))
    assert [(r["kind"], r["provinces"]) for r in rows] == [
        ("bp3mi", ["jawa-timur"]),
        ("p4mi", ["jawa-tengah"]),
    ]
    assert rows[0]["phone"] == "031-000000" and "phone" not in rows[1]
    assert rows[0]["source"] == {"name": SOURCE.name, "url": SOURCE.url}
    assert rows[0]["as_of"] == dt.date(2026, 11, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Provinsi,Jenis,Nama\nAtlantis,BP3MI,X\n", "line 2: unknown province 'Atlantis'"),
        ("Provinsi,Jenis,Nama\nBali,Kedutaan,X\n", "line 2: unknown kind 'Kedutaan'"),
        ("Provinsi,Nama\nBali,X\n", "line 1: no kind column"),
        ("Provinsi,Jenis,Nama\n", "no offices in the file"),
    ],
)
def test_read_directory_refuses_what_it_cannot_place(text: str, message: str) -> None:
    with pytest.raises(DirectoryFileError, match=message):
        read_directory(text, PROVINCES, SOURCE, dt.date(2026, 11, 1))


def test_import_command_adds_rows_and_replaces_its_earlier_import(
    content_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("CONTENT_DIR", str(content_dir))
    before = len(Offices.load(content_dir, PROVINCES)[0])
    csv_file = tmp_path / "direktori.csv"
    csv_file.write_text(DIRECTORY, encoding="utf-8")
    args = ["offices", "import", str(csv_file), "--source", SOURCE.name, "--date", "2026-11-01"]
    assert main([*args, "--url", SOURCE.url]) == 0
    assert "Imported 2 offices" in capsys.readouterr().out
    offices = Offices.load(content_dir, PROVINCES)[0]
    assert len(offices) == before + 2
    imported = [o for o in offices.for_province("jawa-timur") if o.source == SOURCE]
    assert imported[0].phone == "031-000000" and imported[0].as_of == dt.date(2026, 11, 1)
    text = (content_dir / FILE_NAME).read_text(encoding="utf-8")
    assert text.startswith("# Service offices for /kantor")  # the editors' header stays

    assert main([*args, "--url", SOURCE.url]) == 0  # the same directory again: no duplicates
    assert len(Offices.load(content_dir, PROVINCES)[0]) == before + 2
    assert main(["content", "check"]) == 0


def test_import_command_refuses_a_bad_file_and_leaves_the_data(
    content_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("CONTENT_DIR", str(content_dir))
    before = (content_dir / FILE_NAME).read_text(encoding="utf-8")
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text("Provinsi,Jenis,Nama\nAtlantis,BP3MI,X\n", encoding="utf-8")
    code = main(["offices", "import", str(csv_file), "--source", "x", "--date", "2026-11-01"])
    assert code == 2
    assert "unknown province 'Atlantis'" in capsys.readouterr().err
    assert (content_dir / FILE_NAME).read_text(encoding="utf-8") == before
    code = main(["offices", "import", str(csv_file), "--source", "x", "--date", "1 Nov"])
    assert code == 2
