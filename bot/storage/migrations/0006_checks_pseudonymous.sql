-- Memories that must survive /hapusdata without saying who they are about.
-- A tag is HMAC(key of the window, user id ...), and each window has its own random key.
-- When a window ends (the day of the daily report limit, the Cek Dulu alert window), its
-- rows and its key are deleted together: without the key, a tag cannot be tied to anyone.

CREATE TABLE pseudonym_keys (
    purpose TEXT NOT NULL,
    window INTEGER NOT NULL,
    key BLOB NOT NULL,
    PRIMARY KEY (purpose, window)
);

-- "This person was already counted for this identifier in this window" (Cek Dulu).
CREATE TABLE check_seen (
    window INTEGER NOT NULL,
    tag BLOB NOT NULL,
    PRIMARY KEY (window, tag)
);

-- One row per report sent, for the daily limit per person.
CREATE TABLE report_quota (
    window INTEGER NOT NULL,
    tag BLOB NOT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX report_quota_tag ON report_quota (window, tag, created_at);
