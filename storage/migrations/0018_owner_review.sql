-- Ownership requests reviewed privately (issue 11): like a join request's (0017), the review
-- card of a request to be verified as owner goes to each reviewer (or the staff chat), so a
-- request has a card per chat; and the reviewers who could not be reached.
CREATE TABLE ownership_cards (
    ownership_id  INTEGER NOT NULL REFERENCES ownerships (id) ON DELETE CASCADE,
    chat_id       INTEGER NOT NULL,
    message_id    INTEGER NOT NULL,
    PRIMARY KEY (ownership_id, chat_id)
);
INSERT INTO ownership_cards (ownership_id, chat_id, message_id)
    SELECT id, card_chat_id, card_message_id FROM ownerships WHERE card_chat_id IS NOT NULL;

CREATE TABLE ownership_review_misses (
    ownership_id  INTEGER NOT NULL REFERENCES ownerships (id) ON DELETE CASCADE,
    chat_id       INTEGER NOT NULL,
    PRIMARY KEY (ownership_id, chat_id)
);
