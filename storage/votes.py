from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.units.model import Unit
from bot.votes.chain import ChainRecord, RecordKind
from bot.votes.model import BallotRow, BallotSource, Objection, StoredBallot, Vote, VoteStatus
from bot.votes.tally import Choice, Electorate, Outcome, Rule, Voter
from storage.rows import fetch, from_centi, from_text, in_list, to_centi, to_text


def _stored(row: aiosqlite.Row) -> StoredBallot:
    source = BallotSource(row["source"])
    return StoredBallot(Choice(row["choice"]), row["cast_by"], source, row["receipt"])


def _status(row: aiosqlite.Row) -> VoteStatus:
    """Announced and deleted are drafts in the table (migrations 0007, 0016)."""
    if row["status"] == "draft" and row["deleted_at"] is not None:
        return VoteStatus.DELETED
    if row["status"] == "draft" and row["opens_at"] is not None:
        return VoteStatus.ANNOUNCED
    return VoteStatus(row["status"])


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
        status=_status(row),
        created_by=row["created_by"],
        opened_at=from_text(row["opened_at"]),
        closes_at=from_text(row["closes_at"]),
        closed_at=from_text(row["closed_at"]),
        outcome=Outcome(row["outcome"]) if row["outcome"] else None,
        card=card,
        result_message_id=row["result_message_id"],
        electorate_frozen=bool(row["electorate_frozen"]),
        announced_at=from_text(row["announced_at"]),
        opens_at=from_text(row["opens_at"]),
        publication_ends_at=from_text(row["publication_ends_at"]),
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
        found = await fetch(self._conn, f"SELECT * FROM votes WHERE {where}", params)  # noqa: S608
        return [_vote(row) for row in await found.fetchall()]

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

    async def update_draft(
        self,
        vote_id: int,
        *,
        rule: Rule,
        duration: timedelta,
        building: str | None,
        secret: bool,
        question: str | None = None,
    ) -> None:
        """Every setting of a draft at once (the question only when given)."""
        await self._conn.execute(
            "UPDATE votes SET rule = :rule, duration_minutes = :minutes, building = :building,"
            " secret = :secret, question = COALESCE(:question, question)"
            " WHERE id = :id AND status = 'draft'",
            {
                "rule": rule.value,
                "minutes": int(duration.total_seconds() // 60),
                "building": building,
                "secret": int(secret),
                "question": question,
                "id": vote_id,
            },
        )

    async def delete_draft(self, vote_id: int, *, now: datetime) -> None:
        """Kept as a tombstone (its number stays taken); its question prompts go with it."""
        await self._conn.execute(
            "UPDATE votes SET deleted_at = :now WHERE id = :id AND status = 'draft'",
            {"now": to_text(now), "id": vote_id},
        )
        await self._conn.execute(
            "DELETE FROM vote_question_prompts WHERE vote_id = :id", {"id": vote_id}
        )

    async def recent(self, community_id: int, *, since: datetime, limit: int) -> list[Vote]:
        """Open votes and those closed since `since`, newest first."""
        return await self._many(
            "community_id = :cid AND (status = 'open'"
            " OR (status = 'closed' AND closed_at >= :since)) ORDER BY number DESC LIMIT :limit",
            {"cid": community_id, "since": to_text(since), "limit": limit},
        )

    async def ask_question(
        self, vote_id: int, user_id: int, chat_id: int, *, now: datetime
    ) -> None:
        """The author's next message in `chat_id` is the draft's new question."""
        await self._conn.execute(
            "INSERT INTO vote_question_prompts (user_id, chat_id, vote_id, asked_at)"
            " VALUES (:user, :chat, :vote, :now) ON CONFLICT (user_id, chat_id)"
            " DO UPDATE SET vote_id = excluded.vote_id, asked_at = excluded.asked_at",
            {"user": user_id, "chat": chat_id, "vote": vote_id, "now": to_text(now)},
        )

    async def question_prompt(self, user_id: int, chat_id: int) -> int | None:
        """The draft waiting for this user's new question in this chat, if any."""
        found = await fetch(
            self._conn,
            "SELECT vote_id FROM vote_question_prompts WHERE user_id = :user AND chat_id = :chat",
            {"user": user_id, "chat": chat_id},
        )
        row = await found.fetchone()
        return int(row["vote_id"]) if row else None

    async def drop_question_prompt(self, user_id: int, chat_id: int) -> None:
        await self._conn.execute(
            "DELETE FROM vote_question_prompts WHERE user_id = :user AND chat_id = :chat",
            {"user": user_id, "chat": chat_id},
        )

    async def open(self, vote_id: int, *, opened_at: datetime, closes_at: datetime) -> None:
        await self._conn.execute(
            "UPDATE votes SET status = 'open', opened_at = :opened, closes_at = :closes"
            " WHERE id = :id",
            {"opened": to_text(opened_at), "closes": to_text(closes_at), "id": vote_id},
        )

    async def close(
        self,
        vote_id: int,
        *,
        closed_at: datetime,
        outcome: Outcome,
        publication_ends_at: datetime | None = None,
    ) -> None:
        await self._conn.execute(
            "UPDATE votes SET status = 'closed', closed_at = :at, outcome = :outcome,"
            " publication_ends_at = :until WHERE id = :id",
            {
                "at": to_text(closed_at),
                "outcome": outcome.value,
                "until": to_text(publication_ends_at) if publication_ends_at else None,
                "id": vote_id,
            },
        )

    async def announce(self, vote_id: int, *, announced_at: datetime, opens_at: datetime) -> None:
        """Stored as a draft with an opening time (see migration 0007)."""
        await self._conn.execute(
            "UPDATE votes SET announced_at = :at, opens_at = :opens WHERE id = :id",
            {"at": to_text(announced_at), "opens": to_text(opens_at), "id": vote_id},
        )

    async def announced_votes(self) -> list[Vote]:
        return await self._many("status = 'draft' AND opens_at IS NOT NULL ORDER BY opens_at", {})

    async def add_objection(
        self, vote_id: int, user_id: int, text: str, *, now: datetime
    ) -> Objection:
        cursor = await self._conn.execute(
            "INSERT INTO vote_objections (vote_id, number, user_id, text, lodged_at) VALUES (:id,"
            " (SELECT COALESCE(MAX(number), 0) + 1 FROM vote_objections WHERE vote_id = :id),"
            " :user, :text, :now)",
            {"id": vote_id, "user": user_id, "text": text, "now": to_text(now)},
        )
        found = await self._objections("o.id = :oid", {"oid": cursor.lastrowid})
        return found[0]

    async def objections(self, vote_id: int) -> list[Objection]:
        return await self._objections("o.vote_id = :id ORDER BY o.number", {"id": vote_id})

    async def objection(self, vote_id: int, number: int) -> Objection | None:
        found = await self._objections(
            "o.vote_id = :id AND o.number = :n", {"id": vote_id, "n": number}
        )
        return found[0] if found else None

    async def answer_objection(
        self, vote_id: int, number: int, answer: str, *, by: int, now: datetime
    ) -> None:
        await self._conn.execute(
            "UPDATE vote_objections SET answer = :answer, answered_by = :by, answered_at = :now"
            " WHERE vote_id = :id AND number = :n",
            {"answer": answer, "by": by, "now": to_text(now), "id": vote_id, "n": number},
        )

    async def _objections(self, where: str, params: dict[str, Any]) -> list[Objection]:
        found = await fetch(
            self._conn,
            "SELECT o.*, COALESCE(u.display_name, CAST(o.user_id AS TEXT)) AS name"  # noqa: S608
            f" FROM vote_objections o LEFT JOIN users u ON u.id = o.user_id WHERE {where}",
            params,
        )
        rows = await found.fetchall()
        result = []
        for row in rows:
            lodged = from_text(row["lodged_at"])
            assert lodged is not None
            result.append(
                Objection(
                    row["vote_id"],
                    row["number"],
                    row["user_id"],
                    row["name"],
                    row["text"],
                    lodged,
                    row["answer"],
                    from_text(row["answered_at"]),
                )
            )
        return result

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
        found = await fetch(
            self._conn, "SELECT voter_key, choice FROM ballots WHERE vote_id = :id", {"id": vote_id}
        )
        return {row["voter_key"]: Choice(row["choice"]) for row in await found.fetchall()}

    async def paper_count(self, vote_id: int) -> int:
        """How many standing ballots were entered from paper."""
        found = await fetch(
            self._conn,
            "SELECT COUNT(*) FROM ballots WHERE vote_id = :id AND source = 'paper'",
            {"id": vote_id},
        )
        row = await found.fetchone()
        return int(row[0]) if row else 0

    async def ballots_cast_by(self, vote_id: int, user_id: int) -> dict[str, StoredBallot]:
        """The standing ballots this user cast online (not those a clerk entered for them)."""
        found = await fetch(
            self._conn,
            "SELECT voter_key, choice, cast_by, source, receipt FROM ballots"
            " WHERE vote_id = :id AND cast_by = :user AND source = 'online'",
            {"id": vote_id, "user": user_id},
        )
        return {row["voter_key"]: _stored(row) for row in await found.fetchall()}

    async def ballots_of(self, vote_id: int, keys: Collection[str]) -> dict[str, StoredBallot]:
        marks, params = in_list(keys)
        found = await fetch(
            self._conn,
            "SELECT voter_key, choice, cast_by, source, receipt FROM ballots"  # noqa: S608
            f" WHERE vote_id = :id AND voter_key IN ({marks})",
            {"id": vote_id, **params},
        )
        return {row["voter_key"]: _stored(row) for row in await found.fetchall()}

    async def ballot_rows(self, vote_id: int) -> list[BallotRow]:
        found = await fetch(
            self._conn,
            "SELECT b.*, COALESCE(u.display_name, CAST(b.cast_by AS TEXT)) AS name FROM ballots b"
            " LEFT JOIN users u ON u.id = b.cast_by WHERE b.vote_id = :id ORDER BY b.voter_key",
            {"id": vote_id},
        )
        rows = await found.fetchall()
        result = []
        for row in rows:
            cast_at = from_text(row["cast_at"])
            assert cast_at is not None
            result.append(
                BallotRow(
                    row["voter_key"],
                    Choice(row["choice"]),
                    row["cast_by"],
                    row["name"],
                    cast_at,
                    BallotSource(row["source"]),
                    row["receipt"],
                )
            )
        return result

    async def put_ballots(
        self, vote_id: int, ballots: Sequence[tuple[str, StoredBallot]], *, now: datetime
    ) -> None:
        """Each key's standing ballot, in one statement (a batch of presses)."""
        await self._conn.executemany(
            "INSERT INTO ballots (vote_id, voter_key, choice, cast_by, cast_at, source, receipt)"
            " VALUES (:id, :key, :choice, :by, :now, :source, :receipt)"
            " ON CONFLICT (vote_id, voter_key) DO UPDATE SET choice = excluded.choice,"
            " cast_by = excluded.cast_by, cast_at = excluded.cast_at, source = excluded.source,"
            " receipt = excluded.receipt",
            [
                {
                    "id": vote_id,
                    "key": key,
                    "choice": ballot.choice.value,
                    "by": ballot.cast_by,
                    "now": to_text(now),
                    "source": ballot.source.value,
                    "receipt": ballot.receipt,
                }
                for key, ballot in ballots
            ],
        )

    async def freeze(self, vote_id: int, electorate: Electorate) -> None:
        """Store the electorate the vote opened with; it never changes afterwards."""
        await self._conn.executemany(
            "INSERT INTO vote_voters (vote_id, voter_key, area_cents, buildings)"
            " VALUES (:id, :key, :area, :buildings)",
            [
                {
                    "id": vote_id,
                    "key": v.key,
                    "area": to_centi(v.area_m2),
                    "buildings": " ".join(v.buildings),
                }
                for v in electorate.voters.values()
            ],
        )
        await self._conn.executemany(
            "INSERT INTO vote_voter_units"
            " (vote_id, unit_code, voter_key, area_cents, building, owner_key)"
            " VALUES (:id, :unit, :key, :area, :building, :owner)",
            [
                {
                    "id": vote_id,
                    "unit": u.code,
                    "key": v.key,
                    "area": to_centi(u.area_m2),
                    "building": u.building,
                    "owner": u.owner_key,
                }
                for v in electorate.voters.values()
                for u in v.members
            ],
        )
        await self._conn.executemany(
            "INSERT INTO vote_voter_links (vote_id, unit_code, voter_key)"
            " VALUES (:id, :unit, :key)",
            [
                {"id": vote_id, "unit": unit, "key": v.key}
                for v in electorate.voters.values()
                for unit in v.linked
            ],
        )
        await self._conn.execute(
            "UPDATE votes SET electorate_frozen = 1 WHERE id = :id", {"id": vote_id}
        )

    async def _voters(self, where: str, params: dict[str, Any]) -> dict[str, Voter]:
        found = await fetch(
            self._conn,
            "SELECT v.voter_key, v.area_cents AS total, v.buildings, u.unit_code,"  # noqa: S608
            " u.area_cents,"
            " u.building, u.owner_key"
            " FROM vote_voters v JOIN vote_voter_units u"
            " ON u.vote_id = v.vote_id AND u.voter_key = v.voter_key"
            f" WHERE v.vote_id = :id AND {where} ORDER BY v.voter_key, u.rowid",
            params,
        )
        rows = await found.fetchall()
        grouped: dict[str, list[Any]] = {}
        for row in rows:
            grouped.setdefault(row["voter_key"], []).append(row)
        links: dict[str, list[str]] = {}
        if grouped:
            marks, keys = in_list(grouped)
            found = await fetch(
                self._conn,
                "SELECT voter_key, unit_code FROM vote_voter_links"  # noqa: S608
                f" WHERE vote_id = :id AND voter_key IN ({marks}) ORDER BY rowid",
                {"id": params["id"], **keys},
            )
            for row in await found.fetchall():
                links.setdefault(row["voter_key"], []).append(row["unit_code"])
        return {
            key: Voter(
                key=key,
                units=tuple(r["unit_code"] for r in members),
                buildings=tuple(members[0]["buildings"].split()),
                area_m2=from_centi(members[0]["total"]),
                members=tuple(
                    Unit(r["unit_code"], r["building"], from_centi(r["area_cents"]), r["owner_key"])
                    for r in members
                ),
                linked=tuple(links.get(key, ())),
            )
            for key, members in grouped.items()
        }

    async def electorate(self, vote_id: int, rule: Rule) -> Electorate:
        return Electorate(rule, await self._voters("1 = 1", {"id": vote_id}))

    async def voters_for_units(self, vote_id: int, units: Collection[str]) -> dict[str, Voter]:
        """The frozen voters whose units, counted or linked, include any of `units` (the hot path
        of a press)."""
        marks, params = in_list(units)
        return await self._voters(
            "v.voter_key IN (SELECT voter_key FROM vote_voter_units"  # noqa: S608
            f" WHERE vote_id = :id AND unit_code IN ({marks})"
            " UNION SELECT voter_key FROM vote_voter_links"
            f" WHERE vote_id = :id AND unit_code IN ({marks}))",
            {"id": vote_id, **params},
        )

    async def voters_by_key(self, vote_id: int, keys: Collection[str]) -> dict[str, Voter]:
        marks, params = in_list(keys)
        return await self._voters(f"v.voter_key IN ({marks})", {"id": vote_id, **params})

    async def add_reminder(self, vote_id: int, sent_by: int, *, now: datetime) -> None:
        await self._conn.execute(
            "INSERT INTO vote_reminders (vote_id, sent_by, sent_at) VALUES (:id, :by, :now)",
            {"id": vote_id, "by": sent_by, "now": to_text(now)},
        )

    async def last_reminder(self, vote_id: int, sent_by: int) -> datetime | None:
        found = await fetch(
            self._conn,
            "SELECT MAX(sent_at) AS at FROM vote_reminders WHERE vote_id = :id AND sent_by = :by",
            {"id": vote_id, "by": sent_by},
        )
        row = await found.fetchone()
        return from_text(row["at"]) if row is not None else None

    async def chain_head(self, vote_id: int) -> ChainRecord | None:
        found = await fetch(
            self._conn,
            "SELECT * FROM vote_records WHERE vote_id = :id ORDER BY seq DESC LIMIT 1",
            {"id": vote_id},
        )
        row = await found.fetchone()
        return _record(row) if row else None

    async def append_record(self, record: ChainRecord) -> None:
        await self.append_records([record])

    async def append_records(self, records: Sequence[ChainRecord]) -> None:
        """Records in chain order, in one statement."""
        await self._conn.executemany(
            "INSERT INTO vote_records (vote_id, seq, kind, data, prev_hash, hash)"
            " VALUES (:vote, :seq, :kind, :data, :prev, :hash)",
            [
                {
                    "vote": record.vote_id,
                    "seq": record.seq,
                    "kind": record.kind.value,
                    "data": json.dumps(dict(record.data), sort_keys=True, ensure_ascii=False),
                    "prev": record.prev_hash,
                    "hash": record.hash,
                }
                for record in records
            ],
        )

    async def records(self, vote_id: int) -> list[ChainRecord]:
        found = await fetch(
            self._conn,
            "SELECT * FROM vote_records WHERE vote_id = :id ORDER BY seq",
            {"id": vote_id},
        )
        return [_record(row) for row in await found.fetchall()]
