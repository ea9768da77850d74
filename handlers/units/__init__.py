"""The unit register in Telegram: /units with a CSV file."""
