"""Owner status is verified, never self-declared (issue 8): residence and ownership apart.

Expected values come from the worked example of ../shared/domain.md (A owns 1-101, C owns 1-201
and 1-202, the developer 3-101 and 3-102), worked out by hand."""

from __future__ import annotations

import pytest

from bot.codes.cases import issue_codes, join_with_code
from bot.errors import NotAllowed, UserError
from bot.residents.cases import decide_join, owned_units, request_join, unit_owners
from bot.residents.model import MembershipStatus, Relation
from bot.roles.cases import set_role
from bot.roles.model import Actor, Role
from bot.units.cases import import_units
from storage.database import Database
from tests.conftest import NOW, WORKED_EXAMPLE_CSV
from tests.unit.test_usecases import ADMIN, make_community

REP_OF_2 = Actor(8, Role.REP, frozenset({"2"}))


async def test_a_letterbox_code_verifies_residence_not_ownership(db: Database) -> None:
    community = await make_community(db)
    async with db.unit_of_work() as uow:
        codes = {
            c.unit_code: c.code
            for c in await issue_codes(uow, community_id=community.id, actor=ADMIN, now=NOW)
        }
        joined = await join_with_code(
            uow,
            user_id=42,
            user_name="Tina the tenant",
            unit_code="1-101",
            code=codes["1-101"],
            relation=Relation.OWNER,  # what she claims
            now=NOW,
        )
    assert joined.status is MembershipStatus.VERIFIED
    assert joined.relation is Relation.RESIDENT
    async with db.unit_of_work() as uow:
        assert await owned_units(uow, community.id, 42) == frozenset()
        assert await unit_owners(uow, community.id) == {}


async def test_a_reviewer_never_decides_their_own_request(db: Database) -> None:
    community = await make_community(db)
    async with db.unit_of_work() as uow:
        pending = await request_join(
            uow,
            community=community,
            user_id=REP_OF_2.user_id,
            user_name="Rep Bob",
            unit_code="2-101",
            relation=Relation.OWNER,
            now=NOW,
        )
    for actor in (REP_OF_2, Actor(REP_OF_2.user_id, Role.ADMIN)):
        async with db.unit_of_work() as uow:
            with pytest.raises(NotAllowed) as refused:
                await decide_join(
                    uow,
                    community=community,
                    membership_id=pending.id,
                    actor=actor,
                    actor_name="Rep Bob",
                    approve=True,
                    now=NOW,
                )
        assert refused.value.key == "join.own_request"
    async with db.unit_of_work() as uow:
        still = await uow.residents.get(pending.id)
        assert still is not None and still.status is MembershipStatus.PENDING
        assert await owned_units(uow, community.id, REP_OF_2.user_id) == frozenset()
    async with db.unit_of_work() as uow:  # another reviewer: owner verified by review
        await decide_join(
            uow,
            community=community,
            membership_id=pending.id,
            actor=ADMIN,
            actor_name="Carol",
            approve=True,
            now=NOW,
        )
    async with db.unit_of_work() as uow:
        assert await owned_units(uow, community.id, REP_OF_2.user_id) == frozenset({"2-101"})
        assert await unit_owners(uow, community.id) == {"2-101": frozenset({8})}


async def test_developer_units_are_not_owned_through_a_join(db: Database) -> None:
    community = await make_community(db)
    async with db.unit_of_work() as uow:
        with pytest.raises(UserError) as refused:
            await request_join(
                uow,
                community=community,
                user_id=42,
                user_name="Dev",
                unit_code="3-101",
                relation=Relation.OWNER,
                now=NOW,
            )
    assert refused.value.key == "owner.developer_unit"
    assert refused.value.params == {"unit": "3-101"}
    async with db.unit_of_work() as uow:
        assert await uow.residents.live_of_user(42) == []
        assert await owned_units(uow, community.id, 42) == frozenset()


async def test_developer_units_already_owned_are_left_out(db: Database) -> None:
    """An owner verified by review of 2-101; the next register gives 2-101 to the developer
    (unsold after all): owned_units no longer lists it."""
    community = await make_community(db)
    async with db.unit_of_work() as uow:
        pending = await request_join(
            uow,
            community=community,
            user_id=42,
            user_name="D",
            unit_code="2-101",
            relation=Relation.OWNER,
            now=NOW,
        )
        await decide_join(
            uow,
            community=community,
            membership_id=pending.id,
            actor=ADMIN,
            actor_name="Carol",
            approve=True,
            now=NOW,
        )
        assert await owned_units(uow, community.id, 42) == frozenset({"2-101"})
    changed = WORKED_EXAMPLE_CSV.replace(b"2-101,2,100,D", b"2-101,2,100,developer")
    async with db.unit_of_work() as uow:
        await import_units(uow, community_id=community.id, data=changed, is_admin=True)
    async with db.unit_of_work() as uow:
        assert await owned_units(uow, community.id, 42) == frozenset()
        assert "2-101" not in await unit_owners(uow, community.id)


async def test_an_admin_names_a_developer_agent_without_buildings(db: Database) -> None:
    community = await make_community(db)
    async with db.unit_of_work() as uow:
        with pytest.raises(UserError, match="role.buildings_only_for_rep"):
            await set_role(
                uow,
                community_id=community.id,
                actor=ADMIN,
                target_user_id=77,
                role=Role.DEVELOPER_AGENT,
                buildings=("3",),
                now=NOW,
            )
        with pytest.raises(NotAllowed):
            await set_role(
                uow,
                community_id=community.id,
                actor=REP_OF_2,
                target_user_id=77,
                role=Role.DEVELOPER_AGENT,
                buildings=(),
                now=NOW,
            )
        await set_role(
            uow,
            community_id=community.id,
            actor=ADMIN,
            target_user_id=77,
            role=Role.DEVELOPER_AGENT,
            buildings=(),
            now=NOW,
        )
    async with db.unit_of_work() as uow:
        grant = await uow.roles.get(community.id, 77)
    assert grant is not None and grant.role is Role.DEVELOPER_AGENT
    assert Actor.of(77, grant, is_chat_admin=False).is_developer_agent


async def test_full_width_owner_keys_are_one_owner_after_confirming(db: Database) -> None:
    """`Ｃ` (full width) and `C ` are C: the worked example still has 8 owners."""
    community = await make_community(db)
    variant = WORKED_EXAMPLE_CSV.replace(b"1-202,1,60,C", "1-202,1,60,Ｃ ".encode())
    async with db.unit_of_work() as uow:
        first = await import_units(uow, community_id=community.id, data=variant, is_admin=True)
    assert not first.saved
    assert first.doubts.merged == (("C", ("C", "Ｃ")),)
    async with db.unit_of_work() as uow:
        stored = await uow.units.get(community.id, "1-202")
        assert stored is not None and stored.unit.owner_key == "C"  # unchanged: the old file's
    async with db.unit_of_work() as uow:
        confirmed = await import_units(
            uow, community_id=community.id, data=variant, is_admin=True, confirmed=True
        )
    assert confirmed.saved and confirmed.summary.owners == 8
    async with db.unit_of_work() as uow:
        assert [u.code for u in await uow.units.of_owner(community.id, "C")] == ["1-201", "1-202"]
