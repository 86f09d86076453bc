"""Generated cases for desk statistics, exports, their tests, benchmarks and docs pictures.

Rows are written straight into the tables (no Telegram, no outbox), with a seeded random
generator so a chart or a benchmark is the same every run. Nothing here is real data.
"""

from __future__ import annotations

import datetime as dt
import random

from bot.core.clock import to_text
from bot.storage import Database

CATEGORIES = ("recruiter", "departure", "fake_job", "abroad", "agency", "other")
CATEGORY_WEIGHTS = (30, 15, 25, 15, 10, 5)
PROVINCES = (
    "Jawa Timur",
    "Jawa Tengah",
    "Jawa Barat",
    "Nusa Tenggara Barat",
    "Nusa Tenggara Timur",
    "Lampung",
    "Sumatera Utara",
    "Kalimantan Barat",
    "Sulawesi Selatan",
    "Banten",
    "Bali",
)
PROVINCE_WEIGHTS = (22, 18, 16, 12, 9, 6, 5, 4, 3, 3, 2)
OUTCOMES = ("prevented", "police", "action", "referred", "noinfo", "unfounded")
OUTCOME_WEIGHTS = (25, 20, 10, 15, 20, 10)


def seed_cases(db: Database, count: int, now: dt.datetime, days: int = 56, seed: int = 7) -> None:
    """`count` cases created over the last `days` days, in every state a desk sees."""
    rng = random.Random(seed)
    with db.transaction() as conn:
        for n in range(count):
            created = now - dt.timedelta(seconds=rng.uniform(0, days * 86400))
            urgent = rng.random() < 0.25
            due = created + (dt.timedelta(minutes=15) if urgent else dt.timedelta(hours=24))
            status, outcome, people, closed, first_ack = _life(rng, created, due, now)
            cursor = conn.execute(
                "INSERT INTO reports (code, category, urgent, province, details, status,"
                " outcome, outcome_people, created_at, ack_due_at, closed_at, desk_chat_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    f"LP-T{n:05d}",
                    rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0],
                    int(urgent),
                    rng.choices(PROVINCES, PROVINCE_WEIGHTS)[0],
                    f"generated case {n}",
                    status,
                    outcome,
                    people,
                    to_text(created),
                    to_text(due),
                    to_text(closed) if closed else None,
                    -100,
                ),
            )
            if first_ack is not None:
                conn.execute(
                    "INSERT INTO report_status_history (report_id, status, changed_by,"
                    " changed_at) VALUES (?, 'ack', 'desk', ?)",
                    (cursor.fetchone()[0], to_text(first_ack)),
                )


def _life(rng: random.Random, created: dt.datetime, due: dt.datetime, now: dt.datetime):
    """Where a generated case is now: status, outcome, people, closed at, first ack at."""
    window = due - created
    ack = created + window * rng.uniform(0.05, 1.6)
    if ack > now:
        return "new", None, None, None, None
    if rng.random() < 0.55:
        closed = min(now, ack + dt.timedelta(days=rng.uniform(0.5, 10)))
        outcome = rng.choices(OUTCOMES, OUTCOME_WEIGHTS)[0]
        people = rng.randint(1, 6) if outcome == "prevented" else None
        return "closed", outcome, people, closed, ack
    return rng.choice(("ack", "progress", "info")), None, None, None, ack
