"""Repair reports in Telegram: the private form, quick reports, staff buttons, deliveries and
deadlines."""
