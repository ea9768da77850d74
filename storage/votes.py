from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.votes.chain import ChainRecord, RecordKind
from bot.votes.model import BallotRow, Vote, VoteStatus
from bot.votes.tally import Choice, Outcome, Rule
from storage.rows import from_text, to_text


def _vote(row: aiosqlite.Row) -> Vote:
    card = (
        (row["card_chat_id"], row["card_message_id"]) if row["card_chat_id"] is not None else None
    )
    return Vote(
        id=row["id"],
        community_id=row["community_id"],
        number=row["number"],
        topic_id=row["topic_id"],
        question=row["question"],
        rule=Rule(row["rule"]),
        duration=timedelta(minutes=row["duration_minutes"]),
        building=row["building"],
        secret=bool(row["secret"]),
        status=VoteStatus(row["status"]),
        created_by=row["created_by"],
        opened_at=from_text(row["opened_at"]),
        closes_at=from_text(row["closes_at"]),
        closed_at=from_text(row["closed_at"]),
        outcome=Outcome(row["outcome"]) if row["outcome"] else None,
        card=card,
        result_message_id=row["result_message_id"],
    )


def _record(row: aiosqlite.Row) -> ChainRecord:
    return ChainRecord(
        row["vote_id"],
        row["seq"],
        RecordKind(row["kind"]),
        json.loads(row["data"]),
        row["prev_hash"],
        row["hash"],
    )


class SqliteVoteRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _many(self, where: str, params: dict[str, Any]) -> list[Vote]:
        async with self._conn.execute(f"SELECT * FROM votes WHERE {where}", params) as cursor:  # noqa: S608
            return [_vote(row) for row in await cursor.fetchall()]

    async def add(
        self,
        *,
        community_id: int,
        topic_id: int | None,
        question: str,
        rule: Rule,
        duration: timedelta,
        building: str | None,
        secret: bool,
        created_by: int,
        now: datetime,
    ) -> Vote:
        cursor = await self._conn.execute(
            "INSERT INTO votes (community_id, number, topic_id, question, rule, duration_minutes,"
            " building, secret, status, created_by, created_at) VALUES (:cid,"
            " (SELECT COALESCE(MAX(number), 0) + 1 FROM votes WHERE community_id = :cid),"
            " :topic, :question, :rule, :minutes, :building, :secret, 'draft', :by, :now)",
            {
                "cid": community_id,
                "topic": topic_id,
                "question": question,
                "rule": rule.value,
                "minutes": int(duration.total_seconds() // 60),
                "building": building,
                "secret": int(secret),
                "by": created_by,
                "now": to_text(now),
            },
        )
        assert cursor.lastrowid is not None
        added = await self.get(cursor.lastrowid)
        assert added is not None
        return added

    async def get(self, vote_id: int) -> Vote | None:
        found = await self._many("id = :id", {"id": vote_id})
        return found[0] if found else None

    async def by_number(self, community_id: int, number: int) -> Vote | None:
        found = await self._many(
            "community_id = :cid AND number = :n", {"cid": community_id, "n": number}
        )
        return found[0] if found else None

    async def update_draft(self, vote_id: int, *, rule: Rule, duration: timedelta) -> None:
        await self._conn.execute(
            "UPDATE votes SET rule = :rule, duration_minutes = :minutes WHERE id = :id",
            {"rule": rule.value, "minutes": int(duration.total_seconds() // 60), "id": vote_id},
        )

    async def open(self, vote_id: int, *, opened_at: datetime, closes_at: datetime) -> None:
        await self._conn.execute(
            "UPDATE votes SET status = 'open', opened_at = :opened, closes_at = :closes"
            " WHERE id = :id",
            {"opened": to_text(opened_at), "closes": to_text(closes_at), "id": vote_id},
        )

    async def close(self, vote_id: int, *, closed_at: datetime, outcome: Outcome) -> None:
        await self._conn.execute(
            "UPDATE votes SET status = 'closed', closed_at = :at, outcome = :outcome"
            " WHERE id = :id",
            {"at": to_text(closed_at), "outcome": outcome.value, "id": vote_id},
        )

    async def set_card(self, vote_id: int, chat_id: int, message_id: int) -> None:
        await self._conn.execute(
            "UPDATE votes SET card_chat_id = :chat, card_message_id = :msg WHERE id = :id",
            {"chat": chat_id, "msg": message_id, "id": vote_id},
        )

    async def set_result_message(self, vote_id: int, message_id: int) -> None:
        await self._conn.execute(
            "UPDATE votes SET result_message_id = :msg WHERE id = :id",
            {"msg": message_id, "id": vote_id},
        )

    async def open_votes(self) -> list[Vote]:
        return await self._many("status = 'open' ORDER BY closes_at", {})

    async def ballots(self, vote_id: int) -> dict[str, Choice]:
        async with self._conn.execute(
            "SELECT voter_key, choice FROM ballots WHERE vote_id = :id", {"id": vote_id}
        ) as cursor:
            return {row["voter_key"]: Choice(row["choice"]) for row in await cursor.fetchall()}

    async def ballots_of(self, vote_id: int, keys: list[str]) -> dict[str, Choice]:
        marks = ", ".join(f":k{i}" for i in range(len(keys)))
        params: dict[str, Any] = {"id": vote_id, **{f"k{i}": k for i, k in enumerate(keys)}}
        async with self._conn.execute(
            f"SELECT voter_key, choice FROM ballots WHERE vote_id = :id AND voter_key IN ({marks})",  # noqa: S608
            params,
        ) as cursor:
            return {row["voter_key"]: Choice(row["choice"]) for row in await cursor.fetchall()}

    async def ballot_rows(self, vote_id: int) -> list[BallotRow]:
        async with self._conn.execute(
            "SELECT b.*, COALESCE(u.display_name, CAST(b.cast_by AS TEXT)) AS name FROM ballots b"
            " LEFT JOIN users u ON u.id = b.cast_by WHERE b.vote_id = :id ORDER BY b.voter_key",
            {"id": vote_id},
        ) as cursor:
            rows = await cursor.fetchall()
        result = []
        for row in rows:
            cast_at = from_text(row["cast_at"])
            assert cast_at is not None
            result.append(
                BallotRow(
                    row["voter_key"], Choice(row["choice"]), row["cast_by"], row["name"], cast_at
                )
            )
        return result

    async def put_ballot(
        self, vote_id: int, key: str, choice: Choice, *, cast_by: int, now: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO ballots (vote_id, voter_key, choice, cast_by, cast_at)"
            " VALUES (:id, :key, :choice, :by, :now) ON CONFLICT (vote_id, voter_key)"
            " DO UPDATE SET choice = excluded.choice, cast_by = excluded.cast_by,"
            " cast_at = excluded.cast_at",
            {"id": vote_id, "key": key, "choice": choice.value, "by": cast_by, "now": to_text(now)},
        )

    async def chain_head(self, vote_id: int) -> ChainRecord | None:
        async with self._conn.execute(
            "SELECT * FROM vote_records WHERE vote_id = :id ORDER BY seq DESC LIMIT 1",
            {"id": vote_id},
        ) as cursor:
            row = await cursor.fetchone()
        return _record(row) if row else None

    async def append_record(self, record: ChainRecord) -> None:
        await self._conn.execute(
            "INSERT INTO vote_records (vote_id, seq, kind, data, prev_hash, hash)"
            " VALUES (:vote, :seq, :kind, :data, :prev, :hash)",
            {
                "vote": record.vote_id,
                "seq": record.seq,
                "kind": record.kind.value,
                "data": json.dumps(dict(record.data), sort_keys=True, ensure_ascii=False),
                "prev": record.prev_hash,
                "hash": record.hash,
            },
        )

    async def records(self, vote_id: int) -> list[ChainRecord]:
        async with self._conn.execute(
            "SELECT * FROM vote_records WHERE vote_id = :id ORDER BY seq", {"id": vote_id}
        ) as cursor:
            return [_record(row) for row in await cursor.fetchall()]
