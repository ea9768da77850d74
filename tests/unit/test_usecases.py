"""The use cases of the foundation, run against a real SQLite file (storage is tested apart)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.codes.cases import issue_codes, join_with_code, regenerate_code
from bot.codes.model import MAX_FAILURES, MAX_USES
from bot.communities.cases import set_vote_periods, setup_community
from bot.communities.model import Community
from bot.errors import NotAllowed, NotFound, UserError
from bot.residents.cases import decide_join, leave, list_members, request_join
from bot.residents.model import MembershipStatus, Relation
from bot.residents.profile import load_profile
from bot.roles.cases import set_role
from bot.roles.model import Actor, Role
from bot.units.cases import import_units
from bot.units.register import UnitFileRejected
from storage.database import Database
from tests.conftest import NOW, WORKED_EXAMPLE_CSV

ADMIN = Actor(1, is_chat_admin=True)


async def make_community(
    db: Database, chat_id: int = -1001, name: str = "Sunny Garden"
) -> Community:
    async with db.unit_of_work() as uow:
        result = await setup_community(
            uow,
            chat_id=chat_id,
            name=name,
            is_chat_admin=True,
            user_id=1,
            language="en",
            timezone="Asia/Shanghai",
            now=NOW,
        )
    async with db.unit_of_work() as uow:
        await import_units(
            uow, community_id=result.community.id, data=WORKED_EXAMPLE_CSV, is_admin=True
        )
    async with db.unit_of_work() as uow:  # owners told otherwise: votes open at once here
        return await set_vote_periods(uow, result.community, notice_days=0, is_admin=True)


async def test_setup_needs_an_admin_and_renames_on_second_call(db: Database) -> None:
    async with db.unit_of_work() as uow:
        with pytest.raises(NotAllowed):
            await setup_community(
                uow,
                chat_id=-5,
                name="X",
                is_chat_admin=False,
                user_id=2,
                language="zh",
                timezone="UTC",
                now=NOW,
            )
        with pytest.raises(UserError):
            await setup_community(
                uow,
                chat_id=-5,
                name="   ",
                is_chat_admin=True,
                user_id=2,
                language="zh",
                timezone="UTC",
                now=NOW,
            )
    first = await make_community(db, chat_id=-5, name="Old  name")
    assert first.name == "Old name"
    async with db.unit_of_work() as uow:
        again = await setup_community(
            uow,
            chat_id=-5,
            name="New",
            is_chat_admin=True,
            user_id=2,
            language="zh",
            timezone="UTC",
            now=NOW,
        )
    assert (again.created, again.old_name, again.community.id) == (False, "Old name", first.id)


async def test_a_bad_file_changes_nothing_and_reimport_updates(db: Database) -> None:
    community = await make_community(db)
    async with db.unit_of_work() as uow:
        with pytest.raises(UnitFileRejected):
            await import_units(
                uow,
                community_id=community.id,
                data=b"unit,building,area_m2,owner\n9-9,9,x,Z\n",
                is_admin=True,
            )
        with pytest.raises(NotAllowed):
            await import_units(
                uow, community_id=community.id, data=WORKED_EXAMPLE_CSV, is_admin=False
            )
    async with db.unit_of_work() as uow:
        assert len(await uow.units.in_register(community.id)) == 10
        await request_join(
            uow,
            community=community,
            user_id=42,
            user_name="Alice",
            unit_code="3-101",
            relation=Relation.TENANT,  # the developer's unit: owned by no one who joins
            now=NOW,
        )
    changed = (
        WORKED_EXAMPLE_CSV.replace(b"1-101,1,90,A", b"1-101,1,95.5,A")
        .replace(b"3-101,3,70,developer\n", b"")
        .replace(b"3-102,3,70,developer\n", b"4-101,4,50,H\n")
    )
    async with db.unit_of_work() as uow:
        report = await import_units(uow, community_id=community.id, data=changed, is_admin=True)
    assert (report.added, report.updated, report.removed, report.kept_missing) == (
        1,
        1,
        1,
        ("3-101",),
    )
    async with db.unit_of_work() as uow:
        codes = {u.code for u in await uow.units.in_register(community.id)}
        kept = await uow.units.get(community.id, "3-101")
    assert "3-102" not in codes and "3-101" not in codes and "4-101" in codes
    assert kept is not None and kept.retired


async def test_join_review_flow_with_refusals(db: Database) -> None:
    community = await make_community(db)
    other = await make_community(db, chat_id=-2002, name="Other")
    async with db.unit_of_work() as uow:
        with pytest.raises(NotFound):
            await request_join(
                uow,
                community=community,
                user_id=42,
                user_name="A",
                unit_code="9-999",
                relation=Relation.OWNER,
                now=NOW,
            )
        pending = await request_join(
            uow,
            community=community,
            user_id=42,
            user_name="Alice",
            unit_code="２-101",
            relation=Relation.TENANT,
            now=NOW,
        )
        with pytest.raises(UserError, match="join.already_pending"):
            await request_join(
                uow,
                community=community,
                user_id=42,
                user_name="A",
                unit_code="2-101",
                relation=Relation.OWNER,
                now=NOW,
            )
    assert (pending.unit_code, pending.status) == ("2-101", MembershipStatus.PENDING)
    rep_of_1 = Actor(7, Role.REP, frozenset({"1"}))
    rep_of_2 = Actor(8, Role.REP, frozenset({"2"}))
    async with db.unit_of_work() as uow:
        with pytest.raises(NotAllowed):
            await decide_join(
                uow,
                community=community,
                membership_id=pending.id,
                actor=rep_of_1,
                actor_name="R1",
                approve=True,
                now=NOW,
            )
        with pytest.raises(NotFound):
            await decide_join(
                uow,
                community=other,
                membership_id=pending.id,
                actor=ADMIN,
                actor_name="Adm",
                approve=True,
                now=NOW,
            )
        with pytest.raises(NotFound):
            await decide_join(
                uow,
                community=community,
                membership_id=99999,
                actor=ADMIN,
                actor_name="Adm",
                approve=True,
                now=NOW,
            )
        decision = await decide_join(
            uow,
            community=community,
            membership_id=pending.id,
            actor=rep_of_2,
            actor_name="Rep Two",
            approve=True,
            now=NOW,
        )
        assert decision.membership.status is MembershipStatus.VERIFIED
        with pytest.raises(UserError, match="join.decided_verified") as twice:
            await decide_join(
                uow,
                community=community,
                membership_id=pending.id,
                actor=rep_of_2,
                actor_name="Rep Two",
                approve=False,
                now=NOW,
            )
        assert twice.value.params == {"by": "Rep Two"}
        with pytest.raises(UserError, match="join.already_verified"):
            await request_join(
                uow,
                community=community,
                user_id=42,
                user_name="A",
                unit_code="2-101",
                relation=Relation.OWNER,
                now=NOW,
            )
    async with db.unit_of_work() as uow:
        listed = await list_members(uow, community_id=community.id, actor=rep_of_2)
        assert [(b.building, list(b.households)) for b in listed] == [("2", ["2-101"])]
        with pytest.raises(NotAllowed):
            await list_members(uow, community_id=community.id, actor=Actor(42))
        profiles = await load_profile(uow, 42)
        assert [(p.community.name, [m.unit_code for m in p.memberships]) for p in profiles] == [
            ("Sunny Garden", ["2-101"])
        ]
        with pytest.raises(NotFound):
            await leave(uow, membership_id=pending.id, user_id=99, now=NOW)
        await leave(uow, membership_id=pending.id, user_id=42, now=NOW)
        with pytest.raises(UserError, match="leave.already_left"):
            await leave(uow, membership_id=pending.id, user_id=42, now=NOW)
    async with db.unit_of_work() as uow:
        assert await load_profile(uow, 42) == []


async def test_codes_verify_at_once_and_are_throttled(db: Database) -> None:
    community = await make_community(db)
    second = await make_community(db, chat_id=-3003, name="Second")
    async with db.unit_of_work() as uow:
        with pytest.raises(NotAllowed):
            await issue_codes(uow, community_id=community.id, actor=Actor(5), now=NOW)
        issued = await issue_codes(uow, community_id=community.id, actor=ADMIN, now=NOW)
        again = await issue_codes(uow, community_id=community.id, actor=ADMIN, now=NOW)
        other = await issue_codes(uow, community_id=second.id, actor=ADMIN, now=NOW)
    assert len(issued) == 10 and issued == again
    assert not {c.code for c in issued} & {c.code for c in other}
    code_1101 = next(c.code for c in issued if c.unit_code == "1-101")

    async with db.unit_of_work() as uow:
        with pytest.raises(UserError, match="code.wrong"):  # right code, wrong unit
            await join_with_code(
                uow,
                user_id=50,
                user_name="U",
                unit_code="1-102",
                code=code_1101,
                relation=Relation.OWNER,
                now=NOW,
            )
        joined = await join_with_code(
            uow,
            user_id=50,
            user_name="U",
            unit_code="1-101",
            code=code_1101.lower(),
            relation=Relation.OWNER,
            now=NOW,
        )
    assert joined.status is MembershipStatus.VERIFIED and joined.community_id == community.id

    for user in range(51, 51 + MAX_USES - 1):
        async with db.unit_of_work() as uow:
            await join_with_code(
                uow,
                user_id=user,
                user_name="U",
                unit_code="1-101",
                code=code_1101,
                relation=Relation.TENANT,
                now=NOW,
            )
    async with db.unit_of_work() as uow:
        with pytest.raises(UserError, match="code.used_up"):
            await join_with_code(
                uow,
                user_id=60,
                user_name="U",
                unit_code="1-101",
                code=code_1101,
                relation=Relation.OWNER,
                now=NOW,
            )

    async with db.unit_of_work() as uow:
        fresh = await regenerate_code(
            uow, community_id=community.id, actor=ADMIN, unit_code="1-102", now=NOW
        )
    old_1102 = next(c.code for c in issued if c.unit_code == "1-102")
    async with db.unit_of_work() as uow:
        # a replaced code says so (and counts as a wrong guess)
        with pytest.raises(UserError, match="code.replaced"):
            await join_with_code(
                uow,
                user_id=70,
                user_name="U",
                unit_code="1-102",
                code=old_1102,
                relation=Relation.OWNER,
                now=NOW,
            )
        for _ in range(MAX_FAILURES - 2):
            with pytest.raises(UserError, match="code.wrong"):
                await join_with_code(
                    uow,
                    user_id=70,
                    user_name="U",
                    unit_code="1-102",
                    code="ZZZZZZZZ",
                    relation=Relation.OWNER,
                    now=NOW,
                )
        with pytest.raises(UserError, match="code.wrong") as last:
            await join_with_code(
                uow,
                user_id=70,
                user_name="U",
                unit_code="1-102",
                code="ZZZZZZZZ",
                relation=Relation.OWNER,
                now=NOW,
            )
        assert last.value.params == {"left": 0}
        with pytest.raises(
            UserError, match="code.throttled"
        ):  # even the right code, while throttled
            await join_with_code(
                uow,
                user_id=70,
                user_name="U",
                unit_code="1-102",
                code=fresh.code,
                relation=Relation.OWNER,
                now=NOW,
            )
        later = NOW + timedelta(minutes=16)
        ok = await join_with_code(
            uow,
            user_id=70,
            user_name="U",
            unit_code="1-102",
            code=fresh.code,
            relation=Relation.OWNER,
            now=later,
        )
    assert ok.unit_code == "1-102"


async def test_roles_are_given_by_admins_only(db: Database) -> None:
    community = await make_community(db)
    async with db.unit_of_work() as uow:
        with pytest.raises(NotAllowed):
            await set_role(
                uow,
                community_id=community.id,
                actor=Actor(9),
                target_user_id=7,
                role=Role.ADMIN,
                buildings=(),
                now=NOW,
            )
        with pytest.raises(UserError, match="role.rep_needs_buildings"):
            await set_role(
                uow,
                community_id=community.id,
                actor=ADMIN,
                target_user_id=7,
                role=Role.REP,
                buildings=(),
                now=NOW,
            )
        with pytest.raises(UserError, match="role.unknown_buildings"):
            await set_role(
                uow,
                community_id=community.id,
                actor=ADMIN,
                target_user_id=7,
                role=Role.REP,
                buildings=("1", "77"),
                now=NOW,
            )
        grant = await set_role(
            uow,
            community_id=community.id,
            actor=ADMIN,
            target_user_id=7,
            role=Role.REP,
            buildings=("1",),
            now=NOW,
        )
        assert grant.buildings == ("1",)
        await set_role(
            uow,
            community_id=community.id,
            actor=ADMIN,
            target_user_id=7,
            role=Role.RESIDENT,
            buildings=(),
            now=NOW,
        )
    async with db.unit_of_work() as uow:
        assert await uow.roles.get(community.id, 7) is None
