"""The facts behind /stats, read with explicit SQL over the other features' tables (units and
residents, frozen electorates and ballots, topics, tickets and their history, notice reads,
meeting answers). Read-only."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import aiosqlite

from bot.reports.model import Category, TicketStatus
from bot.stats.model import MeetingFact, NoticeFact, TicketFact, TopicFact, UnitFact, VoteFact
from bot.topics.model import TopicStatus
from storage.rows import fetch, from_text, in_list, to_text


def _at(value: str | None) -> datetime:
    moment = from_text(value)
    assert moment is not None
    return moment


class SqliteStatsRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _rows(self, sql: str, params: dict[str, Any]) -> list[aiosqlite.Row]:
        return await (await fetch(self._conn, sql, params)).fetchall()

    async def units(self, community_id: int) -> list[UnitFact]:
        rows = await self._rows(
            "SELECT u.code, u.building,"
            " EXISTS (SELECT 1 FROM memberships m WHERE m.unit_id = u.id"
            "         AND m.status IN ('pending', 'verified')) AS registered,"
            " EXISTS (SELECT 1 FROM memberships m WHERE m.unit_id = u.id"
            "         AND m.status = 'verified') AS verified,"
            " EXISTS (SELECT 1 FROM ownerships o WHERE o.unit_id = u.id"
            "         AND o.status = 'verified') AS owner_verified,"
            " EXISTS (SELECT 1 FROM memberships m WHERE m.unit_id = u.id"
            "         AND m.status = 'verified' AND m.relation = 'tenant') AS tenant_verified"
            " FROM units u WHERE u.community_id = :cid AND u.retired = 0 ORDER BY u.code",
            {"cid": community_id},
        )
        return [
            UnitFact(
                r["code"],
                r["building"],
                bool(r["registered"]),
                bool(r["verified"]),
                bool(r["owner_verified"]),
                bool(r["tenant_verified"]),
            )
            for r in rows
        ]

    async def votes(
        self, community_id: int, *, since: datetime | None, until: datetime | None, limit: int
    ) -> list[VoteFact]:
        rows = await self._rows(
            "SELECT v.id, v.number, v.question, v.rule, v.building, v.status, v.opened_at,"
            " v.closed_at,"
            " (SELECT COUNT(*) FROM vote_voters w WHERE w.vote_id = v.id) AS voters,"
            " (SELECT COUNT(*) FROM ballots b JOIN vote_voters w"
            "    ON w.vote_id = b.vote_id AND w.voter_key = b.voter_key"
            "  WHERE b.vote_id = v.id) AS voted"
            " FROM votes v WHERE v.community_id = :cid AND v.status IN ('open', 'closed')"
            " AND v.electorate_frozen = 1 AND v.deleted_at IS NULL AND v.opened_at IS NOT NULL"
            " AND (:since IS NULL OR v.opened_at >= :since)"
            " AND (:until IS NULL OR v.opened_at < :until)"
            " ORDER BY v.opened_at DESC, v.number DESC LIMIT :limit",
            {
                "cid": community_id,
                "since": to_text(since) if since else None,
                "until": to_text(until) if until else None,
                "limit": limit,
            },
        )
        marks, params = in_list([r["id"] for r in rows])
        buildings: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
        sql = (
            "SELECT vu.vote_id, vu.building, COUNT(*) AS units, SUM(EXISTS (SELECT 1 FROM"
            " ballots b WHERE b.vote_id = vu.vote_id AND b.voter_key = vu.voter_key)) AS voted"
            " FROM vote_voter_units vu WHERE vu.vote_id IN ({marks})"
            " GROUP BY vu.vote_id, vu.building"
        )
        for row in await self._rows(sql.format(marks=marks), params):  # placeholders only
            buildings[row["vote_id"]].append((row["building"], row["voted"], row["units"]))
        return [
            VoteFact(
                number=r["number"],
                question=r["question"],
                rule=r["rule"],
                building=r["building"],
                open=r["status"] == "open",
                opened_at=_at(r["opened_at"]),
                closed_at=from_text(r["closed_at"]) if r["status"] == "closed" else None,
                voters=r["voters"],
                voted=r["voted"],
                buildings=tuple(buildings[r["id"]]),
            )
            for r in rows
        ]

    async def topics(self, community_id: int) -> list[TopicFact]:
        rows = await self._rows(
            "SELECT number, status, created_at FROM topics WHERE community_id = :cid"
            " ORDER BY number",
            {"cid": community_id},
        )
        return [
            TopicFact(r["number"], TopicStatus(r["status"]), _at(r["created_at"])) for r in rows
        ]

    async def tickets(self, community_id: int) -> list[TicketFact]:
        """With when staff first answered: acknowledged, started, resolved or rejected (the
        reporter's confirm and reopen are not answers)."""
        rows = await self._rows(
            "SELECT t.number, t.category, t.status, t.building, t.created_at,"
            " t.acknowledged_at, t.resolved_at, t.rating,"
            " (SELECT MIN(h.at) FROM ticket_history h WHERE h.ticket_id = t.id"
            "  AND h.event IN ('acknowledge', 'start', 'resolve', 'reject')) AS answered_at"
            " FROM tickets t WHERE t.community_id = :cid ORDER BY t.number",
            {"cid": community_id},
        )
        return [
            TicketFact(
                number=r["number"],
                category=Category(r["category"]),
                status=TicketStatus(r["status"]),
                building=r["building"],
                created_at=_at(r["created_at"]),
                answered_at=from_text(r["answered_at"]),
                acknowledged_at=from_text(r["acknowledged_at"]),
                resolved_at=from_text(r["resolved_at"]),
                rating=r["rating"],
            )
            for r in rows
        ]

    async def notices(self, community_id: int) -> list[NoticeFact]:
        reads: dict[int, set[str]] = defaultdict(set)
        for read in await self._rows(
            "SELECT r.notice_id, r.household FROM notice_reads r"
            " JOIN notices n ON n.id = r.notice_id WHERE n.community_id = :cid",
            {"cid": community_id},
        ):
            reads[read["notice_id"]].add(read["household"])
        rows = await self._rows(
            "SELECT id, number, building, COALESCE(published_at, created_at) AS published_at"
            " FROM notices WHERE community_id = :cid AND status = 'published' ORDER BY number",
            {"cid": community_id},
        )
        return [
            NoticeFact(
                r["number"], r["building"], _at(r["published_at"]), frozenset(reads[r["id"]])
            )
            for r in rows
        ]

    async def meetings(self, community_id: int) -> list[MeetingFact]:
        attending: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for answer in await self._rows(
            "SELECT r.meeting_id, r.household, u.building FROM meeting_rsvps r"
            " JOIN meetings m ON m.id = r.meeting_id"
            " JOIN units u ON u.community_id = m.community_id AND u.code = r.household"
            " WHERE m.community_id = :cid AND m.status = 'held' AND r.answer = 'attend'"
            " ORDER BY r.household",
            {"cid": community_id},
        ):
            attending[answer["meeting_id"]].append((answer["household"], answer["building"]))
        rows = await self._rows(
            "SELECT id, number, starts_at FROM meetings WHERE community_id = :cid"
            " AND status = 'held' ORDER BY starts_at",
            {"cid": community_id},
        )
        return [
            MeetingFact(r["number"], _at(r["starts_at"]), tuple(attending[r["id"]])) for r in rows
        ]
