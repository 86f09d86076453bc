-- Sealed reporters (issue 15): nothing here names a reporter in plain text. Who reported
-- is sealed (AES-GCM) under the reporter key, which lives outside the database; rows of
-- one person are found by a keyed tag (HMAC-SHA256 under a sub-key of the same key).
-- Values are TEXT (key id + base64 / hex), so the schema moves to PostgreSQL unchanged.
-- Plain rows of the tables these replace (report_reporters, report_drafts, users,
-- user_state, conversation_states.conv_key, reports.shown_identity) are sealed and
-- deleted by the bot on its first start with a key (bot/storage/sealing_migration.py).

-- The link from a case to its reporter: replaces report_reporters.
CREATE TABLE report_links (
    report_id INTEGER PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    reporter_tag TEXT NOT NULL,
    reporter_sealed TEXT NOT NULL,
    language TEXT NOT NULL,
    forget_after_delivery INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE INDEX report_links_reporter ON report_links (reporter_tag);

-- Unfinished reports: replaces report_drafts (data is sealed, it may hold a shown name).
-- Every table found by a tag keeps the id sealed beside it, so a key rotation can re-tag.
CREATE TABLE sealed_drafts (
    user_tag TEXT PRIMARY KEY,
    user_sealed TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The language a person chose: replaces users.
CREATE TABLE sealed_users (
    user_tag TEXT PRIMARY KEY,
    user_sealed TEXT NOT NULL,
    language TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- python-telegram-bot's per-person data (a draft, the case being replied to): replaces
-- user_state. The id is sealed because the Telegram layer needs it back at start-up.
CREATE TABLE sealed_user_state (
    user_tag TEXT PRIMARY KEY,
    user_sealed TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL
);

-- Conversation states: conv_key becomes a tag, the key itself is sealed in key_sealed,
-- user_id is left empty and user_tag finds a person's rows for /hapusdata.
ALTER TABLE conversation_states ADD COLUMN key_sealed TEXT;
ALTER TABLE conversation_states ADD COLUMN user_tag TEXT;
CREATE INDEX conversation_states_user_tag ON conversation_states (user_tag);

-- The ids of the keys rows were sealed with (an id names a key, it does not reveal it):
-- a start with a different key is refused instead of silently losing every reporter.
CREATE TABLE reporter_keys (
    key_id TEXT PRIMARY KEY,
    added_at TEXT NOT NULL
);

-- Append-only record of what desk members did with a case. The repository offers insert
-- and read only. actor_id is a desk member's Telegram id (staff, not reporters).
CREATE TABLE desk_audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id BIGINT,
    actor_name TEXT,
    report_id INTEGER,
    case_code TEXT,
    action TEXT NOT NULL,
    detail TEXT
);

CREATE INDEX desk_audit_case ON desk_audit (case_code, seq);
