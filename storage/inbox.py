"""The update inbox: every update fetched from Telegram is stored before its offset is confirmed,
and marked done in the same transaction as its effect (issue 9: exactly-once effects).

- `store` runs once per `getUpdates` batch, in its own durable transaction, before the batch is
  handed to the handlers; only then may the next `getUpdates` confirm it to Telegram. A crash at
  any instant therefore loses nothing fetched: what was stored and not done is replayed from
  here at the next start (`undone`).
- While a handler applies an update, `APPLYING` names it (a batch of presses: all of them);
  every commit on the connection marks it done in the same transaction (see
  `storage.database`). A redelivered update that is already done changes nothing: the pipeline
  skips it and answers a press with `answer` again.
- An update handled without any commit (a read-only command, a refusal) is marked done lazily:
  `InboxMarks` collects it and the next commit, or a periodic flush, writes it. Losing such a mark
  in a crash only means the read-only update is handled once more.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from storage.rows import fetch, to_text

APPLYING: ContextVar[tuple[int, ...]] = ContextVar("applying_updates", default=())
"""The update_ids the current task is applying: the update pipeline sets one; a batch of
ballot presses cast together (`handlers.votes.batch`) sets all of theirs."""

KEEP_DONE = timedelta(days=3)  # Telegram keeps unconfirmed updates for 24 hours


@dataclass(frozen=True, slots=True)
class Fetched:
    update_id: int
    callback_id: str | None
    payload: str  # the update's JSON


@dataclass(frozen=True, slots=True)
class Known:
    """An update fetched again that the inbox already holds."""

    update_id: int
    callback_id: str | None
    done: bool
    answer: str | None


class InboxMarks:
    """Updates handled without a commit of their own, and answers given to presses after their
    commit: written into the next commit on the connection, whichever use case makes it."""

    def __init__(self) -> None:
        self._pending: dict[int, str | None] = {}

    def add(self, update_id: int, answer: str | None = None) -> None:
        if answer is not None or update_id not in self._pending:
            self._pending[update_id] = answer

    def pending(self, update_id: int) -> tuple[bool, str | None]:
        """Whether `update_id` was handled (not yet written), and the answer it got."""
        return update_id in self._pending, self._pending.get(update_id)

    def take(self) -> dict[int, str | None]:
        taken, self._pending = self._pending, {}
        return taken

    def restore(self, taken: dict[int, str | None]) -> None:
        """A commit that carried `taken` failed: keep them for the next one."""
        for update_id, answer in taken.items():
            self.add(update_id, answer)

    def __len__(self) -> int:
        return len(self._pending)


async def write_marks(
    conn: aiosqlite.Connection,
    marks: dict[int, str | None],
    applying: tuple[int, ...],
    now: datetime,
) -> None:
    """Inside the transaction about to commit: mark `applying` and the pending marks done."""
    rows = [(to_text(now), answer, update_id) for update_id, answer in marks.items()]
    rows += [(to_text(now), None, update_id) for update_id in applying if update_id not in marks]
    if rows:
        await conn.executemany(
            "UPDATE update_inbox SET done_at = coalesce(done_at, ?),"
            " answer = coalesce(?, answer) WHERE update_id = ?",
            rows,
        )


class SqliteInboxRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def store(self, fetched: Sequence[Fetched], *, now: datetime) -> list[Known]:
        """Insert the new ones; return those the inbox already held (fetched again)."""
        if not fetched:
            return []
        ids = [f.update_id for f in fetched]
        marks = ",".join("?" * len(ids))
        found = await fetch(
            self._conn,
            f"SELECT update_id, callback_id, done_at, answer FROM update_inbox"  # noqa: S608
            f" WHERE update_id IN ({marks})",
            ids,
        )
        known = [
            Known(row["update_id"], row["callback_id"], row["done_at"] is not None, row["answer"])
            for row in await found.fetchall()
        ]
        held = {k.update_id for k in known}
        await self._conn.executemany(
            "INSERT INTO update_inbox (update_id, callback_id, payload, received_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [
                (f.update_id, f.callback_id, f.payload, to_text(now))
                for f in fetched
                if f.update_id not in held
            ],
        )
        return known

    async def undone(self) -> list[str]:
        """The payloads of stored updates not yet applied, oldest first."""
        found = await fetch(
            self._conn, "SELECT payload FROM update_inbox WHERE done_at IS NULL ORDER BY update_id"
        )
        return [row["payload"] for row in await found.fetchall()]

    async def last_update_id(self) -> int | None:
        found = await fetch(self._conn, "SELECT max(update_id) FROM update_inbox")
        row = await found.fetchone()
        return int(row[0]) if row and row[0] is not None else None

    async def prune(self, *, now: datetime) -> int:
        """Forget done updates older than `KEEP_DONE`, but always keep the newest row (the
        offset to go on from)."""
        cursor = await self._conn.execute(
            "DELETE FROM update_inbox WHERE done_at IS NOT NULL AND done_at < ?"
            " AND update_id < (SELECT max(update_id) FROM update_inbox)",
            (to_text(now - KEEP_DONE),),
        )
        return cursor.rowcount
