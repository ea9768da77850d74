"""The weekly digest in the group, its schedule, and proposing a topic from a frequent problem."""
