-- The repair form (issue 11): where a ticket is in words (a shared part of a building or a
-- public area, by preset code), a voice message as its description, the community's
-- emergency numbers, and the staff prompts waiting for a typed reason or note, kept across
-- restarts.
ALTER TABLE tickets ADD COLUMN part TEXT;
ALTER TABLE tickets ADD COLUMN voice_file_id TEXT;
ALTER TABLE tickets ADD COLUMN voice_seconds INTEGER;

CREATE TABLE report_settings (
    community_id  INTEGER PRIMARY KEY REFERENCES communities (id) ON DELETE CASCADE,
    emergency     TEXT
);

CREATE TABLE ticket_prompts (
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('reject', 'note', 'appointment')),
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
