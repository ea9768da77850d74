-- Contribution points (积分, issue 12): a ledger, never a bare counter; a balance is a SUM.
-- An earning act carries its key (the vote, topic, ticket, notice or meeting), and the unique
-- index makes earning idempotent: INSERT OR IGNORE pays each (act, key, household) once.
-- Grants and redemptions have no key (each is its own row) but a reason and the admin.
CREATE TABLE points_ledger (
    id            INTEGER PRIMARY KEY,
    community_id  INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    unit_code     TEXT    NOT NULL,
    act           TEXT    NOT NULL CHECK (act IN ('ballot', 'support', 'topic_reached',
                      'report_acknowledged', 'notice_read', 'meeting_attended', 'grant',
                      'redeem')),
    act_key       INTEGER,
    amount        INTEGER NOT NULL CHECK (amount != 0),
    reason        TEXT    NOT NULL DEFAULT '',
    by_user       INTEGER,
    at            TEXT    NOT NULL,
    CHECK ((act IN ('grant', 'redeem')) = (act_key IS NULL))
);
CREATE UNIQUE INDEX points_ledger_once
    ON points_ledger (community_id, act, act_key, unit_code) WHERE act_key IS NOT NULL;
CREATE INDEX points_ledger_household ON points_ledger (community_id, unit_code, id);
CREATE INDEX points_ledger_time ON points_ledger (community_id, at);

-- What each earning act pays, where a community changed it (absent: the default; 0: off).
CREATE TABLE points_rules (
    community_id  INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    act           TEXT    NOT NULL,
    amount        INTEGER NOT NULL CHECK (amount BETWEEN 0 AND 100),
    PRIMARY KEY (community_id, act)
);

-- `/top optout`: a resident who does not want their household named in the ranking.
CREATE TABLE points_opt_outs (
    community_id  INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    unit_code     TEXT    NOT NULL,
    user_id       INTEGER NOT NULL,
    at            TEXT    NOT NULL,
    PRIMARY KEY (community_id, unit_code, user_id)
);
