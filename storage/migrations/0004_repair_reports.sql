-- Repair reports: tickets numbered per community, photos, "me too" followers, history, the
-- cards shown to staff, deadlines (timers) and the marker of a report being written in private.
ALTER TABLE communities ADD COLUMN staff_chat_id INTEGER;
ALTER TABLE communities ADD COLUMN response_minutes INTEGER NOT NULL DEFAULT 1440
    CHECK (response_minutes >= 1);
ALTER TABLE communities ADD COLUMN plan_minutes INTEGER NOT NULL DEFAULT 4320
    CHECK (plan_minutes >= 1);

CREATE TABLE tickets (
    id               INTEGER PRIMARY KEY,
    community_id     INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    number           INTEGER NOT NULL,
    category         TEXT    NOT NULL,
    description      TEXT    NOT NULL,
    reporter_id      INTEGER NOT NULL REFERENCES users (id),
    household        TEXT,
    unit             TEXT,
    building         TEXT,
    place            TEXT,
    latitude         REAL,
    longitude        REAL,
    status           TEXT    NOT NULL CHECK (status IN ('reported', 'acknowledged',
                         'in_progress', 'resolved', 'reopened', 'closed', 'rejected')),
    created_at       TEXT    NOT NULL,
    acknowledged_at  TEXT,
    resolved_at      TEXT,
    rating           INTEGER CHECK (rating BETWEEN 1 AND 5),
    UNIQUE (community_id, number)
);
CREATE INDEX tickets_open ON tickets (community_id, status, category);

CREATE TABLE ticket_photos (
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    file_id    TEXT    NOT NULL,
    PRIMARY KEY (ticket_id, position)
);

CREATE TABLE ticket_followers (
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    household  TEXT,
    added_at   TEXT    NOT NULL,
    PRIMARY KEY (ticket_id, user_id)
);

CREATE TABLE ticket_history (
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    at         TEXT    NOT NULL,
    event      TEXT    NOT NULL,
    by_user    INTEGER NOT NULL,
    note       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (ticket_id, seq)
);

CREATE TABLE ticket_cards (
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, chat_id, message_id)
);

CREATE TABLE report_timers (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('response', 'plan')),
    due_at     TEXT    NOT NULL,
    fired_at   TEXT
);
CREATE INDEX report_timers_pending ON report_timers (fired_at, due_at);

CREATE TABLE report_drafts (
    user_id     INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL
);
