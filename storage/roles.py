from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import aiosqlite

from bot.roles.model import Role, RoleGrant
from storage.rows import fetch, in_list, to_text


def _grant(row: aiosqlite.Row) -> RoleGrant:
    buildings = tuple(b for b in row["buildings"].split(",") if b)
    return RoleGrant(row["community_id"], row["user_id"], Role(row["role"]), buildings)


class SqliteRoleRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def get(self, community_id: int, user_id: int) -> RoleGrant | None:
        found = await fetch(
            self._conn,
            "SELECT * FROM roles WHERE community_id = :cid AND user_id = :uid",
            {"cid": community_id, "uid": user_id},
        )
        row = await found.fetchone()
        return _grant(row) if row else None

    async def of_users(self, community_id: int, user_ids: Collection[int]) -> list[RoleGrant]:
        marks, params = in_list(user_ids)
        found = await fetch(
            self._conn,
            f"SELECT * FROM roles WHERE community_id = :cid AND user_id IN ({marks})",  # noqa: S608
            {"cid": community_id, **params},
        )
        return [_grant(row) for row in await found.fetchall()]

    async def put(self, grant: RoleGrant, *, granted_by: int, now: datetime) -> None:
        await self._conn.execute(
            "INSERT INTO roles (community_id, user_id, role, buildings, granted_by, granted_at)"
            " VALUES (:cid, :uid, :role, :buildings, :by, :now)"
            " ON CONFLICT (community_id, user_id) DO UPDATE SET role = excluded.role,"
            " buildings = excluded.buildings, granted_by = excluded.granted_by,"
            " granted_at = excluded.granted_at",
            {
                "cid": grant.community_id,
                "uid": grant.user_id,
                "role": grant.role.value,
                "buildings": ",".join(grant.buildings),
                "by": granted_by,
                "now": to_text(now),
            },
        )

    async def remove(self, community_id: int, user_id: int) -> None:
        await self._conn.execute(
            "DELETE FROM roles WHERE community_id = :cid AND user_id = :uid",
            {"cid": community_id, "uid": user_id},
        )

    async def of_user(self, user_id: int) -> list[RoleGrant]:
        found = await fetch(
            self._conn, "SELECT * FROM roles WHERE user_id = :uid", {"uid": user_id}
        )
        return [_grant(row) for row in await found.fetchall()]

    async def of_community(self, community_id: int) -> list[RoleGrant]:
        found = await fetch(
            self._conn, "SELECT * FROM roles WHERE community_id = :cid", {"cid": community_id}
        )
        return [_grant(row) for row in await found.fetchall()]
