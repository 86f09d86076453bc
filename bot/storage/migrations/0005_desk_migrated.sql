-- A desk group upgraded to a supergroup gets a new chat id. The bot records it here when
-- Telegram says so (a service message or a "group chat was upgraded" error) and follows it
-- at once and after restarts, without anyone changing DESK_CHAT_ID.
CREATE TABLE desk_chat_migrations (
    old_chat_id INTEGER PRIMARY KEY,
    new_chat_id INTEGER NOT NULL,
    migrated_at TEXT NOT NULL
);
