"""`python3 -m bot demo` behaves like a Telegram client, scripted through a pipe: every keyboard
stays pressable, pop-up answers are shown, staff demos have subscribers, and the database can
be kept for the editors' tools."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from bot.core.content import load_content

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str], script: str, env_extra: dict[str, str] | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DESK_CHAT_ID")}
    env.update(env_extra or {})
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        input=script,
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def _after(out: str, typed: str) -> str:
    """What the bot showed after the user's line `typed`, up to the next line of the user."""
    return out.split(f"👤 {typed}\n", 1)[1].split("\n👤 ", 1)[0]


# SQLite only: the demo is SQLite by design (one command, no server; docs/deploy.md).
def test_transcript_of_a_newcomers_first_five_minutes(tmp_path: Path) -> None:
    """/start → language → menu → answer → 👍 → /lapor → /cek → /darurat, with the database
    kept so that `content inbox` shows the feedback afterwards."""
    entry = load_content(ROOT / "content").entries["verify-agency"]
    related = [r for r in entry.related if r in load_content(ROOT / "content").entries]
    thumbs_up = f"5.{len(related) + 2}"  # keyboards: 1 four buttons, 2 language, 3 four
    # buttons again in English, 4 the topics, 5 the answer (📖 More, related topics, 👍)
    question = "how can I check that an agency is licensed?"
    database = tmp_path / "demo.sqlite3"
    script = "\n".join(
        ["2.2", "1.1", question, thumbs_up, "/lapor", "/cek", "/darurat", "/quit", ""]
    )
    out = _run(["demo", "--database", str(database)], script)

    start = out.split("👤 ", 1)[0]
    assert "bukan agen" in start and "[1.1] 🙋 Tanya" in start  # Indonesian from language_code
    assert "[2.2] English" in start

    language = _after(out, "2.2")
    assert "💬: Language set to English." in language  # the toast is shown
    assert "[3.1] 🙋 Ask" in language

    # An older keyboard (the first message's) still works, now answering in English.
    assert "Or choose a topic:" in _after(out, "1.1")
    assert "[4.2] 💰" in _after(out, "1.1")

    answer = _after(out, question)
    assert entry.title["en"] in answer
    assert f"[{thumbs_up}] 👍 Helpful" in answer
    assert "💬: Thank you for your feedback!" in _after(out, thumbs_up)

    assert "What do you want to report?" in _after(out, "/lapor")
    assert "Cek Dulu" in _after(out, "/cek")
    emergency = _after(out, "/darurat")
    assert "0-800-1000" in emergency
    assert "Safe Travel app (foreign ministry)" in emergency
    assert "(foreign ministry): Safe Travel" not in emergency  # the name is not repeated
    assert ": 24/7" not in emergency  # a note is no phone number

    assert f"The demo database is kept at {database}" in out
    inbox = _run(["content", "inbox"], "", {"DATABASE_URL": f"sqlite:///{database}"})
    assert re.search(r"verify-agency\s+1 / 0", inbox)


def test_demo_shows_a_tip_off_reaching_the_emulated_desk() -> None:
    script = (
        "/lapor\n1\n4\nDesa Sukamaju, Dumai\n/lewati\n"
        "Calo <b>Pak X</b> & temannya minta 15jt, WA 0812-3456-7890\n/lewati\n1\n1\n/quit\n"
    )
    out = _run(["demo"], script)
    desk = out.split("🏢 desk group", 1)[1]
    assert "Calo <b>Pak X</b> & temannya" in desk  # escaped on the way, shown literally
    assert "+6281234567890" in desk
    assert "Demo" not in desk.split("🤖", 1)[0]  # the reporter's name stays hidden
    assert "LP-" in out


def test_staff_demo_seeds_subscribers_and_broadcasts_reach_them() -> None:
    script = "/siaran\nAwas lowongan palsu ke Kamboja!\n3.1\n1\n1\n/quit\n"
    out = _run(["demo", "--staff"], script)
    assert "8 demo subscribers are seeded" in out
    assert "Jumlah pelanggan saat ini: 8" in out  # not 0: no need to subscribe first
    assert "Terkirim: 8 dari 8" in out
    assert out.count("Awas lowongan palsu ke Kamboja!") == 2  # typed, and the preview only
