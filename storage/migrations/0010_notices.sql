-- Notices (通知) and their read confirmations (已读), one per household.
CREATE TABLE notices (
    id               INTEGER PRIMARY KEY,
    community_id     INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    number           INTEGER NOT NULL,
    text             TEXT    NOT NULL CHECK (text != ''),
    building         TEXT,   -- NULL: the whole community
    author_id        INTEGER NOT NULL,
    author_role      TEXT    NOT NULL CHECK (author_role IN ('admin', 'committee', 'rep')),
    created_at       TEXT    NOT NULL,
    card_chat_id     INTEGER,
    card_message_id  INTEGER,
    UNIQUE (community_id, number)
);
CREATE INDEX notices_with_cards ON notices (created_at) WHERE card_chat_id IS NOT NULL;

CREATE TABLE notice_reads (
    notice_id  INTEGER NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    household  TEXT    NOT NULL,   -- unit code
    user_id    INTEGER NOT NULL,   -- who of the household confirmed
    read_at    TEXT    NOT NULL,
    PRIMARY KEY (notice_id, household)
);
