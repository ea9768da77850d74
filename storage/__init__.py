"""aiosqlite repositories and the numbered SQL migrations. No Telegram here."""
