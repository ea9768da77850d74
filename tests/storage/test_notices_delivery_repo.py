"""The notice repository's delivery side on a real SQLite file: scheduled and recent notices,
statuses, a file, private copies stored once, reminders, who the bot may write to; and a
notice from before migration 0011 reads as published at its creation, and one who joined with
a code (privately) as reachable."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import aiosqlite

from bot.notices.model import AuthorRole, FileKind, NoticeFile, NoticeStatus
from storage.database import Database
from storage.migrate import migrate
from tests.conftest import NOW
from tests.storage.test_notices_repo import _community


async def test_statuses_files_copies_reminders_and_reachability(db: Database) -> None:
    cid = await _community(db, -1001)
    async with db.unit_of_work() as uow:
        posted = await uow.notices.add(
            community_id=cid,
            text="Scan",
            building="1",
            author_id=7,
            author_role=AuthorRole.REP,
            now=NOW,
            urgent=True,
            pin=True,
            file=NoticeFile(FileKind.PHOTO, "photo-id"),
        )
        waiting = await uow.notices.add(
            community_id=cid,
            text="Later",
            building=None,
            author_id=9,
            author_role=AuthorRole.COMMITTEE,
            now=NOW,
            status=NoticeStatus.SCHEDULED,
            publish_at=NOW + timedelta(days=1),
        )
        await uow.notices.add_copy(posted.id, 500, 11)
        await uow.notices.add_copy(posted.id, 500, 12)  # a second delivery keeps the first
        await uow.notices.add_reminder(posted.id, 7, now=NOW)
        await uow.notices.set_reachable(500, True, now=NOW)
        await uow.notices.set_reachable(501, True, now=NOW)
        await uow.notices.set_reachable(501, False, now=NOW)  # then a 403
        await uow.commit()
    assert (posted.urgent, posted.pin, posted.file) == (
        True,
        True,
        NoticeFile(FileKind.PHOTO, "photo-id"),
    )
    assert (posted.status, posted.published_at) == (NoticeStatus.PUBLISHED, NOW)
    assert (waiting.status, waiting.published_at) == (NoticeStatus.SCHEDULED, None)
    async with db.unit_of_work() as uow:
        assert [n.id for n in await uow.notices.scheduled()] == [waiting.id]
        assert [n.id for n in await uow.notices.recent(cid, NOW)] == [posted.id, waiting.id]
        assert await uow.notices.copies(posted.id) == {500: 11}
        assert await uow.notices.copy_of(posted.id, 501) is None
        assert await uow.notices.last_reminder(posted.id) == NOW
        assert await uow.notices.last_reminder(waiting.id) is None
        assert await uow.notices.reachable([500, 501, 502]) == {500}
        assert await uow.notices.reachable([]) == frozenset()
        later = NOW + timedelta(days=1)
        await uow.notices.set_status(waiting.id, NoticeStatus.PUBLISHED, now=later)
        await uow.commit()
    async with db.unit_of_work() as uow:
        published = await uow.notices.get(waiting.id)
        assert published is not None
        assert (published.status, published.published_at) == (NoticeStatus.PUBLISHED, later)
        assert [n.id for n in await uow.notices.recent(cid, NOW)] == [waiting.id, posted.id]
        assert await uow.notices.by_number(cid, 2) == published
        assert await uow.notices.by_number(cid, 3) is None


async def test_a_notice_from_before_0011_is_published(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    async with aiosqlite.connect(path) as conn:
        await migrate(conn, 10)
        await conn.execute(
            "INSERT INTO communities (id, chat_id, name, language, timezone, created_by,"
            " created_at) VALUES (1, -1001, 'Sunny', 'en', 'UTC', 1, '2026-11-22T09:30:00+00:00')"
        )
        await conn.execute(
            "INSERT INTO notices (community_id, number, text, author_id, author_role,"
            " created_at) VALUES (1, 1, 'Old', 9, 'admin', '2026-11-22T09:30:00+00:00')"
        )
        # 500 joined with a letterbox code (privately), 501 was verified by review in the group
        await conn.execute(
            "INSERT INTO units (id, community_id, code, building, area_centi_m2, owner_key)"
            " VALUES (1, 1, '1-101', '1', 9000, 'a')"
        )
        for user_id, verification in ((500, "code"), (501, "review")):
            await conn.execute(
                "INSERT INTO users (id, display_name, updated_at) VALUES (?, 'U', 'x')",
                (user_id,),
            )
            await conn.execute(
                "INSERT INTO memberships (unit_id, user_id, relation, status, requested_at,"
                " verification) VALUES (1, ?, 'tenant', 'verified', 'x', ?)",
                (user_id, verification),
            )
        await conn.commit()
    db = await Database.open(path)
    try:
        async with db.unit_of_work() as uow:
            old = await uow.notices.by_number(1, 1)
            assert await uow.notices.reachable([500, 501]) == {500}
        assert old is not None
        assert (old.status, old.published_at, old.file, old.urgent) == (
            NoticeStatus.PUBLISHED,
            NOW,
            None,
            False,
        )
    finally:
        await db.close()
