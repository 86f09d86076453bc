-- Subscriptions to warnings and news, staff broadcasts, and per-recipient delivery state.
-- Times are UTC text in SQLite's CURRENT_TIMESTAMP format (YYYY-MM-DD HH:MM:SS).

-- inactive_reason: 'unsubscribed' (the user's choice: only /subscribe undoes it) or
-- 'blocked' (403 or my_chat_member "kicked": coming back with /start undoes it).
CREATE TABLE subscribers (
    user_id INTEGER PRIMARY KEY,
    active INTEGER NOT NULL DEFAULT 1,
    inactive_reason TEXT,
    province TEXT,
    language TEXT NOT NULL,
    subscribed_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX subscribers_audience ON subscribers (active, language, province);

-- content: JSON {kind, text, entities, file_id}, the staff member's message as data.
-- audience: JSON {languages: [...], provinces: [...]}; both empty = everyone.
-- state: scheduled -> sending -> done, or cancelled.
-- channel_state: NULL (no cross-post), 'sending' (may be in flight), 'sent' or 'failed'.
CREATE TABLE broadcasts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    author_id INTEGER NOT NULL,
    author_language TEXT NOT NULL,
    content TEXT NOT NULL,
    audience TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'scheduled',
    scheduled_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    progress_chat_id INTEGER,
    progress_message_id INTEGER,
    channel_state TEXT,
    channel_error TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX broadcasts_due ON broadcasts (state, scheduled_at);

-- One row per broadcast and recipient (the primary key makes a second copy impossible to
-- queue). state: queued -> sending -> sent | failed | blocked; 'sending' rows found at
-- start-up were in flight when the process died and are sent again.
CREATE TABLE broadcast_recipients (
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    language TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    message_id INTEGER,
    error TEXT,
    updated_at TEXT,
    PRIMARY KEY (broadcast_id, user_id)
);

CREATE INDEX broadcast_recipients_state ON broadcast_recipients (broadcast_id, state);
