-- The group's pinned "start here" message (issue 11's front door), posted through the outbox
-- since issue 12's session: its message is stored, so a send tried again after a crash edits it
-- instead of posting a second one, and /setup again redraws and pins the same message.
CREATE TABLE front_doors (
    community_id  INTEGER PRIMARY KEY REFERENCES communities (id) ON DELETE CASCADE,
    chat_id       INTEGER NOT NULL,
    message_id    INTEGER NOT NULL
);
