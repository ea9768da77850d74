"""Deliberation meetings (议事会): scheduling, agenda (审议), RSVPs, reminders, minutes."""
