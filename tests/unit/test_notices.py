"""Notices: the scope in the command, the counting rule (N and n by scope, one per household),
and the use cases on a real SQLite file (a rep's scope, a press twice, nothing stored on a
refusal)."""

from __future__ import annotations

import pytest

from bot.communities.model import Community
from bot.errors import NotAllowed, NotFound, UserError
from bot.notices.cases import confirm_read, post_notice, read_count
from bot.notices.model import (
    AuthorRole,
    Notice,
    NoticeRequest,
    ReadCount,
    count_reads,
    households_in_scope,
    message_length,
    notice_card_text,
    parse_notice,
)
from bot.residents.cases import decide_join, request_join
from bot.residents.model import Relation
from bot.roles.model import Actor, Role
from storage.database import Database
from tests.conftest import NOW
from tests.unit.test_usecases import ADMIN, make_community

# (unit code, building) of verified residents: 2-101 has two residents
VERIFIED = [("1-101", "1"), ("2-101", "2"), ("2-101", "2"), ("2-102", "2"), ("3-101", "3")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Water off", NoticeRequest(None, "Water off")),
        ("building 3 Water off", NoticeRequest("3", "Water off")),
        ("Building 3 Water off\nsecond line", NoticeRequest("3", "Water off\nsecond line")),
        ("楼栋 3 周五停水", NoticeRequest("3", "周五停水")),
        ("3号楼 周五停水", NoticeRequest("3", "周五停水")),
        ("3栋 周五停水", NoticeRequest("3", "周五停水")),
        ("building 3", NoticeRequest("3", "")),
        ("  ", NoticeRequest(None, "")),
        ("The building 3 lift", NoticeRequest(None, "The building 3 lift")),
        ("Building maintenance on Monday", NoticeRequest(None, "Building maintenance on Monday")),
        ("building a new fence", NoticeRequest(None, "building a new fence")),
        ("building A lift", NoticeRequest("A", "lift")),
        ("building 12A lift", NoticeRequest("12A", "lift")),
        ("楼栋3 停电", NoticeRequest("3", "停电")),
        ("building3 lift", NoticeRequest("3", "lift")),
    ],
)
def test_the_scope_is_read_from_the_start(text: str, expected: NoticeRequest) -> None:
    assert parse_notice(text) == expected


def test_a_household_with_two_residents_counts_once() -> None:
    assert households_in_scope(None, VERIFIED) == {"1-101", "2-101", "2-102", "3-101"}
    assert households_in_scope("2", VERIFIED) == {"2-101", "2-102"}


def test_n_and_N_by_scope() -> None:
    reads = ["2-101", "1-101"]
    assert count_reads(None, VERIFIED, reads) == ReadCount(2, 4)
    assert count_reads("2", VERIFIED, reads) == ReadCount(1, 2)
    assert count_reads("3", VERIFIED, reads) == ReadCount(0, 1)
    # a household that confirmed and is no longer verified is not counted
    assert count_reads(None, VERIFIED, ["9-909", "2-102"]) == ReadCount(1, 4)


def test_the_percentage_is_rounded_down_and_zero_without_households() -> None:
    assert ReadCount(1, 3).percent == 33
    assert ReadCount(2, 3).percent == 66
    assert ReadCount(3, 3).percent == 100
    assert ReadCount(0, 0).percent == 0


def test_the_card_in_both_languages() -> None:
    notice = Notice(1, 1, 4, "Water is off", "2", 7, AuthorRole.REP)
    assert notice_card_text(notice, ReadCount(1, 4), "en") == (
        "📢 Notice #4 · building 2\nWater is off\n— Building rep\nRead by 1 of 4 households (25 %)"
    )
    assert notice_card_text(notice, ReadCount(1, 4), "zh") == (
        "📢 通知 #4 · 2号楼\nWater is off\n—— 楼栋长\n已读 1/4 户（25%）"
    )


def test_message_length_counts_utf16_units() -> None:
    assert message_length("📢 a") == 4
    assert message_length("通知") == 2


REP_OF_2 = Actor(7, Role.REP, frozenset({"2"}))
COMMITTEE = Actor(9, Role.COMMITTEE)


async def resident(db: Database, community: Community, user_id: int, unit: str) -> None:
    async with db.unit_of_work() as uow:
        pending = await request_join(
            uow,
            community=community,
            user_id=user_id,
            user_name=f"User {user_id}",
            unit_code=unit,
            relation=Relation.TENANT,
            now=NOW,
        )
    async with db.unit_of_work() as uow:
        await decide_join(
            uow,
            community=community,
            membership_id=pending.id,
            actor=ADMIN,
            actor_name="Admin",
            approve=True,
            now=NOW,
        )


async def notices_stored(db: Database) -> tuple[int, int]:
    async with db.unit_of_work() as uow:
        conn = uow.inbox._conn
        notices = await conn.execute_fetchall("SELECT id FROM notices")
        cards = await conn.execute_fetchall("SELECT id FROM outbox WHERE kind = 'notice.card'")
    return len(list(notices)), len(list(cards))


async def test_a_reps_notice_is_counted_per_household_of_its_building(db: Database) -> None:
    community = await make_community(db)
    await resident(db, community, 101, "1-101")
    await resident(db, community, 201, "2-101")
    await resident(db, community, 202, "2-101")  # a second resident of the same household
    await resident(db, community, 203, "2-102")
    async with db.unit_of_work() as uow:
        notice = await post_notice(
            uow, community=community, actor=REP_OF_2, text="2号楼 Water off", now=NOW
        )
    assert (notice.number, notice.building, notice.text) == (1, "2", "Water off")
    assert notice.author_role is AuthorRole.REP
    assert await notices_stored(db) == (1, 1)  # the card was written with the notice

    async with db.unit_of_work() as uow:
        first = await confirm_read(
            uow, community=community, notice_id=notice.id, user_id=201, now=NOW
        )
    async with db.unit_of_work() as uow:
        other_resident = await confirm_read(
            uow, community=community, notice_id=notice.id, user_id=202, now=NOW
        )
    async with db.unit_of_work() as uow:
        twice = await confirm_read(
            uow, community=community, notice_id=notice.id, user_id=201, now=NOW
        )
    assert (first.households, first.already) == (("2-101",), False)
    assert (other_resident.households, other_resident.already) == (("2-101",), True)
    assert (twice.households, twice.already) == (("2-101",), True)
    async with db.unit_of_work() as uow:
        with pytest.raises(NotAllowed, match="notices.read_outside"):
            await confirm_read(uow, community=community, notice_id=notice.id, user_id=101, now=NOW)
        with pytest.raises(NotAllowed, match="notices.read_not_resident"):
            await confirm_read(uow, community=community, notice_id=notice.id, user_id=999, now=NOW)
        with pytest.raises(NotFound):
            await confirm_read(uow, community=community, notice_id=999, user_id=201, now=NOW)
        assert await read_count(uow, notice) == ReadCount(1, 2)
    async with db.unit_of_work() as uow:
        await confirm_read(uow, community=community, notice_id=notice.id, user_id=203, now=NOW)
    async with db.unit_of_work() as uow:
        assert await read_count(uow, notice) == ReadCount(2, 2)


async def test_a_community_notice_counts_every_verified_household(db: Database) -> None:
    community = await make_community(db)
    await resident(db, community, 101, "1-101")
    await resident(db, community, 201, "2-101")
    await resident(db, community, 301, "3-101")
    async with db.unit_of_work() as uow:
        notice = await post_notice(
            uow, community=community, actor=COMMITTEE, text="Garden party", now=NOW
        )
    assert (notice.building, notice.author_role) == (None, AuthorRole.COMMITTEE)
    async with db.unit_of_work() as uow:
        await confirm_read(uow, community=community, notice_id=notice.id, user_id=301, now=NOW)
    async with db.unit_of_work() as uow:
        assert await read_count(uow, notice) == ReadCount(1, 3)


@pytest.mark.parametrize(
    ("actor", "text", "key"),
    [
        (COMMITTEE, "", "usage.notice"),
        (COMMITTEE, "building 2", "usage.notice"),
        (REP_OF_2, "Water off", "notices.rep_needs_building"),
        (REP_OF_2, "building 1 Water off", "notices.not_your_building"),
        (COMMITTEE, "building 9 Water off", "notices.unknown_building"),
        (Actor(101), "Water off", "notices.not_allowed"),
        (COMMITTEE, "x" * 4015, "notices.too_long"),
    ],
)
async def test_refused_notices_store_nothing(
    db: Database, actor: Actor, text: str, key: str
) -> None:
    community = await make_community(db)
    async with db.unit_of_work() as uow:
        with pytest.raises(UserError) as refused:
            await post_notice(uow, community=community, actor=actor, text=text, now=NOW)
    assert refused.value.key == key
    assert await notices_stored(db) == (0, 0)


async def test_the_length_limit_counts_the_cards_own_lines(db: Database) -> None:
    """No household verified yet: "📢 Notice #1 · all households\n" is 30 UTF-16 units,
    "\n— Owners' committee\nRead by 0 of 0 households (0 %)" is 20 + 1 + 31: 82 with the
    text's 4,014 make 4,096; one more is refused with 4,097."""
    community = await make_community(db)
    async with db.unit_of_work() as uow:
        with pytest.raises(UserError) as refused:
            await post_notice(uow, community=community, actor=COMMITTEE, text="x" * 4015, now=NOW)
    assert refused.value.params == {"length": "4,097", "limit": "4,096"}
    async with db.unit_of_work() as uow:
        await post_notice(uow, community=community, actor=COMMITTEE, text="x" * 4014, now=NOW)
    assert await notices_stored(db) == (1, 1)
