-- Users, feedback on answers, and questions the bot could not answer (for content editors).
CREATE TABLE users (
    user_id INTEGER PRIMARY KEY,
    language TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    entry_id TEXT NOT NULL,
    helpful INTEGER NOT NULL,
    question TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (user_id, entry_id, question)
);

CREATE TABLE unanswered (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question TEXT NOT NULL,
    language TEXT NOT NULL,
    decision TEXT NOT NULL,
    best_entry TEXT,
    best_score REAL,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX unanswered_created ON unanswered (created_at);
