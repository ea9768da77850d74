"""Roles (admin, committee, rep, resident) and what each may do."""
