"""Telegram glue: parse the update, call a use case, render the reply or keyboard."""
