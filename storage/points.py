"""The points ledger (`points_ledger`), the amounts per act (`points_rules`) and the opt-outs
from being named (`points_opt_outs`), migration 0020."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

import aiosqlite

from bot.points.model import Act, Entry
from storage.rows import fetch, from_text, in_list, to_text


def _entry(row: aiosqlite.Row) -> Entry:
    at = from_text(row["at"])
    assert at is not None
    return Entry(
        community_id=row["community_id"],
        unit_code=row["unit_code"],
        act=Act(row["act"]),
        amount=row["amount"],
        key=row["act_key"],
        reason=row["reason"],
        by=row["by_user"],
        at=at,
        id=row["id"],
    )


class SqlitePointsRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def amounts(self, community_id: int) -> dict[Act, int]:
        found = await fetch(
            self._conn,
            "SELECT act, amount FROM points_rules WHERE community_id = :cid",
            {"cid": community_id},
        )
        return {Act(row["act"]): row["amount"] for row in await found.fetchall()}

    async def set_amount(self, community_id: int, act: Act, amount: int) -> None:
        await self._conn.execute(
            "INSERT INTO points_rules (community_id, act, amount) VALUES (:cid, :act, :amount)"
            " ON CONFLICT (community_id, act) DO UPDATE SET amount = excluded.amount",
            {"cid": community_id, "act": act.value, "amount": amount},
        )

    async def add_earned(
        self,
        community_id: int,
        act: Act,
        amount: int,
        earnings: Sequence[tuple[str, int]],
        *,
        now: datetime,
    ) -> None:
        """One statement for the whole batch; a row already paid is ignored."""
        at = to_text(now)
        await self._conn.executemany(
            "INSERT OR IGNORE INTO points_ledger (community_id, unit_code, act, act_key,"
            " amount, at) VALUES (?, ?, ?, ?, ?, ?)",
            [(community_id, unit, act.value, key, amount, at) for unit, key in earnings],
        )

    async def add(self, entry: Entry) -> int:
        cursor = await self._conn.execute(
            "INSERT INTO points_ledger (community_id, unit_code, act, act_key, amount, reason,"
            " by_user, at) VALUES (:cid, :unit, :act, :key, :amount, :reason, :by, :at)",
            {
                "cid": entry.community_id,
                "unit": entry.unit_code,
                "act": entry.act.value,
                "key": entry.key,
                "amount": entry.amount,
                "reason": entry.reason,
                "by": entry.by,
                "at": to_text(entry.at),
            },
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def get(self, entry_id: int) -> Entry | None:
        found = await fetch(
            self._conn, "SELECT * FROM points_ledger WHERE id = :id", {"id": entry_id}
        )
        row = await found.fetchone()
        return _entry(row) if row is not None else None

    async def balance(self, community_id: int, unit_code: str) -> int:
        return (await self.balances(community_id, [unit_code])).get(unit_code, 0)

    async def balances(self, community_id: int, unit_codes: Collection[str]) -> dict[str, int]:
        units, params = in_list(unit_codes)
        found = await fetch(
            self._conn,
            "SELECT unit_code, SUM(amount) AS total FROM points_ledger"  # noqa: S608
            f" WHERE community_id = :cid AND unit_code IN ({units}) GROUP BY unit_code",
            {"cid": community_id, **params},
        )
        return {row["unit_code"]: row["total"] for row in await found.fetchall()}

    async def entries(
        self, community_id: int, unit_codes: Collection[str], *, limit: int
    ) -> list[Entry]:
        """The latest entries of these households, newest first."""
        units, params = in_list(unit_codes)
        found = await fetch(
            self._conn,
            "SELECT * FROM points_ledger"  # noqa: S608
            f" WHERE community_id = :cid AND unit_code IN ({units})"
            " ORDER BY at DESC, id DESC LIMIT :limit",
            {"cid": community_id, "limit": limit, **params},
        )
        return [_entry(row) for row in await found.fetchall()]

    async def earned(
        self, community_id: int, *, since: datetime | None, until: datetime
    ) -> dict[str, int]:
        """Each household's entries in [since, until], redemptions left out."""
        found = await fetch(
            self._conn,
            "SELECT unit_code, SUM(amount) AS total FROM points_ledger"
            " WHERE community_id = :cid AND act != 'redeem' AND at <= :until"
            " AND (:since IS NULL OR at >= :since) GROUP BY unit_code",
            {
                "cid": community_id,
                "until": to_text(until),
                "since": to_text(since) if since is not None else None,
            },
        )
        return {row["unit_code"]: row["total"] for row in await found.fetchall()}

    async def opt_outs(self, community_id: int) -> set[tuple[str, int]]:
        found = await fetch(
            self._conn,
            "SELECT unit_code, user_id FROM points_opt_outs WHERE community_id = :cid",
            {"cid": community_id},
        )
        return {(row["unit_code"], row["user_id"]) for row in await found.fetchall()}

    async def set_opt_out(
        self, community_id: int, unit_code: str, user_id: int, *, out: bool, now: datetime
    ) -> None:
        params = {"cid": community_id, "unit": unit_code, "user": user_id, "at": to_text(now)}
        if out:
            await self._conn.execute(
                "INSERT OR IGNORE INTO points_opt_outs (community_id, unit_code, user_id, at)"
                " VALUES (:cid, :unit, :user, :at)",
                params,
            )
        else:
            await self._conn.execute(
                "DELETE FROM points_opt_outs"
                " WHERE community_id = :cid AND unit_code = :unit AND user_id = :user",
                params,
            )
