"""Migration 0006 (owner verification, issue 8) on a database with data at version 4: owners
approved by someone else keep their ownership; self-declared (by code) and self-approved ones
become residents; roles and memberships are kept; the developer's agent can be stored."""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from storage.database import Database, connect
from storage.migrate import migrate

T = "2026-01-01T00:00:00+00:00"


async def rows(conn: aiosqlite.Connection, sql: str) -> list[tuple[object, ...]]:
    async with conn.execute(sql) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def test_version_4_data_becomes_residence_and_ownership(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    conn = await connect(path)
    await migrate(conn, target=4)
    await conn.executescript(
        f"""
        INSERT INTO communities (id, chat_id, name, language, timezone, created_by, created_at)
            VALUES (1, -100, 'Old', 'zh', 'Asia/Shanghai', 1, '{T}');
        INSERT INTO users (id, display_name, updated_at) VALUES
            (1, 'Admin', '{T}'), (10, 'By code', '{T}'), (11, 'Approved', '{T}'),
            (12, 'Self-approved', '{T}'), (13, 'Tenant', '{T}'), (14, 'Pending', '{T}');
        INSERT INTO units (id, community_id, code, building, area_centi_m2, owner_key) VALUES
            (1, 1, '1-101', '1', 9000, 'A'), (2, 1, '1-102', '1', 9000, 'B'),
            (3, 1, '1-201', '1', 12000, 'C'), (4, 1, '1-202', '1', 6000, 'D'),
            (5, 1, '2-101', '2', 10000, 'E');
        INSERT INTO memberships (id, unit_id, user_id, relation, status, requested_at,
                                 decided_at, decided_by, verification) VALUES
            (1, 1, 10, 'owner', 'verified', '{T}', '{T}', NULL, 'code'),
            (2, 2, 11, 'owner', 'verified', '{T}', '{T}', 1, 'review'),
            (3, 3, 12, 'owner', 'verified', '{T}', '{T}', 12, 'review'),
            (4, 4, 13, 'tenant', 'verified', '{T}', '{T}', 1, 'review'),
            (5, 5, 14, 'owner', 'pending', '{T}', NULL, NULL, 'review');
        INSERT INTO roles (community_id, user_id, role, buildings, granted_by, granted_at)
            VALUES (1, 7, 'rep', '1,2', 1, '{T}');
        """
    )
    await conn.close()

    database = await Database.open(path)
    await database.close()

    conn = await connect(path)
    assert await rows(conn, "SELECT id, relation, status FROM memberships ORDER BY id") == [
        (1, "resident", "verified"),
        (2, "owner", "verified"),
        (3, "resident", "verified"),
        (4, "tenant", "verified"),
        (5, "owner", "pending"),
    ]
    assert await rows(
        conn, "SELECT unit_id, user_id, status, method, decided_by FROM ownerships"
    ) == [(2, 11, "verified", "review", 1)]
    assert await rows(conn, "SELECT user_id, role, buildings FROM roles") == [(7, "rep", "1,2")]
    await conn.execute(
        "INSERT INTO roles (community_id, user_id, role, granted_by, granted_at)"
        f" VALUES (1, 8, 'developer-agent', 1, '{T}')"
    )
    (salt,) = await rows(conn, "SELECT value FROM installation_secrets WHERE name = 'phone_salt'")
    assert isinstance(salt[0], str) and len(salt[0]) == 64
    assert await rows(conn, "SELECT owner_phone FROM units WHERE id = 1") == [(None,)]
    await conn.close()
