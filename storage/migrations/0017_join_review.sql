-- Join requests reviewed privately (issue 11): the review card is sent to each reviewer (or the
-- staff chat), so a request has a card per chat; the reviewers who could not be reached; the
-- "other reason" a reviewer is asked to type for a rejection (kept across a restart).
CREATE TABLE join_cards (
    membership_id  INTEGER NOT NULL REFERENCES memberships (id) ON DELETE CASCADE,
    chat_id        INTEGER NOT NULL,
    message_id     INTEGER NOT NULL,
    PRIMARY KEY (membership_id, chat_id)
);
INSERT INTO join_cards (membership_id, chat_id, message_id)
    SELECT id, card_chat_id, card_message_id FROM memberships WHERE card_chat_id IS NOT NULL;

CREATE TABLE join_review_misses (
    membership_id  INTEGER NOT NULL REFERENCES memberships (id) ON DELETE CASCADE,
    chat_id        INTEGER NOT NULL,
    PRIMARY KEY (membership_id, chat_id)
);

CREATE TABLE join_reason_prompts (
    user_id        INTEGER PRIMARY KEY,
    membership_id  INTEGER NOT NULL REFERENCES memberships (id) ON DELETE CASCADE,
    asked_at       TEXT    NOT NULL
);
