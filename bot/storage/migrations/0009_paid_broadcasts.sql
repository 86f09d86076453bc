-- Paid broadcasts: staff chose "paid, fast" in the preview. Such a broadcast is sent with
-- allow_paid_broadcast=True at BROADCAST_PAID_RATE (Telegram charges Stars per message).
-- 0 for every broadcast made before this migration: they stay free.
ALTER TABLE broadcasts ADD COLUMN paid INTEGER NOT NULL DEFAULT 0;
