"""The notice use cases beyond posting, on a real SQLite file: who gets private copies (one
entry per person, the author left out), a scheduled notice published once however often its
timer fires, cancelling and withdrawing with their refusals, /unread's households (a rep sees
their buildings of a notice for everyone) and Remind them once per 6 hours."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.communities.model import Community
from bot.errors import UserError
from bot.notices.cases import (
    cancel_notice,
    confirm_read,
    note_private_chat,
    post_notice,
    publish_due,
    remind_unread,
    unread_households,
    withdraw_notice,
)
from bot.notices.model import NoticeStatus
from bot.roles.model import Actor, Role
from storage.database import Database
from tests.conftest import NOW
from tests.unit.test_notices import COMMITTEE, REP_OF_2, resident
from tests.unit.test_usecases import ADMIN, make_community

REP_OF_1 = Actor(8, Role.REP, frozenset({"1"}))


async def outbox(db: Database) -> list[tuple[str, str]]:
    async with db.unit_of_work() as uow:
        rows = await uow.inbox._conn.execute_fetchall(
            "SELECT kind, lane FROM outbox WHERE kind LIKE 'notice.%' ORDER BY id"
        )
    return [(row[0], row[1]) for row in rows]


async def populated(db: Database) -> Community:
    community = await make_community(db)
    for user_id, unit in ((101, "1-101"), (102, "1-102"), (201, "2-101"), (7, "2-102")):
        await resident(db, community, user_id, unit)
    return community


async def test_copies_go_to_the_residents_in_scope_but_the_author(db: Database) -> None:
    community = await populated(db)
    async with db.unit_of_work() as uow:  # the rep (7) lives in 2-102 and posts for building 2
        await post_notice(uow, community=community, actor=REP_OF_2, text="楼栋 2 停水", now=NOW)
    assert await outbox(db) == [("notice.card", "group:1"), ("notice.copy", "user:201")]
    async with db.unit_of_work() as uow:  # for everyone: the group only, unless urgent
        await post_notice(uow, community=community, actor=COMMITTEE, text="Party", now=NOW)
        await post_notice(uow, community=community, actor=COMMITTEE, text="紧急 Gas", now=NOW)
    assert (await outbox(db))[2:] == [
        ("notice.card", "group:1"),
        ("notice.card", "group:1"),
        ("notice.copy", "user:101"),
        ("notice.copy", "user:102"),
        ("notice.copy", "user:201"),
        ("notice.copy", "user:7"),
    ]


async def test_a_scheduled_notice_is_published_once(db: Database) -> None:
    community = await populated(db)
    async with db.unit_of_work() as uow:
        notice = await post_notice(
            uow, community=community, actor=COMMITTEE, text="明天 08:00 Water off", now=NOW
        )
    assert notice.status is NoticeStatus.SCHEDULED
    assert notice.publish_at == NOW.replace(day=23, hour=0, minute=0)  # 08:00 Shanghai
    assert await outbox(db) == []
    async with db.unit_of_work() as uow:  # nobody can read it before it is out
        with pytest.raises(UserError, match="notices.not_found"):
            await confirm_read(uow, community=community, notice_id=notice.id, user_id=101, now=NOW)
    later = NOW + timedelta(days=1)
    for _ in range(2):
        async with db.unit_of_work() as uow:
            await publish_due(uow, notice_id=notice.id, now=later)
    assert await outbox(db) == [("notice.card", "group:1")]
    async with db.unit_of_work() as uow:
        with pytest.raises(UserError, match="notices.cancel_published"):
            await cancel_notice(
                uow, community=community, actor=COMMITTEE, notice_id=notice.id, now=later
            )


async def test_cancel_and_withdraw_refusals_change_nothing(db: Database) -> None:
    community = await populated(db)
    async with db.unit_of_work() as uow:
        waiting = await post_notice(
            uow, community=community, actor=COMMITTEE, text="at 2026-12-24 18:00 Party", now=NOW
        )
        posted = await post_notice(uow, community=community, actor=COMMITTEE, text="Gas", now=NOW)
    async with db.unit_of_work() as uow:
        with pytest.raises(UserError, match="notices.manage_not_allowed"):
            await cancel_notice(
                uow, community=community, actor=REP_OF_2, notice_id=waiting.id, now=NOW
            )
        with pytest.raises(UserError, match="notices.withdraw_scheduled"):
            await withdraw_notice(
                uow, community=community, actor=COMMITTEE, notice=waiting, now=NOW
            )
        with pytest.raises(UserError, match="notices.manage_not_allowed"):
            await withdraw_notice(uow, community=community, actor=REP_OF_2, notice=posted, now=NOW)
    assert await outbox(db) == [("notice.card", "group:1")]
    async with db.unit_of_work() as uow:  # an admin may withdraw another's notice
        withdrawn = await withdraw_notice(
            uow, community=community, actor=ADMIN, notice=posted, now=NOW
        )
    assert withdrawn.status is NoticeStatus.WITHDRAWN
    async with db.unit_of_work() as uow:
        with pytest.raises(UserError, match="notices.already_off"):
            await withdraw_notice(uow, community=community, actor=ADMIN, notice=withdrawn, now=NOW)
        with pytest.raises(UserError, match="notices.read_withdrawn"):
            await confirm_read(uow, community=community, notice_id=posted.id, user_id=101, now=NOW)


async def test_unread_and_remind_them(db: Database) -> None:
    community = await populated(db)
    async with db.unit_of_work() as uow:
        notice = await post_notice(uow, community=community, actor=COMMITTEE, text="Gas", now=NOW)
    async with db.unit_of_work() as uow:
        await confirm_read(uow, community=community, notice_id=notice.id, user_id=101, now=NOW)
    async with db.unit_of_work() as uow:
        await note_private_chat(uow, 102, reachable=True, now=NOW)
    async with db.unit_of_work() as uow:
        await note_private_chat(uow, 201, reachable=False, now=NOW)  # a 403
    async with db.unit_of_work() as uow:
        everyone = await unread_households(uow, community=community, actor=COMMITTEE, notice=notice)
        rep_1 = await unread_households(uow, community=community, actor=REP_OF_1, notice=notice)
        with pytest.raises(UserError, match="notices.unread_not_allowed"):
            await unread_households(uow, community=community, actor=Actor(101), notice=notice)
    assert everyone.total == 4
    assert [(h.unit, h.reachable) for h in everyone.households] == [
        ("1-102", (102,)),
        ("2-101", ()),
        ("2-102", ()),
    ]
    assert (rep_1.total, [h.unit for h in rep_1.households]) == (2, ["1-102"])

    async with db.unit_of_work() as uow:
        reminded = await remind_unread(
            uow, community=community, actor=REP_OF_1, notice_id=notice.id, now=NOW
        )
    assert (reminded.households, reminded.people) == (1, 1)
    assert (await outbox(db))[-1] == ("notice.reminder", "user:102")
    async with db.unit_of_work() as uow:
        with pytest.raises(UserError) as refused:
            await remind_unread(
                uow,
                community=community,
                actor=COMMITTEE,
                notice_id=notice.id,
                now=NOW + timedelta(hours=5, minutes=59),
            )
    # 09:30 UTC + 6 h = 15:30 UTC = 23:30 in Shanghai
    assert refused.value.params == {"number": 1, "at": "2026-11-22 23:30"}
    async with db.unit_of_work() as uow:
        await remind_unread(
            uow,
            community=community,
            actor=COMMITTEE,
            notice_id=notice.id,
            now=NOW + timedelta(hours=6),
        )
    assert [k for k, _ in await outbox(db)].count("notice.reminder") == 2
