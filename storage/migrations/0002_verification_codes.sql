-- Letterbox verification codes, throttling of wrong guesses, how a membership was verified,
-- and the community a user picked through a deep link (for /join in a private chat).
CREATE TABLE unit_codes (
    code        TEXT    PRIMARY KEY,             -- unique across all communities
    unit_id     INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    uses        INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL,
    revoked_at  TEXT
);
CREATE UNIQUE INDEX unit_codes_one_active ON unit_codes (unit_id) WHERE revoked_at IS NULL;

CREATE TABLE code_failures (
    user_id       INTEGER NOT NULL,
    attempted_at  TEXT    NOT NULL
);
CREATE INDEX code_failures_user ON code_failures (user_id, attempted_at);

ALTER TABLE memberships ADD COLUMN verification TEXT NOT NULL DEFAULT 'review'
    CHECK (verification IN ('review', 'code'));
ALTER TABLE users ADD COLUMN context_community_id INTEGER REFERENCES communities (id);
