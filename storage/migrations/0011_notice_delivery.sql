-- Notices delivered privately, pinned, urgent, with a file, scheduled, cancelled or withdrawn
-- (issue 10); who the bot may write to privately; /unread's reminders.
ALTER TABLE notices ADD COLUMN status TEXT NOT NULL DEFAULT 'published'
    CHECK (status IN ('scheduled', 'published', 'cancelled', 'withdrawn'));
ALTER TABLE notices ADD COLUMN publish_at TEXT;    -- when a scheduled notice goes out (UTC)
ALTER TABLE notices ADD COLUMN published_at TEXT;  -- when its card was written to the outbox
ALTER TABLE notices ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notices ADD COLUMN pin INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notices ADD COLUMN file_kind TEXT CHECK (file_kind IN ('photo', 'document'));
ALTER TABLE notices ADD COLUMN file_id TEXT;
UPDATE notices SET published_at = created_at;
CREATE INDEX notices_scheduled ON notices (publish_at) WHERE status = 'scheduled';
CREATE INDEX notices_published ON notices (community_id, published_at);

-- A notice's private copy to one person: sent once, edited when the notice is withdrawn.
CREATE TABLE notice_copies (
    notice_id   INTEGER NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    PRIMARY KEY (notice_id, user_id)
);

-- /unread's "Remind them": at most once per notice every 6 hours.
CREATE TABLE notice_reminders (
    id         INTEGER PRIMARY KEY,
    notice_id  INTEGER NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    sent_by    INTEGER NOT NULL,
    sent_at    TEXT    NOT NULL
);
CREATE INDEX notice_reminders_of ON notice_reminders (notice_id, sent_at);

-- Whether the bot may write to a user privately: they sent /start there, or a private message
-- went through (reachable), or Telegram answered 403 (not).
CREATE TABLE private_chats (
    user_id     INTEGER PRIMARY KEY,
    reachable   INTEGER NOT NULL,
    changed_at  TEXT    NOT NULL
);

-- Who had already written to the bot privately: a join with a letterbox code (private only), a
-- phone shared to become a verified owner, a report form. A block since then is learnt at the
-- first private send (403).
INSERT OR IGNORE INTO private_chats (user_id, reachable, changed_at)
    SELECT user_id, 1, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
    FROM (
        SELECT user_id FROM memberships WHERE verification = 'code'
        UNION SELECT user_id FROM ownerships WHERE method = 'phone'
        UNION SELECT user_id FROM report_drafts
    );
