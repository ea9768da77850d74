from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.codes.model import CodeRecord
from storage.rows import fetch, to_text


class SqliteCodeRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def exists(self, code: str) -> bool:
        found = await fetch(
            self._conn, "SELECT 1 FROM unit_codes WHERE code = :code", {"code": code}
        )
        return await found.fetchone() is not None

    async def active(self, community_id: int) -> dict[str, str]:
        found = await fetch(
            self._conn,
            "SELECT u.code AS unit_code, c.code FROM unit_codes c JOIN units u ON u.id = c.unit_id"
            " WHERE u.community_id = :cid AND c.revoked_at IS NULL",
            {"cid": community_id},
        )
        return {row["unit_code"]: row["code"] for row in await found.fetchall()}

    async def create(self, community_id: int, unit_code: str, code: str, *, now: datetime) -> None:
        await self._conn.execute(
            "INSERT INTO unit_codes (code, unit_id, created_at)"
            " SELECT :code, id, :now FROM units WHERE community_id = :cid AND code = :unit",
            {"code": code, "now": to_text(now), "cid": community_id, "unit": unit_code},
        )

    async def revoke(self, community_id: int, unit_code: str, *, now: datetime) -> None:
        await self._conn.execute(
            "UPDATE unit_codes SET revoked_at = :now WHERE revoked_at IS NULL AND unit_id ="
            " (SELECT id FROM units WHERE community_id = :cid AND code = :unit)",
            {"now": to_text(now), "cid": community_id, "unit": unit_code},
        )

    async def find(self, code: str) -> CodeRecord | None:
        found = await fetch(
            self._conn,
            "SELECT c.code, c.uses, c.revoked_at, u.community_id, u.code AS unit_code"
            " FROM unit_codes c JOIN units u ON u.id = c.unit_id WHERE c.code = :code",
            {"code": code},
        )
        row = await found.fetchone()
        if row is None:
            return None
        return CodeRecord(
            row["code"],
            row["community_id"],
            row["unit_code"],
            row["uses"],
            row["revoked_at"] is not None,
        )

    async def use(self, code: str) -> None:
        await self._conn.execute(
            "UPDATE unit_codes SET uses = uses + 1 WHERE code = :code", {"code": code}
        )

    async def failures_since(self, user_id: int, since: datetime) -> int:
        found = await fetch(
            self._conn,
            "SELECT COUNT(*) AS n FROM code_failures"
            " WHERE user_id = :uid AND attempted_at >= :since",
            {"uid": user_id, "since": to_text(since)},
        )
        row = await found.fetchone()
        return int(row["n"]) if row else 0

    async def record_failure(self, user_id: int, *, now: datetime) -> None:
        await self._conn.execute(
            "INSERT INTO code_failures (user_id, attempted_at) VALUES (:uid, :now)",
            {"uid": user_id, "now": to_text(now)},
        )
