-- What the bot must tell after a commit (issue 9, finding 2): written in the same transaction
-- as the state change, delivered by the sender (handlers/outbox.py), never lost. An entry is an
-- intent drawn from state ("publish the result of vote 7"), not a frozen text, so that a
-- repeated delivery edits or skips rather than duplicates. Entries of one lane (one chat, or
-- one person) go out in order; lanes do not wait for each other.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    lane        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    subject     INTEGER NOT NULL,
    params      TEXT    NOT NULL DEFAULT '{}',
    status      TEXT    NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL,
    due_at      TEXT    NOT NULL,
    finished_at TEXT,
    last_error  TEXT
);
CREATE INDEX outbox_pending ON outbox (lane, id) WHERE status = 'pending';
CREATE INDEX outbox_subject ON outbox (kind, subject);
