-- A vote's electorate is frozen when it opens (voters with their units, buildings and area);
-- ballots say whether they were cast online or entered from paper, and carry a receipt; the
-- hash chain gets an opening record; reminders are remembered so they are not repeated.
CREATE TABLE vote_voters (
    vote_id     INTEGER NOT NULL REFERENCES votes (id) ON DELETE CASCADE,
    voter_key   TEXT    NOT NULL,   -- a unit code, or owner:<key> / developer under the Civil Code
    area_cents  INTEGER NOT NULL CHECK (area_cents >= 0),
    buildings   TEXT    NOT NULL,   -- space-separated, natural order
    PRIMARY KEY (vote_id, voter_key)
);

CREATE TABLE vote_voter_units (
    vote_id    INTEGER NOT NULL,
    unit_code  TEXT    NOT NULL,
    voter_key  TEXT    NOT NULL,
    area_cents INTEGER NOT NULL CHECK (area_cents >= 0),
    building   TEXT    NOT NULL,
    owner_key  TEXT    NOT NULL,
    PRIMARY KEY (vote_id, unit_code),
    FOREIGN KEY (vote_id, voter_key) REFERENCES vote_voters (vote_id, voter_key) ON DELETE CASCADE
);
CREATE INDEX vote_voter_units_key ON vote_voter_units (vote_id, voter_key);

-- In a building vote, an owner's units outside the building: not counted, but whoever is verified
-- owner of one of them is that owner and casts that ballot.
CREATE TABLE vote_voter_links (
    vote_id    INTEGER NOT NULL,
    unit_code  TEXT    NOT NULL,
    voter_key  TEXT    NOT NULL,
    PRIMARY KEY (vote_id, unit_code),
    FOREIGN KEY (vote_id, voter_key) REFERENCES vote_voters (vote_id, voter_key) ON DELETE CASCADE
);

ALTER TABLE votes ADD COLUMN electorate_frozen INTEGER NOT NULL DEFAULT 0;

ALTER TABLE ballots ADD COLUMN source TEXT NOT NULL DEFAULT 'online'
    CHECK (source IN ('online', 'paper'));
ALTER TABLE ballots ADD COLUMN receipt TEXT NOT NULL DEFAULT '';

-- SQLite cannot widen a CHECK constraint in place: rebuild the chain table with the new kinds.
CREATE TABLE vote_records_v5 (
    vote_id    INTEGER NOT NULL REFERENCES votes (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('open', 'cast', 'change', 'close')),
    data       TEXT    NOT NULL,   -- canonical JSON
    prev_hash  TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    PRIMARY KEY (vote_id, seq)
);
INSERT INTO vote_records_v5 SELECT vote_id, seq, kind, data, prev_hash, hash FROM vote_records;
DROP TABLE vote_records;
ALTER TABLE vote_records_v5 RENAME TO vote_records;

CREATE TABLE vote_reminders (
    vote_id  INTEGER NOT NULL REFERENCES votes (id) ON DELETE CASCADE,
    sent_by  INTEGER NOT NULL,
    sent_at  TEXT    NOT NULL
);
CREATE INDEX vote_reminders_by ON vote_reminders (vote_id, sent_by, sent_at);

