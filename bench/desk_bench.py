"""Desk statistics at scale: chart render time and PNG size, and case export time.

    python bench/desk_bench.py [--cases 10000] [--repeat 5]

Generates `--cases` cases (bot/testing/seed.py, seeded), then times, on one core, the
statistics query + chart (`/stats`), and the CSV and XLSX exports. Targets (issue 12): chart
≤ 2 s and ≤ 200 kB for 10,000 cases; export of 10,000 cases ≤ 3 s. Writes
bench/results/desk.md and the sample chart shown in docs/desk.md (docs/img/stats-sample.png).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from bot.core.desks.charts import render  # noqa: E402
from bot.core.desks.export import to_csv, to_xlsx  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.storage import Database  # noqa: E402
from bot.telegram.handlers.stats import chart_text, snapshot  # noqa: E402
from bot.testing.seed import seed_cases  # noqa: E402

RESULTS = ROOT / "bench/results/desk.md"
SAMPLE = ROOT / "docs/img/stats-sample.png"
VERDICTS = (("none", 1203), ("check", 655), ("danger", 412))
CHECKED = (  # made-up identifiers, counts only
    ("phone", "+6281200000001", 57),
    ("agency", "PT Contoh Jaya Abadi", 41),
    ("phone", "+6285700000002", 23),
    ("bank_account", "bca 0000000001", 12),
)


def timed(work, repeat: int) -> tuple[float, object]:
    """Median seconds over `repeat` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        settings = Settings.from_env(
            {"CONTENT_DIR": str(ROOT / "content"), "DATABASE_URL": f"sqlite:///{path}"}
        )
        services = Services.build(settings, Database.open(path))
        now = dt.datetime.now(dt.UTC)
        seed_cases(services.db, args.cases, now)
        today = now.date().isoformat()
        services.db.conn.executemany(
            "INSERT INTO check_verdicts (day, verdict, checks) VALUES (?, ?, ?)",
            [(today, verdict, n) for verdict, n in VERDICTS],
        )
        bucket = int(now.timestamp()) // 3600
        services.db.conn.executemany(
            "INSERT INTO check_counts (kind, value, bucket, checks) VALUES (?, ?, ?, ?)",
            [(kind, value, bucket, n) for kind, value, n in CHECKED],
        )
        text = chart_text(services.i18n.translator("id"))
        chart_s, png = timed(lambda: render(snapshot(services), text), args.repeat)
        since = (now - dt.timedelta(days=60)).date()
        rows = list(services.desk_data.export_rows(since))
        csv_s, _ = timed(lambda: to_csv(list(services.desk_data.export_rows(since))), args.repeat)
        xlsx_s, _ = timed(lambda: to_xlsx(list(services.desk_data.export_rows(since))), args.repeat)
        services.db.close()
    SAMPLE.parent.mkdir(parents=True, exist_ok=True)
    SAMPLE.write_bytes(png)
    lines = [
        "## Desk statistics and exports",
        "",
        f"Command: `python bench/desk_bench.py --cases {args.cases} --repeat {args.repeat}`; "
        f"median of {args.repeat} runs, one process, generated cases (bot/testing/seed.py).",
        "",
        "| what | cases | time | size | target |",
        "|---|---|---|---|---|",
        f"| `/stats`: query + chart (PNG) | {args.cases:,} | {chart_s:.2f} s | "
        f"{len(png) / 1000:.0f} kB | ≤ 2 s, ≤ 200 kB |",
        f"| export CSV | {len(rows):,} | {csv_s:.2f} s | | ≤ 3 s |",
        f"| export XLSX | {len(rows):,} | {xlsx_s:.2f} s | | ≤ 3 s |",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
