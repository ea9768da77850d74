from __future__ import annotations

from collections.abc import Iterable

import aiosqlite

from bot.units.model import StoredUnit, Unit, is_developer
from storage.rows import fetch, from_centi, to_centi


def _stored(row: aiosqlite.Row) -> StoredUnit:
    unit = Unit(
        row["code"],
        row["building"],
        from_centi(row["area_centi_m2"]),
        row["owner_key"],
        row["owner_phone"],
    )
    return StoredUnit(row["id"], unit, bool(row["retired"]))


class SqliteUnitRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def get(self, community_id: int, code: str) -> StoredUnit | None:
        found = await fetch(
            self._conn,
            "SELECT * FROM units WHERE community_id = :cid AND code = :code",
            {"cid": community_id, "code": code},
        )
        row = await found.fetchone()
        return _stored(row) if row else None

    async def by_id(self, community_id: int, unit_id: int) -> StoredUnit | None:
        found = await fetch(
            self._conn,
            "SELECT * FROM units WHERE community_id = :cid AND id = :id",
            {"cid": community_id, "id": unit_id},
        )
        row = await found.fetchone()
        return _stored(row) if row else None

    async def stored(self, community_id: int) -> list[StoredUnit]:
        found = await fetch(
            self._conn,
            "SELECT * FROM units WHERE community_id = :cid ORDER BY building, code",
            {"cid": community_id},
        )
        return [_stored(row) for row in await found.fetchall()]

    async def in_register(self, community_id: int) -> list[Unit]:
        return [s.unit for s in await self.stored(community_id) if not s.retired]

    async def of_owner(self, community_id: int, owner_key: str) -> list[Unit]:
        """The units of one owner; for the developer, all developer units (they are one owner)."""
        if is_developer(owner_key):
            return [u for u in await self.in_register(community_id) if u.is_developer]
        found = await fetch(
            self._conn,
            "SELECT * FROM units WHERE community_id = :cid AND owner_key = :owner AND retired = 0"
            " ORDER BY code",
            {"cid": community_id, "owner": owner_key},
        )
        return [_stored(row).unit for row in await found.fetchall()]

    async def with_phone(self, phone: str) -> list[tuple[int, StoredUnit]]:
        """(community id, unit) of every unit in a register with this owner's phone (E.164)."""
        found = await fetch(
            self._conn,
            "SELECT * FROM units WHERE owner_phone = :phone AND retired = 0"
            " ORDER BY community_id, code",
            {"phone": phone},
        )
        return [(row["community_id"], _stored(row)) for row in await found.fetchall()]

    async def buildings(self, community_id: int) -> set[str]:
        found = await fetch(
            self._conn,
            "SELECT DISTINCT building FROM units WHERE community_id = :cid AND retired = 0",
            {"cid": community_id},
        )
        return {row["building"] for row in await found.fetchall()}

    async def save(
        self,
        community_id: int,
        units: Iterable[Unit],
        *,
        retire: Iterable[str],
        remove: Iterable[str],
        revoke_ownerships: Iterable[str] = (),
    ) -> None:
        """Upsert the file's units, retire the inhabited missing ones, delete the rest; the units
        of `revoke_ownerships` lose their live ownerships (verified or asked for)."""
        rows = [
            {
                "cid": community_id,
                "code": u.code,
                "building": u.building,
                "area": to_centi(u.area_m2),
                "owner": u.owner_key,
                "phone": u.owner_phone,
            }
            for u in units
        ]
        await self._conn.executemany(
            "UPDATE ownerships SET status = 'revoked' WHERE status IN ('pending', 'verified')"
            " AND unit_id IN (SELECT id FROM units WHERE community_id = :cid AND code = :code)",
            [{"cid": community_id, "code": code} for code in revoke_ownerships],
        )
        await self._conn.executemany(
            "INSERT INTO units"
            " (community_id, code, building, area_centi_m2, owner_key, owner_phone, retired)"
            " VALUES (:cid, :code, :building, :area, :owner, :phone, 0)"
            " ON CONFLICT (community_id, code) DO UPDATE SET building = excluded.building,"
            " area_centi_m2 = excluded.area_centi_m2, owner_key = excluded.owner_key,"
            " owner_phone = excluded.owner_phone, retired = 0",
            rows,
        )
        await self._conn.executemany(
            "UPDATE units SET retired = 1 WHERE community_id = :cid AND code = :code",
            [{"cid": community_id, "code": code} for code in retire],
        )
        removed = [{"cid": community_id, "code": code} for code in remove]
        await self._conn.executemany(
            "DELETE FROM memberships WHERE unit_id IN"
            " (SELECT id FROM units WHERE community_id = :cid AND code = :code)",
            removed,
        )
        await self._conn.executemany(
            "DELETE FROM units WHERE community_id = :cid AND code = :code", removed
        )

    async def inhabited(self, community_id: int, *, verified_only: bool = False) -> set[str]:
        """Codes of the units with a live (or only verified) resident."""
        found = await fetch(
            self._conn,
            "SELECT DISTINCT u.code FROM memberships m JOIN units u ON u.id = m.unit_id"
            " WHERE u.community_id = :cid AND m.status IN ('verified', :also)",
            {"cid": community_id, "also": "verified" if verified_only else "pending"},
        )
        return {row["code"] for row in await found.fetchall()}
