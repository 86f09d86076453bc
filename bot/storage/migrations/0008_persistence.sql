-- Conversation and user state of the Telegram layer (python-telegram-bot's persistence), so
-- a restart in the middle of the tip-off form, Cek Dulu, a subscription or the broadcast
-- composer continues where the person was. Values are JSON, never pickle. /hapusdata deletes
-- a person's rows here (user_id).
CREATE TABLE conversation_states (
    name TEXT NOT NULL,
    conv_key TEXT NOT NULL,
    user_id BIGINT,
    state TEXT NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (name, conv_key)
);

CREATE INDEX conversation_states_user ON conversation_states (user_id);

CREATE TABLE user_state (
    user_id BIGINT PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL
);
