"""Contribution points (积分): a ledger of what households did for the community."""
