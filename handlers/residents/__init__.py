"""Residents in Telegram: joining (by command or buttons), review cards, /me, /leave, /members,
/role."""
