"""What the bot remembers about a Telegram user."""
