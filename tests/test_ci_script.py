"""`.ci/run` must fail when any step fails, above all a failed install.

The script runs with a stand-in `python3` first on PATH that records each call and fails the
step named in FAIL_STEP, so the real install and test suite are never run from here.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FAKE_PYTHON = """#!/usr/bin/env bash
echo "$*" >> "$CALLS"
case "$*" in
  *"$FAIL_STEP"*) exit 3 ;;
esac
exit 0
"""


def run_ci(tmp_path: Path, fail_step: str) -> tuple[int, list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "python3"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    calls = tmp_path / "calls.txt"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "CALLS": str(calls),
        "FAIL_STEP": fail_step,
    }
    done = subprocess.run(
        ["bash", str(ROOT / ".ci/run")], env=env, capture_output=True, text=True, timeout=60
    )
    lines = calls.read_text().splitlines() if calls.exists() else []
    return done.returncode, lines


def test_a_failed_install_fails_ci_and_runs_nothing_after_it(tmp_path: Path) -> None:
    code, calls = run_ci(tmp_path, "-m pip install")
    assert code != 0
    assert len(calls) == 1 and calls[0].startswith("-m pip install")


@pytest.mark.parametrize("step", ["-m pytest", "-m ruff check", "-m ruff format --check"])
def test_each_failing_step_fails_ci(tmp_path: Path, step: str) -> None:
    code, calls = run_ci(tmp_path, step)
    assert code != 0
    assert calls[-1].startswith(step)


def test_all_steps_run_when_they_pass(tmp_path: Path) -> None:
    code, calls = run_ci(tmp_path, "no step has this name")
    assert code == 0
    assert [c.split()[1] for c in calls] == ["pip", "pytest", "ruff", "ruff"]
