-- Regional desks (docs/desk.md#regional-desks): the key of the desk that owns a case, from
-- the province it happened in (content/desks.yaml or DESKS_FILE). The central desk sees and
-- acts on every case; a regional desk only on the cases it owns. NULL (cases from before
-- regional desks) belongs to the central desk. The owning desk's card copies are rows of
-- report_desk_messages in its chat, like the central desk's.
ALTER TABLE reports ADD COLUMN desk_key TEXT;

CREATE INDEX reports_desk ON reports (desk_key, created_at);
