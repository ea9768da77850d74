"""Households and residents: joining, review, leaving, /me."""
