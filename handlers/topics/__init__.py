"""Topics in Telegram: /propose, the Support button, /topics, /settings."""
