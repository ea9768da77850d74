"""An empty database, and a database at every earlier version, migrate to the latest schema."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest

from storage.database import Database, connect
from storage.migrate import (
    Migration,
    applied_versions,
    current_version,
    latest_version,
    migrate,
    migrations,
)


async def schema(conn: aiosqlite.Connection) -> list[tuple[str, str]]:
    async with conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
    ) as cursor:
        return [(row[0], row[1]) for row in await cursor.fetchall()]


async def fresh_schema(path: Path) -> list[tuple[str, str]]:
    conn = await connect(path)
    await migrate(conn)
    result = await schema(conn)
    await conn.close()
    return result


def test_migrations_are_numbered_in_order_each_number_once() -> None:
    versions = [m.version for m in migrations()]
    assert versions == sorted(set(versions))
    assert versions[0] == 1
    assert latest_version() == versions[-1] >= 2


async def test_a_migration_that_lands_after_a_higher_number_is_still_applied(
    tmp_path: Path,
) -> None:
    """Two branches add 0008 and 0009 side by side; a database that got 0009 first gets 0008
    when it ships, and neither is applied twice."""
    shipped = [m for m in migrations() if m.version <= 7]
    late = Migration(8, "0008_late.sql", "CREATE TABLE late_table (id INTEGER PRIMARY KEY);")
    early = Migration(9, "0009_early.sql", "CREATE TABLE early_table (id INTEGER PRIMARY KEY);")
    conn = await connect(tmp_path / "gap.db")
    assert await migrate(conn, shipped=[*shipped, early]) == 9
    assert await applied_versions(conn) == {1, 2, 3, 4, 5, 6, 7, 9}
    assert await migrate(conn, shipped=[*shipped, late, early]) == 9
    assert await applied_versions(conn) == set(range(1, 10))
    names = {name for name, _ in await schema(conn)}
    assert {"late_table", "early_table"} <= names
    assert await migrate(conn, shipped=[*shipped, late, early]) == 9  # nothing again
    await conn.close()


async def test_a_database_from_before_the_record_counts_everything_up_to_its_version(
    tmp_path: Path,
) -> None:
    conn = await connect(tmp_path / "old.db")
    for migration in [m for m in migrations() if m.version <= 5]:
        await conn.executescript(
            f"BEGIN;\n{migration.sql}\nPRAGMA user_version = {migration.version};\nCOMMIT;"
        )
    assert await applied_versions(conn) == {1, 2, 3, 4, 5}
    assert await migrate(conn) == latest_version()
    assert await applied_versions(conn) == {m.version for m in migrations()}
    await conn.close()


async def test_empty_database_migrates_to_latest(tmp_path: Path) -> None:
    conn = await connect(tmp_path / "new" / "empty.db")
    assert await current_version(conn) == 0
    assert await migrate(conn) == latest_version()
    async with conn.execute("PRAGMA journal_mode") as cursor:
        assert tuple(await cursor.fetchone() or ()) == ("wal",)
    async with conn.execute("PRAGMA foreign_keys") as cursor:
        assert tuple(await cursor.fetchone() or ()) == (1,)
    await conn.close()


@pytest.mark.parametrize("start", [0, *[m.version for m in migrations()][:-1]])
async def test_every_earlier_version_migrates_to_latest_keeping_data(
    tmp_path: Path, start: int
) -> None:
    path = tmp_path / f"at-{start}.db"
    conn = await connect(path)
    await migrate(conn, target=start)
    assert await current_version(conn) == start
    if start >= 1:
        await conn.execute(
            "INSERT INTO communities (chat_id, name, language, timezone, created_by, created_at)"
            " VALUES (-100, 'Old', 'zh', 'Asia/Shanghai', 1, '2026-01-01T00:00:00+00:00')"
        )
    await conn.close()

    database = await Database.open(path)  # what start-up does
    async with database.unit_of_work() as uow:
        kept = await uow.communities.by_chat(-100)
    await database.close()
    assert (kept is not None) == (start >= 1)

    conn = await connect(path)
    assert await current_version(conn) == latest_version()
    assert await schema(conn) == await fresh_schema(tmp_path / "fresh.db")
    await conn.close()


async def test_migrating_twice_changes_nothing(tmp_path: Path) -> None:
    conn = await connect(tmp_path / "twice.db")
    await migrate(conn)
    before = await schema(conn)
    assert await migrate(conn) == latest_version()
    assert await schema(conn) == before
    await conn.close()
