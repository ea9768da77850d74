"""Communities: a group chat bound as a community, its language and settings."""
