"""Letterbox verification codes."""
