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
        [sys.executable, "-m", "bot", "demo"],
        cwd=ROOT,
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
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


def test_demo_shows_a_tip_off_reaching_the_emulated_desk() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DESK_CHAT_ID")}
    script = (
        "/lapor\n1\n4\nDesa Sukamaju, Dumai\n/skip\n"
        "Calo <b>Pak X</b> & temannya minta 15jt, WA 0812-3456-7890\n/skip\n1\n1\n/quit\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        cwd=ROOT,
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    desk = result.stdout.split("🏢 desk group", 1)[1]
    assert "Calo <b>Pak X</b> & temannya" in desk  # escaped on the way, shown literally
    assert "+6281234567890" in desk
    assert "Demo" not in desk.split("🤖", 1)[0]  # the reporter's name stays hidden
    assert "Kode kasus Anda: LP-" in result.stdout
