"""Numbered SQL migrations (`migrations/NNNN_name.sql`), applied in order at start-up.

Every applied migration is recorded in `schema_migrations`, so numbers need not run without
gaps: migrations written side by side on two branches (say 0008 and 0009) may land in either
order, and a database that got 0009 first still gets 0008 when it ships. The database's
`PRAGMA user_version` is the highest number applied. A database from before the record (no
`schema_migrations` yet) has applied every shipped migration up to its `user_version`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import aiosqlite

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

_RECORD = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)"


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """All migrations shipped with the code, in order; each number is used once."""
    folder = resources.files("storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions) or (versions and versions[0] < 1):
        raise RuntimeError(f"migration numbers are not unique: {[m.name for m in found]}")
    return found


def latest_version() -> int:
    return max((m.version for m in migrations()), default=0)


async def current_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def applied_versions(conn: aiosqlite.Connection) -> set[int]:
    """The migrations this database has applied (the record, else all up to user_version)."""
    async with conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ) as cursor:
        recorded = await cursor.fetchone() is not None
    if recorded:
        async with conn.execute("SELECT version FROM schema_migrations") as cursor:
            return {int(row[0]) for row in await cursor.fetchall()}
    version = await current_version(conn)
    return {m.version for m in migrations() if m.version <= version}


async def migrate(
    conn: aiosqlite.Connection,
    target: int | None = None,
    *,
    shipped: Sequence[Migration] | None = None,
) -> int:
    """Apply the missing migrations up to `target` (default: all), in order, each in one
    transaction with its record. Returns the database's version (the highest applied)."""
    applied = await applied_versions(conn)
    for migration in migrations() if shipped is None else shipped:
        if migration.version in applied or (target is not None and migration.version > target):
            continue
        version = max(applied | {migration.version})
        backfill = "".join(
            f"INSERT OR IGNORE INTO schema_migrations (version) VALUES ({int(v)});\n"  # noqa: S608
            for v in sorted(applied | {migration.version})
        )
        script = (
            f"BEGIN;\n{migration.sql}\n{_RECORD};\n{backfill}"
            f"PRAGMA user_version = {version};\nCOMMIT;"
        )
        try:
            await conn.executescript(script)
        except Exception:
            if conn.in_transaction:
                await conn.rollback()
            raise
        applied.add(migration.version)
    return await current_version(conn)
