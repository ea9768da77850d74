-- Residence and ownership apart (issue 8). A membership is residence (a letterbox code or a
-- review verifies it); an ownership is a verified fact of its own: by review (someone other
-- than the applicant approves) or by the owner's phone in the register. Roles gain the
-- developer's agent; the register gains the owner's phone; a per-installation secret salts the
-- hash of a phone a user shares.

CREATE TABLE roles_new (
    community_id  INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'committee', 'rep', 'developer-agent')),
    buildings     TEXT    NOT NULL DEFAULT '',  -- comma-separated, for reps
    granted_by    INTEGER NOT NULL,
    granted_at    TEXT    NOT NULL,
    PRIMARY KEY (community_id, user_id)
);
INSERT INTO roles_new (community_id, user_id, role, buildings, granted_by, granted_at)
    SELECT community_id, user_id, role, buildings, granted_by, granted_at FROM roles;
DROP TABLE roles;
ALTER TABLE roles_new RENAME TO roles;

-- 'resident': lives there, owner or not (a letterbox code proves no more than that)
CREATE TABLE memberships_new (
    id               INTEGER PRIMARY KEY,
    unit_id          INTEGER NOT NULL REFERENCES units (id),
    user_id          INTEGER NOT NULL REFERENCES users (id),
    relation         TEXT    NOT NULL CHECK (relation IN ('owner', 'tenant', 'resident')),
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'verified', 'rejected', 'left')),
    requested_at     TEXT    NOT NULL,
    decided_at       TEXT,
    decided_by       INTEGER,
    card_chat_id     INTEGER,
    card_message_id  INTEGER,
    verification     TEXT    NOT NULL DEFAULT 'review' CHECK (verification IN ('review', 'code'))
);
INSERT INTO memberships_new (id, unit_id, user_id, relation, status, requested_at, decided_at,
                             decided_by, card_chat_id, card_message_id, verification)
    SELECT id, unit_id, user_id, relation, status, requested_at, decided_at,
           decided_by, card_chat_id, card_message_id, verification FROM memberships;
DROP TABLE memberships;
ALTER TABLE memberships_new RENAME TO memberships;
CREATE UNIQUE INDEX memberships_one_live ON memberships (unit_id, user_id)
    WHERE status IN ('pending', 'verified');
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE ownerships (
    id               INTEGER PRIMARY KEY,
    unit_id          INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    user_id          INTEGER NOT NULL REFERENCES users (id),
    status           TEXT    NOT NULL
                         CHECK (status IN ('pending', 'verified', 'rejected', 'revoked')),
    method           TEXT    NOT NULL CHECK (method IN ('review', 'phone')),
    phone_hash       TEXT,                       -- salted hash of the phone that matched
    requested_at     TEXT    NOT NULL,
    decided_at       TEXT,
    decided_by       INTEGER,
    card_chat_id     INTEGER,
    card_message_id  INTEGER
);
CREATE UNIQUE INDEX ownerships_one_live ON ownerships (unit_id, user_id)
    WHERE status IN ('pending', 'verified');
CREATE INDEX ownerships_user ON ownerships (user_id);

-- Owners approved by someone else keep their ownership; self-declared ones (by code) and
-- self-approved ones become residents, who can verify ownership again.
INSERT INTO ownerships (unit_id, user_id, status, method, requested_at, decided_at, decided_by)
    SELECT unit_id, user_id, 'verified', 'review', requested_at, decided_at, decided_by
    FROM memberships
    WHERE relation = 'owner' AND status = 'verified' AND verification = 'review'
      AND decided_by IS NOT NULL AND decided_by != user_id;
UPDATE memberships SET relation = 'resident'
    WHERE relation = 'owner' AND status = 'verified'
      AND (verification = 'code' OR decided_by IS NULL OR decided_by = user_id);

ALTER TABLE units ADD COLUMN owner_phone TEXT;  -- E.164, as the committee imported it
CREATE INDEX units_owner_phone ON units (owner_phone) WHERE owner_phone IS NOT NULL;

CREATE TABLE installation_secrets (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
INSERT INTO installation_secrets (name, value) VALUES ('phone_salt', lower(hex(randomblob(32))));
