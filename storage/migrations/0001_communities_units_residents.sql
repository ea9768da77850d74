-- Communities, the unit register, residents (households) and roles.
CREATE TABLE communities (
    id          INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    language    TEXT    NOT NULL CHECK (language IN ('zh', 'en')),
    timezone    TEXT    NOT NULL,
    created_by  INTEGER NOT NULL,
    created_at  TEXT    NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,          -- the Telegram user id
    display_name  TEXT    NOT NULL,
    language      TEXT    CHECK (language IN ('zh', 'en')),
    updated_at    TEXT    NOT NULL
);

-- area in hundredths of a square metre: exact sums, no floats
CREATE TABLE units (
    id            INTEGER PRIMARY KEY,
    community_id  INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    code          TEXT    NOT NULL,
    building      TEXT    NOT NULL,
    area_centi_m2 INTEGER NOT NULL CHECK (area_centi_m2 > 0),
    owner_key     TEXT    NOT NULL,
    retired       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (community_id, code)
);

CREATE TABLE memberships (
    id               INTEGER PRIMARY KEY,
    unit_id          INTEGER NOT NULL REFERENCES units (id),
    user_id          INTEGER NOT NULL REFERENCES users (id),
    relation         TEXT    NOT NULL CHECK (relation IN ('owner', 'tenant')),
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'verified', 'rejected', 'left')),
    requested_at     TEXT    NOT NULL,
    decided_at       TEXT,
    decided_by       INTEGER,
    card_chat_id     INTEGER,
    card_message_id  INTEGER
);
CREATE UNIQUE INDEX memberships_one_live ON memberships (unit_id, user_id)
    WHERE status IN ('pending', 'verified');
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE roles (
    community_id  INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'committee', 'rep')),
    buildings     TEXT    NOT NULL DEFAULT '',  -- comma-separated, for reps
    granted_by    INTEGER NOT NULL,
    granted_at    TEXT    NOT NULL,
    PRIMARY KEY (community_id, user_id)
);
