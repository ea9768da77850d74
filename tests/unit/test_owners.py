"""Owner status is verified, never self-declared (issue 8): residence and ownership apart.

Expected values come from the worked example of ../shared/domain.md (A owns 1-101, C owns 1-201
and 1-202, the developer 3-101 and 3-102), worked out by hand."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest

from bot.codes.cases import issue_codes, join_with_code
from bot.communities.model import Community
from bot.errors import NotAllowed, UserError
from bot.residents.cases import (
    claim_ownership,
    decide_join,
    decide_ownership,
    owned_units,
    request_join,
    unit_owners,
    verify_owner_by_phone,
)
from bot.residents.model import MembershipStatus, OwnershipStatus, Relation, phone_hash
from bot.roles.cases import set_role
from bot.roles.model import Actor, Role
from bot.units.cases import import_units
from bot.units.register import (
    RegisterDoubts,
    RowError,
    RowProblem,
    UnitFileRejected,
    parse_register,
    parse_unit_csv,
)
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


# The worked example with the owners' phones the committee imported: C owns 1-201 and 1-202
# (one phone, written two ways), A has a landline, the developer's office has a phone too.
PHONE_CSV = (
    b"unit,building,area_m2,owner,owner_phone\n"
    b"1-101,1,90,A,010-6552 9988\n"
    b"1-102,1,90,B,\n"
    b"1-201,1,120,C,138 0013 8000\n"
    b"1-202,1,60,C,+86 13800138000\n"
    b"2-101,2,100,D,\n"
    b"2-102,2,100,E,\n"
    b"2-201,2,80,F,\n"
    b"2-202,2,80,G,\n"
    b"3-101,3,70,developer,13900139000\n"
    b"3-102,3,70,developer,13900139000\n"
)
C_PHONE_FROM_TELEGRAM = "8613800138000"  # how Telegram gives a contact's number


async def phone_community(db: Database) -> Community:
    community = await make_community(db)
    async with db.unit_of_work() as uow:
        report = await import_units(uow, community_id=community.id, data=PHONE_CSV, is_admin=True)
    assert report.saved and report.summary.owners == 8
    return community


async def code_join(db: Database, community: Community, user_id: int, unit: str) -> None:
    async with db.unit_of_work() as uow:
        codes = await uow.codes.active(community.id)
        if not codes:
            await issue_codes(uow, community_id=community.id, actor=ADMIN, now=NOW)
            codes = await uow.codes.active(community.id)
        await join_with_code(
            uow, user_id=user_id, user_name="U", unit_code=unit, code=codes[unit], now=NOW
        )


async def table(db: Database, sql: str) -> list[tuple[object, ...]]:
    async with db.unit_of_work() as uow, uow.ownerships._conn.execute(sql) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def test_the_register_keeps_the_owner_phones_in_e164(db: Database) -> None:
    community = await phone_community(db)
    async with db.unit_of_work() as uow:
        phones = {u.code: u.owner_phone for u in await uow.units.in_register(community.id)}
    assert phones["1-101"] == "+861065529988"
    assert phones["1-201"] == phones["1-202"] == "+8613800138000"
    assert phones["1-102"] is None


async def test_sharing_ones_own_phone_verifies_every_unit_with_it(db: Database) -> None:
    community = await phone_community(db)
    await code_join(db, community, 42, "1-201")  # C lives in 1-201
    async with db.unit_of_work() as uow:
        result = await verify_owner_by_phone(
            uow,
            user_id=42,
            user_name="C",
            contact_user_id=42,
            phone=C_PHONE_FROM_TELEGRAM,
            now=NOW,
        )
    assert result.units == ((community.id, "1-201"), (community.id, "1-202"))
    async with db.unit_of_work() as uow:
        assert await owned_units(uow, community.id, 42) == frozenset({"1-201", "1-202"})
        assert await unit_owners(uow, community.id) == {
            "1-201": frozenset({42}),
            "1-202": frozenset({42}),
        }
        (lives,) = await uow.residents.live_of_user(42)
    assert (lives.unit_code, lives.relation) == ("1-201", Relation.OWNER)
    # only a salted hash of the shared phone is kept, and no table but the register has it
    async with db.unit_of_work() as uow:
        salt = await uow.ownerships.secret()
    expected = hmac.new(salt.encode(), b"+8613800138000", hashlib.sha256).hexdigest()
    assert await table(db, "SELECT DISTINCT phone_hash FROM ownerships") == [(expected,)]
    for name in ("ownerships", "users", "memberships"):
        rows = await table(db, f"SELECT * FROM {name}")
        assert not any("13800138000" in str(v) for row in rows for v in row)
    # sharing again changes nothing
    async with db.unit_of_work() as uow:
        again = await verify_owner_by_phone(
            uow, user_id=42, user_name="C", contact_user_id=42, phone="+8613800138000", now=NOW
        )
    assert again.units == result.units
    assert len(await table(db, "SELECT id FROM ownerships")) == 2


async def test_an_owner_by_phone_need_not_live_there(db: Database) -> None:
    community = await phone_community(db)
    async with db.unit_of_work() as uow:
        await verify_owner_by_phone(
            uow, user_id=99, user_name="A", contact_user_id=99, phone="+86 10 6552 9988", now=NOW
        )
    async with db.unit_of_work() as uow:
        assert await owned_units(uow, community.id, 99) == frozenset({"1-101"})
        assert await uow.residents.live_of_user(99) == []


@pytest.mark.parametrize(
    ("contact_user_id", "phone", "key"),
    [
        (43, C_PHONE_FROM_TELEGRAM, "owner.contact_not_own"),  # someone else's contact
        (None, C_PHONE_FROM_TELEGRAM, "owner.contact_not_own"),  # a contact typed in by hand
        (42, "+8613700137000", "owner.phone_no_match"),  # a phone the register does not have
        (42, "12345", "owner.phone_no_match"),  # not a phone number
        (42, "13900139000", "owner.phone_no_match"),  # the developer's: not through a phone
    ],
)
async def test_bad_contacts_change_nothing(
    db: Database, contact_user_id: int | None, phone: str, key: str
) -> None:
    community = await phone_community(db)
    await code_join(db, community, 42, "1-201")
    before = await table(db, "SELECT * FROM memberships")
    async with db.unit_of_work() as uow:
        with pytest.raises(UserError) as refused:
            await verify_owner_by_phone(
                uow,
                user_id=42,
                user_name="C",
                contact_user_id=contact_user_id,
                phone=phone,
                now=NOW,
            )
    assert refused.value.key == key
    assert await table(db, "SELECT * FROM ownerships") == []
    assert await table(db, "SELECT * FROM memberships") == before
    async with db.unit_of_work() as uow:
        assert await owned_units(uow, community.id, 42) == frozenset()


async def test_each_installation_salts_the_phone_hash_differently(tmp_path: Path) -> None:
    salts = []
    for name in ("one", "two"):
        database = await Database.open(tmp_path / f"{name}.db")
        async with database.unit_of_work() as uow:
            salts.append(await uow.ownerships.secret())
        await database.close()
    assert len(salts[0]) == 64 and salts[0] != salts[1]
    assert phone_hash(salts[0], "+8613800138000") != phone_hash(salts[1], "+8613800138000")


async def test_a_review_request_as_owner_after_a_code_join(db: Database) -> None:
    community = await make_community(db)
    await code_join(db, community, 42, "2-101")
    async with db.unit_of_work() as uow:
        claim = await claim_ownership(
            uow, community=community, user_id=42, user_name="D", unit_code="2-101", now=NOW
        )
        for unit, key in (("2-101", "owner.already_pending"), ("3-102", "owner.developer_unit")):
            with pytest.raises(UserError) as refused:
                await claim_ownership(
                    uow, community=community, user_id=42, user_name="D", unit_code=unit, now=NOW
                )
            assert refused.value.key == key
    assert claim.status is OwnershipStatus.PENDING
    refusals = [
        (Actor(42, Role.ADMIN), "join.own_request"),  # the applicant, even as an admin
        (Actor(7, Role.REP, frozenset({"1"})), "join.not_reviewer"),
        (Actor(5), "join.not_reviewer"),
    ]
    for actor, key in refusals:
        async with db.unit_of_work() as uow:
            with pytest.raises(NotAllowed) as refused:
                await decide_ownership(
                    uow,
                    community=community,
                    ownership_id=claim.id,
                    actor=actor,
                    actor_name="X",
                    approve=True,
                    now=NOW,
                )
            assert refused.value.key == key
    async with db.unit_of_work() as uow:
        assert await owned_units(uow, community.id, 42) == frozenset()
        decided = await decide_ownership(
            uow,
            community=community,
            ownership_id=claim.id,
            actor=REP_OF_2,
            actor_name="Rep Bob",
            approve=True,
            now=NOW,
        )
    assert decided.ownership.status is OwnershipStatus.VERIFIED
    assert decided.ownership.decided_by_name == "Rep Bob"
    async with db.unit_of_work() as uow:
        assert await owned_units(uow, community.id, 42) == frozenset({"2-101"})
        (lives,) = await uow.residents.live_of_user(42)
        assert lives.relation is Relation.OWNER
        with pytest.raises(UserError, match="owner.decided_verified"):
            await decide_ownership(
                uow,
                community=community,
                ownership_id=claim.id,
                actor=ADMIN,
                actor_name="Carol",
                approve=False,
                now=NOW,
            )
        with pytest.raises(UserError, match="owner.already_owner"):
            await claim_ownership(
                uow, community=community, user_id=42, user_name="D", unit_code="2-101", now=NOW
            )


async def test_a_tenant_approval_verifies_residence_only(db: Database) -> None:
    community = await make_community(db)
    async with db.unit_of_work() as uow:
        pending = await request_join(
            uow,
            community=community,
            user_id=42,
            user_name="T",
            unit_code="2-102",
            relation=Relation.TENANT,
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
        assert await owned_units(uow, community.id, 42) == frozenset()
        (lives,) = await uow.residents.live_of_user(42)
    assert (lives.status, lives.relation) == (MembershipStatus.VERIFIED, Relation.TENANT)


async def test_a_new_owner_in_the_register_ends_the_old_ownership(db: Database) -> None:
    community = await phone_community(db)
    async with db.unit_of_work() as uow:
        await verify_owner_by_phone(
            uow, user_id=42, user_name="C", contact_user_id=42, phone="13800138000", now=NOW
        )
    sold = PHONE_CSV.replace(b"1-202,1,60,C,+86 13800138000", b"1-202,1,60,H,")
    async with db.unit_of_work() as uow:
        await import_units(uow, community_id=community.id, data=sold, is_admin=True)
        assert await owned_units(uow, community.id, 42) == frozenset({"1-201"})


async def test_owner_keys_differing_only_in_case_are_shown_first(db: Database) -> None:
    community = await make_community(db)
    cased = WORKED_EXAMPLE_CSV.replace(b"1-102,1,90,B", b"1-102,1,90,a")
    async with db.unit_of_work() as uow:
        first = await import_units(uow, community_id=community.id, data=cased, is_admin=True)
    assert not first.saved
    assert first.doubts == RegisterDoubts(merged=(), case_variants=(("A", "a"),))
    async with db.unit_of_work() as uow:
        b = await uow.units.get(community.id, "1-102")
        assert b is not None and b.unit.owner_key == "B"  # nothing saved
        saved = await import_units(
            uow, community_id=community.id, data=cased, is_admin=True, confirmed=True
        )
    assert saved.saved and saved.summary.owners == 8  # A and a stay two owners; B is gone


def test_register_rows_with_a_bad_phone_or_wrong_columns_are_refused() -> None:
    data = (
        "unit,building,area_m2,owner,owner_phone\n"
        "1-101,1,90,A,12345\n"
        "1-102,1,90,B\n"
        "1-201,1,90,Ｗａｎｇ　Ｗｅｉ ,\n"
    ).encode()
    with pytest.raises(UnitFileRejected) as refused:
        parse_unit_csv(data)
    assert refused.value.row_errors == (
        RowError(2, RowProblem.BAD_PHONE, "12345"),
        RowError(3, RowProblem.WRONG_COLUMNS_PHONE, "4"),
    )
    parsed = parse_register(data.replace(b",12345", b",").replace(b"90,B\n", b"90,B,\n"))
    assert [u.owner_key for u in parsed.units] == ["A", "B", "Wang Wei"]
    assert not parsed.doubts
