"""Participation made visible: the figures of a community, per building and per month."""
