"""Participation made visible: /stats, its charts and its export."""
