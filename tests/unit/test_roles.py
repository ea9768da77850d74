from __future__ import annotations

from bot.codes.model import display_code, looks_like_code, new_code, normalize_code
from bot.roles.model import Actor, Role, RoleGrant, parse_buildings, parse_role


def test_admin_reviews_every_building_and_rep_only_theirs() -> None:
    admin = Actor(1, Role.ADMIN)
    chat_admin = Actor(2, is_chat_admin=True)
    rep = Actor.of(3, RoleGrant(1, 3, Role.REP, ("1", "2")), is_chat_admin=False)
    resident = Actor(4)
    committee = Actor(5, Role.COMMITTEE)
    assert admin.can_review("9") and chat_admin.can_review("9")
    assert rep.can_review("2") and not rep.can_review("3")
    assert not resident.can_review("1") and not committee.can_review("1")
    assert committee.is_committee and admin.is_committee and not rep.is_committee
    assert rep.visible_buildings({"1", "3"}) == ["1"]
    assert admin.visible_buildings({"3", "1"}) == ["1", "3"]
    assert resident.visible_buildings({"1"}) == []


def test_parsing_roles_and_buildings() -> None:
    assert parse_role("REP") is Role.REP
    assert parse_role("楼栋长") is Role.REP
    assert parse_role("king") is None
    assert parse_buildings(["1,2", "3", "2", "4，5"]) == ("1", "2", "3", "4", "5")


def test_codes_are_readable_and_normalized() -> None:
    code = new_code()
    assert looks_like_code(code)
    assert len(code) == 8
    assert not set(code) & set("01ILO")
    assert normalize_code(display_code(code).lower()) == code
    assert normalize_code("ａｂｃｄ－ｅｆｇｈ") == "ABCDEFGH"
