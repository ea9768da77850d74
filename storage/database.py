"""The one SQLite connection of the process: WAL, foreign keys on, migrated at opening.

Use cases run one at a time on it (an asyncio lock), each inside one transaction; that is plenty
for a community bot and keeps every use case atomic."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import aiosqlite

from storage.codes import SqliteCodeRepo
from storage.communities import SqliteCommunityRepo
from storage.digest import SqliteDigestRepo
from storage.inbox import APPLYING, InboxMarks, SqliteInboxRepo, write_marks
from storage.meetings import SqliteMeetingRepo
from storage.migrate import migrate
from storage.notices import SqliteNoticeRepo
from storage.outbox import SqliteOutboxRepo
from storage.points import SqlitePointsRepo
from storage.reports import SqliteReportRepo
from storage.residents import SqliteOwnershipRepo, SqliteResidentRepo
from storage.roles import SqliteRoleRepo
from storage.stats import SqliteStatsRepo
from storage.topics import SqliteTopicRepo
from storage.units import SqliteUnitRepo
from storage.users import SqliteUserRepo
from storage.votes import SqliteVoteRepo


async def connect(path: Path) -> aiosqlite.Connection:
    """Open (creating the folder) with the pragmas every connection needs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    await conn.execute("PRAGMA journal_mode = WAL")
    await conn.execute("PRAGMA synchronous = FULL")
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute("PRAGMA busy_timeout = 5000")
    return conn


class Database:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self._holders: set[asyncio.Task[object] | None] = set()
        self.marks = InboxMarks()

    @classmethod
    async def open(cls, path: Path) -> Database:
        conn = await connect(path)
        try:
            await migrate(conn)
        except BaseException:
            await conn.close()
            raise
        return cls(conn)

    async def close(self) -> None:
        async with self._lock:
            await self._conn.close()

    def unit_of_work(self) -> SqliteUnitOfWork:
        return SqliteUnitOfWork(self._conn, self._lock, self._holders, self.marks)

    async def flush_marks(self) -> int:
        """Write the pending inbox marks now (they usually ride along with the next commit)."""
        if not len(self.marks):
            return 0
        count = len(self.marks)
        async with self.unit_of_work() as uow:
            await uow.commit()
        return count


class SqliteUnitOfWork:
    """`async with db.unit_of_work() as uow:` ... `await uow.commit()`; no commit → rollback.

    Units of work never nest: a task that opens one inside another would wait for itself, so
    that is refused at once."""

    def __init__(
        self,
        conn: aiosqlite.Connection,
        lock: asyncio.Lock,
        holders: set[asyncio.Task[object] | None],
        marks: InboxMarks,
    ) -> None:
        self._conn = conn
        self._lock = lock
        self._holders = holders
        self._marks = marks
        self.inbox = SqliteInboxRepo(conn)
        self.communities = SqliteCommunityRepo(conn)
        self.units = SqliteUnitRepo(conn)
        self.residents = SqliteResidentRepo(conn)
        self.ownerships = SqliteOwnershipRepo(conn)
        self.roles = SqliteRoleRepo(conn)
        self.codes = SqliteCodeRepo(conn)
        self.users = SqliteUserRepo(conn)
        self.topics = SqliteTopicRepo(conn)
        self.votes = SqliteVoteRepo(conn)
        self.reports = SqliteReportRepo(conn)
        self.notices = SqliteNoticeRepo(conn)
        self.meetings = SqliteMeetingRepo(conn)
        self.stats = SqliteStatsRepo(conn)
        self.outbox = SqliteOutboxRepo(conn)
        self.digest = SqliteDigestRepo(conn)
        self.points = SqlitePointsRepo(conn)

    async def __aenter__(self) -> SqliteUnitOfWork:
        task = asyncio.current_task()
        if task in self._holders:
            raise RuntimeError("a unit of work was opened inside another one (it would deadlock)")
        await self._lock.acquire()
        self._holders.add(task)
        try:
            await self._settled("BEGIN")
        except BaseException:
            try:
                if self._conn.in_transaction:
                    await self._settled("ROLLBACK")
            finally:
                self._holders.discard(task)
                self._lock.release()
            raise
        return self

    async def _settled(self, sql: str) -> None:
        """Run `sql` to its end even if this task is cancelled meanwhile: the statement runs in
        aiosqlite's thread anyway, and the next unit of work must not find the connection
        inside a transaction it did not begin."""
        statement = asyncio.ensure_future(self._conn.execute(sql))
        try:
            await asyncio.shield(statement)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await statement
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._conn.in_transaction:
                await self._settled("ROLLBACK")
        finally:
            self._holders.discard(asyncio.current_task())
            self._lock.release()

    async def commit(self) -> None:
        """Make everything so far durable, then go on in a new transaction. The update being
        applied (`storage.inbox.APPLYING`) and the pending inbox marks are marked done in the
        same transaction."""
        marks = self._marks.take()
        try:
            await write_marks(self._conn, marks, APPLYING.get(), datetime.now(UTC))
            # to its end even if cancelled (a stop): else the exit's ROLLBACK would follow a
            # COMMIT that aiosqlite's thread finished anyway, fail, and hide the cancellation
            await self._settled("COMMIT")
        except BaseException:
            self._marks.restore(marks)  # written again by the next commit: harmless
            raise
        await self._settled("BEGIN")
