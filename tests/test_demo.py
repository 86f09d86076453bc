"""`python -m bot demo` answers with no token and no network, scripted through a pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_demo_scripted_through_a_pipe() -> None:
    env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    script = "2\npaspor sy ditahan agen gmn dong\n/quit\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"], cwd=ROOT, input=script, capture_output=True,
        text=True, timeout=120, env=env,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Selamat datang" in out  # /start is sent for the user
    assert "💰 Biaya & kontrak" in out  # button 2 of the main menu was pressed
    assert "👤 paspor sy ditahan agen gmn dong" in out
    reply = out.split("👤 paspor sy ditahan agen gmn dong")[1]
    assert "Paspor ditahan agen atau majikan" in reply
    assert "[1]" in reply  # buttons are numbered
    assert "Traceback" not in result.stderr
