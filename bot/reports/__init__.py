"""Repair reports: `model` holds the tickets, the state machine and the rules; `cases` the use
cases (filing, me too, staff actions, feedback, deadlines, lists)."""
