"""Contribution points (积分): /points, /top, grants and redemptions, `/settings points`."""
