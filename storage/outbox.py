"""The outbox (`outbox`, migration 0009): what must be told, written in the use case's
transaction, delivered by `handlers/outbox.py`."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiosqlite

from bot.outbox import EntryStatus, Intent, OutboxEntry, Tell
from storage.rows import fetch, from_text, to_text


def _entry(row: aiosqlite.Row) -> OutboxEntry:
    due_at = from_text(row["due_at"])
    assert due_at is not None
    params: dict[str, Any] = json.loads(row["params"])
    return OutboxEntry(
        id=row["id"],
        intent=Intent(Tell(row["kind"]), row["subject"], row["lane"], params),
        status=EntryStatus(row["status"]),
        attempts=row["attempts"],
        due_at=due_at,
        last_error=row["last_error"],
    )


class SqliteOutboxRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add(self, intent: Intent, *, now: datetime) -> int:
        cursor = await self._conn.execute(
            "INSERT INTO outbox (lane, kind, subject, params, created_at, due_at)"
            " VALUES (:lane, :kind, :subject, :params, :now, :now)",
            {
                "lane": intent.lane,
                "kind": intent.kind.value,
                "subject": intent.subject,
                "params": json.dumps(dict(intent.params), sort_keys=True, ensure_ascii=False),
                "now": to_text(now),
            },
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def lane_heads(self) -> list[OutboxEntry]:
        found = await fetch(
            self._conn,
            "SELECT * FROM outbox WHERE id IN (SELECT MIN(id) FROM outbox"
            " WHERE status = 'pending' GROUP BY lane) ORDER BY id",
        )
        return [_entry(row) for row in await found.fetchall()]

    async def head(self, lane: str) -> OutboxEntry | None:
        found = await fetch(
            self._conn,
            "SELECT * FROM outbox WHERE lane = :lane AND status = 'pending' ORDER BY id LIMIT 1",
            {"lane": lane},
        )
        row = await found.fetchone()
        return _entry(row) if row is not None else None

    async def finish(
        self, entry_id: int, status: EntryStatus, *, now: datetime, error: str | None = None
    ) -> None:
        await self._conn.execute(
            "UPDATE outbox SET status = :status, finished_at = :now,"
            " last_error = COALESCE(:error, last_error) WHERE id = :id",
            {"id": entry_id, "status": status.value, "now": to_text(now), "error": error},
        )

    async def postpone(self, entry_id: int, *, due_at: datetime, attempts: int, error: str) -> None:
        await self._conn.execute(
            "UPDATE outbox SET due_at = :due, attempts = :attempts, last_error = :error"
            " WHERE id = :id",
            {"id": entry_id, "due": to_text(due_at), "attempts": attempts, "error": error},
        )

    async def of_subject(self, kind: Tell, subject: int) -> list[OutboxEntry]:
        found = await fetch(
            self._conn,
            "SELECT * FROM outbox WHERE kind = :kind AND subject = :subject ORDER BY id",
            {"kind": kind.value, "subject": subject},
        )
        return [_entry(row) for row in await found.fetchall()]

    async def count(self, status: EntryStatus) -> int:
        found = await fetch(
            self._conn,
            "SELECT COUNT(*) FROM outbox WHERE status = :status",
            {"status": status.value},
        )
        row = await found.fetchone()
        return int(row[0]) if row else 0

    async def prune(self, *, finished_before: datetime) -> int:
        cursor = await self._conn.execute(
            "DELETE FROM outbox WHERE status = 'done' AND finished_at < :before",
            {"before": to_text(finished_before)},
        )
        return cursor.rowcount
