-- Notice and publication periods of owners' votes (物业管理条例 art. 14: owners are told 15 days
-- ahead), and the objections lodged while a result is published (公示期).
ALTER TABLE communities ADD COLUMN notice_days INTEGER NOT NULL DEFAULT 15
    CHECK (notice_days BETWEEN 0 AND 60);
ALTER TABLE communities ADD COLUMN publication_days INTEGER NOT NULL DEFAULT 7
    CHECK (publication_days BETWEEN 1 AND 60);

-- An announced vote is a draft with an opening time: it opens by itself then (the status CHECK
-- of `votes` stays as it is, so that its ballots and records need not be rebuilt).
ALTER TABLE votes ADD COLUMN announced_at TEXT;
ALTER TABLE votes ADD COLUMN opens_at TEXT;
ALTER TABLE votes ADD COLUMN publication_ends_at TEXT;
CREATE INDEX votes_announced ON votes (opens_at) WHERE status = 'draft' AND opens_at IS NOT NULL;

CREATE TABLE vote_objections (
    id           INTEGER PRIMARY KEY,
    vote_id      INTEGER NOT NULL REFERENCES votes (id) ON DELETE CASCADE,
    number       INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    text         TEXT    NOT NULL,
    lodged_at    TEXT    NOT NULL,
    answer       TEXT,
    answered_by  INTEGER,
    answered_at  TEXT,
    UNIQUE (vote_id, number)
);
