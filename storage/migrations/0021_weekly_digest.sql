-- The weekly digest (issue 12, item 4): each community's schedule (no row: every Monday 09:00
-- local), the weeks already sent (one row per community and week, so a job that fires twice or
-- a restart sends it once), and the topics a resident is about to propose from a frequent
-- problem (the prefilled text with Propose it / Cancel, proposed at most once).
CREATE TABLE digest_settings (
    community_id  INTEGER PRIMARY KEY REFERENCES communities (id) ON DELETE CASCADE,
    weekday       INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),   -- 0: Monday
    local_time    TEXT    NOT NULL,                                   -- HH:MM, local wall time
    enabled       INTEGER NOT NULL CHECK (enabled IN (0, 1))
);

CREATE TABLE digests_sent (
    community_id  INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    week          TEXT    NOT NULL,   -- the local date the digest was due (YYYY-MM-DD)
    due_at        TEXT    NOT NULL,   -- the due moment (UTC): the end of the week it tells
    sent_at       TEXT    NOT NULL,
    UNIQUE (community_id, week)
);

CREATE TABLE digest_proposals (
    id            INTEGER PRIMARY KEY,
    community_id  INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL,
    building      TEXT    NOT NULL,
    category      TEXT    NOT NULL,
    text          TEXT    NOT NULL CHECK (text != ''),
    created_at    TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'proposed', 'cancelled'))
);
CREATE INDEX digest_proposals_of ON digest_proposals (community_id, user_id, building, category);
