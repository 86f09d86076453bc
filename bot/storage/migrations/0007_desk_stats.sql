-- Desk statistics. How many people a "departure prevented" outcome kept from leaving (the
-- desk's headline number), and Cek Dulu verdicts per day: counts only, never who checked.
ALTER TABLE reports ADD COLUMN outcome_people INTEGER;

CREATE TABLE check_verdicts (
    day TEXT NOT NULL,
    verdict TEXT NOT NULL,
    checks INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, verdict)
);

-- One row per weekly digest queued for the desk (week = its Monday, YYYY-MM-DD), written in
-- the same transaction as its outbox job, so a restart neither skips nor repeats a week.
CREATE TABLE desk_digests (
    week TEXT PRIMARY KEY,
    queued_at TEXT NOT NULL
);
