"""An empty database, and a database at every earlier version, migrate to the latest schema."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest

from storage.database import Database, connect
from storage.migrate import current_version, latest_version, migrate, migrations


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


def test_migrations_are_numbered_without_gaps() -> None:
    assert [m.version for m in migrations()] == list(range(1, latest_version() + 1))
    assert latest_version() >= 2


async def test_empty_database_migrates_to_latest(tmp_path: Path) -> None:
    conn = await connect(tmp_path / "new" / "empty.db")
    assert await current_version(conn) == 0
    assert await migrate(conn) == latest_version()
    async with conn.execute("PRAGMA journal_mode") as cursor:
        assert tuple(await cursor.fetchone() or ()) == ("wal",)
    async with conn.execute("PRAGMA foreign_keys") as cursor:
        assert tuple(await cursor.fetchone() or ()) == (1,)
    await conn.close()


@pytest.mark.parametrize("start", range(latest_version()))
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
