-- Each desk's delivery on its own (docs/desk.md#regional-desks). `lane` is the chat an outbox
-- job writes to as far as ordering goes ('reporter', 'desk' for the central desk,
-- 'desk:<key>' for a regional desk): a job waits only for the earlier pending jobs of its
-- case in its own lane, so a central desk that cannot be reached holds back nothing of the
-- regional desk's. Rows from before this migration have no lane and keep the old order (they
-- wait for, and hold back, every job of their case).
ALTER TABLE report_outbox ADD COLUMN lane TEXT;

-- A regional desk's copy of one evidence file (the central desk's is in report_evidence).
-- message_id NULL: no copy could be made (the original and every other copy were gone). The
-- reporter's original (report_evidence.source_message_id) is forgotten once every desk that
-- needs the file has a row here or in report_evidence.
CREATE TABLE report_evidence_copies (
    evidence_id INTEGER NOT NULL REFERENCES report_evidence (id) ON DELETE CASCADE,
    desk TEXT NOT NULL,
    chat_id INTEGER NOT NULL,
    message_id INTEGER,
    PRIMARY KEY (evidence_id, desk)
);
