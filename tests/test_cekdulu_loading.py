"""Checker.load reuses the compiled rules of unchanged content and reads edited content again."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from bot.core.cekdulu.checker import Checker

ROOT = Path(__file__).resolve().parents[1]


def test_each_load_is_its_own_checker_around_the_same_rules() -> None:
    first = Checker.load(ROOT / "content", ["id", "en"])
    second = Checker.load(ROOT / "content", ["id", "en"])
    assert first is not second and first.redflags is second.redflags
    second.count_reports = lambda identifiers: {}
    assert first.count_reports is None


def test_an_edited_rules_file_is_read_again(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    before = Checker.load(content, ["id", "en"], learned=False)
    assert before.redflags is Checker.load(content, ["id", "en"], learned=False).redflags
    rules = content / "redflags.yaml"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    after = Checker.load(content, ["id", "en"], learned=False)
    assert after.redflags is not before.redflags
    assert len(after.redflags.rules) == len(before.redflags.rules)


def test_the_calibration_file_is_read_at_each_load(monkeypatch) -> None:
    """bench/cekdulu_calibrate.py rewrites the thresholds; a checker loaded after that in
    the same process must use the new ones even though the rules are reused."""
    from bot.core.cekdulu import checker as module

    before = Checker.load(ROOT / "content", ["id", "en"])
    new = dataclasses.replace(before.calibration, demote_below=0.01)
    monkeypatch.setattr(module.Calibration, "load", classmethod(lambda cls: new))
    after = Checker.load(ROOT / "content", ["id", "en"])
    assert after.redflags is before.redflags
    assert after.calibration == new != before.calibration
