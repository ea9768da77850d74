-- The inbox of updates fetched from Telegram (issue 9). A batch is stored here, durably, before
-- its offset is confirmed to Telegram, so a crash at any instant loses nothing fetched; an update
-- is marked done in the same transaction as its effect, so a redelivered one changes nothing.
CREATE TABLE update_inbox (
    update_id    INTEGER PRIMARY KEY,
    callback_id  TEXT UNIQUE,            -- a button press's callback query id
    payload      TEXT    NOT NULL,       -- the update's JSON as Telegram sent it
    received_at  TEXT    NOT NULL,
    done_at      TEXT,                   -- applied, or handled without an effect
    answer       TEXT                    -- how a press was answered (JSON), to answer a redelivery alike
);
CREATE INDEX update_inbox_undone ON update_inbox (update_id) WHERE done_at IS NULL;
CREATE INDEX update_inbox_done ON update_inbox (done_at) WHERE done_at IS NOT NULL;
