-- Topics (提议 → 商议), votes (决议) with one ballot per household or owner, and the hash chain.
ALTER TABLE communities ADD COLUMN support_threshold INTEGER NOT NULL DEFAULT 3
    CHECK (support_threshold >= 1);

CREATE TABLE topics (
    id               INTEGER PRIMARY KEY,
    community_id     INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    number           INTEGER NOT NULL,
    title            TEXT    NOT NULL,
    details          TEXT    NOT NULL DEFAULT '',
    proposed_by      INTEGER NOT NULL REFERENCES users (id),
    status           TEXT    NOT NULL CHECK (status IN
                         ('proposed', 'discussion', 'voting', 'passed', 'rejected', 'no_quorum')),
    created_at       TEXT    NOT NULL,
    discussion_at    TEXT,
    card_chat_id     INTEGER,
    card_message_id  INTEGER,
    UNIQUE (community_id, number)
);

CREATE TABLE topic_supports (
    topic_id      INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    household     TEXT    NOT NULL,   -- unit code
    user_id       INTEGER NOT NULL,
    supported_at  TEXT    NOT NULL,
    PRIMARY KEY (topic_id, household)
);

CREATE TABLE votes (
    id                 INTEGER PRIMARY KEY,
    community_id       INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    number             INTEGER NOT NULL,
    topic_id           INTEGER REFERENCES topics (id),
    question           TEXT    NOT NULL,
    rule               TEXT    NOT NULL CHECK (rule IN
                           ('simple', 'two-thirds', 'double-majority', 'double-three-quarters')),
    duration_minutes   INTEGER NOT NULL CHECK (duration_minutes >= 1),
    building           TEXT,
    secret             INTEGER NOT NULL DEFAULT 0,
    status             TEXT    NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    created_by         INTEGER NOT NULL,
    created_at         TEXT    NOT NULL,
    opened_at          TEXT,
    closes_at          TEXT,
    closed_at          TEXT,
    outcome            TEXT CHECK (outcome IN ('passed', 'rejected', 'no_quorum')),
    card_chat_id       INTEGER,
    card_message_id    INTEGER,
    result_message_id  INTEGER,
    UNIQUE (community_id, number)
);
CREATE INDEX votes_open ON votes (status, closes_at);

CREATE TABLE ballots (
    vote_id    INTEGER NOT NULL REFERENCES votes (id) ON DELETE CASCADE,
    voter_key  TEXT    NOT NULL,   -- a unit code, or owner:<key> / developer under the Civil Code
    choice     TEXT    NOT NULL CHECK (choice IN ('for', 'against', 'abstain')),
    cast_by    INTEGER NOT NULL,
    cast_at    TEXT    NOT NULL,
    PRIMARY KEY (vote_id, voter_key)
);

CREATE TABLE vote_records (
    vote_id    INTEGER NOT NULL REFERENCES votes (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('cast', 'change', 'close')),
    data       TEXT    NOT NULL,   -- canonical JSON
    prev_hash  TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    PRIMARY KEY (vote_id, seq)
);
