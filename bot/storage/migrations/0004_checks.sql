-- Cek Dulu: the register of licensed placement agencies, and how often identifiers are checked.
-- Times are ISO 8601 UTC text ("2025-07-10T07:03:00+00:00"), compared as text; dates YYYY-MM-DD.
-- Nothing here says who checked what, or what text was checked: only counts per identifier.

-- One import of the official list (SISKOP2MI / KP2MI), with the date it was valid on.
-- The newest import is the register in use; older ones are kept for reference.
CREATE TABLE agency_imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    as_of TEXT NOT NULL,
    file_name TEXT,
    agencies INTEGER NOT NULL,
    imported_at TEXT NOT NULL
);

CREATE TABLE agencies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    import_id INTEGER NOT NULL REFERENCES agency_imports (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    licence_number TEXT,
    valid_until TEXT,
    address TEXT
);

CREATE INDEX agencies_import ON agencies (import_id);

-- How many checks mentioned an identifier (kind and normalised value, as in
-- report_identifiers) in each time bucket (Unix time // bucket seconds). Counts only.
CREATE TABLE check_counts (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    checks INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, value, bucket)
);

CREATE INDEX check_counts_bucket ON check_counts (bucket);

-- The last early warning sent to the desk for an identifier, so it is sent once per window.
CREATE TABLE check_alerts (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    alerted_at TEXT NOT NULL,
    checks INTEGER NOT NULL,
    PRIMARY KEY (kind, value)
);
