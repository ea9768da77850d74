"""Votes in Telegram: /vote and its draft, ballot buttons, the live card, closing and results."""
