"""Notices: a rep, the committee or an admin posts a notice; households confirm they read it."""
