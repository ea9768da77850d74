"""The domain and its use cases. Imports neither `telegram` nor `aiosqlite` (ARCHITECTURE.md)."""
