from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import aiosqlite

from bot.residents.model import (
    Membership,
    MembershipStatus,
    Ownership,
    OwnershipMethod,
    OwnershipStatus,
    Relation,
    Verification,
)
from bot.units.model import is_developer
from storage.rows import fetch, from_text, in_list, to_text

_SELECT = """
SELECT m.*, u.community_id, u.code AS unit_code, u.building,
       usr.display_name AS user_name, dec.display_name AS decided_by_name
FROM memberships m
JOIN units u ON u.id = m.unit_id
JOIN users usr ON usr.id = m.user_id
LEFT JOIN users dec ON dec.id = m.decided_by
"""


def _membership(row: aiosqlite.Row) -> Membership:
    requested = from_text(row["requested_at"])
    assert requested is not None
    return Membership(
        id=row["id"],
        community_id=row["community_id"],
        unit_code=row["unit_code"],
        building=row["building"],
        user_id=row["user_id"],
        user_name=row["user_name"],
        relation=Relation(row["relation"]),
        status=MembershipStatus(row["status"]),
        verification=Verification(row["verification"]),
        requested_at=requested,
        decided_at=from_text(row["decided_at"]),
        decided_by_name=row["decided_by_name"],
    )


class SqliteResidentRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _many(self, where: str, params: dict[str, Any]) -> list[Membership]:
        found = await fetch(self._conn, f"{_SELECT} WHERE {where}", params)
        return [_membership(row) for row in await found.fetchall()]

    async def get(self, membership_id: int) -> Membership | None:
        found = await self._many("m.id = :id", {"id": membership_id})
        return found[0] if found else None

    async def live_for(self, community_id: int, user_id: int, unit_code: str) -> Membership | None:
        found = await self._many(
            "u.community_id = :cid AND m.user_id = :uid AND u.code = :code"
            " AND m.status IN ('pending', 'verified')",
            {"cid": community_id, "uid": user_id, "code": unit_code},
        )
        return found[0] if found else None

    async def add(
        self,
        *,
        unit_id: int,
        user_id: int,
        relation: Relation,
        status: MembershipStatus,
        verification: Verification,
        now: datetime,
    ) -> Membership:
        decided = to_text(now) if status is not MembershipStatus.PENDING else None
        cursor = await self._conn.execute(
            "INSERT INTO memberships (unit_id, user_id, relation, status, verification,"
            " requested_at, decided_at) VALUES (:unit, :uid, :rel, :status, :ver, :now, :decided)",
            {
                "unit": unit_id,
                "uid": user_id,
                "rel": relation.value,
                "status": status.value,
                "ver": verification.value,
                "now": to_text(now),
                "decided": decided,
            },
        )
        assert cursor.lastrowid is not None
        added = await self.get(cursor.lastrowid)
        assert added is not None
        return added

    async def decide(
        self, membership_id: int, status: MembershipStatus, *, decided_by: int, now: datetime
    ) -> None:
        await self._conn.execute(
            "UPDATE memberships SET status = :status, decided_by = :by, decided_at = :now"
            " WHERE id = :id",
            {"status": status.value, "by": decided_by, "now": to_text(now), "id": membership_id},
        )

    async def add_card(self, membership_id: int, chat_id: int, message_id: int) -> None:
        """One reviewer's (or the staff chat's) copy of the review card (`join_cards`)."""
        await self._conn.execute(
            "INSERT OR REPLACE INTO join_cards (membership_id, chat_id, message_id)"
            " VALUES (:id, :chat, :msg)",
            {"id": membership_id, "chat": chat_id, "msg": message_id},
        )

    async def cards(self, membership_id: int) -> list[tuple[int, int]]:
        rows = await fetch(
            self._conn,
            "SELECT chat_id, message_id FROM join_cards WHERE membership_id = :id ORDER BY chat_id",
            {"id": membership_id},
        )
        return [(int(r["chat_id"]), int(r["message_id"])) for r in await rows.fetchall()]

    async def add_review_miss(self, membership_id: int, chat_id: int) -> int:
        """A reviewer the card could not reach; how many of its reviewers are missed now."""
        await self._conn.execute(
            "INSERT OR IGNORE INTO join_review_misses (membership_id, chat_id) VALUES (:id, :chat)",
            {"id": membership_id, "chat": chat_id},
        )
        rows = await fetch(
            self._conn,
            "SELECT COUNT(*) AS n FROM join_review_misses WHERE membership_id = :id",
            {"id": membership_id},
        )
        row = await rows.fetchone()
        return int(row["n"]) if row is not None else 0

    async def pending(self, community_id: int) -> list[Membership]:
        return await self._many(
            "u.community_id = :cid AND m.status = 'pending' ORDER BY m.requested_at, m.id",
            {"cid": community_id},
        )

    async def ask_reason(self, user_id: int, membership_id: int, *, now: datetime) -> None:
        await self._conn.execute(
            "INSERT OR REPLACE INTO join_reason_prompts (user_id, membership_id, asked_at)"
            " VALUES (:uid, :id, :now)",
            {"uid": user_id, "id": membership_id, "now": to_text(now)},
        )

    async def reason_prompt(self, user_id: int) -> int | None:
        rows = await fetch(
            self._conn,
            "SELECT membership_id FROM join_reason_prompts WHERE user_id = :uid",
            {"uid": user_id},
        )
        row = await rows.fetchone()
        return int(row["membership_id"]) if row is not None else None

    async def drop_reason_prompt(self, user_id: int) -> None:
        await self._conn.execute(
            "DELETE FROM join_reason_prompts WHERE user_id = :uid", {"uid": user_id}
        )

    async def verified(self, community_id: int) -> list[Membership]:
        return await self._many(
            "u.community_id = :cid AND m.status = 'verified' ORDER BY u.building, u.code, m.id",
            {"cid": community_id},
        )

    async def live_of_user(self, user_id: int) -> list[Membership]:
        return await self.live_of_users([user_id])

    async def live_of_users(self, user_ids: Collection[int]) -> list[Membership]:
        marks, params = in_list(user_ids)
        return await self._many(
            f"m.user_id IN ({marks}) AND m.status IN ('pending', 'verified') ORDER BY u.code",
            params,
        )

    async def review_requests(
        self, community_id: int, user_id: int, *, since: datetime
    ) -> list[Membership]:
        """The user's join requests by review in the community: pending, or filed since."""
        return await self._many(
            "u.community_id = :cid AND m.user_id = :uid AND m.verification = 'review'"
            " AND (m.status = 'pending' OR m.requested_at >= :since) ORDER BY m.requested_at",
            {"cid": community_id, "uid": user_id, "since": to_text(since)},
        )

    async def set_relation(self, membership_id: int, relation: Relation) -> None:
        await self._conn.execute(
            "UPDATE memberships SET relation = :rel WHERE id = :id",
            {"rel": relation.value, "id": membership_id},
        )


_SELECT_OWNERSHIP = """
SELECT o.*, u.community_id, u.code AS unit_code, u.building, u.owner_key,
       usr.display_name AS user_name, dec.display_name AS decided_by_name
FROM ownerships o
JOIN units u ON u.id = o.unit_id
JOIN users usr ON usr.id = o.user_id
LEFT JOIN users dec ON dec.id = o.decided_by
"""


def _ownership(row: aiosqlite.Row) -> Ownership:
    requested = from_text(row["requested_at"])
    assert requested is not None
    return Ownership(
        id=row["id"],
        community_id=row["community_id"],
        unit_code=row["unit_code"],
        building=row["building"],
        user_id=row["user_id"],
        user_name=row["user_name"],
        status=OwnershipStatus(row["status"]),
        method=OwnershipMethod(row["method"]),
        requested_at=requested,
        is_developer_unit=is_developer(row["owner_key"]),
        decided_at=from_text(row["decided_at"]),
        decided_by_name=row["decided_by_name"],
    )


class SqliteOwnershipRepo:
    """Verified owners of units, apart from residence (table `ownerships`)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _many(self, where: str, params: dict[str, Any]) -> list[Ownership]:
        found = await fetch(self._conn, f"{_SELECT_OWNERSHIP} WHERE {where}", params)
        return [_ownership(row) for row in await found.fetchall()]

    async def review_claims(
        self, community_id: int, user_id: int, *, since: datetime
    ) -> list[Ownership]:
        return await self._many(
            "u.community_id = :cid AND o.user_id = :uid AND o.method = 'review'"
            " AND (o.status = 'pending' OR o.requested_at >= :since) ORDER BY o.requested_at",
            {"cid": community_id, "uid": user_id, "since": to_text(since)},
        )

    async def get(self, ownership_id: int) -> Ownership | None:
        found = await self._many("o.id = :id", {"id": ownership_id})
        return found[0] if found else None

    async def live_for(self, unit_id: int, user_id: int) -> Ownership | None:
        found = await self._many(
            "o.unit_id = :unit AND o.user_id = :uid AND o.status IN ('pending', 'verified')",
            {"unit": unit_id, "uid": user_id},
        )
        return found[0] if found else None

    async def add(
        self,
        *,
        unit_id: int,
        user_id: int,
        status: OwnershipStatus,
        method: OwnershipMethod,
        now: datetime,
        decided_by: int | None = None,
        phone_hash: str | None = None,
    ) -> Ownership:
        decided = to_text(now) if status is not OwnershipStatus.PENDING else None
        cursor = await self._conn.execute(
            "INSERT INTO ownerships (unit_id, user_id, status, method, phone_hash, requested_at,"
            " decided_at, decided_by) VALUES (:unit, :uid, :status, :method, :hash, :now,"
            " :decided, :by)",
            {
                "unit": unit_id,
                "uid": user_id,
                "status": status.value,
                "method": method.value,
                "hash": phone_hash,
                "now": to_text(now),
                "decided": decided,
                "by": decided_by,
            },
        )
        assert cursor.lastrowid is not None
        added = await self.get(cursor.lastrowid)
        assert added is not None
        return added

    async def decide(
        self,
        ownership_id: int,
        status: OwnershipStatus,
        *,
        decided_by: int | None,
        now: datetime,
        method: OwnershipMethod | None = None,
        phone_hash: str | None = None,
    ) -> None:
        await self._conn.execute(
            "UPDATE ownerships SET status = :status, decided_by = :by, decided_at = :now,"
            " method = COALESCE(:method, method), phone_hash = COALESCE(:hash, phone_hash)"
            " WHERE id = :id",
            {
                "status": status.value,
                "by": decided_by,
                "now": to_text(now),
                "method": method.value if method else None,
                "hash": phone_hash,
                "id": ownership_id,
            },
        )

    async def add_card(self, ownership_id: int, chat_id: int, message_id: int) -> None:
        """One reviewer's (or the staff chat's) copy of the review card (`ownership_cards`)."""
        await self._conn.execute(
            "INSERT OR REPLACE INTO ownership_cards (ownership_id, chat_id, message_id)"
            " VALUES (:id, :chat, :msg)",
            {"id": ownership_id, "chat": chat_id, "msg": message_id},
        )

    async def cards(self, ownership_id: int) -> list[tuple[int, int]]:
        rows = await fetch(
            self._conn,
            "SELECT chat_id, message_id FROM ownership_cards WHERE ownership_id = :id"
            " ORDER BY chat_id",
            {"id": ownership_id},
        )
        return [(int(r["chat_id"]), int(r["message_id"])) for r in await rows.fetchall()]

    async def add_review_miss(self, ownership_id: int, chat_id: int) -> int:
        """A reviewer the card could not reach; how many of its reviewers are missed now."""
        await self._conn.execute(
            "INSERT OR IGNORE INTO ownership_review_misses (ownership_id, chat_id)"
            " VALUES (:id, :chat)",
            {"id": ownership_id, "chat": chat_id},
        )
        rows = await fetch(
            self._conn,
            "SELECT COUNT(*) AS n FROM ownership_review_misses WHERE ownership_id = :id",
            {"id": ownership_id},
        )
        row = await rows.fetchone()
        return int(row["n"]) if row is not None else 0

    async def pending(self, community_id: int) -> list[Ownership]:
        """The requests by review waiting in the community, oldest first."""
        return await self._many(
            "u.community_id = :cid AND o.status = 'pending' AND o.method = 'review'"
            " ORDER BY o.requested_at, o.id",
            {"cid": community_id},
        )

    async def verified(self, community_id: int) -> list[Ownership]:
        return await self._many(
            "u.community_id = :cid AND o.status = 'verified' ORDER BY u.building, u.code, o.id",
            {"cid": community_id},
        )

    async def live_of_user(self, user_id: int) -> list[Ownership]:
        return await self.live_of_users([user_id])

    async def live_of_users(self, user_ids: Collection[int]) -> list[Ownership]:
        marks, params = in_list(user_ids)
        return await self._many(
            f"o.user_id IN ({marks}) AND o.status IN ('pending', 'verified') ORDER BY u.code",
            params,
        )

    async def secret(self) -> str:
        """The installation's salt for phone hashes (made by migration 0006)."""
        found = await fetch(
            self._conn, "SELECT value FROM installation_secrets WHERE name = 'phone_salt'"
        )
        row = await found.fetchone()
        assert row is not None, "migration 0006 makes the phone salt"
        return str(row["value"])
