-- Tip-off reports: cases, evidence, identifiers, status history, the desk outbox and relays.
-- Times are ISO 8601 UTC text ("2025-07-10T07:03:00+00:00"), compared as text.
-- Nothing in `reports` says who reported: that link lives only in `report_reporters`,
-- which retention and /hapusdata delete.

CREATE TABLE reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL,
    urgent INTEGER NOT NULL DEFAULT 0,
    province TEXT NOT NULL,
    place TEXT,
    occurred TEXT,
    details TEXT NOT NULL,
    shown_identity TEXT,
    status TEXT NOT NULL DEFAULT 'new',
    outcome TEXT,
    status_by TEXT,
    status_at TEXT,
    created_at TEXT NOT NULL,
    ack_due_at TEXT NOT NULL,
    next_reminder_at TEXT,
    reminders_sent INTEGER NOT NULL DEFAULT 0,
    closed_at TEXT,
    desk_chat_id INTEGER,
    card_message_id INTEGER
);

CREATE INDEX reports_status ON reports (status, created_at);
CREATE INDEX reports_reminder ON reports (next_reminder_at);

-- forget_after_delivery: the reporter asked to be forgotten before the card reached the
-- desk, so the link is kept only until the evidence has been copied from their chat.
CREATE TABLE report_reporters (
    report_id INTEGER PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    language TEXT NOT NULL,
    forget_after_delivery INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE INDEX report_reporters_user ON report_reporters (user_id, created_at);

-- source_message_id is in the reporter's private chat, cleared once copied to the desk.
CREATE TABLE report_evidence (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    source_message_id INTEGER,
    file_id TEXT,
    file_size INTEGER,
    text TEXT,
    desk_message_id INTEGER,
    copy_failed INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX report_evidence_report ON report_evidence (report_id, position);

-- One row per distinct phone number, link, handle, bank account or agency name, with the
-- number of reports it appeared in.
CREATE TABLE report_identifiers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    reports INTEGER NOT NULL DEFAULT 0,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    UNIQUE (kind, value)
);

CREATE TABLE report_identifier_links (
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    identifier_id INTEGER NOT NULL REFERENCES report_identifiers (id),
    position INTEGER NOT NULL,
    display TEXT NOT NULL,
    PRIMARY KEY (report_id, identifier_id)
);

CREATE INDEX report_identifier_links_identifier ON report_identifier_links (identifier_id);

CREATE TABLE report_status_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    outcome TEXT,
    changed_by TEXT,
    changed_by_id INTEGER,
    changed_at TEXT NOT NULL
);

CREATE INDEX report_status_history_report ON report_status_history (report_id);

-- Bot messages in the desk chat that belong to a case. kind: card, evidence, reporter
-- (a relayed message from the reporter), reminder. Replies to a card or a reporter
-- message are relayed to the reporter.
CREATE TABLE report_desk_messages (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);

-- Bot messages in a reporter's chat that belong to a case (desk messages, status updates):
-- a reply to one goes back to the desk. No user id here, it comes from report_reporters.
CREATE TABLE report_relays (
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    reporter_message_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (report_id, reporter_message_id)
);

-- Everything sent because of a report goes through here, written in the same transaction
-- as the change that causes it. state: pending, done or failed. due_at is a Unix time.
CREATE TABLE report_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    report_id INTEGER REFERENCES reports (id) ON DELETE CASCADE,
    payload TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    due_at REAL NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT
);

CREATE INDEX report_outbox_due ON report_outbox (state, due_at);
CREATE INDEX report_outbox_report ON report_outbox (report_id, state, id);

-- A report being written, so a restart or a closed app does not lose it.
CREATE TABLE report_drafts (
    user_id INTEGER PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
