-- Vote drafts edited with buttons (issue 11): a deleted draft is kept as a tombstone, so that a
-- press on its old card answers "deleted" and its number is never given to another vote; and
-- "edit question" waits for the author's next message in that chat, across a restart.
ALTER TABLE votes ADD COLUMN deleted_at TEXT;

CREATE TABLE vote_question_prompts (
    user_id   INTEGER NOT NULL,
    chat_id   INTEGER NOT NULL,
    vote_id   INTEGER NOT NULL REFERENCES votes (id) ON DELETE CASCADE,
    asked_at  TEXT    NOT NULL,
    PRIMARY KEY (user_id, chat_id)
);
