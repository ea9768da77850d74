-- Deliberation meetings (议事会): one-off or weekly, their agendas (topics in discussion), one
-- RSVP per household (kept after the meeting: attendance), the reminders before them, minutes.
ALTER TABLE communities ADD COLUMN meeting_reminders TEXT NOT NULL DEFAULT '604800,86400,3600';
ALTER TABLE communities ADD COLUMN agenda_limit INTEGER NOT NULL DEFAULT 5
    CHECK (agenda_limit BETWEEN 1 AND 20);

CREATE TABLE meeting_series (
    id            INTEGER PRIMARY KEY,
    community_id  INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    weekday       INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),   -- 0: Monday
    local_time    TEXT    NOT NULL,                                   -- HH:MM, local wall time
    place         TEXT    NOT NULL CHECK (place != ''),
    created_by    INTEGER NOT NULL,
    created_at    TEXT    NOT NULL,
    ended_at      TEXT    -- `/meeting cancel <n> all`
);

CREATE TABLE meetings (
    id                  INTEGER PRIMARY KEY,
    community_id        INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    number              INTEGER NOT NULL,
    starts_at           TEXT    NOT NULL,
    place               TEXT    NOT NULL CHECK (place != ''),
    series_id           INTEGER REFERENCES meeting_series (id),
    status              TEXT    NOT NULL CHECK (status IN ('scheduled', 'cancelled', 'held')),
    created_by          INTEGER NOT NULL,
    created_at          TEXT    NOT NULL,
    card_chat_id        INTEGER,
    card_message_id     INTEGER,
    minutes             TEXT,
    minutes_by          INTEGER,
    minutes_at          TEXT,
    minutes_chat_id     INTEGER,
    minutes_message_id  INTEGER,
    UNIQUE (community_id, number),
    UNIQUE (series_id, starts_at)
);
CREATE INDEX meetings_scheduled ON meetings (status, starts_at);

CREATE TABLE meeting_agenda (
    meeting_id  INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    topic_id    INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    outcome     TEXT    CHECK (outcome IN ('decided', 'vote', 'deferred')),
    PRIMARY KEY (meeting_id, topic_id)
);

CREATE TABLE meeting_rsvps (
    meeting_id   INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    household    TEXT    NOT NULL,   -- unit code
    user_id      INTEGER NOT NULL,   -- who of the household answered last
    answer       TEXT    NOT NULL CHECK (answer IN ('attend', 'absent')),
    answered_at  TEXT    NOT NULL,
    PRIMARY KEY (meeting_id, household)
);

CREATE TABLE meeting_reminders (
    id             INTEGER PRIMARY KEY,
    meeting_id     INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    ahead_seconds  INTEGER NOT NULL CHECK (ahead_seconds > 0),
    due_at         TEXT    NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'skipped')),
    fired_at       TEXT
);
CREATE INDEX meeting_reminders_pending ON meeting_reminders (due_at) WHERE status = 'pending';
