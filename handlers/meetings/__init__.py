"""Meetings in the group: /meeting, the card and its RSVP buttons, /agenda, /minutes."""
