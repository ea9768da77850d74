"""Notices in Telegram: /notice, the Read button, the card kept up to date."""
